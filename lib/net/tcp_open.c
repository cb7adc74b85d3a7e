/* SPDX-License-Identifier: BSD-3-Clause */
/* tcp_open.c: the passive open: SYN, SYN cookies, SYN_RECEIVED to ESTABLISHED. */
#include "core/config.h"
#include "net/net.h"
#include "net/ipv6.h"
#include "net/tcp_alloc.h"
#include "net/tcp_priv.h"

/* State of a new connection from the peer's SYN (or the cookie ACK). */
static void
tcp_conn_init(struct lcore_ctx *ctx, struct tcp_conn *c,
	      const struct tcp_seg *s, const struct tcp_listener *l,
	      uint32_t iss, uint32_t irs, uint16_t snd_mss, uint16_t adv_mss,
	      uint32_t ts_off, int8_t wscale, bool ts)
{
	const struct tcp_lcore *tl = tcp_tl(ctx);

	c->peer_mac = *s->peer_mac;
	c->ops = l->ops;
	c->iss = iss;
	c->irs = irs;
	c->snd_una = iss;
	c->snd_nxt = iss + 1;
	c->snd_max = iss + 1;
	c->recover = iss;
	c->lost_end = iss + 1; /* tcp_rack.c: nothing lost */
	c->rtx_nxt = iss + 1;
	c->tlp_end = iss + 1;
	c->rcv_nxt = irs + 1;
	c->last_ack_sent = c->rcv_nxt;
	c->ts_off = ts_off;
	if (wscale >= 0) {
		c->flags |= TCF_WS;
		c->snd_wscale = (uint8_t)wscale;
		c->rcv_wscale = tl->our_wscale;
		c->rcv_wnd = tl->rcv_wnd_ws;
	} else {
		c->rcv_wnd = tcp_min(tl->rcv_wnd, 65535);
	}
	if (ts) {
		c->flags |= TCF_TS;
		c->ts_recent = s->tsval;
	}
	c->rcv_mss = adv_mss;
	tcp_conn_send_init(tl, c, snd_mss, ts);
	c->rto = tl->rto_init;
	c->snd_buf = tl->snd_buf;
}

/*
 * A new passive connection's SYN-ACK timer. Every one starts with the
 * same RTO (tcp.rto_init_ms), so the lcore's SYN_RECEIVED connections
 * wait for their first timeout in a FIFO that is in deadline order: one
 * timer (tl->syn_timer) for them all, and the handshake's end takes c
 * off the list (tcp_established) instead of leaving its wheel timer
 * armed for the answer's RTO to move. A deadline earlier than the tail's
 * (the clock stepped back) goes on c's own timer, as a timeout after
 * the first does (tcp_synack_expired: backed off). Inline in the SYN,
 * its only caller.
 */
static __rte_always_inline void
tcp_synack_arm(struct lcore_ctx *ctx, struct tcp_conn *c)
{
	struct tcp_lcore *tl = tcp_tl(ctx);
	uint64_t when = ctx->now_us + c->rto;

	if (unlikely(tl->syn_head != NULL &&
		     container_of(tl->syn_tail, struct tcp_conn, tw_next)
				     ->rtx_deadline > when)) {
		tcp_rtx_arm(ctx, c);
		return;
	}
	c->timer_kind = TT_RTX;
	c->rtx_deadline = when;
	c->tw_next = NULL;
	c->tw_pprev = tl->syn_tail;
	*tl->syn_tail = c;
	tl->syn_tail = &c->tw_next;
	/* Left armed when the FIFO empties: it then fires for nothing, or
	 * for the entries added since. */
	if (!timer_armed(&tl->syn_timer) || tl->syn_timer.expire_us > when)
		timer_arm(&ctx->wheel, &tl->syn_timer, when);
}

/* A SYN (in m) for a listening port (RFC 9293 §3.10.7.2, third). true
 * when m was consumed: the SYN-ACK went in it. */
static bool
tcp_rcv_syn(struct lcore_ctx *ctx, struct rte_mbuf *m, const struct tcp_seg *s,
	    const struct tcp_listener *l)
{
	struct tcp_lcore *tl = tcp_tl(ctx);
	uint16_t lport = s->th->dst_port, pport = s->th->src_port;
	uint16_t peer = tcp_peer_mss(ctx, s), ours = tcp_our_mss(ctx, tl);
	/* We announce min(ours, the peer's) and send at most that; with no
	 * option the peer gets our MSS and we send 536. */
	uint16_t adv, snd;
	uint32_t iss, ts_off;
	uint64_t isn;
	struct tcp_conn *c;
	bool full = tl->state_count[TCP_SYN_RECEIVED] >= tl->max_halfopen;
	uint16_t lim = tl->our_mss;

	if (unlikely(s->peer6))
		tcp_mss6_fit(ctx, s->peer6, &ours, &lim);
	adv = peer ? (uint16_t)tcp_min(ours, peer) : ours;
	snd = (uint16_t)tcp_min(lim, peer ? peer : TCP_DEFAULT_MSS);
	STAT_INC(ctx, tcp_syn_rx);
	if (full)
		STAT_INC(ctx, tcp_halfopen_full);
	if (full || tl->syncookies == CONFIG_ON) {
		uint32_t cookie, tsval = 0;
		uint16_t cmss = snd;

		if (tl->syncookies == CONFIG_OFF)
			return false; /* dropped: the peer retries */
		cookie = syncookie_make(ctx, s, lport, &cmss);
		if (s->has_ts) {
			tcp_isn(ctx, s->peer_ip, s->peer6, s->lid, pport,
				lport, &iss, &ts_off);
			tsval = syncookie_tsval(ctx, ts_off, s->wscale);
		}
		tl->cookie_sent = true;
		tl->cookie_sent_us = ctx->now_us;
		tcp_reply_synack_cookie(ctx, s, cookie, adv, tsval);
		return false;
	}
	c = tcp_conn_alloc_inline(ctx, s->peer_ip, pport, lport, s->lid,
				  s->peer6, TCP_SYN_RECEIVED);
	if (!c) {
		STAT_INC(ctx, tcp_conn_full_rst);
		tcp_reply_rst(ctx, s);
		return false;
	}
	if (likely(!s->peer6)) {
		isn = tcp_isn4(ctx, s->peer_ip, s->lid,
			       (uint32_t)pport << 16 | lport);
		iss = (uint32_t)isn;
		ts_off = (uint32_t)(isn >> 32);
	} else {
		tcp_isn(ctx, s->peer_ip, s->peer6, s->lid, pport, lport, &iss,
			&ts_off);
	}
	tcp_conn_init(ctx, c, s, l, iss, s->seq, snd, adv, ts_off, s->wscale,
		      s->has_ts);
	if (s->sack_ok) {
		/* RFC 2018 §2: the SYN-ACK permits SACK back. */
		c->flags |= TCF_SACK;
		STAT_INC(ctx, tcp_sack_conns);
	}
	c->rtt_start = ctx->now_us;
	tcp_synack_arm(ctx, c);
	/* Last: s is in m, which the SYN-ACK may overwrite. The usual one
	 * (IPv4, every option agreed) in m as tcp_send_synack_in's first
	 * case makes it, without the call and the options' decoding. */
	if (likely((c->flags & (TCF_WS | TCF_TS | TCF_SACK)) ==
			   (TCF_WS | TCF_TS | TCF_SACK) &&
		   !(c->lid & TCP_LID_V6) && tcp_mbuf_reusable(ctx, m))) {
		if (unlikely(!tcp_xmit_synack(ctx, c, (uint16_t)tcp_min(
						      tl->rcv_wnd, 65535), m))) {
			STAT_INC(ctx, tcp_drop_nombuf);
			return false;
		}
		STAT_INC(ctx, tcp_synack_tx);
		return true;
	}
	return tcp_send_synack_in(ctx, c, m);
}

/* In AUTO mode cookies are checked only for a while after we sent one:
 * a stray ACK otherwise costs no hash and cannot open anything. */
static inline bool
tcp_cookies_live(const struct lcore_ctx *ctx, const struct tcp_lcore *tl)
{
	if (tl->syncookies == CONFIG_OFF)
		return false;
	return tl->syncookies == CONFIG_ON ||
	       (tl->cookie_sent &&
		ctx->now_us - tl->cookie_sent_us < 2 * 64 * 1000000ull);
}

/* An ACK that may return a SYN cookie: a connection in SYN_RECEIVED
 * (the caller completes it with this very segment), or NULL. */
static struct tcp_conn *
tcp_rcv_cookie(struct lcore_ctx *ctx, const struct tcp_seg *s,
	       const struct tcp_listener *l)
{
	struct tcp_lcore *tl = tcp_tl(ctx);
	uint16_t lport = s->th->dst_port, pport = s->th->src_port, mss, ours;
	uint32_t iss, ts_off;
	int8_t ws = -1;
	bool ts = false;
	struct tcp_conn *c;

	if (syncookie_check(ctx, s, lport, &mss) < 0) {
		STAT_INC(ctx, tcp_syncookie_bad);
		tcp_reply_rst(ctx, s);
		return NULL;
	}
	if (s->has_ts) {
		int8_t d = syncookie_ts_wscale(s->tsecr);

		if (d >= -1) {
			ts = true;
			ws = d;
		}
	}
	c = tcp_conn_alloc(ctx, s->peer_ip, pport, lport, s->lid, s->peer6);
	if (!c) {
		STAT_INC(ctx, tcp_conn_full_rst);
		tcp_reply_rst(ctx, s);
		return NULL;
	}
	STAT_INC(ctx, tcp_syncookie_ok);
	tcp_isn(ctx, s->peer_ip, s->peer6, s->lid, pport, lport, &iss,
		&ts_off);
	ours = tcp_our_mss(ctx, tl);
	if (unlikely(s->peer6)) {
		uint16_t lim = tl->our_mss;

		tcp_mss6_fit(ctx, s->peer6, &ours, &lim);
		mss = (uint16_t)tcp_min(mss, lim);
	}
	tcp_conn_init(ctx, c, s, l, s->ack - 1, s->seq - 1, mss,
		      (uint16_t)tcp_min(ours, mss), ts_off, ws, ts);
	c->flags |= TCF_COOKIE;
	tcp_set_state(tl, c, TCP_SYN_RECEIVED);
	return c;
}

/* No connection: LISTEN processing (RFC 9293 §3.10.7.2) or a reset
 * (§3.10.7.1). Returns a connection to run s through, or NULL. */
struct tcp_conn *
tcp_rcv_listen(struct lcore_ctx *ctx, struct rte_mbuf *m,
	       const struct tcp_seg *s, bool *kept)
{
	struct tcp_lcore *tl = tcp_tl(ctx);
	const struct tcp_listener *l;

	*kept = false;
	if (s->flags & RTE_TCP_RST_FLAG) {
		STAT_INC(ctx, tcp_drop_no_conn); /* never answer a reset */
		return NULL;
	}
	l = tcp_listener_find(tl, s->th->dst_port);
	if (!l) {
		STAT_INC(ctx, tcp_drop_no_listener);
		tcp_reply_rst(ctx, s);
		return NULL;
	}
	if (s->flags & RTE_TCP_ACK_FLAG) {
		if (!(s->flags & RTE_TCP_SYN_FLAG) && tcp_cookies_live(ctx, tl))
			return tcp_rcv_cookie(ctx, s, l);
		STAT_INC(ctx, tcp_drop_no_conn);
		tcp_reply_rst(ctx, s);
		return NULL;
	}
	if (s->flags & RTE_TCP_SYN_FLAG)
		*kept = tcp_rcv_syn(ctx, m, s, l);
	else
		STAT_INC(ctx, tcp_drop_no_conn);
	return NULL;
}

/* SYN_RECEIVED -> ESTABLISHED on the ACK of our SYN (§3.10.7.4 fifth).
 * false when the connection is gone (refused by the application). */
static __rte_always_inline bool
tcp_established(struct lcore_ctx *ctx, struct tcp_conn *c,
		const struct tcp_seg *s)
{
	struct tcp_lcore *tl = tcp_tl(ctx);
	void *app;

	/* The SYN-ACK's timer stops: off the FIFO (tcp_synack_arm), or as
	 * an RTO does after a retransmission (tcp_rtx_arm, RFC 6298 §5.2):
	 * only its kind; the next arm moves it, or it fires idle. */
	c->timer_kind = TT_NONE;
	if (c->tw_pprev)
		tcp_synack_unlink(tl, c);
	if (c->retries == 0 && !(c->flags & TCF_COOKIE))
		tcp_rtt_update(tl, c, (uint32_t)(ctx->now_us - c->rtt_start));
	else if (c->retries && (c->flags & TCF_TS) && s->has_ts &&
		 tcp_ts_now(ctx, c->ts_off) - s->tsecr < tl->rto_max / 1000)
		/* The SYN-ACK timed out, but the echoed timestamp says which
		 * one was answered (RFC 7323 §4, as Linux): an RTT sample in
		 * 1 ms ticks, so the RTO and the loss probe of the first
		 * answer need not wait for a timed segment. */
		tcp_rtt_sample(tl, c, (tcp_ts_now(ctx, c->ts_off) - s->tsecr) *
					      1000u);
	else if (c->retries)
		/* RFC 6298 §5.7: the SYN-ACK timed out: at least 3 s. */
		c->rto = tcp_min(tcp_max(tl->rto_init, 3000000), tl->rto_max);
	c->retries = 0;
	c->snd_una = s->ack;
	c->snd_wnd = s->wnd << c->snd_wscale;
	c->max_snd_wnd = c->snd_wnd;
	c->rcv_pred = tcp_pred_word(c);
	c->rcv_ack_at = tcp_ack_at(tl, c);
	c->snd_wl1 = s->seq;
	c->snd_wl2 = s->ack;
	tcp_set_state(tl, c, TCP_ESTABLISHED);
	STAT_INC(ctx, tcp_accepted);
	/* The ACK paths read what of the ops they need by flag
	 * (tcp_ack_writable): none for an application that asks (HTTP). */
	if (unlikely(!c->ops->writable_asked))
		c->flags |= TCF_WR_ALL;
	app = c->ops->accept(ctx, c);
	if (c->flags & TCF_DEAD)
		return false;
	if (!app) {
		STAT_INC(ctx, tcp_accept_refused);
		tcp_send_rst(ctx, c);
		tcp_conn_free(ctx, c);
		return false;
	}
	c->app = app;
	c->flags |= TCF_APP;
	return true;
}

/* ---- the handshake's last ACK ----------------------------------------- */

/*
 * The ACK of our SYN (§3.10.7.4 fifth, SYN_RECEIVED). false when the
 * segment is done with: refused (RST), the connection gone, or the
 * handshake's last ACK bearing nothing more. tcp_established() did all
 * the ACK processing such a segment asks for (snd_una, the window and
 * its wl1/wl2): with nothing sent past our SYN, no SACK block either
 * way, no probe, undo, persist or FIN of ours, tcp_rcv_ack() would
 * change nothing, so only TS.Recent is left (as tcp_rcv_state does it).
 * true: the caller goes on with the segment as an ESTABLISHED one.
 * tcp_established inline here: the handshake's last ACK pays one call.
 * bare: s is known to carry no text, no FIN and, on a connection with
 * timestamps, a timestamp (tcp_rcv_state's decided case).
 */
static __rte_always_inline bool
tcp_rcv_syn_received_at(struct lcore_ctx *ctx, struct tcp_conn *c,
			const struct tcp_seg *s, const bool bare)
{
	/* SND.UNA < SEG.ACK =< SND.NXT, i.e. our SYN exactly. */
	if (s->ack != c->snd_nxt) {
		STAT_INC(ctx, tcp_drop_bad_ack);
		tcp_reply_rst(ctx, s);
		return false;
	}
	if (!tcp_established(ctx, c, s))
		return false;
	if ((!bare && (s->len != 0 || (s->flags & RTE_TCP_FIN_FLAG))) ||
	    s->nsack != 0 ||
	    c->state != TCP_ESTABLISHED || c->snd_una != c->snd_max ||
	    c->nsnd_sack != 0 || SEQ_LT(c->lost_end, c->snd_una) ||
	    SEQ_LT(c->rtx_nxt, c->snd_una) ||
	    (c->flags & (TCF_PERSIST | TCF_FIN_SENT | TCF_TLP | TCF_UNDO)))
		return true;
	if ((bare || s->has_ts) && (c->flags & TCF_TS) &&
	    SEQ_LEQ(s->seq, c->last_ack_sent))
		c->ts_recent = s->tsval;
	return false;
}

bool
tcp_rcv_syn_received(struct lcore_ctx *ctx, struct tcp_conn *c,
		     const struct tcp_seg *s)
{
	return tcp_rcv_syn_received_at(ctx, c, s, false);
}

/* The handshake's last ACK, bare, at rcv_nxt, PAWS passed (tcp_rcv_state's
 * second decided case): the SYN_RECEIVED step at once, then, if the
 * segment asks for more, tcp_rcv_state's steps from its ACK on. */
bool
tcp_rcv_hs_ack(struct lcore_ctx *ctx, struct tcp_conn *c, struct rte_mbuf *m,
	       struct tcp_seg *s)
{
	if (!tcp_rcv_syn_received_at(ctx, c, s, true))
		return false;
	return tcp_rcv_acked(ctx, c, m, s);
}

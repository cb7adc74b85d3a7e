/* SPDX-License-Identifier: BSD-3-Clause */
/* tcp_in.c: TCP receive path: one state machine (RFC 9293 §3.10.7). */
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ip.h>

#include "core/config.h"
#include "net/net.h"
#include "net/tcp_priv.h"
#include "net/tcp_steer.h"

/* ---- parsing ------------------------------------------------------------ */

static void
tcp_parse_options(struct tcp_seg *s, const uint8_t *o, uint32_t len)
{
	for (uint32_t i = 0; i < len;) {
		uint8_t kind = o[i], olen;

		if (kind == 0)
			break;
		if (kind == 1) {
			i++;
			continue;
		}
		if (i + 1 >= len || (olen = o[i + 1]) < 2 || i + olen > len)
			break;
		switch (kind) {
		case 2:
			if (olen == 4)
				s->mss = (uint16_t)(o[i + 2] << 8 | o[i + 3]);
			break;
		case 3:
			if (olen == 3)
				s->wscale = (int8_t)RTE_MIN(o[i + 2], 14);
			break;
		case 4:
			s->sack_ok = true;
			break;
		case 8:
			if (olen == 10) {
				uint32_t v, e;

				memcpy(&v, o + i + 2, 4);
				memcpy(&e, o + i + 6, 4);
				s->has_ts = true;
				s->tsval = rte_be_to_cpu_32(v);
				s->tsecr = rte_be_to_cpu_32(e);
			}
			break;
		}
		i += olen;
	}
}

/* ---- helpers ------------------------------------------------------------ */

/* RFC 5961 §7: challenge ACKs, at most chack_limit per second. */
static void
tcp_challenge_ack(struct lcore_ctx *ctx, struct tcp_conn *c)
{
	struct tcp_lcore *tl = tcp_tl(ctx);

	if (ctx->now_us - tl->chack_window_us >= 1000000) {
		tl->chack_window_us = ctx->now_us;
		tl->chack_count = 0;
	}
	if (tl->chack_count++ >= tl->chack_limit) {
		STAT_INC(ctx, tcp_challenge_ack_limited);
		return;
	}
	STAT_INC(ctx, tcp_challenge_ack);
	c->flags |= TCF_ACK_NOW;
	tcp_schedule(ctx, c);
}

static void
tcp_ack_now(struct lcore_ctx *ctx, struct tcp_conn *c)
{
	c->flags |= TCF_ACK_NOW;
	tcp_schedule(ctx, c);
}

static void
tcp_accepted(struct lcore_ctx *ctx, struct tcp_conn *c)
{
	struct tcp_lcore *tl = tcp_tl(ctx);

	tcp_set_state(tl, c, TCP_ESTABLISHED);
	STAT_INC(ctx, tcp_accepted);
	c->app = c->ops->accept(ctx, c);
	if (!c->app) {
		tcp_send_rst(ctx, c);
		tcp_set_state(tl, c, TCP_CLOSED);
		STAT_INC(ctx, tcp_aborted);
		tcp_conn_free(ctx, c);
		return;
	}
	c->flags |= TCF_APP;
}

/* A new connection's send state (after the SYN is known). */
static void
tcp_conn_setup(struct lcore_ctx *ctx, struct tcp_conn *c,
	       const struct net_pkt *p, const struct tcp_seg *s,
	       const struct tcp_listener *l, uint32_t iss, uint16_t peer_mss)
{
	struct tcp_lcore *tl = tcp_tl(ctx);

	c->peer_mac = p->eth->src_addr;
	c->ops = l->ops;
	c->iss = iss;
	c->snd_una = iss;
	c->snd_nxt = iss + 1;
	c->snd_max = iss + 1;
	c->rcv_nxt = s->seq + 1;
	c->mss = RTE_MIN(peer_mss ? peer_mss : TCP_DEFAULT_MSS, tl->our_mss);
	if (c->mss < 64)
		c->mss = 64;
	c->snd_wnd = s->wnd;
	c->snd_wl1 = s->seq;
	c->snd_wl2 = iss;
	/* RFC 6928: IW10, bounded as in its §2. */
	c->cwnd = tcp_min(TCP_IW_SEGS * (uint32_t)c->mss,
			  tcp_max(2u * c->mss, 14600u));
	c->ssthresh = UINT32_MAX / 2;
	c->rto = tl->rto_init;
	c->snd_buf = tl->snd_buf;
}

/* ---- passive open (LISTEN, RFC 9293 §3.10.7.2) -------------------------- */

static void
tcp_input_listen(struct lcore_ctx *ctx, struct rte_mbuf *m,
		 const struct net_pkt *p, struct tcp_seg *s);
static bool tcp_input_conn(struct lcore_ctx *ctx, struct tcp_conn *c,
			   struct rte_mbuf *m, const struct net_pkt *p,
			   struct tcp_seg *s);

static void
tcp_input_listen(struct lcore_ctx *ctx, struct rte_mbuf *m,
		 const struct net_pkt *p, struct tcp_seg *s)
{
	struct tcp_lcore *tl = tcp_tl(ctx);
	const struct tcp_listener *l;
	struct tcp_conn *c;
	uint32_t pip = p->ip->src_addr;
	uint16_t pport = s->th->src_port, lport = s->th->dst_port, mss;

	if (s->flags & RTE_TCP_RST_FLAG)
		goto drop; /* never answer a reset */
	l = tcp_listener_find(tl, lport);
	if (!l) {
		STAT_INC(ctx, tcp_drop_no_listener);
		tcp_reply_rst(ctx, p, s);
		goto drop;
	}
	if (s->flags & RTE_TCP_ACK_FLAG) {
		/* A bare ACK for no connection: a SYN cookie, or stray. */
		if (!(s->flags & RTE_TCP_SYN_FLAG) && tl->syncookies != CONFIG_OFF &&
		    syncookie_check(ctx, pip, pport, lport, s->seq - 1,
				    s->ack - 1, &mss) == 0) {
			c = tcp_conn_alloc(ctx, pip, pport, lport);
			if (!c) {
				STAT_INC(ctx, tcp_conn_full_rst);
				tcp_reply_rst(ctx, p, s);
				goto drop;
			}
			STAT_INC(ctx, tcp_syncookie_ok);
			s->seq--; /* the SYN this ACK answers */
			tcp_conn_setup(ctx, c, p, s, l, s->ack - 1, mss);
			s->seq++;
			c->snd_una = s->ack;
			c->snd_wnd = s->wnd; /* no scaling with cookies */
			c->snd_wl1 = s->seq;
			c->snd_wl2 = s->ack;
			tcp_accepted(ctx, c);
			if (tl->in_use && c->state == TCP_ESTABLISHED) {
				c->flags |= TCF_BUSY;
				bool kept = tcp_input_conn(ctx, c, m, p, s);

				c->flags &= ~TCF_BUSY;
				if (c->flags & TCF_DEAD) {
					c->flags &= ~TCF_DEAD;
					tcp_conn_free(ctx, c);
				}
				if (kept)
					return;
			}
			goto drop;
		}
		if (tl->syncookies != CONFIG_OFF && !(s->flags & RTE_TCP_SYN_FLAG))
			STAT_INC(ctx, tcp_syncookie_bad);
		tcp_reply_rst(ctx, p, s);
		goto drop;
	}
	if (!(s->flags & RTE_TCP_SYN_FLAG))
		goto drop;
	STAT_INC(ctx, tcp_syn_rx);
	if (tl->syncookies == CONFIG_ON ||
	    tl->state_count[TCP_SYN_RECEIVED] >= tl->max_halfopen) {
		STAT_INC(ctx, tcp_halfopen_full);
		if (tl->syncookies != CONFIG_OFF) {
			mss = RTE_MIN(s->mss ? s->mss : TCP_DEFAULT_MSS,
				      tl->our_mss);
			tcp_reply_synack_cookie(ctx, p, s,
				syncookie_make(ctx, pip, pport, lport, s->seq, mss),
				mss);
		}
		goto drop;
	}
	c = tcp_conn_alloc(ctx, pip, pport, lport);
	if (!c) {
		STAT_INC(ctx, tcp_conn_full_rst);
		tcp_reply_rst(ctx, p, s);
		goto drop;
	}
	tcp_conn_setup(ctx, c, p, s, l, tcp_isn(ctx, pip, pport, lport), s->mss);
	if (s->wscale >= 0) {
		c->flags |= TCF_WS;
		c->snd_wscale = (uint8_t)s->wscale;
		c->rcv_wscale = tl->our_wscale;
	}
	if (s->has_ts) {
		c->flags |= TCF_TS;
		c->ts_recent = s->tsval;
		/* Options travel inside the MSS (RFC 9293 §3.7.1): c->mss is
		 * the payload a segment carries. */
		c->mss -= 12;
	}
	tcp_set_state(tl, c, TCP_SYN_RECEIVED);
	tcp_send_synack(ctx, c);
	tcp_arm(ctx, c, TT_RTX, c->rto);
drop:
	rte_pktmbuf_free(m);
}

/* ---- data and FIN ------------------------------------------------------- */

static void
tcp_deliver(struct lcore_ctx *ctx, struct tcp_conn *c, const uint8_t *data,
	    uint32_t len)
{
	c->rcv_nxt += len;
	/* After tcp_close the app reads nothing more: bytes are ACKed and
	 * dropped (a lingering close, so in-flight answers are not reset). */
	if ((c->flags & (TCF_APP | TCF_APP_CLOSED)) == TCF_APP)
		c->ops->recv(ctx, c, c->app, data, len);
}

static void
tcp_fin_in(struct lcore_ctx *ctx, struct tcp_conn *c)
{
	struct tcp_lcore *tl = tcp_tl(ctx);

	c->rcv_nxt++;
	c->flags |= TCF_FIN_RCVD;
	tcp_ack_now(ctx, c);
	switch (c->state) {
	case TCP_ESTABLISHED:
		tcp_set_state(tl, c, TCP_CLOSE_WAIT);
		if (c->flags & TCF_APP)
			c->ops->peer_fin(ctx, c, c->app);
		break;
	case TCP_FIN_WAIT_1:
		/* Our FIN is not acknowledged yet (else FIN_WAIT_2). */
		tcp_set_state(tl, c, TCP_CLOSING);
		break;
	case TCP_FIN_WAIT_2:
		tcp_send_ack(ctx, c);
		tcp_enter_time_wait(ctx, c);
		break;
	}
}

/* Out-of-order segment: keep its mbuf, sorted by sequence (bounded). */
static bool
tcp_ooo_insert(struct lcore_ctx *ctx, struct tcp_conn *c, struct rte_mbuf *m,
	       const struct tcp_seg *s, uint32_t hlen)
{
	struct tcp_lcore *tl = tcp_tl(ctx);
	struct rte_mbuf **pp = &c->ooo;

	while (*pp && SEQ_LT((*pp)->hash.usr, s->seq))
		pp = &(*pp)->next;
	if (*pp && (*pp)->hash.usr == s->seq && (*pp)->data_len >= s->len) {
		STAT_INC(ctx, tcp_dup_segs);
		return false;
	}
	if (c->nooo >= tl->ooo_max) {
		STAT_INC(ctx, tcp_ooo_drop);
		return false;
	}
	rte_pktmbuf_adj(m, (uint16_t)((const uint8_t *)s->data -
				      rte_pktmbuf_mtod(m, const uint8_t *)));
	rte_pktmbuf_trim(m, (uint16_t)(m->data_len - s->len));
	m->hash.usr = s->seq;
	m->packet_type = (s->flags & RTE_TCP_FIN_FLAG) ? 1 : 0;
	m->next = *pp;
	*pp = m;
	c->nooo++;
	STAT_INC(ctx, tcp_ooo_segs);
	(void)hlen;
	return true;
}

/* Deliver what the out-of-order queue now continues. Returns true when a
 * FIN was reached. */
static bool
tcp_ooo_drain(struct lcore_ctx *ctx, struct tcp_conn *c)
{
	struct rte_mbuf *m;
	bool fin = false;

	while ((m = c->ooo) != NULL && SEQ_LEQ(m->hash.usr, c->rcv_nxt) &&
	       !(c->flags & TCF_DEAD)) {
		uint32_t seq = m->hash.usr, end = seq + m->data_len;

		c->ooo = m->next;
		m->next = NULL;
		c->nooo--;
		if (SEQ_GT(end, c->rcv_nxt))
			tcp_deliver(ctx, c, rte_pktmbuf_mtod_offset(m, const uint8_t *,
					    c->rcv_nxt - seq), end - c->rcv_nxt);
		if (m->packet_type && end == c->rcv_nxt)
			fin = true;
		rte_pktmbuf_free(m);
	}
	return fin;
}

/* Segment text and FIN (§3.10.7.4, seventh and eighth). Returns true when
 * the mbuf was kept. */
static bool
tcp_rcv_data(struct lcore_ctx *ctx, struct tcp_conn *c, struct rte_mbuf *m,
	     struct tcp_seg *s)
{
	struct tcp_lcore *tl = tcp_tl(ctx);
	bool fin = s->flags & RTE_TCP_FIN_FLAG, kept = false;
	uint32_t wnd_end = c->rcv_nxt + tl->rcv_wnd;

	if (!(TCPF(c->state) & TCP_RCV_DATA))
		return false;
	/* Trim what we already have and what lies past the window. */
	if (SEQ_LT(s->seq, c->rcv_nxt)) {
		uint32_t skip = c->rcv_nxt - s->seq;

		if (skip >= s->len) {
			skip = s->len;
			if (fin && s->seq + s->len != c->rcv_nxt)
				fin = false;
		}
		s->data += skip;
		s->len -= skip;
		s->seq += skip;
	}
	if (SEQ_GT(s->seq + s->len, wnd_end)) {
		s->len = SEQ_GT(wnd_end, s->seq) ? wnd_end - s->seq : 0;
		fin = false;
	}
	if (s->seq != c->rcv_nxt) {
		if (s->len || fin) {
			s->flags = fin ? s->flags : (uint8_t)(s->flags & ~RTE_TCP_FIN_FLAG);
			kept = tcp_ooo_insert(ctx, c, m, s, 0);
		}
		/* RFC 5681 §4.2: a duplicate ACK at once for a gap. */
		tcp_ack_now(ctx, c);
		return kept;
	}
	if (s->len) {
		bool filled = c->ooo != NULL;

		tcp_deliver(ctx, c, s->data, s->len);
		if (c->flags & TCF_DEAD)
			return false;
		if (c->ooo && tcp_ooo_drain(ctx, c))
			fin = true;
		if (c->flags & TCF_DEAD)
			return false;
		/* Delayed ACK (RFC 9293 §3.8.6.3): at least every second
		 * full segment, at once when a gap was filled. */
		if (++c->segs_unacked >= 2 || filled || tl->delack_us == 0)
			tcp_ack_now(ctx, c);
		else if (!timer_armed(&c->delack))
			timer_arm(&ctx->wheel, &c->delack,
				  ctx->now_us + tl->delack_us);
		tcp_schedule(ctx, c);
	}
	if (fin)
		tcp_fin_in(ctx, c);
	return false;
}

/* ---- ACK processing (§3.10.7.4 fifth) ----------------------------------- */

/* Returns false when the segment must not be processed further. */
static bool
tcp_rcv_ack(struct lcore_ctx *ctx, struct tcp_conn *c, struct tcp_seg *s)
{
	struct tcp_lcore *tl = tcp_tl(ctx);
	uint32_t ack = s->ack, wnd = s->wnd << c->snd_wscale;

	if (SEQ_GT(ack, c->snd_max)) {
		/* Acknowledges something never sent. */
		STAT_INC(ctx, tcp_drop_out_of_window);
		tcp_ack_now(ctx, c);
		return false;
	}
	/* RFC 5961 §5.2: too old to be plausible. */
	if (SEQ_LT(ack, c->snd_una - (65535u << c->snd_wscale))) {
		STAT_INC(ctx, tcp_drop_out_of_window);
		tcp_challenge_ack(ctx, c);
		return false;
	}
	if (SEQ_GT(ack, c->snd_una)) {
		uint32_t acked = ack - c->snd_una, data = acked;
		bool fin_acked = (c->flags & TCF_FIN_SENT) && ack == c->snd_max;

		if (fin_acked)
			data--;
		tcp_sndq_drop(c, RTE_MIN(data, c->sndq_len));
		if (s->has_ts && s->tsecr && (c->flags & TCF_TS))
			tcp_rtt_sample(tl, c, ((uint32_t)(ctx->now_us / 1000) -
					       s->tsecr) * 1000u);
		else if ((c->flags & TCF_RTT) && SEQ_GT(ack, c->rtt_seq)) {
			c->flags &= ~TCF_RTT;
			tcp_rtt_sample(tl, c, (uint32_t)(ctx->now_us - c->rtt_start));
		}
		if (c->flags & TCF_RECOVERY) {
			if (SEQ_GEQ(ack, c->recover)) {
				/* RFC 6582 §3.2 (3): full acknowledgment. */
				c->cwnd = c->ssthresh;
				c->flags &= ~TCF_RECOVERY;
			} else {
				/* Partial: retransmit the next hole. */
				STAT_INC(ctx, tcp_retransmits);
				c->snd_una = ack;
				tcp_send_segment(ctx, c, ack,
						 RTE_MIN((uint32_t)c->mss, c->sndq_len), 0);
				c->cwnd = c->cwnd > acked ? c->cwnd - acked + c->mss :
							    c->mss;
			}
		} else if (c->cwnd < c->ssthresh) {
			c->cwnd += RTE_MIN(acked, (uint32_t)c->mss); /* RFC 5681 §3.1 */
		} else {
			c->cwnd += RTE_MAX(1u, (uint32_t)c->mss * c->mss / c->cwnd);
		}
		c->snd_una = ack;
		if (SEQ_LT(c->snd_nxt, c->snd_una))
			c->snd_nxt = c->snd_una;
		c->dupacks = 0;
		c->retries = 0;
		if (c->snd_una == c->snd_max) {
			if (c->timer_kind == TT_RTX)
				tcp_disarm(ctx, c);
		} else {
			tcp_arm(ctx, c, TT_RTX, c->rto); /* §5.3 restart */
		}
		if (c->sndq_len > c->snd_nxt - c->snd_una || (c->flags & TCF_WANT_WRITE))
			tcp_schedule(ctx, c);
	} else if (ack == c->snd_una && s->len == 0 &&
		   !(s->flags & (RTE_TCP_FIN_FLAG | RTE_TCP_SYN_FLAG)) &&
		   wnd == c->snd_wnd && c->snd_una != c->snd_max) {
		STAT_INC(ctx, tcp_dup_acks_rx);
		if (++c->dupacks == 3 && !(c->flags & TCF_RECOVERY)) {
			/* RFC 5681 §3.2 fast retransmit, RFC 6582 recovery. */
			uint32_t flight = c->snd_max - c->snd_una;

			STAT_INC(ctx, tcp_fast_retransmits);
			STAT_INC(ctx, tcp_retransmits);
			c->ssthresh = RTE_MAX(flight / 2, 2u * c->mss);
			c->recover = c->snd_max;
			c->cwnd = c->ssthresh + 3u * c->mss;
			c->flags |= TCF_RECOVERY;
			c->flags &= ~TCF_RTT;
			if (c->sndq_len)
				tcp_send_segment(ctx, c, c->snd_una,
						 RTE_MIN((uint32_t)c->mss, c->sndq_len), 0);
			else
				tcp_send_segment(ctx, c, c->snd_una, 0,
						 RTE_TCP_FIN_FLAG);
		} else if (c->dupacks > 3 && (c->flags & TCF_RECOVERY)) {
			c->cwnd += c->mss;
			tcp_schedule(ctx, c);
		}
	}
	/* Window update (§3.10.7.4): only from newer segments. */
	if (SEQ_LT(c->snd_wl1, s->seq) ||
	    (c->snd_wl1 == s->seq && SEQ_LEQ(c->snd_wl2, ack))) {
		bool opened = c->snd_wnd == 0 && wnd > 0;

		c->snd_wnd = wnd;
		c->snd_wl1 = s->seq;
		c->snd_wl2 = ack;
		if (opened) {
			if (c->timer_kind == TT_PERSIST)
				tcp_disarm(ctx, c);
			tcp_schedule(ctx, c);
		}
	}
	/* Our FIN acknowledged: the closing states move on. */
	if ((c->flags & TCF_FIN_SENT) && c->snd_una == c->snd_max) {
		switch (c->state) {
		case TCP_FIN_WAIT_1:
			tcp_set_state(tl, c, TCP_FIN_WAIT_2);
			tcp_arm(ctx, c, TT_FIN_WAIT2, tl->finwait2_us);
			break;
		case TCP_CLOSING:
			tcp_enter_time_wait(ctx, c);
			return false;
		case TCP_LAST_ACK:
			tcp_conn_closed(ctx, c, TCP_CLOSE_NORMAL);
			tcp_set_state(tl, c, TCP_CLOSED);
			tcp_conn_free(ctx, c);
			return false;
		}
	}
	if ((c->flags & (TCF_WANT_WRITE | TCF_APP | TCF_APP_CLOSED)) ==
	    (TCF_WANT_WRITE | TCF_APP) && tcp_send_space(c) && c->ops->writable) {
		c->flags &= ~TCF_WANT_WRITE;
		c->ops->writable(ctx, c, c->app);
	}
	return !(c->flags & TCF_DEAD);
}

/* ---- synchronized states ------------------------------------------------ */

/* §3.10.7.4 first check: does the segment overlap the receive window? */
static bool
tcp_acceptable(const struct tcp_lcore *tl, const struct tcp_conn *c,
	       const struct tcp_seg *s, uint32_t seglen)
{
	uint32_t lo = c->rcv_nxt, hi = c->rcv_nxt + tl->rcv_wnd;

	if (seglen == 0)
		return SEQ_IN(s->seq, lo, hi) || s->seq == lo;
	return SEQ_IN(s->seq, lo, hi) || SEQ_IN(s->seq + seglen - 1, lo, hi);
}

/* Returns true when m was kept (out-of-order queue). */
static bool
tcp_input_conn(struct lcore_ctx *ctx, struct tcp_conn *c, struct rte_mbuf *m,
	       const struct net_pkt *p, struct tcp_seg *s)
{
	struct tcp_lcore *tl = tcp_tl(ctx);
	uint32_t seglen = s->len + !!(s->flags & RTE_TCP_SYN_FLAG) +
			  !!(s->flags & RTE_TCP_FIN_FLAG);

	if (c->state == TCP_SYN_RECEIVED) {
		if (s->flags & RTE_TCP_RST_FLAG) {
			if (tcp_acceptable(tl, c, s, seglen)) {
				STAT_INC(ctx, tcp_rst_rx);
				tcp_set_state(tl, c, TCP_CLOSED);
				tcp_conn_free(ctx, c);
			}
			return false;
		}
		if (s->flags & RTE_TCP_SYN_FLAG) {
			/* The peer repeated its SYN: our SYN-ACK was lost. */
			if (s->seq + 1 == c->rcv_nxt)
				tcp_send_synack(ctx, c);
			return false;
		}
		if (!(s->flags & RTE_TCP_ACK_FLAG))
			return false;
		if (s->ack != c->snd_nxt) {
			tcp_reply_rst(ctx, p, s);
			return false;
		}
		tcp_disarm(ctx, c);
		c->snd_una = s->ack;
		c->snd_wnd = s->wnd << c->snd_wscale;
		c->snd_wl1 = s->seq;
		c->snd_wl2 = s->ack;
		c->retries = 0;
		tcp_accepted(ctx, c);
		if (c->flags & TCF_DEAD)
			return false;
		if (s->has_ts && (c->flags & TCF_TS))
			c->ts_recent = s->tsval;
		return tcp_rcv_data(ctx, c, m, s);
	}
	if (!tcp_acceptable(tl, c, s, seglen)) {
		/* Old duplicate or outside the window: ACK it (not a RST). */
		if (!(s->flags & RTE_TCP_RST_FLAG)) {
			if (SEQ_LT(s->seq + seglen, c->rcv_nxt + 1))
				STAT_INC(ctx, tcp_dup_segs);
			else
				STAT_INC(ctx, tcp_drop_out_of_window);
			tcp_ack_now(ctx, c);
			if (c->state == TCP_TIME_WAIT &&
			    (s->flags & RTE_TCP_FIN_FLAG))
				tcp_arm(ctx, c, TT_TIME_WAIT, tl->timewait_us);
		} else {
			STAT_INC(ctx, tcp_rst_ignored);
		}
		return false;
	}
	if (s->flags & RTE_TCP_RST_FLAG) {
		/* RFC 5961 §3.2: only the exact sequence number resets. */
		if (s->seq != c->rcv_nxt) {
			tcp_challenge_ack(ctx, c);
			return false;
		}
		STAT_INC(ctx, tcp_rst_rx);
		if (c->state != TCP_TIME_WAIT)
			tcp_conn_closed(ctx, c, TCP_CLOSE_RESET);
		tcp_set_state(tl, c, TCP_CLOSED);
		tcp_conn_free(ctx, c);
		return false;
	}
	if (s->flags & RTE_TCP_SYN_FLAG) {
		/* RFC 5961 §4.2: a SYN on a synchronized connection. */
		tcp_challenge_ack(ctx, c);
		return false;
	}
	if (!(s->flags & RTE_TCP_ACK_FLAG))
		return false;
	if (s->has_ts && (c->flags & TCF_TS) && SEQ_LEQ(s->seq, c->rcv_nxt))
		c->ts_recent = s->tsval;
	if (c->state == TCP_TIME_WAIT) {
		if (s->flags & RTE_TCP_FIN_FLAG) {
			tcp_ack_now(ctx, c);
			tcp_arm(ctx, c, TT_TIME_WAIT, tl->timewait_us);
		}
		return false;
	}
	if (!tcp_rcv_ack(ctx, c, s))
		return false;
	return tcp_rcv_data(ctx, c, m, s);
}

void
tcp_input(struct lcore_ctx *ctx, struct rte_mbuf *m, struct net_pkt *p)
{
	struct tcp_lcore *tl = tcp_tl(ctx);
	struct rte_tcp_hdr *th;
	struct tcp_seg s;
	struct tcp_conn *c;
	uint32_t hlen;
	bool kept;

	STAT_INC(ctx, tcp_rx_segs);
	if (unlikely(p->l4_len < sizeof(*th) || m->data_len < p->l4_len)) {
		STAT_INC(ctx, tcp_drop_short);
		goto drop;
	}
	th = rte_pktmbuf_mtod(m, struct rte_tcp_hdr *);
	hlen = (uint32_t)(th->data_off >> 4) * 4;
	if (unlikely(hlen < sizeof(*th) || hlen > p->l4_len)) {
		STAT_INC(ctx, tcp_drop_bad_off);
		goto drop;
	}
	if (!(m->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_GOOD) &&
	    unlikely(rte_ipv4_udptcp_cksum_verify(p->ip, th) != 0)) {
		STAT_INC(ctx, tcp_drop_cksum);
		goto drop;
	}
	s.th = th;
	s.seq = rte_be_to_cpu_32(th->sent_seq);
	s.ack = rte_be_to_cpu_32(th->recv_ack);
	s.flags = th->tcp_flags & 0x3f;
	s.wnd = rte_be_to_cpu_16(th->rx_win);
	s.len = p->l4_len - hlen;
	s.data = (const uint8_t *)th + hlen;
	s.has_ts = false;
	s.mss = 0;
	s.wscale = -1;
	s.sack_ok = false;
	if (hlen > sizeof(*th))
		tcp_parse_options(&s, (const uint8_t *)(th + 1),
				  hlen - sizeof(*th));
	/* Impossible combinations: scans and fingerprinting probes. */
	if (unlikely(s.flags == 0 ||
		     (s.flags & (RTE_TCP_SYN_FLAG | RTE_TCP_FIN_FLAG)) ==
			     (RTE_TCP_SYN_FLAG | RTE_TCP_FIN_FLAG) ||
		     (s.flags & (RTE_TCP_SYN_FLAG | RTE_TCP_RST_FLAG)) ==
			     (RTE_TCP_SYN_FLAG | RTE_TCP_RST_FLAG))) {
		STAT_INC(ctx, tcp_drop_bad_flags);
		goto drop;
	}
	c = tcp_conn_lookup(tl, p->ip->src_addr, th->src_port, th->dst_port);
	if (c && c->state == TCP_TIME_WAIT &&
	    (s.flags & (RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG)) == RTE_TCP_SYN_FLAG &&
	    SEQ_GT(s.seq, c->rcv_nxt)) {
		/* A new incarnation of the 4-tuple (RFC 9293 §3.10.7.4,
		 * RFC 6191): end TIME_WAIT and accept it. */
		tcp_set_state(tl, c, TCP_CLOSED);
		tcp_conn_free(ctx, c);
		c = NULL;
	}
	if (!c) {
		/* Another lcore's connection (fanout rollover, a vdev
		 * without flow hashing): pass it on rather than reset it. */
		if (tl->steer &&
		    tcp_steer_handoff(ctx, m, (uint16_t)(p->ip_hlen +
							 sizeof(struct rte_ether_hdr)),
				      p->ip->src_addr, th->src_port, th->dst_port))
			return;
		tcp_input_listen(ctx, m, p, &s);
		return;
	}
	c->flags |= TCF_BUSY;
	kept = tcp_input_conn(ctx, c, m, p, &s);
	c->flags &= ~TCF_BUSY;
	if (c->flags & TCF_DEAD) {
		c->flags &= ~TCF_DEAD;
		tcp_conn_free(ctx, c);
	}
	if (kept)
		return;
drop:
	rte_pktmbuf_free(m);
}

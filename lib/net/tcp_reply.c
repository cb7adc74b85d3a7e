/* SPDX-License-Identifier: BSD-3-Clause */
/* tcp_reply.c: the SYN-ACKs, and the segments that answer without a connection. */
#include <string.h>

#include <rte_byteorder.h>

#include "net/ipv4.h"
#include "net/ipv6.h"
#include "net/net.h"
#include "net/tcp_priv.h"

/* Options of a SYN-ACK: MSS, window scale, timestamps (RFC 7323 §2.2:
 * the window of a SYN is not scaled), SACK permitted (RFC 2018 §2).
 * Returns the option length. */
static uint32_t
tcp_synack_opts(uint8_t *o, uint16_t mss, int wscale, bool ts, uint32_t tsval,
		uint32_t tsecr, bool sack)
{
	uint32_t n = 0;

	o[n++] = 2;
	o[n++] = 4;
	o[n++] = (uint8_t)(mss >> 8);
	o[n++] = (uint8_t)mss;
	if (wscale >= 0) {
		o[n++] = 1;
		o[n++] = 3;
		o[n++] = 3;
		o[n++] = (uint8_t)wscale;
	}
	if (ts) {
		tcp_opt_ts(o + n, tsval, tsecr);
		n += TCP_TS_OPTLEN;
	}
	if (sack) {
		o[n++] = 1;
		o[n++] = 1;
		o[n++] = 4;
		o[n++] = 2;
	}
	return n;
}

static inline uint32_t
tcp_synack_optlen(int wscale, bool ts, bool sack)
{
	return 4 + (wscale >= 0 ? 4 : 0) + (ts ? TCP_TS_OPTLEN : 0) +
	       (sack ? 4 : 0);
}

void
tcp_send_synack(struct lcore_ctx *ctx, struct tcp_conn *c)
{
	(void)tcp_send_synack_in(ctx, c, NULL);
}

bool
tcp_send_synack_in(struct lcore_ctx *ctx, struct tcp_conn *c,
		   struct rte_mbuf *in)
{
	const struct tcp_lcore *tl = tcp_tl(ctx);
	int ws = (c->flags & TCF_WS) ? c->rcv_wscale : -1;
	bool ts = c->flags & TCF_TS, sack = c->flags & TCF_SACK;
	uint32_t optlen = tcp_synack_optlen(ws, ts, sack);
	struct rte_tcp_hdr *th;
	struct rte_mbuf *m;

	/* The usual SYN-ACK (IPv4, every option agreed) in one pass. */
	if (likely(!(c->lid & TCP_LID_V6) && ws >= 0 && ts && sack)) {
		if (in && !tcp_mbuf_reusable(ctx, in))
			in = NULL;
		if (unlikely(!tcp_xmit_synack(ctx, c, (uint16_t)tcp_min(
						      tl->rcv_wnd, 65535), in))) {
			STAT_INC(ctx, tcp_drop_nombuf);
			return false;
		}
		STAT_INC(ctx, tcp_synack_tx);
		return in != NULL;
	}
	th = tcp_seg_alloc(ctx, &m, TCP_HLEN + optlen, 0);
	if (unlikely(!th))
		return false;
	th->src_port = c->local_port;
	th->dst_port = c->peer_port;
	th->sent_seq = rte_cpu_to_be_32(c->iss);
	th->recv_ack = rte_cpu_to_be_32(c->rcv_nxt);
	th->data_off = (uint8_t)(((TCP_HLEN + optlen) / 4) << 4);
	th->tcp_flags = RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG;
	th->rx_win = rte_cpu_to_be_16((uint16_t)tcp_min(tl->rcv_wnd, 65535));
	th->cksum = 0;
	th->tcp_urp = 0;
	tcp_synack_opts((uint8_t *)(th + 1), c->rcv_mss, ws, ts,
			tcp_ts_now(ctx, c->ts_off), c->ts_recent, sack);
	STAT_INC(ctx, tcp_synack_tx);
	tcp_xmit_sum(ctx, c, m, 0);
	return false;
}

/* Send a reply to s (m's data at its TCP header) back the way s came:
 * IPv4, or IPv6 from the address s was sent to. */
static void
tcp_reply_output(struct lcore_ctx *ctx, struct rte_mbuf *m,
		 const struct tcp_seg *s)
{
	if (likely(!s->peer6))
		ipv4_output_src(ctx, m, tcp_lid_addr4(ctx, s->lid), s->peer_ip,
				IPPROTO_TCP, s->peer_mac);
	else
		ipv6_output(ctx, m, tcp_lid_addr6(ctx->ifc, s->lid), s->peer6,
			    IPPROTO_TCP, 0, s->peer_mac);
}

/* A segment answering s with no connection: ports swapped, to the
 * sender's address and MAC. */
static struct rte_tcp_hdr *
tcp_reply_alloc(struct lcore_ctx *ctx, const struct tcp_seg *s,
		struct rte_mbuf **mp, uint32_t seq, uint32_t ack, uint8_t flags,
		uint32_t optlen)
{
	struct rte_tcp_hdr *th = tcp_seg_alloc(ctx, mp, TCP_HLEN + optlen, 0);

	if (unlikely(!th))
		return NULL;
	th->src_port = s->th->dst_port;
	th->dst_port = s->th->src_port;
	th->sent_seq = rte_cpu_to_be_32(seq);
	th->recv_ack = rte_cpu_to_be_32(ack);
	th->data_off = (uint8_t)(((TCP_HLEN + optlen) / 4) << 4);
	th->tcp_flags = flags;
	th->rx_win = 0;
	th->cksum = 0;
	th->tcp_urp = 0;
	return th;
}

/*
 * RFC 9293 §3.10.7.1: the reset for a segment that has no connection.
 * If it has an ACK: <SEQ=SEG.ACK><CTL=RST>; otherwise <SEQ=0>
 * <ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>. Never for a RST (callers check).
 */
void
tcp_reply_rst(struct lcore_ctx *ctx, const struct tcp_seg *s)
{
	struct rte_mbuf *m;

	if (s->flags & RTE_TCP_ACK_FLAG) {
		if (!tcp_reply_alloc(ctx, s, &m, s->ack, 0, RTE_TCP_RST_FLAG, 0))
			return;
	} else {
		uint32_t ack = s->seq + s->len +
			       !!(s->flags & RTE_TCP_SYN_FLAG) +
			       !!(s->flags & RTE_TCP_FIN_FLAG);

		if (!tcp_reply_alloc(ctx, s, &m, 0, ack,
				     RTE_TCP_RST_FLAG | RTE_TCP_ACK_FLAG, 0))
			return;
	}
	STAT_INC(ctx, tcp_rst_tx);
	STAT_INC(ctx, tcp_tx_segs);
	tcp_reply_output(ctx, m, s);
}

/* The stateless SYN-ACK: ISN = cookie; window scale only with
 * timestamps (the TSval carries it, syncookie.c). */
void
tcp_reply_synack_cookie(struct lcore_ctx *ctx, const struct tcp_seg *s,
			uint32_t cookie, uint16_t mss, uint32_t tsval)
{
	const struct tcp_lcore *tl = tcp_tl(ctx);
	int ws = s->has_ts && s->wscale >= 0 ? tl->our_wscale : -1;
	uint32_t optlen = tcp_synack_optlen(ws, s->has_ts, false);
	struct rte_tcp_hdr *th;
	struct rte_mbuf *m;

	th = tcp_reply_alloc(ctx, s, &m, cookie, s->seq + 1,
			     RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG, optlen);
	if (unlikely(!th))
		return;
	th->rx_win = rte_cpu_to_be_16((uint16_t)tcp_min(tl->rcv_wnd, 65535));
	/* No SACK: the cookie has no room to remember it. */
	tcp_synack_opts((uint8_t *)(th + 1), mss, ws, s->has_ts, tsval,
			s->tsval, false);
	STAT_INC(ctx, tcp_syncookie_tx);
	STAT_INC(ctx, tcp_tx_segs);
	tcp_reply_output(ctx, m, s);
}

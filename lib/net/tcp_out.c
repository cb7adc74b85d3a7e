/* SPDX-License-Identifier: BSD-3-Clause */
/* tcp_out.c: send queue, segment building, output decisions, replies. */
#include <errno.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ip.h>

#include "net/ipv4.h"
#include "net/net.h"
#include "net/tcp_priv.h"

static inline uint32_t
tcp_ts_now(const struct lcore_ctx *ctx)
{
	return (uint32_t)(ctx->now_us / 1000);
}

/* ---- send queue: a chain of mbufs holding bytes from snd_una ---------- */

void
tcp_sndq_free(struct tcp_conn *c)
{
	while (c->sndq_head) {
		struct rte_mbuf *m = c->sndq_head;

		c->sndq_head = m->next;
		m->next = NULL;
		rte_pktmbuf_free_seg(m);
	}
	c->sndq_tail = NULL;
	c->sndq_len = 0;
	c->sndq_off = 0;
}

void
tcp_sndq_drop(struct tcp_conn *c, uint32_t bytes)
{
	c->sndq_len -= bytes;
	while (bytes) {
		struct rte_mbuf *m = c->sndq_head;
		uint32_t avail = m->data_len - c->sndq_off;

		if (bytes < avail) {
			c->sndq_off = (uint16_t)(c->sndq_off + bytes);
			return;
		}
		bytes -= avail;
		c->sndq_head = m->next;
		if (!c->sndq_head)
			c->sndq_tail = NULL;
		m->next = NULL;
		rte_pktmbuf_free_seg(m);
		c->sndq_off = 0;
	}
}

/* Copy len queued bytes starting off bytes after snd_una into dst. */
static void
tcp_sndq_copy(const struct tcp_conn *c, uint32_t off, uint32_t len, char *dst)
{
	const struct rte_mbuf *m = c->sndq_head;

	off += c->sndq_off;
	while (off >= m->data_len) {
		off -= m->data_len;
		m = m->next;
	}
	while (len) {
		uint32_t n = RTE_MIN(len, (uint32_t)m->data_len - off);

		memcpy(dst, rte_pktmbuf_mtod_offset(m, const char *, off), n);
		dst += n;
		len -= n;
		off = 0;
		m = m->next;
	}
}

int
tcp_send(struct lcore_ctx *ctx, struct tcp_conn *c, const void *data,
	 uint32_t len)
{
	const char *p = data;
	uint32_t n, done = 0;

	if (!(TCPF(c->state) & (TCPF(TCP_ESTABLISHED) | TCPF(TCP_CLOSE_WAIT))) ||
	    (c->flags & TCF_APP_CLOSED))
		return -ENOTCONN;
	n = RTE_MIN(len, c->snd_buf > c->sndq_len ? c->snd_buf - c->sndq_len : 0);
	while (done < n) {
		struct rte_mbuf *m = c->sndq_tail;
		uint32_t room = m ? rte_pktmbuf_tailroom(m) : 0, k;

		if (room == 0) {
			m = rte_pktmbuf_alloc(ctx->pool);
			if (!m) {
				STAT_INC(ctx, tcp_drop_nombuf);
				break;
			}
			/* Send-queue mbufs hold payload only: no headroom. */
			m->data_off = 0;
			if (c->sndq_tail)
				c->sndq_tail->next = m;
			else
				c->sndq_head = m;
			c->sndq_tail = m;
			room = rte_pktmbuf_tailroom(m);
		}
		k = RTE_MIN(room, n - done);
		memcpy(rte_pktmbuf_mtod_offset(m, char *, m->data_len), p + done, k);
		m->data_len = (uint16_t)(m->data_len + k);
		m->pkt_len = m->data_len;
		done += k;
	}
	c->sndq_len += done;
	if (done < len) {
		c->flags |= TCF_WANT_WRITE;
		STAT_INC(ctx, tcp_sndq_full);
	}
	if (done)
		tcp_schedule(ctx, c);
	return (int)done;
}

uint32_t
tcp_send_space(const struct tcp_conn *c)
{
	if (!(TCPF(c->state) & (TCPF(TCP_ESTABLISHED) | TCPF(TCP_CLOSE_WAIT))) ||
	    (c->flags & TCF_APP_CLOSED))
		return 0;
	return c->snd_buf > c->sndq_len ? c->snd_buf - c->sndq_len : 0;
}

/* ---- segments --------------------------------------------------------- */

/* A TCP header (+options room) in a fresh mbuf, ports and seq filled. */
static struct rte_tcp_hdr *
tcp_seg_new(struct lcore_ctx *ctx, struct rte_mbuf **mp, uint16_t sport,
	    uint16_t dport, uint32_t seq, uint32_t ack, uint8_t flags,
	    uint32_t optlen, uint32_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(ctx->pool);
	struct rte_tcp_hdr *th;

	if (!m) {
		STAT_INC(ctx, tcp_drop_nombuf);
		return NULL;
	}
	th = (struct rte_tcp_hdr *)rte_pktmbuf_append(m, (uint16_t)(sizeof(*th) +
							optlen + len));
	if (!th) {
		rte_pktmbuf_free(m);
		STAT_INC(ctx, tcp_drop_nombuf);
		return NULL;
	}
	th->src_port = sport;
	th->dst_port = dport;
	th->sent_seq = rte_cpu_to_be_32(seq);
	th->recv_ack = rte_cpu_to_be_32(ack);
	th->data_off = (uint8_t)(((sizeof(*th) + optlen) / 4) << 4);
	th->tcp_flags = flags;
	th->rx_win = 0;
	th->cksum = 0;
	th->tcp_urp = 0;
	*mp = m;
	return th;
}

static uint8_t *
tcp_opt_ts(uint8_t *o, uint32_t tsval, uint32_t tsecr)
{
	uint32_t v = rte_cpu_to_be_32(tsval), e = rte_cpu_to_be_32(tsecr);

	o[0] = 1;
	o[1] = 1;
	o[2] = 8;
	o[3] = 10;
	memcpy(o + 4, &v, 4);
	memcpy(o + 8, &e, 4);
	return o + 12;
}

/* Our receive window as the header carries it (RFC 7323 §2.3). */
static inline uint16_t
tcp_rcv_window(const struct tcp_lcore *tl, const struct tcp_conn *c)
{
	return (uint16_t)RTE_MIN(tl->rcv_wnd >> c->rcv_wscale, 65535u);
}

void
tcp_send_segment(struct lcore_ctx *ctx, struct tcp_conn *c, uint32_t seq,
		 uint32_t len, uint8_t flags)
{
	struct tcp_lcore *tl = tcp_tl(ctx);
	uint32_t optlen = (c->flags & TCF_TS) ? 12 : 0;
	struct rte_tcp_hdr *th;
	struct rte_mbuf *m;

	th = tcp_seg_new(ctx, &m, c->local_port, c->peer_port, seq, c->rcv_nxt,
			 flags | RTE_TCP_ACK_FLAG, optlen, len);
	if (!th)
		return;
	th->rx_win = rte_cpu_to_be_16(tcp_rcv_window(tl, c));
	if (optlen)
		tcp_opt_ts((uint8_t *)(th + 1), tcp_ts_now(ctx), c->ts_recent);
	if (len)
		tcp_sndq_copy(c, seq - c->snd_una, len,
			      (char *)(th + 1) + optlen);
	/* Every segment carries the ACK: nothing is owed any more. */
	c->flags &= ~TCF_ACK_NOW;
	c->segs_unacked = 0;
	timer_cancel(&ctx->wheel, &c->delack);
	STAT_INC(ctx, tcp_tx_segs);
	ipv4_output(ctx, m, c->peer_ip, IPPROTO_TCP, &c->peer_mac);
}

void
tcp_send_ack(struct lcore_ctx *ctx, struct tcp_conn *c)
{
	tcp_send_segment(ctx, c, c->snd_nxt, 0, 0);
}

void
tcp_send_synack(struct lcore_ctx *ctx, struct tcp_conn *c)
{
	struct tcp_lcore *tl = tcp_tl(ctx);
	uint32_t optlen = 4 + ((c->flags & TCF_WS) ? 4 : 0) +
			  ((c->flags & TCF_TS) ? 12 : 0);
	struct rte_tcp_hdr *th;
	struct rte_mbuf *m;
	uint8_t *o;

	th = tcp_seg_new(ctx, &m, c->local_port, c->peer_port, c->iss,
			 c->rcv_nxt, RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG, optlen, 0);
	if (!th)
		return;
	/* The window of a SYN is never scaled (RFC 7323 §2.2). */
	th->rx_win = rte_cpu_to_be_16((uint16_t)RTE_MIN(tl->rcv_wnd, 65535u));
	o = (uint8_t *)(th + 1);
	o[0] = 2;
	o[1] = 4;
	o[2] = (uint8_t)(tl->our_mss >> 8);
	o[3] = (uint8_t)tl->our_mss;
	o += 4;
	if (c->flags & TCF_WS) {
		o[0] = 1;
		o[1] = 3;
		o[2] = 3;
		o[3] = c->rcv_wscale;
		o += 4;
	}
	if (c->flags & TCF_TS)
		tcp_opt_ts(o, tcp_ts_now(ctx), c->ts_recent);
	STAT_INC(ctx, tcp_synack_tx);
	STAT_INC(ctx, tcp_tx_segs);
	ipv4_output(ctx, m, c->peer_ip, IPPROTO_TCP, &c->peer_mac);
}

void
tcp_send_rst(struct lcore_ctx *ctx, struct tcp_conn *c)
{
	struct rte_tcp_hdr *th;
	struct rte_mbuf *m;

	th = tcp_seg_new(ctx, &m, c->local_port, c->peer_port, c->snd_nxt,
			 c->rcv_nxt, RTE_TCP_RST_FLAG | RTE_TCP_ACK_FLAG, 0, 0);
	if (!th)
		return;
	STAT_INC(ctx, tcp_rst_tx);
	STAT_INC(ctx, tcp_tx_segs);
	ipv4_output(ctx, m, c->peer_ip, IPPROTO_TCP, &c->peer_mac);
}

/* RFC 9293 §3.10.7.1: the reset for a segment with no connection. */
void
tcp_reply_rst(struct lcore_ctx *ctx, const struct net_pkt *p,
	      const struct tcp_seg *s)
{
	struct rte_tcp_hdr *th;
	struct rte_mbuf *m;
	uint32_t seq = 0, ack = 0;
	uint8_t flags = RTE_TCP_RST_FLAG;

	if (s->flags & RTE_TCP_ACK_FLAG) {
		seq = s->ack;
	} else {
		ack = s->seq + s->len + !!(s->flags & RTE_TCP_SYN_FLAG) +
		      !!(s->flags & RTE_TCP_FIN_FLAG);
		flags |= RTE_TCP_ACK_FLAG;
	}
	th = tcp_seg_new(ctx, &m, s->th->dst_port, s->th->src_port, seq, ack,
			 flags, 0, 0);
	if (!th)
		return;
	STAT_INC(ctx, tcp_rst_tx);
	STAT_INC(ctx, tcp_tx_segs);
	ipv4_output(ctx, m, p->ip->src_addr, IPPROTO_TCP, &p->eth->src_addr);
}

/* A stateless SYN-ACK: the cookie is our ISN; MSS is the only option. */
void
tcp_reply_synack_cookie(struct lcore_ctx *ctx, const struct net_pkt *p,
			const struct tcp_seg *s, uint32_t cookie, uint16_t mss)
{
	struct tcp_lcore *tl = tcp_tl(ctx);
	struct rte_tcp_hdr *th;
	struct rte_mbuf *m;
	uint8_t *o;

	th = tcp_seg_new(ctx, &m, s->th->dst_port, s->th->src_port, cookie,
			 s->seq + 1, RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG, 4, 0);
	if (!th)
		return;
	th->rx_win = rte_cpu_to_be_16((uint16_t)RTE_MIN(tl->rcv_wnd, 65535u));
	o = (uint8_t *)(th + 1);
	o[0] = 2;
	o[1] = 4;
	o[2] = (uint8_t)(mss >> 8);
	o[3] = (uint8_t)mss;
	STAT_INC(ctx, tcp_syncookie_tx);
	STAT_INC(ctx, tcp_tx_segs);
	ipv4_output(ctx, m, p->ip->src_addr, IPPROTO_TCP, &p->eth->src_addr);
}

/* ---- output decisions ------------------------------------------------- */

/*
 * Send what the windows allow (RFC 5681 cwnd, the peer's window), then the
 * FIN once every byte is out, or a pure ACK when one is owed. Arms the
 * retransmission or persist timer. Returns segments sent.
 */
int
tcp_output(struct lcore_ctx *ctx, struct tcp_conn *c)
{
	struct tcp_lcore *tl = tcp_tl(ctx);
	bool want_fin = (TCPF(c->state) & TCP_FIN_QUEUED) &&
			c->state != TCP_TIME_WAIT;
	uint32_t win, inflight;
	int sent = 0;

	if (!(TCPF(c->state) & (TCP_SYNCHRONIZED & ~TCPF(TCP_TIME_WAIT)))) {
		if (c->state == TCP_TIME_WAIT && (c->flags & TCF_ACK_NOW))
			tcp_send_ack(ctx, c);
		return 0;
	}
	win = RTE_MIN(c->snd_wnd, c->cwnd);
	while (!(c->flags & TCF_FIN_SENT)) {
		uint32_t len, left;
		uint8_t flags = 0;

		inflight = c->snd_nxt - c->snd_una;
		left = c->sndq_len - inflight;
		if (left == 0 || inflight >= win)
			break;
		len = tcp_min(tcp_min(c->mss, left), win - inflight);
		if (len == left) {
			flags |= RTE_TCP_PSH_FLAG;
			if (want_fin)
				flags |= RTE_TCP_FIN_FLAG;
		}
		if (!(c->flags & (TCF_TS | TCF_RTT))) {
			c->flags |= TCF_RTT;
			c->rtt_seq = c->snd_nxt;
			c->rtt_start = ctx->now_us;
		}
		tcp_send_segment(ctx, c, c->snd_nxt, len, flags);
		c->snd_nxt += len;
		if (flags & RTE_TCP_FIN_FLAG) {
			c->snd_nxt++;
			c->flags |= TCF_FIN_SENT;
		}
		if (SEQ_GT(c->snd_nxt, c->snd_max))
			c->snd_max = c->snd_nxt;
		sent++;
	}
	if (want_fin && !(c->flags & TCF_FIN_SENT) &&
	    c->snd_nxt - c->snd_una == c->sndq_len) {
		tcp_send_segment(ctx, c, c->snd_nxt, 0, RTE_TCP_FIN_FLAG);
		c->snd_nxt++;
		c->flags |= TCF_FIN_SENT;
		if (SEQ_GT(c->snd_nxt, c->snd_max))
			c->snd_max = c->snd_nxt;
		sent++;
	}
	if (!sent && (c->flags & TCF_ACK_NOW))
		tcp_send_ack(ctx, c);
	if (c->snd_una != c->snd_nxt) {
		if (c->timer_kind != TT_RTX)
			tcp_arm(ctx, c, TT_RTX, c->rto);
	} else if (c->sndq_len && c->snd_wnd == 0) {
		if (c->timer_kind != TT_PERSIST)
			tcp_arm(ctx, c, TT_PERSIST, c->rto);
	} else if (c->timer_kind == TT_RTX || c->timer_kind == TT_PERSIST) {
		tcp_disarm(ctx, c);
	}
	(void)tl;
	return sent;
}

void
tcp_close(struct lcore_ctx *ctx, struct tcp_conn *c)
{
	struct tcp_lcore *tl = tcp_tl(ctx);

	c->flags |= TCF_APP_CLOSED;
	if (c->state == TCP_ESTABLISHED)
		tcp_set_state(tl, c, TCP_FIN_WAIT_1);
	else if (c->state == TCP_CLOSE_WAIT)
		tcp_set_state(tl, c, TCP_LAST_ACK);
	else
		return;
	tcp_schedule(ctx, c);
}

void
tcp_abort(struct lcore_ctx *ctx, struct tcp_conn *c)
{
	struct tcp_lcore *tl = tcp_tl(ctx);

	if (c->state != TCP_CLOSED && c->state != TCP_TIME_WAIT)
		tcp_send_rst(ctx, c);
	tcp_conn_closed(ctx, c, TCP_CLOSE_ABORT);
	tcp_set_state(tl, c, TCP_CLOSED);
	tcp_conn_free(ctx, c);
}

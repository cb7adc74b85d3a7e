/* SPDX-License-Identifier: BSD-3-Clause */
/* tcp_connect.c: active open: ephemeral ports, the SYN, SYN_SENT. */
#include <errno.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_thash.h>

#include "core/netif.h"
#include "net/ipv4.h"
#include "net/ipv6.h"
#include "net/tcp_priv.h"

/* MSS (4), NOP WS (4), NOP NOP TS (12). No SACK-permitted: our active
 * opens (linerate-load's connections) do not negotiate SACK, so their
 * loss recovery is NewReno's (docs/RELIABILITY.md). */
#define TCP_SYN_OPTLEN 20

int
tcp_close_errno(enum tcp_close_reason why)
{
	switch (why) {
	case TCP_CLOSE_NORMAL:
		return 0;
	case TCP_CLOSE_RESET:
		return ECONNRESET;
	case TCP_CLOSE_TIMEOUT:
		return ETIMEDOUT;
	case TCP_CLOSE_REFUSED:
		return ECONNREFUSED;
	case TCP_CLOSE_ABORT:
		break;
	}
	return ECONNABORTED;
}

/* ---- ephemeral ports ---------------------------------------------------- */

/*
 * Two ways to give each lcore ports whose return traffic reaches it
 * (docs/MULTICORE.md):
 *  - RSS (a multi-queue port hashing the IPv4/TCP 4-tuple): a port is
 *    ours for a peer when the Toeplitz hash of the segments the peer
 *    will send us (peer ip, our ip, peer port, our port) picks a RETA
 *    entry naming our queue. The key is symmetric, so our own segments
 *    hash the same. Any port of the range may serve any lcore, each for
 *    the peers it hashes to; two lcores never pick the same 4-tuple.
 *  - otherwise (one queue, af_packet fanout, vdevs): a fixed split, the
 *    ports p with p % nb_lcores == ctx->idx, so lcores never collide;
 *    segments the port delivers to another lcore reach the owner
 *    through the steering directory (tcp_steer.c).
 */

/* Take key and RETA (queue per entry) for RSS-aware port choice. */
static int
tcp_rss_setup(struct tcp_lcore *tl, const uint8_t *key, uint32_t key_len,
	      const uint16_t *reta, uint32_t reta_size, uint16_t queue)
{
	bool any = false;

	tl->eph_rss = false;
	tl->eph_rss6 = false;
	if (reta_size == 0)
		return 0;
	if (!key || key_len < 16 || !reta || reta_size > TCP_RSS_RETA_MAX ||
	    !rte_is_power_of_2(reta_size))
		return -EINVAL;
	memset(tl->rss_key, 0, sizeof(tl->rss_key));
	memcpy(tl->rss_key, key, RTE_MIN(key_len, (uint32_t)TCP_RSS_KEY_LEN));
	memset(tl->rss_ours, 0, sizeof(tl->rss_ours));
	for (uint32_t i = 0; i < reta_size; i++) {
		if (reta[i] != queue)
			continue;
		tl->rss_ours[i / 64] |= 1ull << (i % 64);
		any = true;
	}
	tl->rss_reta_mask = (uint16_t)(reta_size - 1);
	/* A queue no entry names gets nothing from RSS: the split then. */
	tl->eph_rss = any;
	tl->eph_rss6 = any; /* tcp_connect_lcore_init: only if it hashes v6 */
	return 0;
}

/*
 * The port hashes IPv4/TCP flows over several queues: read back its key
 * and RETA (whatever port.c or the driver chose). Any failure leaves the
 * fixed split in place.
 */
void
tcp_connect_lcore_init(struct lcore_ctx *ctx, struct tcp_lcore *tl)
{
	struct rte_eth_rss_reta_entry64 reta[TCP_RSS_RETA_MAX / 64];
	uint16_t q[TCP_RSS_RETA_MAX];
	uint8_t key[64]; /* the largest hash_key_size of common NICs */
	struct rte_eth_rss_conf rss = {.rss_key = key,
				       .rss_key_len = sizeof(key)};
	struct rte_eth_dev_info info;
	struct rte_eth_conf conf;
	bool rss6;

	if (!ctx->ifc || ctx->ifc->nb_queues < 2 ||
	    !rte_eth_dev_is_valid_port(ctx->port_id))
		return;
	if (rte_eth_dev_conf_get(ctx->port_id, &conf) != 0 ||
	    conf.rxmode.mq_mode != RTE_ETH_MQ_RX_RSS)
		return;
	if (rte_eth_dev_info_get(ctx->port_id, &info) != 0 ||
	    info.reta_size == 0 || info.reta_size > TCP_RSS_RETA_MAX ||
	    !rte_is_power_of_2(info.reta_size))
		return;
	if (rte_eth_dev_rss_hash_conf_get(ctx->port_id, &rss) != 0 ||
	    !(rss.rss_hf & RTE_ETH_RSS_NONFRAG_IPV4_TCP))
		return;
	rss6 = rss.rss_hf & RTE_ETH_RSS_NONFRAG_IPV6_TCP;
	memset(reta, 0, sizeof(reta));
	for (uint32_t i = 0; i < RTE_DIM(reta); i++)
		reta[i].mask = UINT64_MAX;
	if (rte_eth_dev_rss_reta_query(ctx->port_id, reta, info.reta_size) != 0)
		return;
	for (uint32_t i = 0; i < info.reta_size; i++)
		q[i] = reta[i / RTE_ETH_RETA_GROUP_SIZE]
			       .reta[i % RTE_ETH_RETA_GROUP_SIZE];
	tcp_rss_setup(tl, key, rss.rss_key_len ? rss.rss_key_len : sizeof(key),
		      q, info.reta_size, ctx->queue_id);
	tl->eph_rss6 = tl->eph_rss && rss6;
}

int
tcp_test_set_rss(struct lcore_ctx *ctx, const uint8_t *key, uint32_t key_len,
		 const uint16_t *reta, uint32_t reta_size)
{
	struct tcp_lcore *tl = tcp_tl(ctx);

	if (!tl)
		return -EINVAL;
	return tcp_rss_setup(tl, key, key_len, reta, reta_size, ctx->queue_id);
}

/* Does RSS send the peer's segments to lport (all network order) to
 * this lcore's queue? peer6 for an IPv6 peer (from our lid's address),
 * else ip. */
static bool
tcp_rss_ours(const struct lcore_ctx *ctx, const struct tcp_lcore *tl,
	     uint32_t ip, const uint8_t *peer6, uint8_t lid, uint16_t pport,
	     uint16_t lport)
{
	union rte_thash_tuple t;
	uint32_t i, len = RTE_THASH_V4_L4_LEN;

	memset(&t, 0, sizeof(t));
	if (peer6) {
		const uint8_t *ours = tcp_lid_addr6(ctx->ifc, lid);

		/* rte_softrss wants the addresses as host-order words. */
		for (int k = 0; k < 4; k++) {
			uint32_t a, b;

			memcpy(&a, peer6 + 4 * k, 4);
			memcpy(&b, ours + 4 * k, 4);
			((uint32_t *)t.v6.src_addr)[k] = rte_be_to_cpu_32(a);
			((uint32_t *)t.v6.dst_addr)[k] = rte_be_to_cpu_32(b);
		}
		t.v6.sport = rte_be_to_cpu_16(pport);
		t.v6.dport = rte_be_to_cpu_16(lport);
		len = RTE_THASH_V6_L4_LEN;
	} else {
		t.v4.src_addr = rte_be_to_cpu_32(ip);
		t.v4.dst_addr = rte_be_to_cpu_32(tcp_lid_addr4(ctx, lid));
		t.v4.sport = rte_be_to_cpu_16(pport);
		t.v4.dport = rte_be_to_cpu_16(lport);
	}
	i = rte_softrss((uint32_t *)&t, len, tl->rss_key) & tl->rss_reta_mask;
	return tl->rss_ours[i / 64] & (1ull << (i % 64));
}

/*
 * The ports this lcore may use: with RSS every port of the range
 * (stride 1; tcp_rss_ours filters per peer), else its share of the
 * split. The first port in *first, the stride in *stride; returns how
 * many (0 when none).
 */
static uint32_t
tcp_eph_share(const struct lcore_ctx *ctx, const struct tcp_lcore *tl,
	      bool rss, uint32_t *first, uint32_t *stride)
{
	uint32_t n = ctx->cfg->nb_lcores ? ctx->cfg->nb_lcores : 1;
	uint32_t lo = tl->eph_min, hi = tl->eph_max, f;

	if (rss)
		n = 1;
	else if (ctx->idx >= n)
		return 0;
	*stride = n;
	if (lo > hi)
		return 0;
	f = rss ? lo : lo + (ctx->idx + n - lo % n) % n;
	*first = f;
	return f > hi ? 0 : (hi - f) / n + 1;
}

/*
 * TIME_WAIT reuse for an active open (what Linux calls tcp_tw_reuse):
 * our own TIME_WAIT entry for the 4-tuple gives way to a new connection
 * once it has lasted TCP_TW_REUSE_US and the old incarnation used
 * timestamps. Our TSval is a function of the 4-tuple plus a 1 ms clock
 * (tcp_isn), so every segment of the new incarnation carries a TSval
 * above any the old one sent: the peer's PAWS (RFC 7323 §5) drops old
 * duplicates, and a peer still in TIME_WAIT itself takes the SYN as a
 * new incarnation (RFC 6191). Without it a client that closes first (as
 * linerate-load's --conn-per-request does) holds every port it used for
 * tcp.timewait_ms and runs out at range / timewait_ms connections/s.
 */
#define TCP_TW_REUSE_US 10000

static bool
tcp_tw_reusable(const struct lcore_ctx *ctx, const struct tcp_lcore *tl,
		const struct tcp_conn *c)
{
	return c->state == TCP_TIME_WAIT && (c->flags & TCF_TS) &&
	       ctx->now_us + tl->timewait_us >=
		       c->rtx_deadline + TCP_TW_REUSE_US; /* its wait's end */
}

/*
 * A local port (network order) for a connection to ip:pport: the next
 * one this lcore may use, in turn from a random start (RFC 6056 §3.3.5's
 * sequential search, the start drawn once per lcore), that RSS maps here
 * (when it is in use), no listener uses and no connection with this
 * peer holds in any state but a reusable TIME_WAIT (RFC 9293 §3.6.1: a
 * 4-tuple is not reused while its old incarnation may still have
 * segments in flight; tcp_tw_reusable). -EADDRNOTAVAIL when none is
 * left for this peer.
 */
static int
tcp_eph_pick(struct lcore_ctx *ctx, struct tcp_lcore *tl, uint32_t ip,
	     const uint8_t *peer6, uint8_t lid, uint16_t pport, uint16_t *lport)
{
	bool rss = peer6 ? tl->eph_rss6 : tl->eph_rss;
	uint32_t first = 0, stride = 1;
	uint32_t n = tcp_eph_share(ctx, tl, rss, &first, &stride);

	for (uint32_t k = 0; k < n; k++) {
		uint32_t i = (tl->eph_next + k) % n;
		uint16_t p = rte_cpu_to_be_16((uint16_t)(first + i * stride));
		struct tcp_conn *c;

		if (rss && !tcp_rss_ours(ctx, tl, ip, peer6, lid, pport, p))
			continue;
		if (tcp_listener_find(tl, p))
			continue;
		c = tcp_conn_lookup(tl, ip, pport, p, lid, peer6);
		if (c && !tcp_tw_reusable(ctx, tl, c))
			continue;
		if (c) {
			STAT_INC(ctx, tcp_timewait_reopened);
			tcp_conn_free(ctx, c);
		}
		tl->eph_next = i + 1;
		*lport = p;
		return 0;
	}
	STAT_INC(ctx, tcp_ephemeral_exhausted);
	return -EADDRNOTAVAIL;
}

/* ---- the SYN ------------------------------------------------------------ */

/*
 * <SEQ=ISS><CTL=SYN> with MSS, window scale and timestamps (RFC 7323
 * §2.2: the window of a SYN is not scaled). It goes through ARP like
 * any packet we originate: held in the pending queue while the next
 * hop resolves, sent when the reply comes. Without an mbuf nothing is
 * sent and the retransmission timer tries again.
 */
static void
tcp_send_syn(struct lcore_ctx *ctx, struct tcp_conn *c)
{
	const struct tcp_lcore *tl = tcp_tl(ctx);
	uint32_t tsval = rte_cpu_to_be_32(tcp_ts_now(ctx, c->ts_off)), zero = 0;
	struct rte_tcp_hdr *th;
	struct rte_mbuf *m;
	uint8_t *o;

	m = rte_pktmbuf_alloc(ctx->pool);
	if (unlikely(!m)) {
		STAT_INC(ctx, tcp_drop_nombuf);
		return;
	}
	th = (struct rte_tcp_hdr *)rte_pktmbuf_append(
		m, TCP_HLEN + TCP_SYN_OPTLEN);
	if (unlikely(!th)) {
		rte_pktmbuf_free(m);
		STAT_INC(ctx, tcp_drop_nombuf);
		return;
	}
	th->src_port = c->local_port;
	th->dst_port = c->peer_port;
	th->sent_seq = rte_cpu_to_be_32(c->iss);
	th->recv_ack = 0;
	th->data_off = (uint8_t)(((TCP_HLEN + TCP_SYN_OPTLEN) / 4) << 4);
	th->tcp_flags = RTE_TCP_SYN_FLAG;
	th->rx_win = rte_cpu_to_be_16((uint16_t)tcp_min(tl->rcv_wnd, 65535));
	th->cksum = 0;
	th->tcp_urp = 0;
	o = (uint8_t *)(th + 1);
	o[0] = 2;
	o[1] = 4;
	o[2] = (uint8_t)(c->rcv_mss >> 8);
	o[3] = (uint8_t)c->rcv_mss;
	o[4] = 1;
	o[5] = 3;
	o[6] = 3;
	o[7] = tl->our_wscale;
	o[8] = 1;
	o[9] = 1;
	o[10] = 8;
	o[11] = 10;
	memcpy(o + 12, &tsval, 4);
	memcpy(o + 16, &zero, 4);
	STAT_INC(ctx, tcp_syn_tx);
	STAT_INC(ctx, tcp_tx_segs);
	if (c->lid & TCP_LID_V6)
		ipv6_output(ctx, m, tcp_lid_addr6(ctx->ifc, c->lid),
			    c->peer_ip6, IPPROTO_TCP, 0, NULL);
	else
		ipv4_output(ctx, m, c->peer_ip, IPPROTO_TCP, NULL);
}

/* An address we can open a connection to (network order). */
static int
tcp_connect_dst_ok(const struct netif *ifc, uint32_t ip)
{
	uint32_t h = rte_be_to_cpu_32(ip);

	if (ip == 0 || ip == ifc->ip || h == UINT32_MAX ||
	    RTE_IS_IPV4_MCAST(h) || (h >> 24) == 127 ||
	    ((ip & ifc->netmask) == (ifc->ip & ifc->netmask) &&
	     (ip | ifc->netmask) == UINT32_MAX && ifc->netmask != UINT32_MAX))
		return -EINVAL;
	if ((ip & ifc->netmask) != (ifc->ip & ifc->netmask) && !ifc->gateway)
		return -ENETUNREACH;
	return 0;
}

/*
 * An IPv6 address we can open a connection to: not unspecified,
 * loopback, multicast, IPv4-mapped or ours; *lid the address we send
 * from (link-local towards a link-local peer, RFC 6724 rule 2).
 */
static int
tcp_connect_dst6_ok(const struct netif *ifc, const uint8_t *ip6, uint8_t *lid)
{
	static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };
	static const uint8_t loop[16] = { [15] = 1 };

	if (ifc->ip6_prefix == 0)
		return -EAFNOSUPPORT;
	if (ipv6_is_unspecified(ip6) || ipv6_addr_eq(ip6, loop) ||
	    ip6[0] == 0xff || memcmp(ip6, mapped, sizeof(mapped)) == 0 ||
	    ipv6_is_ours(ifc, ip6))
		return -EINVAL;
	if (ipv6_is_link_local(ip6)) {
		*lid = TCP_LID_V6_LL;
		return 0;
	}
	*lid = TCP_LID_V6;
	for (uint32_t b = 0; b < ifc->ip6_prefix; b++)
		if ((ip6[b / 8] ^ ifc->ip6[b / 8]) & (0x80 >> (b & 7)))
			return ipv6_is_unspecified(ifc->ip6_gateway) ?
			       -ENETUNREACH : 0;
	return 0;
}

/* Both families: ip is the IPv4 address or an IPv6 peer's digest. */
static int
tcp_connect_open(struct lcore_ctx *ctx, uint32_t ip, const uint8_t *peer6,
		 uint8_t lid, uint16_t port, const struct tcp_ops *ops,
		 void *app, struct tcp_conn **out)
{
	struct tcp_lcore *tl = tcp_tl(ctx);
	uint16_t lport, ours, lim;
	struct tcp_conn *c;
	uint32_t iss, ts_off;
	int rc;

	rc = tcp_eph_pick(ctx, tl, ip, peer6, lid, port, &lport);
	if (rc < 0)
		return rc;
	c = tcp_conn_alloc(ctx, ip, port, lport, lid, peer6);
	if (!c)
		return -ENOMEM;
	tcp_isn(ctx, ip, peer6, lid, port, lport, &iss, &ts_off);
	c->ops = ops;
	c->app = app;
	c->flags |= TCF_APP | (ops->writable_asked ? 0 : TCF_WR_ALL);
	c->iss = iss;
	c->snd_una = iss;
	c->snd_nxt = iss + 1;
	c->snd_max = iss + 1;
	c->recover = iss;
	/* tcp_rack.c: nothing lost, as the passive open (tcp_conn_init);
	 * the fast ACK's plain stores take the marks to be at most the
	 * send queue's end */
	c->lost_end = iss + 1;
	c->rtx_nxt = iss + 1;
	c->tlp_end = iss + 1;
	c->ts_off = ts_off;
	ours = tcp_our_mss(ctx, tl);
	lim = tl->our_mss;
	if (peer6)
		tcp_mss6_fit(ctx, peer6, &ours, &lim);
	c->rcv_mss = ours;
	c->rcv_wnd = tcp_min(tl->rcv_wnd, 65535);
	c->rto = tl->rto_init; /* RFC 6298 §2.1 (tcp.rto_init_ms) */
	c->snd_buf = tl->snd_buf;
	c->rtt_start = ctx->now_us;
	tcp_set_state(tl, c, TCP_SYN_SENT);
	STAT_INC(ctx, tcp_connect);
	tcp_send_syn(ctx, c);
	tcp_rtx_arm(ctx, c);
	if (out)
		*out = c;
	return 0;
}

int
tcp_connect(struct lcore_ctx *ctx, uint32_t ip, uint16_t port,
	    const struct tcp_ops *ops, void *app, struct tcp_conn **out)
{
	int rc;

	if (!tcp_tl(ctx) || !ops || !ops->recv || !ops->closed || port == 0)
		return -EINVAL;
	rc = tcp_connect_dst_ok(ctx->ifc, ip);
	if (rc < 0)
		return rc;
	return tcp_connect_open(ctx, ip, NULL, TCP_LID_V4, port, ops, app, out);
}

int
tcp_connect6(struct lcore_ctx *ctx, const uint8_t *ip6, uint16_t port,
	     const struct tcp_ops *ops, void *app, struct tcp_conn **out)
{
	uint8_t lid = TCP_LID_V6;
	int rc;

	if (!tcp_tl(ctx) || !ops || !ops->recv || !ops->closed || port == 0 ||
	    !ip6)
		return -EINVAL;
	rc = tcp_connect_dst6_ok(ctx->ifc, ip6, &lid);
	if (rc < 0)
		return rc;
	return tcp_connect_open(ctx, tcp_ip6_digest(ip6), ip6, lid, port, ops,
				app, out);
}

/* The SYN went unanswered for an RTO: again, the RTO doubled (RFC 6298
 * §5.5, up to tcp.rto_max_ms), tcp.syn_retries times; then the
 * application hears closed(TCP_CLOSE_TIMEOUT). */
void
tcp_syn_expired(struct lcore_ctx *ctx, struct tcp_conn *c)
{
	struct tcp_lcore *tl = tcp_tl(ctx);

	if (c->retries >= tl->syn_retries) {
		STAT_INC(ctx, tcp_connect_timeout);
		tcp_app_closed(ctx, c, TCP_CLOSE_TIMEOUT);
		if (!(c->flags & TCF_DEAD))
			tcp_conn_free(ctx, c);
		return;
	}
	c->retries++;
	c->rto = tcp_min(c->rto * 2, tl->rto_max);
	STAT_INC(ctx, tcp_syn_rtx);
	tcp_send_syn(ctx, c);
	tcp_rtx_arm(ctx, c);
}

/* tcp_close() in SYN_SENT: RFC 9293 §3.10.4 deletes the TCB, nothing is
 * sent; the application hears closed(TCP_CLOSE_ABORT) here, at the
 * flush, never from inside tcp_close(). */
void
tcp_syn_sent_output(struct lcore_ctx *ctx, struct tcp_conn *c)
{
	if (c->flags & (TCF_APP_CLOSED | TCF_ORPHAN_RST))
		tcp_abort(ctx, c);
}

/* ---- SYN_SENT (RFC 9293 §3.10.7.3) ------------------------------------- */

/* The SYN-ACK: the connection's parameters from its options, as
 * tcp_conn_init does for a passive open, then ESTABLISHED. */
static void
tcp_syn_sent_established(struct lcore_ctx *ctx, struct tcp_conn *c,
			 const struct tcp_seg *s)
{
	struct tcp_lcore *tl = tcp_tl(ctx);
	uint16_t peer = tcp_peer_mss(ctx, s), ours = tl->our_mss,
		 lim = tl->our_mss;
	uint32_t snd_mss;
	bool ts = s->has_ts;

	if (c->lid & TCP_LID_V6)
		tcp_mss6_fit(ctx, c->peer_ip6, &ours, &lim);
	snd_mss = tcp_min(lim, peer ? peer : TCP_DEFAULT_MSS);

	tcp_disarm(ctx, c);
	if (c->retries == 0)
		tcp_rtt_sample(tl, c, (uint32_t)(ctx->now_us - c->rtt_start));
	else /* RFC 6298 §5.7: the SYN timed out: at least 3 s. */
		c->rto = tcp_min(tcp_max(tl->rto_init, 3000000), tl->rto_max);
	c->retries = 0;
	c->peer_mac = *s->peer_mac;
	c->irs = s->seq;
	c->rcv_nxt = s->seq + 1;
	c->last_ack_sent = c->rcv_nxt;
	c->snd_una = s->ack;
	/* RFC 7323 §2.2: window scaling only when both SYNs carry it. */
	if (s->wscale >= 0) {
		c->flags |= TCF_WS;
		c->snd_wscale = (uint8_t)s->wscale;
		c->rcv_wscale = tl->our_wscale;
		c->rcv_wnd = (tl->rcv_wnd >> c->rcv_wscale) << c->rcv_wscale;
	}
	/* RFC 7323 §3.2: timestamps only when the SYN-ACK echoes them. */
	if (ts) {
		c->flags |= TCF_TS;
		c->ts_recent = s->tsval;
	}
	tcp_conn_send_init(tl, c, snd_mss, ts);
	/* The window of a SYN is never scaled (RFC 7323 §2.2). */
	c->snd_wnd = s->wnd;
	c->max_snd_wnd = s->wnd;
	c->rcv_pred = tcp_pred_word(c);
	c->rcv_ack_at = tcp_ack_at(tl, c);
	c->snd_wl1 = s->seq;
	c->snd_wl2 = s->ack;
	tcp_set_state(tl, c, TCP_ESTABLISHED);
	/* <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>, at the flush: the first data
	 * connected() queues carries it instead. */
	c->flags |= TCF_ACK_NOW;
	tcp_schedule(ctx, c);
	if (c->ops->connected)
		c->ops->connected(ctx, c, c->app);
}

/*
 * A segment for c in SYN_SENT, the checks in the RFC's order (first the
 * ACK, then RST, then SYN). Returns true when m was kept (never: data on
 * a SYN-ACK is not taken, the peer sends it again once acknowledged).
 */
bool
tcp_rcv_syn_sent(struct lcore_ctx *ctx, struct tcp_conn *c, struct rte_mbuf *m,
		 const struct tcp_seg *s)
{
	bool ack = s->flags & RTE_TCP_ACK_FLAG;

	(void)m;
	/* First: an ACK must acknowledge our SYN and nothing more
	 * (ISS < SEG.ACK =< SND.NXT); otherwise <SEQ=SEG.ACK><CTL=RST>
	 * unless it is a RST itself. */
	if (ack && (SEQ_LEQ(s->ack, c->iss) || SEQ_GT(s->ack, c->snd_max))) {
		STAT_INC(ctx, tcp_drop_bad_ack);
		if (!(s->flags & RTE_TCP_RST_FLAG))
			tcp_reply_rst(ctx, s);
		return false;
	}
	/* Second: a RST counts only with an acceptable ACK (RFC 5961 §3
	 * keeps this check for SYN_SENT): the peer refused us. */
	if (s->flags & RTE_TCP_RST_FLAG) {
		if (!ack) {
			STAT_INC(ctx, tcp_rst_ignored);
			return false;
		}
		STAT_INC(ctx, tcp_rst_rx);
		STAT_INC(ctx, tcp_connect_refused);
		tcp_app_closed(ctx, c, TCP_CLOSE_REFUSED);
		if (!(c->flags & TCF_DEAD))
			tcp_conn_free(ctx, c);
		return false;
	}
	/* Fourth: neither SYN nor RST: drop. */
	if (!(s->flags & RTE_TCP_SYN_FLAG)) {
		STAT_INC(ctx, tcp_drop_no_conn);
		return false;
	}
	if (!ack) {
		/* A SYN crossing ours (simultaneous open): we do not go to
		 * SYN_RECEIVED; <SEQ=0><ACK=SEG.SEQ+1><CTL=RST,ACK> refuses
		 * it and our SYN stands (its retransmission goes on). */
		STAT_INC(ctx, tcp_simopen_rst);
		tcp_reply_rst(ctx, s);
		return false;
	}
	if (c->flags & TCF_APP_CLOSED) {
		/* Closed while the SYN was out: the flush ends c; the peer's
		 * half of the connection is reset now. */
		tcp_reply_rst(ctx, s);
		return false;
	}
	tcp_syn_sent_established(ctx, c, s);
	return false;
}

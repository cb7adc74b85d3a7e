/* SPDX-License-Identifier: BSD-3-Clause */
/* tcp_in.c: the receive path's entry: a segment parsed, its connection
 * found, the fast path or the state machine (tcp_state.c). */
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_prefetch.h>
#include <rte_random.h>

#include "core/config.h"
#include "net/net.h"
#include "net/cksum.h"
#include "net/eth.h"
#include "net/eth_rx.h"
#include "net/ipv4.h"
#include "net/ipv4_rx.h"
#include "net/ipv6.h"
#include "net/ipv6_rx.h"
#include "net/nd.h"
#include "net/tcp_fast.h"
#include "net/tcp_priv.h"
#include "net/tcp_steer.h"
#include "net/tcp_table.h"


/* ---- parsing ------------------------------------------------------------ */

#define TCP_SYN_LINUX_OPTLEN 20

/* RFC 9293 §3.2 options; unknown kinds are skipped, a malformed length
 * ends the list (what was parsed so far stands). */
static void
tcp_parse_options(struct tcp_seg *s, const uint8_t *o, uint32_t len)
{
	uint32_t w[5];

	/* A SYN as Linux sends it: MSS, SACK permitted, timestamps, NOP,
	 * window scale; the same fields the loop below would find. */
	if (len == TCP_SYN_LINUX_OPTLEN) {
		memcpy(w, o, sizeof(w));
		if ((w[0] & RTE_BE32(0xffff0000)) == RTE_BE32(0x02040000) &&
		    w[1] == RTE_BE32(0x0402080a) &&
		    (w[4] & RTE_BE32(0xffffff00)) == RTE_BE32(0x01030300)) {
			s->mss = (uint16_t)(o[2] << 8 | o[3]);
			s->sack_ok = true;
			s->has_ts = true;
			s->tsval = rte_be_to_cpu_32(w[2]);
			s->tsecr = rte_be_to_cpu_32(w[3]);
			s->wscale = (int8_t)RTE_MIN(o[19], 14);
			return;
		}
	}
	for (uint32_t i = 0; i < len;) {
		uint32_t olen;

		if (o[i] == 0)
			break;
		if (o[i] == 1) {
			i++;
			continue;
		}
		if (i + 1 >= len || (olen = o[i + 1]) < 2 || i + olen > len)
			break;
		switch (o[i]) {
		case 2:
			if (olen == 4)
				s->mss = (uint16_t)(o[i + 2] << 8 | o[i + 3]);
			break;
		case 3: /* RFC 7323 §2.3: a shift over 14 is taken as 14 */
			if (olen == 3)
				s->wscale = (int8_t)RTE_MIN(o[i + 2], 14);
			break;
		case 4:
			if (olen == 2)
				s->sack_ok = true;
			break;
		case 5: /* RFC 2018 §3: SACK blocks, 8 bytes each */
			if (olen >= 10 && (olen - 2) % 8 == 0) {
				s->sack = o + i + 2;
				s->nsack = (uint8_t)((olen - 2) / 8);
			}
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

/*
 * A segment of tcp_input_burst's frames (src_q; v6: the IPv6 frame)
 * comes with its source not yet tested (ipv4_rx_plain_tcp_src,
 * ipv6_rx_plain_tcp_src): RFC 1122 §3.2.1.3's test (ipv4_bad_source),
 * or RFC 4291's (ipv6_rx_bad_src), is made here, on every way but
 * header prediction's, before anything is counted as TCP's. The
 * predicted segment needs none: its connection is ESTABLISHED, and only
 * a segment from its peer (the lookup compares the whole address, all
 * 16 bytes for IPv6) that came this way (or through ipv4_input,
 * ipv6_input) makes one (the handshake's last ACK, a cookie's ACK, the
 * SYN-ACK of an active open: none is predicted), so the peer's address
 * passed then, and the test reads nothing else but the netif's
 * addresses (fixed from init, port.c). true: TCP's, counted in
 * tcp_rx_segs (at tcp_input_seg's start for the other entries); false:
 * the datagram is dropped as ipv4_input or ipv6_input drops it (counted;
 * the caller frees m).
 */
static __rte_always_inline bool
tcp_seg_src(struct lcore_ctx *ctx, const struct net_pkt *p, bool src_q,
	    bool v6)
{
	if (src_q) {
		if (v6) {
			if (unlikely(ipv6_rx_bad_src(ctx->ifc, p->ip6))) {
				STAT_INC(ctx, ip6_drop_bad_src);
				return false;
			}
		} else if (unlikely(ipv4_bad_source(ctx, p->ip->src_addr))) {
			STAT_INC(ctx, ipv4_drop_bad_src);
			return false;
		}
		STAT_INC(ctx, tcp_rx_segs);
	}
	return true;
}

/* Validate and parse the segment at m's data. 0, or -1 (counted; with
 * burst or src6, after tcp_seg_src); the flags and ports are
 * tcp_seg_odd's (after the lookup). burst (tcp_input_burst's IPv4
 * frame): s is filled as far as the lookup and header prediction read
 * it, the rest left to tcp_seg_rest4 (tcp_fast.h), which must run
 * before anything else reads s. src6 (tcp_input_burst's IPv6 frame):
 * the source is not yet tested, s is filled whole. */
static __rte_always_inline int
tcp_parse(struct lcore_ctx *ctx, struct rte_mbuf *m, const struct net_pkt *p,
	  struct tcp_seg *s, bool burst, bool src6)
{
	const bool src_q = burst || src6;
	const struct rte_tcp_hdr *th;
	uint64_t ck = m->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK;
	uint32_t hlen;

	if (unlikely(p->l4_len < sizeof(*th) || m->data_len < p->l4_len)) {
		if (tcp_seg_src(ctx, p, src_q, src6))
			STAT_INC(ctx, tcp_drop_short);
		return -1;
	}
	th = rte_pktmbuf_mtod(m, const struct rte_tcp_hdr *);
	hlen = (uint32_t)(th->data_off >> 4) * 4;
	if (unlikely(hlen < sizeof(*th) || hlen > p->l4_len)) {
		if (tcp_seg_src(ctx, p, src_q, src6))
			STAT_INC(ctx, tcp_drop_bad_off);
		return -1;
	}
	/* The NIC's verdict when it gave one, else verify in software. */
	if (unlikely(ck == RTE_MBUF_F_RX_L4_CKSUM_BAD ||
		     (ck == RTE_MBUF_F_RX_L4_CKSUM_UNKNOWN &&
		      (p->ip6 ? cksum_ipv6_l4_rx(p->ip6, IPPROTO_TCP, th,
						 p->l4_len) :
				cksum_ipv4_l4_rx(p->ip, th, p->l4_len)) != 0))) {
		if (tcp_seg_src(ctx, p, src_q, src6))
			STAT_INC(ctx, tcp_drop_cksum);
		return -1;
	}
	memcpy(&s->hw, (const uint8_t *)th + 12, 4);
	s->hw &= ~RTE_BE32((uint32_t)RTE_TCP_PSH_FLAG << 16);
	s->th = th;
	s->seq = rte_be_to_cpu_32(th->sent_seq);
	s->ack = rte_be_to_cpu_32(th->recv_ack);
	s->wnd = rte_be_to_cpu_16(th->rx_win);
	s->len = p->l4_len - hlen;
	s->data = (const uint8_t *)th + hlen;
	s->has_ts = false;
	tcp_seg_no_opts(s);
	if (burst) {
		s->peer_ip = p->ip->src_addr;
	} else {
		s->flags = tcp_seg_flags(th);
		if (likely(!p->ip6)) {
			s->peer_ip = p->ip->src_addr;
			s->peer6 = NULL;
			s->lid = likely(p->ip->dst_addr == ctx->ifc->ip) ?
					 TCP_LID_V4 :
					 (uint8_t)(TCP_LID_VIP +
						   ipv4_vip_index(ctx->cfg,
								  p->ip->dst_addr));
		} else {
			s->peer6 = p->ip6->src_addr;
			s->peer_ip = tcp_ip6_digest(s->peer6);
			s->lid = ipv6_is_link_local(p->ip6->dst_addr) ?
					 TCP_LID_V6_LL :
					 TCP_LID_V6;
		}
		s->peer_mac = &p->eth->src_addr;
	}
	if (hlen > sizeof(*th)) {
		const uint8_t *o = (const uint8_t *)(th + 1);
		uint32_t w;

		memcpy(&w, o, 4);
		/* The common layout of an established peer: NOP NOP TS. */
		if (likely(hlen == sizeof(*th) + TCP_TS_OPTLEN &&
			   w == RTE_BE32(0x0101080a))) {
			memcpy(&w, o + 4, 4);
			s->tsval = rte_be_to_cpu_32(w);
			if (!burst) {
				memcpy(&w, o + 8, 4);
				s->tsecr = rte_be_to_cpu_32(w);
			}
			s->has_ts = true;
		} else {
			tcp_parse_options(s, o, hlen - sizeof(*th));
			if (!s->has_ts)
				s->hw = TCP_HW_NONE; /* header prediction's */
		}
	} else {
		s->tsval = 0; /* header prediction's PAWS test (tcp_fast.h) */
	}
	return 0;
}

/*
 * Combinations no stack sends (scans, fingerprinting), and port 0: the
 * segment is dropped (tcp_drop_bad_flags) before anything acts on it.
 * Asked after header prediction: a predicted segment has ACK and maybe
 * PSH only, and a connection no port 0 (neither the listen path nor
 * tcp_connect makes one), so it never is one of these.
 */
static __rte_always_inline bool
tcp_seg_odd(const struct tcp_seg *s)
{
	uint8_t f = s->th->tcp_flags;
	uint32_t ports;

	memcpy(&ports, s->th, 4);
	return unlikely((f & RTE_TCP_SYN_FLAG) &&
			(f & (RTE_TCP_FIN_FLAG | RTE_TCP_RST_FLAG))) ||
	       unlikely((uint16_t)ports == 0 || (ports >> 16) == 0);
}

/* A SYN for a 4-tuple in TIME_WAIT may start a new incarnation when it
 * is newer: a higher timestamp (RFC 6191) or sequence (RFC 1122
 * §4.2.2.13). */
static __rte_always_inline bool
tcp_tw_reopen(const struct tcp_conn *c, const struct tcp_seg *s)
{
	if ((c->flags & TCF_TS) && s->has_ts)
		return SEQ_GT(s->tsval, c->ts_recent);
	return SEQ_GT(s->seq, c->rcv_nxt);
}

/*
 * The received mbuf, its last reference dropped (rte_mbuf_raw_free's),
 * into tl's cache of its pool when it is the pool held (tl->rx_mp) and
 * the cache has room below its flush threshold: what
 * rte_mempool_put does then, without finding the cache again (its
 * lcore id, the pool's cache size); any other case through
 * rte_mbuf_raw_free, which then names the pool and cache held. The
 * cache is the calling thread's at that first free: a context is
 * polled by its lcore's thread only (DESIGN.md).
 */
static __rte_noinline void
tcp_rx_put_slow(struct tcp_lcore *tl, struct rte_mbuf *m)
{
	struct rte_mempool *mp = m->pool;
	struct rte_mempool_cache *cache;

	rte_mbuf_raw_free(m);
	cache = rte_mempool_default_cache(mp, rte_lcore_id());
	tl->rx_mp = cache != NULL ? mp : NULL;
	tl->rx_cache = cache;
}

static __rte_always_inline void
tcp_rx_put(struct tcp_lcore *tl, struct rte_mbuf *m)
{
	struct rte_mempool_cache *cache = tl->rx_cache;

	if (likely(m->pool == tl->rx_mp) &&
	    likely(cache->len < cache->flushthresh)) {
		cache->objs[cache->len++] = m;
		return;
	}
	tcp_rx_put_slow(tl, m);
}

/*
 * The received segment's mbuf back to its pool (one segment: eth_input
 * linearized it). The common one, direct with its one reference and one
 * segment (so no next: rte_mbuf_check), goes as rte_mbuf_raw_free takes
 * it (tcp_rx_put) after one test of reference count and segment count
 * together (adjacent 16-bit fields): what rte_pktmbuf_free_seg would do
 * to it; any other goes through rte_pktmbuf_free_seg (detach, a count
 * not 1).
 */
static __rte_always_inline void
tcp_rx_free(struct tcp_lcore *tl, struct rte_mbuf *m)
{
	uint32_t rs;

	RTE_BUILD_BUG_ON(offsetof(struct rte_mbuf, nb_segs) !=
			 offsetof(struct rte_mbuf, refcnt) + 2);
	/* 1 and 1 in either byte order; a reference count other than 1
	 * is read again, atomically, by rte_pktmbuf_free_seg */
	memcpy(&rs, &m->refcnt, 4);
	if (likely(rs == 0x00010001u && RTE_MBUF_DIRECT(m)))
		tcp_rx_put(tl, m);
	else
		rte_pktmbuf_free_seg(m);
}

/* tcp_input's work, inline in its entries (tcp_input_frame4, _frame6,
 * tcp_input_burst); burst (tcp_input_burst's IPv4 frame): p->ip's
 * source is not yet tested (tcp_seg_src), and the segment is filled
 * only as far as prediction reads it until tcp_seg_rest4 (tcp_parse);
 * src6 (tcp_input_burst's IPv6 frame): p->ip6's source is not yet
 * tested. */
static __rte_always_inline void
tcp_input_seg(struct lcore_ctx *ctx, struct rte_mbuf *m, struct net_pkt *p,
	      bool burst, bool src6)
{
	const bool src_q = burst || src6;
	struct tcp_lcore *tl = tcp_tl(ctx);
	struct tcp_conn *c, *missed = NULL;
	struct tcp_seg s;
	bool kept = false;

	if (!src_q)
		STAT_INC(ctx, tcp_rx_segs);
	/* (tcp_input_burst takes its frames here only with TCP on) */
	if (!burst && unlikely(!tl)) {
		rte_pktmbuf_free(m);
		return;
	}
	if (unlikely(tcp_parse(ctx, m, p, &s, burst, src6) < 0))
		goto drop;
	c = tcp_conn_find(tl, s.peer_ip, s.th->src_port, s.th->dst_port,
			  burst ? TCP_LID_V4 : s.lid, burst ? NULL : s.peer6);
	/* Header prediction first: the segment it takes (ESTABLISHED, ACK
	 * and maybe PSH) is none the checks below act on. */
	if (c != NULL) {
		if (likely(tcp_fast_predict(c, &s))) {
			if (src_q)
				STAT_INC(ctx, tcp_rx_segs);
			tl->busy = c;
			tcp_fast_take(ctx, tl, c, m, &s, burst);
			goto done;
		}
		missed = c; /* not to be asked again below */
	}
	if (burst)
		tcp_seg_rest4(&s);
	if (!tcp_seg_src(ctx, p, src_q, src6))
		goto drop;
	if (tcp_seg_odd(&s)) {
		STAT_INC(ctx, tcp_drop_bad_flags);
		goto drop;
	}
	if (unlikely(c != NULL && (s.flags & (RTE_TCP_SYN_FLAG |
			RTE_TCP_ACK_FLAG | RTE_TCP_RST_FLAG)) == RTE_TCP_SYN_FLAG)) {
		if (c->state == TCP_TIME_WAIT && tcp_tw_reopen(c, &s)) {
			STAT_INC(ctx, tcp_timewait_reopened);
			tcp_conn_free(ctx, c);
			c = missed = NULL;
		} else if (c->state == TCP_SYN_RECEIVED && s.seq != c->irs) {
			/* §3.10.7.4 fourth: a passive open goes back to
			 * LISTEN; the new SYN starts afresh. */
			tcp_conn_free(ctx, c);
			c = missed = NULL;
		}
	}
	if (!c) {
		bool used;

		/* Another lcore's connection (fanout rollover, a vdev
		 * without flow hashing): pass it on rather than reset it. */
		if (tl->steer &&
		    tcp_steer_handoff(ctx, m, (uint16_t)(p->ip_hlen +
						    sizeof(struct rte_ether_hdr)),
				      tcp_steer_peer(tl->steer, s.peer_ip, s.lid,
						     s.peer6),
				      s.th->src_port, s.th->dst_port, s.lid))
			return;
		c = tcp_rcv_listen(ctx, m, &s, &used);
		if (!c) {
			if (used)
				return; /* the SYN-ACK went in it */
			goto drop;
		}
	}
	tl->busy = c;
	if (unlikely(c->state == TCP_SYN_SENT))
		kept = tcp_rcv_syn_sent(ctx, c, m, &s); /* tcp_connect.c */
	else if (c == missed || !tcp_fast_rcv(ctx, c, m, &s))
		kept = tcp_rcv_state(ctx, c, m, &s);
done:
	tl->busy = NULL;
	if (c->flags & TCF_DEAD) {
		c->hnext = tl->free_list;
		tl->free_list = c;
	}
	if (kept)
		return;
drop:
	tcp_rx_free(tl, m);
}

void
tcp_input(struct lcore_ctx *ctx, struct rte_mbuf *m, struct net_pkt *p)
{
	tcp_input_seg(ctx, m, p, false, false);
}

/*
 * eth_input's and ipv4_input's common frame and tcp_input in one frame:
 * m (data at the Ethernet header, one segment, to our MAC, IPv4 on) is
 * taken when its datagram is the plain TCP one (ipv4_rx_plain_tcp):
 * counted as ipv4_input counts it, its headers pulled and the padding
 * trimmed as those two do, then tcp_input's work (inline here too: what
 * the IP layer decided is known to it). false: m untouched, eth_input
 * decides. burst (tcp_input_burst): the source is tested only where
 * the segment is not the predicted one (tcp_seg_src), and a bad one is
 * then taken and dropped as ipv4_input drops it; the segment is filled
 * as far as prediction reads it first (tcp_parse).
 */
static __rte_always_inline bool
tcp_frame4(struct lcore_ctx *ctx, struct rte_mbuf *m, bool burst)
{
	struct rte_ether_hdr *eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eh + 1);
	struct net_pkt p;
	uint32_t tlen;

	if (!ipv4_rx_plain_tcp_src(ctx, m, ip, m->data_len - sizeof(*eh),
				   &tlen, !burst))
		return false;
	STAT_INC(ctx, ipv4_rx);
	m->data_off = (uint16_t)(m->data_off + sizeof(*eh) + sizeof(*ip));
	m->data_len = (uint16_t)(tlen - sizeof(*ip));
	m->pkt_len = tlen - sizeof(*ip);
	p.eth = eh;
	p.ip = ip;
	p.ip6 = NULL;
	p.ip_hlen = sizeof(*ip);
	p.l4_len = (uint16_t)(tlen - sizeof(*ip));
	p.dst_mcast = false;
	tcp_input_seg(ctx, m, &p, burst, false);
	return true;
}

bool
tcp_input_frame4(struct lcore_ctx *ctx, struct rte_mbuf *m)
{
	return tcp_frame4(ctx, m, false);
}

/*
 * eth_input's and ipv6_input's common frame and tcp_input in one frame,
 * as tcp_input_frame4 for IPv4: m (data at the Ethernet header, one
 * segment, to our MAC, IPv6 on) is taken when its datagram is the plain
 * TCP one (ipv6_rx_plain_tcp): counted as ipv6_input counts it, its
 * headers pulled and the padding trimmed as those two do, then
 * tcp_input's work. false: m untouched, eth_input decides. burst
 * (tcp_input_burst): the source is tested only where the segment is not
 * the predicted one (tcp_seg_src), and a bad one is then taken and
 * dropped as ipv6_input drops it.
 */
static __rte_always_inline bool
tcp_frame6(struct lcore_ctx *ctx, struct rte_mbuf *m, bool burst)
{
	struct rte_ether_hdr *eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)(eh + 1);
	struct net_pkt p;
	uint32_t plen;

	if (!ipv6_rx_plain_tcp_src(ctx->ifc, ip, m->data_len - sizeof(*eh),
				   &plen, !burst))
		return false;
	STAT_INC(ctx, ip6_rx);
	m->data_off = (uint16_t)(m->data_off + sizeof(*eh) + sizeof(*ip));
	m->data_len = (uint16_t)plen;
	m->pkt_len = plen;
	p.eth = eh;
	p.ip = NULL;
	p.ip6 = ip;
	p.ip_hlen = sizeof(*ip);
	p.l4_len = (uint16_t)plen;
	p.dst_mcast = false;
	tcp_input_seg(ctx, m, &p, false, burst);
	return true;
}

bool
tcp_input_frame6(struct lcore_ctx *ctx, struct rte_mbuf *m)
{
	return tcp_frame6(ctx, m, false);
}

/*
 * eth_input_burst's loop, here so that the plain TCP frame's work
 * (tcp_frame4, tcp_frame6) is inline in it: its register saves and the
 * call paid once per burst, not per frame. Each frame as eth_input_one
 * takes a lone one: one segment to our MAC, IPv4 (on) to tcp_frame4,
 * IPv6 (on) to tcp_frame6 and what that leaves to ipv6_input
 * (eth_input_ip6); anything else, and what tcp_frame4 leaves, to
 * eth_input. The IPv4 source is tested after the lookup, on every way
 * but header prediction's (tcp_seg_src). The next frame's header
 * prefetched while this one is handled. test_net_rx_fast and
 * test_net_rx_fast6 hold it to eth_input on bursts of odd frames.
 */
static __rte_always_inline void
tcp_input_loop(struct lcore_ctx *ctx, struct rte_mbuf **pkts, uint16_t n,
	       bool on)
{
	struct rte_mbuf **end = pkts + n;

	for (; pkts < end; pkts++) {
		struct rte_mbuf *m = *pkts;
		const struct netif *ifc = ctx->ifc;
		uint16_t type;

		if (pkts + 1 < end)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[1], void *));
		STAT_ADD(ctx, rx_bytes, rte_pktmbuf_pkt_len(m));
		/* a frame shorter than the two headers is no plain datagram
		 * of either family: eth_input decides */
		if (eth_rx_ours(m, ifc, sizeof(struct rte_ether_hdr) +
					    sizeof(struct rte_ipv4_hdr))) {
			type = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *)
				       ->ether_type;
			if (likely(type == RTE_BE16(RTE_ETHER_TYPE_IPV4))) {
				if (on ? tcp_frame4(ctx, m, true) :
					 ifc->ip != 0 &&
						 tcp_input_frame4(ctx, m))
					continue;
			} else if (type == RTE_BE16(RTE_ETHER_TYPE_IPV6) &&
				   ifc->ip6_prefix && ctx->nd) {
				if (!tcp_frame6(ctx, m, on))
					eth_input_ip6(ctx, m);
				continue;
			}
		}
		eth_input(ctx, m);
	}
}

void
tcp_input_burst(struct lcore_ctx *ctx, struct rte_mbuf **pkts, uint16_t n)
{
	/* the lcore's TCP state and IPv4 (ip.address not "none") tested
	 * once: the frame path inline knows both are there (without the
	 * state tcp_input_frame4 drops as tcp_input; without IPv4,
	 * eth_input) */
	if (likely(tcp_tl(ctx) != NULL && ctx->ifc->ip != 0))
		tcp_input_loop(ctx, pkts, n, true);
	else
		tcp_input_loop(ctx, pkts, n, false);
}

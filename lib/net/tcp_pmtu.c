/* SPDX-License-Identifier: BSD-3-Clause */
/* tcp_pmtu.c: TCP's half of path MTU discovery (RFC 1191 §6, RFC 5927). */
#include <errno.h>

#include "core/config.h"
#include "net/ipv6.h"
#include "net/nd.h"
#include "net/tcp_priv.h"

/*
 * An ICMP "fragmentation needed and DF set" quoted one of our segments:
 * the path carries at most mtu bytes. RFC 5927 §4.1: act only when the
 * quoted sequence is in flight (snd_una <= seq < snd_max), which a blind
 * attacker must guess. The MSS never drops below tcp.min_snd_mss nor
 * TCP_PMTU_MIN - 40 (an ICMP cannot make us send tiny segments), and
 * what was in flight goes again in smaller segments (as Linux's
 * tcp_simple_retransmit: the loss is not congestion, cwnd stays).
 */
static int
tcp_pmtu_lower(struct lcore_ctx *ctx, struct tcp_conn *c, uint32_t seq,
	       uint32_t mtu, uint32_t hdrs);

int
tcp_pmtu_frag_needed(struct lcore_ctx *ctx, uint32_t peer_ip, uint16_t pport,
		     uint16_t lport, uint32_t seq, uint32_t mtu)
{
	struct tcp_lcore *tl = tcp_tl(ctx);

	if (!tl) {
		STAT_INC(ctx, tcp_pmtu_ignored);
		return -ENOENT;
	}
	return tcp_pmtu_lower(ctx, tcp_conn_lookup(tl, peer_ip, pport, lport,
						   TCP_LID_V4, NULL),
			      seq, mtu, 40);
}

int
tcp_pmtu_too_big6(struct lcore_ctx *ctx, const uint8_t *local,
		  const uint8_t *peer, uint16_t pport, uint16_t lport,
		  uint32_t seq, uint32_t mtu)
{
	struct tcp_lcore *tl = tcp_tl(ctx);
	uint8_t lid = ipv6_is_link_local(local) ? TCP_LID_V6_LL : TCP_LID_V6;

	if (!tl) {
		STAT_INC(ctx, tcp_pmtu_ignored);
		return -ENOENT;
	}
	return tcp_pmtu_lower(ctx, tcp_conn_lookup(tl, tcp_ip6_digest(peer),
						   pport, lport, lid, peer),
			      seq, mtu, 60);
}

/* c's MSS to mtu less hdrs (IP + TCP) when seq is in flight. */
static int
tcp_pmtu_lower(struct lcore_ctx *ctx, struct tcp_conn *c, uint32_t seq,
	       uint32_t mtu, uint32_t hdrs)
{
	uint32_t opt, floor, want;

	if (!c || !(TCPF(c->state) & TCPF_OUTPUT) || (c->flags & TCF_DEAD) ||
	    !SEQ_GEQ(seq, c->snd_una) || !SEQ_LT(seq, c->snd_max))
		goto ignore;
	opt = (c->flags & TCF_TS) ? TCP_TS_OPTLEN : 0;
	floor = tcp_max(ctx->cfg->tcp_min_snd_mss, TCP_PMTU_MIN - 40);
	/* IP + TCP headers (RFC 9293 §3.7.1), then our options. */
	want = tcp_max(mtu > hdrs ? mtu - hdrs : 0, floor);
	if (want <= opt || want - opt >= c->mss)
		goto ignore;
	c->mss = (uint16_t)(want - opt);
	c->cwnd = tcp_max(c->cwnd, c->mss);
	c->flags &= ~TCF_RTT; /* Karn: the resent data is not timed */
	if (!(c->flags & TCF_PERSIST))
		c->snd_nxt = c->snd_una;
	STAT_INC(ctx, tcp_pmtu_lowered);
	tcp_schedule(ctx, c);
	return 0;
ignore:
	STAT_INC(ctx, tcp_pmtu_ignored);
	return -ENOENT;
}

void
tcp_mss6_fit(struct lcore_ctx *ctx, const uint8_t *peer6, uint16_t *ours,
	     uint16_t *lim)
{
	uint32_t pmtu = nd_pmtu_lookup(ctx->nd, peer6, ctx->now_us);
	uint32_t least = IPV6_MIN_MTU - 40 - TCP_HLEN;

	*ours = (uint16_t)tcp_max(*ours > TCP_V6_EXTRA ? *ours - TCP_V6_EXTRA : 0,
				  tcp_min(*ours, least));
	*lim = (uint16_t)tcp_max(*lim > TCP_V6_EXTRA ? *lim - TCP_V6_EXTRA : 0,
				 tcp_min(*lim, least));
	if (pmtu && pmtu - 40 - TCP_HLEN < *lim)
		*lim = (uint16_t)tcp_max(pmtu - 40 - TCP_HLEN, least);
}

/* SPDX-License-Identifier: BSD-3-Clause */
/* syncookie.c: keyed hashes of the 4-tuple: ISNs (RFC 6528), SYN cookies. */
#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include <rte_random.h>

#include "net/tcp_priv.h"

/* One secret per process, drawn at the first tcp_lcore_init(), and
 * SipHash's initial state under it (tcp_siphash_15: v0..v3 as SipHash
 * starts them, the key XORed in once rather than at every hash). */
static uint64_t tcp_key[2];
static uint64_t tcp_key_v[4];
static uint32_t tcp_isn_forced;

static void
tcp_key_state(void)
{
	tcp_key_v[0] = 0x736f6d6570736575ULL ^ tcp_key[0];
	tcp_key_v[1] = 0x646f72616e646f6dULL ^ tcp_key[1];
	tcp_key_v[2] = 0x6c7967656e657261ULL ^ tcp_key[0];
	tcp_key_v[3] = 0x7465646279746573ULL ^ tcp_key[1];
}

int
tcp_secret_init(void)
{
	if (tcp_key[0] | tcp_key[1])
		return 0;
	if (getrandom(tcp_key, sizeof(tcp_key), 0) != (ssize_t)sizeof(tcp_key)) {
		/* No getrandom (old kernel, seccomp): DPDK's generator,
		 * seeded from the TSC and the rdseed instruction. */
		tcp_key[0] = rte_rand();
		tcp_key[1] = rte_rand();
	}
	tcp_key_state();
	return (tcp_key[0] | tcp_key[1]) ? 0 : -EIO;
}

/* SipHash-2-4 (Aumasson & Bernstein) under the process secret. */
#define SIP_ROTL(x, b) (((x) << (b)) | ((x) >> (64 - (b))))
#define SIP_ROUND                                                             \
	do {                                                                  \
		v0 += v1;                                                     \
		v1 = SIP_ROTL(v1, 13);                                        \
		v1 ^= v0;                                                     \
		v0 = SIP_ROTL(v0, 32);                                        \
		v2 += v3;                                                     \
		v3 = SIP_ROTL(v3, 16);                                        \
		v3 ^= v2;                                                     \
		v0 += v3;                                                     \
		v3 = SIP_ROTL(v3, 21);                                        \
		v3 ^= v0;                                                     \
		v2 += v1;                                                     \
		v1 = SIP_ROTL(v1, 17);                                        \
		v1 ^= v2;                                                     \
		v2 = SIP_ROTL(v2, 32);                                        \
	} while (0)

uint64_t
tcp_siphash(const void *data, size_t len)
{
	uint64_t v0 = 0x736f6d6570736575ULL ^ tcp_key[0];
	uint64_t v1 = 0x646f72616e646f6dULL ^ tcp_key[1];
	uint64_t v2 = 0x6c7967656e657261ULL ^ tcp_key[0];
	uint64_t v3 = 0x7465646279746573ULL ^ tcp_key[1];
	const uint8_t *p = data;
	uint64_t b = (uint64_t)len << 56, w;
	size_t i;

	for (i = 0; i + 8 <= len; i += 8) {
		memcpy(&w, p + i, 8);
		v3 ^= w;
		SIP_ROUND;
		SIP_ROUND;
		v0 ^= w;
	}
	for (size_t j = 0; i + j < len; j++)
		b |= (uint64_t)p[i + j] << (8 * j);
	v3 ^= b;
	SIP_ROUND;
	SIP_ROUND;
	v0 ^= b;
	v2 ^= 0xff;
	SIP_ROUND;
	SIP_ROUND;
	SIP_ROUND;
	SIP_ROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}

/* SipHash-2-4 of a 15-byte message given as its two little-endian words
 * (tcp_siphash's blocks): m0, and m1 whose top byte is 15, the length. */
static __rte_always_inline uint64_t
tcp_siphash_15(uint64_t m0, uint64_t m1)
{
	uint64_t v0 = tcp_key_v[0], v1 = tcp_key_v[1];
	uint64_t v2 = tcp_key_v[2], v3 = tcp_key_v[3];

	v3 ^= m0;
	SIP_ROUND;
	SIP_ROUND;
	v0 ^= m0;
	v3 ^= m1;
	SIP_ROUND;
	SIP_ROUND;
	v0 ^= m1;
	v2 ^= 0xff;
	SIP_ROUND;
	SIP_ROUND;
	SIP_ROUND;
	SIP_ROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}

void
tcp_test_set_isn(uint32_t isn)
{
	tcp_isn_forced = isn;
}

/*
 * RFC 6528 §3: ISN = M + F(localip, localport, remoteip, remoteport,
 * secretkey), M a clock ticking every 4 us. The other half of the hash
 * is the connection's timestamp offset (RFC 7323 §5.4), so our TSval
 * says nothing about uptime and stays a function of the 4-tuple (the
 * cookie path recomputes it).
 */
uint64_t
tcp_isn4(const struct lcore_ctx *ctx, uint32_t pip, uint8_t lid,
	 uint32_t ports)
{
	/* 15 bytes: the addresses, the ports, the tag "ISN" (the length
	 * keeps it apart from the other inputs): two blocks where 16 bytes
	 * took three. */
	uint64_t h = tcp_siphash_15((uint64_t)tcp_lid_addr4(ctx, lid) << 32 | pip,
				    15ull << 56 | 0x4e5349ull << 32 | ports);
	uint32_t isn = tcp_isn_forced ? tcp_isn_forced :
					(uint32_t)h + (uint32_t)(ctx->now_us / 4);

	return (h >> 32) << 32 | isn;
}

void
tcp_isn(const struct lcore_ctx *ctx, uint32_t pip, const uint8_t *peer6,
	uint8_t lid, uint16_t pport, uint16_t lport, uint32_t *isn,
	uint32_t *ts_off)
{
	uint64_t h;

	if (likely(peer6 == NULL)) {
		h = tcp_isn4(ctx, pip, lid, (uint32_t)pport << 16 | lport);
		*isn = (uint32_t)h;
		*ts_off = (uint32_t)(h >> 32);
		return;
	}
	/* IPv6: both 16-byte addresses (RFC 6528 over the tuple). */
	{
		uint32_t in6[10] = { 0x49534e36 /* "ISN6" */ };

		memcpy(&in6[1], peer6, 16);
		memcpy(&in6[5], tcp_lid_addr6(ctx->ifc, lid), 16);
		in6[9] = (uint32_t)pport << 16 | lport;
		h = tcp_siphash(in6, sizeof(in6));
	}
	*isn = tcp_isn_forced ? tcp_isn_forced :
				(uint32_t)h + (uint32_t)(ctx->now_us / 4);
	*ts_off = (uint32_t)(h >> 32);
}

/*
 * SYN cookies (RFC 4987 §3.6): the cookie is our ISN.
 *   bits 31..8  24 bits of SipHash(secret; 4-tuple, peer ISN, t, MSS index)
 *   bits  7..3  t mod 32, t = time / 64 s (valid in its slot and the next)
 *   bits  2..0  index of the MSS in syncookie_mss[]: the largest entry
 *               not above the MSS we may send (so never above the
 *               peer's: the first entry is TCP_MIN_MSS, the least
 *               tcp.min_snd_mss raises a peer's option to)
 * Window scale and timestamps cannot fit: when the SYN offered
 * timestamps, our TSval carries them instead (as Linux does):
 *   bit 4 set (marks a cookie TSval), bits 3..0 the peer's window shift
 *   + 1 (0: no window scaling), and the ACK's TSecr echoes them back.
 * Without timestamps a cookie connection has no window scaling.
 */
static const uint16_t syncookie_mss[8] = {
	TCP_MIN_MSS, 536, 1200, 1360, 1400, 1440, 1460, 8960,
};

#define SYNCOOKIE_PERIOD_US (64ull * 1000000ull)
#define SYNCOOKIE_TS_MARK 0x10u
#define SYNCOOKIE_TS_MASK 0x1fu

static uint32_t
syncookie_hash(const struct lcore_ctx *ctx, const struct tcp_seg *s,
	       uint16_t lport, uint32_t peer_isn, uint32_t t, uint32_t idx)
{
	uint32_t in[6] = { 0x434f4f4b /* "COOK" */, s->peer_ip,
			   s->peer6 ? 0 : tcp_lid_addr4(ctx, s->lid),
			   (uint32_t)s->th->src_port << 16 | lport, peer_isn,
			   t << 3 | idx };
	uint32_t in6[12] = { 0x434f4f36 /* "COO6" */ };

	if (likely(!s->peer6))
		return (uint32_t)tcp_siphash(in, sizeof(in)) & 0xffffff00u;
	/* IPv6: the cookie covers both 16-byte addresses. */
	memcpy(&in6[1], s->peer6, 16);
	memcpy(&in6[5], tcp_lid_addr6(ctx->ifc, s->lid), 16);
	in6[9] = in[3];
	in6[10] = peer_isn;
	in6[11] = in[5];
	return (uint32_t)tcp_siphash(in6, sizeof(in6)) & 0xffffff00u;
}

uint32_t
syncookie_make(const struct lcore_ctx *ctx, const struct tcp_seg *s,
	       uint16_t lport, uint16_t *mss)
{
	uint32_t t = (uint32_t)(ctx->now_us / SYNCOOKIE_PERIOD_US), idx = 0;

	for (uint32_t i = 0; i < RTE_DIM(syncookie_mss); i++)
		if (syncookie_mss[i] <= *mss)
			idx = i;
	*mss = syncookie_mss[idx];
	return syncookie_hash(ctx, s, lport, s->seq, t, idx) |
	       (t & 31) << 3 | idx;
}

/* s is the ACK that returns the cookie: SEG.ACK - 1 is the cookie,
 * SEG.SEQ - 1 the peer's ISN. 0 and the MSS, or -EINVAL. */
int
syncookie_check(const struct lcore_ctx *ctx, const struct tcp_seg *s,
		uint16_t lport, uint16_t *mss)
{
	uint32_t cookie = s->ack - 1, idx = cookie & 7;
	uint32_t now = (uint32_t)(ctx->now_us / SYNCOOKIE_PERIOD_US);

	for (uint32_t age = 0; age < 2; age++) {
		uint32_t t = now - age;

		if ((t & 31) != ((cookie >> 3) & 31))
			continue;
		if (syncookie_hash(ctx, s, lport, s->seq - 1, t, idx) ==
		    (cookie & 0xffffff00u)) {
			*mss = syncookie_mss[idx];
			return 0;
		}
	}
	return -EINVAL;
}

/* Our TSval in a cookie SYN-ACK: never ahead of the clock, so the next
 * TSval is not smaller (the peer's PAWS test, RFC 7323 §5). */
uint32_t
syncookie_tsval(const struct lcore_ctx *ctx, uint32_t ts_off, int8_t wscale)
{
	uint32_t now = tcp_ts_now(ctx, ts_off);
	uint32_t ts = (now & ~SYNCOOKIE_TS_MASK) | SYNCOOKIE_TS_MARK |
		      (wscale >= 0 ? (uint32_t)wscale + 1 : 0);

	if (SEQ_GT(ts, now))
		ts -= SYNCOOKIE_TS_MASK + 1;
	return ts;
}

/* The window shift a returning TSecr carries: 0..14, -1 for none, -2
 * when it is not one of our cookie TSvals. */
int8_t
syncookie_ts_wscale(uint32_t tsecr)
{
	uint32_t v = tsecr & 0xf;

	if (!(tsecr & SYNCOOKIE_TS_MARK))
		return -2;
	return v ? (int8_t)(v - 1) : -1;
}

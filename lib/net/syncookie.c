/* SPDX-License-Identifier: BSD-3-Clause */
/* syncookie.c: stateless SYN cookies for a full half-open table. */
#include <errno.h>
#include <sys/random.h>

#include "net/tcp_priv.h"

/*
 * The cookie is our ISN (RFC 4987 §3.6):
 *   bits 31..8  24 bits of SipHash(secret; 4-tuple, peer ISN, t)
 *   bits  7..3  t mod 32, t = seconds / 64
 *   bits  2..0  index of the peer's MSS in syncookie_mss[]
 * A cookie validates during its 64 s slot and the next. Window scaling and
 * timestamps are not encoded: a connection opened by cookie has neither.
 */
static const uint16_t syncookie_mss[8] = {
	536, 1200, 1360, 1400, 1440, 1460, 4312, 8960,
};
static uint64_t syncookie_key[2];

static uint32_t
syncookie_hash(uint32_t pip, uint16_t pport, uint16_t lport, uint32_t isn,
	       uint32_t t)
{
	uint32_t in[4] = { pip, (uint32_t)pport << 16 | lport, isn, t };

	if (!syncookie_key[0] && !syncookie_key[1] &&
	    getrandom(syncookie_key, sizeof(syncookie_key), 0) < 0)
		syncookie_key[0] = 0x9e3779b97f4a7c15ULL; /* never reached */
	return (uint32_t)tcp_siphash(syncookie_key, in, sizeof(in)) & 0xffffff00u;
}

static inline uint32_t
syncookie_time(const struct lcore_ctx *ctx)
{
	return (uint32_t)(ctx->now_us / 64000000u);
}

uint32_t
syncookie_make(struct lcore_ctx *ctx, uint32_t pip, uint16_t pport,
	       uint16_t lport, uint32_t peer_isn, uint16_t mss)
{
	uint32_t t = syncookie_time(ctx), idx = 0;

	for (uint32_t i = 0; i < 8; i++)
		if (syncookie_mss[i] <= mss)
			idx = i;
	return syncookie_hash(pip, pport, lport, peer_isn, t) |
	       (t & 31) << 3 | idx;
}

int
syncookie_check(struct lcore_ctx *ctx, uint32_t pip, uint16_t pport,
		uint16_t lport, uint32_t peer_isn, uint32_t cookie,
		uint16_t *mss)
{
	uint32_t now = syncookie_time(ctx);

	for (uint32_t d = 0; d < 2; d++) {
		uint32_t t = now - d;

		if ((t & 31) != ((cookie >> 3) & 31))
			continue;
		if (syncookie_hash(pip, pport, lport, peer_isn, t) ==
		    (cookie & 0xffffff00u)) {
			*mss = syncookie_mss[cookie & 7];
			return 0;
		}
	}
	return -EINVAL;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/* mem.c: the per-lcore memory budget: limits from the pool, counters. */
#include <errno.h>
#include <string.h>

#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "core/config.h"
#include "core/lcore.h"
#include "core/mem.h"

static const char *const mem_class_names[MEM_NCLASSES] = {
	[MEM_RX_RESERVE] = "rx_reserve",
	[MEM_SNDQ] = "sndq",
	[MEM_OOO] = "ooo",
	[MEM_HTTP_REQ] = "http_req",
	[MEM_RESP] = "resp",
};

const char *
mem_class_name(enum mem_class k)
{
	return (unsigned int)k < MEM_NCLASSES ? mem_class_names[k] : NULL;
}

/*
 * Defaults (docs/RELIABILITY.md). The lcore's share S is its RX pool
 * (app/linerate.c gives each queue its own; without a pool,
 * cfg->mbufs). The RX reserve covers what the NIC and
 * the loop hold whatever TCP does: the RX ring, the TX ring (segments
 * the NIC has not sent yet), one RX and one TX burst and the mempool
 * cache, at most half the share. Of the rest, A = S - reserve, send
 * queues may take A/2 and out-of-order queues A/4: the last quarter is
 * for copies in flight (retransmissions, cut segments), ARP and ICMP.
 * The heap classes (HTTP) default to A/4 worth of mbuf bytes each.
 */
int
mem_init(struct mem_budget *mb, const struct config *cfg,
	 struct rte_mempool *pool)
{
	uint64_t share, avail, unit, need;
	memset(mb, 0, sizeof(*mb));
	mb->pool = pool;
	mb->pool_margin = LCORE_RX_BURST + LCORE_TX_BURST;
	mb->est_epoch = mb->epoch - 1; /* the first check reads the pool */
	mb->mbuf_bytes = pool ? rte_pktmbuf_data_room_size(pool) :
		       RTE_MBUF_DEFAULT_BUF_SIZE;
	unit = mb->mbuf_bytes;
	share = pool ? pool->size : cfg->mbufs;
	mb->rx_reserve = cfg->mem_rx_reserve;
	if (mb->rx_reserve == 0)
		mb->rx_reserve = (uint32_t)RTE_MIN((uint64_t)cfg->rx_desc +
					cfg->tx_desc + LCORE_RX_BURST +
					LCORE_TX_BURST + cfg->mbuf_cache,
					share / 2);
	avail = share > mb->rx_reserve ? share - mb->rx_reserve : 0;
	mb->cls[MEM_RX_RESERVE].limit = (uint64_t)mb->rx_reserve * unit;
	mb->cls[MEM_SNDQ].limit = cfg->mem_sndq_bytes ? cfg->mem_sndq_bytes :
				  avail / 2 * unit;
	mb->cls[MEM_OOO].limit = cfg->mem_ooo_bytes ? cfg->mem_ooo_bytes :
				 avail / 4 * unit;
	mb->cls[MEM_HTTP_REQ].limit = cfg->mem_http_req_bytes ?
				      cfg->mem_http_req_bytes : avail / 4 * unit;
	mb->cls[MEM_RESP].limit = cfg->mem_resp_bytes ? cfg->mem_resp_bytes :
				  avail / 4 * unit;
	need = (mb->cls[MEM_SNDQ].limit + mb->cls[MEM_OOO].limit) / unit +
	       mb->rx_reserve;
	if (need > share || mb->rx_reserve > share)
		return -EINVAL;
	return 0;
}

static void
mem_reserve_gauge(struct mem_budget *mb, uint64_t free_mbufs)
{
	struct mem_class_stat *r = &mb->cls[MEM_RX_RESERVE];
	uint64_t eaten = free_mbufs >= mb->rx_reserve ? 0 :
			 (mb->rx_reserve - free_mbufs) * mb->mbuf_bytes;

	r->in_use = eaten;
	if (eaten > r->high)
		r->high = eaten;
}

uint64_t
mem_pool_avail(struct mem_budget *mb, uint64_t need)
{
	if (!mb->pool)
		return 0;
	if (mb->est_epoch != mb->epoch ||
	    mb->pool_est < (uint64_t)mb->rx_reserve + need + mb->pool_margin) {
		mb->pool_est = rte_mempool_avail_count(mb->pool) + mb->held;
		mb->est_epoch = mb->epoch;
		mb->pool_reads++;
	}
	return mb->pool_est;
}

bool
mem_pool_ok(struct mem_budget *mb, uint32_t n)
{
	uint64_t free_mbufs;

	if (!mb->pool)
		return true;
	free_mbufs = mem_pool_avail(mb, n);
	mem_reserve_gauge(mb, free_mbufs > n ? free_mbufs - n : 0);
	if (free_mbufs >= (uint64_t)mb->rx_reserve + n)
		return true;
	mb->cls[MEM_RX_RESERVE].refusals++;
	return false;
}

bool
mem_charge_slow(struct mem_budget *mb, enum mem_class k, uint64_t bytes)
{
	struct mem_class_stat *s = &mb->cls[k];
	uint64_t n = s->in_use + bytes;

	uint32_t mbufs = (uint32_t)(bytes / mb->mbuf_bytes);
	bool pool_class = k == MEM_SNDQ || k == MEM_OOO;

	if (n > s->limit || (pool_class && !mem_pool_ok(mb, mbufs))) {
		s->refusals++;
		return false;
	}
	if (pool_class && mb->pool)
		mb->pool_est -= mbufs; /* mem_pool_ok: pool_est >= mbufs */
	s->in_use = n;
	if (n > s->high)
		s->high = n;
	return true;
}

void
mem_snapshot(const struct mem_budget *mb, struct mem_snapshot *out)
{
	memcpy(out->cls, mb->cls, sizeof(out->cls));
	out->mbuf_bytes = mb->mbuf_bytes;
	out->pool_avail = mb->pool ? rte_mempool_avail_count(mb->pool) : 0;
	if (mb->pool) {
		struct mem_class_stat *r = &out->cls[MEM_RX_RESERVE];

		r->in_use = out->pool_avail >= mb->rx_reserve ? 0 :
			    (mb->rx_reserve - out->pool_avail) * mb->mbuf_bytes;
		if (r->in_use > r->high)
			r->high = r->in_use;
	}
}

void
mem_snapshot_add(struct mem_snapshot *dst, const struct mem_snapshot *src)
{
	for (int k = 0; k < MEM_NCLASSES; k++) {
		dst->cls[k].limit += src->cls[k].limit;
		dst->cls[k].in_use += src->cls[k].in_use;
		dst->cls[k].high += src->cls[k].high;
		dst->cls[k].refusals += src->cls[k].refusals;
		dst->cls[k].prunes += src->cls[k].prunes;
	}
	dst->mbuf_bytes = src->mbuf_bytes;
	dst->pool_avail = src->pool_avail; /* one pool per socket: not a sum */
}

/* SPDX-License-Identifier: BSD-3-Clause */
/* arp.c: ARP responder (RFC 826), neighbour cache with expiry, pending. */
#include <errno.h>
#include <string.h>

#include <rte_arp.h>
#include <rte_errno.h>
#include <rte_malloc.h>
#include <rte_spinlock.h>

#include "core/lcore.h"
#include "net/arp.h"
#include "net/eth.h"
#include "net/ipv4.h"
#include "net/net.h"

enum arp_state { ARP_FREE, ARP_INCOMPLETE, ARP_RESOLVED };

struct arp_entry {
	uint32_t ip;
	uint8_t state;
	uint8_t npending;
	struct rte_ether_addr mac;
	uint64_t expire_us;   /* resolved: end of life; incomplete: give up */
	uint64_t last_req_us; /* last request broadcast */
	struct rte_mbuf *pending[ARP_MAX_PENDING];
};

struct arp_table {
	rte_spinlock_t lock;
	uint32_t mask;
	uint32_t max_pending;
	uint64_t timeout_us;
	uint32_t held;
	struct arp_entry e[];
};

#define ARP_PROBES 8 /* linear probe length before evicting */

struct arp_table *
arp_table_create(uint32_t entries, uint32_t timeout_s, uint32_t pending,
		 int socket)
{
	uint32_t n = rte_align32pow2(entries < 4 ? 4 : entries);
	struct arp_table *t;

	t = rte_zmalloc_socket("arp", sizeof(*t) + n * sizeof(t->e[0]),
			       RTE_CACHE_LINE_SIZE, socket);
	if (!t)
		return NULL;
	rte_spinlock_init(&t->lock);
	t->mask = n - 1;
	t->max_pending = pending > ARP_MAX_PENDING ? ARP_MAX_PENDING : pending;
	t->timeout_us = (uint64_t)timeout_s * 1000000u;
	return t;
}

static void
arp_entry_drop_pending(struct arp_table *t, struct arp_entry *e)
{
	if (e->npending)
		rte_pktmbuf_free_bulk(e->pending, e->npending);
	t->held -= e->npending;
	e->npending = 0;
}

void
arp_table_free(struct arp_table *t)
{
	if (!t)
		return;
	for (uint32_t i = 0; i <= t->mask; i++)
		arp_entry_drop_pending(t, &t->e[i]);
	rte_free(t);
}

uint32_t
arp_pending_count(struct arp_table *t)
{
	return t ? t->held : 0;
}

static inline uint32_t
arp_hash(uint32_t ip)
{
	return (ip * 2654435761u) >> 7;
}

/* Entry for ip, or NULL; with create, a free, expired or evicted slot. */
static struct arp_entry *
arp_find(struct arp_table *t, uint32_t ip, uint64_t now, bool create,
	 struct lcore_ctx *ctx)
{
	struct arp_entry *victim = NULL;
	uint32_t h = arp_hash(ip);

	for (uint32_t i = 0; i < ARP_PROBES; i++) {
		struct arp_entry *e = &t->e[(h + i) & t->mask];

		if (e->state != ARP_FREE && e->ip == ip)
			return e;
		if (e->state == ARP_FREE ||
		    (e->state == ARP_RESOLVED && e->expire_us <= now)) {
			if (!victim || victim->state != ARP_FREE)
				victim = e;
		} else if (!victim) {
			victim = e;
		} else if (victim->state != ARP_FREE &&
			   e->expire_us < victim->expire_us) {
			victim = e;
		}
	}
	if (!create)
		return NULL;
	arp_entry_drop_pending(t, victim);
	memset(victim, 0, sizeof(*victim));
	victim->ip = ip;
	victim->state = ARP_INCOMPLETE;
	victim->expire_us = now + ARP_GIVE_UP_US;
	(void)ctx;
	return victim;
}

int
arp_lookup(struct arp_table *t, uint32_t ip, uint64_t now_us,
	   struct rte_ether_addr *mac)
{
	struct arp_entry *e;
	int rc = -ENOENT;

	rte_spinlock_lock(&t->lock);
	e = arp_find(t, ip, now_us, false, NULL);
	if (e && e->state == ARP_RESOLVED && e->expire_us > now_us) {
		*mac = e->mac;
		rc = 0;
	}
	rte_spinlock_unlock(&t->lock);
	return rc;
}

static void
arp_send_request(struct lcore_ctx *ctx, uint32_t tip)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(ctx->pool);
	struct rte_arp_hdr *a;
	static const struct rte_ether_addr bcast = {
		.addr_bytes = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }
	};

	if (!m) {
		STAT_INC(ctx, ipv4_tx_nombuf);
		return;
	}
	a = (struct rte_arp_hdr *)rte_pktmbuf_append(m, sizeof(*a));
	a->arp_hardware = RTE_BE16(RTE_ARP_HRD_ETHER);
	a->arp_protocol = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	a->arp_hlen = RTE_ETHER_ADDR_LEN;
	a->arp_plen = 4;
	a->arp_opcode = RTE_BE16(RTE_ARP_OP_REQUEST);
	a->arp_data.arp_sha = ctx->ifc->mac;
	a->arp_data.arp_sip = ctx->ifc->ip;
	memset(&a->arp_data.arp_tha, 0, sizeof(a->arp_data.arp_tha));
	a->arp_data.arp_tip = tip;
	STAT_INC(ctx, arp_tx_request);
	eth_output(ctx, m, &bcast, RTE_ETHER_TYPE_ARP);
}

/* RFC 826 "merge": refresh a known sender, add one that asked for us.
 * Returns the packets that were waiting for it (sent by the caller). */
static uint8_t
arp_learn(struct lcore_ctx *ctx, uint32_t sip,
	  const struct rte_ether_addr *sha, bool for_us,
	  struct rte_mbuf **out)
{
	struct arp_table *t = ctx->arp;
	struct arp_entry *e;
	uint8_t n = 0;

	if ((sip & ctx->ifc->netmask) != (ctx->ifc->ip & ctx->ifc->netmask))
		return 0;
	rte_spinlock_lock(&t->lock);
	e = arp_find(t, sip, ctx->now_us, for_us, ctx);
	if (e) {
		e->state = ARP_RESOLVED;
		e->mac = *sha;
		e->expire_us = ctx->now_us + t->timeout_us;
		n = e->npending;
		memcpy(out, e->pending, n * sizeof(*out));
		t->held -= n;
		e->npending = 0;
		STAT_INC(ctx, arp_learned);
	}
	rte_spinlock_unlock(&t->lock);
	return n;
}

/* tip is an ip.vips address marked arp: true. */
static bool
arp_vip_answered(const struct config *cfg, uint32_t tip)
{
	int i = ipv4_vip_index(cfg, tip);

	return i >= 0 && cfg->vips[i].arp;
}

void
arp_input(struct lcore_ctx *ctx, struct rte_mbuf *m, struct net_pkt *p)
{
	struct rte_mbuf *held[ARP_MAX_PENDING];
	struct rte_arp_hdr *a;
	uint32_t sip, tip;
	uint16_t op;
	bool for_us;
	uint8_t n;

	if (m->data_len < sizeof(*a)) {
		STAT_INC(ctx, arp_drop_malformed);
		goto drop;
	}
	a = rte_pktmbuf_mtod(m, struct rte_arp_hdr *);
	op = rte_be_to_cpu_16(a->arp_opcode);
	if (a->arp_hardware != RTE_BE16(RTE_ARP_HRD_ETHER) ||
	    a->arp_protocol != RTE_BE16(RTE_ETHER_TYPE_IPV4) ||
	    a->arp_hlen != RTE_ETHER_ADDR_LEN || a->arp_plen != 4 ||
	    (op != RTE_ARP_OP_REQUEST && op != RTE_ARP_OP_REPLY)) {
		STAT_INC(ctx, arp_drop_malformed);
		goto drop;
	}
	if (!rte_is_unicast_ether_addr(&a->arp_data.arp_sha) ||
	    a->arp_data.arp_sip == ctx->ifc->ip) {
		STAT_INC(ctx, arp_drop_bad_sender);
		goto drop;
	}
	sip = a->arp_data.arp_sip;
	tip = a->arp_data.arp_tip;
	/* Ours, or an ip.vips address we answer for (arp: true). */
	for_us = tip == ctx->ifc->ip || arp_vip_answered(ctx->cfg, tip);
	if (op == RTE_ARP_OP_REQUEST)
		STAT_INC(ctx, arp_rx_request);
	else
		STAT_INC(ctx, arp_rx_reply);
	/* A probe (sender 0.0.0.0, RFC 5227) is answered, never learnt. */
	n = sip ? arp_learn(ctx, sip, &a->arp_data.arp_sha, for_us, held) : 0;
	for (uint8_t i = 0; i < n; i++) {
		STAT_INC(ctx, arp_pending_sent);
		eth_output(ctx, held[i], &a->arp_data.arp_sha,
			   RTE_ETHER_TYPE_IPV4);
	}
	if (!for_us) {
		STAT_INC(ctx, arp_drop_not_for_us);
		goto drop;
	}
	if (op != RTE_ARP_OP_REQUEST)
		goto drop;
	/* Turn the request into the reply in place. */
	a->arp_opcode = RTE_BE16(RTE_ARP_OP_REPLY);
	a->arp_data.arp_tha = a->arp_data.arp_sha;
	a->arp_data.arp_tip = sip;
	a->arp_data.arp_sha = ctx->ifc->mac;
	a->arp_data.arp_sip = tip;
	rte_pktmbuf_trim(m, m->pkt_len - sizeof(*a));
	STAT_INC(ctx, arp_tx_reply);
	eth_output(ctx, m, &a->arp_data.arp_tha, RTE_ETHER_TYPE_ARP);
	return;
drop:
	(void)p;
	rte_pktmbuf_free(m);
}

void
arp_output(struct lcore_ctx *ctx, struct rte_mbuf *m, uint32_t nh)
{
	struct arp_table *t = ctx->arp;
	struct rte_ether_addr mac;
	struct arp_entry *e;
	bool ask = false;
	uint64_t now = ctx->now_us;

	rte_spinlock_lock(&t->lock);
	e = arp_find(t, nh, now, true, ctx);
	if (e->state == ARP_RESOLVED && e->expire_us > now) {
		mac = e->mac;
		rte_spinlock_unlock(&t->lock);
		eth_output(ctx, m, &mac, RTE_ETHER_TYPE_IPV4);
		return;
	}
	if (e->state == ARP_RESOLVED || e->expire_us <= now) {
		/* Stale, or asked too long without answer: start over. */
		STAT_ADD(ctx, arp_pending_dropped, e->npending);
		arp_entry_drop_pending(t, e);
		e->state = ARP_INCOMPLETE;
		e->expire_us = now + ARP_GIVE_UP_US;
		e->last_req_us = 0;
	}
	if (e->npending < t->max_pending) {
		e->pending[e->npending++] = m;
		t->held++;
		STAT_INC(ctx, arp_pending_queued);
		m = NULL;
	}
	if (e->last_req_us == 0 || now - e->last_req_us >= ARP_RETRY_US) {
		e->last_req_us = now;
		ask = true;
	}
	rte_spinlock_unlock(&t->lock);
	if (m) {
		STAT_INC(ctx, arp_pending_dropped);
		rte_pktmbuf_free(m);
	}
	if (ask)
		arp_send_request(ctx, nh);
}

/* SPDX-License-Identifier: BSD-3-Clause */
/* nd.c: Neighbour Discovery (RFC 4861): cache with states, NS/NA, PMTU. */
#include <errno.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_errno.h>
#include <rte_malloc.h>
#include <rte_spinlock.h>

#include "core/lcore.h"
#include "net/eth.h"
#include "net/icmp6.h"
#include "net/ipv6.h"
#include "net/nd.h"
#include "net/net.h"

#define ND_OPT_SLLA 1 /* source link-layer address */
#define ND_OPT_TLLA 2 /* target link-layer address */
#define ND_NA_ROUTER 0x80
#define ND_NA_SOLICITED 0x40
#define ND_NA_OVERRIDE 0x20

/* NS and NA: ICMPv6 header (flags in data), target, then options. */
struct nd_msg {
	struct icmp6_hdr ic;
	uint8_t target[16];
} __rte_packed;

/* A link-layer address option for Ethernet (length 1: 8 bytes). */
struct nd_opt_lla {
	uint8_t type;
	uint8_t len;
	uint8_t mac[RTE_ETHER_ADDR_LEN];
} __rte_packed;

struct nd_entry {
	uint8_t ip[16];
	uint8_t state;
	uint8_t npending;
	uint8_t probes;     /* solicitations sent in INCOMPLETE or PROBE */
	struct rte_ether_addr mac;
	uint64_t timer_us;  /* REACHABLE: until; DELAY: probe at */
	uint64_t last_ns_us; /* last solicitation sent */
	struct rte_mbuf *pending[ND_MAX_PENDING];
};

struct nd_pmtu {
	uint8_t dst[16];
	uint32_t mtu;       /* 0: free */
	uint64_t expire_us;
};

struct nd_table {
	rte_spinlock_t lock;
	uint32_t mask;
	uint32_t max_pending;
	uint32_t held;
	struct nd_pmtu pmtu[ND_PMTU_ENTRIES];
	struct nd_entry e[];
};

#define ND_PROBES 8 /* linear probe length before evicting */

struct nd_table *
nd_table_create(uint32_t entries, uint32_t pending, int socket)
{
	uint32_t n = rte_align32pow2(entries < 4 ? 4 : entries);
	struct nd_table *t;

	t = rte_zmalloc_socket("nd", sizeof(*t) + n * sizeof(t->e[0]),
			       RTE_CACHE_LINE_SIZE, socket);
	if (!t)
		return NULL;
	rte_spinlock_init(&t->lock);
	t->mask = n - 1;
	t->max_pending = pending > ND_MAX_PENDING ? ND_MAX_PENDING : pending;
	return t;
}

static void
nd_entry_drop_pending(struct nd_table *t, struct nd_entry *e)
{
	if (e->npending)
		rte_pktmbuf_free_bulk(e->pending, e->npending);
	t->held -= e->npending;
	e->npending = 0;
}

void
nd_table_free(struct nd_table *t)
{
	if (!t)
		return;
	for (uint32_t i = 0; i <= t->mask; i++)
		nd_entry_drop_pending(t, &t->e[i]);
	rte_free(t);
}

uint32_t
nd_pending_count(struct nd_table *t)
{
	return t ? t->held : 0;
}

static inline uint32_t
nd_hash(const uint8_t *ip)
{
	uint32_t w[4];

	memcpy(w, ip, 16);
	return ((w[0] ^ w[1] ^ w[2]) * 2246822519u + w[3]) * 2654435761u >> 7;
}

/* Apply the timers that have run out (RFC 4861 §7.3.3): REACHABLE past
 * its time becomes STALE, DELAY past its time becomes PROBE. */
static void
nd_age(struct nd_entry *e, uint64_t now)
{
	if (e->state == ND_REACHABLE && e->timer_us <= now)
		e->state = ND_STALE;
	if (e->state == ND_DELAY && e->timer_us <= now) {
		e->state = ND_PROBE;
		e->probes = 0;
		e->last_ns_us = 0;
	}
}

/* Which slot to give up first: a free one, then a STALE one (unconfirmed,
 * maybe from a flood of solicitations), then the one whose timer is due
 * soonest. */
static bool
nd_evict_before(const struct nd_entry *a, const struct nd_entry *b)
{
	int ra = a->state == ND_FREE ? 0 : a->state == ND_STALE ? 1 : 2;
	int rb = b->state == ND_FREE ? 0 : b->state == ND_STALE ? 1 : 2;

	return ra != rb ? ra < rb : ra == 2 && a->timer_us < b->timer_us;
}

/* Entry for ip, or NULL; with create, a free, stale or evicted slot. */
static struct nd_entry *
nd_find(struct nd_table *t, const uint8_t *ip, uint64_t now, bool create)
{
	struct nd_entry *victim = NULL;
	uint32_t h = nd_hash(ip);

	for (uint32_t i = 0; i < ND_PROBES; i++) {
		struct nd_entry *e = &t->e[(h + i) & t->mask];

		if (e->state != ND_FREE && ipv6_addr_eq(e->ip, ip))
			return e;
		if (e->state == ND_FREE) {
			if (!victim || victim->state != ND_FREE)
				victim = e;
			continue;
		}
		nd_age(e, now);
		if (!victim || nd_evict_before(e, victim))
			victim = e;
	}
	if (!create)
		return NULL;
	nd_entry_drop_pending(t, victim);
	memset(victim, 0, sizeof(*victim));
	memcpy(victim->ip, ip, 16);
	victim->state = ND_INCOMPLETE;
	return victim;
}

enum nd_state
nd_lookup(struct nd_table *t, const uint8_t *ip, uint64_t now_us,
	  struct rte_ether_addr *mac)
{
	enum nd_state st = ND_FREE;
	struct nd_entry *e;

	rte_spinlock_lock(&t->lock);
	e = nd_find(t, ip, now_us, false);
	if (e) {
		nd_age(e, now_us);
		st = e->state;
		if (st != ND_INCOMPLETE)
			*mac = e->mac;
	}
	rte_spinlock_unlock(&t->lock);
	return st;
}

/* An NS for target: to its solicited-node group, or unicast to dst_mac
 * (a PROBE). From the address matching its scope, hop limit 255, with
 * our link-layer address (§7.2.2). */
static void
nd_send_ns(struct lcore_ctx *ctx, const uint8_t *target,
	   const struct rte_ether_addr *dst_mac)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(ctx->pool);
	struct nd_opt_lla *o;
	struct nd_msg *ns;
	uint8_t dst[16];

	if (!m) {
		STAT_INC(ctx, ip6_tx_nombuf);
		return;
	}
	ns = (struct nd_msg *)rte_pktmbuf_append(m, sizeof(*ns) + sizeof(*o));
	if (!ns) {
		rte_pktmbuf_free(m);
		return;
	}
	memset(ns, 0, sizeof(*ns));
	ns->ic.type = ICMP6_ND_NS;
	memcpy(ns->target, target, 16);
	o = (struct nd_opt_lla *)(ns + 1);
	o->type = ND_OPT_SLLA;
	o->len = 1;
	memcpy(o->mac, ctx->ifc->mac.addr_bytes, sizeof(o->mac));
	if (dst_mac)
		memcpy(dst, target, 16);
	else
		ipv6_solicited_node(target, dst);
	STAT_INC(ctx, nd_tx_ns);
	ipv6_output(ctx, m, ipv6_select_src(ctx->ifc, target), dst,
		    IPV6_NH_ICMPV6, 255, dst_mac);
}

/* An NA for our address target to dst at dst_mac (§7.2.4). */
static void
nd_send_na(struct lcore_ctx *ctx, const uint8_t *target, const uint8_t *dst,
	   const struct rte_ether_addr *dst_mac, uint8_t flags)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(ctx->pool);
	struct nd_opt_lla *o;
	struct nd_msg *na;

	if (!m) {
		STAT_INC(ctx, ip6_tx_nombuf);
		return;
	}
	na = (struct nd_msg *)rte_pktmbuf_append(m, sizeof(*na) + sizeof(*o));
	if (!na) {
		rte_pktmbuf_free(m);
		return;
	}
	memset(na, 0, sizeof(*na));
	na->ic.type = ICMP6_ND_NA;
	na->ic.data = rte_cpu_to_be_32((uint32_t)flags << 24);
	memcpy(na->target, target, 16);
	o = (struct nd_opt_lla *)(na + 1);
	o->type = ND_OPT_TLLA;
	o->len = 1;
	memcpy(o->mac, ctx->ifc->mac.addr_bytes, sizeof(o->mac));
	STAT_INC(ctx, nd_tx_na);
	ipv6_output(ctx, m, target, dst, IPV6_NH_ICMPV6, 255, dst_mac);
}

/* Hand what an entry held to its new MAC (outside the lock). */
static uint8_t
nd_take_pending(struct nd_table *t, struct nd_entry *e, struct rte_mbuf **out)
{
	uint8_t n = e->npending;

	memcpy(out, e->pending, n * sizeof(*out));
	t->held -= n;
	e->npending = 0;
	return n;
}

static void
nd_send_held(struct lcore_ctx *ctx, struct rte_mbuf **held, uint8_t n,
	     const struct rte_ether_addr *mac)
{
	for (uint8_t i = 0; i < n; i++) {
		STAT_INC(ctx, nd_pending_sent);
		eth_output(ctx, held[i], mac, RTE_ETHER_TYPE_IPV6);
	}
}

/*
 * Options after the fixed part: every one has a nonzero length (§7.1.1,
 * §7.1.2); the link-layer address option of type want, if any, in *lla.
 * Returns 0, or -1 when the options are malformed.
 */
static int
nd_options(const uint8_t *o, uint32_t len, uint8_t want,
	   struct rte_ether_addr *mac, const struct rte_ether_addr **lla)
{
	*lla = NULL;
	while (len) {
		uint32_t olen;

		if (len < 2 || o[1] == 0)
			return -1;
		olen = o[1] * 8u;
		if (olen > len)
			return -1;
		if (o[0] == want && olen >= sizeof(struct nd_opt_lla)) {
			memcpy(mac->addr_bytes, o + 2, RTE_ETHER_ADDR_LEN);
			*lla = mac;
		}
		o += olen;
		len -= olen;
	}
	return 0;
}

/* §7.2.3: the sender of an NS with a link-layer option is a neighbour;
 * a new or changed MAC is STALE until confirmed. */
static void
nd_learn_ns(struct lcore_ctx *ctx, const uint8_t *src,
	    const struct rte_ether_addr *mac)
{
	struct rte_mbuf *held[ND_MAX_PENDING];
	struct nd_table *t = ctx->nd;
	struct nd_entry *e;
	uint8_t n = 0;

	rte_spinlock_lock(&t->lock);
	e = nd_find(t, src, ctx->now_us, true);
	if (e->state == ND_INCOMPLETE ||
	    !rte_is_same_ether_addr(&e->mac, mac)) {
		e->mac = *mac;
		e->state = ND_STALE;
		n = nd_take_pending(t, e, held);
		STAT_INC(ctx, nd_learned);
	}
	rte_spinlock_unlock(&t->lock);
	nd_send_held(ctx, held, n, mac);
}

/* §7.2.5 and §7.2.6: an advertisement for a neighbour we have an entry for. */
static void
nd_learn_na(struct lcore_ctx *ctx, const uint8_t *target,
	    const struct rte_ether_addr *tlla, uint8_t flags)
{
	struct rte_mbuf *held[ND_MAX_PENDING];
	struct nd_table *t = ctx->nd;
	struct rte_ether_addr mac;
	struct nd_entry *e;
	bool solicited = flags & ND_NA_SOLICITED;
	bool override = flags & ND_NA_OVERRIDE;
	uint8_t n = 0;

	rte_spinlock_lock(&t->lock);
	e = nd_find(t, target, ctx->now_us, false);
	if (!e)
		goto out;
	nd_age(e, ctx->now_us);
	if (e->state == ND_INCOMPLETE) {
		if (!tlla)
			goto out;
		e->mac = *tlla;
		e->state = solicited ? ND_REACHABLE : ND_STALE;
		e->timer_us = ctx->now_us + ND_REACHABLE_US;
		n = nd_take_pending(t, e, held);
		STAT_INC(ctx, nd_learned);
		goto out;
	}
	if (!override && tlla && !rte_is_same_ether_addr(tlla, &e->mac)) {
		if (e->state == ND_REACHABLE)
			e->state = ND_STALE;
		goto out;
	}
	if (tlla && !rte_is_same_ether_addr(tlla, &e->mac)) {
		e->mac = *tlla;
		e->state = ND_STALE;
		STAT_INC(ctx, nd_learned);
	}
	if (solicited) {
		e->state = ND_REACHABLE;
		e->timer_us = ctx->now_us + ND_REACHABLE_US;
	}
out:
	if (n)
		mac = e->mac;
	rte_spinlock_unlock(&t->lock);
	if (n)
		nd_send_held(ctx, held, n, &mac);
}

void
nd_input(struct lcore_ctx *ctx, struct rte_mbuf *m, struct net_pkt *p)
{
	const struct rte_ipv6_hdr *ip = p->ip6;
	const struct rte_ether_addr *lla;
	struct rte_ether_addr peer, opt_mac;
	uint8_t target[16], src[16];
	struct nd_msg *msg;
	uint8_t flags;
	bool ns;

	msg = rte_pktmbuf_mtod(m, struct nd_msg *);
	ns = msg->ic.type == ICMP6_ND_NS;
	if (ns)
		STAT_INC(ctx, nd_rx_ns);
	else
		STAT_INC(ctx, nd_rx_na);
	if (ip->hop_limits != 255) {
		/* Not from this link (§7.1.1, §7.1.2): a router passed it. */
		STAT_INC(ctx, nd_drop_hop_limit);
		goto drop;
	}
	if (msg->ic.code != 0 || p->l4_len < sizeof(*msg) ||
	    msg->target[0] == 0xff ||
	    nd_options((const uint8_t *)(msg + 1), p->l4_len - sizeof(*msg),
		       ns ? ND_OPT_SLLA : ND_OPT_TLLA, &opt_mac, &lla) < 0)
		goto invalid;
	flags = (uint8_t)(rte_be_to_cpu_32(msg->ic.data) >> 24);
	memcpy(target, msg->target, 16);
	memcpy(src, ip->src_addr, 16);
	if (!ns) {
		if (p->dst_mcast && (flags & ND_NA_SOLICITED))
			goto invalid;
		nd_learn_na(ctx, target, lla, flags);
		goto drop;
	}
	if (ipv6_is_unspecified(src) &&
	    (!p->dst_mcast || ip->dst_addr[11] != 0x01 || lla))
		goto invalid;
	if (!ipv6_is_ours(ctx->ifc, target)) {
		STAT_INC(ctx, nd_drop_not_for_us);
		goto drop;
	}
	peer = p->eth->src_addr;
	rte_pktmbuf_free(m);
	if (ipv6_is_unspecified(src)) {
		/* Duplicate address detection by someone else: defend to
		 * all-nodes, not solicited (§7.2.4). */
		static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 1 };

		nd_send_na(ctx, target, all_nodes, NULL, ND_NA_OVERRIDE);
		return;
	}
	if (lla) {
		peer = *lla;
		nd_learn_ns(ctx, src, lla);
	}
	nd_send_na(ctx, target, src, &peer, ND_NA_SOLICITED | ND_NA_OVERRIDE);
	return;
invalid:
	STAT_INC(ctx, nd_drop_invalid);
drop:
	rte_pktmbuf_free(m);
}

void
nd_output(struct lcore_ctx *ctx, struct rte_mbuf *m, const uint8_t *nh)
{
	struct nd_table *t = ctx->nd;
	struct rte_ether_addr mac;
	struct nd_entry *e;
	uint64_t now = ctx->now_us;
	bool ask = false, probe = false;

	rte_spinlock_lock(&t->lock);
	e = nd_find(t, nh, now, true);
	if (e->state != ND_INCOMPLETE) {
		nd_age(e, now);
		if (e->state == ND_STALE) {
			e->state = ND_DELAY;
			e->timer_us = now + ND_DELAY_US;
		}
		if (e->state == ND_PROBE &&
		    (e->last_ns_us == 0 || now - e->last_ns_us >= ND_RETRANS_US)) {
			if (e->probes < ND_MAX_UCAST_SOLICIT) {
				e->probes++;
				e->last_ns_us = now;
				probe = true;
			} else {
				/* Unreachable: resolve afresh (§7.3.3). */
				e->state = ND_INCOMPLETE;
				e->probes = 0;
				e->last_ns_us = 0;
			}
		}
	}
	if (e->state != ND_INCOMPLETE) {
		mac = e->mac;
		rte_spinlock_unlock(&t->lock);
		eth_output(ctx, m, &mac, RTE_ETHER_TYPE_IPV6);
		if (probe)
			nd_send_ns(ctx, nh, &mac);
		return;
	}
	if (e->probes >= ND_MAX_MCAST_SOLICIT &&
	    now - e->last_ns_us >= ND_RETRANS_US) {
		/* Asked too long without answer: drop what it holds and
		 * start over (as the ARP cache does). */
		STAT_ADD(ctx, nd_pending_dropped, e->npending);
		nd_entry_drop_pending(t, e);
		e->probes = 0;
		e->last_ns_us = 0;
	}
	if (e->npending < t->max_pending) {
		e->pending[e->npending++] = m;
		t->held++;
		STAT_INC(ctx, nd_pending_queued);
		m = NULL;
	}
	if (e->last_ns_us == 0 || now - e->last_ns_us >= ND_RETRANS_US) {
		e->last_ns_us = now;
		e->probes++;
		ask = true;
	}
	rte_spinlock_unlock(&t->lock);
	if (m) {
		STAT_INC(ctx, nd_pending_dropped);
		rte_pktmbuf_free(m);
	}
	if (ask)
		nd_send_ns(ctx, nh, NULL);
}

/* The destination cache slot for dst: its own, else a free or the
 * oldest one in a short probe (create). */
static struct nd_pmtu *
nd_pmtu_find(struct nd_table *t, const uint8_t *dst, uint64_t now, bool create)
{
	struct nd_pmtu *victim = NULL;
	uint32_t h = nd_hash(dst);

	for (uint32_t i = 0; i < 4; i++) {
		struct nd_pmtu *d = &t->pmtu[(h + i) % ND_PMTU_ENTRIES];

		if (d->mtu && d->expire_us <= now)
			d->mtu = 0;
		if (d->mtu && ipv6_addr_eq(d->dst, dst))
			return d;
		if (!victim || (victim->mtu && (!d->mtu ||
						d->expire_us < victim->expire_us)))
			victim = d;
	}
	return create ? victim : NULL;
}

void
nd_pmtu_update(struct nd_table *t, const uint8_t *dst, uint32_t mtu,
	       uint64_t now_us)
{
	struct nd_pmtu *d;

	if (!t)
		return;
	rte_spinlock_lock(&t->lock);
	d = nd_pmtu_find(t, dst, now_us, true);
	if (!d->mtu || !ipv6_addr_eq(d->dst, dst) || mtu < d->mtu) {
		memcpy(d->dst, dst, 16);
		d->mtu = mtu;
		d->expire_us = now_us + ND_PMTU_AGE_US;
	}
	rte_spinlock_unlock(&t->lock);
}

uint32_t
nd_pmtu_lookup(struct nd_table *t, const uint8_t *dst, uint64_t now_us)
{
	struct nd_pmtu *d;
	uint32_t mtu = 0;

	if (!t)
		return 0;
	rte_spinlock_lock(&t->lock);
	d = nd_pmtu_find(t, dst, now_us, false);
	if (d)
		mtu = d->mtu;
	rte_spinlock_unlock(&t->lock);
	return mtu;
}

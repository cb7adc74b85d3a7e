/* SPDX-License-Identifier: BSD-3-Clause */
/* fault.c: seeded fault injection on the RX burst (reorder, duplicate, corrupt, drop). */
#include <errno.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_malloc.h>

#include "core/fault.h"

/* Frames one burst may produce: carried ones, then each new frame twice. */
#define FAULT_OUT_MAX (FAULT_QUEUE_MAX + FAULT_HELD_MAX + 2 * 64)

struct fault_held {
	struct rte_mbuf *m;
	uint16_t after; /* new frames still to pass it */
	uint16_t polls; /* polls left before it goes up anyway */
};

struct fault {
	struct fault_params p;
	uint64_t rng;
	unsigned int carry_n, held_n;
	struct rte_mbuf *carry[FAULT_QUEUE_MAX]; /* over cap: first next poll */
	struct fault_held held[FAULT_HELD_MAX];  /* reordered, waiting */
	struct fault_counts c;
};

/* One burst's output (on the stack). */
struct fault_burst {
	struct rte_mbuf *out[FAULT_OUT_MAX];
	unsigned int out_n;
};

/* splitmix64: small, seedable, good enough to pick faults. */
static uint64_t
fault_rand(struct fault *f)
{
	uint64_t z = (f->rng += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static bool
fault_hit(struct fault *f, uint32_t permille)
{
	return permille && fault_rand(f) % 1000 < permille;
}

struct fault *
fault_create(const struct fault_params *p)
{
	struct fault *f;

	if (p->reorder_permille > 1000 || p->duplicate_permille > 1000 ||
	    p->corrupt_permille > 1000 || p->drop_permille > 1000) {
		rte_errno = EINVAL;
		return NULL;
	}
	f = rte_zmalloc_socket("fault", sizeof(*f), RTE_CACHE_LINE_SIZE,
			       p->socket_id);
	if (!f) {
		rte_errno = ENOMEM;
		return NULL;
	}
	f->p = *p;
	f->rng = p->seed;
	return f;
}

void
fault_free(struct fault *f)
{
	if (!f)
		return;
	if (f->carry_n) {
		rte_pktmbuf_free_bulk(f->carry, f->carry_n);
		f->c.freed_at_exit += f->carry_n;
	}
	for (unsigned int i = 0; i < f->held_n; i++)
		rte_pktmbuf_free(f->held[i].m);
	f->c.freed_at_exit += f->held_n;
	rte_free(f);
}

const struct fault_counts *
fault_counts(const struct fault *f)
{
	return &f->c;
}

unsigned int
fault_held(const struct fault *f)
{
	return f->carry_n + f->held_n;
}

static void
fault_emit(struct fault *f, struct fault_burst *b, struct rte_mbuf *m)
{
	if (b->out_n < FAULT_OUT_MAX) {
		b->out[b->out_n++] = m;
		return;
	}
	f->c.overflow++;
	rte_pktmbuf_free(m);
}

/* A new frame went up, or (poll) a new poll began: release the held frames
 * that were waiting for it, in the order they were held. */
static void
fault_release_due(struct fault *f, struct fault_burst *b, bool poll)
{
	unsigned int i, j = 0;

	for (i = 0; i < f->held_n; i++) {
		struct fault_held *h = &f->held[i];

		if (poll ? --h->polls == 0 : --h->after == 0)
			fault_emit(f, b, h->m);
		else
			f->held[j++] = *h;
	}
	f->held_n = j;
}

/*
 * Flip one byte of an IPv4 frame between the IP header's first byte and
 * the end of the IP datagram: the IPv4 header checksum or the TCP/ICMP
 * checksum covers every such byte, and a one-byte change can never leave
 * a one's complement sum unchanged. The port's "checksum good" flags no
 * longer hold, so they are cleared. Other frames (ARP has no checksum)
 * are left alone. Returns whether a byte was flipped.
 */
static bool
fault_corrupt(struct fault *f, struct rte_mbuf *m)
{
	uint8_t *d = rte_pktmbuf_mtod(m, uint8_t *);
	const struct rte_ipv4_hdr *ip;
	uint32_t len = rte_pktmbuf_data_len(m), end, off;

	if (len < sizeof(struct rte_ether_hdr) + sizeof(*ip) ||
	    d[12] != 0x08 || d[13] != 0x00)
		return false;
	ip = (const struct rte_ipv4_hdr *)(d + sizeof(struct rte_ether_hdr));
	end = sizeof(struct rte_ether_hdr) + rte_be_to_cpu_16(ip->total_length);
	if (end > len)
		end = len;
	if (end <= sizeof(struct rte_ether_hdr))
		return false;
	off = sizeof(struct rte_ether_hdr) +
	      (uint32_t)(fault_rand(f) % (end - sizeof(struct rte_ether_hdr)));
	d[off] ^= (uint8_t)(1 + fault_rand(f) % 255);
	m->ol_flags &= ~(RTE_MBUF_F_RX_IP_CKSUM_MASK | RTE_MBUF_F_RX_L4_CKSUM_MASK);
	return true;
}

static void
fault_one(struct fault *f, struct fault_burst *b, struct rte_mbuf *m)
{
	struct rte_mbuf *dup = NULL;

	if (fault_hit(f, f->p.drop_permille)) {
		f->c.dropped++;
		rte_pktmbuf_free(m);
		return;
	}
	if (fault_hit(f, f->p.corrupt_permille) && fault_corrupt(f, m))
		f->c.corrupted++;
	if (fault_hit(f, f->p.duplicate_permille)) {
		dup = f->p.pool ? rte_pktmbuf_copy(m, f->p.pool, 0, UINT32_MAX)
				: NULL;
		if (dup)
			f->c.duplicated++;
		else
			f->c.dup_nombuf++;
	}
	if (fault_hit(f, f->p.reorder_permille) && f->held_n < FAULT_HELD_MAX) {
		f->held[f->held_n].m = m;
		f->held[f->held_n].after =
			(uint16_t)(1 + fault_rand(f) % FAULT_REORDER_DEPTH);
		f->held[f->held_n].polls = FAULT_HOLD_POLLS;
		f->held_n++;
		f->c.reordered++;
		m = dup; /* the copy, if any, goes up in the original's place */
		dup = NULL;
		if (!m)
			return;
	}
	fault_emit(f, b, m);
	fault_release_due(f, b, false);
	if (dup) {
		fault_emit(f, b, dup);
		fault_release_due(f, b, false);
	}
}

uint16_t
fault_rx_burst(struct fault *f, struct rte_mbuf **pkts, uint16_t n,
	       uint16_t cap)
{
	struct fault_burst b;
	unsigned int i, up;

	b.out_n = 0;
	/* What the last poll could not pass up goes first, then the held
	 * frames whose time is up. */
	for (i = 0; i < f->carry_n; i++)
		b.out[b.out_n++] = f->carry[i];
	f->carry_n = 0;
	fault_release_due(f, &b, true);
	f->c.seen += n;
	for (i = 0; i < n; i++)
		fault_one(f, &b, pkts[i]);
	up = b.out_n < cap ? b.out_n : cap;
	memcpy(pkts, b.out, up * sizeof(pkts[0]));
	/* Over cap: first thing next poll. */
	for (i = up; i < b.out_n; i++) {
		if (f->carry_n < FAULT_QUEUE_MAX) {
			f->carry[f->carry_n++] = b.out[i];
		} else {
			f->c.overflow++;
			rte_pktmbuf_free(b.out[i]);
		}
	}
	f->c.passed += up;
	return (uint16_t)up;
}

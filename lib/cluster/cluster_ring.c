/* SPDX-License-Identifier: BSD-3-Clause */
/* cluster_ring.c: the data lcores' new-user rings (single producer/consumer). */
#include <string.h>

#include "cluster/cluster_priv.h"

static inline uint64_t
cl_ring_entry(size_t len)
{
	return CL_RING_HDR + ((len + 7) & ~(size_t)7);
}

/* Bytes the producer needs for an entry of len at head: the entry, plus
 * the tail end of the buffer it skips when the entry would wrap. */
static inline uint64_t
cl_ring_need(const struct cl_ring *r, uint64_t head, size_t len)
{
	uint64_t sz = cl_ring_entry(len);
	uint64_t to_end = r->cap - (head & (r->cap - 1));

	return sz <= to_end ? sz : to_end + sz;
}

bool
cl_ring_room(const struct cl_ring *r, size_t len)
{
	uint64_t head = r->head;
	uint64_t tail = cl_ld(&r->tail);

	return cl_ring_entry(len) <= r->cap / 2 &&
	       r->cap - (head - tail) >= cl_ring_need(r, head, len);
}

void
cl_ring_put(struct cl_ring *r, uint64_t lgen, const void *id, size_t len)
{
	uint64_t head = r->head;
	uint64_t sz = cl_ring_entry(len);
	uint64_t off = head & (r->cap - 1);
	uint32_t l32 = (uint32_t)len;

	if (sz > r->cap - off) {
		uint32_t skip = CL_RING_SKIP;

		memcpy(r->buf + off, &skip, sizeof(skip));
		head += r->cap - off;
		off = 0;
	}
	memcpy(r->buf + off, &l32, sizeof(l32));
	memcpy(r->buf + off + 8, &lgen, sizeof(lgen));
	memcpy(r->buf + off + CL_RING_HDR, id, len);
	cl_st(&r->head, head + sz);
}

int
cl_ring_get(struct cl_ring *r, uint64_t *lgen, const unsigned char **id,
	    uint32_t *len)
{
	uint64_t head = cl_ld(&r->head);
	uint32_t l32;

	/* The consumer reads at tail_rd, ahead of the tail the producer
	 * sees, so the bytes stay valid until cl_ring_release(). */
	for (;;) {
		uint64_t pos = r->tail_rd;
		uint64_t off;

		if (pos == head)
			return 0;
		off = pos & (r->cap - 1);
		memcpy(&l32, r->buf + off, sizeof(l32));
		if (l32 == CL_RING_SKIP) {
			r->tail_rd = pos + (r->cap - off);
			continue;
		}
		memcpy(lgen, r->buf + off + 8, sizeof(*lgen));
		*id = r->buf + off + CL_RING_HDR;
		*len = l32;
		r->tail_rd = pos + cl_ring_entry(l32);
		return 1;
	}
}

void
cl_ring_release(struct cl_ring *r)
{
	cl_st(&r->tail, r->tail_rd);
}

/* SPDX-License-Identifier: BSD-3-Clause */
/* tcp_sack.c: SACK blocks (RFC 2018, D-SACK RFC 2883) and the scoreboard. */
#include <string.h>

#include <rte_byteorder.h>

#include "net/tcp_priv.h"

/*
 * Both directions keep at most TCP_SACK_MAX blocks per connection, in
 * struct tcp_conn: what a peer sends us (any number of blocks, any
 * pattern of holes) changes what they say, never how much memory they
 * take.
 *
 * Receiver (RFC 2018 §4): rcv_sack lists the blocks of the
 * out-of-order queue, the one holding the most recently received
 * segment first, then the blocks reported before it; a D-SACK block
 * (RFC 2883 §4), for a duplicate segment, goes first in the next ACK
 * only.
 *
 * Sender (RFC 6675 §3): snd_sack holds what the peer reported above
 * snd_una, sorted and disjoint. When a report makes more than
 * TCP_SACK_MAX disjoint ranges, the highest is forgotten: that data is
 * then taken as not received (a retransmission at worst), never the
 * other way round.
 */

/* ---- receiver ----------------------------------------------------------- */

/* The run of contiguous out-of-order mbufs that holds seq, if any. */
static bool
tcp_sack_ooo_block(const struct tcp_conn *c, uint32_t seq,
		   struct tcp_sack_blk *b)
{
	struct rte_mbuf *m = c->ooo;

	while (m) {
		uint32_t start = tcp_meta(m)->seq;
		uint32_t end = start + m->data_len + tcp_meta(m)->fin;

		m = tcp_meta(m)->next;
		while (m && tcp_meta(m)->seq == end) {
			end = tcp_meta(m)->seq + m->data_len + tcp_meta(m)->fin;
			m = tcp_meta(m)->next;
		}
		if (SEQ_GEQ(seq, start) && SEQ_LT(seq, end)) {
			b->start = start;
			b->end = end;
			return true;
		}
	}
	return false;
}

/* A segment at seq went to the out-of-order queue (or was already
 * there): its block moves to the front, the blocks it joined go. */
void
tcp_sack_rcv_ooo(struct tcp_conn *c, uint32_t seq)
{
	struct tcp_sack_blk b, keep[TCP_SACK_MAX];
	uint8_t n = 1;

	if (!(c->flags & TCF_SACK) || !tcp_sack_ooo_block(c, seq, &b))
		return;
	keep[0] = b;
	for (uint8_t i = 0; i < c->nrcv_sack && n < TCP_SACK_MAX; i++) {
		const struct tcp_sack_blk *o = &c->rcv_sack[i];

		if (SEQ_LEQ(o->end, c->rcv_nxt) ||
		    (SEQ_LEQ(b.start, o->end) && SEQ_LEQ(o->start, b.end)))
			continue; /* delivered, or now part of b */
		keep[n++] = *o;
	}
	memcpy(c->rcv_sack, keep, n * sizeof(keep[0]));
	c->nrcv_sack = n;
}

/* [seq, end) arrived again (RFC 2883 §4: report it once, first). */
void
tcp_sack_rcv_dup(struct tcp_conn *c, uint32_t seq, uint32_t end)
{
	if (!(c->flags & TCF_SACK) || seq == end)
		return;
	c->dsack.start = seq;
	c->dsack.end = end;
	c->flags |= TCF_DSACK;
}

/* Blocks the next segment carries: the D-SACK, then the blocks still
 * above rcv_nxt, as many as the option space (40 bytes, less the
 * timestamps) and, with len bytes of data, the MSS leave room for. */
static uint32_t
tcp_sack_nblocks(struct tcp_conn *c, uint32_t len)
{
	uint32_t n = 0, room, max = (c->flags & TCF_TS) ? 3 : 4;
	uint8_t k = 0;

	for (uint8_t i = 0; i < c->nrcv_sack; i++)
		if (c->ooo && SEQ_GT(c->rcv_sack[i].end, c->rcv_nxt))
			c->rcv_sack[k++] = c->rcv_sack[i];
	c->nrcv_sack = k;
	n = k + !!(c->flags & TCF_DSACK);
	if (len) {
		room = c->mss > len ? c->mss - len : 0;
		max = tcp_min(max, room >= 4 ? (room - 4) / 8 : 0);
	}
	return tcp_min(n, max);
}

uint32_t
tcp_sack_optlen(struct tcp_conn *c, uint32_t len)
{
	uint32_t n;

	if (likely(!(c->flags & TCF_SACK)) ||
	    (c->nrcv_sack == 0 && !(c->flags & TCF_DSACK)))
		return 0;
	n = tcp_sack_nblocks(c, len);
	return n ? 4 + 8 * n : 0;
}

static uint8_t *
tcp_sack_put(uint8_t *o, const struct tcp_sack_blk *b)
{
	uint32_t v = rte_cpu_to_be_32(b->start), e = rte_cpu_to_be_32(b->end);

	memcpy(o, &v, 4);
	memcpy(o + 4, &e, 4);
	return o + 8;
}

/* NOP NOP SACK(2 + 8n), n = (optlen - 4) / 8 as tcp_sack_optlen said.
 * The D-SACK is reported once. */
void
tcp_sack_write(struct lcore_ctx *ctx, struct tcp_conn *c, uint8_t *o,
	       uint32_t optlen)
{
	uint32_t n = (optlen - 4) / 8;
	uint8_t i = 0;

	o[0] = 1;
	o[1] = 1;
	o[2] = 5;
	o[3] = (uint8_t)(2 + 8 * n);
	o += 4;
	STAT_ADD(ctx, tcp_sack_blocks_tx, n);
	if (c->flags & TCF_DSACK) {
		o = tcp_sack_put(o, &c->dsack);
		c->flags &= ~TCF_DSACK;
		STAT_INC(ctx, tcp_dsack_tx);
		n--;
	}
	for (; i < n && i < c->nrcv_sack; i++)
		o = tcp_sack_put(o, &c->rcv_sack[i]);
}

/* ---- sender: the scoreboard -------------------------------------------- */

void
tcp_sack_clear(struct tcp_conn *c)
{
	c->nsnd_sack = 0;
}

/* Add [start, end) to the scoreboard; true when it covered new bytes. */
static bool
tcp_sack_add(struct tcp_conn *c, uint32_t start, uint32_t end)
{
	struct tcp_sack_blk *sb = c->snd_sack;
	uint32_t before = tcp_sack_bytes(c);
	uint8_t i = 0, j, n = c->nsnd_sack;

	while (i < n && SEQ_LT(sb[i].end, start))
		i++;
	/* sb[i..j) touch [start, end): one block replaces them. */
	for (j = i; j < n && SEQ_LEQ(sb[j].start, end); j++) {
		if (SEQ_LT(sb[j].start, start))
			start = sb[j].start;
		if (SEQ_GT(sb[j].end, end))
			end = sb[j].end;
	}
	if (j == i) {
		if (n == TCP_SACK_MAX) {
			if (i == n)
				return false; /* above all of them: forgotten */
			n--;		      /* the highest goes */
		}
		memmove(&sb[i + 1], &sb[i], (n - i) * sizeof(sb[0]));
		n++;
	} else if (j > i + 1) {
		memmove(&sb[i + 1], &sb[j], (n - j) * sizeof(sb[0]));
		n = (uint8_t)(n - (j - i - 1));
	}
	sb[i].start = start;
	sb[i].end = end;
	c->nsnd_sack = n;
	return tcp_sack_bytes(c) != before;
}

/*
 * The SACK blocks of s (an acceptable ACK of c). A first block below
 * the ACK or inside the second is a D-SACK (RFC 2883 §4): *dsack says
 * so and it does not enter the scoreboard. Blocks outside
 * (snd_una, snd_max] are ignored. true when the scoreboard grew.
 */
bool
tcp_sack_update(struct lcore_ctx *ctx, struct tcp_conn *c,
		const struct tcp_seg *s, bool *dsack)
{
	uint32_t una = SEQ_GT(s->ack, c->snd_una) ? s->ack : c->snd_una;
	bool grew = false;

	*dsack = false;
	for (uint8_t i = 0; i < s->nsack; i++) {
		uint32_t start, end;

		memcpy(&start, s->sack + 8 * i, 4);
		memcpy(&end, s->sack + 8 * i + 4, 4);
		start = rte_be_to_cpu_32(start);
		end = rte_be_to_cpu_32(end);
		if (!SEQ_LT(start, end))
			continue;
		if (i == 0) {
			uint32_t s2 = 0, e2 = 0;

			if (s->nsack > 1) {
				memcpy(&s2, s->sack + 8, 4);
				memcpy(&e2, s->sack + 12, 4);
				s2 = rte_be_to_cpu_32(s2);
				e2 = rte_be_to_cpu_32(e2);
			}
			if (SEQ_LEQ(end, s->ack) ||
			    (s->nsack > 1 && SEQ_GEQ(start, s2) &&
			     SEQ_LEQ(end, e2))) {
				STAT_INC(ctx, tcp_dsack_rx);
				*dsack = true;
				continue;
			}
		}
		if (SEQ_LEQ(end, una) || SEQ_GT(end, c->snd_max))
			continue;
		if (SEQ_LT(start, una))
			start = una;
		grew |= tcp_sack_add(c, start, end);
	}
	return grew;
}

/* snd_una moved: blocks below it go. */
void
tcp_sack_trim(struct tcp_conn *c)
{
	uint8_t k = 0;

	for (uint8_t i = 0; i < c->nsnd_sack; i++) {
		struct tcp_sack_blk b = c->snd_sack[i];

		if (SEQ_LEQ(b.end, c->snd_una))
			continue;
		if (SEQ_LT(b.start, c->snd_una))
			b.start = c->snd_una;
		c->snd_sack[k++] = b;
	}
	c->nsnd_sack = k;
}

/* Is all of [seq, end) SACKed? */
bool
tcp_sack_has(const struct tcp_conn *c, uint32_t seq, uint32_t end)
{
	for (uint8_t i = 0; i < c->nsnd_sack; i++)
		if (SEQ_LEQ(c->snd_sack[i].start, seq) &&
		    SEQ_GEQ(c->snd_sack[i].end, end))
			return true;
	return false;
}

uint32_t
tcp_sack_bytes(const struct tcp_conn *c)
{
	uint32_t n = 0;

	for (uint8_t i = 0; i < c->nsnd_sack; i++)
		n += c->snd_sack[i].end - c->snd_sack[i].start;
	return n;
}

/* The first hole (bytes not SACKed) at or after from, below limit:
 * [*start, *end). false when there is none. */
bool
tcp_sack_hole(const struct tcp_conn *c, uint32_t from, uint32_t limit,
	      uint32_t *start, uint32_t *end)
{
	for (uint8_t i = 0; i < c->nsnd_sack && SEQ_LT(from, limit); i++) {
		const struct tcp_sack_blk *b = &c->snd_sack[i];

		if (SEQ_LEQ(b->end, from))
			continue;
		if (SEQ_LT(from, b->start)) {
			*start = from;
			*end = SEQ_LT(b->start, limit) ? b->start : limit;
			return true;
		}
		from = b->end;
	}
	if (SEQ_LT(from, limit)) {
		*start = from;
		*end = limit;
		return true;
	}
	return false;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/* test_tcp_table.c: the 4-tuple table's keyed bucket hash (tcp_table.h):
 * every connection found under floods of tuples, buckets spread, keys. */
#include <string.h>

#include <rte_byteorder.h>

#include "net/tcp_priv.h"
#include "net/tcp_table.h"
#include "tcp_test.h"

#define TBL_CONNS 4096u
/* Longest chain tolerated at load 1: random placement of 4096 keys in
 * 4096 buckets gives about 7; a weak or unkeyed hash on the floods
 * below gives hundreds. */
#define TBL_CHAIN_MAX 16u

static void
tbl_tweak(struct config *cfg)
{
	cfg->tcp_max_conns = TBL_CONNS;
}

/* The i-th tuple of a flood: how an attacker would vary what it picks. */
enum tbl_flood {
	FLOOD_PORTS,     /* one peer address, every source port */
	FLOOD_ADDRS,     /* one source port, consecutive addresses */
	FLOOD_LOCAL,     /* one peer, both ports walk (ip.vips, listeners) */
	FLOOD_STRIDE,    /* addresses and ports in power-of-two strides */
	FLOOD_V6,        /* IPv6 peers of one /64, one port */
	FLOOD_V6_DIGEST, /* IPv6 peers of one /64, one digest, one port */
	FLOOD_N
};

struct tbl_key {
	uint32_t ip;
	uint16_t pport, lport;
	uint8_t lid;
	uint8_t a6[16];
};

static void
tbl_key(enum tbl_flood f, uint32_t i, struct tbl_key *k)
{
	memset(k, 0, sizeof(*k));
	k->lport = rte_cpu_to_be_16(8080);
	k->lid = TCP_LID_V4;
	switch (f) {
	case FLOOD_PORTS:
		k->ip = rte_cpu_to_be_32(RTE_IPV4(10, 0, 0, 1));
		k->pport = rte_cpu_to_be_16((uint16_t)(1 + i));
		break;
	case FLOOD_ADDRS:
		k->ip = rte_cpu_to_be_32(RTE_IPV4(10, 0, 0, 0) + i);
		k->pport = rte_cpu_to_be_16(40000);
		break;
	case FLOOD_LOCAL:
		k->ip = rte_cpu_to_be_32(RTE_IPV4(10, 0, 0, 1));
		k->pport = rte_cpu_to_be_16((uint16_t)(1024 + i / 16));
		k->lport = rte_cpu_to_be_16((uint16_t)(80 + i % 16));
		break;
	case FLOOD_STRIDE:
		k->ip = rte_cpu_to_be_32(RTE_IPV4(10, 0, 0, 0) + (i % 256) * 256);
		k->pport = rte_cpu_to_be_16((uint16_t)(1 + (i / 256) * 256));
		break;
	case FLOOD_V6_DIGEST:
		/* Words 2 and 3 equal: they cancel in the folded digest,
		 * so every address has the digest of 2001:db8::/64. */
		k->a6[0] = 0x20;
		k->a6[1] = 0x01;
		k->a6[2] = 0x0d;
		k->a6[3] = 0xb8;
		for (int w = 8; w < 16; w += 4) {
			k->a6[w + 0] = (uint8_t)(i >> 24);
			k->a6[w + 1] = (uint8_t)(i >> 16);
			k->a6[w + 2] = (uint8_t)(i >> 8);
			k->a6[w + 3] = (uint8_t)i;
		}
		k->ip = tcp_ip6_digest(k->a6);
		k->pport = rte_cpu_to_be_16(40000);
		k->lid = TCP_LID_V6;
		break;
	default:
		k->a6[0] = 0x20;
		k->a6[1] = 0x01;
		k->a6[14] = (uint8_t)(i >> 8);
		k->a6[15] = (uint8_t)i;
		k->ip = tcp_ip6_digest(k->a6);
		k->pport = rte_cpu_to_be_16(40000);
		k->lid = TCP_LID_V6;
		break;
	}
}

static uint32_t
tbl_longest_chain(const struct tcp_lcore *tl)
{
	uint32_t longest = 0;

	for (uint32_t b = 0; b <= tl->bucket_mask; b++) {
		uint32_t n = 0;

		for (const struct tcp_conn *c = tl->buckets[b]; c; c = c->hnext)
			n++;
		longest = n > longest ? n : longest;
	}
	return longest;
}

/* Fill the whole table with one flood: every connection is found where
 * it is, under its own key only, chains stay short; then gone when freed. */
static void
test_tcp_table_flood_of_distinct_tuples_finds_every_connection(void **state)
{
	struct harness *h = tt_reopen(state, tbl_tweak);
	struct tcp_lcore *tl = h->ctx->tcp;
	static struct tcp_conn *conns[TBL_CONNS];
	struct tbl_key k;

	assert_int_equal(tl->bucket_mask + 1, TBL_CONNS);
	for (int f = 0; f < FLOOD_N; f++) {
		for (uint32_t i = 0; i < TBL_CONNS; i++) {
			tbl_key(f, i, &k);
			assert_null(tcp_conn_lookup(tl, k.ip, k.pport, k.lport,
						    k.lid, k.a6));
			conns[i] = tcp_conn_alloc(h->ctx, k.ip, k.pport, k.lport,
						  k.lid, k.a6);
			assert_non_null(conns[i]);
		}
		assert_int_equal(tl->in_use, TBL_CONNS);
		assert_null(tl->free_list);
		for (uint32_t i = 0; i < TBL_CONNS; i++) {
			tbl_key(f, i, &k);
			assert_ptr_equal(tcp_conn_lookup(tl, k.ip, k.pport,
							 k.lport, k.lid, k.a6),
					 conns[i]);
			assert_ptr_equal(tcp_conn_find(tl, k.ip, k.pport,
						       k.lport, k.lid, k.a6),
					 conns[i]);
			assert_true(conns[i]->hbucket <= tl->bucket_mask);
			if (k.lid == TCP_LID_V4)
				assert_int_equal(conns[i]->hbucket,
						 tcp_bucket(tl, k.ip, k.pport,
							    k.lport));
			else
				assert_int_equal(conns[i]->hbucket,
						 tcp_bucket6(tl, k.a6, k.pport,
							     k.lport));
			/* Another local address or port: not this one. */
			assert_null(tcp_conn_lookup(tl, k.ip, k.pport,
						    rte_cpu_to_be_16(1), k.lid,
						    k.a6));
			if (k.lid == TCP_LID_V4)
				assert_null(tcp_conn_lookup(tl, k.ip, k.pport,
							    k.lport,
							    TCP_LID_VIP, NULL));
		}
		assert_true(tbl_longest_chain(tl) <= TBL_CHAIN_MAX);
		/* IPv6 flood of one digest: every digest equal (what the
		 * table's peer_ip holds), yet the buckets spread. */
		if (f == FLOOD_V6_DIGEST) {
			struct tbl_key k0;

			tbl_key(f, 0, &k0);
			tbl_key(f, TBL_CONNS - 1, &k);
			assert_int_equal(k.ip, k0.ip);
		}
		/* IPv6: the same digest and ports, another address. */
		if (f == FLOOD_V6) {
			tbl_key(f, 7, &k);
			k.a6[3] ^= 1;
			k.a6[7] ^= 1;
			assert_int_equal(tcp_ip6_digest(k.a6), k.ip);
			assert_null(tcp_conn_lookup(tl, k.ip, k.pport, k.lport,
						    k.lid, k.a6));
		}
		for (uint32_t i = 0; i < TBL_CONNS; i++)
			tcp_conn_free(h->ctx, conns[i]);
		for (uint32_t i = 0; i < TBL_CONNS; i++) {
			tbl_key(f, i, &k);
			assert_null(tcp_conn_lookup(tl, k.ip, k.pport, k.lport,
						    k.lid, k.a6));
		}
		assert_int_equal(tl->in_use, 0);
	}
}

/* Buckets of a flood are about as even as random ones: no bucket takes
 * many more than its share, few stay empty (expected 1/e of them). */
static void
test_tcp_table_bucket_hash_spreads_port_and_address_floods(void **state)
{
	struct harness *h = tt_reopen(state, tbl_tweak);
	const struct tcp_lcore *tl = h->ctx->tcp;
	static uint16_t load[TBL_CONNS];
	const uint32_t n = 16 * TBL_CONNS;
	struct tbl_key k;

	for (int f = 0; f < FLOOD_N; f++) {
		uint32_t empty = 0, most = 0;

		memset(load, 0, sizeof(load));
		for (uint32_t i = 0; i < n; i++) {
			uint32_t b;

			tbl_key(f, i, &k);
			b = tcp_bucket_of(tl, k.ip, k.pport, k.lport, k.lid,
					  k.a6);
			assert_true(b <= tl->bucket_mask);
			load[b]++;
		}
		for (uint32_t b = 0; b < TBL_CONNS; b++) {
			empty += load[b] == 0;
			most = load[b] > most ? load[b] : most;
		}
		/* 16 per bucket on average: Poisson(16) stays under 48
		 * and leaves no bucket empty in practice. */
		assert_true(most < 48);
		assert_true(empty < 8);
	}
}

/* The bucket is the keys' choice: other keys place the same tuples
 * elsewhere (a fixed hash would not move), and two tables of the same
 * process hold different keys. */
static void
test_tcp_table_bucket_hash_is_keyed_by_a_secret(void **state)
{
	struct harness *h = tt_reopen(state, tbl_tweak);
	const struct tcp_lcore *tl = h->ctx->tcp;
	struct tcp_lcore other = *tl;
	uint32_t same = 0;
	struct tbl_key k;

	assert_true(tl->hash_key[0] != tl->hash_key[1] &&
		    tl->hash_key[1] != tl->hash_key[2] &&
		    tl->hash_key[0] != tl->hash_key[2]);
	other.hash_key[0] = tcp_siphash("k0", 2);
	other.hash_key[1] = tcp_siphash("k1", 2);
	other.hash_key[2] = tcp_siphash("k2", 2);
	for (uint32_t i = 0; i < TBL_CONNS; i++) {
		tbl_key(FLOOD_PORTS, i, &k);
		same += tcp_bucket(tl, k.ip, k.pport, k.lport) ==
			tcp_bucket(&other, k.ip, k.pport, k.lport);
	}
	/* 1 in 4096 by chance: about one tuple of 4096. */
	assert_true(same < 16);
	/* A second table (another lcore, or the next boot) draws anew. */
	{
		struct lcore_ctx *ctx = h->ctx;
		struct tcp_lcore *first = ctx->tcp;
		uint64_t k0[3];

		memcpy(k0, first->hash_key, sizeof(k0));
		ctx->tcp = NULL;
		assert_int_equal(tcp_lcore_init(ctx), 0);
		assert_memory_not_equal(ctx->tcp->hash_key, k0, sizeof(k0));
		tcp_lcore_fini(ctx);
		ctx->tcp = first;
	}
}

/* An object freed dirty is handed out again with every byte zero but
 * the fields tcp_conn_alloc sets (tcp_conn_zero: the whole object,
 * padding too, as memset did). */
static void
test_tcp_table_alloc_zeroes_a_dirty_object(void **state)
{
	struct harness *h = *state;
	struct tcp_lcore *tl = h->ctx->tcp;
	struct tcp_conn *f = tl->free_list, *c, *next;
	static struct tcp_conn exp;

	assert_non_null(f);
	next = f->hnext;
	memset(f, 0xa5, sizeof(*f));
	f->hnext = next;
	c = tcp_conn_alloc(h->ctx, RTE_BE32(0x0a000063), RTE_BE16(40001),
			   RTE_BE16(80), TCP_LID_V4, NULL);
	assert_ptr_equal(c, f);
	memset(&exp, 0, sizeof(exp));
	exp.hnext = c->hnext;
	exp.peer_ip = c->peer_ip;
	exp.peer_port = c->peer_port;
	exp.local_port = c->local_port;
	exp.lid = c->lid;
	exp.tl = c->tl;
	exp.state = c->state;
	exp.timer.fn = c->timer.fn;
	exp.delack.fn = c->delack.fn;
	exp.hbucket = c->hbucket;
	assert_ptr_equal(exp.tl, tl);
	assert_int_equal(exp.state, TCP_CLOSED);
	assert_memory_equal(c, &exp, sizeof(exp));
	tcp_conn_free(h->ctx, c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		TT_TEST(test_tcp_table_flood_of_distinct_tuples_finds_every_connection),
		TT_TEST(test_tcp_table_bucket_hash_spreads_port_and_address_floods),
		TT_TEST(test_tcp_table_bucket_hash_is_keyed_by_a_secret),
		TT_TEST(test_tcp_table_alloc_zeroes_a_dirty_object),
	};

	return TT_RUN(tests);
}

/* SPDX-License-Identifier: BSD-3-Clause */
/* test_mrc_set.c: the 1MRC user set's per-lcore capacity blocks and its
 * inline key compare. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "api/mrc_store.h"
#include "api/mrc_store_fast.h"
#include "api/mrc_store_priv.h"

static struct mrc_store *
make_store(uint32_t users, uint64_t arena,
	   uint64_t (*hash)(const void *, size_t, uint64_t))
{
	struct mrc_store_params p = {
		.socket_id = -1,
		.max_users = users,
		.arena_bytes = arena,
		.hash = hash,
	};
	struct mrc_store *s = mrc_store_create(&p);

	assert_non_null(s);
	return s;
}

static int
record_n(struct mrc_store *s, unsigned int idx, const char *user, size_t n)
{
	struct mrc_event ev;

	memset(&ev, 0, sizeof(ev));
	memcpy(ev.user, user, n);
	ev.user_len = n;
	ev.value = 1;
	ev.scaled = MRC_EXACT_SCALE;
	ev.exact = true;
	return mrc_store_record(s, idx, &ev);
}

static int
record(struct mrc_store *s, unsigned int idx, const char *user)
{
	return record_n(s, idx, user, strlen(user));
}

/* Every key in one probe chain: only the key compare tells them apart. */
static uint64_t
degenerate_hash(const void *key, size_t len, uint64_t seed)
{
	(void)key;
	(void)len;
	(void)seed;
	return 0x5555000000000000ULL;
}

static void
test_mrc_set_new_users_touch_the_table_once_per_block(void **state)
{
	struct mrc_store *s = make_store(1u << 20, 0, NULL);
	struct mrc_stats st;
	char name[32];

	mrc_store_lcore_online(s, 0);
	assert_int_equal(record(s, 0, "first"), 1);
	/* One block taken: the shared count moved by a block, not an id. */
	assert_int_equal(s->tab[1].reserved, SET_USER_BLOCK);
	assert_int_equal(s->lc[0].blk[1].quota, SET_USER_BLOCK - 1);
	assert_int_equal(s->tab[1].arena_used, SET_ARENA_BLOCK);
	for (unsigned int i = 1; i < SET_USER_BLOCK; i++) {
		snprintf(name, sizeof(name), "user_%u", i);
		assert_int_equal(record(s, 0, name), 1);
	}
	assert_int_equal(s->tab[1].reserved, SET_USER_BLOCK);
	assert_int_equal(s->tab[1].arena_used, SET_ARENA_BLOCK);
	assert_int_equal(record(s, 0, "one more"), 1);
	assert_int_equal(s->tab[1].reserved, 2 * SET_USER_BLOCK);
	mrc_store_stats(s, &st);
	assert_int_equal(st.unique_users, SET_USER_BLOCK + 1);
	mrc_store_free(s);
}

static void
test_mrc_set_cap_exact_while_another_lcore_holds_quota(void **state)
{
	const unsigned int cap = 100;
	struct mrc_store *s = make_store(cap, 0, NULL);
	struct mrc_store_counters c;
	struct mrc_stats st;
	char name[32];

	mrc_store_lcore_online(s, 0);
	mrc_store_lcore_online(s, 1);
	assert_int_equal(record(s, 0, "held"), 1);
	/* Lcore 0 keeps the rest of its block; lcore 1 must still reach the
	 * cap by taking ids from that quota one at a time. */
	assert_true(s->lc[0].blk[1].quota > 0);
	for (unsigned int i = 1; i < cap; i++) {
		snprintf(name, sizeof(name), "u%u", i);
		assert_int_equal(record(s, 1, name), 1);
	}
	assert_int_equal(s->lc[0].blk[1].quota, 0);
	assert_int_equal(record(s, 1, "over"), -ENOSPC);
	assert_int_equal(record(s, 0, "over"), -ENOSPC);
	assert_int_equal(record(s, 0, "u7"), 0);
	mrc_store_stats(s, &st);
	assert_int_equal(st.unique_users, cap);
	assert_int_equal(st.total_requests, cap + 1);
	mrc_store_counters(s, &c);
	assert_int_equal(c.full_users, 2);
	assert_int_equal(c.full_arena, 0);
	/* A reset hands every block back: the cap holds again from zero. */
	mrc_store_lcore_offline(s, 1);
	assert_int_equal(mrc_store_reset(s, 0), 0);
	mrc_store_lcore_online(s, 1);
	for (unsigned int i = 0; i < cap; i++) {
		snprintf(name, sizeof(name), "v%u", i);
		assert_int_equal(record(s, i & 1, name), 1);
	}
	assert_int_equal(record(s, 0, "over"), -ENOSPC);
	mrc_store_stats(s, &st);
	assert_int_equal(st.unique_users, cap);
	mrc_store_free(s);
}

static void
test_mrc_set_keys_differing_in_one_byte_at_every_length(void **state)
{
	struct mrc_store *s = make_store(4096, 1u << 20, degenerate_hash);
	struct mrc_stats st;
	char base[48], k[48];
	unsigned int added = 0;

	mrc_store_lcore_online(s, 0);
	for (size_t len = 1; len <= 40; len++) {
		for (size_t i = 0; i < len; i++)
			base[i] = (char)('a' + (len + i) % 26);
		assert_int_equal(record_n(s, 0, base, len), 1);
		added++;
		/* The same bytes one shorter or longer are other ids. */
		memcpy(k, base, len);
		k[len] = base[0];
		assert_int_equal(record_n(s, 0, k, len + 1), 1);
		added++;
		for (size_t i = 0; i < len; i++) {
			memcpy(k, base, len);
			k[i] ^= 0x20;
			assert_int_equal(record_n(s, 0, k, len), 1);
			assert_int_equal(record_n(s, 0, k, len), 0);
			added++;
		}
		assert_int_equal(record_n(s, 0, base, len), 0);
	}
	mrc_store_stats(s, &st);
	assert_int_equal(st.unique_users, added);
	mrc_store_free(s);
}

/*
 * mrc_set_known_w(), the inline known-user match from the key's hash
 * words, against mrc_set_known(), the byte compare: a recorded id of
 * every length 1..16 is found by its own words, and never by the words
 * of an id one byte apart (each byte in turn) or one byte shorter or
 * longer, even when handed the recorded id's hash (what a full hash
 * collision would hand it). With the seeded hash: the words are the
 * key's whole compare.
 */
static void
test_mrc_set_known_w_tells_ids_one_byte_apart(void **state)
{
	char base[24], k[24];
	uint64_t gen, h, a, b;
	unsigned int ti;

	(void)state;
	for (size_t len = 1; len <= 16; len++) {
		/* A store of its own per id: the only record sits in its
		 * home slot whatever the run's seed (another id's record
		 * there would send it to a probe slot the inline match
		 * rightly does not look at). */
		struct mrc_store *s = make_store(4096, 1u << 20, NULL);

		mrc_store_lcore_online(s, 0);
		for (size_t i = 0; i < len + 1; i++)
			base[i] = (char)('a' + (len * 7 + i) % 26);
		assert_int_equal(record_n(s, 0, base, len), 1);
		gen = ld_acquire(&s->gen);
		ti = (unsigned int)(gen & 1);
		h = mrc_hash_short_pre(&s->hpre, base, len);
		mrc_hash_words((const unsigned char *)base, len, &a, &b);
		assert_true(mrc_set_known(s, ti, h, base, len, true));
		assert_true(mrc_set_known_w(s, ti, h, a, b, len));
		for (size_t i = 0; i < len; i++)
			for (unsigned int bit = 0; bit < 8; bit++) {
				memcpy(k, base, len);
				k[i] = (char)(k[i] ^ (1u << bit));
				mrc_hash_words((const unsigned char *)k, len,
					       &a, &b);
				assert_false(mrc_set_known(s, ti, h, k, len,
							   true));
				assert_false(mrc_set_known_w(s, ti, h, a, b,
							     len));
			}
		/* The same bytes one shorter or longer: another length. */
		if (len > 1) {
			mrc_hash_words((const unsigned char *)base, len - 1,
				       &a, &b);
			assert_false(mrc_set_known_w(s, ti, h, a, b, len - 1));
		}
		if (len < 16) {
			mrc_hash_words((const unsigned char *)base, len + 1,
				       &a, &b);
			assert_false(mrc_set_known_w(s, ti, h, a, b, len + 1));
		}
		mrc_store_free(s);
	}
}

/*
 * mrc_slot_rec(), the known-user test's decode of a slot: for arena
 * sizes from the least to the largest mrc_store_create() takes, a slot
 * of the same tag gives its record's offset (state - 2) below the arena's
 * size, and anything that is no record of that tag (an empty slot, where
 * tag 0 is the case to watch; a pending claim; a tombstone; a record or
 * claim of another tag, one bit or more apart) gives the arena's size or
 * more.
 */
static void
test_mrc_slot_rec_is_below_the_arena_only_for_a_record_of_the_tag(
	void **state)
{
	const uint64_t arenas[] = { REC_HDR + 1, 4096, 1ULL << 33,
				    SLOT_ARENA_LIMIT - 1 };
	const uint64_t tags[] = { 0, 1, 2, 0x800000, 0xfffffe, SLOT_TAG_MASK,
				  0x5a5a5a };
	uint64_t offs[8];

	(void)state;
	for (size_t ai = 0; ai < sizeof(arenas) / sizeof(arenas[0]); ai++) {
		uint64_t arena = arenas[ai];

		offs[0] = 0;
		offs[1] = 1;
		offs[2] = arena / 2;
		offs[3] = arena - REC_HDR - 1; /* the last record's place */
		for (size_t ti = 0; ti < sizeof(tags) / sizeof(tags[0]); ti++) {
			uint64_t tag = tags[ti];

			/* Empty, pending, tombstone: never a record. */
			assert_true(mrc_slot_rec(0, tag) >= arena);
			assert_true(mrc_slot_rec(mrc_slot_make(tag, SLOT_PENDING),
						 tag) >= arena);
			assert_true(mrc_slot_rec(mrc_slot_make(tag, SLOT_TOMB),
						 tag) >= arena);
			for (size_t oi = 0; oi < 4; oi++) {
				uint64_t v = mrc_slot_make(
					tag, offs[oi] + SLOT_REC_BIAS);

				assert_true(v != 0);
				assert_int_equal(mrc_slot_rec(v, tag), offs[oi]);
				/* Another tag: each bit flipped, and + 1. */
				for (unsigned int bit = 0; bit < SLOT_TAG_BITS;
				     bit++) {
					uint64_t o = tag ^ (1ULL << bit);

					assert_true(mrc_slot_rec(v, o) >= arena);
					assert_true(
						mrc_slot_rec(mrc_slot_make(
								     o, SLOT_PENDING),
							     tag) >= arena);
				}
				assert_true(mrc_slot_rec(v, (tag + 1) &
								    SLOT_TAG_MASK) >=
					    arena);
			}
		}
	}
	/* The tag is the hash's top 24 bits. */
	assert_int_equal(mrc_slot_tag(0xabcdef0123456789ULL), 0xabcdef);
}

/*
 * POST /event's way for a new or displaced id (mrc_store_count_known(),
 * then mrc_store_count_new(): its home slot, else the chain walked by
 * mrc_set_insert_chain(), else the probe) against mrc_store_record()
 * alone, on twin stores of one seed: a table of 128 slots for 48 ids, so
 * that many ids lose their home slot, 80 ids of 1..16 bytes drawn 3 000
 * times (the last 32 refused for the cap). Every return the same, the
 * same unique count, and some ids seen away from their home slot.
 */
static void
test_mrc_set_insert_chain_matches_the_probe(void **state)
{
	struct mrc_store_params p = {
		.socket_id = -1,
		.max_users = 48,
		.arena_bytes = 1u << 16,
		.seed = 0x8cb92ba72f3d8dd7ULL,
	};
	/* Twins: one seed, so one table layout. */
	struct mrc_store *in = mrc_store_create(&p);
	struct mrc_store *gen = mrc_store_create(&p);
	struct mrc_stats st_in, st_gen;
	uint64_t rng = 0x2545f4914f6cdd1dULL, h, a, b;
	unsigned int away = 0, ti;
	char ids[80][17];
	size_t lens[80];

	(void)state;
	assert_non_null(in);
	assert_non_null(gen);
	mrc_store_lcore_online(in, 0);
	mrc_store_lcore_online(gen, 0);
	for (unsigned int i = 0; i < 80; i++) {
		lens[i] = 1 + i % 16;
		for (size_t j = 0; j < lens[i]; j++)
			ids[i][j] = (char)('a' + (i * 7 + j * 3) % 26);
		ids[i][0] = (char)('A' + i % 26);
		ids[i][lens[i] - 1] = (char)('0' + i / 26);
	}
	for (unsigned int n = 0; n < 3000; n++) {
		struct mrc_event ev;
		unsigned int k;
		int rc_in, rc_gen;

		rng ^= rng << 13;
		rng ^= rng >> 7;
		rng ^= rng << 17;
		k = (unsigned int)(rng % 80);
		memset(&ev, 0, sizeof(ev));
		memcpy(ev.user, ids[k], lens[k]);
		ev.user_len = lens[k];
		ev.value = 1;
		ev.scaled = MRC_EXACT_SCALE;
		ev.exact = true;
		h = 0;
		rc_in = mrc_store_count_known(in, 0, ids[k], lens[k], 1,
					      MRC_EXACT_SCALE, &h);
		if (rc_in == 1) {
			rc_in = 0;
		} else if (rc_in == 0) {
			rc_in = mrc_store_count_new(in, 0, ids[k], lens[k], 1,
						    MRC_EXACT_SCALE, h);
			if (rc_in == -EAGAIN)
				rc_in = mrc_store_record_hashed(in, 0, &ev, h);
		} else {
			rc_in = mrc_store_record(in, 0, &ev);
		}
		rc_gen = mrc_store_record(gen, 0, &ev);
		assert_int_equal(rc_in, rc_gen);
	}
	mrc_store_stats(in, &st_in);
	mrc_store_stats(gen, &st_gen);
	assert_int_equal(st_in.unique_users, 48);
	assert_int_equal(st_gen.unique_users, 48);
	assert_int_equal(st_in.total_requests, st_gen.total_requests);
	assert_true(st_in.sum_exact == st_gen.sum_exact);
	/* Ids that the chain had to find: recorded, not in their home. */
	ti = (unsigned int)(ld_acquire(&in->gen) & 1);
	for (unsigned int i = 0; i < 80; i++) {
		h = mrc_hash_short_pre(&in->hpre, ids[i], lens[i]);
		mrc_hash_words((const unsigned char *)ids[i], lens[i], &a, &b);
		uint64_t *slot;

		if (!mrc_set_known_w(in, ti, h, a, b, lens[i]) &&
		    mrc_set_find_w(in, ti, h, a, b, lens[i], &slot) == 1)
			away++;
	}
	assert_true(away > 0);
	mrc_store_free(in);
	mrc_store_free(gen);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			test_mrc_set_new_users_touch_the_table_once_per_block),
		cmocka_unit_test(
			test_mrc_set_cap_exact_while_another_lcore_holds_quota),
		cmocka_unit_test(
			test_mrc_set_keys_differing_in_one_byte_at_every_length),
		cmocka_unit_test(test_mrc_set_known_w_tells_ids_one_byte_apart),
		cmocka_unit_test(
			test_mrc_slot_rec_is_below_the_arena_only_for_a_record_of_the_tag),
		cmocka_unit_test(test_mrc_set_insert_chain_matches_the_probe),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

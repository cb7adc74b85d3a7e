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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: BSD-3-Clause */
/* test_mrc_json_units.c: the compact frame's value decided in vector steps
 * (mrc_json_compact_units) against the byte loop (mrc_json_compact_tail). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "api/mrc_json_compact.h"

#include "guard_page.h"

#if defined(__SSE4_1__)

/* Ids whose last bytes lie in the sixteen before the '}' with the value:
 * plain, and ones ending in digits, a point or a sign. */
static const char *const ids[] = {
	"user_1", "u", "user_12345678", "a.b.c.1", "-1.5", "x0000009",
	"id:1.2", "e-5.",
};

/* Texts of the value: the seven-byte alphabet enumerated, plus these. */
static const char alpha[] = "0159.-e";

struct units_stats {
	unsigned long bodies, tail, units, must;
};

/*
 * Whether the value s (n bytes) is what mrc_json_compact_units() must
 * take: [-](0|[1-9][0-9]{0,6})[.[0-9]{1,9}] (1..7 digits before the
 * point, 0 or 1..9 after it).
 */
static bool
units_class(const char *s, size_t n)
{
	size_t i = 0, a, b = 0;

	if (i < n && s[i] == '-')
		i++;
	a = i;
	while (i < n && s[i] >= '0' && s[i] <= '9')
		i++;
	a = i - a;
	if (a == 0 || a > 7 || (a > 1 && s[i - a] == '0'))
		return false;
	if (i < n && s[i] == '.') {
		i++;
		while (i < n && s[i] >= '0' && s[i] <= '9') {
			i++;
			b++;
		}
		if (b == 0 || b > 9)
			return false;
	}
	return i == n;
}

/*
 * mrc_json_compact_head_last() against mrc_json_compact_head() on the
 * body b: the same answer, q and e, and the id's length q - b - 11.
 */
static void
head_last_agrees(const char *b, size_t len)
{
	const unsigned char *q = NULL, *e = NULL, *q2 = NULL, *e2 = NULL;
	size_t l2 = 0;
	bool h = mrc_json_compact_head(b, len, &q, &e);
	bool hl = mrc_json_compact_head_last(b, len, &q2, &e2, &l2);

	if (h != hl)
		fail_msg("head %d, head_last %d on [%.*s]", h, hl, (int)len, b);
	if (h && (q2 != q || e2 != e ||
		  l2 != (size_t)((const char *)q - b - 11)))
		fail_msg("head_last's q, e or length off on [%.*s]", (int)len,
			 b);
}

/*
 * {"userId":"<id>","value":<s>}<ws> before a guard page, through the
 * frame's head and then both ways: what mrc_json_compact_units() takes,
 * mrc_json_compact_tail() takes with the same value in 1e-9 units (its
 * w * 10^(9 - fl), negated with neg); and it takes every value of its
 * class.
 */
static void
units_one(struct units_stats *st, const char *id, const char *s, size_t n,
	  const char *ws)
{
	char buf[128];
	int len = snprintf(buf, sizeof(buf), "{\"userId\":\"%s\",\"value\":",
			   id);
	struct mrc_json_compact_raw r = { 0 };
	const unsigned char *q = NULL, *e = NULL;
	const char *b;
	bool tail, units = false;
	int64_t v = 0;

	memcpy(buf + len, s, n);
	len += (int)n;
	len += snprintf(buf + len, sizeof(buf) - (size_t)len, "}%s", ws);
	b = guard_page_at(buf, (size_t)len);
	st->bodies++;
	head_last_agrees(b, (size_t)len);
	if (!mrc_json_compact_head(b, (size_t)len, &q, &e)) {
		/* Only a body shorter than the shortest frame. */
		if (len - (int)strlen(ws) >= 24)
			fail_msg("head refused [%.*s]", len, b);
		return;
	}
	/* (A ':' in the value moves it: then the key does not match.) */
	if (!memchr(s, ':', n) && q != (const unsigned char *)b + 11 + strlen(id))
		fail_msg("head's q off on [%.*s]", len, b);
	tail = mrc_json_compact_tail(q, e, &r);
	/* The data path's key test (an id before q) is the key's. */
	if (q >= (const unsigned char *)b + 12 &&
	    mrc_json_compact_key_id(q) != mrc_json_compact_key(q))
		fail_msg("key_id and key differ on [%.*s]", len, b);
	if (mrc_json_compact_key(q))
		units = mrc_json_compact_units(q, e, &v);
	st->tail += tail;
	st->units += units;
	if (units && !tail)
		fail_msg("units took what the tail refuses: [%.*s]", len, b);
	if (units && (__int128)v != mrc_json_compact_scaled(r.w, r.fl, r.neg))
		fail_msg("units %lld, tail %llu fl %u neg %d on [%.*s]",
			 (long long)v, (unsigned long long)r.w, r.fl, r.neg,
			 len, b);
	if (units_class(s, n)) {
		st->must++;
		if (!units)
			fail_msg("units refused [%.*s]", len, b);
	}
}

/*
 * head_last with each of the frame's first 11 bytes, and the '}', changed
 * to every other byte, and with every byte (then a space) after the '}',
 * at each body length 20..40: as the head decides.
 */
static void
test_mrc_json_head_last_frame_bytes(void **state)
{
	static const char body[] = "{\"userId\":\"abcdefghijklmnopq\","
				   "\"value\":123.5}";
	char buf[64];

	(void)state;
	for (size_t n = 20; n <= 40; n++) {
		size_t cut = sizeof(body) - 1 - n;

		for (size_t i = 0; i < 12; i++) {
			for (int c = 0; c < 256; c++) {
				const char *b;

				/* The id shortened to make the body n bytes. */
				memcpy(buf, body, 11);
				memcpy(buf + 11, body + 11 + cut,
				       sizeof(body) - 1 - 11 - cut);
				if (i < 11)
					buf[i] = (char)c;
				else
					buf[n - 1] = (char)c;
				b = guard_page_at(buf, n);
				head_last_agrees(b, n);
			}
		}
		/* One or two bytes of every value after the '}'. */
		for (int c = 0; c < 256; c++) {
			const char *b;

			memcpy(buf, body, 11);
			memcpy(buf + 11, body + 11 + cut,
			       sizeof(body) - 1 - 11 - cut);
			buf[n] = (char)c;
			buf[n + 1] = ' ';
			b = guard_page_at(buf, n + 1);
			head_last_agrees(b, n + 1);
			b = guard_page_at(buf, n + 2);
			head_last_agrees(b, n + 2);
		}
	}
}

/* Every text of 0..6 bytes over the alphabet, after each id. */
static void
test_mrc_json_units_every_short_text_matches_the_tail(void **state)
{
	struct units_stats st = { 0 };
	char s[8];
	size_t na = sizeof(alpha) - 1;

	(void)state;
	for (size_t n = 0; n <= 6; n++) {
		unsigned long total = 1;

		for (size_t i = 0; i < n; i++)
			total *= na;
		for (unsigned long k = 0; k < total; k++) {
			unsigned long x = k;

			for (size_t i = 0; i < n; i++, x /= na)
				s[i] = alpha[x % na];
			units_one(&st, ids[k % 8], s, n, k % 5 ? "" : "\r\n");
		}
	}
	print_message("short texts: %lu bodies, tail took %lu, units %lu "
		      "(%lu in its class)\n",
		      st.bodies, st.tail, st.units, st.must);
	assert_true(st.must > 1000);
	assert_true(st.units == st.must);
}

static uint64_t
rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/*
 * Values of every shape up to 15 bytes (sign, 1..15 digits before the
 * point, none or 1..12 after it, leading zeros), each as it is and with
 * one or two bytes replaced, dropped or added, after each id.
 */
static void
test_mrc_json_units_every_shape_and_its_edits_match_the_tail(void **state)
{
	static const char edits[] = "0123456789.-+eE :\"x\x7f\x80\xff";
	struct units_stats st = { 0 };
	uint64_t seed = 0x9e3779b97f4a7c15ULL;
	char s[24];

	(void)state;
	for (unsigned int sg = 0; sg < 2; sg++)
		for (unsigned int a = 1; a <= 15; a++)
			for (unsigned int f = 0; f <= 12; f++)
				for (unsigned int k = 0; k < 200; k++) {
					size_t n = 0;

					if (sg)
						s[n++] = '-';
					for (unsigned int i = 0; i < a; i++)
						s[n++] = (char)('0' +
								rnd(&seed) %
									10);
					/* A nonzero first digit, but now
					 * and then. */
					if (a > 1 && k % 4)
						s[sg] = (char)('1' +
							       rnd(&seed) % 9);
					if (f) {
						s[n++] = '.';
						for (unsigned int i = 0; i < f;
						     i++)
							s[n++] = (char)('0' +
									rnd(&seed) %
										10);
					}
					for (unsigned int m = k < 100 ? 0 :
							      1 + k % 2;
					     m && n; m--) {
						size_t p = rnd(&seed) % n;
						char c = edits[rnd(&seed) %
							       (sizeof(edits) -
								1)];

						switch (rnd(&seed) % 3) {
						case 0:
							s[p] = c;
							break;
						case 1:
							memmove(s + p,
								s + p + 1,
								n - p - 1);
							n--;
							break;
						default:
							memmove(s + p + 1,
								s + p, n - p);
							s[p] = c;
							n++;
						}
					}
					if (n > 15)
						continue;
					units_one(&st, ids[k % 8], s, n,
						  k % 3 ? "" : " \n");
				}
	print_message("shapes: %lu bodies, tail took %lu, units %lu "
		      "(%lu in its class)\n",
		      st.bodies, st.tail, st.units, st.must);
	assert_true(st.must > 5000);
	assert_true(st.tail > st.units);
}

/* The table's edges by name: each accepted with its value, or refused. */
static void
test_mrc_json_units_edges(void **state)
{
	static const struct {
		const char *s;
		bool takes;
	} cases[] = {
		{ "0", true },		{ "-0", true },
		{ "0.5", true },	{ "-0.000000001", true },
		{ "9999999", true },	{ "9999999.9999999", true },
		{ "-1234567.123456", true },
		{ "1.123456789", true },
		{ "12345678", false },	/* 8 digits before the point */
		{ "123456789012345", false },
		{ "1.1234567891", false }, /* 10 after: the tail refuses */
		{ "01", false },	{ "00.5", false },
		{ "-01.5", false },	{ ".5", false },
		{ "-.5", false },	{ "1.", false },
		{ "-", false },		{ "", false },
		{ "1.2.3", false },	{ "1..2", false },
		{ "--1", false },	{ "1-", false },
		{ "+1", false },	{ "1e5", false },
		{ "1 ", false },	{ " 1", false },
		{ "1.5e", false },	{ "9.9-", false },
	};
	struct units_stats st = { 0 };

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		for (size_t k = 0; k < 8; k++) {
			unsigned long before = st.units;

			units_one(&st, ids[k], cases[i].s, strlen(cases[i].s),
				  "");
			if ((st.units != before) != cases[i].takes)
				fail_msg("[%s] after id %s: took %d",
					 cases[i].s, ids[k],
					 st.units != before);
		}
}

#else

static void
test_mrc_json_units_edges(void **state)
{
	(void)state;
	skip();
}

#endif

/*
 * mrc_json_compact_key_id() against mrc_json_compact_key() with each of
 * the ten bytes of ","value": and each of the six before it (the id's
 * last, which it reads and must not judge) changed to every byte, at
 * ids of 1..16 bytes, before a guard page.
 */
static void
test_mrc_json_key_id_each_byte_matches_key(void **state)
{
	char buf[64];

	(void)state;
	for (size_t idl = 1; idl <= 16; idl++) {
		int n = snprintf(buf, sizeof(buf),
				 "{\"userId\":\"%.*s\",\"value\":1}",
				 (int)idl, "abcdefghijklmnop");
		size_t qo = 11 + idl;

		for (size_t i = qo - 6; i < qo + 10; i++)
			for (int c = 0; c < 256; c++) {
				char save = buf[i];
				const char *b;
				const unsigned char *q;
				bool k, kid;

				buf[i] = (char)c;
				b = guard_page_at(buf, (size_t)n);
				q = (const unsigned char *)b + qo;
				k = mrc_json_compact_key(q);
				kid = mrc_json_compact_key_id(q);
				if (k != kid)
					fail_msg("byte %zu = %d, id %zu: key %d, "
						 "key_id %d",
						 i, c, idl, k, kid);
				/* Only the key's own bytes decide. */
				if (k != (i < qo || c == save))
					fail_msg("key wrong at byte %zu = %d", i,
						 c);
				buf[i] = save;
			}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#if defined(__SSE4_1__)
		cmocka_unit_test(
			test_mrc_json_units_every_short_text_matches_the_tail),
		cmocka_unit_test(
			test_mrc_json_units_every_shape_and_its_edits_match_the_tail),
#endif
		cmocka_unit_test(test_mrc_json_units_edges),
		cmocka_unit_test(test_mrc_json_head_last_frame_bytes),
		cmocka_unit_test(test_mrc_json_key_id_each_byte_matches_key),
	};

	return cmocka_run_group_tests(tests, guard_page_setup,
				      guard_page_teardown);
}

/* SPDX-License-Identifier: BSD-3-Clause */
/* test_mrc_json_fast.c: the canonical-body fast paths (compact, fast)
 * against the full parser and jansson, on canonical and near-canonical
 * bodies. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "api/mrc_json.h"
#include "api/mrc_json_compact.h"

#include "../ref/mrc_json_ref.h"

/* A body with its length, so cases may hold NUL bytes. */
#define B(s) s, sizeof(s) - 1

struct fast_case {
	const char *name;
	const char *body;
	size_t len;
	bool fast; /* the fast path takes it (else: falls back) */
};

static const struct fast_case cases[] = {
	{"compact", B("{\"userId\":\"user_1\",\"value\":499.5}"), true},
	{"python_spaces", B("{\"userId\": \"user_1\", \"value\": 499.5}"), true},
	{"trailing_newline", B("{\"userId\":\"u\",\"value\":1}\r\n"), true},
	{"negative_zero", B("{\"userId\":\"u\",\"value\":-0}"), true},
	{"nine_fraction_digits", B("{\"userId\":\"u\",\"value\":0.123456789}"),
	 true},
	{"fifteen_digits", B("{\"userId\":\"u\",\"value\":123456789012345}"),
	 true},
	{"id_all_punctuation", B("{\"userId\":\" !#$%&'()*+,-./:;<=>?@[]^_`{|}~\","
				 "\"value\":2}"), true},
	/* Near-canonical: each must fall back, and still parse right. */
	{"leading_space", B(" {\"userId\":\"u\",\"value\":1}"), false},
	{"space_after_brace", B("{ \"userId\":\"u\",\"value\":1}"), false},
	{"space_before_colon", B("{\"userId\" :\"u\",\"value\":1}"), false},
	{"keys_swapped", B("{\"value\":1,\"userId\":\"u\"}"), false},
	{"extra_key", B("{\"userId\":\"u\",\"value\":1,\"x\":2}"), false},
	{"escape_in_id", B("{\"userId\":\"u\\u0041\",\"value\":1}"), false},
	{"escaped_quote_in_id", B("{\"userId\":\"u\\\"\",\"value\":1}"), false},
	{"utf8_in_id", B("{\"userId\":\"\xc3\xa9\",\"value\":1}"), false},
	{"bad_utf8_in_id", B("{\"userId\":\"\xc3\",\"value\":1}"), false},
	{"control_in_id", B("{\"userId\":\"a\tb\",\"value\":1}"), false},
	{"empty_id", B("{\"userId\":\"\",\"value\":1}"), false},
	{"id_not_string", B("{\"userId\":7,\"value\":1}"), false},
	{"exponent", B("{\"userId\":\"u\",\"value\":1e3}"), false},
	{"sixteen_digits", B("{\"userId\":\"u\",\"value\":1234567890123456}"),
	 false},
	{"ten_fraction_digits", B("{\"userId\":\"u\",\"value\":0.1234567891}"),
	 false},
	{"leading_zero", B("{\"userId\":\"u\",\"value\":01}"), false},
	{"bare_minus", B("{\"userId\":\"u\",\"value\":-}"), false},
	{"dot_no_digits", B("{\"userId\":\"u\",\"value\":1.}"), false},
	{"value_string", B("{\"userId\":\"u\",\"value\":\"1\"}"), false},
	{"trailing_comma", B("{\"userId\":\"u\",\"value\":1,}"), false},
	{"unclosed", B("{\"userId\":\"u\",\"value\":1"), false},
	{"trailing_garbage", B("{\"userId\":\"u\",\"value\":1}x"), false},
	{"second_object", B("{\"userId\":\"u\",\"value\":1}{}"), false},
	{"nul_after_close", B("{\"userId\":\"u\",\"value\":1}\0"), false},
	{"nul_in_id", B("{\"userId\":\"u\0\",\"value\":1}"), false},
	{"key_case", B("{\"userid\":\"u\",\"value\":1}"), false},
	{"value_key_prefix", B("{\"userId\":\"u\",\"values\":1}"), false},
	{"unterminated_id", B("{\"userId\":\"uuuu"), false},
};

/* Copy body so that it ends right before an inaccessible page. */
static char *
guarded_copy(const char *body, size_t len, void **map, size_t *maplen)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	size_t data = (len + pg - 1) / pg * pg + pg;
	char *m = mmap(NULL, data + pg, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	assert_true(m != MAP_FAILED);
	assert_int_equal(mprotect(m + data, pg, PROT_NONE), 0);
	*map = m;
	*maplen = data + pg;
	memcpy(m + data - len, body, len);
	return m + data - len;
}

/* Copy body so that it starts right after an inaccessible page. */
static char *
guarded_copy_front(const char *body, size_t len, void **map, size_t *maplen)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	size_t data = (len + pg - 1) / pg * pg + pg;
	char *m = mmap(NULL, pg + data, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	assert_true(m != MAP_FAILED);
	assert_int_equal(mprotect(m, pg, PROT_NONE), 0);
	*map = m;
	*maplen = pg + data;
	memcpy(m + pg, body, len);
	return m + pg;
}

/*
 * One body through the three entry points and jansson: rc and message
 * agree everywhere; accepted bodies agree on userId bytes and value (and
 * the exact form between our two paths). Returns whether the fast path
 * took it.
 */
static bool
three_way(const char *b, size_t len, size_t max_user)
{
	struct mrc_event c, f, x, y, r;
	const char *ex, *ey, *er;
	bool compact = mrc_json_event_compact(b, len, max_user, &c);
	bool fast = mrc_json_event_fast(b, len, max_user, &f);
	int rx = mrc_json_parse_event_ref(b, len, max_user, &x, &ex);
	int ry = mrc_json_parse_event_full(b, len, max_user, &y, &ey);
	int rr = mrc_json_parse_event_jansson(b, len, max_user, &r, &er);

	if (rx != ry || rx != rr || (rx && (strcmp(ex, ey) || strcmp(ex, er))))
		fail_msg("disagree: fast-first %d full %d jansson %d on [%.*s]",
			 rx, ry, rr, (int)len, b);
	if (fast && rx != 0)
		fail_msg("fast path took a body the parsers refuse: [%.*s]",
			 (int)len, b);
	if (compact && !fast)
		fail_msg("compact path took a body the fast path refuses: [%.*s]",
			 (int)len, b);
	if (rx)
		return fast;
	if ((x.uid != NULL) != fast)
		fail_msg("fast path and uid disagree on [%.*s]", (int)len, b);
	if (x.user_len != y.user_len || y.user_len != r.user_len ||
	    memcmp(mrc_event_user(&x), y.user, y.user_len) ||
	    memcmp(r.user, y.user, y.user_len))
		fail_msg("userId differs on [%.*s]", (int)len, b);
	if (memcmp(&x.value, &y.value, sizeof(x.value)) ||
	    memcmp(&r.value, &y.value, sizeof(x.value)) || x.exact != y.exact ||
	    (x.exact && x.scaled != y.scaled))
		fail_msg("value differs on [%.*s]", (int)len, b);
	if (fast && (f.user_len != y.user_len || f.exact != y.exact ||
		     memcmp(&f.value, &y.value, sizeof(f.value)) ||
		     (f.exact && f.scaled != y.scaled)))
		fail_msg("fast path alone differs on [%.*s]", (int)len, b);
	if (compact && (c.user_len != y.user_len || c.uid < b ||
			c.uid + c.user_len > b + len ||
			memcmp(c.uid, y.user, y.user_len) ||
			c.exact != y.exact ||
			memcmp(&c.value, &y.value, sizeof(c.value)) ||
			(c.exact && c.scaled != y.scaled)))
		fail_msg("compact path differs on [%.*s]", (int)len, b);
	return fast;
}

/* Whether the compact path alone takes b (three_way checks it agrees). */
static bool
compact_takes(const char *b, size_t len, size_t max_user)
{
	struct mrc_event c;

	three_way(b, len, max_user);
	return mrc_json_event_compact(b, len, max_user, &c);
}

static void
test_mrc_json_fast_takes_canonical_and_falls_back_on_the_rest(void **state)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct fast_case *c = &cases[i];
		void *map;
		size_t maplen;
		char *g = guarded_copy(c->body, c->len, &map, &maplen);

		if (three_way(g, c->len, MRC_USER_DEFAULT) != c->fast)
			fail_msg("%s: fast path %s", c->name,
				 c->fast ? "refused it" : "took it");
		/* Every prefix ends at the guard page: never a byte more. */
		for (size_t k = 0; k < c->len; k++)
			three_way(g + c->len - k, k, MRC_USER_DEFAULT);
		munmap(map, maplen);
	}
}

static void
test_mrc_json_fast_user_limit_falls_back_to_the_error(void **state)
{
	static const char b[] = "{\"userId\":\"abcd\",\"value\":1}";
	struct mrc_event ev;
	const char *err;

	assert_true(three_way(b, sizeof(b) - 1, 4));
	assert_false(three_way(b, sizeof(b) - 1, 3));
	assert_int_equal(mrc_json_parse_event_ref(b, sizeof(b) - 1, 3, &ev,
						  &err),
			 -ENAMETOOLONG);
	assert_int_equal(mrc_json_parse_event_ref(b, sizeof(b) - 1, 0, &ev,
						  &err),
			 -ERANGE);
	assert_int_equal(mrc_json_parse_event_ref(b, sizeof(b) - 1,
						  MRC_USER_MAX + 1, &ev, &err),
			 -ERANGE);
	/* The copying entry point leaves the id in ev->user, uid NULL. */
	assert_int_equal(mrc_json_parse_event(b, sizeof(b) - 1, 4, &ev, &err),
			 0);
	assert_null(ev.uid);
	assert_string_equal(ev.user, "abcd");
}

/*
 * The compact path's own edges: where its id scan steps (16-byte chunks,
 * the last one read back from the '}'), the id limit, the number's 15
 * bytes, and each way a body leaves the compact form (each still parsed
 * right by the paths behind it).
 */
static const struct fast_case compact_cases[] = {
	{"compact", B("{\"userId\":\"user_12345\",\"value\":456.5}"), true},
	{"shortest", B("{\"userId\":\"u\",\"value\":1}"), true},
	{"trailing_crlf", B("{\"userId\":\"u\",\"value\":1}\r\n"), true},
	{"negative_zero_int", B("{\"userId\":\"u\",\"value\":-0}"), true},
	{"negative_zero_real", B("{\"userId\":\"u\",\"value\":-0.0}"), true},
	{"negative", B("{\"userId\":\"u\",\"value\":-12.25}"), true},
	{"zero_point", B("{\"userId\":\"u\",\"value\":0.5}"), true},
	{"nine_fraction_digits", B("{\"userId\":\"u\",\"value\":0.123456789}"),
	 true},
	{"fifteen_bytes", B("{\"userId\":\"u\",\"value\":123456789012345}"),
	 true},
	{"id_del_byte", B("{\"userId\":\"a\x7f\",\"value\":1}"), true},
	{"id_15", B("{\"userId\":\"abcdefghijklmno\",\"value\":1}"), true},
	{"id_16", B("{\"userId\":\"abcdefghijklmnop\",\"value\":1}"), true},
	{"id_17", B("{\"userId\":\"abcdefghijklmnopq\",\"value\":1}"), true},
	{"id_32", B("{\"userId\":\"abcdefghijklmnopabcdefghijklmnop\","
		    "\"value\":1}"), true},
	{"id_33", B("{\"userId\":\"abcdefghijklmnopabcdefghijklmnopq\","
		    "\"value\":1}"), true},
	{"id_braces", B("{\"userId\":\"}}}}}}}}}}}}}}}}}}\",\"value\":1}"), true},
	/* Off the compact form: the fast path or the full parser decides. */
	{"sixteen_bytes_negative",
	 B("{\"userId\":\"u\",\"value\":-123456789012345}"), false},
	{"sixteen_bytes_real", B("{\"userId\":\"u\",\"value\":1234567.12345678}"),
	 false},
	{"sixteen_digits", B("{\"userId\":\"u\",\"value\":1234567890123456}"),
	 false},
	{"ten_fraction_digits", B("{\"userId\":\"u\",\"value\":0.1234567891}"),
	 false},
	{"space_after_colon", B("{\"userId\": \"u\",\"value\":1}"), false},
	{"space_after_comma", B("{\"userId\":\"u\", \"value\":1}"), false},
	{"space_before_brace", B("{\"userId\":\"u\",\"value\":1 }"), false},
	{"space_before_value", B("{\"userId\":\"u\",\"value\": 1}"), false},
	{"id_quote_escape", B("{\"userId\":\"a\\\"b\",\"value\":1}"), false},
	{"id_unicode_escape", B("{\"userId\":\"\\u00e9\",\"value\":1}"), false},
	{"id_utf8", B("{\"userId\":\"\xc3\xa9" "abcdefghijklmnop\",\"value\":1}"),
	 false},
	{"id_high_byte_late",
	 B("{\"userId\":\"abcdefghijklmnopq\x80\",\"value\":1}"), false},
	{"id_control", B("{\"userId\":\"abcdefghijklmnop\x01\",\"value\":1}"),
	 false},
	{"id_nul", B("{\"userId\":\"ab\0\",\"value\":1}"), false},
	{"id_empty", B("{\"userId\":\"\",\"value\":1}"), false},
	{"exponent", B("{\"userId\":\"u\",\"value\":1e5}"), false},
	{"exponent_after_point", B("{\"userId\":\"u\",\"value\":1.5E5}"), false},
	{"leading_zero", B("{\"userId\":\"u\",\"value\":01}"), false},
	{"minus_zero_leading", B("{\"userId\":\"u\",\"value\":-01}"), false},
	{"point_first", B("{\"userId\":\"u\",\"value\":.5}"), false},
	{"point_last", B("{\"userId\":\"u\",\"value\":1.}"), false},
	{"two_points", B("{\"userId\":\"u\",\"value\":1.2.3}"), false},
	{"minus_only", B("{\"userId\":\"u\",\"value\":-}"), false},
	{"plus", B("{\"userId\":\"u\",\"value\":+1}"), false},
	{"minus_minus", B("{\"userId\":\"u\",\"value\":--1}"), false},
	{"value_empty", B("{\"userId\":\"u\",\"value\":}"), false},
	{"value_true", B("{\"userId\":\"u\",\"value\":true}"), false},
	{"value_key_case", B("{\"userId\":\"u\",\"Value\":1}"), false},
	{"user_key_case", B("{\"userid\":\"u\",\"value\":1}"), false},
	{"extra_member", B("{\"userId\":\"u\",\"value\":1,\"x\":1}"), false},
	{"garbage_after", B("{\"userId\":\"u\",\"value\":1}}"), false},
	{"nul_after", B("{\"userId\":\"u\",\"value\":1}\0"), false},
	{"tab_after", B("{\"userId\":\"u\",\"value\":1}\t"), true},
	/* A '}' right after the prefix, then padding: too short to scan. */
	{"brace_then_spaces", B("{\"userId\":\"}             "), false},
	{"brace_value_then_spaces", B("{\"userId\":\"\",\"value\":1}      "),
	 false},
};

static void
test_mrc_json_compact_takes_the_compact_body_only(void **state)
{
	for (size_t i = 0; i < sizeof(compact_cases) / sizeof(compact_cases[0]);
	     i++) {
		const struct fast_case *c = &compact_cases[i];
		void *map;
		size_t maplen;
		char *g = guarded_copy(c->body, c->len, &map, &maplen);

		if (compact_takes(g, c->len, MRC_USER_DEFAULT) != c->fast)
			fail_msg("%s: compact path %s", c->name,
				 c->fast ? "refused it" : "took it");
		/* Prefixes and suffixes end at the guard page. */
		for (size_t k = 0; k < c->len; k++) {
			compact_takes(g + c->len - k, k, MRC_USER_DEFAULT);
			compact_takes(g + k, c->len - k, MRC_USER_DEFAULT);
		}
		munmap(map, maplen);
		/* And every prefix starts right after one: no byte before. */
		g = guarded_copy_front(c->body, c->len, &map, &maplen);
		if (compact_takes(g, c->len, MRC_USER_DEFAULT) != c->fast)
			fail_msg("%s: compact path differs at the front",
				 c->name);
		for (size_t k = 0; k < c->len; k++)
			compact_takes(g, k, MRC_USER_DEFAULT);
		munmap(map, maplen);
	}
}

/*
 * The data path's split of the compact scan (mrc.c): the frame finds the
 * id's end from the value's ':' without reading the id, and the id check
 * comes apart (skipped for an id the store matched to a plain record).
 * Every byte at every place of ids of 1..30 bytes, the body against a
 * guard page either side: the frame holds exactly the id, the id check
 * says plain exactly when every byte is, the two together are the scan,
 * and the parsers agree (three_way).
 */
static void
test_mrc_json_compact_frame_then_id_check(void **state)
{
	static const size_t lens[] = { 1, 3, 4, 5, 6, 8, 10, 15, 16, 17, 30 };
	char body[96], id[32];

	for (size_t li = 0; li < sizeof(lens) / sizeof(lens[0]); li++) {
		size_t n = lens[li];

		for (size_t j = 0; j < n; j++) {
			for (unsigned int c = 0; c < 256; c++) {
				struct mrc_json_compact_raw r = { 0 }, t;
				bool plain = c >= 0x20 && c < 0x80 &&
					     c != '"' && c != '\\';
				void *map;
				size_t maplen, len;
				char *g;
				bool fr, sc;

				memset(id, 'a', n);
				id[j] = (char)c;
				len = 0;
				memcpy(body, "{\"userId\":\"", 11);
				len += 11;
				memcpy(body + len, id, n);
				len += n;
				memcpy(body + len, "\",\"value\":12.5}", 15);
				len += 15;
				for (int side = 0; side < 2; side++) {
					g = side ? guarded_copy_front(body, len,
								      &map,
								      &maplen)
						 : guarded_copy(body, len, &map,
								&maplen);
					fr = mrc_json_compact_frame(g, len, 64,
								    &r);
					sc = mrc_json_compact_scan(g, len, 64,
								   &t);
					if (!fr)
						fail_msg("frame: len %zu at %zu "
							 "byte %u", n, j, c);
					assert_ptr_equal(r.uid, g + 11);
					assert_int_equal(r.len, n);
					assert_int_equal(r.w, 125);
					assert_int_equal(r.fl, 1);
					if (mrc_json_compact_id_ok(&r) != plain)
						fail_msg("id check: len %zu at "
							 "%zu byte %u", n, j,
							 c);
					assert_int_equal(sc, plain);
					if (!side)
						three_way(g, len, 64);
					munmap(map, maplen);
				}
			}
		}
	}
}

static void
test_mrc_json_compact_user_limit_and_values(void **state)
{
	static const char b[] = "{\"userId\":\"abcdefghijklmnopq\",\"value\":1}";
	static const char v[] = "{\"userId\":\"u\",\"value\":-12.25}";
	static const char z[] = "{\"userId\":\"u\",\"value\":-0.0}";
	struct mrc_event ev;

	/* 17 bytes: taken at a limit of 17, left to the parser at 16. */
	assert_true(compact_takes(b, sizeof(b) - 1, 17));
	assert_false(compact_takes(b, sizeof(b) - 1, 16));
	assert_false(mrc_json_event_compact(b, sizeof(b) - 1, 0, &ev));
	assert_false(mrc_json_event_compact(b, sizeof(b) - 1,
					    MRC_USER_MAX + 1, &ev));
	assert_true(mrc_json_event_compact(b, sizeof(b) - 1, MRC_USER_MAX,
					   &ev));
	assert_ptr_equal(ev.uid, b + 11);
	assert_int_equal(ev.user_len, 17);
	/* The exact form and the double, as the parsers give them. */
	assert_true(mrc_json_event_compact(v, sizeof(v) - 1, 4, &ev));
	assert_true(ev.exact);
	assert_true(ev.scaled == -(__int128)12250000000LL);
	assert_true(ev.value == -12.25);
	assert_true(mrc_json_event_compact(z, sizeof(z) - 1, 4, &ev));
	assert_true(ev.value == 0.0 && __builtin_signbit(ev.value));
	assert_true(ev.scaled == 0);
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
 * A canonical body (random id, random short value, optional spaces), then
 * zero to two byte edits drawn from what moves a body just off the
 * canonical form: every result must agree three ways.
 */
static void
test_mrc_json_fast_near_canonical_differential(void **state)
{
	static const char edits[] = " \t\"\\,:{}.-eE0159u\x00\x7f\x80\xc3";
	uint64_t s = getenv("MRC_DIFF_SEED")
			     ? strtoull(getenv("MRC_DIFF_SEED"), NULL, 0)
			     : 0x5eed5eed12345678ULL;
	unsigned int took = 0, back = 0, ok_back = 0;
	const unsigned int n = 200000;
	char b[256], id[40];

	for (unsigned int i = 0; i < n; i++) {
		size_t idn = 1 + rnd(&s) % 24, len, mu;
		const char *sp = rnd(&s) % 4 ? "" : " ", *fmt;
		struct mrc_event ev;
		const char *err;
		bool fast;

		for (size_t k = 0; k < idn; k++)
			id[k] = (char)(0x20 + rnd(&s) % 95);
		id[idn] = '\0';
		for (size_t k = 0; k < idn; k++)
			if (id[k] == '"' || id[k] == '\\')
				id[k] = '_';
		/* One in four: valid, but just off the canonical form. */
		switch (rnd(&s) % 16) {
		case 0:
			fmt = "{\"value\":%s%s%s%lu.%lu,%s\"userId\":\"%s\"}";
			break;
		case 1:
			fmt = "{\"userId\":%s\"%s\\/\",%s\"value\":%s%s%lu.%lue0}";
			break;
		case 2:
			fmt = "{\"userId\":%s\"%s\\u00e9\",%s\"value\":%s%s%lu.%lu}";
			break;
		case 3:
			fmt = " {\"userId\":%s\"%s\",%s\"value\":%s%s%lu.%lu00000000}";
			break;
		default:
			fmt = "{\"userId\":%s\"%s\",%s\"value\":%s%s%lu.%lu}";
		}
		if (fmt[2] == 'v')
			len = (size_t)snprintf(b, sizeof(b), fmt, sp, sp,
					       rnd(&s) % 3 ? "" : "-",
					       (unsigned long)(rnd(&s) % 100000),
					       (unsigned long)(rnd(&s) % 1000),
					       sp, id);
		else
			len = (size_t)snprintf(b, sizeof(b), fmt, sp, id, sp,
					       sp, rnd(&s) % 3 ? "" : "-",
					       (unsigned long)(rnd(&s) % 100000),
					       (unsigned long)(rnd(&s) % 1000));
		for (unsigned int e = (unsigned int)(rnd(&s) % 3); e; e--) {
			size_t pos = rnd(&s) % len;

			switch (rnd(&s) % 3) {
			case 0:
				b[pos] = edits[rnd(&s) % (sizeof(edits) - 1)];
				break;
			case 1:
				memmove(b + pos, b + pos + 1, len - pos - 1);
				len--;
				break;
			default:
				memmove(b + pos + 1, b + pos, len - pos);
				b[pos] = edits[rnd(&s) % (sizeof(edits) - 1)];
				len++;
			}
		}
		mu = rnd(&s) % 8 ? MRC_USER_DEFAULT : 1 + rnd(&s) % 24;
		fast = three_way(b, len, mu);
		took += fast;
		if (!fast) {
			back++;
			ok_back += mrc_json_parse_event_full(b, len, mu, &ev,
							     &err) == 0;
		}
	}
	print_message("near-canonical: %u bodies, %u fast, %u fell back "
		      "(%u of those valid)\n",
		      n, took, back, ok_back);
	/* Both sides of the fast path, and valid fallbacks, are exercised. */
	assert_true(took > n / 3);
	assert_true(back > n / 5);
	assert_true(ok_back > n / 50);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			test_mrc_json_fast_takes_canonical_and_falls_back_on_the_rest),
		cmocka_unit_test(
			test_mrc_json_fast_user_limit_falls_back_to_the_error),
		cmocka_unit_test(test_mrc_json_fast_near_canonical_differential),
		cmocka_unit_test(
			test_mrc_json_compact_takes_the_compact_body_only),
		cmocka_unit_test(test_mrc_json_compact_user_limit_and_values),
		cmocka_unit_test(test_mrc_json_compact_frame_then_id_check),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

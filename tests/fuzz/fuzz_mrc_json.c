/* SPDX-License-Identifier: BSD-3-Clause */
/* fuzz_mrc_json.c: libFuzzer target: dedicated event parser (compact and
 * fast paths, full parser, the value by vector steps) vs jansson. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/mrc_json.h"
#include "api/mrc_json_compact.h"

#include "../ref/mrc_json_ref.h"
#include "../unit/digits.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
compare(const char *body, size_t len, size_t max_user)
{
	struct mrc_event x, y;
	const char *ex, *ey;
	int rx = mrc_json_parse_event(body, len, max_user, &x, &ex);
	int ry = mrc_json_parse_event_jansson(body, len, max_user, &y, &ey);

	if (rx != ry || (rx && strcmp(ex, ey) != 0)) {
		fprintf(stderr, "rc: dedicated %d jansson %d\n", rx, ry);
		abort();
	}
	if (rx)
		return;
	if (x.user_len != y.user_len || memcmp(x.user, y.user, x.user_len) ||
	    x.user[x.user_len] != '\0') {
		fprintf(stderr, "userId differs\n");
		abort();
	}
	if (memcmp(&x.value, &y.value, sizeof(x.value)) != 0) {
		fprintf(stderr, "value %.17g vs %.17g\n", x.value, y.value);
		abort();
	}
	/* Up to 15 digits the body's decimal is the double's shortest. */
	if (x.exact && digits_significant(x.scaled) <= 15 &&
	    (!y.exact || y.scaled != x.scaled)) {
		fprintf(stderr, "exact form differs\n");
		abort();
	}
}

/* The fast path first, and the full parser alone, on the same body. */
static void
compare_paths(const char *body, size_t len, size_t max_user)
{
	struct mrc_event x, y;
	const char *ex, *ey;
	int rx = mrc_json_parse_event_ref(body, len, max_user, &x, &ex);
	int ry = mrc_json_parse_event_full(body, len, max_user, &y, &ey);

	if (rx != ry || (rx && strcmp(ex, ey) != 0)) {
		fprintf(stderr, "rc: fast-first %d full %d\n", rx, ry);
		abort();
	}
	if (rx)
		return;
	if (x.user_len != y.user_len ||
	    memcmp(mrc_event_user(&x), y.user, x.user_len) != 0 ||
	    (x.uid && (x.uid < body || x.uid + x.user_len > body + len))) {
		fprintf(stderr, "paths: userId differs\n");
		abort();
	}
	if (memcmp(&x.value, &y.value, sizeof(x.value)) != 0 ||
	    x.exact != y.exact || (x.exact && x.scaled != y.scaled)) {
		fprintf(stderr, "paths: value differs\n");
		abort();
	}
}

/* The compact path alone: what it takes, the full parser takes alike. */
static void
compare_compact(const char *body, size_t len, size_t max_user)
{
	struct mrc_event x, y;
	const char *ey;

	if (!mrc_json_event_compact(body, len, max_user, &x))
		return;
	if (mrc_json_parse_event_full(body, len, max_user, &y, &ey) != 0) {
		fprintf(stderr, "compact took a body the parser refuses\n");
		abort();
	}
	if (x.user_len != y.user_len || !x.uid || x.uid < body ||
	    x.uid + x.user_len > body + len ||
	    memcmp(x.uid, y.user, x.user_len) != 0 ||
	    memcmp(&x.value, &y.value, sizeof(x.value)) != 0 ||
	    x.exact != y.exact || (x.exact && x.scaled != y.scaled)) {
		fprintf(stderr, "compact: event differs\n");
		abort();
	}
}

/*
 * The value in 1e-9 units by vector steps (POST /event's path,
 * mrc_json_compact_units): on a compact body, what it takes has the
 * value the byte loop gives (compare_compact holds that to the parser).
 */
static void
compare_units(const char *body, size_t len)
{
#if defined(__SSE4_1__)
	struct mrc_json_compact_raw r;
	const unsigned char *q, *e;
	int64_t v;

	/* The data path's key test (where an id lies before q) is the
	 * key's, on any frame. */
	if (mrc_json_compact_head(body, len, &q, &e) &&
	    q >= (const unsigned char *)body + 12 &&
	    mrc_json_compact_key_id(q) != mrc_json_compact_key(q)) {
		fprintf(stderr, "key_id differs from key\n");
		abort();
	}
	if (!mrc_json_compact_scan(body, len, MRC_USER_MAX, &r))
		return;
	/* The frame's head, key and all, as the scan saw them. */
	if (!mrc_json_compact_head(body, len, &q, &e))
		abort();
	/* The data path's head with the id's length. */
	{
		const unsigned char *q2, *e2;
		size_t l2;

		if (!mrc_json_compact_head_last(body, len, &q2, &e2, &l2) ||
		    q2 != q || e2 != e || l2 != r.len) {
			fprintf(stderr, "head_last differs from head\n");
			abort();
		}
	}
	if (mrc_json_compact_units(q, e, &v) &&
	    (__int128)v != mrc_json_compact_scaled(r.w, r.fl, r.neg)) {
		fprintf(stderr, "units: value differs\n");
		abort();
	}
#else
	(void)body;
	(void)len;
#endif
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* libFuzzer's buffer is exactly size bytes: ASan sees any over-read. */
	compare((const char *)data, size, MRC_USER_DEFAULT);
	compare((const char *)data, size, 4);
	compare_paths((const char *)data, size, MRC_USER_DEFAULT);
	compare_paths((const char *)data, size, 4);
	compare_compact((const char *)data, size, MRC_USER_DEFAULT);
	compare_compact((const char *)data, size, 4);
	compare_units((const char *)data, size);
	return 0;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/* mrc_json.h: the POST /event body parser. */
#ifndef LR_API_MRC_JSON_H
#define LR_API_MRC_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The body is {"userId": "<string>", "value": <number>} with keys in any
 * order and unknown keys ignored. What is accepted is exactly what jansson
 * 2.14 accepts with json_loadb(..., flags 0) followed by a check that the
 * top level is an object, with two deliberate restrictions applied to both
 * parsers alike:
 *  - nesting deeper than MRC_JSON_MAX_DEPTH containers (the top-level object
 *    counts as one) is invalid: jansson allows 2048 and recurses for each;
 *  - a raw NUL byte anywhere is invalid: RFC 8259 forbids it, but jansson
 *    2.14 silently drops one that directly follows a number or a literal
 *    (its stream unget loses it), so "{\"a\":1\0}" would parse.
 * Everything else follows jansson: strict UTF-8 (no overlongs, surrogates or
 * code points above U+10FFFF), no control characters below 0x20 inside
 * strings, \uXXXX escapes with surrogate pairs combined and lone surrogates
 * rejected, \u0000 rejected in any string (keys and values: jansson needs
 * JSON_ALLOW_NUL for it, which we do not pass), RFC 8259 number grammar,
 * integers (no '.', no exponent) outside int64 rejected, reals whose
 * magnitude rounds to infinity rejected (underflow to 0 is fine), and for
 * duplicate keys the last one wins.
 *
 * Exact sums. Each accepted value also gets an exact fixed-point form: when
 * the decimal number in the body is an integer count of 1e-9 units (at most
 * 9 digits after the decimal point once the exponent is applied and
 * trailing zeros dropped) and its magnitude is below 1e19, ev->exact is true
 * and ev->scaled holds value * 1e9 exactly. Summing scaled values in a
 * 128-bit integer never drifts, so 1,000,000 values of i % 1000 + 0.5 sum to
 * exactly 500000000. Other values (1e-10, 0.1234567891, 1e19) have
 * ev->exact false and are summed as doubles with compensation (see
 * mrc_store.h). ev->value is always the double a correctly rounded strtod()
 * gives for the text, except that an integer is converted as jansson does,
 * through int64 ("-0" gives +0.0).
 */

/* The largest supported userId limit; ev->user holds it plus a NUL. */
#define MRC_USER_MAX 1024
/* The default userId limit in bytes after unescaping (docs/API.md §1). */
#define MRC_USER_DEFAULT 256
/* Deepest container nesting accepted; the top-level object is depth 1. */
#define MRC_JSON_MAX_DEPTH 32
/* Exact values are counted in units of 10^-MRC_EXACT_DIGITS. */
#define MRC_EXACT_DIGITS 9
#define MRC_EXACT_SCALE 1000000000LL

/* The error messages (for {"error":"..."}), one per return code below. */
#define MRC_JSON_ERR_JSON "invalid JSON"
#define MRC_JSON_ERR_USER "userId must be a non-empty string"
#define MRC_JSON_ERR_USER_LONG "userId too long"
#define MRC_JSON_ERR_VALUE "value must be a number"
#define MRC_JSON_ERR_LIMIT "userId limit out of range"

/* One parsed event. Callers provide it (it is the unescape buffer). */
struct mrc_event {
	double value;	 /* the number, rounded as strtod() rounds it */
	__int128 scaled; /* value * 1e9 exactly; meaningful when exact */
	bool exact;	 /* the rule in the comment above holds */
	size_t user_len; /* bytes of the userId, 1..max_user */
	/*
	 * Where the userId lies: NULL, in user; else user_len bytes inside
	 * the parsed body (mrc_json_parse_event_ref only; not NUL-terminated,
	 * valid while the body is, user unspecified). mrc_store_record()
	 * reads it from there: hashed and compared where it lies, no copy.
	 */
	const char *uid;
	char user[MRC_USER_MAX + 1]; /* unescaped UTF-8, NUL-terminated */
};

/* The userId bytes of a parsed (or hand-filled, uid NULL) event. */
static inline const char *
mrc_event_user(const struct mrc_event *ev)
{
	return ev->uid ? ev->uid : ev->user;
}

/*
 * Parse a POST /event body with the dedicated single-pass parser: the
 * canonical body takes a fast path (mrc_json_event_fast), anything else
 * the full parser; both give the same result for the same body.
 *
 * body, len   the body bytes (need not be NUL-terminated; never read past
 *             body + len)
 * max_user    userId limit in bytes after unescaping, 1..MRC_USER_MAX
 * ev          filled on success; on failure its contents are unspecified
 * err         if not NULL, set on failure to a short static message for
 *             {"error":"..."} (and to NULL on success)
 *
 * Returns 0, or:
 *  -EBADMSG       "invalid JSON": not exactly one valid JSON object (this
 *                 is checked over the whole body before any field rule)
 *  -EINVAL        "userId must be a non-empty string": missing, not a
 *                 string, or empty
 *  -ENAMETOOLONG  "userId too long": more than max_user bytes
 *  -EDOM          "value must be a number": missing or not a number
 *  -ERANGE        "userId limit out of range": max_user is 0 or above
 *                 MRC_USER_MAX (a configuration error, not the client's)
 * Rules are checked in that order. tests/ref/mrc_json_ref.h implements the
 * same contract with jansson, the reference this parser is tested against.
 */
int mrc_json_parse_event(const char *body, size_t len, size_t max_user,
			 struct mrc_event *ev, const char **err);

/*
 * The same contract, without copying a userId that needs no unescaping:
 * on success ev->uid points at it inside body (the fast path below), or is
 * NULL and ev->user holds it. The data path (mrc.c) uses this one.
 */
int mrc_json_parse_event_ref(const char *body, size_t len, size_t max_user,
			     struct mrc_event *ev, const char **err);

/*
 * The fast path alone: the canonical body {"userId":"<id>","value":<n>}
 * (whitespace allowed where JSON allows it, except inside the opening
 * {"userId": and before the colons), the id printable ASCII without
 * escapes, 1..max_user bytes, the value in the short form of
 * mrc_json_value_fast (at most 15 digits, 9 after the point, no exponent).
 * Returns true with ev->value, exact, scaled, user_len and uid (into body)
 * set, exactly as the full parser would set them; false for anything else
 * (ev partly written), which mrc_json_parse_event_ref() hands to the full
 * parser. max_user must be 1..MRC_USER_MAX.
 */
bool mrc_json_event_fast(const char *body, size_t len, size_t max_user,
			 struct mrc_event *ev);

/*
 * The compact canonical body alone, the one clients send and the first
 * thing both entry points above try: {"userId":"<id>","value":<n>} with
 * no whitespace except after the '}', the id and value as for
 * mrc_json_event_fast. Returns true with ev set as mrc_json_event_fast
 * sets it (uid into body), false for anything else (ev partly written,
 * and nothing refused: the body may still be valid). A leaf function that
 * saves no registers: the data path (mrc.c) calls it first and
 * mrc_json_parse_event_ref() when it returns false. max_user outside
 * 1..MRC_USER_MAX: false.
 */
bool mrc_json_event_compact(const char *body, size_t len, size_t max_user,
			    struct mrc_event *ev);

/*
 * The full parser alone (no fast path; ev->uid NULL on success): what the
 * fast path falls back to. Tests and fuzzers compare the three entry
 * points with each other and with the jansson reference.
 */
int mrc_json_parse_event_full(const char *body, size_t len, size_t max_user,
			      struct mrc_event *ev, const char **err);

#endif /* LR_API_MRC_JSON_H */

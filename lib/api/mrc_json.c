/* SPDX-License-Identifier: BSD-3-Clause */
/* mrc_json.c: the POST /event body parser: the canonical-body fast path,
 * then object, keys, strings (numbers: mrc_json_num.c). Single pass, no
 * allocation. */
#include <errno.h>
#include <string.h>

#include "api/mrc_json_compact.h"
#include "core/fmt.h"

#define ERR_JSON MRC_JSON_ERR_JSON
#define ERR_USER MRC_JSON_ERR_USER
#define ERR_USER_LONG MRC_JSON_ERR_USER_LONG
#define ERR_VALUE MRC_JSON_ERR_VALUE
#define ERR_LIMIT MRC_JSON_ERR_LIMIT

_Static_assert(MRC_JSON_MAX_DEPTH <= 32,
	       "jp_skip_value keeps its stack in a word");

enum { KEY_OTHER, KEY_USER, KEY_VALUE };
/* What the last occurrence of a field held (F_OK: a value is in ev). */
enum { F_ABSENT, F_OK, F_WRONG, F_LONG };
enum { C_PLAIN, C_QUOTE, C_BSLASH, C_CTRL, C_HIGH };

/* How a string byte is handled; C_PLAIN bytes are copied as they are. */
static const unsigned char str_cls[256] = {
	[0x00 ... 0x1f] = C_CTRL,
	['"'] = C_QUOTE,
	['\\'] = C_BSLASH,
	[0x80 ... 0xff] = C_HIGH,
};

/* RFC 8259 whitespace. */
static const bool is_ws[256] = {[' '] = 1, ['\t'] = 1, ['\n'] = 1, ['\r'] = 1};

static int
fail(const char **err, int rc, const char *msg)
{
	if (err)
		*err = msg;
	return rc;
}

static inline void
jp_ws(struct mrc_jp *j)
{
	const unsigned char *p = j->p;

	while (p < j->end && is_ws[*p])
		p++;
	j->p = p;
}

/* Length of the valid UTF-8 sequence at p (first byte >= 0x80), or 0. */
static size_t
utf8_seq(const unsigned char *p, const unsigned char *end)
{
	uint32_t cp;
	size_t n;

	if (p[0] < 0xc2)
		return 0; /* continuation byte, or overlong C0/C1 lead */
	if (p[0] < 0xe0) {
		n = 2;
		cp = p[0] & 0x1f;
	} else if (p[0] < 0xf0) {
		n = 3;
		cp = p[0] & 0x0f;
	} else if (p[0] < 0xf5) {
		n = 4;
		cp = p[0] & 0x07;
	} else {
		return 0;
	}
	if ((size_t)(end - p) < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if (n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff)))
		return 0;
	if (n == 4 && (cp < 0x10000 || cp > 0x10ffff))
		return 0;
	return n;
}

static int32_t
hex4(const unsigned char *p, const unsigned char *end)
{
	int32_t v = 0;

	if (end - p < 4)
		return -1;
	for (int i = 0; i < 4; i++) {
		int h = fmt_hex_value(p[i]);

		if (h < 0)
			return -1;
		v = v << 4 | h;
	}
	return v;
}

static size_t
utf8_put(uint32_t cp, unsigned char *o)
{
	if (cp < 0x80) {
		o[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (unsigned char)(0xc0 | cp >> 6);
		o[1] = (unsigned char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (unsigned char)(0xe0 | cp >> 12);
		o[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
		o[2] = (unsigned char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (unsigned char)(0xf0 | cp >> 18);
	o[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3f));
	o[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
	o[3] = (unsigned char)(0x80 | (cp & 0x3f));
	return 4;
}

/*
 * Append k bytes to out (capacity cap) unless that would pass cap; *n counts
 * every byte, so *n > cap afterwards means the string did not fit.
 */
static inline void
str_put(unsigned char *out, size_t cap, size_t *n, const unsigned char *src,
	size_t k)
{
	if (out && *n + k <= cap)
		memcpy(out + *n, src, k);
	*n += k;
}

/*
 * Decode one escape; j->p is on the backslash. Rules are jansson's: the
 * eight short escapes, \uXXXX with a high surrogate needing an immediate
 * \u low surrogate, lone surrogates and \u0000 rejected.
 */
static int
jp_escape(struct mrc_jp *j, unsigned char *out, size_t cap, size_t *n)
{
	const unsigned char *p = j->p + 1;
	unsigned char u[4];
	int32_t cp, lo;

	if (p >= j->end)
		return -1;
	switch (*p) {
	case '"':
	case '\\':
	case '/':
		u[0] = *p;
		break;
	case 'b':
		u[0] = '\b';
		break;
	case 'f':
		u[0] = '\f';
		break;
	case 'n':
		u[0] = '\n';
		break;
	case 'r':
		u[0] = '\r';
		break;
	case 't':
		u[0] = '\t';
		break;
	case 'u':
		cp = hex4(p + 1, j->end);
		if (cp <= 0)
			return -1;
		p += 5;
		if (cp >= 0xd800 && cp <= 0xdbff) {
			if (j->end - p < 6 || p[0] != '\\' || p[1] != 'u')
				return -1;
			lo = hex4(p + 2, j->end);
			if (lo < 0xdc00 || lo > 0xdfff)
				return -1;
			p += 6;
			cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
		} else if (cp >= 0xdc00 && cp <= 0xdfff) {
			return -1;
		}
		str_put(out, cap, n, u, utf8_put((uint32_t)cp, u));
		j->p = p;
		return 0;
	default:
		return -1;
	}
	str_put(out, cap, n, u, 1);
	j->p = p + 1;
	return 0;
}

/*
 * Scan a string whose opening quote is just before j->p, unescaping into
 * out (NULL: validate only). *olen gets the unescaped length, which may
 * exceed cap (then out holds a truncated prefix).
 */
static int
jp_string(struct mrc_jp *j, unsigned char *out, size_t cap, size_t *olen)
{
	size_t n = 0;

	for (;;) {
		const unsigned char *run = j->p;
		size_t k;

		j->p = mrc_json_plain_run(j->p, j->end);
		str_put(out, cap, &n, run, (size_t)(j->p - run));
		if (j->p >= j->end)
			return -1;
		switch (str_cls[*j->p]) {
		case C_QUOTE:
			j->p++;
			*olen = n;
			return 0;
		case C_BSLASH:
			if (jp_escape(j, out, cap, &n))
				return -1;
			break;
		case C_HIGH:
			k = utf8_seq(j->p, j->end);
			if (!k)
				return -1;
			str_put(out, cap, &n, j->p, k);
			j->p += k;
			break;
		default:
			return -1; /* raw control character */
		}
	}
}

static int
key_id(const unsigned char *s, size_t n)
{
	if (n == 6 && memcmp(s, "userId", 6) == 0)
		return KEY_USER;
	if (n == 5 && memcmp(s, "value", 5) == 0)
		return KEY_VALUE;
	return KEY_OTHER;
}

/* Scan a key (opening quote just before j->p) and say which one it is. */
static int
jp_key(struct mrc_jp *j)
{
	const unsigned char *s = j->p;
	unsigned char buf[8];
	size_t n;

	if (j->end - s >= 7 && memcmp(s, "userId\"", 7) == 0) {
		j->p += 7;
		return KEY_USER;
	}
	if (j->end - s >= 6 && memcmp(s, "value\"", 6) == 0) {
		j->p += 6;
		return KEY_VALUE;
	}
	j->p = mrc_json_plain_run(j->p, j->end);
	if (j->p < j->end && *j->p == '"') {
		n = (size_t)(j->p - s);
		j->p++;
		return key_id(s, n);
	}
	/* Escapes or UTF-8: jansson compares keys after unescaping. */
	j->p = s;
	if (jp_string(j, buf, sizeof(buf), &n))
		return -1;
	return n <= sizeof(buf) ? key_id(buf, n) : KEY_OTHER;
}

static int
jp_member_key(struct mrc_jp *j)
{
	size_t n;

	jp_ws(j);
	if (j->p >= j->end || *j->p != '"')
		return -1;
	j->p++;
	if (jp_string(j, NULL, 0, &n))
		return -1;
	jp_ws(j);
	if (j->p >= j->end || *j->p != ':')
		return -1;
	j->p++;
	jp_ws(j);
	return 0;
}

static int
jp_literal(struct mrc_jp *j, const char *lit, size_t n)
{
	if ((size_t)(j->end - j->p) < n || memcmp(j->p, lit, n) != 0)
		return -1;
	j->p += n;
	return 0;
}

/*
 * Validate any value at j->p (whitespace skipped) inside a container at
 * depth `depth`. Iterative with a bit stack, so hostile nesting costs no
 * recursion; MRC_JSON_MAX_DEPTH <= 32 keeps the stack in one word.
 */
static int
jp_skip_value(struct mrc_jp *j, unsigned int depth)
{
	uint32_t is_obj =
		0; /* bit i: the container at depth+1+i is an object */
	unsigned int open = 0;
	size_t len;
	unsigned int c;
	bool obj;

value:
	if (j->p >= j->end)
		return -1;
	switch (*j->p) {
	case '{':
	case '[':
		if (depth + open >= MRC_JSON_MAX_DEPTH)
			return -1;
		obj = *j->p == '{';
		is_obj = (is_obj & ~(1u << open)) | (uint32_t)obj << open;
		open++;
		j->p++;
		jp_ws(j);
		if (j->p < j->end && *j->p == (obj ? '}' : ']')) {
			j->p++;
			open--;
			break;
		}
		if (obj && jp_member_key(j))
			return -1;
		goto value;
	case '"':
		j->p++;
		if (jp_string(j, NULL, 0, &len))
			return -1;
		break;
	case 't':
		if (jp_literal(j, "true", 4))
			return -1;
		break;
	case 'f':
		if (jp_literal(j, "false", 5))
			return -1;
		break;
	case 'n':
		if (jp_literal(j, "null", 4))
			return -1;
		break;
	default:
		if (!mrc_json_is_digit(*j->p) && *j->p != '-')
			return -1;
		if (mrc_json_number(j, NULL))
			return -1;
		break;
	}
	/* After a value: close containers, or go on to the next element. */
	while (open > 0) {
		jp_ws(j);
		if (j->p >= j->end)
			return -1;
		c = *j->p++;
		obj = is_obj >> (open - 1) & 1;
		if (c == ',') {
			if (!obj)
				jp_ws(j);
			else if (jp_member_key(j))
				return -1;
			goto value;
		}
		if (c != (obj ? '}' : ']'))
			return -1;
		open--;
	}
	return 0;
}

int
mrc_json_parse_event_full(const char *body, size_t len, size_t max_user,
			  struct mrc_event *ev, const char **err)
{
	struct mrc_jp j = {(const unsigned char *)body,
			   (const unsigned char *)body + len};
	int user_st = F_ABSENT, val_st = F_ABSENT, key;
	size_t ulen;

	if (max_user == 0 || max_user > MRC_USER_MAX)
		return fail(err, -ERANGE, ERR_LIMIT);
	jp_ws(&j);
	if (j.p >= j.end || *j.p != '{')
		goto bad;
	j.p++;
	jp_ws(&j);
	if (j.p < j.end && *j.p == '}') {
		j.p++;
		goto closed;
	}
	for (;;) {
		if (j.p >= j.end || *j.p != '"')
			goto bad;
		j.p++;
		key = jp_key(&j);
		if (key < 0)
			goto bad;
		jp_ws(&j);
		if (j.p >= j.end || *j.p != ':')
			goto bad;
		j.p++;
		jp_ws(&j);
		if (j.p >= j.end)
			goto bad;
		/* Duplicate keys: the last one wins, as in jansson. */
		if (key == KEY_USER && *j.p == '"') {
			j.p++;
			if (jp_string(&j, (unsigned char *)ev->user, max_user,
				      &ulen))
				goto bad;
			user_st = ulen == 0	    ? F_WRONG
				  : ulen > max_user ? F_LONG
						    : F_OK;
			ev->user_len = ulen;
		} else if (key == KEY_VALUE &&
			   (*j.p == '-' || mrc_json_is_digit(*j.p))) {
			if (!mrc_json_value_fast(&j, ev) &&
			    mrc_json_number(&j, ev))
				goto bad;
			val_st = F_OK;
		} else {
			if (key == KEY_USER)
				user_st = F_WRONG;
			else if (key == KEY_VALUE)
				val_st = F_WRONG;
			if (jp_skip_value(&j, 1))
				goto bad;
		}
		jp_ws(&j);
		if (j.p >= j.end)
			goto bad;
		if (*j.p == '}') {
			j.p++;
			break;
		}
		if (*j.p++ != ',')
			goto bad;
		jp_ws(&j);
	}
closed:
	jp_ws(&j);
	if (j.p != j.end)
		goto bad;
	if (user_st == F_ABSENT || user_st == F_WRONG)
		return fail(err, -EINVAL, ERR_USER);
	if (user_st == F_LONG)
		return fail(err, -ENAMETOOLONG, ERR_USER_LONG);
	if (val_st != F_OK)
		return fail(err, -EDOM, ERR_VALUE);
	ev->user[ev->user_len] = '\0';
	ev->uid = NULL;
	if (err)
		*err = NULL;
	return 0;
bad:
	return fail(err, -EBADMSG, ERR_JSON);
}

/* Skip RFC 8259 whitespace from p; the fast path's loop at each gap. */
static inline __attribute__((always_inline)) const unsigned char *
ws_skip(const unsigned char *p, const unsigned char *end)
{
	while (p < end && is_ws[*p])
		p++;
	return p;
}

/* A gap between tokens: usually none, so one test and no loop. */
static inline __attribute__((always_inline)) const unsigned char *
ws_gap(const unsigned char *p, const unsigned char *end)
{
	if (__builtin_expect(p < end && is_ws[*p], 0))
		return ws_skip(p + 1, end);
	return p;
}

/*
 * The value in the short form of mrc_json_value_fast (the same rule, the
 * same results), scanned without bounds checks: the caller has seen a '}'
 * after p, and the scans stop at any byte that is not a digit. Returns
 * false, having set nothing, for anything else.
 */
static inline __attribute__((always_inline)) bool
fast_value(const unsigned char **pp, struct mrc_event *ev)
{
	const unsigned char *p = *pp, *s, *f;
	unsigned int d, nd, fl = 0;
	bool neg = *p == '-';
	uint64_t w = 0;
	double x;

	p += neg;
	s = p;
	if (*p == '0')
		p++;
	else
		while ((d = *p - (unsigned int)'0') < 10) {
			w = w * 10 + d;
			p++;
		}
	nd = (unsigned int)(p - s);
	if (nd == 0 || nd > 15)
		return false;
	if (*p == '.') {
		f = ++p;
		while ((d = *p - (unsigned int)'0') < 10) {
			w = w * 10 + d;
			p++;
		}
		fl = (unsigned int)(p - f);
		if (fl == 0 || fl > 9 || nd + fl > 15)
			return false;
		x = (double)w / mrc_json_pow10_dbl[fl];
		ev->value = neg ? -x : x;
	} else {
		/* Integers go through int64 in jansson: "-0" is +0.0. */
		ev->value = (double)(neg ? -(int64_t)w : (int64_t)w);
	}
	/* "01", "1.2.", "1e5": not the short form. */
	if (mrc_json_is_digit(*p) || *p == '.' || (*p | 0x20) == 'e')
		return false;
	ev->scaled = (__int128)w *
		     (int64_t)mrc_json_pow10_u64[MRC_EXACT_DIGITS - fl];
	if (neg)
		ev->scaled = -ev->scaled;
	ev->exact = true;
	*pp = p;
	return true;
}

/* The fast path, inlined into both entry points (no second prologue). */
static inline __attribute__((always_inline)) bool
event_fast(const char *body, size_t len, size_t max_user,
	   struct mrc_event *ev)
{
	static const char head[] = "{\"userId\":";
	static const char vkey[] = "\"value\":";
	static const char cvkey[] = ",\"value\":";
	const unsigned char *p = (const unsigned char *)body;
	const unsigned char *end = p + len, *last = end, *u, *q;

	/* It must close with '}': every scan below stops there at the
	 * latest (the prefixes matched before it end in '"' or ':'). */
	while (last > p && is_ws[last[-1]])
		last--;
	if (last - p < 24 || last[-1] != '}' ||
	    memcmp(p, head, sizeof(head) - 1) != 0)
		return false;
	p = ws_gap(p + sizeof(head) - 1, end);
	if (*p != '"')
		return false;
	u = ++p;
	q = mrc_json_plain_run(u, end);
	/* Printable ASCII up to the quote: the bytes are the userId. */
	if (q >= end || *q != '"' || q == u || (size_t)(q - u) > max_user)
		return false;
	p = q + 1;
	if ((size_t)(last - p) > sizeof(cvkey) - 1 &&
	    memcmp(p, cvkey, sizeof(cvkey) - 1) == 0) {
		p += sizeof(cvkey) - 1; /* compact: no whitespace */
	} else {
		p = ws_gap(p, end);
		if (*p != ',')
			return false;
		p = ws_gap(p + 1, end);
		if ((size_t)(last - p) <= sizeof(vkey) - 1 ||
		    memcmp(p, vkey, sizeof(vkey) - 1) != 0)
			return false;
		p += sizeof(vkey) - 1;
	}
	p = ws_gap(p, end);
	if (!fast_value(&p, ev))
		return false;
	if (ws_gap(p, end) != last - 1)
		return false;
	ev->uid = (const char *)u;
	ev->user_len = (size_t)(q - u);
	return true;
}

bool
mrc_json_event_fast(const char *body, size_t len, size_t max_user,
		    struct mrc_event *ev)
{
	return mrc_json_compact(body, len, max_user, ev) ||
	       event_fast(body, len, max_user, ev);
}

bool
mrc_json_event_compact(const char *body, size_t len, size_t max_user,
		       struct mrc_event *ev)
{
	return max_user - 1 < MRC_USER_MAX &&
	       mrc_json_compact(body, len, max_user, ev);
}

int
mrc_json_parse_event_ref(const char *body, size_t len, size_t max_user,
			 struct mrc_event *ev, const char **err)
{
	if (max_user - 1 < MRC_USER_MAX &&
	    (mrc_json_compact(body, len, max_user, ev) ||
	     event_fast(body, len, max_user, ev))) {
		if (err)
			*err = NULL;
		return 0;
	}
	return mrc_json_parse_event_full(body, len, max_user, ev, err);
}

int
mrc_json_parse_event(const char *body, size_t len, size_t max_user,
		     struct mrc_event *ev, const char **err)
{
	int rc = mrc_json_parse_event_ref(body, len, max_user, ev, err);

	if (rc == 0 && ev->uid) {
		memcpy(ev->user, ev->uid, ev->user_len);
		ev->user[ev->user_len] = '\0';
		ev->uid = NULL;
	}
	return rc;
}

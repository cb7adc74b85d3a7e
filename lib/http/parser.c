/* SPDX-License-Identifier: BSD-3-Clause */
/* parser.c: zero-copy HTTP/1.1 request head parser (resumable). */
#include <string.h>

#include "http/chars.h"
#include "http/parser.h"
#include "http/parser_priv.h"

/*
 * The byte-by-byte machine is parser_machine.h, compiled once per way of
 * scanning (parser_scalar.c, parser_simd.c); this file holds what it
 * calls once per head: the request line's and the fields' meaning.
 */

#define HTTP_FAIL(code)                                                        \
	do {                                                                   \
		*status = (code);                                              \
		return HTTP_PARSE_ERROR;                                       \
	} while (0)

/* a[0..n) equals the lower-case literal lit (4 to 24 bytes), ignoring
 * ASCII case: by length, then by words (http_name_eq()). */
#define HTTP_IEQ(a, n, lit)                                                    \
	((n) == sizeof(lit) - 1 && http_name_eq((a), (lit), sizeof(lit) - 1))

/* clang-format off */
/* RFC 9110 §5.6.2 tchar: methods and field names are tokens. */
const uint8_t http_tchar[256] = {
	['!'] = 1, ['#' ... '\''] = 1, ['*'] = 1, ['+'] = 1, ['-'] = 1,
	['.'] = 1, ['0' ... '9'] = 1, ['A' ... 'Z'] = 1, ['^' ... 'z'] = 1,
	['|'] = 1, ['~'] = 1,
};

/* request-target bytes (§3.2): visible ASCII, no SP, CTL or obs-text. */
const uint8_t http_target_char[256] = {
	['!' ... '~'] = 1,
};

/* field-value bytes (RFC 9110 §5.5): VCHAR, SP, HTAB, obs-text. */
const uint8_t http_field_char[256] = {
	['\t'] = 1, [' ' ... '~'] = 1, [0x80 ... 0xff] = 1,
};

/* Host bytes (RFC 3986 §3.2.2 reg-name, IP-literal, ":" port). */
const uint8_t http_host_char[256] = {
	['!'] = 1, ['$' ... '.'] = 1, ['0' ... ';'] = 1, ['='] = 1,
	['A' ... '['] = 1, [']'] = 1, ['_'] = 1, ['a' ... 'z'] = 1, ['~'] = 1,
};
/* clang-format on */

static const char http_root[] = "/";

bool
http_header_is(const struct http_header *h, const char *name)
{
	size_t n = strlen(name);

	if (h->name_len != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (http_lower((uint8_t)h->name[i]) !=
		    http_lower((uint8_t)name[i]))
			return false;
	return true;
}

int
http_find_header(const struct http_request *r, const char *name)
{
	for (size_t i = 0; i < r->num_headers; i++)
		if (http_header_is(&r->headers[i], name))
			return (int)i;
	return -1;
}

/*
 * Next element of the list [*p, end) (RFC 9110 §5.6.1), OWS trimmed, in
 * [*s, *s + *n). Empty elements are skipped, as recipients must.
 */
static bool
http_list_next(const char **p, const char *end, const char **s, size_t *n)
{
	const char *q = *p, *e;

	while (q < end && (*q == ' ' || *q == '\t' || *q == ','))
		q++;
	if (q == end) {
		*p = q;
		return false;
	}
	*s = q;
	while (q < end && *q != ',')
		q++;
	e = q;
	while (e > *s && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	*n = (size_t)(e - *s);
	*p = q;
	return true;
}

/* The path and query of a complete request-target (§3.2). */
static int
http_target_form(struct http_request *req, int *status)
{
	const char *t = req->target, *end = t + req->target_len, *p, *q;
	size_t skip;

	if (t[0] == '/') {
		p = t; /* origin-form, §3.2.1 */
	} else if (t[0] == '*' && req->target_len == 1) {
		/* asterisk-form, §3.2.4: only for a server-wide OPTIONS. */
		if (req->method != HTTP_M_OPTIONS)
			HTTP_FAIL(400);
		p = t;
	} else {
		/* absolute-form, §3.2.2: the target's authority wins over
		 * Host, which we do not use for routing anyway. */
		if (req->target_len > 7 && HTTP_IEQ(t, 7, "http://"))
			skip = 7;
		else if (req->target_len > 8 && HTTP_IEQ(t, 8, "https://"))
			skip = 8;
		else
			HTTP_FAIL(400);
		p = t + skip;
		while (p < end && *p != '/' && *p != '?')
			p++;
		if (p == t + skip)
			HTTP_FAIL(400); /* RFC 9110 §4.2.1: empty host */
		if (p == end || *p == '?') {
			req->path = http_root;
			req->path_len = 1;
			if (p < end) {
				req->query = p + 1;
				req->query_len = (size_t)(end - p - 1);
			}
			return 0;
		}
	}
	q = memchr(p, '?', (size_t)(end - p));
	req->path = p;
	req->path_len = (size_t)((q ? q : end) - p);
	if (q) {
		req->query = q + 1;
		req->query_len = (size_t)(end - q - 1);
	}
	return 0;
}

/* What http_semantics() gathers from the fields. */
enum {
	HTTP_F_CLOSE = 1 << 0,	    /* Connection: close */
	HTTP_F_KEEP_ALIVE = 1 << 1, /* Connection: keep-alive */
	HTTP_F_CL = 1 << 2,	    /* a Content-Length */
	HTTP_F_TE = 1 << 3,	    /* a Transfer-Encoding */
	HTTP_F_TE_CHUNKED = 1 << 4, /* its last coding so far is chunked */
	HTTP_F_TE_EARLY = 1 << 5,   /* chunked before another coding */
	HTTP_F_TE_UNKNOWN = 1 << 6, /* a coding other than chunked */
	HTTP_F_EXPECT_BAD = 1 << 7, /* an Expect other than 100-continue */
};

/*
 * The fields whose values are lists or rare: Expect, Connection,
 * Transfer-Encoding (by their length: 6, 10, 17). Apart, so that the
 * loop over the common fields stays small. Returns f with h's bits.
 */
static __attribute__((noinline)) unsigned int
http_semantics_rare(struct http_request *req, const struct http_header *h,
		    unsigned int f)
{
	const char *p = h->value, *end = p + h->value_len, *s;
	size_t n;

	switch (h->name_len) {
	case 6:
		if (!http_name_eq(h->name, "expect", 6))
			break;
		if (HTTP_IEQ(h->value, h->value_len, "100-continue"))
			req->expect_continue = true;
		else
			f |= HTTP_F_EXPECT_BAD;
		break;
	case 10:
		if (!http_name_eq(h->name, "connection", 10))
			break;
		while (http_list_next(&p, end, &s, &n)) {
			if (HTTP_IEQ(s, n, "close"))
				f |= HTTP_F_CLOSE;
			else if (HTTP_IEQ(s, n, "keep-alive"))
				f |= HTTP_F_KEEP_ALIVE;
		}
		break;
	case 17:
		if (!http_name_eq(h->name, "transfer-encoding", 17))
			break;
		/* Several fields form one list (RFC 9110 §5.3). */
		f |= HTTP_F_TE;
		while (http_list_next(&p, end, &s, &n)) {
			if (f & HTTP_F_TE_CHUNKED)
				f |= HTTP_F_TE_EARLY;
			if (HTTP_IEQ(s, n, "chunked"))
				f |= HTTP_F_TE_CHUNKED;
			else
				f = (f & ~(unsigned int)HTTP_F_TE_CHUNKED) |
				    HTTP_F_TE_UNKNOWN;
		}
		break;
	}
	return f;
}

/*
 * Framing and connection semantics of a complete head (§6, §9.3, RFC 9110
 * §7.2, §10.1.1). Returns 0 or the status to answer.
 */
int
http_semantics(struct http_request *req, const struct http_seen *seen)
{
	unsigned int f = 0, hosts = seen->hosts;

	/* What the fields' own loop would stop at, all 400: an invalid
	 * Host (§3.2), a bad Content-Length or a second one (strict: even
	 * when equal, rather than folded as RFC 9110 §8.6 permits). */
	if (seen->host_bad || seen->cls > 1 || seen->cl_bad)
		return 400;
	if (seen->cls) {
		req->content_length = seen->cl;
		f |= HTTP_F_CL;
	}
	for (size_t i = 0; seen->rare && i < req->num_headers; i++) {
		size_t n = req->headers[i].name_len;

		if (n == 6 || n == 10 || n == 17)
			f = http_semantics_rare(req, &req->headers[i], f);
	}
	/* §3.2: exactly one Host on 1.1; never more than one. */
	if (hosts > 1 || (hosts == 0 && req->minor_version == 1))
		return 400;
	if (f & HTTP_F_TE) {
		/* §6.1: both framings at once is how requests are smuggled;
		 * 1.0 has no Transfer-Encoding, so its framing is faulty. */
		if ((f & HTTP_F_CL) || req->minor_version == 0)
			return 400;
		/* §6.3 rule 4: chunked must be final; §7.1: only once. */
		if (!(f & HTTP_F_TE_CHUNKED) || (f & HTTP_F_TE_EARLY))
			return 400;
		if (f & HTTP_F_TE_UNKNOWN)
			return 501; /* §6.1: a coding we do not understand */
		req->chunked = true;
	}
	if (f & HTTP_F_EXPECT_BAD)
		return 417;
	/* RFC 9110 §10.1.1: 100-continue from a 1.0 client is ignored. */
	if (req->minor_version == 0)
		req->expect_continue = false;
	req->has_host = hosts == 1;
	req->keep_alive = req->minor_version
				  ? !(f & HTTP_F_CLOSE)
				  : (f & (HTTP_F_KEEP_ALIVE | HTTP_F_CLOSE)) ==
					    HTTP_F_KEEP_ALIVE;
	return 0;
}

void
http_request_reset(struct http_request *req)
{
	req->method = HTTP_M_UNKNOWN;
	req->method_str = req->target = req->path = req->query = NULL;
	req->method_len = req->target_len = req->path_len = 0;
	req->query_len = 0;
	req->minor_version = 0;
	req->num_headers = 0;
	req->content_length = -1;
	req->chunked = req->keep_alive = false;
	req->expect_continue = req->has_host = false;
}

/*
 * The request line is complete (its LF at p - 1): the version we speak
 * (RFC 9110 §15.6.6), the method, the target's form. 0 or the status.
 */
int
http_request_line_done(const char *buf, size_t ls, size_t ts, size_t vs,
		       struct http_request *req)
{
	const char *v = buf + vs;
	int status = 400;

	if (v[5] != '1' || v[7] > '1')
		return 505;
	req->method_str = buf + ls;
	req->method_len = ts - 1 - ls;
	req->target = buf + ts;
	req->target_len = vs - 1 - ts;
	req->minor_version = v[7] - '0';
	req->method = http_method_of(req->method_str, req->method_len);
	if (http_target_form(req, &status))
		return status;
	return 0;
}

int
http_parse_resume(struct http_parse_state *st, const char *buf, size_t len,
		  const struct http_limits *lim, struct http_request *req,
		  int *status)
{
	static const struct http_limits defaults = {
		HTTP_DEFAULT_MAX_REQUEST_LINE,
		HTTP_DEFAULT_MAX_HEADER_BYTES,
		HTTP_MAX_HEADERS,
	};

	if (!lim)
		lim = &defaults;
	switch (http_isa_cur) {
	case HTTP_ISA_AVX2:
		if (!st->pos) {
			int rc = http_head_avx2(st, buf, len, lim, req, status);

			if (rc != HTTP_HEAD_NO)
				return rc;
		}
		return http_machine_avx2(st, buf, len, lim, req, status);
	case HTTP_ISA_SSE42:
		if (!st->pos) {
			int rc = http_head_sse42(st, buf, len, lim, req, status);

			if (rc != HTTP_HEAD_NO)
				return rc;
		}
		return http_machine_sse42(st, buf, len, lim, req, status);
	default:
		return http_machine_scalar(st, buf, len, lim, req, status);
	}
}

/* One pass over a whole head, counted in st->scanned. */
int
http_parse_request_st(struct http_parse_state *st, const char *buf, size_t len,
		      const struct http_limits *lim, struct http_request *req,
		      int *status)
{
	struct http_parse_state one = { 0 };
	int rc = http_parse_resume(&one, buf, len, lim, req, status);

	st->scanned += one.scanned;
	return rc;
}

int
http_parse_request(const char *buf, size_t len, const struct http_limits *lim,
		   struct http_request *req, int *status)
{
	struct http_parse_state st = { 0 };

	return http_parse_resume(&st, buf, len, lim, req, status);
}

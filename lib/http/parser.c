/* SPDX-License-Identifier: BSD-3-Clause */
/* parser.c: zero-copy HTTP/1.1 request head parser (resumable). */
#include <string.h>

#include "http/chars.h"
#include "http/parser.h"

/*
 * Every check below looks only at bytes already scanned, in stream order,
 * and needs at most one byte of lookahead (the LF after a CR), which it
 * waits for. That is what makes a prefix of an input answer INCOMPLETE or
 * exactly what the whole input answers.
 */

/* Limits are clamped so that a head length always fits an int. */
#define HTTP_LIMIT_CAP ((size_t)1 << 30)

#define HTTP_FAIL(code)                                                        \
	do {                                                                   \
		*status = (code);                                              \
		return HTTP_PARSE_ERROR;                                       \
	} while (0)

/* a[0..n) equals the lower-case literal lit, ignoring ASCII case. */
#define HTTP_IEQ(a, n, lit) http_ieq((a), (n), (lit), sizeof(lit) - 1)

/* clang-format off */
/* RFC 9110 §5.6.2 tchar: methods and field names are tokens. */
const uint8_t http_tchar[256] = {
	['!'] = 1, ['#' ... '\''] = 1, ['*'] = 1, ['+'] = 1, ['-'] = 1,
	['.'] = 1, ['0' ... '9'] = 1, ['A' ... 'Z'] = 1, ['^' ... 'z'] = 1,
	['|'] = 1, ['~'] = 1,
};

/* request-target bytes (§3.2): visible ASCII, no SP, CTL or obs-text. */
static const uint8_t http_target_char[256] = {
	['!' ... '~'] = 1,
};

/* field-value bytes (RFC 9110 §5.5): VCHAR, SP, HTAB, obs-text. */
const uint8_t http_field_char[256] = {
	['\t'] = 1, [' ' ... '~'] = 1, [0x80 ... 0xff] = 1,
};

/* Host bytes (RFC 3986 §3.2.2 reg-name, IP-literal, ":" port). */
static const uint8_t http_host_char[256] = {
	['!'] = 1, ['$' ... '.'] = 1, ['0' ... ';'] = 1, ['='] = 1,
	['A' ... '['] = 1, [']'] = 1, ['_'] = 1, ['a' ... 'z'] = 1, ['~'] = 1,
};
/* clang-format on */

static const char http_root[] = "/";

static bool
http_ieq(const char *a, size_t n, const char *lit, size_t lit_len)
{
	if (n != lit_len)
		return false;
	for (size_t i = 0; i < n; i++)
		if (http_lower((uint8_t)a[i]) != (uint8_t)lit[i])
			return false;
	return true;
}

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

/* clang-format off */
/* Methods are case-sensitive (RFC 9110 §9.1); the common ones first. */
static const struct {
	char name[8];
	uint8_t len;
	uint8_t method;
} http_methods[] = {
	{ "GET", 3, HTTP_M_GET },         { "POST", 4, HTTP_M_POST },
	{ "HEAD", 4, HTTP_M_HEAD },       { "PUT", 3, HTTP_M_PUT },
	{ "PATCH", 5, HTTP_M_PATCH },     { "DELETE", 6, HTTP_M_DELETE },
	{ "OPTIONS", 7, HTTP_M_OPTIONS }, { "CONNECT", 7, HTTP_M_CONNECT },
	{ "TRACE", 5, HTTP_M_TRACE },
};
/* clang-format on */

static enum http_method
http_method_of(const char *m, size_t n)
{
	for (size_t i = 0; i < sizeof(http_methods) / sizeof(http_methods[0]);
	     i++)
		if (http_methods[i].len == n &&
		    !memcmp(m, http_methods[i].name, n))
			return (enum http_method)http_methods[i].method;
	return HTTP_M_UNKNOWN;
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

/* Content-Length = 1*DIGIT (RFC 9110 §8.6), within int64_t. */
static int
http_content_length(const char *s, size_t n, int64_t *out)
{
	uint64_t v = 0;

	if (n == 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		unsigned int d = (unsigned int)((uint8_t)s[i] - '0');

		if (d > 9 || v > ((uint64_t)INT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = (int64_t)v;
	return 0;
}

/*
 * Framing and connection semantics of a complete head (§6, §9.3, RFC 9110
 * §7.2, §10.1.1). Returns 0 or the status to answer.
 */
static int
http_semantics(struct http_request *req)
{
	bool close = false, ka = false, cl = false, te = false;
	bool te_last_chunked = false, te_chunked_early = false;
	bool te_unknown = false, expect_bad = false;
	int hosts = 0;

	for (size_t i = 0; i < req->num_headers; i++) {
		const struct http_header *h = &req->headers[i];
		const char *p = h->value, *end = p + h->value_len, *s;
		size_t n;

		switch (h->name_len) {
		case 4:
			if (!HTTP_IEQ(h->name, 4, "host"))
				break;
			hosts++;
			for (n = 0; n < h->value_len; n++)
				if (!http_host_char[(uint8_t)h->value[n]])
					return 400; /* §3.2 invalid Host */
			break;
		case 6:
			if (!HTTP_IEQ(h->name, 6, "expect"))
				break;
			if (HTTP_IEQ(h->value, h->value_len, "100-continue"))
				req->expect_continue = true;
			else
				expect_bad = true;
			break;
		case 10:
			if (!HTTP_IEQ(h->name, 10, "connection"))
				break;
			while (http_list_next(&p, end, &s, &n)) {
				if (HTTP_IEQ(s, n, "close"))
					close = true;
				else if (HTTP_IEQ(s, n, "keep-alive"))
					ka = true;
			}
			break;
		case 14:
			if (!HTTP_IEQ(h->name, 14, "content-length"))
				break;
			/* Strict: a second one is refused even when equal,
			 * rather than folded as RFC 9110 §8.6 permits. */
			if (cl || http_content_length(h->value, h->value_len,
						      &req->content_length))
				return 400;
			cl = true;
			break;
		case 17:
			if (!HTTP_IEQ(h->name, 17, "transfer-encoding"))
				break;
			/* Several fields form one list (RFC 9110 §5.3). */
			te = true;
			while (http_list_next(&p, end, &s, &n)) {
				if (te_last_chunked)
					te_chunked_early = true;
				te_last_chunked = HTTP_IEQ(s, n, "chunked");
				if (!te_last_chunked)
					te_unknown = true;
			}
			break;
		}
	}
	/* §3.2: exactly one Host on 1.1; never more than one. */
	if (hosts > 1 || (hosts == 0 && req->minor_version == 1))
		return 400;
	if (te) {
		/* §6.1: both framings at once is how requests are smuggled;
		 * 1.0 has no Transfer-Encoding, so its framing is faulty. */
		if (cl || req->minor_version == 0)
			return 400;
		/* §6.3 rule 4: chunked must be final; §7.1: only once. */
		if (!te_last_chunked || te_chunked_early)
			return 400;
		if (te_unknown)
			return 501; /* §6.1: a coding we do not understand */
		req->chunked = true;
	}
	if (expect_bad)
		return 417;
	/* RFC 9110 §10.1.1: 100-continue from a 1.0 client is ignored. */
	if (req->minor_version == 0)
		req->expect_continue = false;
	req->has_host = hosts == 1;
	req->keep_alive = req->minor_version ? !close : ka && !close;
	return 0;
}

static void
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
 * The head as a resumable scan (struct http_parse_state). Each phase
 * below resumes where the previous call stopped, with the position of
 * the tokens it needs kept as offsets: a head that arrives in pieces is
 * judged byte by byte exactly once, and the checks run in the order and
 * at the byte the one-call parse would run them.
 */
enum {
	HTTP_PS_LEAD,	 /* empty lines before the request line (§2.2) */
	HTTP_PS_LEAD_LF, /* LF of such a line */
	HTTP_PS_METHOD,
	HTTP_PS_TARGET,
	HTTP_PS_VERSION, /* "HTTP/x.y" and the CR after it */
	HTTP_PS_RL_LF,	 /* LF ending the request line */
	HTTP_PS_LINE,	 /* a field line starts, or the blank line */
	HTTP_PS_NAME,
	HTTP_PS_VALUE,
	HTTP_PS_LF,	/* LF ending a field line */
	HTTP_PS_END_LF, /* LF of the blank line */
	HTTP_PS_DONE,
};

/* Stop the scan with an error status (the state stays where it failed). */
#define HTTP_STOP(code)                                                        \
	do {                                                                   \
		*status = (code);                                              \
		goto fail;                                                     \
	} while (0)

static inline size_t
http_min(size_t a, size_t b)
{
	return a < b ? a : b;
}

/*
 * The request line is complete (its LF at p - 1): the version we speak
 * (RFC 9110 §15.6.6), the method, the target's form. 0 or the status.
 */
static int
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

static int http_parse_request_st(struct http_parse_state *st,
				 const char *buf, size_t len,
				 const struct http_limits *lim,
				 struct http_request *req, int *status);

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
	size_t max_rl, max_hb, max_h, p = st->pos, start = p, rend, hend, stop;
	size_t vs, ve;
	/* The state in registers while scanning; stored when stopping. */
	size_t ls = 0, ts = 0, mark = 0, ne = 0, hs = 0, nh = 0;
	uint8_t phase = 0, lead = 0;
	int rc;

	if (!lim)
		lim = &defaults;
	max_rl = lim->max_request_line < HTTP_LIMIT_CAP ? lim->max_request_line
							: HTTP_LIMIT_CAP;
	max_hb = lim->max_header_bytes < HTTP_LIMIT_CAP ? lim->max_header_bytes
							: HTTP_LIMIT_CAP;
	max_h = lim->max_headers < HTTP_MAX_HEADERS ? lim->max_headers
						    : HTTP_MAX_HEADERS;
	http_request_reset(req);
	if (p == 0)
		goto lead; /* a new head: the common case */
	if (p > len) {
		/* Fewer bytes than judged before: not the same head. */
		memset(st, 0, sizeof(*st));
		p = start = 0;
		goto lead;
	}
	ls = st->ls;
	ts = st->ts;
	mark = st->mark;
	ne = st->ne;
	hs = st->hs;
	nh = st->nh;
	phase = st->phase;
	lead = st->lead;
	switch (phase) {
	case HTTP_PS_LEAD:
		goto lead;
	case HTTP_PS_LEAD_LF:
		goto lead_lf;
	case HTTP_PS_METHOD:
		goto method;
	case HTTP_PS_TARGET:
		goto target;
	case HTTP_PS_VERSION:
		goto version;
	case HTTP_PS_RL_LF:
		goto rl_lf;
	case HTTP_PS_LINE:
	case HTTP_PS_NAME:
	case HTTP_PS_VALUE:
	case HTTP_PS_LF:
		hend = hs + max_hb;
		stop = http_min(len, hend);
		if (phase == HTTP_PS_LINE)
			goto line;
		if (phase == HTTP_PS_NAME)
			goto name;
		if (phase == HTTP_PS_VALUE)
			goto value;
		goto lf;
	case HTTP_PS_END_LF:
		goto end_lf;
	default:
		goto done;
	}
lead:
	/* §2.2: a few empty lines before the request line are ignored. */
	while (lead < HTTP_MAX_LEADING_CRLF) {
		if (p == len)
			goto more;
		if (buf[p] != '\r')
			break;
		p++;
		phase = HTTP_PS_LEAD_LF;
lead_lf:
		if (p == len)
			goto more;
		if (buf[p] != '\n')
			HTTP_STOP(400);
		p++;
		lead++;
		phase = HTTP_PS_LEAD;
	}
	/*
	 * request-line = method SP request-target SP HTTP-version CRLF (§3).
	 * A byte at ls + max_request_line or later that is not the line's
	 * CR means the line is too long (414).
	 */
	ls = p;
	phase = HTTP_PS_METHOD;
method:
	rend = ls + max_rl;
	stop = http_min(len, rend);
	while (p < stop && http_tchar[(uint8_t)buf[p]])
		p++;
	if (p == len)
		goto more;
	if (p >= rend && buf[p] != '\r')
		HTTP_STOP(414);
	/* §3: exactly one SP; leading whitespace is not a method. */
	if (buf[p] != ' ' || p == ls)
		HTTP_STOP(400);
	ts = ++p;
	phase = HTTP_PS_TARGET;
target:
	rend = ls + max_rl;
	stop = http_min(len, rend);
	while (p < stop && http_target_char[(uint8_t)buf[p]])
		p++;
	if (p == len)
		goto more;
	if (p >= rend && buf[p] != '\r')
		HTTP_STOP(414);
	if (buf[p] != ' ' || p == ts)
		HTTP_STOP(400);
	mark = ++p;
	phase = HTTP_PS_VERSION;
version:
	/* HTTP-version = "HTTP/" DIGIT "." DIGIT (§2.3), byte by byte so
	 * that junk fails at once rather than at the length limit. */
	rend = ls + max_rl;
	for (; p < len && p - mark < 8; p++) {
		uint8_t c = (uint8_t)buf[p];
		char want = "HTTP/0.0"[p - mark];

		if (p >= rend && c != '\r')
			HTTP_STOP(414);
		if (want == '0' ? c < '0' || c > '9' : c != (uint8_t)want)
			HTTP_STOP(400);
	}
	if (p == len)
		goto more;
	if (p >= rend && buf[p] != '\r')
		HTTP_STOP(414);
	if (buf[p] != '\r')
		HTTP_STOP(400);
	p++;
	phase = HTTP_PS_RL_LF;
rl_lf:
	if (p == len)
		goto more;
	if (buf[p] != '\n')
		HTTP_STOP(400); /* bare CR, §2.2 */
	p++;
	rc = http_request_line_done(buf, ls, ts, mark, req);
	if (rc)
		HTTP_STOP(rc);
	/*
	 * field-line CRLF ... CRLF (§5). Every byte of a field line,
	 * its CRLF included, lies before hs + max_header_bytes; only the
	 * final blank line may start there.
	 */
	hs = p;
	nh = 0;
	phase = HTTP_PS_LINE;
	hend = hs + max_hb;
	stop = http_min(len, hend);
line:
	if (p == len)
		goto more;
	if (buf[p] == '\r') {
		p++;
		phase = HTTP_PS_END_LF;
		goto end_lf;
	}
	if (p >= hend || nh >= max_h)
		HTTP_STOP(431);
	/* §5.2 obs-fold, §2.2 whitespace after the start line, and
	 * empty names all start with a byte that is not a tchar. */
	if (!http_tchar[(uint8_t)buf[p]])
		HTTP_STOP(400);
	mark = p;
	phase = HTTP_PS_NAME;
name:
	while (p < stop && http_tchar[(uint8_t)buf[p]])
		p++;
	if (p >= hend)
		HTTP_STOP(431);
	if (p == len)
		goto more;
	/* §5.1: no whitespace between the name and the colon. */
	if (buf[p] != ':')
		HTTP_STOP(400);
	ne = p++;
	phase = HTTP_PS_VALUE;
value:
	while (p < stop && http_field_char[(uint8_t)buf[p]])
		p++;
	if (p >= hend)
		HTTP_STOP(431);
	if (p == len)
		goto more;
	/* A CTL (NUL, bare LF...) in a value, §5.5. */
	if (buf[p] != '\r')
		HTTP_STOP(400);
	if (p + 1 >= hend)
		HTTP_STOP(431);
	p++;
	phase = HTTP_PS_LF;
lf:
	if (p == len)
		goto more;
	if (buf[p] != '\n')
		HTTP_STOP(400);
	vs = ne + 1;
	ve = p - 1;
	while (vs < ve && (buf[vs] == ' ' || buf[vs] == '\t'))
		vs++;
	while (ve > vs && (buf[ve - 1] == ' ' || buf[ve - 1] == '\t'))
		ve--;
	req->headers[nh++] = (struct http_header){
		.name = buf + mark,
		.name_len = ne - mark,
		.value = buf + vs,
		.value_len = ve - vs,
	};
	p++;
	phase = HTTP_PS_LINE;
	goto line;
end_lf:
	if (p == len)
		goto more;
	if (buf[p] != '\n')
		HTTP_STOP(400);
	p++;
	st->scanned += (uint32_t)(p - start);
	st->pos = (uint32_t)p;
	st->phase = HTTP_PS_DONE;
	if (start) {
		/* Earlier calls saw the first fields and req does not hold
		 * them: one more pass, from the start, fills it. */
done:
		return http_parse_request_st(st, buf, st->pos, lim, req,
					     status);
	}
	req->num_headers = nh;
	rc = http_semantics(req);
	if (rc) {
		*status = rc;
		return HTTP_PARSE_ERROR;
	}
	return (int)p;
more:
	rc = HTTP_PARSE_INCOMPLETE;
	goto save;
fail:
	rc = HTTP_PARSE_ERROR;
save:
	st->scanned += (uint32_t)(p - start);
	st->pos = (uint32_t)p;
	st->ls = (uint32_t)ls;
	st->ts = (uint32_t)ts;
	st->mark = (uint32_t)mark;
	st->ne = (uint32_t)ne;
	st->hs = (uint32_t)hs;
	st->nh = (uint16_t)nh;
	st->phase = phase;
	st->lead = lead;
	return rc;
}

/* One pass over a whole head, counted in st->scanned. */
static int
http_parse_request_st(struct http_parse_state *st, const char *buf,
		      size_t len, const struct http_limits *lim,
		      struct http_request *req, int *status)
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

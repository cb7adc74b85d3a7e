/* SPDX-License-Identifier: BSD-3-Clause */
/* parser.c: zero-copy HTTP/1.1 request head parser and chunked decoder. */
#include <string.h>

#include "http/parser.h"

/* RFC 9110 §5.6.2 tchar. */
static const uint8_t http_tchar[256] = {
	['!'] = 1, ['#'] = 1, ['$'] = 1, ['%'] = 1, ['&'] = 1, ['\''] = 1,
	['*'] = 1, ['+'] = 1, ['-'] = 1, ['.'] = 1, ['^'] = 1, ['_'] = 1,
	['`'] = 1, ['|'] = 1, ['~'] = 1,
	['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1,
	['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1,
	['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1,
	['G'] = 1, ['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1,
	['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1,
	['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1,
	['Y'] = 1, ['Z'] = 1,
	['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1,
	['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1,
	['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1,
	['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1,
	['y'] = 1, ['z'] = 1,
};

/* Field value bytes (§5.5): VCHAR, SP, HTAB, obs-text; no CTL. */
static inline bool
http_value_char(uint8_t c)
{
	return c >= 0x20 ? c != 0x7f : c == '\t';
}

/* request-target bytes: visible ASCII only (no SP, CTL or 8-bit). */
static inline bool
http_target_char(uint8_t c)
{
	return c > 0x20 && c < 0x7f;
}

static bool
http_ieq(const char *a, size_t alen, const char *lit)
{
	size_t n = strlen(lit);

	if (alen != n)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = a[i];

		if (c >= 'A' && c <= 'Z')
			c = (char)(c + 32);
		if (c != lit[i])
			return false;
	}
	return true;
}

bool
http_header_is(const struct http_header *h, const char *name)
{
	return http_ieq(h->name, h->name_len, name);
}

int
http_find_header(const struct http_request *r, const char *name)
{
	for (size_t i = 0; i < r->num_headers; i++)
		if (http_header_is(&r->headers[i], name))
			return (int)i;
	return -1;
}

static enum http_method
http_method_of(const char *m, size_t n)
{
	switch (n) {
	case 3:
		if (!memcmp(m, "GET", 3))
			return HTTP_M_GET;
		if (!memcmp(m, "PUT", 3))
			return HTTP_M_PUT;
		break;
	case 4:
		if (!memcmp(m, "POST", 4))
			return HTTP_M_POST;
		if (!memcmp(m, "HEAD", 4))
			return HTTP_M_HEAD;
		break;
	case 5:
		if (!memcmp(m, "PATCH", 5))
			return HTTP_M_PATCH;
		if (!memcmp(m, "TRACE", 5))
			return HTTP_M_TRACE;
		break;
	case 6:
		if (!memcmp(m, "DELETE", 6))
			return HTTP_M_DELETE;
		break;
	case 7:
		if (!memcmp(m, "OPTIONS", 7))
			return HTTP_M_OPTIONS;
		if (!memcmp(m, "CONNECT", 7))
			return HTTP_M_CONNECT;
		break;
	}
	return HTTP_M_UNKNOWN;
}

/*
 * The end of the line starting at from: index of its CR (followed by LF).
 * HTTP_PARSE_INCOMPLETE when no line end yet; HTTP_PARSE_ERROR for a bare
 * LF or a CR not followed by LF (§2.2: we do not accept bare LF).
 */
static long
http_eol(const char *buf, size_t from, size_t len)
{
	const char *p = buf + from, *end = buf + len;
	const char *cr = memchr(p, '\r', (size_t)(end - p));
	const char *lf = memchr(p, '\n', (size_t)((cr ? cr : end) - p));

	if (lf)
		return HTTP_PARSE_ERROR;
	if (!cr)
		return HTTP_PARSE_INCOMPLETE;
	if (cr + 1 == end)
		return HTTP_PARSE_INCOMPLETE;
	if (cr[1] != '\n')
		return HTTP_PARSE_ERROR;
	return cr - buf;
}

#define FAIL(code) do { *status = (code); return HTTP_PARSE_ERROR; } while (0)

/* method SP request-target SP HTTP-version (§3), line [ls, le). */
static int
http_request_line(const char *buf, size_t ls, size_t le,
		  struct http_request *req, int *status)
{
	size_t p = ls, t;
	const char *v;

	while (p < le && http_tchar[(uint8_t)buf[p]])
		p++;
	if (p == ls || p >= le || buf[p] != ' ')
		FAIL(400);
	req->method_str = buf + ls;
	req->method_len = p - ls;
	req->method = http_method_of(buf + ls, p - ls);
	t = ++p;
	while (p < le && http_target_char((uint8_t)buf[p]))
		p++;
	if (p == t || p >= le || buf[p] != ' ')
		FAIL(400);
	req->target = buf + t;
	req->target_len = p - t;
	p++;
	if (le - p != 8 || memcmp(buf + p, "HTTP/", 5) != 0 ||
	    buf[p + 5] < '0' || buf[p + 5] > '9' || buf[p + 6] != '.' ||
	    buf[p + 7] < '0' || buf[p + 7] > '9')
		FAIL(400);
	v = buf + p + 5;
	if (v[0] != '1' || (v[2] != '0' && v[2] != '1'))
		FAIL(505);
	req->minor_version = v[2] - '0';
	/* Target forms (§3.2): origin, absolute, asterisk (OPTIONS only). */
	{
		const char *tg = req->target, *q;
		size_t tl = req->target_len;

		if (tg[0] == '*') {
			if (tl != 1 || req->method != HTTP_M_OPTIONS)
				FAIL(400);
			req->path = tg;
			req->path_len = 1;
		} else if (tg[0] == '/') {
			req->path = tg;
			req->path_len = tl;
		} else {
			size_t skip = tl >= 7 && http_ieq(tg, 7, "http://") ? 7 :
				      tl >= 8 && http_ieq(tg, 8, "https://") ? 8 : 0;
			const char *slash;

			if (!skip)
				FAIL(400);
			slash = memchr(tg + skip, '/', tl - skip);
			q = memchr(tg + skip, '?', tl - skip);
			if (!slash || (q && q < slash)) {
				req->path = "/";
				req->path_len = 1;
				req->query = q ? q + 1 : NULL;
				req->query_len = q ? (size_t)(tg + tl - q - 1) : 0;
				return 0;
			}
			req->path = slash;
			req->path_len = (size_t)(tg + tl - slash);
		}
		q = memchr(req->path, '?', req->path_len);
		if (q) {
			req->query = q + 1;
			req->query_len = (size_t)(req->path + req->path_len - q - 1);
			req->path_len = (size_t)(q - req->path);
		}
	}
	return 0;
}

/* Content-Length: 1*DIGIT, at most 15 digits (no overflow, §8.6). */
static int
http_content_length(const struct http_header *h, int64_t *out)
{
	int64_t v = 0;

	if (h->value_len == 0 || h->value_len > 15)
		return -1;
	for (size_t i = 0; i < h->value_len; i++) {
		uint8_t c = (uint8_t)h->value[i];

		if (c < '0' || c > '9')
			return -1;
		v = v * 10 + (c - '0');
	}
	*out = v;
	return 0;
}

/* Transfer-Encoding: only "chunked", and last (§6.1, §7). 0, or status. */
static int
http_transfer_encoding(const struct http_header *h)
{
	const char *p = h->value, *end = h->value + h->value_len;
	int codings = 0;
	bool chunked_last = false;

	while (p < end) {
		const char *s, *e;

		while (p < end && (*p == ' ' || *p == '\t' || *p == ','))
			p++;
		if (p == end)
			break;
		s = p;
		while (p < end && *p != ',')
			p++;
		e = p;
		while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		codings++;
		chunked_last = http_ieq(s, (size_t)(e - s), "chunked");
		if (!chunked_last && !http_ieq(s, (size_t)(e - s), "identity"))
			return 501;
		if (chunked_last && codings > 1)
			return 400; /* chunked applied twice, or after another */
	}
	if (codings != 1 || !chunked_last)
		return 400;
	return 0;
}

/* Connection: comma-separated tokens, close / keep-alive (§9.3). */
static void
http_connection(const struct http_header *h, bool *close, bool *ka)
{
	const char *p = h->value, *end = h->value + h->value_len;

	while (p < end) {
		const char *s, *e;

		while (p < end && (*p == ' ' || *p == '\t' || *p == ','))
			p++;
		s = p;
		while (p < end && *p != ',')
			p++;
		e = p;
		while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		if (http_ieq(s, (size_t)(e - s), "close"))
			*close = true;
		else if (http_ieq(s, (size_t)(e - s), "keep-alive"))
			*ka = true;
	}
}

/* Derive framing from the header fields (§6). 0 or an error status. */
static int
http_semantics(struct http_request *req)
{
	bool close = false, ka = false, te = false, cl = false;
	int hosts = 0, rc;

	req->content_length = -1;
	for (size_t i = 0; i < req->num_headers; i++) {
		const struct http_header *h = &req->headers[i];

		switch (h->name_len) {
		case 4:
			if (http_header_is(h, "host"))
				hosts++;
			break;
		case 6:
			if (http_header_is(h, "expect")) {
				if (!http_ieq(h->value, h->value_len, "100-continue"))
					return 417;
				req->expect_continue = true;
			}
			break;
		case 10:
			if (http_header_is(h, "connection"))
				http_connection(h, &close, &ka);
			break;
		case 14:
			if (http_header_is(h, "content-length")) {
				/* Duplicates are refused even when equal. */
				if (cl || http_content_length(h, &req->content_length))
					return 400;
				cl = true;
			}
			break;
		case 17:
			if (http_header_is(h, "transfer-encoding")) {
				if (te)
					return 400;
				rc = http_transfer_encoding(h);
				if (rc)
					return rc;
				te = true;
			}
			break;
		}
	}
	/* §6.1: both present is a smuggling attempt. */
	if (te && cl)
		return 400;
	if (te && req->minor_version == 0)
		return 400;
	if (hosts > 1 || (hosts == 0 && req->minor_version == 1))
		return 400;
	req->has_host = hosts == 1;
	req->chunked = te;
	req->keep_alive = req->minor_version == 1 ? !close : ka && !close;
	return 0;
}

int
http_parse_request(const char *buf, size_t len, const struct http_limits *lim,
		   struct http_request *req, int *status)
{
	size_t p = 0, hs;
	long le;
	int rc;

	req->num_headers = 0;
	req->query = NULL;
	req->query_len = 0;
	req->chunked = req->expect_continue = req->has_host = false;
	req->keep_alive = false;
	req->content_length = -1;
	/* §2.2: ignore at least one empty line before the request line. */
	for (int i = 0; i < 2 && p < len && buf[p] == '\r'; i++) {
		if (p + 1 == len)
			return HTTP_PARSE_INCOMPLETE;
		if (buf[p + 1] != '\n')
			FAIL(400);
		p += 2;
	}
	le = http_eol(buf, p, len);
	if (le == HTTP_PARSE_ERROR)
		FAIL(400);
	if (le == HTTP_PARSE_INCOMPLETE) {
		if (len - p > lim->max_request_line)
			FAIL(414);
		/* An early look at what arrived: a bad method fails now. */
		for (size_t i = p; i < len && buf[i] != ' '; i++)
			if (!http_tchar[(uint8_t)buf[i]] && buf[i] != '\r')
				FAIL(400);
		return HTTP_PARSE_INCOMPLETE;
	}
	if ((size_t)le - p > lim->max_request_line)
		FAIL(414);
	rc = http_request_line(buf, p, (size_t)le, req, status);
	if (rc)
		return rc;
	p = (size_t)le + 2;
	hs = p;
	for (;;) {
		size_t ns, ne, vs, ve;

		if (p - hs > lim->max_header_bytes)
			FAIL(431);
		if (p >= len) {
			if (len - hs > lim->max_header_bytes)
				FAIL(431);
			return HTTP_PARSE_INCOMPLETE;
		}
		if (buf[p] == '\r') {
			if (p + 1 == len)
				return HTTP_PARSE_INCOMPLETE;
			if (buf[p + 1] != '\n')
				FAIL(400);
			break; /* the blank line */
		}
		/* obs-fold (§5.2) and whitespace before a name. */
		if (buf[p] == ' ' || buf[p] == '\t')
			FAIL(400);
		ns = p;
		while (p < len && http_tchar[(uint8_t)buf[p]])
			p++;
		if (p == len) {
			if (len - hs > lim->max_header_bytes)
				FAIL(431);
			return HTTP_PARSE_INCOMPLETE;
		}
		/* §5.1: no whitespace between name and colon; no empty name. */
		if (buf[p] != ':' || p == ns)
			FAIL(400);
		ne = p++;
		le = http_eol(buf, p, len);
		if (le == HTTP_PARSE_ERROR)
			FAIL(400);
		ve = le == HTTP_PARSE_INCOMPLETE ? len : (size_t)le;
		for (size_t i = p; i < ve; i++)
			if (!http_value_char((uint8_t)buf[i]) && buf[i] != '\r')
				FAIL(400);
		if (le == HTTP_PARSE_INCOMPLETE) {
			if (len - hs > lim->max_header_bytes)
				FAIL(431);
			return HTTP_PARSE_INCOMPLETE;
		}
		if (req->num_headers >= lim->max_headers ||
		    req->num_headers >= HTTP_MAX_HEADERS)
			FAIL(431);
		vs = p;
		while (vs < ve && (buf[vs] == ' ' || buf[vs] == '\t'))
			vs++;
		while (ve > vs && (buf[ve - 1] == ' ' || buf[ve - 1] == '\t'))
			ve--;
		req->headers[req->num_headers++] = (struct http_header){
			buf + ns, ne - ns, buf + vs, ve - vs };
		p = (size_t)le + 2;
	}
	if (p - hs > lim->max_header_bytes)
		FAIL(431);
	rc = http_semantics(req);
	if (rc)
		FAIL(rc);
	return (int)(p + 2);
}

/* ---- chunked bodies (§7.1) --------------------------------------------- */

enum {
	HC_SIZE,       /* chunk-size hex digits */
	HC_EXT,        /* chunk extension, skipped up to CR */
	HC_SIZE_LF,    /* LF after the size line's CR */
	HC_DATA,
	HC_DATA_CR,
	HC_DATA_LF,
	HC_TRAILER,    /* start of a trailer line or the final CRLF */
	HC_TRAILER_LINE,
	HC_TRAILER_LF,
	HC_FINAL_LF,
	HC_DONE,
};

#define HTTP_CHUNK_LINE_MAX 4096

void
http_chunked_init(struct http_chunked *d, uint64_t max_body)
{
	memset(d, 0, sizeof(*d));
	d->max_body = max_body;
	d->state = HC_SIZE;
}

static int
http_hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

#define CFAIL(code) do { d->status = (code); goto fail; } while (0)

int
http_chunked_decode(struct http_chunked *d, char *dst, const char *raw,
		    size_t raw_len, size_t *out, size_t *used)
{
	size_t i = 0, o = 0;

	while (i < raw_len && d->state != HC_DONE) {
		char c = raw[i];
		int h;

		switch (d->state) {
		case HC_SIZE:
			h = http_hex(c);
			if (h >= 0) {
				if (++d->digits > 16)
					CFAIL(400);
				d->remaining = d->remaining << 4 | (uint64_t)h;
				i++;
				break;
			}
			if (d->digits == 0 || (c != ';' && c != '\r'))
				CFAIL(400);
			if (d->remaining > d->max_body - d->total)
				CFAIL(413);
			d->state = c == ';' ? HC_EXT : HC_SIZE_LF;
			d->line = 0;
			i++;
			break;
		case HC_EXT:
			if (c == '\r')
				d->state = HC_SIZE_LF;
			else if (c == '\n' || (!http_value_char((uint8_t)c)) ||
				 ++d->line > HTTP_CHUNK_LINE_MAX)
				CFAIL(400);
			i++;
			break;
		case HC_SIZE_LF:
			if (c != '\n')
				CFAIL(400);
			i++;
			d->digits = 0;
			d->state = d->remaining ? HC_DATA : HC_TRAILER;
			break;
		case HC_DATA: {
			size_t n = raw_len - i;

			if (n > d->remaining)
				n = (size_t)d->remaining;
			memmove(dst + o, raw + i, n);
			o += n;
			i += n;
			d->remaining -= n;
			d->total += n;
			if (!d->remaining)
				d->state = HC_DATA_CR;
			break;
		}
		case HC_DATA_CR:
			if (c != '\r')
				CFAIL(400);
			d->state = HC_DATA_LF;
			i++;
			break;
		case HC_DATA_LF:
			if (c != '\n')
				CFAIL(400);
			d->state = HC_SIZE;
			i++;
			break;
		case HC_TRAILER:
			if (c == '\r') {
				d->state = HC_FINAL_LF;
			} else {
				if (!http_tchar[(uint8_t)c])
					CFAIL(400);
				d->state = HC_TRAILER_LINE;
			}
			i++;
			break;
		case HC_TRAILER_LINE:
			if (c == '\r')
				d->state = HC_TRAILER_LF;
			else if (!http_value_char((uint8_t)c) ||
				 ++d->line > HTTP_CHUNK_LINE_MAX)
				CFAIL(400);
			i++;
			break;
		case HC_TRAILER_LF:
			if (c != '\n')
				CFAIL(400);
			d->state = HC_TRAILER;
			i++;
			break;
		case HC_FINAL_LF:
			if (c != '\n')
				CFAIL(400);
			d->state = HC_DONE;
			i++;
			break;
		}
	}
	*out = o;
	*used = i;
	return d->state == HC_DONE ? 0 : HTTP_PARSE_INCOMPLETE;
fail:
	*out = o;
	*used = i;
	return HTTP_PARSE_ERROR;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/* resp_parser.c: strict zero-copy HTTP/1.1 response parser for clients. */
#include <string.h>

#include "http/resp_parser.h"

/*
 * One state machine over the response's bytes in order, RFC 9112 §4
 * (status line), §5 (fields), §6.3 (body length), §7.1 (chunked). Each
 * byte is judged once, from the state and the bytes already judged
 * (stored as offsets, since the buffer may move between calls); nothing
 * looks ahead. That makes every split of an input give the same answer,
 * and the work linear in its length.
 */

#define RESP_LIMIT_CAP ((size_t)1 << 30)

enum {
	RS_VERSION, /* "HTTP/" DIGIT "." DIGIT SP, p->count bytes matched */
	RS_CODE,    /* 3DIGIT, p->count matched */
	RS_CODE_SP,
	RS_REASON,
	RS_REASON_LF,
	RS_LINE, /* start of a field line or of the blank line */
	RS_NAME,
	RS_OWS, /* between the colon and the value */
	RS_VALUE,
	RS_VALUE_LF,
	RS_BLANK_LF,
	RS_BODY,  /* Content-Length data */
	RS_CLOSE, /* data until EOF */
	RS_CHUNK_SIZE,
	RS_CHUNK_BWS, /* whitespace between chunk-size and ';' */
	RS_CHUNK_EXT,
	RS_CHUNK_LF,
	RS_CHUNK_DATA,
	RS_CHUNK_DATA_CR,
	RS_CHUNK_DATA_LF,
	RS_DONE,
	RS_ERROR,
};

/* clang-format off */
/* RFC 9110 §5.6.2 tchar: field names are tokens. */
static const uint8_t resp_tchar[256] = {
	['!'] = 1, ['#' ... '\''] = 1, ['*'] = 1, ['+'] = 1, ['-'] = 1,
	['.'] = 1, ['0' ... '9'] = 1, ['A' ... 'Z'] = 1, ['^' ... 'z'] = 1,
	['|'] = 1, ['~'] = 1,
};

/* Field values, reason phrase, chunk-ext: VCHAR, SP, HTAB, obs-text. */
static const uint8_t resp_text[256] = {
	['\t'] = 1, [' ' ... '~'] = 1, [0x80 ... 0xff] = 1,
};

/* Hex digit value plus one; 0 for any other byte. */
static const uint8_t resp_hex1[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5, ['5'] = 6,
	['6'] = 7, ['7'] = 8, ['8'] = 9, ['9'] = 10,
	['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
	['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};
/* clang-format on */

static const char *const resp_err_names[] = {
	[HTTP_RESPONSE_E_NONE] = "none",
	[HTTP_RESPONSE_E_SYNTAX] = "syntax",
	[HTTP_RESPONSE_E_VERSION] = "version",
	[HTTP_RESPONSE_E_STATUS_LINE_LONG] = "status-line-too-long",
	[HTTP_RESPONSE_E_HEADER_BYTES] = "header-bytes",
	[HTTP_RESPONSE_E_HEADER_COUNT] = "header-count",
	[HTTP_RESPONSE_E_CONTENT_LENGTH] = "content-length",
	[HTTP_RESPONSE_E_TRANSFER_CODING] = "transfer-coding",
	[HTTP_RESPONSE_E_CHUNK] = "chunk",
	[HTTP_RESPONSE_E_BODY_TOO_LARGE] = "body-too-large",
	[HTTP_RESPONSE_E_TRUNCATED] = "truncated",
};

static inline bool
resp_ows(uint8_t c)
{
	return c == ' ' || c == '\t';
}

/* a[0..n) equals the lower-case literal lit, ignoring ASCII case. */
static bool
resp_ieq(const char *a, size_t n, const char *lit)
{
	if (n != strlen(lit))
		return false;
	for (size_t i = 0; i < n; i++) {
		uint8_t c = (uint8_t)a[i];

		if ((c >= 'A' && c <= 'Z' ? c | 0x20 : c) != (uint8_t)lit[i])
			return false;
	}
	return true;
}

/*
 * Next element of the comma-separated list v[*i..n) (RFC 9110 §5.6.1),
 * OWS trimmed, possibly empty; false when the list is done.
 */
static bool
resp_list_next(const char *v, size_t n, size_t *i, const char **e, size_t *elen)
{
	size_t s, end;

	if (*i > n)
		return false;
	s = *i;
	while (s < n && resp_ows((uint8_t)v[s]))
		s++;
	end = s;
	while (end < n && v[end] != ',')
		end++;
	*i = end + 1;
	*e = v + s;
	while (end > s && resp_ows((uint8_t)v[end - 1]))
		end--;
	*elen = end - s;
	return true;
}

void
http_response_parser_init(struct http_response_parser *p,
			  const struct http_response_limits *lim,
			  http_response_body_fn on_body, void *arg)
{
	struct http_response_limits l = {0};

	if (lim)
		l = *lim;
	if (!l.max_status_line)
		l.max_status_line = HTTP_RESPONSE_DEFAULT_MAX_STATUS_LINE;
	if (!l.max_header_bytes)
		l.max_header_bytes = HTTP_RESPONSE_DEFAULT_MAX_HEADER_BYTES;
	if (!l.max_headers || l.max_headers > HTTP_RESPONSE_MAX_HEADERS)
		l.max_headers = HTTP_RESPONSE_MAX_HEADERS;
	if (l.max_status_line > RESP_LIMIT_CAP)
		l.max_status_line = RESP_LIMIT_CAP;
	if (l.max_header_bytes > RESP_LIMIT_CAP)
		l.max_header_bytes = RESP_LIMIT_CAP;
	if (!l.max_body)
		l.max_body = UINT64_MAX;
	p->lim = l;
	p->on_body = on_body;
	p->arg = arg;
	http_response_parser_reset(p, false);
}

void
http_response_parser_reset(struct http_response_parser *p, bool head_request)
{
	/* Everything after the configuration; hdr[] is written before read. */
	memset(&p->scanned, 0,
	       offsetof(struct http_response_parser, hdr) -
		       offsetof(struct http_response_parser, scanned));
	p->content_length = -1;
	p->state = RS_VERSION;
	p->head_request = head_request;
}

/* A complete field line of the head: keep it, and act on framing fields. */
static enum http_response_err
resp_field(struct http_response_parser *p, const char *buf)
{
	const char *name = buf + p->line_off, *v = buf + p->value_off, *e;
	size_t nlen = p->name_end - p->line_off;
	size_t vlen = p->value_end - p->value_off, i = 0, elen;

	p->hdr[p->nh].name = p->line_off;
	p->hdr[p->nh].name_len = (uint32_t)nlen;
	p->hdr[p->nh].value = p->value_off;
	p->hdr[p->nh].value_len = (uint32_t)vlen;
	p->nh++;
	if (resp_ieq(name, nlen, "content-length")) {
		/* RFC 9110 §8.6: 1*DIGIT; equal duplicates may be accepted. */
		int64_t cl = 0;

		if (!vlen)
			return HTTP_RESPONSE_E_CONTENT_LENGTH;
		for (i = 0; i < vlen; i++) {
			int d = v[i] - '0';

			if (d < 0 || d > 9 || cl > (INT64_MAX - d) / 10)
				return HTTP_RESPONSE_E_CONTENT_LENGTH;
			cl = cl * 10 + d;
		}
		if (p->content_length >= 0 && p->content_length != cl)
			return HTTP_RESPONSE_E_CONTENT_LENGTH;
		p->content_length = cl;
	} else if (resp_ieq(name, nlen, "transfer-encoding")) {
		/* RFC 9112 §6.1: chunked, final, once; no other coding. */
		while (resp_list_next(v, vlen, &i, &e, &elen)) {
			if (!elen)
				continue;
			if (p->chunked || !resp_ieq(e, elen, "chunked"))
				return HTTP_RESPONSE_E_TRANSFER_CODING;
			p->chunked = true;
		}
	} else if (resp_ieq(name, nlen, "connection")) {
		/* RFC 9112 §9.3, §9.6. */
		while (resp_list_next(v, vlen, &i, &e, &elen)) {
			if (resp_ieq(e, elen, "close"))
				p->conn_close = true;
			else if (resp_ieq(e, elen, "keep-alive"))
				p->conn_keep_alive = true;
		}
	}
	return HTTP_RESPONSE_E_NONE;
}

/* The blank line ended the head: decide the body (RFC 9112 §6.3). */
static enum http_response_err
resp_head_done(struct http_response_parser *p)
{
	unsigned int st = p->status;

	/* §6.1: Transfer-Encoding on 1.0 or beside Content-Length is a
	 * framing fault; a strict client refuses the response. */
	if (p->chunked && (p->minor == 0 || p->content_length >= 0))
		return HTTP_RESPONSE_E_TRANSFER_CODING;
	p->head_len = (uint32_t)(p->pos + 1);
	if (p->head_request || st < 200 || st == 204 || st == 304) {
		p->state = RS_DONE;
	} else if (p->chunked) {
		p->count = 0; /* now the chunk-size digits */
		p->state = RS_CHUNK_SIZE;
	} else if (p->content_length >= 0) {
		if ((uint64_t)p->content_length > p->lim.max_body)
			return HTTP_RESPONSE_E_BODY_TOO_LARGE;
		p->remaining = (uint64_t)p->content_length;
		p->state = p->remaining ? RS_BODY : RS_DONE;
	} else {
		p->state = RS_CLOSE;
	}
	return HTTP_RESPONSE_E_NONE;
}

static enum http_response_body
resp_body_kind(const struct http_response_parser *p)
{
	unsigned int st = p->status;

	if (p->head_request || st < 200 || st == 204 || st == 304)
		return HTTP_RESPONSE_BODY_NONE;
	if (p->chunked)
		return HTTP_RESPONSE_BODY_CHUNKED;
	if (p->content_length >= 0)
		return HTTP_RESPONSE_BODY_LENGTH;
	return HTTP_RESPONSE_BODY_CLOSE;
}

static void
resp_fill(const struct http_response_parser *p, const char *buf,
	  struct http_response *r)
{
	r->minor_version = p->minor;
	r->status = p->status;
	r->reason = buf + p->reason_off;
	r->reason_len = p->reason_end - p->reason_off;
	r->num_headers = p->nh;
	for (uint32_t i = 0; i < p->nh; i++) {
		r->headers[i].name = buf + p->hdr[i].name;
		r->headers[i].name_len = p->hdr[i].name_len;
		r->headers[i].value = buf + p->hdr[i].value;
		r->headers[i].value_len = p->hdr[i].value_len;
	}
	r->content_length = p->content_length;
	r->chunked = p->chunked;
	r->body_kind = resp_body_kind(p);
	r->keep_alive = r->body_kind != HTTP_RESPONSE_BODY_CLOSE &&
			!p->conn_close && (p->minor == 1 || p->conn_keep_alive);
	r->head_len = p->head_len;
	r->body = NULL;
	r->body_len = 0;
	if (p->state != RS_DONE)
		return;
	if (r->body_kind == HTTP_RESPONSE_BODY_CHUNKED) {
		r->body_len = p->body_total;
		return;
	}
	r->body = buf + p->head_len;
	r->body_len = p->pos - p->head_len;
}

/* Hand data bytes buf[p->pos..+n) to the caller and pass them. */
static void
resp_data(struct http_response_parser *p, const char *buf, size_t n)
{
	if (n && p->on_body)
		p->on_body(p->arg, buf + p->pos, n);
	p->pos += n;
	p->scanned += n;
	p->body_total += n;
}

/* The status line, up to its CR; a status-line byte past the limit fails
 * first. */
static enum http_response_err
resp_status_byte(struct http_response_parser *p, const char *buf, uint8_t c)
{
	static const char ver[] = "HTTP/1.1 ";

	if (p->pos >= p->lim.max_status_line &&
	    !(p->state == RS_REASON && c == '\r'))
		return HTTP_RESPONSE_E_STATUS_LINE_LONG;
	switch (p->state) {
	case RS_VERSION:
		/* HTTP-version = "HTTP/" DIGIT "." DIGIT (case-sensitive). */
		if (p->count == 5 || p->count == 7) {
			if (c < '0' || c > '9')
				return HTTP_RESPONSE_E_SYNTAX;
		} else if (c != (uint8_t)ver[p->count]) {
			return HTTP_RESPONSE_E_SYNTAX;
		}
		if (p->count == 7) {
			if (buf[5] != '1' || c > '1')
				return HTTP_RESPONSE_E_VERSION;
			p->minor = (uint8_t)(c - '0');
		}
		if (++p->count == sizeof(ver) - 1) {
			p->count = 0;
			p->state = RS_CODE;
		}
		return HTTP_RESPONSE_E_NONE;
	case RS_CODE:
		/* RFC 9110 §15: three digits, 100..599. */
		if (c < (p->count ? '0' : '1') || c > (p->count ? '9' : '5'))
			return HTTP_RESPONSE_E_SYNTAX;
		p->status = (uint16_t)(p->status * 10 + (c - '0'));
		if (++p->count == 3)
			p->state = RS_CODE_SP;
		return HTTP_RESPONSE_E_NONE;
	case RS_CODE_SP:
		if (c != ' ')
			return HTTP_RESPONSE_E_SYNTAX;
		p->reason_off = p->reason_end = (uint32_t)(p->pos + 1);
		p->state = RS_REASON;
		return HTTP_RESPONSE_E_NONE;
	default: /* RS_REASON */
		if (c == '\r') {
			p->reason_end = (uint32_t)p->pos;
			p->state = RS_REASON_LF;
		} else if (!resp_text[c]) {
			return HTTP_RESPONSE_E_SYNTAX;
		}
		return HTTP_RESPONSE_E_NONE;
	}
}

/* One byte of a field line, in the head or in the trailers. */
static enum http_response_err
resp_field_byte(struct http_response_parser *p, const char *buf, uint8_t c)
{
	if (p->state == RS_LINE && c == '\r') {
		p->state = RS_BLANK_LF;
		return HTTP_RESPONSE_E_NONE;
	}
	if (++p->hbytes > p->lim.max_header_bytes)
		return HTTP_RESPONSE_E_HEADER_BYTES;
	switch (p->state) {
	case RS_LINE:
		/* A line opening with whitespace is obs-fold (§5.2). */
		if (!resp_tchar[c])
			return HTTP_RESPONSE_E_SYNTAX;
		if (!p->in_trailer && p->nh >= p->lim.max_headers)
			return HTTP_RESPONSE_E_HEADER_COUNT;
		p->line_off = (uint32_t)p->pos;
		p->state = RS_NAME;
		return HTTP_RESPONSE_E_NONE;
	case RS_NAME:
		/* No whitespace before the colon (§5.1). */
		if (c == ':') {
			p->name_end = (uint32_t)p->pos;
			p->state = RS_OWS;
		} else if (!resp_tchar[c]) {
			return HTTP_RESPONSE_E_SYNTAX;
		}
		return HTTP_RESPONSE_E_NONE;
	case RS_OWS:
		if (resp_ows(c))
			return HTTP_RESPONSE_E_NONE;
		p->value_off = p->value_end = (uint32_t)p->pos;
		if (c == '\r') {
			p->state = RS_VALUE_LF;
			return HTTP_RESPONSE_E_NONE;
		}
		if (!resp_text[c])
			return HTTP_RESPONSE_E_SYNTAX;
		p->value_end++;
		p->state = RS_VALUE;
		return HTTP_RESPONSE_E_NONE;
	case RS_VALUE:
		if (c == '\r')
			p->state = RS_VALUE_LF;
		else if (!resp_text[c])
			return HTTP_RESPONSE_E_SYNTAX;
		else if (!resp_ows(c))
			p->value_end = (uint32_t)p->pos + 1;
		return HTTP_RESPONSE_E_NONE;
	default: /* RS_VALUE_LF */
		if (c != '\n')
			return HTTP_RESPONSE_E_SYNTAX;
		p->state = RS_LINE;
		return p->in_trailer ? HTTP_RESPONSE_E_NONE
				     : resp_field(p, buf);
	}
}

/* One byte of chunk framing (§7.1): size line, or the CRLF after data. */
static enum http_response_err
resp_chunk_byte(struct http_response_parser *p, uint8_t c)
{
	int d;

	switch (p->state) {
	case RS_CHUNK_SIZE:
		d = resp_hex1[c] - 1;
		if (d >= 0) {
			/* 16 hex digits fill a uint64_t: refuse a 17th. */
			if (p->count == 16)
				return HTTP_RESPONSE_E_CHUNK;
			p->count++;
			p->remaining = p->remaining << 4 | (uint64_t)d;
			if (p->remaining > p->lim.max_body - p->body_total)
				return HTTP_RESPONSE_E_BODY_TOO_LARGE;
			return HTTP_RESPONSE_E_NONE;
		}
		if (!p->count)
			return HTTP_RESPONSE_E_CHUNK;
		if (c == '\r')
			p->state = RS_CHUNK_LF;
		else if (c == ';')
			p->state = RS_CHUNK_EXT;
		else if (resp_ows(c))
			p->state = RS_CHUNK_BWS;
		else
			return HTTP_RESPONSE_E_CHUNK;
		return HTTP_RESPONSE_E_NONE;
	case RS_CHUNK_BWS:
		/* BWS only before an extension, never before the CRLF. */
		if (c == ';')
			p->state = RS_CHUNK_EXT;
		else if (!resp_ows(c))
			return HTTP_RESPONSE_E_CHUNK;
		return HTTP_RESPONSE_E_NONE;
	case RS_CHUNK_EXT:
		if (c == '\r') {
			p->state = RS_CHUNK_LF;
			return HTTP_RESPONSE_E_NONE;
		}
		if (!resp_text[c] || ++p->ext > HTTP_RESPONSE_CHUNK_EXT_MAX)
			return HTTP_RESPONSE_E_CHUNK;
		return HTTP_RESPONSE_E_NONE;
	case RS_CHUNK_LF:
		if (c != '\n')
			return HTTP_RESPONSE_E_CHUNK;
		if (p->remaining) {
			p->state = RS_CHUNK_DATA;
		} else {
			/* last-chunk: the trailer section follows (§7.1.2). */
			p->in_trailer = true;
			p->hbytes = 0;
			p->state = RS_LINE;
		}
		return HTTP_RESPONSE_E_NONE;
	case RS_CHUNK_DATA_CR:
		if (c != '\r')
			return HTTP_RESPONSE_E_CHUNK;
		p->state = RS_CHUNK_DATA_LF;
		return HTTP_RESPONSE_E_NONE;
	default: /* RS_CHUNK_DATA_LF */
		if (c != '\n')
			return HTTP_RESPONSE_E_CHUNK;
		p->count = 0;
		p->ext = 0;
		p->state = RS_CHUNK_SIZE;
		return HTTP_RESPONSE_E_NONE;
	}
}

/* A byte that ends a line: the LF after a CR. */
static enum http_response_err
resp_lf_byte(struct http_response_parser *p, uint8_t c)
{
	if (c != '\n')
		return HTTP_RESPONSE_E_SYNTAX;
	if (p->state == RS_REASON_LF) {
		p->state = RS_LINE;
		return HTTP_RESPONSE_E_NONE;
	}
	/* RS_BLANK_LF */
	if (p->in_trailer) {
		p->state = RS_DONE;
		return HTTP_RESPONSE_E_NONE;
	}
	return resp_head_done(p);
}

/*
 * A run of plain bytes in the reason phrase, a field name or a value,
 * taken in one go: the checks the byte-by-byte path makes, within the
 * same limits (the byte that stops the run goes down that path).
 */
static size_t
resp_run(struct http_response_parser *p, const char *buf, size_t len)
{
	const uint8_t *s = (const uint8_t *)buf + p->pos;
	const uint8_t *cls = p->state == RS_NAME ? resp_tchar : resp_text;
	size_t n = len - p->pos, k = 0, budget, t;

	if (p->state == RS_REASON)
		budget = p->pos < p->lim.max_status_line
				 ? p->lim.max_status_line - p->pos
				 : 0;
	else
		budget = p->lim.max_header_bytes - p->hbytes;
	if (n > budget)
		n = budget;
	while (k < n && cls[s[k]])
		k++;
	if (p->state == RS_VALUE) {
		for (t = k; t && resp_ows(s[t - 1]); t--)
			;
		if (t)
			p->value_end = (uint32_t)(p->pos + t);
	}
	if (p->state != RS_REASON)
		p->hbytes += (uint32_t)k;
	p->pos += k;
	p->scanned += k;
	return k;
}

int64_t
http_response_parse(struct http_response_parser *p, const char *buf, size_t len,
		    struct http_response *r)
{
	enum http_response_err err = HTTP_RESPONSE_E_NONE;
	bool had_head = p->head_len != 0;
	uint64_t n;
	uint8_t c;

	while (p->pos < len && err == HTTP_RESPONSE_E_NONE) {
		switch (p->state) {
		case RS_BODY:
		case RS_CHUNK_DATA:
			n = len - p->pos;
			if (n > p->remaining)
				n = p->remaining;
			resp_data(p, buf, n);
			p->remaining -= n;
			if (!p->remaining)
				p->state = p->state == RS_BODY
						   ? RS_DONE
						   : RS_CHUNK_DATA_CR;
			continue;
		case RS_CLOSE:
			n = len - p->pos;
			if (n > p->lim.max_body - p->body_total) {
				resp_data(p, buf,
					  p->lim.max_body - p->body_total);
				err = HTTP_RESPONSE_E_BODY_TOO_LARGE;
				continue;
			}
			resp_data(p, buf, n);
			continue;
		case RS_REASON:
		case RS_NAME:
		case RS_VALUE:
			if (resp_run(p, buf, len))
				continue;
			break;
		case RS_DONE:
		case RS_ERROR:
			goto out;
		default:
			break;
		}
		c = (uint8_t)buf[p->pos];
		p->scanned++;
		if (p->state <= RS_REASON)
			err = resp_status_byte(p, buf, c);
		else if (p->state == RS_REASON_LF || p->state == RS_BLANK_LF)
			err = resp_lf_byte(p, c);
		else if (p->state <= RS_VALUE_LF)
			err = resp_field_byte(p, buf, c);
		else
			err = resp_chunk_byte(p, c);
		if (err == HTTP_RESPONSE_E_NONE)
			p->pos++;
	}
out:
	if (err != HTTP_RESPONSE_E_NONE) {
		p->err = err;
		p->err_off = p->pos;
		p->state = RS_ERROR;
	}
	if (p->state == RS_DONE || (!had_head && p->head_len))
		resp_fill(p, buf, r);
	else if (!p->head_len)
		r->head_len = 0;
	if (p->state == RS_ERROR)
		return HTTP_RESPONSE_INVALID;
	return p->state == RS_DONE ? (int64_t)p->pos : HTTP_RESPONSE_INCOMPLETE;
}

int64_t
http_response_parse_eof(struct http_response_parser *p, const char *buf,
			size_t len, struct http_response *r)
{
	int64_t rc = http_response_parse(p, buf, len, r);

	if (rc != HTTP_RESPONSE_INCOMPLETE)
		return rc;
	if (p->state == RS_CLOSE && p->pos == len) {
		p->state = RS_DONE;
		resp_fill(p, buf, r);
		return (int64_t)p->pos;
	}
	if (p->pos == 0 && len == 0)
		return 0;
	p->err = HTTP_RESPONSE_E_TRUNCATED;
	p->err_off = p->pos;
	p->state = RS_ERROR;
	return HTTP_RESPONSE_INVALID;
}

int
http_response_find_header(const struct http_response *r, const char *name)
{
	for (size_t i = 0; i < r->num_headers; i++)
		if (http_header_is(&r->headers[i], name))
			return (int)i;
	return -1;
}

const char *
http_response_strerror(enum http_response_err err)
{
	if ((unsigned int)err >=
	    sizeof(resp_err_names) / sizeof(*resp_err_names))
		return "unknown";
	return resp_err_names[err];
}

/* SPDX-License-Identifier: BSD-3-Clause */
/* parser.h: zero-copy HTTP/1.1 request head parser and chunked decoder. */
#ifndef LR_HTTP_PARSER_H
#define LR_HTTP_PARSER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HTTP_PARSE_ERROR (-1)
#define HTTP_PARSE_INCOMPLETE (-2)

#define HTTP_MAX_HEADERS 64
#define HTTP_DEFAULT_MAX_REQUEST_LINE 8192
#define HTTP_DEFAULT_MAX_HEADER_BYTES 16384

enum http_method {
	HTTP_M_UNKNOWN,
	HTTP_M_GET,
	HTTP_M_HEAD,
	HTTP_M_POST,
	HTTP_M_PUT,
	HTTP_M_PATCH,
	HTTP_M_DELETE,
	HTTP_M_OPTIONS,
	HTTP_M_CONNECT,
	HTTP_M_TRACE,
};

struct http_limits {
	size_t max_request_line; /* request line, CRLF excluded */
	size_t max_header_bytes; /* header fields after the request line */
	unsigned int max_headers;/* at most HTTP_MAX_HEADERS */
};

struct http_header {
	const char *name;
	size_t name_len;
	const char *value; /* OWS trimmed */
	size_t value_len;
};

/* Pointers into the caller's buffer: valid while the buffer is. */
struct http_request {
	enum http_method method;
	const char *method_str;
	size_t method_len;
	const char *target;
	size_t target_len;
	const char *path;  /* target up to '?' (absolute-form: from the path) */
	size_t path_len;
	const char *query; /* after '?', NULL when there is none */
	size_t query_len;
	int minor_version; /* HTTP/1.<minor>: 0 or 1 */
	size_t num_headers;
	struct http_header headers[HTTP_MAX_HEADERS];
	/* framing and connection semantics derived from the headers */
	int64_t content_length; /* -1 when absent */
	bool chunked;
	bool keep_alive;
	bool expect_continue;
	bool has_host;
};

/*
 * Parse the request head in buf[0..len). Strict RFC 9112: single SP in the
 * request line, CRLF line ends only (a bare CR or bare LF is 400), no
 * obs-fold, no whitespace before a field's colon, tchar field names, no
 * CTL bytes but HTAB in values, one Content-Length of digits only, never
 * both Content-Length and Transfer-Encoding, "chunked" the only and final
 * coding, Host required (once) on HTTP/1.1. Up to two empty lines before
 * the request line are skipped (§2.2). Deterministic in its input:
 * feeding a request in pieces gives the same answer as feeding it whole.
 *
 * Returns the bytes of the head (through the blank line) when complete;
 * HTTP_PARSE_INCOMPLETE when more bytes are needed and no limit is
 * exceeded yet; HTTP_PARSE_ERROR with *status set to 400 (syntax), 414
 * (request line over the limit, reported as soon as that many bytes came
 * without a line end), 431 (headers over the byte or count limit, also
 * early), 501 (an unknown transfer coding), 505 (not HTTP/1.0 or 1.1) or
 * 417 (an Expect other than 100-continue).
 */
int http_parse_request(const char *buf, size_t len,
		       const struct http_limits *lim, struct http_request *req,
		       int *status);

/* Chunked body decoder state (RFC 9112 §7.1), resumable across calls. */
struct http_chunked {
	uint64_t max_body;  /* 413 past this many decoded bytes */
	uint64_t total;     /* decoded so far */
	uint64_t remaining; /* data bytes left in the current chunk */
	uint32_t line;      /* bytes of the current size/trailer line */
	uint8_t state;
	uint8_t digits;
	int status;         /* set with an error */
};

void http_chunked_init(struct http_chunked *d, uint64_t max_body);

/*
 * Decode raw[0..raw_len) and write the data bytes to dst (dst may equal
 * raw, or lie before it: decoding in place moves data towards the front).
 * *out gets the data bytes written, *used the raw bytes consumed.
 * Returns HTTP_PARSE_INCOMPLETE (all raw consumed, more needed), 0 when
 * the last chunk, trailers and final CRLF are done (*used stops right
 * after them: what follows is the next request), or HTTP_PARSE_ERROR with
 * d->status 400 (bad size/line, over 16 hex digits, missing CRLF) or 413.
 */
int http_chunked_decode(struct http_chunked *d, char *dst, const char *raw,
			size_t raw_len, size_t *out, size_t *used);

/* Case-insensitive header name test; index of a header or -1. */
bool http_header_is(const struct http_header *h, const char *name);
int http_find_header(const struct http_request *r, const char *name);

#endif

/* SPDX-License-Identifier: BSD-3-Clause */
/* resp_parser.h: strict zero-copy HTTP/1.1 response parser for clients. */
#ifndef LR_HTTP_RESP_PARSER_H
#define LR_HTTP_RESP_PARSER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http/parser.h"

/* Return values, as picohttpparser's. */
#define HTTP_RESPONSE_INVALID (-1)
#define HTTP_RESPONSE_INCOMPLETE (-2)

#define HTTP_RESPONSE_MAX_HEADERS 64 /* hard size of http_response.headers */
#define HTTP_RESPONSE_DEFAULT_MAX_STATUS_LINE 1024
#define HTTP_RESPONSE_DEFAULT_MAX_HEADER_BYTES 16384
#define HTTP_RESPONSE_CHUNK_EXT_MAX                                            \
	4096 /* chunk-ext bytes on one size line                               \
	      */

/* Why a response was refused (http_response_parser.err). */
enum http_response_err {
	HTTP_RESPONSE_E_NONE,
	HTTP_RESPONSE_E_SYNTAX,	 /* status line, field, CRLF, bare CR/LF */
	HTTP_RESPONSE_E_VERSION, /* HTTP-version valid, not 1.0 or 1.1 */
	HTTP_RESPONSE_E_STATUS_LINE_LONG, /* over max_status_line */
	HTTP_RESPONSE_E_HEADER_BYTES,	 /* header or trailer section too big */
	HTTP_RESPONSE_E_HEADER_COUNT,	 /* more than max_headers fields */
	HTTP_RESPONSE_E_CONTENT_LENGTH,	 /* not 1*DIGIT, overflow, conflict */
	HTTP_RESPONSE_E_TRANSFER_CODING, /* not chunked, chunked twice, on 1.0,
					  * or with Content-Length */
	HTTP_RESPONSE_E_CHUNK,		 /* chunk-size, extension, data CRLF */
	HTTP_RESPONSE_E_BODY_TOO_LARGE,	 /* body past max_body */
	HTTP_RESPONSE_E_TRUNCATED,	 /* EOF inside a response */
};

/* How the body is delimited (RFC 9112 §6.3). */
enum http_response_body {
	HTTP_RESPONSE_BODY_NONE,    /* HEAD, 1xx, 204, 304 */
	HTTP_RESPONSE_BODY_LENGTH,  /* Content-Length */
	HTTP_RESPONSE_BODY_CHUNKED, /* Transfer-Encoding: chunked */
	HTTP_RESPONSE_BODY_CLOSE,   /* no length: the body ends at EOF */
};

/* Limits; 0 means the default. Head limits above 2^30 count as 2^30. */
struct http_response_limits {
	size_t max_status_line;	  /* status line bytes, CRLF excluded */
	size_t max_header_bytes;  /* field lines, CRLFs in; trailers too */
	unsigned int max_headers; /* at most HTTP_RESPONSE_MAX_HEADERS */
	uint64_t max_body;	  /* decoded body bytes; 0: no limit */
};

/*
 * A parsed response head. Pointers point into the buf of the call that
 * filled it (the call that completed the head, and again the call that
 * completed the response): valid while that buffer is.
 */
struct http_response {
	int minor_version; /* HTTP/1.<minor>: 0 or 1 */
	int status;	   /* 100..599 */
	const char *reason;
	size_t reason_len;
	size_t num_headers;
	/* Values with their OWS trimmed. */
	struct http_header headers[HTTP_RESPONSE_MAX_HEADERS];
	int64_t content_length; /* -1 when absent */
	bool chunked;
	bool keep_alive; /* the connection may carry the next request */
	enum http_response_body body_kind;
	size_t head_len; /* status line through the blank line */
	/* Set with the response complete: the body, in one piece in buf
	 * for NONE, LENGTH and CLOSE; NULL for CHUNKED, whose body_len is
	 * the decoded length (the data came to on_body). */
	const char *body;
	size_t body_len;
};

/* Body bytes as scanned: a span of the caller's buf, each byte once. */
typedef void (*http_response_body_fn)(void *arg, const char *data, size_t len);

/*
 * Resumable parser state: one per connection, reset per response. The
 * fields above "private" are for the caller to read.
 */
struct http_response_parser {
	struct http_response_limits lim; /* defaults filled in */
	http_response_body_fn on_body;	 /* may be NULL */
	void *arg;
	uint64_t scanned;	    /* bytes looked at, all calls since reset */
	enum http_response_err err; /* with HTTP_RESPONSE_INVALID */
	size_t err_off;		    /* offset in the response of the bad byte */
	/* private */
	size_t pos;	     /* bytes of the response judged so far */
	uint64_t remaining;  /* body or chunk bytes left */
	uint64_t body_total; /* decoded body bytes so far */
	int64_t content_length;
	uint32_t line_off; /* where the current line or field starts */
	uint32_t name_end, value_off, value_end;
	uint32_t hbytes; /* header (then trailer) section bytes */
	uint32_t reason_off, reason_end, head_len;
	uint32_t ext; /* extension bytes on this chunk-size line */
	uint32_t nh;
	uint16_t status;
	uint8_t state, count, minor;
	bool head_request, chunked, conn_close, conn_keep_alive, in_trailer;
	struct {
		uint32_t name, name_len, value, value_len;
	} hdr[HTTP_RESPONSE_MAX_HEADERS];
};

/*
 * Set up p with limits lim (NULL: defaults) and the body callback
 * on_body(arg, ...) (NULL: none), then reset it for a response to a
 * request other than HEAD.
 */
void http_response_parser_init(struct http_response_parser *p,
			       const struct http_response_limits *lim,
			       http_response_body_fn on_body, void *arg);

/* Forget the response in progress; the next one answers a HEAD request
 * when head_request (no body, whatever its framing fields say). */
void http_response_parser_reset(struct http_response_parser *p,
				bool head_request);

/*
 * Parse the response in buf[0..len): the bytes of the connection from
 * the response's first byte. Call again with the same bytes and more as
 * segments arrive; the buffer may move between calls (p keeps offsets,
 * never pointers). Parsing resumes where it stopped, nothing is scanned
 * twice, and the answer is the same however the bytes were split.
 *
 * Strict RFC 9112: status line "HTTP/1.x SP 3DIGIT SP reason CRLF" (1.0
 * or 1.1, 100..599; the reason of VCHAR, SP, HTAB, obs-text, possibly
 * empty, but the SP before it is required); field names are tokens with
 * no whitespace before the colon; no obs-fold; every line ends in CRLF
 * (a bare LF or bare CR is HTTP_RESPONSE_E_SYNTAX: §2.2 lets a recipient
 * refuse them); Content-Length is 1*DIGIT below 2^63, repeated only with
 * the same value; Transfer-Encoding is "chunked" alone (any case, empty
 * list elements allowed), never on HTTP/1.0, never with Content-Length;
 * a chunk-size has at most 16 hex digits; extensions and trailers are
 * checked and skipped. Without a length the body runs to EOF: see
 * http_response_parse_eof.
 *
 * Body bytes go to on_body as they are scanned, as spans of buf valid
 * for the callback's duration.
 *
 * Returns the length of the response (head and body) when complete: the
 * next response starts at buf + that, parsed after a reset. r is filled
 * when the head completes and again when the response does; before the
 * head is done only r->head_len is written (0).
 * HTTP_RESPONSE_INCOMPLETE when more bytes are needed.
 * HTTP_RESPONSE_INVALID with p->err and p->err_off set; errors are
 * sticky until reset. A limit fails as soon as the first byte past it
 * arrives (for the status line: one that is not its CR).
 */
int64_t http_response_parse(struct http_response_parser *p, const char *buf,
			    size_t len, struct http_response *r);

/*
 * The connection ended after buf[0..len) (parsed first as above).
 * Returns len when that completes a body that runs to EOF or a response
 * just completed by these bytes (its length), 0 when no byte of a
 * response was received (a clean close), HTTP_RESPONSE_INVALID otherwise
 * (p->err HTTP_RESPONSE_E_TRUNCATED, or the parse error).
 */
int64_t http_response_parse_eof(struct http_response_parser *p, const char *buf,
				size_t len, struct http_response *r);

/* Index of r's first header called name (ignoring case), or -1. */
int http_response_find_header(const struct http_response *r, const char *name);

/* A constant name for err ("syntax", "content-length", ...). */
const char *http_response_strerror(enum http_response_err err);

#endif

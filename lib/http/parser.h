/* SPDX-License-Identifier: BSD-3-Clause */
/* parser.h: zero-copy HTTP/1.1 request head parser and chunked decoder. */
#ifndef LR_HTTP_PARSER_H
#define LR_HTTP_PARSER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HTTP_PARSE_ERROR (-1)
#define HTTP_PARSE_INCOMPLETE (-2)

#define HTTP_MAX_HEADERS 64 /* hard size of http_request.headers */
#define HTTP_DEFAULT_MAX_REQUEST_LINE 8192
#define HTTP_DEFAULT_MAX_HEADER_BYTES 16384
/* Empty lines (CRLF) skipped before the request line (RFC 9112 §2.2). */
#define HTTP_MAX_LEADING_CRLF 2
/* Bounds on what the chunked decoder skips (RFC 9112 §7.1.1, §7.1.2). */
#define HTTP_CHUNK_EXT_MAX 4096	    /* chunk-ext bytes on one size line */
#define HTTP_CHUNK_TRAILER_MAX 8192 /* whole trailer section */

/* Values fit 1u << method (router.h HTTP_METHOD_BIT): keep below 32. */
enum http_method {
	HTTP_M_UNKNOWN, /* a valid token we do not know: the router answers */
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

/* Limits on a request head; values above 2^30 count as 2^30. */
struct http_limits {
	size_t max_request_line;  /* request line bytes, CRLF excluded */
	size_t max_header_bytes;  /* header lines with their CRLFs */
	unsigned int max_headers; /* at most HTTP_MAX_HEADERS */
	/* Not read by the parser: the largest body a server takes, plus
	 * one (0: not given). The head cache's fast form folds it into its
	 * armed entries (http_hc_fast_arm_w: fast_blim). */
	uint64_t body_lim;
};

struct http_header {
	const char *name;
	size_t name_len;
	const char *value; /* leading and trailing OWS trimmed */
	size_t value_len;
};

/*
 * A parsed request head. Pointers point into the caller's buffer and are
 * valid while it is, except path for an absolute-form target without a
 * path ("http://h" or "http://h?q"), which is a static "/".
 */
struct http_request {
	enum http_method method;
	const char *method_str; /* the method token as sent (case-sensitive) */
	size_t method_len;
	const char *target; /* request-target as sent */
	size_t target_len;
	const char *path; /* target up to '?'; absolute-form: from its path */
	size_t path_len;
	const char *query; /* after '?', NULL when the target has none */
	size_t query_len;
	int minor_version; /* HTTP/1.<minor>: 0 or 1 */
	size_t num_headers;
	struct http_header headers[HTTP_MAX_HEADERS];
	/* Framing and connection semantics derived from the fields. */
	int64_t content_length; /* -1 when absent */
	bool chunked;		/* Transfer-Encoding: chunked */
	bool keep_alive;	/* 1.1 unless "close"; 1.0 only "keep-alive" */
	bool expect_continue;	/* Expect: 100-continue on HTTP/1.1 */
	bool has_host;
};

/*
 * Parse the request head in buf[0..len). lim may be NULL for the
 * defaults. Strict RFC 9112: one SP between the request-line parts; a
 * request-target of visible ASCII (origin-form, absolute-form with http
 * or https, or "*" for OPTIONS; §3.2); CRLF
 * line ends only (a bare CR or bare LF is 400: §2.2 lets us refuse bare
 * LF); no CTL bytes in the request line, in field names or in values
 * (HTAB allowed in values); no obs-fold (§5.2) and no whitespace before a
 * field's colon (§5.1); field names are tokens; one Content-Length of
 * 1*DIGIT that fits int64_t (duplicates refused even when equal); never
 * both Content-Length and Transfer-Encoding (§6.1); chunked final and
 * once; no Transfer-Encoding on HTTP/1.0; exactly one valid Host on 1.1,
 * at most one on 1.0 (§3.2). Up to HTTP_MAX_LEADING_CRLF empty lines
 * before the request line are skipped and counted in the return value.
 *
 * The input is judged byte by byte in order, so the answer depends only
 * on the bytes seen: any prefix of an input gives HTTP_PARSE_INCOMPLETE
 * or the same answer as the whole input. req is rewritten on each call.
 * A head that arrives in pieces is better fed to http_parse_resume(),
 * which does not scan the bytes it has judged again.
 *
 * Returns the length of the head (through the blank line) when complete;
 * HTTP_PARSE_INCOMPLETE when more bytes are needed; HTTP_PARSE_ERROR with
 * *status set to
 *   400 bad syntax or framing,
 *   414 request line over max_request_line (as soon as a byte past the
 *       limit arrives that is not its CR),
 *   431 header lines over max_header_bytes or more than max_headers
 *       fields (as soon as the first byte over arrives),
 *   417 an Expect other than 100-continue,
 *   501 a transfer coding other than chunked (chunked being final),
 *   505 HTTP-version syntax valid but not HTTP/1.0 or HTTP/1.1.
 * An unknown method token is not an error: req->method is HTTP_M_UNKNOWN
 * and the router answers 405 or 501.
 */
int http_parse_request(const char *buf, size_t len,
		       const struct http_limits *lim, struct http_request *req,
		       int *status);

/*
 * How far a head that arrives in pieces has been judged: zero it (= {0})
 * for each new head. Offsets into the caller's buffer, so the buffer may
 * move between calls. scanned counts the bytes the calls looked at.
 */
struct http_parse_state {
	uint32_t pos;	  /* bytes judged: never scanned again */
	uint32_t ls;	  /* start of the request line */
	uint32_t ts;	  /* start of the request-target */
	uint32_t mark;	  /* start of the version or of a field name */
	uint32_t ne;	  /* end of the field name (its colon) */
	uint32_t hs;	  /* start of the field lines */
	uint32_t scanned; /* bytes looked at by all calls (statistics) */
	uint16_t nh;	  /* field lines seen */
	uint8_t phase;
	uint8_t lead; /* empty lines skipped */
};

/*
 * http_parse_request() for a head that arrives in pieces. buf[0..len)
 * holds the head from its first byte, the same bytes at the same offsets
 * as in the earlier calls with st, and more after them. Each call
 * resumes at st->pos, so the bytes of a head are scanned once while it
 * is incomplete, and once more (from the start, to fill req) in the call
 * that completes it when earlier calls saw part of it: at most twice its
 * length in all, however it was split. The answers are exactly
 * http_parse_request()'s for buf[0..len), at the same byte; req is filled
 * only when the head is complete. After an answer other than
 * HTTP_PARSE_INCOMPLETE, zero st before the next head.
 */
int http_parse_resume(struct http_parse_state *st, const char *buf,
		      size_t len, const struct http_limits *lim,
		      struct http_request *req, int *status);

/*
 * How the head parser scans runs of bytes of one class (method, target,
 * field name, field value): a table lookup per byte, or PSHUFB nibble
 * classification 16 bytes (x86-64 SSE4.2) or 32 bytes (AVX2) at a time.
 * The answers are the same, byte for byte; only the cost differs. At
 * load the best the CPU has is chosen, or HTTP_ISA_SCALAR when the
 * environment has LR_HTTP_SCALAR=1.
 */
enum http_parse_isa {
	HTTP_ISA_SCALAR,
	HTTP_ISA_SSE42,
	HTTP_ISA_AVX2,
	HTTP_ISA_COUNT,
};

/* The variant in use. */
enum http_parse_isa http_parse_isa_get(void);

/* Whether this CPU (and build) can run isa. */
bool http_parse_isa_supported(enum http_parse_isa isa);

/*
 * Use isa from now on, for every thread (tests, benchmarks: call it
 * before any lcore parses). Returns 0, or -ENOTSUP when the CPU cannot
 * run it (nothing changes).
 */
int http_parse_isa_set(enum http_parse_isa isa);

/* "scalar", "sse4.2", "avx2"; "?" for anything else. */
const char *http_parse_isa_name(enum http_parse_isa isa);

/* Chunked body decoder state (RFC 9112 §7.1), resumable across calls. */
struct http_chunked {
	uint64_t max_body;  /* 413 when the data would pass this */
	uint64_t total;	    /* data bytes decoded so far */
	uint64_t remaining; /* chunk-size, then data bytes left in the chunk */
	uint32_t line;	    /* bytes of the current extension */
	uint32_t trailer;   /* bytes of the trailer section so far */
	uint8_t state;
	uint8_t digits; /* hex digits of the current chunk-size */
	int status;	/* the answer, once HTTP_PARSE_ERROR was returned */
};

void http_chunked_init(struct http_chunked *d, uint64_t max_body);

/*
 * Decode the next raw[0..raw_len) of a chunked body: data bytes go to
 * dst, chunk-size lines, extensions and trailers are skipped. dst may
 * equal raw or lie before it, so a body decodes in place, data moving
 * towards the front; dst must have room for raw_len bytes. Call again
 * with the bytes after *used when more arrive.
 *
 * *out gets the data bytes written to dst (always <= *used), *used the
 * raw bytes consumed (always <= raw_len). Returns
 *   HTTP_PARSE_INCOMPLETE: all of raw consumed, the body goes on;
 *   0: the last chunk, trailers and final CRLF are done; *used stops
 *      right after them, so raw[*used..raw_len) is the next request;
 *   HTTP_PARSE_ERROR: d->status is 400 (bad chunk-size, more than 16
 *      hex digits, bad extension or trailer, missing CRLF after data),
 *      413 (data past max_body) or 431 (trailers over
 *      HTTP_CHUNK_TRAILER_MAX). Errors are sticky.
 */
int http_chunked_decode(struct http_chunked *d, char *dst, const char *raw,
			size_t raw_len, size_t *out, size_t *used);

/* Whether h's name is name, ignoring ASCII case. */
bool http_header_is(const struct http_header *h, const char *name);

/* Index of r's first header called name (ignoring case), or -1. */
int http_find_header(const struct http_request *r, const char *name);

#endif

/* SPDX-License-Identifier: BSD-3-Clause */
/* resp.c: HTTP/1.1 response heads: status line, headers, cached Date. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <rte_branch_prediction.h>

#include "http/resp.h"
#include "net/cksum.h"

void
http_date_update(struct http_date *d, uint64_t wall_s)
{
	time_t t = (time_t)wall_s;
	struct tm tm;

	if (d->sec == wall_s && d->len)
		return;
	gmtime_r(&t, &tm);
	d->len = (uint8_t)strftime(d->line, sizeof(d->line),
				   "Date: %a, %d %b %Y %H:%M:%S GMT\r\n", &tm);
	d->sec = wall_s;
}

const char *
http_reason(int status)
{
	switch (status) {
	case 100: return "Continue";
	case 200: return "OK";
	case 201: return "Created";
	case 204: return "No Content";
	case 400: return "Bad Request";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 411: return "Length Required";
	case 413: return "Content Too Large";
	case 414: return "URI Too Long";
	case 417: return "Expectation Failed";
	case 422: return "Unprocessable Content";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 503: return "Service Unavailable";
	case 505: return "HTTP Version Not Supported";
	case 507: return "Insufficient Storage";
	default: return "Unknown";
	}
}

/* Decimal digits of v at p; returns the count. */
static size_t
http_utoa(char *p, uint64_t v)
{
	char tmp[20];
	size_t n = 0, i;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (i = 0; i < n; i++)
		p[i] = tmp[n - 1 - i];
	return n;
}

#define HTTP_PUT(lit)                                   \
	do {                                            \
		if (n + sizeof(lit) - 1 > cap)          \
			return 0;                       \
		memcpy(buf + n, lit, sizeof(lit) - 1);  \
		n += sizeof(lit) - 1;                   \
	} while (0)

static inline size_t
http_put(char *buf, size_t n, size_t cap, const char *s, size_t len)
{
	if (n + len > cap)
		return 0;
	memcpy(buf + n, s, len);
	return n + len;
}

size_t
http_resp_head(char *buf, size_t cap, int status, const struct http_date *date,
	       const char *ctype, uint64_t content_length, unsigned int flags,
	       const char *extra)
{
	const char *reason = http_reason(status);
	size_t n = 0;

	if (cap < 64)
		return 0;
	memcpy(buf, flags & HTTP_RESP_HTTP10 ? "HTTP/1.0 " : "HTTP/1.1 ", 9);
	buf[9] = (char)('0' + status / 100);
	buf[10] = (char)('0' + status / 10 % 10);
	buf[11] = (char)('0' + status % 10);
	buf[12] = ' ';
	n = 13;
	if (!(n = http_put(buf, n, cap, reason, strlen(reason))))
		return 0;
	HTTP_PUT("\r\n");
	if (date && !(n = http_put(buf, n, cap, date->line, date->len)))
		return 0;
	if (ctype) {
		HTTP_PUT("Content-Type: ");
		if (!(n = http_put(buf, n, cap, ctype, strlen(ctype))))
			return 0;
		HTTP_PUT("\r\n");
	}
	HTTP_PUT("Content-Length: ");
	if (n + 20 > cap)
		return 0;
	n += http_utoa(buf + n, content_length);
	HTTP_PUT("\r\n");
	if (flags & HTTP_RESP_CLOSE)
		HTTP_PUT("Connection: close\r\n");
	else if (flags & HTTP_RESP_KEEPALIVE)
		HTTP_PUT("Connection: keep-alive\r\n");
	if (extra && !(n = http_put(buf, n, cap, extra, strlen(extra))))
		return 0;
	HTTP_PUT("\r\n");
	return n;
}

const struct http_resp_tpl *
http_resp_tpl_build(struct http_resp_tpl *t, const struct http_date *date,
		    int status, const char *ctype, uint64_t content_length,
		    unsigned int flags)
{
	size_t n;

	n = http_resp_head(t->head, sizeof(t->head), status, date, ctype,
			   content_length, flags, NULL);
	if (n == 0) {
		t->key = 0;
		return NULL;
	}
	t->sec = date->sec;
	t->key = HTTP_RESP_TPL_KEY(status, flags);
	t->cls = (uint8_t)(status >= 100 && status < 600 ? status / 100 - 1 : 4);
	t->clen = content_length;
	t->ctype = ctype;
	t->len = (uint16_t)n;
	t->sum = cksum_fold(cksum_add(t->head, n, 0));
	return t;
}

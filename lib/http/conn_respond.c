/* SPDX-License-Identifier: BSD-3-Clause */
/* conn_respond.c: answering an exchange: head, body, counters. */
#include <stdio.h>
#include <string.h>

#include "http/conn_priv.h"

void
http_respond(struct http_exchange *x, int status, const char *ctype,
	     const void *body, size_t len)
{
	struct lcore_ctx *ctx = x->lc;
	struct http_conn *hc = x->conn;
	char out[HTTP_HEAD_MAX + 1024];
	size_t n;
	bool head_only;

	if (x->status) /* answered twice: keep the first */
		return;
	x->status = status;
	head_only = http_x_head_only(x);
	n = http_head(x, out, status, ctype, len);
	if (n == 0)
		return;
	if (head_only || len == 0) {
		http_send_all(ctx, hc, out, (uint32_t)n);
		return;
	}
	/* Small answers leave in one copy and, usually, one segment. */
	if (n + len <= sizeof(out)) {
		memcpy(out + n, body, len);
		http_send_all(ctx, hc, out, (uint32_t)(n + len));
		return;
	}
	if (http_send_all(ctx, hc, out, (uint32_t)n))
		http_send_all(ctx, hc, body, (uint32_t)len);
}

void
http_respond_json(struct http_exchange *x, int status, const char *json,
		  size_t len)
{
	http_respond(x, status, "application/json", json, len);
}

void
http_respond_error(struct http_exchange *x, int status, const char *msg)
{
	char body[256];
	int n = snprintf(body, sizeof(body), "{\"error\":\"%s\"}", msg);

	if (n < 0 || n >= (int)sizeof(body))
		n = snprintf(body, sizeof(body), "{\"error\":\"%s\"}",
			     http_reason(status));
	http_respond_json(x, status, body, (size_t)n);
}

void
http_respond_empty(struct http_exchange *x, int status)
{
	http_respond(x, status, NULL, NULL, 0);
}

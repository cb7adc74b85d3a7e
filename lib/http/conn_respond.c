/* SPDX-License-Identifier: BSD-3-Clause */
/* conn_respond.c: answering an exchange: head, body, counters. */
#include <stdio.h>
#include <string.h>

#include <rte_malloc.h>

#include "http/conn_priv.h"

void
http_owe_release(struct http_lcore *hl, struct http_conn *hc)
{
	if (!hc->owe)
		return;
	mem_release(hl->mem, MEM_RESP, hc->owe_cap);
	rte_free(hc->owe);
	hc->owe = NULL;
	hc->owe_off = hc->owe_len = hc->owe_cap = 0;
	hc->flags &= ~HC_OWED;
}

/*
 * Keep len bytes of an answer behind what hc->owe holds, charged by
 * capacity to MEM_RESP. Without memory for them the answer cannot go out
 * whole: the connection is reset (HC_RESET) rather than left with a
 * truncated answer the client would take for a whole one.
 */
bool
http_owe(struct lcore_ctx *ctx, struct http_conn *hc, const char *p,
	 uint32_t len)
{
	struct http_lcore *hl = hc->hl;
	uint32_t used = hc->owe_len - hc->owe_off, need = used + len, cap;
	bool owed = hc->flags & HC_OWED;
	char *nb;

	if (hc->flags & HC_RESET)
		return false;
	if (need > hc->owe_cap) {
		cap = HTTP_BUF_SMALL;
		while (cap < need)
			cap *= 2;
		if (!mem_charge(hl->mem, MEM_RESP, cap))
			goto fail;
		nb = rte_malloc_socket("http_owe", cap, 0, ctx->socket_id);
		if (!nb) {
			mem_release(hl->mem, MEM_RESP, cap);
			goto fail;
		}
		if (used)
			memcpy(nb, hc->owe + hc->owe_off, used);
		http_owe_release(hl, hc);
		hc->owe = nb;
		hc->owe_cap = cap;
		hc->owe_len = used;
		hc->owe_off = 0;
	} else if (hc->owe_len + len > hc->owe_cap) {
		memmove(hc->owe, hc->owe + hc->owe_off, used);
		hc->owe_off = 0;
		hc->owe_len = used;
	}
	memcpy(hc->owe + hc->owe_len, p, len);
	hc->owe_len += len;
	hc->flags |= HC_OWED;
	if (!owed)
		STAT_INC(ctx, http_resp_held);
	return true;
fail:
	STAT_INC(ctx, http_send_overflow);
	http_owe_release(hl, hc);
	hc->flags |= HC_CLOSING | HC_RESET;
	return false;
}

bool
http_owe_flush(struct lcore_ctx *ctx, struct http_conn *hc)
{
	int n;

	if (!(hc->flags & HC_OWED))
		return true;
	n = tcp_send(ctx, hc->tcp, hc->owe + hc->owe_off,
		     hc->owe_len - hc->owe_off);
	if (n < 0) {
		http_owe_release(hc->hl, hc);
		hc->flags |= HC_CLOSING;
		return true;
	}
	hc->owe_off += (uint32_t)n;
	if (hc->owe_off < hc->owe_len)
		return false;
	http_owe_release(hc->hl, hc);
	return true;
}

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

/* SPDX-License-Identifier: BSD-3-Clause */
/* conn_respond.c: answering an exchange: head, body, counters. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <rte_malloc.h>
#include <rte_memcpy.h>

#include "http/conn_priv.h"
#include "net/cksum.h"

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
	tcp_want_writable(hc->tcp, true); /* the tail goes from writable */
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

/* http_date_now(x->lc, x->conn->hl) when the Date was last checked
 * at another time, reading x again after each call: only x is kept
 * across them (fewer registers saved in http_respond_tpl). */
static __rte_always_inline void
http_respond_date(struct http_exchange *x)
{
	uint64_t wall_s = clock_wall_at(x->lc->now_us);

	http_date_set(x->conn->hl, wall_s);
	x->conn->hl->date_us = x->lc->now_us;
}

_Static_assert(offsetof(struct http_exchange, rflags) ==
		       offsetof(struct http_exchange, close) + 1,
	       "an exchange's close and rflags are one 16-bit word");

/* x's close and rflags, as http_empty_xkey takes them. */
static __rte_always_inline uint16_t
http_x_cr(const struct http_exchange *x)
{
	uint16_t cr;

	memcpy(&cr, &x->close, 2);
	return cr;
}

/* x's empty answer from t, the latest empty answer's template for x's
 * key (hl->tpl_empty, at most 80 bytes, or, closing, hl->tpl_close, at
 * most 128: no body, one block size; closing marks the connection as
 * http_head_flags would): false when TCP did not reserve the room
 * (nothing sent or counted). */
static __rte_always_inline bool
http_respond_empty_kept(struct http_exchange *x, const struct http_resp_tpl *t,
			bool closing)
{
	struct http_lcore *hl;
	uint8_t *p;

	if (closing)
		x->conn->flags |= HC_CLOSING;
	/* Counted before the reserve, taken back when it refuses: only x
	 * lives across the call (one register saved, no frame padding);
	 * the reserve changes no template, so t is read again from hl. */
	http_head_count_cls(x->lc, x, x->status, t->cls);
	p = tcp_send_reserve(x->lc, x->conn->tcp, t->len, cksum_fold(t->sum));
	hl = x->conn->hl;
	if (unlikely(!p)) {
		http_head_uncount_cls(x->lc, x, x->status,
				      (closing ? hl->tpl_close : hl->tpl_empty)->cls);
		return false;
	}
	if (closing)
		memcpy(p, hl->tpl_close->head, 128);
	else
		memcpy(p, hl->tpl_empty->head, 80);
	return true;
}

/*
 * The common answer from its template (http_resp_tpl): head and body
 * written once, straight into the send queue, with their checksum sum
 * (tcp_send_reserve). false when the general path must answer (extra
 * headers, an answer still owed, a body that does not fit one mbuf);
 * nothing was sent or counted then. empty (ctype NULL, len 0): the
 * latest empty answers' templates (hl->tpl_empty, hl->tpl_close) are
 * tried first, by the exchange's key (http_empty_xkey: no flags worked
 * out).
 */
static __rte_always_inline bool
http_respond_tpl(struct http_exchange *x, int status, const char *ctype,
		 const void *body, size_t len, bool head_only, bool empty)
{
	struct lcore_ctx *ctx = x->lc;
	struct http_conn *hc = x->conn;
	struct http_lcore *hl = hc->hl;
	struct http_resp_tpl *slot;
	const struct http_resp_tpl *t;
	uint32_t blen = head_only ? 0 : (uint32_t)len;
	uint32_t sum, bsum, key;
	unsigned int flags;
	uint8_t *p;

	if (unlikely(x->allow || (hc->flags & (HC_OWED | HC_RESET)) ||
		     len > HTTP_BUF_SMALL))
		return false;
	/* After a call (the Date's, the template's build, the reserve),
	 * what is needed is read from x again (x->status is status): only
	 * x and t are kept across calls (fewer registers saved). */
	if (unlikely(hl->date_us != ctx->now_us))
		http_respond_date(x);
	if (empty) {
		uint64_t xk = http_empty_xkey(x->status, http_x_cr(x));

		hl = x->conn->hl;
		if (likely(hl->tpl_empty_xkey == xk))
			return http_respond_empty_kept(x, hl->tpl_empty, false);
		if (hl->tpl_close_xkey == xk)
			return http_respond_empty_kept(x, hl->tpl_close, true);
	}
	status = x->status;
	hl = x->conn->hl;
	flags = http_head_flags(x);
	key = HTTP_RESP_TPL_KEY(status, flags);
	/* http_resp_tpl(hl->tpl, &hl->date, ...) */
	slot = &hl->tpl[((unsigned int)status ^ (unsigned int)len ^ flags) %
			HTTP_RESP_TPLS];
	t = slot;
	/* A template with a key carries hl's Date (http_date_set). */
	if (unlikely(t->key != key || t->clen != len || t->ctype != ctype)) {
		/* The slot may be one hl->tpl_empty or tpl_close names. */
		hl->tpl_empty_xkey = HTTP_EMPTY_NONE;
		hl->tpl_close_xkey = HTTP_EMPTY_NONE;
		t = http_resp_tpl_build(slot, &hl->date, status, ctype, len,
					flags);
		if (unlikely(!t))
			return false;
		hl = x->conn->hl;
	}
	if (empty && !(flags & HTTP_RESP_CLOSE) && t->len <= 80) {
		hl->tpl_empty_xkey = http_empty_xkey(x->status, http_x_cr(x));
		hl->tpl_empty = t;
	} else if (empty && (flags & HTTP_RESP_CLOSE) && t->len <= 128) {
		hl->tpl_close_xkey = http_empty_xkey(x->status, http_x_cr(x));
		hl->tpl_close = t;
	}
	sum = t->sum;
	if (blen) {
		/* The body's own sum; at an odd offset its bytes pair the
		 * other way round (RFC 1071 §2(B)). */
		bsum = cksum_fold(cksum_add(body, blen, 0));
		if (t->len & 1)
			bsum = rte_bswap16((uint16_t)bsum);
		sum += bsum;
	}
	p = tcp_send_reserve(x->lc, x->conn->tcp, t->len + blen,
			     cksum_fold(sum));
	if (unlikely(!p))
		return false;
	/* Whole blocks of the template (TCP_RESERVE_ROOM): no length
	 * dispatch; the body, if any, then overwrites what ran past. */
	RTE_BUILD_BUG_ON(HTTP_RESP_TPL_MAX > TCP_RESERVE_ROOM);
	if (likely(t->len <= 80))
		memcpy(p, t->head, 80); /* an empty answer's head */
	else if (t->len <= 128)
		memcpy(p, t->head, 128);
	else
		memcpy(p, t->head, HTTP_RESP_TPL_MAX);
	if (blen)
		rte_memcpy(p + t->len, body, blen);
	http_head_count_cls(x->lc, x, x->status, t->cls); /* status */
	return true;
}

/* The general answer: the head built by http_resp_head, head and body
 * sent whole (http_send_all). */
static void __rte_noinline
http_respond_all(struct http_exchange *x, int status, const char *ctype,
		 const void *body, size_t len, bool head_only)
{
	struct lcore_ctx *ctx = x->lc;
	struct http_conn *hc = x->conn;
	char out[HTTP_HEAD_MAX + 1024];
	size_t n;

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

/* http_respond, inline in its wrappers: the template's case first. */
static __rte_always_inline void
http_respond_one(struct http_exchange *x, int status, const char *ctype,
		 const void *body, size_t len, bool empty)
{
	bool head_only;

	if (x->status) /* answered twice: keep the first */
		return;
	x->status = status;
	head_only = x->head_only;
	if (likely(http_respond_tpl(x, status, ctype, body, len, head_only,
				    empty)))
		return;
	/* x->status is status, x->head_only head_only: read again, as in
	 * http_respond_tpl. */
	http_respond_all(x, x->status, ctype, body, len, x->head_only);
}

void
http_respond(struct http_exchange *x, int status, const char *ctype,
	     const void *body, size_t len)
{
	http_respond_one(x, status, ctype, body, len, false);
}

void
http_respond_json(struct http_exchange *x, int status, const char *json,
		  size_t len)
{
	http_respond_one(x, status, "application/json", json, len, false);
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

/* http_respond_empty past its first test, out of line. */
static void __rte_noinline
http_respond_empty_tpl(struct http_exchange *x)
{
	if (likely(http_respond_tpl(x, x->status, NULL, NULL, 0, x->head_only,
				    true)))
		return;
	http_respond_all(x, x->status, NULL, NULL, 0, x->head_only);
}

/*
 * An empty answer (no type, no body). The common ones first: no extra
 * header, nothing owed, the Date checked at this time already, and the
 * latest empty answer's template kept for x's key; its tests are
 * http_respond_tpl's (pure), taken in one go so that only x is kept
 * across the reserve. Anything else as http_respond_one answers.
 */
void
http_respond_empty(struct http_exchange *x, int status)
{
	struct http_conn *hc = x->conn;
	struct http_lcore *hl = hc->hl;
	uint64_t xk;
	bool done;

	if (x->status) /* answered twice: keep the first */
		return;
	x->status = status;
	if (unlikely(x->allow || (hc->flags & (HC_OWED | HC_RESET)) ||
		     hl->date_us != x->lc->now_us))
		goto tpl;
	xk = http_empty_xkey(status, http_x_cr(x));
	if (likely(hl->tpl_empty_xkey == xk))
		done = http_respond_empty_kept(x, hl->tpl_empty, false);
	else if (hl->tpl_close_xkey == xk)
		done = http_respond_empty_kept(x, hl->tpl_close, true);
	else
		goto tpl;
	if (likely(done))
		return;
	http_respond_all(x, x->status, NULL, NULL, 0, x->head_only);
	return;
tpl:
	http_respond_empty_tpl(x);
}

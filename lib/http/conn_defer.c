/* SPDX-License-Identifier: BSD-3-Clause */
/* conn_defer.c: answers that outlive their request: deferred and streamed. */
#include <errno.h>
#include <string.h>

#include <rte_malloc.h>

#include "http/conn_priv.h"

/* Save what a later answer needs of x's request. */
static void
http_pending_save(struct http_exchange *x)
{
	struct http_pending *pd = &x->conn->pend;

	pd->route = (int16_t)x->route;
	pd->rflags = x->rflags;
	pd->head_only = x->head_only;
	pd->close = x->close;
}

int
http_defer(struct http_exchange *x, uint64_t delay_us, http_defer_fn fn,
	   void *arg, uint64_t param)
{
	struct http_conn *hc = x->conn;

	if (x->status || (!http_x_live(x) && !x->pend) ||
	    (hc->flags & HC_BUSY))
		return -EBUSY;
	/* From a deferred callback (x->pend): the request facts are
	 * saved already; wait again. */
	if (!x->pend)
		http_pending_save(x);
	hc->pend.dfn = fn;
	hc->pend.arg = arg;
	hc->pend.param = param;
	hc->flags |= HC_DEFERRED;
	x->status = HTTP_STATUS_PENDING;
	timer_arm(&x->lc->wheel, &hc->dtimer, x->lc->now_us + delay_us);
	return 0;
}

static void
http_respond_saved(struct http_exchange *x, void *arg, uint64_t param)
{
	const struct http_pending *pd = &x->conn->pend;

	http_respond(x, pd->status, pd->ctype, pd->dbuf, pd->dlen);
}

int
http_respond_after(struct http_exchange *x, uint64_t delay_us, int status,
		   const char *ctype, const void *body, size_t len)
{
	struct http_conn *hc = x->conn;
	struct http_lcore *hl = hc->hl;
	char *b;

	if (len > HTTP_BUF_SMALL)
		return -E2BIG;
	if (x->status || !http_x_live(x) || (hc->flags & HC_BUSY))
		return -EBUSY;
	/* An answer waiting to be sent: MEM_RESP. */
	if (!mem_charge(hl->mem, MEM_RESP, HTTP_BUF_SMALL))
		return -ENOMEM;
	if (hl->nbufs)
		b = hl->bufs[--hl->nbufs];
	else
		b = rte_malloc_socket("http_buf", HTTP_BUF_SMALL, 0,
				      x->lc->socket_id);
	if (!b) {
		mem_release(hl->mem, MEM_RESP, HTTP_BUF_SMALL);
		return -ENOMEM;
	}
	if (len)
		memcpy(b, body, len);
	http_defer(x, delay_us, http_respond_saved, NULL, 0);
	hc->pend.dbuf = b;
	hc->pend.dlen = (uint32_t)len;
	hc->pend.status = (int16_t)status;
	hc->pend.ctype = ctype;
	return 0;
}

void
http_conn_defer_fire(struct lcore_ctx *ctx, struct timer *t)
{
	struct http_conn *hc = container_of(t, struct http_conn, dtimer);
	struct http_pending *pd = &hc->pend;
	struct http_exchange x = {
		.lc = ctx, .conn = hc, .route = pd->route, .close = pd->close,
		.rflags = pd->rflags, .head_only = pd->head_only, .pend = pd,
	};

	if (!(hc->flags & HC_DEFERRED))
		return;
	hc->flags &= ~HC_DEFERRED;
	if (!(hc->flags & HC_CLOSING)) {
		pd->dfn(&x, pd->arg, pd->param);
		if (x.status == HTTP_STATUS_PENDING &&
		    (hc->flags & HC_DEFERRED))
			return; /* deferred again */
		if (!x.status || x.status == HTTP_STATUS_PENDING)
			http_respond_error(&x, 500, "handler did not answer");
	}
	if (!(hc->flags & HC_STREAM))
		http_pending_release(hc->hl, hc);
	http_conn_resume(ctx, hc);
}

/* Produce and queue stream bytes while the send buffer takes them. The
 * producer works from the body offset, so bytes it made that TCP did not
 * take are simply made again later: nothing is held per connection but
 * the offset. A short tcp_send() arms the writable callback. */
void
http_conn_stream_pump(struct lcore_ctx *ctx, struct http_conn *hc,
		      bool resume)
{
	struct http_pending *pd = &hc->pend;
	char tmp[HTTP_STREAM_CHUNK];

	/* The head is still owed: the body follows it from writable. */
	if (hc->flags & HC_OWED)
		return;
	while (pd->off < pd->len) {
		uint64_t left = pd->len - pd->off;
		uint32_t space = tcp_send_space(hc->tcp);
		size_t want = RTE_MIN(left, (uint64_t)sizeof(tmp));
		size_t got;
		int n;

		/* One byte past the space, so the send comes up short and
		 * TCP calls writable when ACKs free room. */
		want = RTE_MIN(want, (size_t)space + 1);
		got = pd->sfn(pd->arg, pd->param, pd->off, tmp, want);
		n = got == 0 || got > want ? -EIO :
		    tcp_send(ctx, hc->tcp, tmp, (uint32_t)got);
		if (n < 0) {
			/* Producer failed or TCP can no longer send: the body
			 * stays short of its Content-Length; close. */
			hc->flags |= HC_CLOSING;
			break;
		}
		pd->off += (uint64_t)n;
		if ((size_t)n < got)
			return;
	}
	hc->flags &= ~HC_STREAM;
	http_pending_release(hc->hl, hc);
	if (resume)
		http_conn_resume(ctx, hc);
}

int
http_stream_start(struct http_exchange *x, int status, const char *ctype,
		  uint64_t content_length, http_stream_fn fn, void *arg,
		  uint64_t param)
{
	struct http_conn *hc = x->conn;
	struct http_pending *pd = &hc->pend;
	char out[HTTP_HEAD_MAX];
	bool head_only;
	size_t n;

	if (x->status || (hc->flags & HC_STREAM))
		return -EBUSY;
	if (!http_x_live(x) && !x->pend)
		return -EINVAL;
	head_only = x->head_only;
	x->status = status;
	n = http_head(x, out, status, ctype, content_length);
	if (n == 0 || !http_send_all(x->lc, hc, out, (uint32_t)n))
		return 0; /* closing: answered as far as it goes */
	if (head_only || content_length == 0)
		return 0;
	if (!x->pend)
		http_pending_save(x);
	pd->sfn = fn;
	pd->arg = arg;
	pd->param = param;
	pd->off = 0;
	pd->mark = 0;
	pd->len = content_length;
	hc->flags |= HC_STREAM;
	tcp_want_writable(hc->tcp, true); /* the pump goes on from writable */
	/* Called from a handler or a deferred callback: those go on with
	 * the connection themselves, so the pump does not resume it. */
	http_conn_stream_pump(x->lc, hc, false);
	return 0;
}

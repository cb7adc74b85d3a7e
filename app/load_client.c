/* SPDX-License-Identifier: BSD-3-Clause */
/* load_client.c: linerate-load's connections: tcp_connect, responses
 * through http_response_*, reconnects, the poll_end hook. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_malloc.h>

#include "core/lcore.h"
#include "load_conn.h"
#include "net/tcp.h"
#include "net/tcp_steer.h"

static void
load_response(struct load_conn *k, const struct http_response *r, uint64_t now)
{
	struct load_lcore *lc = k->lc;
	struct load_req q = k->q[k->head];

	k->head = (k->head + 1) % k->cap;
	k->n--;
	if (k->ctl) {
		size_t n = r->body_len < sizeof(lc->sh->ctl_body) - 1
				   ? r->body_len
				   : sizeof(lc->sh->ctl_body) - 1;

		if (r->body)
			memcpy(lc->sh->ctl_body, r->body, n);
		lc->sh->ctl_body[n] = '\0';
		__atomic_store_n(&lc->sh->ctl_status, r->status,
				 __ATOMIC_RELEASE);
		return;
	}
	lc->in_flight--;
	if (r->status < 200 || r->status > 299) {
		lc->non2xx++;
		return;
	}
	lc->ok++;
	lc->sum_halves += 2 * (q.ev % 1000) + 1;
	lc->users[(q.ev % lc->o->users) >> 6] |=
		1ull << ((q.ev % lc->o->users) & 63);
	load_hist_add(&lc->hist,
		      now > q.t0 ? (now - q.t0) * 1000000000ull / lc->sh->tsc_hz
				 : 0);
}

/*
 * --conn-per-request: the answer is in, so we close first (our FIN: the
 * TIME_WAIT is ours, and tcp_connect reuses it, tcp_tw_reusable) and let
 * the connection finish on its own: k takes a new one at once. Later
 * callbacks of the old connection find k->c != c and are ignored; its
 * request was answered, so nothing it does can change the count.
 */
static void
load_detach(struct lcore_ctx *ctx, struct load_conn *k)
{
	tcp_close(ctx, k->c);
	k->c = NULL;
	k->lc->open_conns--;
	k->state = LOAD_C_IDLE;
	k->n = k->head = k->len = 0;
	k->retry_tsc = 0;
	http_response_parser_reset(&k->p, false);
}

static void
load_recv(struct lcore_ctx *ctx, struct tcp_conn *c, void *app,
	  const uint8_t *data, uint32_t len)
{
	struct load_conn *k = app;
	struct http_response r;
	const char *base = (const char *)data;
	size_t have = len, off = 0;
	uint64_t now = rte_rdtsc();
	int64_t n;

	if (k->state != LOAD_C_UP || c != k->c)
		return;
	if (k->len) {
		if (k->len + len > sizeof(k->buf))
			goto bad;
		memcpy(k->buf + k->len, data, len);
		k->len += len;
		base = k->buf;
		have = k->len;
	}
	while (off < have) {
		n = http_response_parse(&k->p, base + off, have - off, &r);
		if (n == HTTP_RESPONSE_INCOMPLETE)
			break;
		if (n < 0 || !k->n)
			goto bad; /* invalid, or an answer nobody asked for */
		load_response(k, &r, now);
		off += (size_t)n;
		http_response_parser_reset(&k->p, false);
		if (k->lc->o->conn_per_req && !k->ctl && r.keep_alive) {
			if (off != have)
				goto bad; /* bytes after the one answer */
			load_detach(ctx, k);
			return;
		}
		if (!r.keep_alive) {
			tcp_close(ctx, c);
			k->state = LOAD_C_CLOSING;
			k->len = 0;
			return;
		}
	}
	if (off < have) {
		if (have - off > sizeof(k->buf))
			goto bad;
		memmove(k->buf, base + off, have - off);
	}
	k->len = (uint32_t)(have - off);
	load_fill(k);
	return;
bad:
	k->lc->conn_errors++;
	tcp_close(ctx, c);
	k->state = LOAD_C_CLOSING;
	k->len = 0;
}

static void
load_connected(struct lcore_ctx *ctx, struct tcp_conn *c, void *app)
{
	struct load_conn *k = app;

	if (c != k->c)
		return;
	k->state = LOAD_C_UP;
	k->lc->open_conns++;
	k->lc->connects++;
	load_fill(k);
}

static void
load_writable(struct lcore_ctx *ctx, struct tcp_conn *c, void *app)
{
	struct load_conn *k = app;

	if (c == k->c)
		load_fill(k);
}

static void
load_peer_fin(struct lcore_ctx *ctx, struct tcp_conn *c, void *app)
{
	struct load_conn *k = app;

	if (k->state == LOAD_C_UP && c == k->c) {
		tcp_close(ctx, c);
		k->state = LOAD_C_CLOSING;
	}
}

static void
load_closed(struct lcore_ctx *ctx, struct tcp_conn *c, void *app,
	    enum tcp_close_reason why)
{
	struct load_conn *k = app;
	struct load_lcore *lc = k->lc;

	if (c != k->c)
		return; /* detached (load_detach): answered already */
	if (k->state == LOAD_C_UP || k->state == LOAD_C_CLOSING)
		lc->open_conns--;
	if (k->n) {
		/* Requests whose fate we do not know. */
		if (k->ctl)
			lc->sh->ctl_status = -1;
		else {
			lc->uncertain += k->n;
			lc->in_flight -= k->n;
		}
		lc->conn_errors++;
	} else if (why != TCP_CLOSE_NORMAL && !lc->closing) {
		lc->conn_errors++;
	}
	k->c = NULL;
	k->n = k->head = k->len = 0;
	k->state = LOAD_C_IDLE;
	k->retry_tsc =
		rte_rdtsc() +
		(why == TCP_CLOSE_NORMAL ? 0 : load_ms_tsc(lc, LOAD_RETRY_MS));
	http_response_parser_reset(&k->p, false);
}

static const struct tcp_ops load_ops = {
	.recv = load_recv,
	.peer_fin = load_peer_fin,
	.writable = load_writable,
	.closed = load_closed,
	.connected = load_connected,
};

static void
load_connect(struct load_conn *k, uint64_t now)
{
	struct load_lcore *lc = k->lc;
	int rc;

	if (k->state != LOAD_C_IDLE || now < k->retry_tsc || lc->closing)
		return;
	rc = lc->o->v6 ? tcp_connect6(lc->ctx, lc->o->ip6, lc->o->port,
				      &load_ops, k, &k->c) :
			 tcp_connect(lc->ctx, lc->o->ip, lc->o->port,
				     &load_ops, k, &k->c);
	if (rc < 0) {
		lc->conn_errors++;
		k->retry_tsc = now + load_ms_tsc(lc, LOAD_RETRY_MS);
		return;
	}
	k->state = LOAD_C_CONNECTING;
}

static void
load_close_all(struct load_lcore *lc)
{
	lc->closing = true;
	for (uint32_t i = 0; i <= lc->nconns; i++) {
		struct load_conn *k = i < lc->nconns ? &lc->conns[i] : lc->ctl;

		if (k &&
		    (k->state == LOAD_C_UP || k->state == LOAD_C_CONNECTING)) {
			tcp_close(lc->ctx, k->c);
			if (k->state == LOAD_C_UP)
				k->state = LOAD_C_CLOSING;
		}
	}
}

static void
load_ctl_poll(struct load_lcore *lc, uint64_t now)
{
	int ph = lc->sh->phase;

	if (ph != LOAD_PHASE_STATS &&
	    (ph != LOAD_PHASE_PRE || !(lc->o->reset || lc->o->expect_exact)))
		return;
	if (lc->ctl_phase == ph || lc->sh->ctl_status)
		return;
	load_connect(lc->ctl, now);
	load_ctl_send(lc);
}

void
load_poll_end(struct lcore_ctx *ctx, void *arg)
{
	struct load_lcore *lc = arg;
	uint64_t now = rte_rdtsc();
	int ph = lc->sh->phase;

	tcp_steer_drain(ctx);
	if (lc->ctl)
		load_ctl_poll(lc, now);
	if (ph == LOAD_PHASE_RUN) {
		for (uint32_t i = 0; i < lc->nconns; i++)
			load_connect(&lc->conns[i], now);
		if (lc->o->rate > 0)
			load_open_loop(lc, now);
		else
			for (uint32_t i = 0; i < lc->nconns; i++)
				if (lc->conns[i].state == LOAD_C_UP &&
				    lc->conns[i].n < lc->conns[i].cap)
					load_fill(&lc->conns[i]);
		if (!lc->in_flight) {
			uint64_t ev;

			lc->run_done = !load_next_event(lc, &ev);
		}
	} else if (ph == LOAD_PHASE_CLOSE && !lc->closing) {
		load_close_all(lc);
	}
	tcp_flush(ctx);
}

static int
load_conn_init(struct load_lcore *lc, struct load_conn *k, uint32_t depth,
	       bool ctl)
{
	k->lc = lc;
	k->ctl = ctl;
	k->cap = depth;
	k->q = rte_zmalloc_socket("load_q", depth * sizeof(*k->q), 0,
				  lc->ctx->socket_id);
	if (!k->q)
		return -ENOMEM;
	http_response_parser_init(&k->p, NULL, NULL, NULL);
	return 0;
}

int
load_lcore_init(struct load_lcore *lc)
{
	const struct load_opts *o = lc->o;
	uint32_t n = o->conns / lc->nb + (lc->idx < o->conns % lc->nb);

	lc->nconns = n;
	lc->conns = rte_zmalloc_socket("load_conns",
				       (n ? n : 1) * sizeof(*lc->conns), 64,
				       lc->ctx->socket_id);
	lc->users = calloc((o->users + 63) / 64, sizeof(uint64_t));
	if (!lc->conns || !lc->users)
		return -ENOMEM;
	for (uint32_t i = 0; i < n; i++)
		if (load_conn_init(lc, &lc->conns[i], o->depth, false) < 0)
			return -ENOMEM;
	if (lc->idx == 0) {
		lc->ctl = rte_zmalloc_socket("load_ctl", sizeof(*lc->ctl), 64,
					     lc->ctx->socket_id);
		if (!lc->ctl || load_conn_init(lc, lc->ctl, 1, true) < 0)
			return -ENOMEM;
		lc->ctl_phase = -1;
	}
	if (!n)
		lc->run_done = 1;
	return 0;
}

void
load_lcore_fini(struct load_lcore *lc)
{
	for (uint32_t i = 0; lc->conns && i < lc->nconns; i++)
		rte_free(lc->conns[i].q);
	rte_free(lc->conns);
	if (lc->ctl)
		rte_free(lc->ctl->q);
	rte_free(lc->ctl);
	free(lc->users);
	lc->conns = lc->ctl = NULL;
	lc->users = NULL;
}

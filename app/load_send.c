/* SPDX-License-Identifier: BSD-3-Clause */
/* load_send.c: linerate-load's requests: the official client's events,
 * closed and open loop, the control requests. */
#include <stdio.h>
#include <string.h>

#include <rte_cycles.h>

#include "core/fmt.h"
#include "core/lcore.h"
#include "load_conn.h"
#include "net/tcp.h"

/* Event ev as the official client sends it: user_<ev % users>, value
 * <ev % 1000>.5 (tests/tools/mrc-client.c). */
static uint32_t
load_format(const struct load_opts *o, char *out, uint64_t ev)
{
	char body[96], *b = body, *p;

	memcpy(b, "{\"userId\":\"user_", 16);
	b = fmt_u64(b + 16, ev % o->users);
	memcpy(b, "\",\"value\":", 10);
	b = fmt_u64(b + 10, ev % 1000);
	memcpy(b, ".5}", 3);
	b += 3;
	memcpy(out, o->prefix, o->prefix_len);
	p = fmt_u64(out + o->prefix_len, (uint64_t)(b - body));
	memcpy(p, "\r\n\r\n", 4);
	memcpy(p + 4, body, (size_t)(b - body));
	return (uint32_t)(p + 4 + (b - body) - out);
}

void
load_push(struct load_conn *k, uint64_t ev, uint64_t t0)
{
	k->q[(k->head + k->n) % k->cap] = (struct load_req){ev, t0};
	k->n++;
	k->lc->in_flight++;
}

bool
load_next_event(struct load_lcore *lc, uint64_t *ev)
{
	uint64_t e = lc->idx + lc->next_k * lc->nb;

	if (lc->sh->stop_issuing || lc->sh->phase != LOAD_PHASE_RUN)
		return false;
	if (lc->o->events && e >= lc->o->events)
		return false;
	*ev = e;
	return true;
}

/* Send event ev on k stamped t0; false when k has no room for it. */
static bool
load_send_event(struct load_conn *k, uint64_t ev, uint64_t t0)
{
	struct load_lcore *lc = k->lc;
	char req[LOAD_REQ_MAX];
	uint32_t len;

	if (k->state != LOAD_C_UP || k->n >= k->cap ||
	    tcp_send_space(k->c) < LOAD_REQ_MAX)
		return false;
	len = load_format(lc->o, req, ev);
	if (tcp_send(lc->ctx, k->c, req, len) != (int)len) {
		/* Cannot happen after the space check; a partial request
		 * would corrupt the stream: drop the connection. */
		lc->conn_errors++;
		tcp_close(lc->ctx, k->c);
		k->state = LOAD_C_CLOSING;
		return false;
	}
	load_push(k, ev, t0);
	lc->sent++;
	return true;
}

void
load_fill(struct load_conn *k)
{
	struct load_lcore *lc = k->lc;
	uint64_t ev;

	if (k->ctl || lc->o->rate > 0)
		return;
	while (k->n < k->cap && load_next_event(lc, &ev)) {
		if (!load_send_event(k, ev, rte_rdtsc()))
			return;
		lc->next_k++;
	}
}

void
load_open_loop(struct load_lcore *lc, uint64_t now)
{
	double per = (double)lc->sh->tsc_hz * lc->nb / lc->o->rate;
	uint64_t ev, due;
	uint32_t tries;

	while (load_next_event(lc, &ev)) {
		due = lc->sh->start_tsc + (uint64_t)(per * (double)lc->next_k +
						     per * lc->idx / lc->nb);
		if (due > now)
			return;
		for (tries = 0; tries < lc->nconns; tries++) {
			struct load_conn *k = &lc->conns[lc->rr++ % lc->nconns];

			if (load_send_event(k, ev, due))
				break;
		}
		if (tries == lc->nconns)
			return; /* every connection is full: it waits */
		lc->next_k++;
	}
}

void
load_ctl_send(struct load_lcore *lc)
{
	struct load_conn *k = lc->ctl;
	char req[256];
	int n;

	if (k->state != LOAD_C_UP || k->n)
		return;
	n = snprintf(req, sizeof(req),
		     "%s HTTP/1.1\r\nHost: %s\r\n"
		     "Content-Length: 0\r\n\r\n",
		     lc->sh->phase == LOAD_PHASE_PRE && lc->o->reset
			     ? "POST /reset"
			     : "GET /stats",
		     lc->o->host);
	if (tcp_send(lc->ctx, k->c, req, (uint32_t)n) != n) {
		lc->sh->ctl_status = -1;
		return;
	}
	load_push(k, UINT64_MAX, rte_rdtsc());
	lc->in_flight--; /* not an event */
	lc->ctl_phase = lc->sh->phase;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/* load_conn.h: one linerate-load connection, shared by the send side
 * (load_send.c) and the receive side and poll loop (load_client.c). */
#ifndef LR_APP_LOAD_CONN_H
#define LR_APP_LOAD_CONN_H

#include <stdbool.h>
#include <stdint.h>

#include "http/resp_parser.h"
#include "load.h"

struct tcp_conn;
#define LOAD_BUF 8192	  /* bytes of responses held per connection */
#define LOAD_REQ_MAX 256  /* one POST /event, head and body */
#define LOAD_RETRY_MS 100 /* before reconnecting after a failure */

enum load_conn_state {
	LOAD_C_IDLE,	   /* no connection: (re)connect when due */
	LOAD_C_CONNECTING, /* SYN sent */
	LOAD_C_UP,	   /* sending */
	LOAD_C_CLOSING,	   /* tcp_close called, waiting for closed() */
};

struct load_req {
	uint64_t ev; /* event number; UINT64_MAX: a control request */
	uint64_t t0; /* TSC the latency counts from */
};

struct load_conn {
	struct load_lcore *lc;
	struct tcp_conn *c;
	enum load_conn_state state;
	bool ctl;
	uint64_t retry_tsc;
	uint32_t head, n, cap; /* in-flight ring */
	struct load_req *q;
	struct http_response_parser p;
	uint32_t len; /* bytes held in buf */
	char buf[LOAD_BUF];
};

/* ms in TSC cycles. */
static inline uint64_t
load_ms_tsc(const struct load_lcore *lc, uint64_t ms)
{
	return lc->sh->tsc_hz / 1000 * ms;
}

/* load_send.c, all on lc's lcore. */
/* Queue entry for a request on k (the ring has room). */
void load_push(struct load_conn *k, uint64_t ev, uint64_t t0);
/* The next event of this lcore, or false when none is left to send now
 * (all sent, the run is over, or not in the RUN phase). */
bool load_next_event(struct load_lcore *lc, uint64_t *ev);
/* Closed loop: keep --depth requests in flight on k. */
void load_fill(struct load_conn *k);
/* Open loop: send every request due by now, latency from its due time. */
void load_open_loop(struct load_lcore *lc, uint64_t now);
/* Lcore 0: the control request of the current phase on lc->ctl, once it
 * is up and idle (sets lc->ctl_phase; ctl_status -1 on failure). */
void load_ctl_send(struct load_lcore *lc);

#endif

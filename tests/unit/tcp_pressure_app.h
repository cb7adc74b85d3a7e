/* SPDX-License-Identifier: BSD-3-Clause */
/* tcp_pressure_app.h: an application with many streaming connections,
 * for the memory budget tests (scripted peers from tcp_test.h). */
#ifndef LR_TESTS_TCP_PRESSURE_APP_H
#define LR_TESTS_TCP_PRESSURE_APP_H

#include <stdbool.h>
#include <stdint.h>

#include "core/mem.h"
#include "tcp_test.h"

#define PA_SLOTS 64

/* One connection: it streams want bytes (the tt_byte pattern) from its
 * first recv on, as fast as tcp_send takes them. */
struct pa_app {
	bool used, closed, started;
	struct tcp_conn *c;
	uint16_t sport; /* peer port, host order */
	enum tcp_close_reason why;
	uint32_t want, sent, got, writable_calls;
	bool close_after; /* tcp_close() once everything is queued */
};

extern struct pa_app pa[PA_SLOTS];
extern uint32_t pa_want;     /* want of connections accepted next */
extern bool pa_close_after;  /* close_after of connections accepted next */

#define PA_SEGS 512
extern struct tt_seg pa_segs[PA_SEGS]; /* room for tt_collect() */

/* A harness (tweak as harness_create) listening on TT_PORT with this
 * application; slots and policy reset. */
struct harness *pa_harness(void (*tweak)(struct config *cfg));
/* Everything goes: no mbuf leaked, every budget class back to 0, every
 * accepted connection told. Destroys h. */
void pa_teardown(struct harness *h);

/* The connection whose peer port is sport (fails the test if none). */
struct pa_app *pa_of(uint16_t sport);
/* Handshake from sport with an MSS option (0: none); the peer then
 * advertises win. */
struct pa_app *pa_connect(struct tt_peer *p, struct harness *h,
			  uint16_t sport, uint16_t mss, uint16_t win);
/* Send a request, drop whatever the stack answers. */
void pa_request(struct tt_peer *p);
/* A RST from p (in window): the connection goes, its memory with it. */
void pa_reset(struct tt_peer *p);

/* Class k of h's budget; its in-use mbufs. */
const struct mem_class_stat *pa_cls(struct harness *h, enum mem_class k);
uint64_t pa_mbufs(struct harness *h, enum mem_class k);
/* Payload one send-queue mbuf holds (tcp_lcore.seg_cap). */
uint32_t pa_seg_cap(struct harness *h);
/* The pool still holds the RX reserve (what the NIC refills from). */
void pa_assert_reserve(struct harness *h);

#endif

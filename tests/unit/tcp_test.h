/* SPDX-License-Identifier: BSD-3-Clause */
/* tcp_test.h: a scripted peer and a tiny application for the TCP tests. */
#ifndef LR_TESTS_TCP_TEST_H
#define LR_TESTS_TCP_TEST_H

/*
 * Everything a TCP unit test needs comes from this header (it includes
 * cmocka, the harness and the frame builders). A test program looks like:
 *
 *	#include "tcp_test.h"
 *
 *	static void
 *	test_tcp_x_does_y(void **state)
 *	{
 *		struct harness *h = *state;   (listening on TT_PORT, tt_ops)
 *		struct tt_peer p;
 *		struct tt_app *a;
 *
 *		tt_peer_init(&p, h, 40000);   (one source port per peer)
 *		a = tt_connect(&p);           (handshake done, accepted)
 *		tt_send_data(&p, "GET", 3);
 *		assert_int_equal(a->rx_len, 3);
 *	}
 *
 *	int
 *	main(void)
 *	{
 *		const struct CMUnitTest tests[] = {
 *			TT_TEST(test_tcp_x_does_y),
 *		};
 *
 *		return TT_RUN(tests);
 *	}
 *
 * A test that needs another configuration starts with
 * `struct harness *h = tt_reopen(state, tweak);`. The fixture's teardown
 * fails the test when an mbuf leaked or an accepted connection was never
 * closed (tt_teardown).
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_ip.h>
#include <rte_tcp.h>

#include "harness.h"
#include "net/tcp.h"
#include "pkt.h"

#define TT_PORT 8080
#define TT_APPS 8
#define TT_RXMAX (64 * 1024)

#define F_SYN RTE_TCP_SYN_FLAG
#define F_ACK RTE_TCP_ACK_FLAG
#define F_FIN RTE_TCP_FIN_FLAG
#define F_RST RTE_TCP_RST_FLAG
#define F_PSH RTE_TCP_PSH_FLAG

/* What the application does when bytes arrive. */
enum tt_action {
	TT_NOTHING,
	TT_RESPOND,       /* send resp_len bytes once, on the first recv */
	TT_RESPOND_CLOSE, /* the same, then tcp_close() */
	TT_ECHO,          /* send back every byte received */
	TT_ECHO_RESERVE,  /* the same, written into tcp_send_reserve() */
	TT_ABORT,         /* tcp_abort() on the first recv */
};

/* One accepted connection as the application sees it. */
struct tt_app {
	bool used;
	struct tcp_conn *c;
	uint8_t rx[TT_RXMAX];
	uint32_t rx_len;
	uint32_t recv_calls;
	bool peer_fin;
	bool closed;
	enum tcp_close_reason why;
	uint32_t writable_calls;
	bool responded;
	/* streaming: on writable(), send more of stream_left */
	uint32_t stream_left;
	uint32_t stream_sent;
};

/* Behaviour of the application for connections accepted from now on. */
struct tt_policy {
	enum tt_action action;
	uint32_t resp_len;
	bool close_on_fin; /* tcp_close() on peer_fin */
	bool refuse;       /* accept() returns NULL */
	/* TT_ECHO_RESERVE's reserve (NULL: tcp_send_reserve) */
	void *(*reserve)(struct lcore_ctx *ctx, struct tcp_conn *c,
			 uint32_t len, uint16_t sum);
};

extern struct tt_app tt_apps[TT_APPS];
extern struct tt_policy tt_policy;
extern const struct tcp_ops tt_ops;

/* The byte at offset i of a response (a pattern, checked on receive). */
static inline uint8_t
tt_byte(uint32_t i)
{
	return (uint8_t)('a' + i % 23);
}

/* A segment the stack sent, parsed, its payload copied. */
struct tt_seg {
	struct pkt_tcp_seen s;
	uint8_t data[PKT_MAX];
};

/* The scripted peer: one 4-tuple, the sequence numbers it tracks. */
struct tt_peer {
	struct harness *h;
	uint16_t sport;
	uint32_t iss;     /* our ISN as the peer */
	uint32_t snd_nxt; /* next sequence the peer sends */
	uint32_t rcv_nxt; /* next sequence expected from the stack */
	uint32_t srv_iss; /* the stack's ISN (from its SYN-ACK) */
	uint16_t win;     /* window field the peer sends */
	bool ts;
	uint32_t tsval, ts_recent;
	/* SYN options */
	uint16_t mss;
	int8_t wscale;
	bool sack_perm;
};

/* cmocka setup: *state = tt_harness(NULL). Returns 0. */
int tt_setup(void **state);
/* cmocka teardown: tt_teardown(*state). Returns 0. */
int tt_cleanup(void **state);
/* Inside a test: tear the fixture's harness down and put one built with
 * tweak (may be NULL) in its place; returns it (also in *state). */
struct harness *tt_reopen(void **state, void (*tweak)(struct config *cfg));

/* One test with the fixture above. */
#define TT_TEST(fn) cmocka_unit_test_setup_teardown(fn, tt_setup, tt_cleanup)
/* main()'s body: EAL once, then the array of TT_TEST()s; the exit code. */
#define TT_RUN(tests)                                                          \
	(harness_eal_init(), cmocka_run_group_tests(tests, NULL, NULL))

/* Configuration tweaks more than one test program uses. */
void tt_tweak_syncookies_on(struct config *cfg); /* tcp_syncookies on */
/* tcp_max_conns 2 with SYN cookies off: the third connection is refused. */
void tt_tweak_two_conns(struct config *cfg);

/* Reset the application slots and policy (tt_harness does it). */
void tt_reset(void);

/* Harness + tcp_listen(TT_PORT, &tt_ops). */
struct harness *tt_harness(void (*tweak)(struct config *cfg));

/* Teardown: tcp_lcore_fini, no mbuf leaked, harness destroyed. */
void tt_teardown(struct harness *h);

/* A peer with sane defaults (port, ISN 1000, win 65535, no options). */
void tt_peer_init(struct tt_peer *p, struct harness *h, uint16_t sport);

/* Send one segment from p (seq/ack/flags given; win and TS from p). */
void tt_send(struct tt_peer *p, uint8_t flags, uint32_t seq, uint32_t ack,
	     const void *data, uint32_t len);
/* Send data at p->snd_nxt acking p->rcv_nxt, and advance snd_nxt. */
void tt_send_data(struct tt_peer *p, const void *data, uint32_t len);
/* A pure ACK of p->rcv_nxt. */
void tt_send_ack(struct tt_peer *p);
/* A segment from p with raw pkt_tcp fields (checksum, options...). */
void tt_send_raw(struct harness *h, struct pkt_tcp *t);
/* A segment after the handshake (no SYN options) from an end that
 * filled t's ports, window and timestamps: flags, seq, ack and the
 * payload are set in t, then tt_send_raw(). */
/* A pure ACK of ack from p carrying n SACK blocks b[i] = {left, right}. */
void tt_send_sack(struct tt_peer *p, uint32_t ack, uint8_t n,
		  const uint32_t (*b)[2]);
void tt_send_seg(struct harness *h, struct pkt_tcp *t, uint8_t flags,
		 uint32_t seq, uint32_t ack, const void *data, uint32_t len);

/* Everything transmitted since the last collect, parsed (max out). */
unsigned int tt_collect(struct harness *h, struct tt_seg *out,
			unsigned int max);
/* Exactly one segment was sent: it. */
void tt_one(struct harness *h, struct tt_seg *out);
/* Nothing was sent. */
void tt_none(struct harness *h);
/* Payload bytes in segs[0..n). */
uint32_t tt_seg_bytes(const struct tt_seg *segs, unsigned int n);
/* Advance the clock in 1 ms steps until something is sent, at most
 * limit_us: the segments in segs (at most max, *n of them); returns the
 * time waited (limit_us or more with *n == 0 when nothing came). */
uint64_t tt_wait_segment(struct harness *h, struct tt_seg *segs,
			 unsigned int max, unsigned int *n, uint64_t limit_us);

/* SYN (with p's options), SYN-ACK checked, ACK: ESTABLISHED, accepted.
 * Returns the app slot. */
struct tt_app *tt_connect(struct tt_peer *p);
/* The SYN-ACK that answered the SYN (from tt_syn). */
void tt_syn(struct tt_peer *p, struct tt_seg *synack);

/* Segments carrying data: reassemble what the stack sent from seq
 * p->rcv_nxt on into buf (returns bytes, advances p->rcv_nxt). */
uint32_t tt_take_data(struct tt_peer *p, const struct tt_seg *segs,
		      unsigned int n, uint8_t *buf, uint32_t max);

/* The app slot of the n-th accepted connection. */
struct tt_app *tt_app_of(struct tcp_conn *c);

/* Number of connections in state s. */
uint32_t tt_state_count(struct harness *h, int s);

#endif

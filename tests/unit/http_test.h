/* SPDX-License-Identifier: BSD-3-Clause */
/* http_test.h: an HTTP/1.1 client and server fixture over the scripted
 * TCP peer of tcp_test.h. */
#ifndef LR_TESTS_HTTP_TEST_H
#define LR_TESTS_HTTP_TEST_H

/*
 * Requests go in as data segments on the ring port through the real TCP
 * input path; every byte the server answers is reassembled in order and
 * acknowledged, so a test compares whole answers. A test program looks
 * like:
 *
 *	h = harness_create(tweak);            (after tt_reset())
 *	http_router_init(&r);  ...routes...
 *	ht_server_start(h, &r);
 *	ht_connect(&c, h, 40001);
 *	ht_request(&c, "GET", "/hello", NULL);
 *	ht_read(&c, buf, sizeof(buf));
 *	assert_string_equal(buf, ht_expect("HTTP/1.1 200 OK", "text/plain",
 *					   "hello", NULL, NULL, false));
 *	...
 *	ht_server_stop(h);
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tcp_test.h"

struct http_exchange;
struct http_router;

/* One client connection: the peer and what the server did to it. */
struct ht_client {
	struct tt_peer p;
	bool fin;      /* the server sent FIN (acknowledged by ht_read) */
	bool rst;      /* the server sent RST */
	uint8_t flags; /* TCP flags of every segment the last ht_read saw */
};

/* Route handlers more than one test program uses. */
void ht_hello(struct http_exchange *x); /* 200 text/plain "hello" */
void ht_echo(struct http_exchange *x);  /* 200 text/plain, the body back */
/* 201 text/plain "later", 5 s later (http_respond_after) */
void ht_later(struct http_exchange *x);

/* Serve r on TT_PORT of h: http_lcore_init() and tcp_listen() with
 * http_tcp_ops, each asserted to succeed. */
void ht_server_start(struct harness *h, struct http_router *r);
/* Tear the server and h down: drain, tcp_lcore_fini(), assert no HTTP
 * connection is left, then ht_server_free(h). */
void ht_server_stop(struct harness *h);
/* The end of ht_server_stop() once tcp_lcore_fini() ran: http_lcore_fini(),
 * flush, drain, assert no mbuf leaked, harness_destroy(h). */
void ht_server_free(struct harness *h);

/* Open a connection from sport on p: tt_peer_init(), SYN, SYN-ACK, our
 * ACK; asserts the server sends nothing more. */
void ht_handshake(struct tt_peer *p, struct harness *h, uint16_t sport);
/* c zeroed, then ht_handshake(&c->p, h, sport). */
void ht_connect(struct ht_client *c, struct harness *h, uint16_t sport);
/* Send the string s as one data segment. */
void ht_send(struct ht_client *c, const char *s);
/* Send "method target HTTP/1.1" with Host: t and, when body is not
 * NULL, body as application/json with its Content-Length. */
void ht_request(struct ht_client *c, const char *method, const char *target,
		const char *body);
/* Everything the server sent since the last read, in order, into buf
 * (at most cap - 1 bytes, NUL terminated), data and FIN acknowledged.
 * Sets c->fin on the server's FIN, c->rst on a RST (and stops there),
 * c->flags to the flags of the segments seen. Returns the bytes read. */
size_t ht_read(struct ht_client *c, char *buf, size_t cap);

/* One segment s the server sent to p: a RST sets *rst; a FIN in
 * sequence sets *fin (once) and is consumed (p->rcv_nxt moves past it).
 * Returns whether s calls for an ACK (it carries data or a FIN). */
bool ht_note(struct tt_peer *p, bool *fin, bool *rst,
	     const struct pkt_tcp_seen *s);

/* The answer the server must send, byte for byte: status_line, Date for
 * harness_now(), Content-Type ctype (NULL: none), Content-Length of body,
 * Connection conn (NULL: none), extra header lines (NULL: none), then
 * body unless head_only. Returns a static buffer, overwritten by the next
 * call. */
const char *ht_expect(const char *status_line, const char *ctype,
		      const char *body, const char *conn, const char *extra,
		      bool head_only);
/* The body of the response resp: what follows the blank line that ends
 * its head; NULL when resp holds no whole head. */
const char *ht_body(const char *resp);

#endif

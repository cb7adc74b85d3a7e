/* SPDX-License-Identifier: BSD-3-Clause */
/* http_test.c: an HTTP/1.1 client and server fixture over the scripted
 * TCP peer of tcp_test.h. */
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "http/http.h"
#include "http/resp.h"
#include "http_test.h"

void
ht_hello(struct http_exchange *x)
{
	http_respond(x, 200, "text/plain", "hello", 5);
}

void
ht_echo(struct http_exchange *x)
{
	http_respond(x, 200, "text/plain", x->body, x->body_len);
}

void
ht_later(struct http_exchange *x)
{
	assert_int_equal(http_respond_after(x, 5000, 201, "text/plain", "later",
					    5), 0);
}

void
ht_server_start(struct harness *h, struct http_router *r)
{
	assert_int_equal(http_lcore_init(h->ctx, r), 0);
	assert_int_equal(tcp_listen(h->ctx, TT_PORT, &http_tcp_ops), 0);
}

void
ht_server_stop(struct harness *h)
{
	harness_drain(h);
	tcp_lcore_fini(h->ctx);
	assert_int_equal(http_conn_count(h->ctx), 0);
	ht_server_free(h);
}

void
ht_server_free(struct harness *h)
{
	http_lcore_fini(h->ctx);
	lcore_tx_flush(h->ctx);
	harness_drain(h);
	assert_int_equal(harness_mbufs_leaked(h), 0);
	harness_destroy(h);
}

void
ht_handshake(struct tt_peer *p, struct harness *h, uint16_t sport)
{
	struct tt_seg sa;

	tt_peer_init(p, h, sport);
	tt_syn(p, &sa);
	tt_send_ack(p);
	tt_none(h);
}

void
ht_connect(struct ht_client *c, struct harness *h, uint16_t sport)
{
	memset(c, 0, sizeof(*c));
	ht_handshake(&c->p, h, sport);
}

void
ht_send(struct ht_client *c, const char *s)
{
	tt_send_data(&c->p, s, (uint32_t)strlen(s));
}

void
ht_request(struct ht_client *c, const char *method, const char *target,
	   const char *body)
{
	char req[4096];

	if (body)
		snprintf(req, sizeof(req), "%s %s HTTP/1.1\r\nHost: t\r\n"
			 "Content-Type: application/json\r\nContent-Length: %zu"
			 "\r\n\r\n%s", method, target, strlen(body), body);
	else
		snprintf(req, sizeof(req), "%s %s HTTP/1.1\r\nHost: t\r\n\r\n",
			 method, target);
	ht_send(c, req);
}

bool
ht_note(struct tt_peer *p, bool *fin, bool *rst,
	const struct pkt_tcp_seen *s)
{
	if (s->flags & F_RST)
		*rst = true;
	if ((s->flags & F_FIN) && !*fin &&
	    s->seq + (uint32_t)s->len == p->rcv_nxt) {
		*fin = true;
		p->rcv_nxt++;
	}
	return s->len || (s->flags & F_FIN);
}

size_t
ht_read(struct ht_client *c, char *buf, size_t cap)
{
	static struct tt_seg segs[64];
	size_t got = 0;
	unsigned int n;

	c->flags = 0;
	while ((n = tt_collect(c->p.h, segs, 64)) > 0) {
		bool ack = false;

		got += tt_take_data(&c->p, segs, n, (uint8_t *)buf + got,
				    (uint32_t)(cap - 1 - got));
		for (unsigned int i = 0; i < n; i++) {
			const struct pkt_tcp_seen *s = &segs[i].s;

			c->flags |= s->flags;
			if (ht_note(&c->p, &c->fin, &c->rst, s))
				ack = true;
		}
		if (!ack || c->rst)
			break;
		tt_send_ack(&c->p);
	}
	buf[got] = '\0';
	return got;
}

const char *
ht_expect(const char *status_line, const char *ctype, const char *body,
	  const char *conn, const char *extra, bool head_only)
{
	static char out[16384];
	struct http_date d = {0};
	char ct[128] = "", cn[64] = "";

	http_date_update(&d, clock_wall_at(harness_now()));
	if (ctype)
		snprintf(ct, sizeof(ct), "Content-Type: %s\r\n", ctype);
	if (conn)
		snprintf(cn, sizeof(cn), "Connection: %s\r\n", conn);
	snprintf(out, sizeof(out), "%s\r\n%s%sContent-Length: %zu\r\n%s%s\r\n%s",
		 status_line, d.line, ct, strlen(body), cn, extra ? extra : "",
		 head_only ? "" : body);
	return out;
}

const char *
ht_body(const char *resp)
{
	const char *b = strstr(resp, "\r\n\r\n");

	return b ? b + 4 : NULL;
}

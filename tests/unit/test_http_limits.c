/* SPDX-License-Identifier: BSD-3-Clause */
/* test_http_limits.c: HTTP under the memory budget: buffers, window, backpressure. */
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/mem.h"
#include "http/http.h"
#include "http/resp.h"
#include "http_test.h"

/*
 * A scripted client over the ring port with the fake clock (as in
 * test_http_conn.c): what the server sends is reassembled and compared
 * whole, and the window of every segment it sends is checked where the
 * test is about the window. Each test ends with the peer gone and the
 * budget's HTTP classes back at 0.
 */

#define HL_BIG_LEN 6000u /* an answer over tcp.snd_buf */

static struct harness *hl_h;
static struct http_router hl_router;
static void (*hl_extra)(struct config *cfg);

struct hl_client {
	struct tt_peer p;
	bool fin, rst;
	uint16_t win;	/* window of the last segment the server sent */
	unsigned int segs;
	uint32_t acked; /* what the client acknowledged last */
};

/* Segments collected for another client than the reader, kept for it. */
static struct tt_seg hl_stash[64];
static unsigned int hl_nstash;

#define LSTAT(name) harness_stat(hl_h, ST_##name)
#define MEM_USE(k) (hl_h->ctx->mem.cls[k].in_use)

static void
hl_big(struct http_exchange *x)
{
	static char body[HL_BIG_LEN];

	for (uint32_t i = 0; i < HL_BIG_LEN; i++)
		body[i] = (char)tt_byte(i);
	http_respond(x, 200, "text/plain", body, HL_BIG_LEN);
}

static void
hl_tweak(struct config *cfg)
{
	cfg->tcp_max_conns = 8;
	cfg->tcp_delack_ms = 0;
	if (hl_extra)
		hl_extra(cfg);
}

static void
hl_open(void (*extra)(struct config *cfg))
{
	tt_reset();
	hl_extra = extra;
	hl_h = harness_create(hl_tweak);
	http_router_init(&hl_router);
	assert_true(http_router_add(&hl_router, HTTP_METHOD_BIT(HTTP_M_GET),
				    "/hello", ht_hello, NULL, "hello") >= 0);
	assert_true(http_router_add(&hl_router, HTTP_METHOD_BIT(HTTP_M_GET),
				    "/big", hl_big, NULL, "big") >= 0);
	assert_true(http_router_add(&hl_router, HTTP_METHOD_BIT(HTTP_M_GET),
				    "/later", ht_later, NULL, "later") >= 0);
	assert_true(http_router_add(&hl_router, HTTP_METHOD_BIT(HTTP_M_POST),
				    "/echo", ht_echo, NULL, "echo") >= 0);
	ht_server_start(hl_h, &hl_router);
}

/* The peers left: every HTTP byte of the budget is back, nothing leaks. */
static void
hl_close(void)
{
	harness_drain(hl_h);
	assert_int_equal(http_conn_count(hl_h->ctx), 0);
	assert_int_equal(MEM_USE(MEM_HTTP_REQ), 0);
	assert_int_equal(MEM_USE(MEM_RESP), 0);
	tcp_lcore_fini(hl_h->ctx);
	ht_server_free(hl_h);
}

static void
hl_connect(struct hl_client *c, uint16_t sport)
{
	memset(c, 0, sizeof(*c));
	ht_handshake(&c->p, hl_h, sport);
}

static void
hl_send(struct hl_client *c, const char *s)
{
	tt_send_data(&c->p, s, (uint32_t)strlen(s));
	c->acked = c->p.rcv_nxt;
}

/* Data from a client that has not read: its ACK stays where it was. */
static void
hl_send_unread(struct hl_client *c, const void *s, uint32_t len)
{
	tt_send(&c->p, F_ACK | F_PSH, c->p.snd_nxt, c->acked, s, len);
	c->p.snd_nxt += len;
}

static void
hl_keep(struct tt_seg *out, unsigned int *n, const struct tt_seg *s)
{
	out[*n] = *s;
	out[*n].s.data = out[*n].data;
	(*n)++;
}

/* What the server sent to c (others' segments wait in the stash). */
static unsigned int
hl_collect(struct hl_client *c, struct tt_seg *out)
{
	static struct tt_seg tmp[64];
	unsigned int n = 0, k = 0, m;

	for (unsigned int i = 0; i < hl_nstash; i++) {
		if (hl_stash[i].s.dport == c->p.sport)
			hl_keep(out, &n, &hl_stash[i]);
		else
			hl_keep(hl_stash, &k, &hl_stash[i]);
	}
	hl_nstash = k;
	m = tt_collect(hl_h, tmp, 64);
	for (unsigned int i = 0; i < m; i++) {
		if (tmp[i].s.dport == c->p.sport)
			hl_keep(out, &n, &tmp[i]);
		else if (hl_nstash < 64)
			hl_keep(hl_stash, &hl_nstash, &tmp[i]);
	}
	return n;
}

/* Everything the server sent since the last read, in order; acked when
 * ack (else the client reads nothing: its window stays as it was). */
static size_t
hl_read_ack(struct hl_client *c, char *buf, size_t cap, bool ack)
{
	static struct tt_seg segs[128];
	size_t got = 0;
	unsigned int n;

	while ((n = hl_collect(c, segs)) > 0) {
		bool data = false;

		got += tt_take_data(&c->p, segs, n, (uint8_t *)buf + got,
				    (uint32_t)(cap - 1 - got));
		for (unsigned int i = 0; i < n; i++) {
			const struct pkt_tcp_seen *s = &segs[i].s;

			c->segs++;
			c->win = s->win;
			if (ht_note(&c->p, &c->fin, &c->rst, s))
				data = true;
		}
		if (!data || c->rst || !ack)
			break;
		tt_send_ack(&c->p);
		c->acked = c->p.rcv_nxt;
	}
	buf[got] = '\0';
	return got;
}

static size_t
hl_read(struct hl_client *c, char *buf, size_t cap)
{
	return hl_read_ack(c, buf, cap, true);
}

/* The client closes; the server closes after it. */
static void
hl_leave(struct hl_client *c)
{
	char buf[256];

	tt_send(&c->p, F_FIN | F_ACK, c->p.snd_nxt, c->p.rcv_nxt, NULL, 0);
	c->p.snd_nxt++;
	hl_read(c, buf, sizeof(buf));
	assert_true(c->fin || c->rst); /* hl_read acknowledged the FIN */
}

/* The hello answer, byte for byte. */
static const char *
hl_hello_ok(void)
{
	return ht_expect("HTTP/1.1 200 OK", "text/plain", "hello", NULL, NULL,
			 false);
}

#define GET_HELLO "GET /hello HTTP/1.1\r\nHost: t\r\n\r\n"

/* ---- incremental parsing ---------------------------------------------- */

/* Issue 14: a 1,500-byte head dribbled one byte per segment is scanned
 * at most twice (from byte 0 on each segment it would be ~1.1 MB). */
static void
test_http_limits_dribbled_head_is_parsed_incrementally(void **state)
{
	static char head[1600], buf[1024];
	struct hl_client c;
	char *p = head;
	size_t n;

	(void)state;
	hl_open(NULL);
	p += sprintf(p, "GET /hello HTTP/1.1\r\nHost: t\r\n");
	while (p - head < 1500 - 40)
		p += sprintf(p, "X-Field-%04d: some value\r\n", (int)(p - head));
	p += sprintf(p, "X-Pad: ");
	while (p - head < 1500 - 4)
		*p++ = 'v';
	p += sprintf(p, "\r\n\r\n");
	n = (size_t)(p - head);
	assert_int_equal(n, 1500);
	hl_connect(&c, 41001);
	for (size_t i = 0; i < n; i++) {
		tt_send_data(&c.p, head + i, 1);
		if (i + 1 < n)
			assert_int_equal(hl_read(&c, buf, sizeof(buf)), 0);
	}
	hl_read(&c, buf, sizeof(buf));
	assert_string_equal(buf, hl_hello_ok());
	assert_true(LSTAT(http_parse_bytes) <= 2 * n);
	assert_true(LSTAT(http_parse_bytes) >= n);
	/* The next request, whole in one segment, is scanned once. */
	{
		uint64_t before = LSTAT(http_parse_bytes);

		hl_send(&c, GET_HELLO);
		hl_read(&c, buf, sizeof(buf));
		assert_string_equal(buf, hl_hello_ok());
		assert_int_equal(LSTAT(http_parse_bytes) - before,
				 strlen(GET_HELLO));
	}
	hl_leave(&c);
	hl_close();
}

/* The echo answer for body. */
static const char *
hl_echo_ok(const char *body)
{
	static char out[512];
	struct http_date d = { 0 };

	http_date_update(&d, clock_wall_at(harness_now()));
	snprintf(out, sizeof(out),
		 "HTTP/1.1 200 OK\r\n%sContent-Type: text/plain\r\n"
		 "Content-Length: %zu\r\n\r\n%s",
		 d.line, strlen(body), body);
	return out;
}

/*
 * Pipelined requests of every framing (no body, Content-Length, chunked,
 * a long head) cut into segments at random places, many times: the
 * answers are exactly those of the whole stream, and no head is scanned
 * more than three times (once as it arrives, once when complete, once
 * more when its body completes).
 */
static void
test_http_limits_random_splits_answer_as_whole(void **state)
{
	static char in[4096], want[4096], buf[8192];
	static const char *const reqs[] = {
		GET_HELLO,
		"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\n"
		"0123456789",
		"POST /echo HTTP/1.1\r\nHost: t\r\n"
		"Transfer-Encoding: chunked\r\n\r\n"
		"3\r\nabc\r\n5;x=y\r\ndefgh\r\n0\r\nT: v\r\n\r\n",
		"\r\nGET /hello HTTP/1.1\r\nHost: t\r\nX-A: 1\r\nX-B:  2 \r\n"
		"X-C: 3\r\n\r\n",
	};
	static const char *const bodies[] = { NULL, "0123456789",
					      "abcdefgh", NULL };
	size_t n = 0, w = 0, heads = 0;
	uint64_t seed = 12345;

	(void)state;
	hl_open(NULL);
	for (int round = 0; round < 3; round++)
		for (size_t i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++) {
			const char *a = bodies[i] ? hl_echo_ok(bodies[i])
						  : hl_hello_ok();
			const char *e = strstr(reqs[i], "\r\n\r\n");

			n += (size_t)sprintf(in + n, "%s", reqs[i]);
			w += (size_t)sprintf(want + w, "%s", a);
			heads += (size_t)(e + 4 - reqs[i]);
		}
	for (int t = 0; t < 40; t++) {
		struct hl_client c;
		uint64_t before = LSTAT(http_parse_bytes);
		size_t off = 0, got = 0;

		hl_connect(&c, (uint16_t)(41100 + t));
		while (off < n) {
			size_t k;

			seed = seed * 6364136223846793005ull + 1442695040888963407ull;
			k = 1 + (size_t)(seed >> 33) % (t < 20 ? 7 : 300);
			if (k > n - off)
				k = n - off;
			tt_send_data(&c.p, in + off, (uint32_t)k);
			off += k;
			got += hl_read(&c, buf + got, sizeof(buf) - got);
		}
		assert_int_equal(got, w);
		assert_memory_equal(buf, want, w);
		assert_true(LSTAT(http_parse_bytes) - before <= 3 * heads);
		hl_leave(&c);
	}
	assert_int_equal(LSTAT(http_parse_errors), 0);
	hl_close();
}

/* A body dribbled after its head does not make the head parsed again. */
static void
test_http_limits_dribbled_body_does_not_reparse_the_head(void **state)
{
	static const char head[] = "GET /hello HTTP/1.1\r\nHost: t\r\n"
				   "Content-Length: 40\r\n\r\n";
	char buf[1024];
	struct hl_client c;

	(void)state;
	hl_open(NULL);
	hl_connect(&c, 41002);
	hl_send(&c, head);
	for (int i = 0; i < 40; i++) {
		tt_send_data(&c.p, "b", 1);
		if (i < 39)
			assert_int_equal(hl_read(&c, buf, sizeof(buf)), 0);
	}
	hl_read(&c, buf, sizeof(buf));
	assert_string_equal(buf, hl_hello_ok());
	/* once when it came, once more to dispatch it whole */
	assert_int_equal(LSTAT(http_parse_bytes), 2 * (sizeof(head) - 1));
	hl_leave(&c);
	hl_close();
}

/* ---- request buffers and the budget ----------------------------------- */

static void
hl_tweak_one_buffer(struct config *cfg)
{
	cfg->mem_http_req_bytes = 4096; /* one small buffer */
	cfg->http_header_timeout_ms = 1000;
}

/* A partial request costs one buffer of MEM_HTTP_REQ; it goes back when
 * the request completes. */
static void
test_http_limits_buffer_is_charged_by_capacity(void **state)
{
	char buf[1024];
	struct hl_client c;

	(void)state;
	hl_open(NULL);
	hl_connect(&c, 41003);
	hl_send(&c, "GET /hello HTTP/1.1\r\nHo");
	assert_int_equal(MEM_USE(MEM_HTTP_REQ), 4096);
	hl_read(&c, buf, sizeof(buf));
	hl_send(&c, "st: t\r\n\r\n");
	hl_read(&c, buf, sizeof(buf));
	assert_string_equal(buf, hl_hello_ok());
	assert_int_equal(MEM_USE(MEM_HTTP_REQ), 0);
	assert_int_equal(hl_h->ctx->mem.cls[MEM_HTTP_REQ].high, 4096);
	hl_leave(&c);
	hl_close();
}

/*
 * The class is full: a second connection's partial request is not
 * taken. Its bytes stay unacknowledged (left in TCP: the ACK does not
 * cover them), nothing is dropped from RX, and once the first buffer is
 * released the same bytes sent again are taken and answered.
 */
static void
test_http_limits_budget_full_leaves_bytes_in_tcp(void **state)
{
	static const char part_a[] = "GET /hello HTTP/1.1\r\nHo";
	static const char part_b[] = "GET /hello HTTP/1.1\r\nHost";
	struct tt_seg seg;
	char buf[1024];
	struct hl_client a, b;
	uint32_t b_seq;

	(void)state;
	hl_open(hl_tweak_one_buffer);
	hl_connect(&a, 41004);
	hl_connect(&b, 41005);
	hl_send(&a, part_a);
	hl_read(&a, buf, sizeof(buf));
	assert_int_equal(MEM_USE(MEM_HTTP_REQ), 4096);
	b_seq = b.p.snd_nxt;
	hl_send(&b, part_b);
	tt_one(hl_h, &seg);
	assert_int_equal(seg.s.ack, b_seq); /* nothing acknowledged */
	assert_int_equal(LSTAT(http_rx_left), sizeof(part_b) - 1);
	assert_int_equal(hl_h->ctx->mem.cls[MEM_HTTP_REQ].refusals, 1);
	assert_int_equal(MEM_USE(MEM_HTTP_REQ), 4096);
	/* a finishes: its buffer goes back */
	hl_send(&a, "st: t\r\n\r\n");
	hl_read(&a, buf, sizeof(buf));
	assert_string_equal(buf, hl_hello_ok());
	assert_int_equal(MEM_USE(MEM_HTTP_REQ), 0);
	/* b sends its bytes again (as on its RTO), then the rest */
	tt_send(&b.p, F_ACK | F_PSH, b_seq, b.p.rcv_nxt, part_b,
		sizeof(part_b) - 1);
	tt_one(hl_h, &seg);
	assert_int_equal(seg.s.ack, b_seq + sizeof(part_b) - 1);
	hl_send(&b, ": t\r\n\r\n");
	hl_read(&b, buf, sizeof(buf));
	assert_string_equal(buf, hl_hello_ok());
	hl_leave(&a);
	hl_leave(&b);
	hl_close();
}

/* A connection that never gets buffer space ends at its header timeout. */
static void
test_http_limits_starved_connection_ends_at_header_timeout(void **state)
{
	char buf[1024];
	struct hl_client a, b;
	uint32_t b_seq;

	(void)state;
	hl_open(hl_tweak_one_buffer);
	hl_connect(&a, 41006);
	hl_connect(&b, 41007);
	hl_send(&a, "GET /hello HTTP/1.1\r\nHo");
	hl_read(&a, buf, sizeof(buf));
	b_seq = b.p.snd_nxt;
	hl_send(&b, "GET /hello HTTP/1.1\r\nHost");
	hl_read(&b, buf, sizeof(buf));
	assert_int_equal(LSTAT(http_rx_left), 25);
	harness_advance(hl_h, 1100 * 1000);
	harness_poll(hl_h);
	hl_read(&b, buf, sizeof(buf));
	assert_non_null(strstr(buf, "HTTP/1.1 408 Request Timeout"));
	assert_true(b.fin);
	hl_read(&a, buf, sizeof(buf));
	assert_non_null(strstr(buf, "HTTP/1.1 408 Request Timeout"));
	assert_true(a.fin);
	assert_int_equal(LSTAT(http_header_timeouts), 2);
	hl_leave(&a);
	b.p.snd_nxt = b_seq; /* the bytes never acknowledged */
	hl_leave(&b);
	hl_close();
}

/* ---- backpressure and the receive window ------------------------------ */

static void
hl_tweak_pipeline_2(struct config *cfg)
{
	cfg->http_max_pipeline = 2;
	cfg->tcp_rcv_wnd = 4096;
}

/*
 * http.max_pipeline 2: of three pipelined requests two are answered, the
 * third waits until the client has acknowledged the answers. Meanwhile
 * the window stops opening (its right edge stays where it was: 4096 past
 * the first byte), then reopens to 4096 with the third answer.
 */
static void
test_http_limits_max_pipeline_holds_requests_and_the_window(void **state)
{
	char buf[4096], want[2048];
	struct hl_client c;
	const size_t rl = strlen(GET_HELLO);

	(void)state;
	hl_open(hl_tweak_pipeline_2);
	hl_connect(&c, 41008);
	hl_send(&c, GET_HELLO GET_HELLO GET_HELLO);
	hl_read_ack(&c, buf, sizeof(buf), false);
	snprintf(want, sizeof(want), "%s%s", hl_hello_ok(), hl_hello_ok());
	assert_string_equal(buf, want);
	assert_int_equal(LSTAT(http_pipeline_full), 1);
	assert_int_equal(c.win, 4096 - 3 * rl);
	/* more pipelined bytes: taken (the window had room), not answered,
	 * and the window closes by as much */
	hl_send_unread(&c, GET_HELLO, (uint32_t)rl);
	hl_read_ack(&c, buf, sizeof(buf), false);
	assert_int_equal(buf[0], '\0');
	assert_int_equal(c.win, 4096 - 4 * rl);
	/* the client reads: the held requests go, the window reopens */
	tt_send_ack(&c.p);
	hl_read_ack(&c, buf, sizeof(buf), false);
	assert_string_equal(buf, want);
	assert_int_equal(c.win, 4096);
	assert_int_equal(LSTAT(http_requests), 4);
	hl_leave(&c);
	hl_close();
}

static void
hl_tweak_small_window(struct config *cfg)
{
	cfg->http_max_pipeline = 1;
	cfg->tcp_rcv_wnd = 1024;
}

/*
 * A client that pipelines and does not read fills the window to 0: what
 * it sends past it is not acknowledged (RFC 9293: never shrink, stop
 * opening), its pure ACKs still count, and the window opens again with
 * a window update once the connection reads.
 */
static void
test_http_limits_window_closes_to_zero_and_reopens(void **state)
{
	static char buf[8192], fill[1024];
	struct hl_client c;
	struct tt_seg seg;
	uint32_t edge, n = 0;
	size_t rl = strlen(GET_HELLO);

	(void)state;
	hl_open(hl_tweak_small_window);
	hl_connect(&c, 41009);
	hl_send(&c, GET_HELLO);
	hl_read_ack(&c, buf, sizeof(buf), false);
	assert_string_equal(buf, hl_hello_ok());
	assert_int_equal(c.win, 1024);
	edge = c.p.snd_nxt + 1024;
	/* the answer is unacknowledged: the connection takes no request,
	 * the window stops opening */
	while (n + rl <= sizeof(fill) - 10) {
		memcpy(fill + n, GET_HELLO, rl);
		n += (uint32_t)rl;
	}
	hl_send_unread(&c, fill, n);
	tt_one(hl_h, &seg);
	assert_int_equal(seg.s.len, 0);
	assert_int_equal(seg.s.win, 1024 - n);
	/* up to the edge is taken, then the window is 0 */
	hl_send_unread(&c, GET_HELLO, 1024 - n);
	tt_one(hl_h, &seg);
	assert_int_equal(seg.s.win, 0);
	assert_int_equal(seg.s.ack, edge);
	/* past it nothing is: a probe is answered at once */
	tt_send(&c.p, F_ACK | F_PSH, edge, c.acked, "XYZ", 3);
	tt_one(hl_h, &seg);
	assert_int_equal(seg.s.win, 0);
	assert_int_equal(seg.s.ack, edge);
	assert_int_equal(LSTAT(http_requests), 1);
	/* the client reads: the held requests are answered one by one, and
	 * the window opens once they are */
	tt_send_ack(&c.p);
	hl_read(&c, buf, sizeof(buf));
	assert_int_equal(LSTAT(http_requests), 1 + 1024 / rl);
	assert_int_equal(c.win, 1024);
	assert_false(c.rst);
	assert_int_equal(LSTAT(http_send_overflow), 0);
	hl_leave(&c);
	hl_close();
}

/* ---- answers are never cut short -------------------------------------- */

static void
hl_tweak_small_sndbuf(struct config *cfg)
{
	cfg->tcp_snd_buf = 2048;
}

/*
 * An answer three times the send buffer: what TCP does not take waits
 * in MEM_RESP and follows as ACKs free room; the client gets it whole,
 * then the pipelined request behind it.
 */
static void
test_http_limits_answer_over_send_buffer_is_sent_whole(void **state)
{
	static char buf[16384];
	struct hl_client c;
	char *body;
	size_t n;

	(void)state;
	hl_open(hl_tweak_small_sndbuf);
	hl_connect(&c, 41010);
	hl_send(&c, "GET /big HTTP/1.1\r\nHost: t\r\n\r\n" GET_HELLO);
	assert_int_equal(LSTAT(http_resp_held), 1);
	assert_true(MEM_USE(MEM_RESP) >= HL_BIG_LEN - 2048);
	n = hl_read(&c, buf, sizeof(buf));
	body = strstr(buf, "\r\n\r\n");
	assert_non_null(body);
	body += 4;
	assert_non_null(strstr(buf, "Content-Length: 6000\r\n"));
	for (uint32_t i = 0; i < HL_BIG_LEN; i++)
		assert_int_equal((uint8_t)body[i], tt_byte(i));
	assert_string_equal(body + HL_BIG_LEN, hl_hello_ok());
	assert_int_equal(n, (size_t)(body - buf) + HL_BIG_LEN +
				    strlen(hl_hello_ok()));
	assert_int_equal(LSTAT(http_send_overflow), 0);
	assert_int_equal(MEM_USE(MEM_RESP), 0);
	assert_false(c.rst);
	hl_leave(&c);
	hl_close();
}

/*
 * A pipelined request that finds less send space than the reserve
 * (tcp.snd_buf 2048: the reserve is all of it, so any answer still
 * queued) waits (HC_PAUSED) for the ACK that frees the space: the ACK's
 * writable call (which HTTP asked for, tcp_want_writable) answers it.
 */
static void
test_http_limits_paused_on_send_space_resumes_on_ack(void **state)
{
	char buf[4096];
	struct hl_client c;

	(void)state;
	hl_open(hl_tweak_small_sndbuf);
	hl_connect(&c, 41013);
	hl_send(&c, GET_HELLO GET_HELLO);
	hl_read_ack(&c, buf, sizeof(buf), false);
	assert_string_equal(buf, hl_hello_ok());
	assert_int_equal(LSTAT(http_paused), 1);
	assert_int_equal(LSTAT(http_requests), 1);
	/* the client acknowledges the first answer: the second follows */
	tt_send_ack(&c.p);
	c.acked = c.p.rcv_nxt;
	hl_read_ack(&c, buf, sizeof(buf), false);
	assert_string_equal(buf, hl_hello_ok());
	assert_int_equal(LSTAT(http_requests), 2);
	hl_leave(&c);
	hl_close();
}

static void
hl_tweak_no_resp_budget(struct config *cfg)
{
	cfg->tcp_snd_buf = 2048;
	cfg->mem_resp_bytes = 1024; /* less than any tail */
}

/* No memory for the tail: the connection is reset, the client never
 * sees a shorter answer than its Content-Length as if it were whole. */
static void
test_http_limits_answer_without_memory_resets_not_truncates(void **state)
{
	static char buf[16384];
	struct hl_client c;

	(void)state;
	hl_open(hl_tweak_no_resp_budget);
	hl_connect(&c, 41011);
	hl_send(&c, "GET /big HTTP/1.1\r\nHost: t\r\n\r\n");
	hl_read(&c, buf, sizeof(buf));
	assert_true(c.rst);
	assert_false(c.fin);
	assert_int_equal(LSTAT(http_send_overflow), 1);
	assert_int_equal(http_conn_count(hl_h->ctx), 0);
	hl_close();
}

/* A deferred answer's body is an answer waiting: MEM_RESP until sent. */
static void
test_http_limits_deferred_answer_is_charged_while_it_waits(void **state)
{
	char buf[1024];
	struct hl_client c;

	(void)state;
	hl_open(NULL);
	hl_connect(&c, 41012);
	hl_send(&c, "GET /later HTTP/1.1\r\nHost: t\r\n\r\n");
	assert_int_equal(MEM_USE(MEM_RESP), 4096);
	harness_advance(hl_h, 6000);
	harness_poll(hl_h);
	hl_read(&c, buf, sizeof(buf));
	assert_non_null(strstr(buf, "HTTP/1.1 201 Created\r\n"));
	assert_int_equal(MEM_USE(MEM_RESP), 0);
	hl_leave(&c);
	hl_close();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			test_http_limits_dribbled_head_is_parsed_incrementally),
		cmocka_unit_test(
			test_http_limits_dribbled_body_does_not_reparse_the_head),
		cmocka_unit_test(test_http_limits_random_splits_answer_as_whole),
		cmocka_unit_test(test_http_limits_buffer_is_charged_by_capacity),
		cmocka_unit_test(
			test_http_limits_budget_full_leaves_bytes_in_tcp),
		cmocka_unit_test(
			test_http_limits_starved_connection_ends_at_header_timeout),
		cmocka_unit_test(
			test_http_limits_max_pipeline_holds_requests_and_the_window),
		cmocka_unit_test(
			test_http_limits_paused_on_send_space_resumes_on_ack),
		cmocka_unit_test(
			test_http_limits_window_closes_to_zero_and_reopens),
		cmocka_unit_test(
			test_http_limits_answer_over_send_buffer_is_sent_whole),
		cmocka_unit_test(
			test_http_limits_answer_without_memory_resets_not_truncates),
		cmocka_unit_test(
			test_http_limits_deferred_answer_is_charged_while_it_waits),
	};

	harness_eal_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}

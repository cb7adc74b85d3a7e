/* SPDX-License-Identifier: BSD-3-Clause */
/* test_http_conn.c: whole HTTP/1.1 exchanges through the real TCP input path. */
#include <stdio.h>
#include <string.h>

#include "http/conn_priv.h"
#include "http/http.h"
#include "http/resp.h"
#include "http_test.h"

/*
 * A client over the scripted TCP peer: requests go in as segments on the
 * ring port, every byte the stack answers is reassembled and compared
 * whole. The fake clock only moves when a test says so, so the Date line
 * is the one for harness_now().
 */

#define HC_MAX_BODY 64
#define HC_MAX_HEADER 256

static struct harness *hc_h;
static struct http_router hc_router;

#define HC_STREAM_LEN 100000u

/* Any range of the streamed body, made again on demand. */
static size_t
hc_stream_bytes(void *arg, uint64_t param, uint64_t off, char *buf, size_t cap)
{
	size_t n = 0;

	while (n < cap && off + n < param)
		buf[n] = (char)tt_byte((uint32_t)(off + n)), n++;
	return n;
}

static void
hc_stream(struct http_exchange *x)
{
	http_stream_start(x, 200, "text/plain", HC_STREAM_LEN, hc_stream_bytes,
			  NULL, HC_STREAM_LEN);
}

/* /poll: a deferred answer that waits again from its own callback, as a
 * handler polling another thread's result does (app/cluster_routes.c). */
static unsigned int hc_polls;

static void
hc_poll_due(struct http_exchange *x, void *arg, uint64_t left)
{
	hc_polls++;
	if (left > 0) {
		assert_int_equal(http_defer(x, 1000, hc_poll_due, arg, left - 1),
				 0);
		return;
	}
	http_respond(x, 200, "text/plain", "polled", 6);
}

static void
hc_poll(struct http_exchange *x)
{
	hc_polls = 0;
	assert_int_equal(http_defer(x, 1000, hc_poll_due, NULL, 3), 0);
}

/* /e200, /e201: empty answers (http_respond_empty). */
static void
hc_e200(struct http_exchange *x)
{
	http_respond_empty(x, 200);
}

static void
hc_e201(struct http_exchange *x)
{
	http_respond_empty(x, 201);
}

/* /e200close: an empty answer the handler closes (x->close). */
static void
hc_e200close(struct http_exchange *x)
{
	x->close = true;
	http_respond_empty(x, 200);
}

static void
hc_tweak(struct config *cfg)
{
	cfg->tcp_max_conns = 8;
	cfg->http_max_body = HC_MAX_BODY;
	cfg->http_max_header_bytes = HC_MAX_HEADER;
	/* smaller than a streamed body: it must wait for ACKs */
	cfg->tcp_snd_buf = 16384;
}

static int
hc_setup(void **state)
{
	tt_reset();
	hc_h = harness_create(hc_tweak);
	http_router_init(&hc_router);
	assert_true(http_router_add(&hc_router, HTTP_METHOD_BIT(HTTP_M_GET),
				    "/hello", ht_hello, NULL, "hello") >= 0);
	assert_true(http_router_add(&hc_router, HTTP_METHOD_BIT(HTTP_M_POST),
				    "/echo", ht_echo, NULL, "echo") >= 0);
	assert_true(http_router_add(&hc_router, HTTP_METHOD_BIT(HTTP_M_GET),
				    "/stream", hc_stream, NULL, "stream") >= 0);
	assert_true(http_router_add(&hc_router, HTTP_METHOD_BIT(HTTP_M_GET),
				    "/later", ht_later, NULL, "later") >= 0);
	assert_true(http_router_add(&hc_router, HTTP_METHOD_BIT(HTTP_M_GET),
				    "/poll", hc_poll, NULL, "poll") >= 0);
	assert_true(http_router_add(&hc_router, HTTP_METHOD_BIT(HTTP_M_GET),
				    "/e200", hc_e200, NULL, "e200") >= 0);
	assert_true(http_router_add(&hc_router, HTTP_METHOD_BIT(HTTP_M_GET),
				    "/e201", hc_e201, NULL, "e201") >= 0);
	assert_true(http_router_add(&hc_router, HTTP_METHOD_BIT(HTTP_M_GET),
				    "/e200close", hc_e200close, NULL,
				    "e200close") >= 0);
	ht_server_start(hc_h, &hc_router);
	return 0;
}

static int
hc_teardown(void **state)
{
	ht_server_stop(hc_h);
	return 0;
}

/* ht_connect(), and the server holds one connection. */
static void
hc_connect(struct ht_client *c, uint16_t sport)
{
	ht_connect(c, hc_h, sport);
	assert_int_equal(http_conn_count(hc_h->ctx), 1);
}

static const char *
hc_hello_ok(const char *conn)
{
	return ht_expect("HTTP/1.1 200 OK", "text/plain", "hello", conn, NULL,
			 false);
}

static const char *
hc_error(const char *status_line, const char *json)
{
	return ht_expect(status_line, "application/json", json, "close", NULL,
			 false);
}

/* Send req and read the answer; the connection must still be open. */
static void
hc_roundtrip(struct ht_client *c, const char *req, const char *want)
{
	char buf[4096];

	ht_send(c, req);
	ht_read(c, buf, sizeof(buf));
	assert_string_equal(buf, want);
	assert_false(c->fin);
	assert_false(c->rst);
}

#define GET_HELLO "GET /hello HTTP/1.1\r\nHost: t\r\n\r\n"

static void
test_http_conn_keep_alive_serves_requests_in_turn(void **state)
{
	struct ht_client c;

	hc_connect(&c, 40001);
	hc_roundtrip(&c, GET_HELLO, hc_hello_ok(NULL));
	hc_roundtrip(&c, GET_HELLO, hc_hello_ok(NULL));
	harness_advance(hc_h, 2000000);
	hc_roundtrip(&c, GET_HELLO, hc_hello_ok(NULL));
	assert_int_equal(HSTAT(hc_h, http_requests), 3);
	assert_int_equal(HSTAT(hc_h, http_responses_2xx), 3);
	assert_int_equal(http_conn_count(hc_h->ctx), 1);
	assert_int_equal(http_route_counts(hc_h->ctx)[0][1], 3);
}

static void
test_http_conn_pipelined_requests_in_one_segment_answer_in_order(void **state)
{
	struct ht_client c;
	char want[4096], buf[4096];

	hc_connect(&c, 40002);
	ht_send(&c, GET_HELLO
		"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc"
		"GET /nope HTTP/1.1\r\nHost: t\r\n\r\n"
		GET_HELLO);
	snprintf(want, sizeof(want), "%s", hc_hello_ok(NULL));
	strcat(want, ht_expect("HTTP/1.1 200 OK", "text/plain", "abc", NULL,
			       NULL, false));
	strcat(want, ht_expect("HTTP/1.1 404 Not Found", "application/json",
			       "{\"error\":\"not found\"}", NULL, NULL, false));
	strcat(want, hc_hello_ok(NULL));
	ht_read(&c, buf, sizeof(buf));
	assert_string_equal(buf, want);
	assert_false(c.fin);
	assert_int_equal(HSTAT(hc_h, http_requests), 4);
	assert_int_equal(http_route_counts(hc_h->ctx)[HTTP_ROUTE_NONE][3], 1);
}

static void
test_http_conn_request_split_across_segments_is_answered_once_whole(void **state)
{
	static const char req[] =
		"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\n0123456789";
	const size_t len = sizeof(req) - 1;
	char buf[4096];

	/* Every cut point, in the head and in the body. */
	for (size_t cut = 1; cut < len; cut++) {
		struct ht_client c;

		hc_connect(&c, (uint16_t)(41000 + cut));
		tt_send_data(&c.p, req, (uint32_t)cut);
		assert_int_equal(ht_read(&c, buf, sizeof(buf)), 0);
		tt_send_data(&c.p, req + cut, (uint32_t)(len - cut));
		ht_read(&c, buf, sizeof(buf));
		assert_string_equal(buf, ht_expect("HTTP/1.1 200 OK", "text/plain",
						   "0123456789", NULL, NULL, false));
		/* and the connection goes on with a request in three parts */
		ht_send(&c, "GET /he");
		ht_send(&c, "llo HTTP/1.1\r\nHo");
		assert_int_equal(ht_read(&c, buf, sizeof(buf)), 0);
		hc_roundtrip(&c, "st: t\r\n\r\n", hc_hello_ok(NULL));
		tt_send(&c.p, F_RST | F_ACK, c.p.snd_nxt, c.p.rcv_nxt, NULL, 0);
		assert_int_equal(http_conn_count(hc_h->ctx), 0);
	}
}

static void
test_http_conn_http10_request_answered_then_closed(void **state)
{
	struct ht_client c;
	char buf[4096];

	hc_connect(&c, 40003);
	ht_send(&c, "GET /hello HTTP/1.0\r\n\r\n");
	ht_read(&c, buf, sizeof(buf));
	assert_string_equal(buf, ht_expect("HTTP/1.0 200 OK", "text/plain",
					   "hello", "close", NULL, false));
	assert_true(c.fin);
}

static void
test_http_conn_http10_keep_alive_stays_open(void **state)
{
	struct ht_client c;
	const char *want = ht_expect("HTTP/1.0 200 OK", "text/plain", "hello",
				     "keep-alive", NULL, false);

	hc_connect(&c, 40004);
	hc_roundtrip(&c, "GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
		     want);
	hc_roundtrip(&c, "GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
		     want);
}

static void
test_http_conn_connection_close_answers_and_ignores_the_rest(void **state)
{
	struct ht_client c;
	char buf[4096];

	hc_connect(&c, 40005);
	ht_send(&c, "GET /hello HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
		GET_HELLO);
	ht_read(&c, buf, sizeof(buf));
	assert_string_equal(buf, hc_hello_ok("close"));
	assert_true(c.fin);
	assert_int_equal(HSTAT(hc_h, http_requests), 1);
}

static void
test_http_conn_expect_continue_sends_100_then_answer(void **state)
{
	struct ht_client c;
	char buf[4096];

	hc_connect(&c, 40006);
	ht_send(&c, "POST /echo HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\n"
		"Content-Length: 4\r\n\r\n");
	ht_read(&c, buf, sizeof(buf));
	assert_string_equal(buf, "HTTP/1.1 100 Continue\r\n\r\n");
	assert_int_equal(HSTAT(hc_h, http_continue_sent), 1);
	hc_roundtrip(&c, "ping", ht_expect("HTTP/1.1 200 OK", "text/plain",
					   "ping", NULL, NULL, false));
	/* A body that arrives with the head needs no 100. */
	hc_roundtrip(&c, "POST /echo HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\n"
		     "Content-Length: 2\r\n\r\nok",
		     ht_expect("HTTP/1.1 200 OK", "text/plain", "ok", NULL, NULL,
			       false));
	assert_int_equal(HSTAT(hc_h, http_continue_sent), 1);
}

static void
test_http_conn_expect_continue_to_unknown_route_answers_404_and_closes(void **state)
{
	struct ht_client c;
	char buf[4096];

	hc_connect(&c, 40007);
	ht_send(&c, "POST /nope HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\n"
		"Content-Length: 4\r\n\r\n");
	ht_read(&c, buf, sizeof(buf));
	/* issue 14: the early answer that closes says so. */
	assert_string_equal(buf, hc_error("HTTP/1.1 404 Not Found",
					  "{\"error\":\"not found\"}"));
	assert_true(c.fin);
	assert_int_equal(HSTAT(hc_h, http_continue_sent), 0);
}

static void
test_http_conn_chunked_body_is_decoded(void **state)
{
	static const char req[] =
		"POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
		"5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\nTrailer: x\r\n\r\n";
	const char *want = ht_expect("HTTP/1.1 200 OK", "text/plain",
				     "hello, world", NULL, NULL, false);
	struct ht_client c;
	char buf[4096];

	hc_connect(&c, 40008);
	hc_roundtrip(&c, req, want);
	/* the same, one byte per segment, then a plain request */
	for (size_t i = 0; i < sizeof(req) - 1; i++) {
		tt_send_data(&c.p, req + i, 1);
		if (i < sizeof(req) - 2)
			assert_int_equal(ht_read(&c, buf, sizeof(buf)), 0);
	}
	ht_read(&c, buf, sizeof(buf));
	assert_string_equal(buf, want);
	hc_roundtrip(&c, GET_HELLO, hc_hello_ok(NULL));
}

static void
test_http_conn_bad_chunk_size_answers_400_and_closes(void **state)
{
	struct ht_client c;
	char buf[4096];

	hc_connect(&c, 40009);
	ht_send(&c, "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
		"zz\r\nhello\r\n0\r\n\r\n");
	ht_read(&c, buf, sizeof(buf));
	assert_string_equal(buf, hc_error("HTTP/1.1 400 Bad Request",
					  "{\"error\":\"bad chunked encoding\"}"));
	assert_true(c.fin);
}

static void
test_http_conn_head_sends_length_without_body(void **state)
{
	struct ht_client c;

	hc_connect(&c, 40010);
	hc_roundtrip(&c, "HEAD /hello HTTP/1.1\r\nHost: t\r\n\r\n",
		     ht_expect("HTTP/1.1 200 OK", "text/plain", "hello", NULL,
			       NULL, true));
	hc_roundtrip(&c, GET_HELLO, hc_hello_ok(NULL));
}

static void
test_http_conn_malformed_request_answers_400_and_closes(void **state)
{
	struct ht_client c;
	char buf[4096];

	hc_connect(&c, 40011);
	ht_send(&c, "GET /hello HTTP/1.1\r\nHost: t\r\nBad Header: x\r\n\r\n"
		GET_HELLO);
	ht_read(&c, buf, sizeof(buf));
	assert_string_equal(buf, hc_error("HTTP/1.1 400 Bad Request",
					  "{\"error\":\"bad request\"}"));
	assert_true(c.fin);
	assert_int_equal(HSTAT(hc_h, http_parse_errors), 1);
	assert_int_equal(HSTAT(hc_h, http_requests), 0);
	/* bytes after the close are dropped, not answered */
	ht_send(&c, GET_HELLO);
	assert_int_equal(ht_read(&c, buf, sizeof(buf)), 0);
}

/* Content-Length and Transfer-Encoding together: which one frames the
 * body is in doubt (request smuggling), so answer and close. */
static void
test_http_conn_length_and_chunked_together_answer_400_and_close(void **state)
{
	struct ht_client c;
	char buf[4096];

	hc_connect(&c, 40012);
	ht_send(&c, "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n"
		"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
	ht_read(&c, buf, sizeof(buf));
	assert_string_equal(buf, hc_error("HTTP/1.1 400 Bad Request",
					  "{\"error\":\"bad request\"}"));
	assert_true(c.fin);
}

static void
test_http_conn_body_over_limit_answers_413_and_closes(void **state)
{
	struct ht_client c;
	char req[256], buf[4096];

	hc_connect(&c, 40013);
	snprintf(req, sizeof(req), "POST /echo HTTP/1.1\r\nHost: t\r\n"
		 "Content-Length: %d\r\n\r\n", HC_MAX_BODY + 1);
	ht_send(&c, req);
	ht_read(&c, buf, sizeof(buf));
	assert_string_equal(buf, hc_error("HTTP/1.1 413 Content Too Large",
					  "{\"error\":\"body too large\"}"));
	assert_true(c.fin);
}

static void
test_http_conn_body_at_limit_is_accepted(void **state)
{
	struct ht_client c;
	char req[256], body[HC_MAX_BODY + 1];

	memset(body, 'b', HC_MAX_BODY);
	body[HC_MAX_BODY] = '\0';
	hc_connect(&c, 40014);
	snprintf(req, sizeof(req), "POST /echo HTTP/1.1\r\nHost: t\r\n"
		 "Content-Length: %d\r\n\r\n%s", HC_MAX_BODY, body);
	hc_roundtrip(&c, req, ht_expect("HTTP/1.1 200 OK", "text/plain", body,
					NULL, NULL, false));
}

static void
test_http_conn_chunked_body_over_limit_answers_413_and_closes(void **state)
{
	struct ht_client c;
	char buf[4096];

	hc_connect(&c, 40015);
	ht_send(&c, "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
		"41\r\n");
	ht_read(&c, buf, sizeof(buf));
	assert_string_equal(buf, hc_error("HTTP/1.1 413 Content Too Large",
					  "{\"error\":\"body too large\"}"));
	assert_true(c.fin);
}

static void
test_http_conn_headers_over_limit_answer_431_and_close(void **state)
{
	struct ht_client c;
	char req[1024], pad[HC_MAX_HEADER + 1], buf[4096];

	memset(pad, 'x', HC_MAX_HEADER);
	pad[HC_MAX_HEADER] = '\0';
	hc_connect(&c, 40016);
	snprintf(req, sizeof(req), "GET /hello HTTP/1.1\r\nHost: t\r\nX-Pad: %s\r\n\r\n",
		 pad);
	ht_send(&c, req);
	ht_read(&c, buf, sizeof(buf));
	assert_string_equal(buf, hc_error("HTTP/1.1 431 Request Header Fields Too Large",
					  "{\"error\":\"headers too large\"}"));
	assert_true(c.fin);
}

static void
test_http_conn_unrouted_method_answers_405_with_allow(void **state)
{
	struct ht_client c;

	hc_connect(&c, 40017);
	hc_roundtrip(&c, "DELETE /hello HTTP/1.1\r\nHost: t\r\n\r\n",
		     ht_expect("HTTP/1.1 405 Method Not Allowed", "application/json",
			       "{\"error\":\"method not allowed\"}", NULL,
			       "Allow: GET, HEAD\r\n", false));
	hc_roundtrip(&c, GET_HELLO, hc_hello_ok(NULL));
}

static void
test_http_conn_header_timeout_answers_408_and_closes(void **state)
{
	struct ht_client c;
	uint64_t t = (uint64_t)hc_h->cfg.http_header_timeout_ms * 1000;
	char buf[4096];

	hc_connect(&c, 40018);
	ht_send(&c, "GET /hello HTTP/1.1\r\n");
	assert_int_equal(ht_read(&c, buf, sizeof(buf)), 0);
	/* dripping bytes does not extend the deadline of the first one */
	harness_advance(hc_h, t / 2);
	ht_send(&c, "Host: t\r\n");
	assert_int_equal(ht_read(&c, buf, sizeof(buf)), 0);
	harness_advance(hc_h, t / 2 + 200000);
	ht_read(&c, buf, sizeof(buf));
	assert_string_equal(buf, hc_error("HTTP/1.1 408 Request Timeout",
					  "{\"error\":\"request timeout\"}"));
	assert_true(c.fin);
	assert_int_equal(HSTAT(hc_h, http_header_timeouts), 1);
}

static void
test_http_conn_idle_connection_closes_silently(void **state)
{
	struct ht_client c;
	uint64_t t = (uint64_t)hc_h->cfg.http_idle_timeout_ms * 1000;
	char buf[4096];

	hc_connect(&c, 40019);
	hc_roundtrip(&c, GET_HELLO, hc_hello_ok(NULL));
	harness_advance(hc_h, t - 1000000);
	assert_int_equal(ht_read(&c, buf, sizeof(buf)), 0);
	assert_false(c.fin);
	harness_advance(hc_h, 2000000);
	assert_int_equal(ht_read(&c, buf, sizeof(buf)), 0);
	assert_true(c.fin);
	assert_int_equal(HSTAT(hc_h, http_idle_timeouts), 1);
	assert_int_equal(HSTAT(hc_h, http_header_timeouts), 0);
}

static void
test_http_conn_peer_fin_after_request_still_gets_answer(void **state)
{
	struct ht_client c;
	char buf[4096];

	hc_connect(&c, 40020);
	ht_send(&c, GET_HELLO);
	tt_send(&c.p, F_FIN | F_ACK, c.p.snd_nxt, c.p.rcv_nxt, NULL, 0);
	c.p.snd_nxt++;
	ht_read(&c, buf, sizeof(buf));
	assert_string_equal(buf, hc_hello_ok(NULL));
	assert_true(c.fin);
}

/* A body larger than the send buffer window leaves as ACKs come back,
 * whole and in order, and the connection serves the next request. */
static void
test_http_conn_streamed_body_arrives_whole_then_next_request(void **state)
{
	static char buf[HC_STREAM_LEN + 4096];
	char want[HC_STREAM_LEN + 1];
	struct ht_client c;
	char head[512];
	size_t n, hl;

	for (uint32_t i = 0; i < HC_STREAM_LEN; i++)
		want[i] = (char)tt_byte(i);
	want[HC_STREAM_LEN] = '\0';
	hc_connect(&c, 40021);
	ht_send(&c, "GET /stream HTTP/1.1\r\nHost: t\r\n\r\n" GET_HELLO);
	snprintf(head, sizeof(head), "%s",
		 ht_expect("HTTP/1.1 200 OK", "text/plain", want, NULL, NULL, true));
	hl = strlen(head);
	n = ht_read(&c, buf, sizeof(buf));
	assert_int_equal(n, hl + HC_STREAM_LEN + strlen(hc_hello_ok(NULL)));
	assert_memory_equal(buf, head, hl);
	assert_memory_equal(buf + hl, want, HC_STREAM_LEN);
	assert_string_equal(buf + hl + HC_STREAM_LEN, hc_hello_ok(NULL));
	assert_false(c.fin);
}

static void
test_http_conn_head_of_streamed_answer_sends_length_only(void **state)
{
	struct ht_client c;
	char body[HC_STREAM_LEN + 1];

	memset(body, 'x', HC_STREAM_LEN);
	body[HC_STREAM_LEN] = '\0';
	hc_connect(&c, 40022);
	hc_roundtrip(&c, "HEAD /stream HTTP/1.1\r\nHost: t\r\n\r\n",
		     ht_expect("HTTP/1.1 200 OK", "text/plain", body, NULL, NULL,
			       true));
}

/* A deferred answer holds the pipelined request behind it: in order. */
static void
test_http_conn_deferred_answer_keeps_pipelined_order(void **state)
{
	struct ht_client c;
	char buf[4096], want[4096];

	hc_connect(&c, 40023);
	ht_send(&c, "GET /later HTTP/1.1\r\nHost: t\r\n\r\n" GET_HELLO);
	assert_int_equal(ht_read(&c, buf, sizeof(buf)), 0);
	harness_advance(hc_h, 4000);
	assert_int_equal(ht_read(&c, buf, sizeof(buf)), 0);
	harness_advance(hc_h, 1500);
	snprintf(want, sizeof(want), "%s", ht_expect("HTTP/1.1 201 Created",
						     "text/plain", "later", NULL,
						     NULL, false));
	strcat(want, hc_hello_ok(NULL));
	ht_read(&c, buf, sizeof(buf));
	assert_string_equal(buf, want);
	assert_false(c.fin);
}

/* A deferred callback may defer again: the answer comes after the last
 * wait, still ahead of the pipelined request behind it. */
static void
test_http_conn_deferred_callback_defers_again_then_answers(void **state)
{
	struct ht_client c;
	char buf[4096], want[4096];

	hc_connect(&c, 40024);
	ht_send(&c, "GET /poll HTTP/1.1\r\nHost: t\r\n\r\n" GET_HELLO);
	for (int i = 0; i < 3; i++) {
		harness_advance(hc_h, 1200);
		assert_int_equal(ht_read(&c, buf, sizeof(buf)), 0);
	}
	assert_int_equal(hc_polls, 3);
	harness_advance(hc_h, 1200);
	assert_int_equal(hc_polls, 4);
	snprintf(want, sizeof(want), "%s", ht_expect("HTTP/1.1 200 OK",
						     "text/plain", "polled",
						     NULL, NULL, false));
	strcat(want, hc_hello_ok(NULL));
	ht_read(&c, buf, sizeof(buf));
	assert_string_equal(buf, want);
	assert_false(c.fin);
}

/*
 * Answers from the response templates, with heads and bodies of both
 * parities (the body's sum is byte-swapped after an odd head): whole,
 * in order, every segment's checksum right (tt_collect checks them);
 * a new second carries the new Date.
 */
static void
test_http_conn_templated_answers_whole_with_right_sums(void **state)
{
	struct ht_client c;
	char req[256], body[HC_MAX_BODY + 1];

	hc_connect(&c, 40031);
	for (size_t k = 1; k <= 12; k++) {
		char want[4096];

		for (size_t i = 0; i < k; i++)
			body[i] = (char)('A' + (i * 7 + k) % 26);
		body[k] = '\0';
		snprintf(req, sizeof(req),
			 "POST /echo HTTP/1.1\r\nHost: t\r\n"
			 "Content-Length: %zu\r\n\r\n%s", k, body);
		snprintf(want, sizeof(want), "%s",
			 ht_expect("HTTP/1.1 200 OK", "text/plain", body, NULL,
				   NULL, false));
		hc_roundtrip(&c, req, want);
		if (k == 6)
			harness_advance(hc_h, 1000000);
	}
	hc_roundtrip(&c, GET_HELLO, hc_hello_ok(NULL));
	assert_int_equal(HSTAT(hc_h, http_responses_2xx), 13);
}

/*
 * The Date moves on through the general answer's head (a 405 with its
 * Allow line) first: a template built in the second before, looked up
 * at the same clock reading, is not reused (a new second empties the
 * templates) and its answer carries the new Date, as the parser's does.
 */
static void
test_http_conn_template_after_general_answer_in_new_second_has_new_date(
	void **state)
{
	struct ht_client c;

	hc_connect(&c, 40093);
	hc_roundtrip(&c, GET_HELLO, hc_hello_ok(NULL));
	for (int i = 0; i < 2; i++) {
		harness_advance(hc_h, 1000000);
		hc_roundtrip(&c, "DELETE /hello HTTP/1.1\r\nHost: t\r\n\r\n",
			     ht_expect("HTTP/1.1 405 Method Not Allowed",
				       "application/json",
				       "{\"error\":\"method not allowed\"}",
				       NULL, "Allow: GET, HEAD\r\n", false));
		hc_roundtrip(&c, GET_HELLO, hc_hello_ok(NULL));
	}
	assert_int_equal(HSTAT(hc_h, http_responses_2xx), 3);
}

/* The answers of route (all classes) counted so far. */
static uint64_t
hc_route_total(int route)
{
	uint64_t n = 0;

	for (unsigned int k = 0; k < HTTP_CLASSES; k++)
		n += http_route_counts(hc_h->ctx)[route][k];
	return n;
}

/*
 * An empty answer whose template is kept but whose reserve TCP refuses
 * (pipelined behind other answers in the same send queue) goes the
 * general way, counted once: the kept path counts before the reserve
 * and takes the count back when it refuses. Every answer byte for byte
 * as alone, and each counted once (route, status class).
 */
static void
test_http_conn_empty_answer_refused_reserve_counted_once(void **state)
{
	static const char e200[] = "GET /e200 HTTP/1.1\r\nHost: t\r\n\r\n";
	static const char *const lead[] = {
		GET_HELLO,
		"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc",
		e200,
	};
	char want_e[4096], want_l[4096], got[16384], seg[1024];
	struct ht_client c;

	hc_connect(&c, 40095);
	ht_send(&c, e200);
	ht_read(&c, want_e, sizeof(want_e));
	for (size_t i = 0; i < sizeof(lead) / sizeof(lead[0]); i++) {
		uint64_t e_n, x2, req;

		ht_send(&c, lead[i]);
		ht_read(&c, want_l, sizeof(want_l));
		e_n = hc_route_total(5);
		x2 = HSTAT(hc_h, http_responses_2xx);
		req = HSTAT(hc_h, http_requests);
		/* lead, then e200 three times, in one segment */
		snprintf(seg, sizeof(seg), "%s%s%s%s", lead[i], e200, e200,
			 e200);
		ht_send(&c, seg);
		ht_read(&c, got, sizeof(got));
		assert_false(c.fin);
		assert_false(c.rst);
		assert_int_equal(strlen(got),
				 strlen(want_l) + 3 * strlen(want_e));
		assert_memory_equal(got, want_l, strlen(want_l));
		for (int k = 0; k < 3; k++)
			assert_memory_equal(got + strlen(want_l) +
						    k * strlen(want_e),
					    want_e, strlen(want_e));
		assert_int_equal(HSTAT(hc_h, http_requests), req + 4);
		assert_int_equal(HSTAT(hc_h, http_responses_2xx), x2 + 4);
		assert_int_equal(hc_route_total(5),
				 e_n + 3 + (lead[i] == e200));
	}
}

/*
 * Empty answers (http_respond_empty, the latest one's template kept in
 * hl->tpl_empty) byte for byte as built from scratch: again, after
 * another status, after an answer of another kind rebuilt the same
 * template slot (an 8-byte echo: (200 ^ 8 ^ 0) % 8 is 200's slot), for
 * an HTTP/1.0 keep-alive request, and in a new second.
 */
static void
test_http_conn_empty_answers_match_full_heads(void **state)
{
	static const char e200[] = "GET /e200 HTTP/1.1\r\nHost: t\r\n\r\n";
	static const char e201[] = "GET /e201 HTTP/1.1\r\nHost: t\r\n\r\n";
	struct ht_client c;

	hc_connect(&c, 40095);
	hc_roundtrip(&c, e200, ht_expect("HTTP/1.1 200 OK", NULL, "", NULL,
					 NULL, false));
	hc_roundtrip(&c, e200, ht_expect("HTTP/1.1 200 OK", NULL, "", NULL,
					 NULL, false));
	hc_roundtrip(&c, e201, ht_expect("HTTP/1.1 201 Created", NULL, "",
					 NULL, NULL, false));
	hc_roundtrip(&c, e200, ht_expect("HTTP/1.1 200 OK", NULL, "", NULL,
					 NULL, false));
	hc_roundtrip(&c, "POST /echo HTTP/1.1\r\nHost: t\r\n"
			 "Content-Length: 8\r\n\r\nABCDEFGH",
		     ht_expect("HTTP/1.1 200 OK", "text/plain", "ABCDEFGH", NULL,
			       NULL, false));
	hc_roundtrip(&c, e200, ht_expect("HTTP/1.1 200 OK", NULL, "", NULL,
					 NULL, false));
	hc_roundtrip(&c, "GET /e200 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
		     ht_expect("HTTP/1.0 200 OK", NULL, "", "keep-alive", NULL,
			       false));
	hc_roundtrip(&c, e200, ht_expect("HTTP/1.1 200 OK", NULL, "", NULL,
					 NULL, false));
	harness_advance(hc_h, 1000000);
	hc_roundtrip(&c, e200, ht_expect("HTTP/1.1 200 OK", NULL, "", NULL,
					 NULL, false));
	hc_roundtrip(&c, e201, ht_expect("HTTP/1.1 201 Created", NULL, "",
					 NULL, NULL, false));
	assert_int_equal(HSTAT(hc_h, http_responses_2xx), 10);
}

/*
 * Empty answers to requests that close (Connection: close, HTTP/1.0
 * without keep-alive) or that the handler closes (x->close) say so and
 * close, also right after the same empty answer kept the connection
 * open and when the one before was such a close too (hl->tpl_empty
 * keeps only answers that leave the connection open: http_empty_xkey),
 * and each connection's first keep-alive answer after them stays open.
 */
static void
test_http_conn_empty_answers_that_close_say_so_and_close(void **state)
{
	static const char e200[] = "GET /e200 HTTP/1.1\r\nHost: t\r\n\r\n";
	static const char e200c[] =
		"GET /e200 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n";
	static const char e200_10[] = "GET /e200 HTTP/1.0\r\n\r\n";
	static const char *const closing[] = {
		e200c, e200c, e200c, e200_10, e200_10, e200_10,
		"GET /e200close HTTP/1.1\r\nHost: t\r\n\r\n",
	};
	struct ht_client c;
	char buf[4096];

	for (unsigned int i = 0; i < 7; i++) {
		bool v10 = closing[i] == e200_10;

		ht_connect(&c, hc_h, (uint16_t)(40110 + i));
		if (i != 1 && i != 4)
			hc_roundtrip(&c, e200,
				     ht_expect("HTTP/1.1 200 OK", NULL, "", NULL,
					       NULL, false));
		ht_send(&c, closing[i]);
		ht_read(&c, buf, sizeof(buf));
		assert_string_equal(buf, ht_expect(v10 ? "HTTP/1.0 200 OK" :
							 "HTTP/1.1 200 OK",
						   NULL, "", "close", NULL,
						   false));
		assert_true(c.fin);
	}
	assert_int_equal(HSTAT(hc_h, http_responses_2xx), 12);
}

/*
 * http_accept zeroes only the request state (buf .. owe_cap): what
 * follows is as http_lcore_init made it, and http_closed must leave it
 * so (hl, both timers disarmed with their callbacks, pend zero). Each
 * connection closes (reset by the peer) with that state in use: an
 * answer deferred (dtimer armed, pend set), a request half in (buf), a
 * streamed answer under way (pend the producer); then the object it
 * leaves, the next one http_accept takes, matches a pool entry never
 * used, and a new connection on it is served.
 */
static void
hc_assert_kept_fresh(const struct http_conn *hc, const struct http_conn *ref)
{
	assert_ptr_equal(hc->hl, ref->hl);
	assert_false(timer_armed(&hc->timer));
	assert_false(timer_armed(&hc->dtimer));
	assert_ptr_equal(hc->timer.fn, ref->timer.fn);
	assert_ptr_equal(hc->dtimer.fn, ref->dtimer.fn);
	assert_memory_equal(&hc->pend, &ref->pend, sizeof(hc->pend));
	assert_null(hc->buf);
	assert_null(hc->owe);
}

static void
test_http_conn_freed_object_keeps_what_accept_skips(void **state)
{
	static const char *const reqs[] = {
		"GET /later HTTP/1.1\r\nHost: t\r\n\r\n",
		"GET /hello HTTP/1.1\r\nHost: t\r\nX-Half: ",
		"GET /stream HTTP/1.1\r\nHost: t\r\n\r\n",
	};
	struct http_lcore *hl = http_lc(hc_h->ctx);
	const struct http_conn *ref = &hl->conns[hl->max_conns - 1];

	for (size_t i = 0; i < RTE_DIM(reqs); i++) {
		struct ht_client c;
		struct http_conn *hc;

		hc_connect(&c, (uint16_t)(40041 + i));
		hc = NULL;
		for (uint32_t k = 0; k < hl->max_conns; k++)
			if (hl->conns[k].tcp)
				hc = &hl->conns[k];
		assert_non_null(hc);
		assert_ptr_not_equal(hc, ref);
		ht_send(&c, reqs[i]);
		if (i == 0)
			assert_true(timer_armed(&hc->dtimer));
		if (i == 1)
			assert_non_null(hc->buf);
		if (i == 2)
			assert_non_null(hc->pend.sfn);
		harness_drain(hc_h); /* what the server sent: not read */
		tt_send(&c.p, RTE_TCP_RST_FLAG, c.p.snd_nxt, 0, NULL, 0);
		assert_int_equal(http_conn_count(hc_h->ctx), 0);
		assert_ptr_equal(hl->free_conns, hc);
		hc_assert_kept_fresh(hc, ref);
	}
	{
		struct ht_client c;

		hc_connect(&c, 40049);
		hc_roundtrip(&c, GET_HELLO, hc_hello_ok(NULL));
	}
}

/* A free object's request state (buf .. owe_cap) left dirty is zero,
 * every byte, once accepted (http_conn_zero_req), and it serves. */
static void
test_http_conn_accept_zeroes_dirty_request_state(void **state)
{
	struct http_lcore *hl = http_lc(hc_h->ctx);
	struct http_conn *hc = hl->free_conns;
	const size_t off = offsetof(struct http_conn, buf),
		     len = offsetof(struct http_conn, deadline_us) - off;
	static const uint8_t zero[sizeof(struct http_conn)];
	struct ht_client c;

	(void)state;
	assert_non_null(hc);
	memset((uint8_t *)hc + off, 0xa5, len);
	hc_connect(&c, 40061);
	assert_non_null(hc->tcp); /* this object accepted the connection */
	assert_memory_equal((uint8_t *)hc + off, zero, len);
	hc_roundtrip(&c, GET_HELLO, hc_hello_ok(NULL));
}

#define HC_TEST(f) cmocka_unit_test_setup_teardown(f, hc_setup, hc_teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		HC_TEST(test_http_conn_keep_alive_serves_requests_in_turn),
		HC_TEST(test_http_conn_freed_object_keeps_what_accept_skips),
		HC_TEST(test_http_conn_accept_zeroes_dirty_request_state),
		HC_TEST(test_http_conn_pipelined_requests_in_one_segment_answer_in_order),
		HC_TEST(test_http_conn_request_split_across_segments_is_answered_once_whole),
		HC_TEST(test_http_conn_http10_request_answered_then_closed),
		HC_TEST(test_http_conn_http10_keep_alive_stays_open),
		HC_TEST(test_http_conn_connection_close_answers_and_ignores_the_rest),
		HC_TEST(test_http_conn_expect_continue_sends_100_then_answer),
		HC_TEST(test_http_conn_expect_continue_to_unknown_route_answers_404_and_closes),
		HC_TEST(test_http_conn_chunked_body_is_decoded),
		HC_TEST(test_http_conn_bad_chunk_size_answers_400_and_closes),
		HC_TEST(test_http_conn_head_sends_length_without_body),
		HC_TEST(test_http_conn_malformed_request_answers_400_and_closes),
		HC_TEST(test_http_conn_length_and_chunked_together_answer_400_and_close),
		HC_TEST(test_http_conn_body_over_limit_answers_413_and_closes),
		HC_TEST(test_http_conn_body_at_limit_is_accepted),
		HC_TEST(test_http_conn_chunked_body_over_limit_answers_413_and_closes),
		HC_TEST(test_http_conn_headers_over_limit_answer_431_and_close),
		HC_TEST(test_http_conn_unrouted_method_answers_405_with_allow),
		HC_TEST(test_http_conn_template_after_general_answer_in_new_second_has_new_date),
		HC_TEST(test_http_conn_empty_answers_match_full_heads),
		HC_TEST(test_http_conn_empty_answer_refused_reserve_counted_once),
		HC_TEST(test_http_conn_empty_answers_that_close_say_so_and_close),
		HC_TEST(test_http_conn_header_timeout_answers_408_and_closes),
		HC_TEST(test_http_conn_idle_connection_closes_silently),
		HC_TEST(test_http_conn_peer_fin_after_request_still_gets_answer),
		HC_TEST(test_http_conn_streamed_body_arrives_whole_then_next_request),
		HC_TEST(test_http_conn_head_of_streamed_answer_sends_length_only),
		HC_TEST(test_http_conn_deferred_answer_keeps_pipelined_order),
		HC_TEST(test_http_conn_deferred_callback_defers_again_then_answers),
		HC_TEST(test_http_conn_templated_answers_whole_with_right_sums),
	};

	harness_eal_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}

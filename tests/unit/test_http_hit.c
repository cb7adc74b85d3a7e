/* SPDX-License-Identifier: BSD-3-Clause */
/* test_http_hit.c: a request whose head the head cache matched is answered
 * from the entry as the full parse of the same bytes is. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "http/http.h"
#include "http/resp.h"
#include "http_test.h"

/*
 * A head that arrives whole and matches a head-cache entry is dispatched
 * from the entry (route, params, Content-Length, answer flags) without a
 * struct http_request, which is written out only when the handler asks
 * (http_exchange_request). The same bytes cut inside the request line go
 * to the parser (a head in pieces is never looked up), so each case
 * compares the answer to a hit, byte for byte and with the connection's
 * fate (FIN), with the answer to the full parse. /full/{id} answers with
 * everything it sees of the request, the parsed head included; /lean/{id}
 * with what it sees without asking for the head.
 */

#define HH_MAX_BODY 64
#define HH_MAX_HEADER 128

static struct harness *hh_h;
static struct http_router hh_router;
static uint16_t hh_port;

static void
hh_describe(struct http_exchange *x, bool head)
{
	char out[2048];
	size_t n;

	n = (size_t)snprintf(out, sizeof(out), "route=%d np=%u p0=%.*s body=%.*s",
			     x->route, x->nparams,
			     x->nparams ? (int)x->params[0].len : 0,
			     x->nparams ? x->params[0].p : "",
			     (int)x->body_len, x->body ? x->body : "");
	if (head) {
		const struct http_request *r = http_exchange_request(x);

		assert_non_null(r);
		assert_ptr_equal(http_exchange_request(x), r);
		n += (size_t)snprintf(
			out + n, sizeof(out) - n,
			" m=%d %.*s t=%.*s path=%.*s q=%.*s(%d) v=%d cl=%lld"
			" ch=%d ka=%d ex=%d host=%d nh=%zu",
			(int)r->method, (int)r->method_len, r->method_str,
			(int)r->target_len, r->target, (int)r->path_len,
			r->path, r->query ? (int)r->query_len : 0,
			r->query ? r->query : "", r->query != NULL,
			r->minor_version, (long long)r->content_length,
			r->chunked, r->keep_alive, r->expect_continue,
			r->has_host, r->num_headers);
		for (size_t i = 0; i < r->num_headers && n < sizeof(out); i++)
			n += (size_t)snprintf(out + n, sizeof(out) - n,
					      " [%.*s:%.*s]",
					      (int)r->headers[i].name_len,
					      r->headers[i].name,
					      (int)r->headers[i].value_len,
					      r->headers[i].value);
	}
	assert_true(n < sizeof(out));
	http_respond(x, 200, "text/plain", out, n);
}

static void
hh_full(struct http_exchange *x)
{
	hh_describe(x, true);
}

static void
hh_lean(struct http_exchange *x)
{
	hh_describe(x, false);
}

/* What a handler finds in the exchange before it answers, but the head
 * (NULL in a kept dispatch until asked for): route, argument, params,
 * status, close, the answer flags and HEAD, extra header lines. */
static void
hh_fields(struct http_exchange *x)
{
	char out[256];
	int n;

	n = snprintf(out, sizeof(out),
		     "route=%d arg=%s np=%u status=%d close=%d rflags=%u "
		     "head_only=%d allow=%d",
		     x->route, x->arg == (void *)&hh_router ? "r" : "?",
		     x->nparams, x->status, x->close, x->rflags, x->head_only,
		     x->allow != NULL);
	assert_true(n > 0 && n < (int)sizeof(out));
	http_respond(x, 200, "text/plain", out, (size_t)n);
}

static void
hh_tweak(struct config *cfg)
{
	cfg->tcp_max_conns = 256;
	cfg->http_max_body = HH_MAX_BODY;
	cfg->http_max_header_bytes = HH_MAX_HEADER;
}

/* Each test runs with the lookup variant of the scan variant in *state
 * (chosen at http_lcore_init: SSE2 compares for the table loop, AVX2). */
static int
hh_setup(void **state)
{
	enum http_parse_isa isa = (enum http_parse_isa)(uintptr_t)*state;

	if (!http_parse_isa_supported(isa))
		isa = HTTP_ISA_SCALAR;
	assert_int_equal(http_parse_isa_set(isa), 0);
	tt_reset();
	hh_h = harness_create(hh_tweak);
	hh_port = 42000;
	http_router_init(&hh_router);
	assert_true(http_router_add(&hh_router,
				    HTTP_METHOD_BIT(HTTP_M_GET) |
					    HTTP_METHOD_BIT(HTTP_M_POST),
				    "/full/{id}", hh_full, NULL, "full") >= 0);
	assert_true(http_router_add(&hh_router,
				    HTTP_METHOD_BIT(HTTP_M_GET) |
					    HTTP_METHOD_BIT(HTTP_M_POST),
				    "/lean/{id}", hh_lean, NULL, "lean") >= 0);
	ht_server_start(hh_h, &hh_router);
	return 0;
}

static int
hh_teardown(void **state)
{
	ht_server_stop(hh_h);
	return 0;
}

/* The answer to req on a fresh connection, sent as the pieces
 * [0, cut1), [cut1, cut2), [cut2, len) (empty ones skipped), into buf;
 * whether the server closed. */
static bool
hh_answer(const char *req, size_t cut1, size_t cut2, char *buf, size_t cap)
{
	size_t len = strlen(req), cuts[3] = { cut1, cut2, len }, at = 0, n = 0;
	struct ht_client c;

	ht_connect(&c, hh_h, hh_port++);
	for (unsigned int i = 0; i < 3; i++) {
		if (cuts[i] <= at)
			continue;
		tt_send_data(&c.p, req + at, (uint32_t)(cuts[i] - at));
		at = cuts[i];
		n += ht_read(&c, buf + n, cap - n);
	}
	assert_false(c.rst);
	return c.fin;
}

/*
 * req answered from a hit on the entry install leaves (install sent
 * twice: a head is kept on its second miss) as the parser answers it;
 * hit: whether req is a hit (else the cache must refuse it). head: where
 * its head ends (the body then comes in a segment of its own), or 0.
 * Returns the answer.
 */
static const char *
hh_same(const char *install, const char *req, bool hit, size_t head)
{
	static char got[4096];
	char want[4096];
	bool want_fin, got_fin;
	uint64_t hits;

	want_fin = hh_answer(req, 10, head, want, sizeof(want));
	hh_answer(install, 0, 0, got, sizeof(got));
	hh_answer(install, 0, 0, got, sizeof(got));
	hits = HSTAT(hh_h, http_head_cache_hits);
	got_fin = hh_answer(req, head, 0, got, sizeof(got));
	assert_int_equal(HSTAT(hh_h, http_head_cache_hits), hits + hit);
	assert_string_equal(got, want);
	assert_int_equal(got_fin, want_fin);
	return got;
}

static void
test_http_hit_answers_as_the_parse_keep_alive_and_query(void **state)
{
	static const char *const reqs[] = {
		"GET /full/7 HTTP/1.1\r\nHost: t\r\n\r\n",
		"GET /full/7?a=1&b HTTP/1.1\r\nHost: t\r\nAccept: */*\r\n\r\n",
		"GET /lean/7?a=1 HTTP/1.1\r\nHost: t\r\n\r\n",
		"POST /full/8 HTTP/1.1\r\nHost: t\r\nContent-Type: a/b\r\n"
		"Content-Length: 3\r\n\r\nabc",
		"POST /lean/9 HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\nhi",
		"POST /full/8 HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n",
	};

	for (size_t i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++) {
		const char *a = hh_same(reqs[i], reqs[i], true, 0);

		assert_non_null(strstr(a, "HTTP/1.1 200 OK\r\n"));
		assert_null(strstr(a, "Connection:"));
	}
	assert_int_equal(http_conn_count(hh_h->ctx), 6 * 4);
}

static void
test_http_hit_other_content_length_moves_the_fields_after_it(void **state)
{
	static const char inst[] =
		"POST /full/8 HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n"
		"X-After: yes\r\nX-Last: z\r\n\r\nabc";
	static const char *const reqs[] = {
		"POST /full/8 HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\n"
		"X-After: yes\r\nX-Last: z\r\n\r\na",
		"POST /full/8 HTTP/1.1\r\nHost: t\r\nContent-Length: 12\r\n"
		"X-After: yes\r\nX-Last: z\r\n\r\n0123456789ab",
		"POST /full/8 HTTP/1.1\r\nHost: t\r\nContent-Length: 007\r\n"
		"X-After: yes\r\nX-Last: z\r\n\r\nabcdefg",
	};

	for (size_t i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++)
		assert_non_null(strstr(hh_same(inst, reqs[i], true, 0),
				       "[X-Last:z]"));
}

static void
test_http_hit_close_http10_and_head_flags_as_the_parse(void **state)
{
	static const struct {
		const char *req;
		const char *conn; /* the answer's Connection, or NULL */
		bool fin;
	} cases[] = {
		{ "GET /full/1 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
		  "Connection: close\r\n", true },
		{ "GET /lean/1 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
		  "Connection: close\r\n", true },
		{ "GET /full/2 HTTP/1.0\r\n\r\n", "Connection: close\r\n", true },
		{ "GET /lean/2 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
		  "Connection: keep-alive\r\n", false },
		{ "HEAD /full/3 HTTP/1.1\r\nHost: t\r\n\r\n", NULL, false },
		{ "HEAD /lean/3 HTTP/1.0\r\n\r\n", "Connection: close\r\n",
		  true },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char want[4096];
		const char *a;
		bool fin = hh_answer(cases[i].req, 10, 0, want, sizeof(want));

		assert_int_equal(fin, cases[i].fin);
		a = hh_same(cases[i].req, cases[i].req, true, 0);
		if (cases[i].conn)
			assert_non_null(strstr(a, cases[i].conn));
		else
			assert_null(strstr(a, "Connection:"));
		/* HEAD: the length of the GET's body, and no body */
		if (strncmp(cases[i].req, "HEAD", 4) == 0)
			assert_string_equal(ht_body(a), "");
	}
}

/* The exchange a kept route's hit starts from its image
 * (http_hc_route_ximg: route, status, close, rflags, head_only, allow)
 * is the one the parse's dispatch starts, for every answer flag; with
 * the 32-byte fast match too (the third sending). */
static void
test_http_hit_exchange_fields_as_the_parse(void **state)
{
	static const char *const reqs[] = {
		"GET /fields HTTP/1.1\r\nHost: t\r\n\r\n",
		"POST /fields HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\nhi",
		"GET /fields HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
		"GET /fields HTTP/1.0\r\n\r\n",
		"GET /fields HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
		"HEAD /fields HTTP/1.1\r\nHost: t\r\n\r\n",
		"HEAD /fields HTTP/1.0\r\n\r\n",
	};

	assert_true(http_router_add(&hh_router,
				    HTTP_METHOD_BIT(HTTP_M_GET) |
					    HTTP_METHOD_BIT(HTTP_M_HEAD) |
					    HTTP_METHOD_BIT(HTTP_M_POST),
				    "/fields", hh_fields, &hh_router,
				    "fields") >= 0);
	for (size_t i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++) {
		const char *a = hh_same(reqs[i], reqs[i], true, 0);
		char again[4096];

		if (strncmp(reqs[i], "HEAD", 4) != 0)
			assert_non_null(strstr(a, "route=2 arg=r np=0 status=0 "
						  "close=0 rflags="));
		/* once more: the entry's fast form, if armed */
		hh_answer(reqs[i], 0, 0, again, sizeof(again));
		assert_string_equal(again, a);
	}
}

static void
test_http_hit_expect_continue_with_body_whole_or_later(void **state)
{
	static const char req[] =
		"POST /full/5 HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\n"
		"Content-Length: 4\r\n\r\nwxyz";
	size_t head = strstr(req, "\r\n\r\n") + 4 - req;
	const char *a;

	/* Whole: answered, no 100 (the parse's answer too). */
	a = hh_same(req, req, true, 0);
	assert_null(strstr(a, "100 Continue"));
	/* The body in a later segment: 100 Continue, then the answer. */
	a = hh_same(req, req, true, head);
	assert_non_null(strstr(a, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200"));
}

static void
test_http_hit_chunked_is_refused_from_the_entry_and_decoded(void **state)
{
	static const char req[] =
		"POST /full/4 HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n"
		"\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n";

	assert_non_null(strstr(hh_same(req, req, true, 0), "body=abcde "));
}

static void
test_http_hit_unrouted_answers_404_and_405_as_the_parse(void **state)
{
	static const char r404[] = "GET /nope/1 HTTP/1.1\r\nHost: t\r\n\r\n";
	static const char r405[] = "DELETE /full/1 HTTP/1.1\r\nHost: t\r\n\r\n";

	assert_non_null(strstr(hh_same(r404, r404, true, 0), " 404 "));
	assert_non_null(strstr(hh_same(r405, r405, true, 0),
			       "Allow: GET, HEAD, POST\r\n"));
}

static void
test_http_hit_body_over_limit_answers_413_as_the_parse(void **state)
{
	static const char inst[] =
		"POST /lean/1 HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc";
	char req[512], body[HH_MAX_BODY + 2];

	memset(body, 'b', sizeof(body) - 1);
	body[sizeof(body) - 1] = '\0';
	snprintf(req, sizeof(req),
		 "POST /lean/1 HTTP/1.1\r\nHost: t\r\nContent-Length: %zu\r\n\r\n%s",
		 strlen(body), body);
	/* A hit (the head is the entry's), then max_body: 413, close. */
	assert_non_null(strstr(hh_same(inst, req, true, 0),
			       "413 Content Too Large"));
}

static void
test_http_hit_header_limit_crossed_by_more_digits_is_left_to_the_parser(void **state)
{
	char inst[512], req[512], pad[HH_MAX_HEADER];
	size_t fields;

	/* Field lines of exactly HH_MAX_HEADER bytes with one digit. */
	fields = strlen("Host: t\r\nX-Pad: \r\nContent-Length: 1\r\n");
	memset(pad, 'p', HH_MAX_HEADER - fields);
	pad[HH_MAX_HEADER - fields] = '\0';
	snprintf(inst, sizeof(inst),
		 "POST /lean/1 HTTP/1.1\r\nHost: t\r\nX-Pad: %s\r\n"
		 "Content-Length: 1\r\n\r\nz", pad);
	snprintf(req, sizeof(req),
		 "POST /lean/1 HTTP/1.1\r\nHost: t\r\nX-Pad: %s\r\n"
		 "Content-Length: 10\r\n\r\n0123456789", pad);
	assert_non_null(strstr(hh_same(inst, inst, true, 0), " 200 OK"));
	/* One byte over: no hit, the parser's 431. */
	assert_non_null(strstr(hh_same(inst, req, false, 0), " 431 "));
}

static void
test_http_hit_route_added_later_is_seen(void **state)
{
	static const char req[] = "GET /late/1 HTTP/1.1\r\nHost: t\r\n\r\n";

	assert_non_null(strstr(hh_same(req, req, true, 0), " 404 "));
	/* The entry keeps the router's answer for its path: a new route
	 * (a new generation) is asked again. */
	assert_true(http_router_add(&hh_router, HTTP_METHOD_BIT(HTTP_M_GET),
				    "/late/{id}", hh_full, NULL, "late") >= 0);
	assert_non_null(strstr(hh_same(req, req, true, 0), "route=2 np=1 p0=1"));
}

static void
test_http_hit_pipelined_hits_answer_in_order(void **state)
{
	static const char one[] =
		"POST /full/6 HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\nok";
	char three[512], want[4096], got[4096];
	uint64_t hits;

	hh_answer(one, 10, 0, want, sizeof(want));
	snprintf(three, sizeof(three), "%s%s%s", one, one, one);
	hh_answer(one, 0, 0, got, sizeof(got));
	hh_answer(one, 0, 0, got, sizeof(got));
	hits = HSTAT(hh_h, http_head_cache_hits);
	assert_false(hh_answer(three, 0, 0, got, sizeof(got)));
	assert_int_equal(HSTAT(hh_h, http_head_cache_hits), hits + 3);
	assert_int_equal(strlen(got), 3 * strlen(want));
	for (int i = 0; i < 3; i++)
		assert_memory_equal(got + i * strlen(want), want, strlen(want));
}

/*
 * As hh_same, with the entry armed for the fast match first (install
 * sent three times: kept on the second miss, its route kept on the
 * first hit): req then meets the fast match, which takes it or leaves
 * it to the lookup; the answer is the parser's either way.
 */
static const char *
hh_same_armed(const char *install, const char *req, bool hit, size_t head)
{
	static char got[4096];
	char want[4096];
	bool want_fin, got_fin;
	uint64_t hits;

	want_fin = hh_answer(req, 10, head, want, sizeof(want));
	for (int i = 0; i < 3; i++)
		hh_answer(install, 0, 0, got, sizeof(got));
	hits = HSTAT(hh_h, http_head_cache_hits);
	got_fin = hh_answer(req, head, 0, got, sizeof(got));
	assert_int_equal(HSTAT(hh_h, http_head_cache_hits), hits + hit);
	assert_string_equal(got, want);
	assert_int_equal(got_fin, want_fin);
	return got;
}

/* A request for the fast match: start, then an X-Pad field that makes
 * the head a multiple of 16 bytes long (the fast match's blocks then end
 * with it), then the rest of the head and the body. */
static const char *
hh_padded(char *out, size_t cap, const char *start, const char *rest,
	  const char *body)
{
	size_t base = strlen(start) + strlen("X-Pad: \r\n") + strlen(rest);
	size_t pad = 16 + (16 - base % 16) % 16;
	int n = snprintf(out, cap, "%sX-Pad: %.*s\r\n%s%s", start, (int)pad,
			 "0123456789abcdef0123456789abcdef", rest, body);

	assert_true(n > 0 && (size_t)n < cap);
	assert_int_equal(strstr(out, "\r\n\r\n") + 4 - out, base + pad);
	return out;
}

/* Each kind of request through an armed entry: the parser's answer. */
static void
test_http_hit_fast_match_answers_as_the_parse(void **state)
{
	static const char b20[] = "abcdefghijklmnopqrst";
	static const char post[] =
		"POST /full/8 HTTP/1.1\r\nHost: t\r\nContent-Type: a/b\r\n"
		"Content-Length: 20\r\n\r\nabcdefghijklmnopqrst";
	static const char expect[] =
		"POST /lean/5 HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\n"
		"Content-Length: 20\r\n\r\nabcdefghijklmnopqrst";
	static const struct {
		const char *install, *req;
		bool hit;
	} cases[] = {
		{ post, post, true },
		{ post, "POST /full/8 HTTP/1.1\r\nHost: t\r\nContent-Type: a/b"
			"\r\nContent-Length: 25\r\n\r\nabcdefghijklmnopqrstuvwxy",
		  true },
		{ post, "POST /full/8 HTTP/1.1\r\nHost: t\r\nContent-Type: a/b"
			"\r\nContent-Length: 9\r\n\r\nabcdefghijklmnopqrstuvwxy",
		  true },
		{ post, "POST /full/9 HTTP/1.1\r\nHost: t\r\nContent-Type: a/b"
			"\r\nContent-Length: 20\r\n\r\nabcdefghijklmnopqrst",
		  false },
		{ post, "POST /full/8 HTTP/1.1\r\nHost: t\r\nContent-Type: a/b"
			"\r\nContent-Length: 2x\r\n\r\nabcdefghijklmnopqrst",
		  false },
		{ expect, expect, true },
	};
	char req[512], inst[512], body[HH_MAX_BODY + 8];
	size_t head = strstr(expect, "\r\n\r\n") + 4 - expect;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_non_null(strstr(hh_same_armed(cases[i].install,
						     cases[i].req, cases[i].hit,
						     0),
				       "HTTP/1.1 "));
	/* The body in a later segment: 100 Continue, then the answer. */
	assert_non_null(strstr(hh_same_armed(expect, expect, true, head),
			       "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200"));
	/* Close, HEAD, HTTP/1.0 keep-alive: heads alone in their segment. */
	hh_padded(inst, sizeof(inst), "GET /lean/1 HTTP/1.1\r\nHost: t\r\n",
		  "Connection: close\r\n\r\n", "");
	assert_non_null(strstr(hh_same_armed(inst, inst, true, 0),
			       "Connection: close\r\n"));
	hh_padded(inst, sizeof(inst), "HEAD /full/3 HTTP/1.1\r\nHost: t\r\n",
		  "\r\n", "");
	assert_string_equal(ht_body(hh_same_armed(inst, inst, true, 0)), "");
	hh_padded(inst, sizeof(inst), "GET /lean/2 HTTP/1.0\r\n",
		  "Connection: keep-alive\r\n\r\n", "");
	assert_non_null(strstr(hh_same_armed(inst, inst, true, 0),
			       "Connection: keep-alive\r\n"));
	/* The entry's digit count over max_body: the parser's 413. */
	memset(body, 'b', 70);
	body[70] = '\0';
	hh_padded(inst, sizeof(inst), "POST /lean/4 HTTP/1.1\r\nHost: t\r\n",
		  "Content-Length: 20\r\n\r\n", b20);
	hh_padded(req, sizeof(req), "POST /lean/4 HTTP/1.1\r\nHost: t\r\n",
		  "Content-Length: 70\r\n\r\n", body);
	assert_non_null(strstr(hh_same_armed(inst, req, true, 0),
			       "413 Content Too Large"));
}

/* Pipelined heads through an armed entry, the body of the last one
 * short: answered in order, the last when its body is whole. */
static void
test_http_hit_fast_match_pipelined_and_split_body(void **state)
{
	static const char one[] =
		"POST /lean/6 HTTP/1.1\r\nHost: t\r\nContent-Type: a/b\r\n"
		"Content-Length: 2\r\n\r\nok";
	char three[512], want[4096], got[4096];
	size_t n = strlen(one), at = 0;
	uint64_t hits;
	struct ht_client c;

	hh_answer(one, 10, 0, want, sizeof(want));
	snprintf(three, sizeof(three), "%s%s%s", one, one, one);
	for (int i = 0; i < 3; i++)
		hh_answer(one, 0, 0, got, sizeof(got));
	hits = HSTAT(hh_h, http_head_cache_hits);
	ht_connect(&c, hh_h, hh_port++);
	tt_send_data(&c.p, three, (uint32_t)(3 * n - 1));
	at += ht_read(&c, got + at, sizeof(got) - at);
	assert_int_equal(at, 2 * strlen(want));
	tt_send_data(&c.p, three + 3 * n - 1, 1);
	at += ht_read(&c, got + at, sizeof(got) - at);
	assert_false(c.rst);
	assert_false(c.fin);
	assert_int_equal(HSTAT(hh_h, http_head_cache_hits), hits + 3);
	assert_int_equal(at, 3 * strlen(want));
	for (int i = 0; i < 3; i++)
		assert_memory_equal(got + i * strlen(want), want, strlen(want));
}

/*
 * One keep-alive connection through an armed entry, each segment in a
 * state the fast form of http_conn_recv takes or leaves to the general
 * path: a whole request (fast), a head cut (buffered), the rest, a
 * whole one again (fast once the buffer is given back), a head whose
 * body comes later, its body, two pipelined, a 100-continue head, its
 * body, a whole one (fast), one that closes. The stream of answers is
 * each request's answer from the parser (cut in its request line), in
 * order, and the connection closes after the last; every request is
 * counted once, every whole head of the entry a hit. Then bytes left
 * buffered before a segment that alone would be taken fast.
 */
static void
test_http_hit_fast_form_keep_alive_states_answer_as_the_parse(void **state)
{
	/* bodies long enough for the fast match's word reads */
	static const char one[] =
		"POST /lean/6 HTTP/1.1\r\nHost: t\r\nContent-Type: a/b\r\n"
		"Content-Length: 20\r\n\r\nabcdefghijklmnopqrst";
	static const char cont[] =
		"POST /lean/6 HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\n"
		"Content-Length: 20\r\n\r\nabcdefghijklmnopqrst";
	static const char bye[] =
		"POST /lean/6 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n"
		"Content-Length: 20\r\n\r\nabcdefghijklmnopqrst";
	size_t hn = strlen(one) - 20, ch = strlen(cont) - 20;
	/* each segment: a request (0 one, 1 cont, 2 bye) and its bytes
	 * [from, to), several when pipelined */
	static const struct {
		int req;
		int from, to; /* -1: the head's end; -2: the end */
		bool more;    /* the next one goes in the same segment */
	} segs[] = {
		{ 0, 0, -2, false },  { 0, 0, 20, false }, { 0, 20, -2, false },
		{ 0, 0, -2, false },  { 0, 0, -1, false }, { 0, -1, -2, false },
		{ 0, 0, -2, true },   { 0, 0, -2, false }, { 1, 0, -1, false },
		{ 1, -1, -2, false }, { 0, 0, -2, false }, { 2, 0, -2, false },
	};
	const char *reqs[] = { one, cont, bye };
	char want[8192], got[8192], seg[1024];
	size_t wn = 0, at = 0, sn = 0;
	uint64_t hits, nreq;
	struct ht_client c;
	bool fin = false;

	for (size_t i = 0; i < sizeof(segs) / sizeof(segs[0]); i++) {
		if (segs[i].from != 0)
			continue; /* counted with the segment of its start */
		fin = hh_answer(reqs[segs[i].req], 10,
				segs[i].req == 1 && segs[i].to == -1 ? ch : 0,
				want + wn, sizeof(want) - wn);
		wn += strlen(want + wn);
	}
	assert_true(fin);
	for (int i = 0; i < 3; i++)
		hh_answer(one, 0, 0, got, sizeof(got));
	hits = HSTAT(hh_h, http_head_cache_hits);
	nreq = HSTAT(hh_h, http_requests);
	ht_connect(&c, hh_h, hh_port++);
	for (size_t i = 0; i < sizeof(segs) / sizeof(segs[0]); i++) {
		const char *r = reqs[segs[i].req];
		size_t head = segs[i].req == 1 ? ch : hn, len = strlen(r);
		size_t from = segs[i].from == -1 ? head : (size_t)segs[i].from;
		size_t to = segs[i].to == -1 ? head :
			    segs[i].to == -2 ? len : (size_t)segs[i].to;

		memcpy(seg + sn, r + from, to - from);
		sn += to - from;
		if (segs[i].more)
			continue;
		tt_send_data(&c.p, seg, (uint32_t)sn);
		sn = 0;
		at += ht_read(&c, got + at, sizeof(got) - at);
	}
	got[at] = '\0';
	assert_false(c.rst);
	assert_true(c.fin);
	assert_string_equal(got, want);
	assert_int_equal(HSTAT(hh_h, http_requests), nreq + 9);
	/* the entry's six whole heads are hits; the cut one is parsed
	 * (never looked up), the 100-continue and close heads missed */
	assert_int_equal(HSTAT(hh_h, http_head_cache_hits), hits + 6);
	/* Bytes buffered, then a segment that is a whole request of the
	 * entry: it continues the buffered bytes (the parser's 400). */
	snprintf(seg, sizeof(seg), "%.8s%s", one, one);
	fin = hh_answer(seg, 4, 0, want, sizeof(want));
	assert_true(fin);
	assert_non_null(strstr(want, " 400 "));
	assert_int_equal(hh_answer(seg, 8, 0, got, sizeof(got)), fin);
	assert_string_equal(got, want);
}

#define HH_TEST_ISA(f, isa)                                                    \
	cmocka_unit_test_prestate_setup_teardown(                              \
		f, hh_setup, hh_teardown, (void *)(uintptr_t)(isa))
#define HH_TEST(f)                                                             \
	HH_TEST_ISA(f, HTTP_ISA_SCALAR), HH_TEST_ISA(f, HTTP_ISA_AVX2)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		HH_TEST(test_http_hit_answers_as_the_parse_keep_alive_and_query),
		HH_TEST(test_http_hit_other_content_length_moves_the_fields_after_it),
		HH_TEST(test_http_hit_close_http10_and_head_flags_as_the_parse),
		HH_TEST(test_http_hit_exchange_fields_as_the_parse),
		HH_TEST(test_http_hit_expect_continue_with_body_whole_or_later),
		HH_TEST(test_http_hit_chunked_is_refused_from_the_entry_and_decoded),
		HH_TEST(test_http_hit_unrouted_answers_404_and_405_as_the_parse),
		HH_TEST(test_http_hit_body_over_limit_answers_413_as_the_parse),
		HH_TEST(test_http_hit_header_limit_crossed_by_more_digits_is_left_to_the_parser),
		HH_TEST(test_http_hit_route_added_later_is_seen),
		HH_TEST(test_http_hit_pipelined_hits_answer_in_order),
		HH_TEST(test_http_hit_fast_match_answers_as_the_parse),
		HH_TEST(test_http_hit_fast_match_pipelined_and_split_body),
		HH_TEST(test_http_hit_fast_form_keep_alive_states_answer_as_the_parse),
	};

	harness_eal_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}

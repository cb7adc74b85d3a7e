/* SPDX-License-Identifier: BSD-3-Clause */
/* stack_cost.c: frames in, frames out: what the stack costs per request. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_tcp.h>
#include <valgrind/callgrind.h>

#include "../unit/harness.h"
#include "../unit/pkt.h"
#include "api/api.h"
#include "api/mrc.h"
#include "api/mrc_store.h"
#include "http/http.h"
#include "net/tcp.h"

/*
 * The real code over an in-memory port (DPDK ring PMD), no kernel: each
 * request is a complete Ethernet/IPv4/TCP frame carrying one HTTP request;
 * one harness_poll() takes it through RX, the stack and the handler and
 * puts the response frame on the TX ring. Only harness_poll() is measured
 * (TSC, and callgrind when run under valgrind with --collect-atstart=no):
 * building the client's frames and reading the answers are not.
 */

#define BENCH_PORT 8080
#define BENCH_MAX_CONNS 64

struct bench_conn {
	uint16_t sport;
	uint32_t seq; /* client's next sequence number */
	uint32_t ack; /* client's next expected byte from us */
};

static struct mrc_store *bench_store;
static struct http_router bench_router;
static struct mrc_api bench_mrc_api;
static struct api_state bench_api;
static uint64_t bench_cycles;
static uint64_t bench_polls;

static void
bench_poll_end(struct lcore_ctx *ctx, void *arg)
{
	tcp_flush(ctx);
	mrc_store_quiescent(bench_store, ctx->idx);
}

/* One measured poll of the stack. */
static void
bench_poll(struct harness *h)
{
	uint64_t t0;

	CALLGRIND_TOGGLE_COLLECT;
	t0 = rte_rdtsc_precise();
	harness_poll(h);
	bench_cycles += rte_rdtsc_precise() - t0;
	CALLGRIND_TOGGLE_COLLECT;
	bench_polls++;
}

static void
bench_send(struct harness *h, struct bench_conn *c, uint8_t flags,
	   const void *data, size_t len)
{
	uint8_t f[PKT_MAX];
	struct pkt_tcp t = {
		.sport = c->sport, .dport = BENCH_PORT, .seq = c->seq,
		.ack = c->ack, .flags = flags, .win = 65535, .wscale = -1,
		.data = data, .len = len,
	};

	if (flags & RTE_TCP_SYN_FLAG) {
		t.mss = 1460;
		t.wscale = 7;
	}
	harness_inject(h, f, pkt_tcp(f, &h->ifc.mac, &t));
	c->seq += (uint32_t)len + !!(flags & (RTE_TCP_SYN_FLAG | RTE_TCP_FIN_FLAG));
}

/* Read what the stack sent; advance each connection's ack. Returns the
 * number of response bytes seen. */
static size_t
bench_collect(struct harness *h, struct bench_conn *conns, int n, int *fins)
{
	struct rte_mbuf *m[64];
	unsigned int k;
	size_t bytes = 0;

	while ((k = harness_collect(h, m, 64)) > 0) {
		for (unsigned int i = 0; i < k; i++) {
			struct pkt_tcp_seen s;

			if (pkt_parse_tcp(m[i], &s)) {
				for (int j = 0; j < n; j++) {
					struct bench_conn *c = &conns[j];

					if (c->sport != s.dport)
						continue;
					uint32_t end = s.seq + (uint32_t)s.len +
						       !!(s.flags & RTE_TCP_FIN_FLAG);

					if (s.flags & RTE_TCP_SYN_FLAG)
						c->ack = s.seq + 1;
					else if ((int32_t)(end - c->ack) > 0)
						c->ack = end;
					if ((s.flags & RTE_TCP_FIN_FLAG) && fins)
						(*fins)++;
				}
				bytes += s.len;
			}
		}
		rte_pktmbuf_free_bulk(m, k);
	}
	return bytes;
}

static void
bench_handshake(struct harness *h, struct bench_conn *c)
{
	bench_send(h, c, RTE_TCP_SYN_FLAG, NULL, 0);
	bench_poll(h);
	bench_collect(h, c, 1, NULL);
	bench_send(h, c, RTE_TCP_ACK_FLAG, NULL, 0);
	bench_poll(h);
}

static void
bench_tweak(struct config *cfg)
{
	cfg->mbufs = 16383;
	cfg->tcp_delack_ms = 40;
}

static int
bench_request(char *buf, size_t cap, const char *scenario, unsigned long i)
{
	if (strcmp(scenario, "stats") == 0)
		return snprintf(buf, cap, "GET /stats HTTP/1.1\r\nHost: 10.88.0.2\r\n\r\n");
	if (strcmp(scenario, "users") == 0)
		return snprintf(buf, cap, "GET /users/123 HTTP/1.1\r\nHost: 10.88.0.2\r\n\r\n");
	if (strcmp(scenario, "health") == 0)
		return snprintf(buf, cap, "GET /health HTTP/1.1\r\nHost: 10.88.0.2\r\n\r\n");
	{
		char body[96];
		int bl = snprintf(body, sizeof(body),
				  "{\"userId\":\"user_%lu\",\"value\":%lu.5}",
				  i % 75000, i % 1000);

		return snprintf(buf, cap,
				"POST /event HTTP/1.1\r\nHost: 10.88.0.2\r\n"
				"Content-Type: application/json\r\n"
				"Content-Length: %d\r\n\r\n%s", bl, body);
	}
}

int
main(int argc, char **argv)
{
	const char *scenario = "event";
	unsigned long n = 100000, warm = 1000;
	int nconns = 32, opt;
	struct mrc_store_params mp = { .max_users = 1 << 20 };
	struct bench_conn conns[BENCH_MAX_CONNS];
	struct harness *h;
	size_t resp_bytes = 0;
	unsigned long sent = 0; /* requests sent, warm-up included */
	bool per_conn;

	while ((opt = getopt(argc, argv, "s:n:c:w:")) != -1) {
		switch (opt) {
		case 's': scenario = optarg; break;
		case 'n': n = strtoul(optarg, NULL, 10); break;
		case 'c': nconns = atoi(optarg); break;
		case 'w': warm = strtoul(optarg, NULL, 10); break;
		default:
			fprintf(stderr, "usage: stack_cost [-s event|stats|users|health|conn] "
				"[-n REQUESTS] [-c CONNS] [-w WARMUP]\n");
			return 2;
		}
	}
	if (nconns < 1 || nconns > BENCH_MAX_CONNS)
		nconns = 32;
	per_conn = strcmp(scenario, "conn") == 0;
	h = harness_create(bench_tweak);
	bench_store = mrc_store_create(&mp);
	http_router_init(&bench_router);
	bench_mrc_api = (struct mrc_api){ .store = bench_store, .cfg = &h->cfg };
	if (!bench_store || mrc_api_register(&bench_router, &bench_mrc_api) < 0 ||
	    api_state_init(&bench_api) < 0 ||
	    api_register_all(&bench_router, &h->cfg, &bench_api) < 0 ||
	    http_lcore_init(h->ctx, &bench_router) < 0 ||
	    tcp_listen(h->ctx, BENCH_PORT, &http_tcp_ops) < 0 ||
	    mrc_store_lcore_online(bench_store, 0) < 0) {
		fprintf(stderr, "stack_cost: setup failed\n");
		return 1;
	}
	h->ctx->hooks.poll_end = bench_poll_end;

	if (per_conn) {
		/* A whole connection per request: SYN .. request .. FINs. */
		static const char req[] = "POST /event HTTP/1.1\r\nHost: 10.88.0.2\r\n"
			"Content-Type: application/json\r\nConnection: close\r\n"
			"Content-Length: 33\r\n\r\n{\"userId\":\"user_1\",\"value\":1.5}  ";
		unsigned long total = n + warm;

		sent = total;

		for (unsigned long i = 0; i < total; i++) {
			struct bench_conn c = { .sport = (uint16_t)(1024 + i % 60000),
						.seq = 1000 + (uint32_t)i * 7919 };
			int fins = 0;

			if (i == warm) {
				bench_cycles = 0;
				bench_polls = 0;
				CALLGRIND_ZERO_STATS;
			}
			bench_handshake(h, &c);
			bench_send(h, &c, RTE_TCP_ACK_FLAG | RTE_TCP_PSH_FLAG, req,
				   sizeof(req) - 1);
			bench_poll(h);
			resp_bytes += bench_collect(h, &c, 1, &fins);
			bench_send(h, &c, RTE_TCP_ACK_FLAG | RTE_TCP_FIN_FLAG, NULL, 0);
			bench_poll(h);
			bench_collect(h, &c, 1, NULL);
			/* TIME_WAIT is the server's (active close): let it expire
			 * so ports can be reused. */
			if ((i & 1023) == 1023)
				harness_advance(h, (uint64_t)h->cfg.tcp_timewait_ms * 1000 + 1000);
		}
	} else {
		char req[512];

		for (int j = 0; j < nconns; j++) {
			conns[j] = (struct bench_conn){ .sport = (uint16_t)(40000 + j),
							.seq = 100000u * (uint32_t)(j + 1) };
			bench_handshake(h, &conns[j]);
		}
		bench_collect(h, conns, nconns, NULL);
		bool measuring = false;
		unsigned long start = 0, i;

		for (i = 0; !measuring || i - start < n;) {
			if (!measuring && i >= warm) {
				bench_cycles = 0;
				bench_polls = 0;
				CALLGRIND_ZERO_STATS;
				measuring = true;
				start = i;
			}
			/* One request on each connection per burst, as a busy
			 * NIC queue would deliver them. */
			for (int j = 0; j < nconns; j++, i++) {
				int len = bench_request(req, sizeof(req), scenario, i);

				bench_send(h, &conns[j], RTE_TCP_ACK_FLAG | RTE_TCP_PSH_FLAG,
					   req, (size_t)len);
			}
			bench_poll(h);
			resp_bytes += bench_collect(h, conns, nconns, NULL);
		}
		n = i - start;
		sent = i;
	}
	printf("scenario %s requests %lu conns %d polls %lu response_bytes %zu\n",
	       scenario, n, per_conn ? 1 : nconns, bench_polls, resp_bytes);
	printf("tsc_cycles_per_request %.1f tsc_hz %lu\n",
	       (double)bench_cycles / (double)n, (unsigned long)rte_get_tsc_hz());
	printf("http_2xx %lu http_4xx %lu http_5xx %lu\n",
	       (unsigned long)HSTAT(h, http_responses_2xx),
	       (unsigned long)HSTAT(h, http_responses_4xx),
	       (unsigned long)HSTAT(h, http_responses_5xx));
	/* Every request sent, warm-up included, must have been answered 2xx. */
	return HSTAT(h, http_responses_2xx) >= sent ? 0 : 1;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/* stack_cost.c: frames in, frames out: what the stack costs per request. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_ip.h>
#include <rte_tcp.h>
#include <valgrind/callgrind.h>

#include "../unit/harness.h"
#include "../unit/pkt.h"
#include "api/api.h"
#include "api/mrc.h"
#include "api/mrc_json.h"
#include "api/mrc_store.h"
#include "core/stats.h"
#include "http/http.h"
#include "net/tcp.h"

/*
 * The real code over an in-memory port (DPDK ring PMD), no kernel: each
 * request is a complete Ethernet/IPv4/TCP frame carrying one HTTP request.
 * One harness_poll() is one turn of the production poll loop; only it is
 * measured (TSC, and callgrind when run under valgrind with
 * --collect-atstart=no: bench_poll() toggles collection around it).
 *
 * Inside the measured region, what the server core pays in production:
 *  - TX completion: the mbufs of the previous poll's frames go back to the
 *    pool (rte_pktmbuf_free_bulk), as a PMD frees completed descriptors;
 *  - RX: the ring PMD's dequeue (the descriptor read), then, in an RX
 *    callback inside rte_eth_rx_burst(), one mbuf per frame from the
 *    server's pool (a bulk get; cache 256, as dpdk-config/veth.json),
 *    length and offload flags set (harness opts.pmd). The frame's bytes
 *    are copied in there too, standing in for the NIC's DMA: that copy is
 *    excluded (callgrind collection paused, its TSC cycles subtracted);
 *  - Ethernet, IPv4, TCP, HTTP, the handler, the TX burst (ring enqueue),
 *    the timer wheel (the fake clock moves), the end-of-poll TCP flush and
 *    the store's quiescent point.
 * Outside it, the client and the wire: building the client's frames in a
 * pool of its own (checksums, TCP timestamps), the clock's advance, "the
 * NIC"'s checksum verdict and completion when offload is modelled (-o),
 * reading the responses, freeing the client's mbufs; and the set-up
 * (handshakes of the keep-alive connections, the store's prefill).
 *
 * Client frames look like Linux's: SYN with MSS, SACK_PERM, TS, NOP, WS 7;
 * every later segment NOP NOP TS (TSval: the fake clock in ms plus a
 * per-connection offset; TSecr: our last TSval). The fake clock advances
 * -t µs per client segment (default 2), so timers run as they would.
 */

#define BENCH_PORT 8080
#define BENCH_MAX_CONNS 30000
#define BENCH_SPORT0 20000
#define BENCH_BURST 32 /* LCORE_RX_BURST: what a busy queue delivers */
#define BENCH_USERS 75000 /* a 1MRC run's distinct users */
/* A 1MRC run: 1,000,000 events, 75,000 users: 7.5% are a user's first. */
#define BENCH_NEW_PER_MILLE 75

struct bench_conn {
	uint16_t sport;
	uint32_t seq;	    /* client's next sequence number */
	uint32_t ack;	    /* client's next expected byte from us */
	uint32_t ts_off;    /* client's TSval offset (Linux: per connection) */
	uint32_t ts_recent; /* our last TSval, echoed as TSecr */
};

/*
 * The 1MRC user mix: request k is a user's first event when the share of
 * first events reaches 7.5% (evenly spread), else a known user drawn
 * uniformly from those seen (the run's i % 75000 sweeps the table the same
 * way). Users user_0..user_<prefill-1> are recorded before the measured
 * requests so the table holds what it holds in a 1M-event run.
 */
struct bench_users {
	uint32_t known; /* user_0..user_<known-1> are in the store */
	uint64_t k;	/* requests drawn */
	uint64_t rng;
	uint64_t n_new, n_known;
};

static struct mrc_store *bench_store;
static struct http_router bench_router;
static struct mrc_api bench_mrc_api;
static struct api_state bench_api;
static uint64_t bench_cycles;
static uint64_t bench_polls;
static unsigned int bench_us_per_seg = 2;
static unsigned int bench_pending; /* client segments since the last poll */
static uint64_t bench_segs_seen, bench_segs_ts; /* ours, and with TS */

static void
bench_poll_end(struct lcore_ctx *ctx, void *arg)
{
	tcp_flush(ctx);
	mrc_store_quiescent(bench_store, ctx->idx);
}

/* One measured poll of the stack; the clock first moves for the segments
 * the client sent since the last one. */
static void
bench_poll(struct harness *h)
{
	uint64_t t0, dma = h->dma_cycles;

	harness_advance(NULL, (uint64_t)bench_pending * bench_us_per_seg);
	bench_pending = 0;
	CALLGRIND_TOGGLE_COLLECT;
	t0 = rte_rdtsc_precise();
	harness_poll(h);
	bench_cycles += rte_rdtsc_precise() - t0 - (h->dma_cycles - dma);
	CALLGRIND_TOGGLE_COLLECT;
	bench_polls++;
}

/* A client segment as Linux sends it (see the top of the file). */
static void
bench_send(struct harness *h, struct bench_conn *c, uint8_t flags,
	   const void *data, size_t len)
{
	uint8_t f[PKT_MAX];
	struct rte_ether_hdr *eh = (struct rte_ether_hdr *)f;
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eh + 1);
	struct rte_tcp_hdr *th = (struct rte_tcp_hdr *)(ip + 1);
	uint8_t *o = (uint8_t *)(th + 1);
	uint32_t tsval = rte_cpu_to_be_32((uint32_t)(harness_now() / 1000) +
					  c->ts_off);
	uint32_t tsecr = rte_cpu_to_be_32(c->ts_recent);
	size_t olen;

	eh->dst_addr = h->ifc.mac;
	eh->src_addr = harness_peer_mac;
	eh->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	if (flags & RTE_TCP_SYN_FLAG) {
		static const uint8_t syn[] = { 2, 4, 0x05, 0xb4, 4, 2, 8, 10 };

		memcpy(o, syn, sizeof(syn));
		olen = sizeof(syn);
	} else {
		static const uint8_t est[] = { 1, 1, 8, 10 };

		memcpy(o, est, sizeof(est));
		olen = sizeof(est);
	}
	memcpy(o + olen, &tsval, 4);
	memcpy(o + olen + 4, &tsecr, 4);
	olen += 8;
	if (flags & RTE_TCP_SYN_FLAG) {
		o[olen++] = 1;
		o[olen++] = 3;
		o[olen++] = 3;
		o[olen++] = 7;
	}
	if (len)
		memcpy(o + olen, data, len);
	*ip = (struct rte_ipv4_hdr){
		.version_ihl = RTE_IPV4_VHL_DEF,
		.total_length = rte_cpu_to_be_16((uint16_t)(sizeof(*ip) + sizeof(*th) +
							    olen + len)),
		.packet_id = rte_cpu_to_be_16((uint16_t)c->seq),
		.fragment_offset = RTE_BE16(RTE_IPV4_HDR_DF_FLAG),
		.time_to_live = 64,
		.next_proto_id = IPPROTO_TCP,
		.src_addr = rte_cpu_to_be_32(HARNESS_PEER_IP),
		.dst_addr = rte_cpu_to_be_32(HARNESS_OUR_IP),
	};
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	*th = (struct rte_tcp_hdr){
		.src_port = rte_cpu_to_be_16(c->sport),
		.dst_port = RTE_BE16(BENCH_PORT),
		.sent_seq = rte_cpu_to_be_32(c->seq),
		.recv_ack = rte_cpu_to_be_32(c->ack),
		.data_off = (uint8_t)(((sizeof(*th) + olen) / 4) << 4),
		.tcp_flags = flags,
		/* Linux: 64240 in the SYN, then 64 KiB >> 7 */
		.rx_win = rte_cpu_to_be_16((flags & RTE_TCP_SYN_FLAG) ? 64240 : 512),
	};
	th->cksum = rte_ipv4_udptcp_cksum(ip, th);
	harness_inject(h, f, sizeof(*eh) + sizeof(*ip) + sizeof(*th) + olen + len);
	c->seq += (uint32_t)len + !!(flags & (RTE_TCP_SYN_FLAG | RTE_TCP_FIN_FLAG));
	bench_pending++;
}

/* Read what the stack sent; advance each connection's ack and TSecr; the
 * mbufs go back for the next poll's TX completion. Connections are
 * conns[0..n) with consecutive source ports. Returns response bytes seen. */
static size_t
bench_collect(struct harness *h, struct bench_conn *conns, int n, int *fins)
{
	struct rte_mbuf *m[64];
	unsigned int k;
	size_t bytes = 0;

	while ((k = harness_collect(h, m, 64)) > 0) {
		for (unsigned int i = 0; i < k; i++) {
			struct pkt_tcp_seen s;
			struct bench_conn *c;
			uint32_t j, end;

			if (!pkt_parse_tcp(m[i], &s))
				continue;
			bytes += s.len;
			bench_segs_seen++;
			bench_segs_ts += s.ts;
			j = (uint32_t)(uint16_t)(s.dport - conns[0].sport);
			if (j >= (uint32_t)n || conns[j].sport != s.dport)
				continue;
			c = &conns[j];
			end = s.seq + (uint32_t)s.len + !!(s.flags & RTE_TCP_FIN_FLAG);
			if (s.flags & RTE_TCP_SYN_FLAG)
				c->ack = s.seq + 1;
			else if ((int32_t)(end - c->ack) > 0)
				c->ack = end;
			if (s.ts)
				c->ts_recent = s.tsval;
			if ((s.flags & RTE_TCP_FIN_FLAG) && fins)
				(*fins)++;
		}
		harness_tx_done(h, m, k);
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

static uint32_t
bench_user_next(struct bench_users *u)
{
	uint64_t k = u->k++;

	if (u->known == 0 ||
	    (k + 1) * BENCH_NEW_PER_MILLE / 1000 > k * BENCH_NEW_PER_MILLE / 1000) {
		u->n_new++;
		return u->known++;
	}
	u->rng ^= u->rng << 13;
	u->rng ^= u->rng >> 7;
	u->rng ^= u->rng << 17;
	u->n_known++;
	return (uint32_t)(u->rng % u->known);
}

/* Record user_0..user_<n-1> (one event each) straight into the store. */
static int
bench_prefill(struct bench_users *u, uint32_t n)
{
	struct mrc_event ev = { .value = 0.5, .scaled = 500000000, .exact = true };

	for (uint32_t i = 0; i < n; i++) {
		ev.user_len = (size_t)snprintf(ev.user, sizeof(ev.user), "user_%u", i);
		if (mrc_store_record(bench_store, 0, &ev) != 1)
			return -1;
	}
	u->known = n;
	mrc_store_quiescent(bench_store, 0);
	return 0;
}

static unsigned int bench_mbufs = 16383; /* dpdk-config/veth.json */

static void
bench_tweak(struct config *cfg)
{
	cfg->mbufs = bench_mbufs;
	cfg->mbuf_cache = 256; /* dpdk-config/veth.json mempool.cache */
	cfg->tcp_delack_ms = 40;
}

/* Request i; user is the userId's number for POST /event. */
static int
bench_request(char *buf, size_t cap, const char *scenario, unsigned long i,
	      uint32_t user)
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
				  "{\"userId\":\"user_%u\",\"value\":%lu.5}",
				  user, i % 1000);

		return snprintf(buf, cap,
				"POST /event HTTP/1.1\r\nHost: 10.88.0.2\r\n"
				"Content-Type: application/json\r\n"
				"Content-Length: %d\r\n\r\n%s", bl, body);
	}
}

/* A whole connection per request: SYN .. request .. FINs; n measured
 * after warm. Returns the requests sent. */
static unsigned long
bench_run_conn(struct harness *h, unsigned long n, unsigned long warm,
	       size_t *resp_bytes)
{
	static const char req[] = "POST /event HTTP/1.1\r\nHost: 10.88.0.2\r\n"
		"Content-Type: application/json\r\nConnection: close\r\n"
		"Content-Length: 33\r\n\r\n{\"userId\":\"user_1\",\"value\":1.5}  ";
	unsigned long total = n + warm;

	for (unsigned long i = 0; i < total; i++) {
		struct bench_conn c = { .sport = (uint16_t)(1024 + i % 60000),
					.seq = 1000 + (uint32_t)i * 7919,
					.ts_off = (uint32_t)i * 2654435761u };
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
		*resp_bytes += bench_collect(h, &c, 1, &fins);
		bench_send(h, &c, RTE_TCP_ACK_FLAG | RTE_TCP_FIN_FLAG, NULL, 0);
		bench_poll(h);
		bench_collect(h, &c, 1, NULL);
		/* TIME_WAIT is the server's (active close): let it expire so
		 * ports can be reused; the expiry is measured, it is the
		 * server's work. */
		if ((i & 1023) == 1023) {
			harness_advance(NULL, (uint64_t)h->cfg.tcp_timewait_ms * 1000 + 1000);
			bench_poll(h);
			bench_collect(h, &c, 1, NULL);
		}
	}
	return total;
}

/*
 * Keep-alive: nconns connections, a burst of up to BENCH_BURST requests
 * per poll, one on each of the next connections in turn (32 connections:
 * one request on each per poll, as a busy queue delivers them; 10,000:
 * each connection's state is cold when its turn comes). n measured after
 * warm (main makes it at least one request per connection). users: NULL for
 * "every request user i % 75000". Returns the requests sent; *n becomes
 * the requests measured.
 */
static unsigned long
bench_run_keepalive(struct harness *h, const char *scenario,
		    struct bench_conn *conns, int nconns, unsigned long *n,
		    unsigned long warm, struct bench_users *users,
		    size_t *resp_bytes)
{
	int burst = nconns < BENCH_BURST ? nconns : BENCH_BURST, next = 0;
	unsigned long start = 0, i;
	bool measuring = false;
	char req[512];

	for (int j = 0; j < nconns; j++) {
		conns[j] = (struct bench_conn){
			.sport = (uint16_t)(BENCH_SPORT0 + j),
			.seq = 100000u * (uint32_t)(j + 1),
			.ts_off = (uint32_t)j * 2654435761u,
		};
		bench_handshake(h, &conns[j]);
		bench_collect(h, conns, nconns, NULL);
	}
	for (i = 0; !measuring || i - start < *n;) {
		if (!measuring && i >= warm) {
			bench_cycles = 0;
			bench_polls = 0;
			CALLGRIND_ZERO_STATS;
			measuring = true;
			start = i;
		}
		for (int b = 0; b < burst; b++, i++) {
			struct bench_conn *c = &conns[next];
			uint32_t user = users ? bench_user_next(users) :
						(uint32_t)(i % BENCH_USERS);
			int len = bench_request(req, sizeof(req), scenario, i, user);

			bench_send(h, c, RTE_TCP_ACK_FLAG | RTE_TCP_PSH_FLAG,
				   req, (size_t)len);
			next = next + 1 == nconns ? 0 : next + 1;
		}
		bench_poll(h);
		*resp_bytes += bench_collect(h, conns, nconns, NULL);
	}
	*n = i - start;
	return i;
}

static void
bench_usage(void)
{
	fprintf(stderr, "usage: stack_cost [-s event|mrc|c10k|stats|users|health|conn] "
		"[-n REQUESTS] [-c CONNS] [-w WARMUP] [-t US_PER_SEGMENT] [-m MBUFS] [-o]\n"
		"  event  keep-alive POST /event, user i %% 75000 (32 conns)\n"
		"  mrc    keep-alive POST /event, the 1MRC user mix (32 conns)\n"
		"  c10k   keep-alive POST /event, the 1MRC user mix, 10,000 conns\n"
		"  conn   a connection per POST /event, SYN..FIN\n"
		"  -o     checksum offload modelled (the port offers RX/TX IPv4/TCP)\n");
}

int
main(int argc, char **argv)
{
	const char *scenario = "event";
	unsigned long n = 100000, warm = 1000;
	int nconns = -1, opt;
	struct mrc_store_params mp = { .max_users = 1 << 20 };
	struct harness_opts ho = { .tweak = bench_tweak, .pmd = true };
	struct bench_users users = { .rng = 0x9e3779b97f4a7c15ull };
	struct bench_conn *conns = NULL;
	struct harness *h;
	size_t resp_bytes = 0;
	unsigned long sent; /* requests sent, warm-up included */
	uint32_t prefill = 0;
	bool per_conn, mix, mbufs_set = false;

	while ((opt = getopt(argc, argv, "s:n:c:w:t:m:o")) != -1) {
		switch (opt) {
		case 's': scenario = optarg; break;
		case 'n': n = strtoul(optarg, NULL, 10); break;
		case 'c': nconns = atoi(optarg); break;
		case 'w': warm = strtoul(optarg, NULL, 10); break;
		case 't': bench_us_per_seg = (unsigned int)strtoul(optarg, NULL, 10); break;
		case 'm':
			bench_mbufs = (unsigned int)strtoul(optarg, NULL, 10);
			mbufs_set = true;
			break;
		case 'o': ho.cksum_offload = true; break;
		default:
			bench_usage();
			return 2;
		}
	}
	per_conn = strcmp(scenario, "conn") == 0;
	mix = strcmp(scenario, "mrc") == 0 || strcmp(scenario, "c10k") == 0;
	if (nconns < 0)
		nconns = strcmp(scenario, "c10k") == 0 ? 10000 : 32;
	/* 10,000 connections each hold an unacknowledged response until their
	 * next request: veth.json's 16383 mbufs leave the send queues ~7,000
	 * (core/mem.c), so this one gets baremetal.json's per-queue pool. */
	if (strcmp(scenario, "c10k") == 0 && !mbufs_set)
		bench_mbufs = 32767;
	if (nconns < 1 || nconns > BENCH_MAX_CONNS) {
		bench_usage();
		return 2;
	}
	/* Every keep-alive connection serves a request before measuring. */
	if (!per_conn && warm < (unsigned long)nconns)
		warm = (unsigned long)nconns;
	h = harness_create_opts(&ho);
	bench_store = mrc_store_create(&mp);
	http_router_init(&bench_router);
	bench_mrc_api = (struct mrc_api){ .store = bench_store, .cfg = &h->cfg };
	conns = calloc((size_t)nconns, sizeof(*conns));
	if (!conns || !bench_store || mrc_api_register(&bench_router, &bench_mrc_api) < 0 ||
	    api_state_init(&bench_api) < 0 ||
	    api_register_all(&bench_router, &h->cfg, &bench_api) < 0 ||
	    http_lcore_init(h->ctx, &bench_router) < 0 ||
	    tcp_listen(h->ctx, BENCH_PORT, &http_tcp_ops) < 0 ||
	    mrc_store_lcore_online(bench_store, 0) < 0) {
		fprintf(stderr, "stack_cost: setup failed\n");
		return 1;
	}
	h->ctx->hooks.poll_end = bench_poll_end;
	if (mix) {
		/* The table as a 1M-event run has it: 75,000 users in the end,
		 * 7.5% of this run's requests among their first events. */
		uint64_t fresh = (uint64_t)(n + warm + BENCH_BURST) *
				 BENCH_NEW_PER_MILLE / 1000;

		prefill = fresh < BENCH_USERS ? BENCH_USERS - (uint32_t)fresh : 0;
		if (bench_prefill(&users, prefill) < 0) {
			fprintf(stderr, "stack_cost: prefill failed\n");
			return 1;
		}
	}

	if (per_conn)
		sent = bench_run_conn(h, n, warm, &resp_bytes);
	else
		sent = bench_run_keepalive(h, scenario, conns, nconns, &n, warm,
					   mix ? &users : NULL, &resp_bytes);
	printf("scenario %s requests %lu conns %d polls %lu response_bytes %zu\n",
	       scenario, n, per_conn ? 1 : nconns, bench_polls, resp_bytes);
	printf("tsc_cycles_per_request %.1f tsc_hz %lu\n",
	       (double)bench_cycles / (double)n, (unsigned long)rte_get_tsc_hz());
	printf("http_2xx %lu http_4xx %lu http_5xx %lu\n",
	       (unsigned long)HSTAT(h, http_responses_2xx),
	       (unsigned long)HSTAT(h, http_responses_4xx),
	       (unsigned long)HSTAT(h, http_responses_5xx));
	printf("model pmd 1 mbufs %u mbuf_cache %u cksum_offload %d tcp_ts 1 us_per_segment %u "
	       "users_prefilled %u new_users %lu known_users %lu rx_nombuf %lu "
	       "segments_out %lu with_ts %lu\n",
	       h->cfg.mbufs, h->pool->cache_size, ho.cksum_offload ? 1 : 0, bench_us_per_seg, prefill,
	       (unsigned long)users.n_new, (unsigned long)users.n_known,
	       (unsigned long)h->rx_nombuf, (unsigned long)bench_segs_seen,
	       (unsigned long)bench_segs_ts);
	if (getenv("LR_BENCH_STATS"))
		for (int id = 0; id < ST__COUNT; id++)
			if (h->ctx->stats.v[id])
				printf("stat %s %lu\n", stats_name((enum stats_id)id),
				       (unsigned long)h->ctx->stats.v[id]);
	/* Every request sent, warm-up included, must have been answered 2xx. */
	return HSTAT(h, http_responses_2xx) >= sent && h->rx_nombuf == 0 ? 0 : 1;
}

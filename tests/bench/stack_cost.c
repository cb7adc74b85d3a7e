/* SPDX-License-Identifier: BSD-3-Clause */
/* stack_cost.c: frames in, frames out: what the stack costs per request. */
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_ip.h>
#include <rte_lcore.h>
#include <rte_tcp.h>
#include <valgrind/callgrind.h>

#include "../unit/harness.h"
#include "../unit/pkt.h"
#include "../unit/pkt6.h"
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
 *
 * Several lcores (-s mc, mcnew; -l N, default 2): N lcore contexts, each on
 * a ring port of its own with its own pools, 32 connections and client,
 * in N threads (registered with DPDK, so each has its mempool caches),
 * sharing one router and one 1MRC store, as N data lcores of the
 * appliance do. Each thread measures its own polls; callgrind counts
 * instructions per thread (--separate-threads=yes gives a file each), so
 * the figure per lcore is comparable with the one-lcore scenarios (mc with
 * mrc, mcnew with event). mc: the 1MRC mix, each lcore adding its own new
 * users; mcnew: every request a new user on every lcore at once (the
 * user set's insert path from all lcores). The fake clock is shared: lcore
 * 0's segments move it.
 */

#define BENCH_PORT 8080
#define BENCH_MAX_CONNS 30000
#define BENCH_SPORT0 20000
#define BENCH_BURST 32 /* LCORE_RX_BURST: what a busy queue delivers */
#define BENCH_USERS 75000 /* a 1MRC run's distinct users */
/* A 1MRC run: 1,000,000 events, 75,000 users: 7.5% are a user's first. */
#define BENCH_NEW_PER_MILLE 75
#define BENCH_MAX_LCORES 8 /* what the harness's EAL memory holds */

struct bench_conn {
	uint16_t sport;
	uint32_t seq;	    /* client's next sequence number */
	uint32_t ack;	    /* client's next expected byte from us */
	uint32_t ts_off;    /* client's TSval offset (Linux: per connection) */
	uint32_t ts_recent; /* our last TSval, echoed as TSecr */
};

/*
 * The 1MRC user mix: request k is a user's first event when the share of
 * first events reaches per_mille (7.5%, evenly spread), else a known user
 * drawn uniformly from those seen (the run's i % 75000 sweeps the table the
 * same way). Users user_0..user_<base-1> are recorded before the measured
 * requests so the table holds what it holds in a 1M-event run. With
 * several lcores, lcore `lane` of `stride` adds users base + lane,
 * base + lane + stride, ...: new to every lcore.
 */
struct bench_users {
	uint32_t base;	    /* user_0..user_<base-1>: prefilled */
	uint32_t lane;	    /* this lcore's new users: base + lane + k * stride */
	uint32_t stride;
	uint32_t per_mille; /* first events per 1000 requests */
	uint64_t k;	    /* requests drawn */
	uint64_t rng;
	uint64_t n_new, n_known;
};

/* One measured lcore: its harness (port, pools, context) and client. */
struct bench_lc {
	struct harness *h;
	unsigned int idx;
	bool moves_clock;	/* lcore 0: the shared fake clock */
	uint64_t cycles, polls;
	unsigned int pending;	/* client segments since the last poll */
	uint64_t segs_seen, segs_ts; /* ours, and with TS */
	/* keep-alive runs */
	struct bench_conn *conns;
	int nconns;
	unsigned long n, warm, sent;
	size_t resp_bytes;
	struct bench_users users;
	bool use_users;
	const char *scenario;
	pthread_t tid;
	int rc;
};

static struct mrc_store *bench_store;
static struct http_router bench_router;
static struct mrc_api bench_mrc_api;
static struct api_state bench_api;
static unsigned int bench_us_per_seg = 2;
/* Several lcores: all finish warming up, then the counts are zeroed. */
static unsigned int bench_nlc = 1;
static pthread_barrier_t bench_barrier;

static void
bench_poll_end(struct lcore_ctx *ctx, void *arg)
{
	tcp_flush(ctx);
	mrc_store_quiescent(bench_store, ctx->idx);
}

/* One measured poll of the stack; the clock first moves for the segments
 * the client sent since the last one. */
static void
bench_poll(struct bench_lc *b)
{
	struct harness *h = b->h;
	uint64_t t0, dma = h->dma_cycles;

	if (b->moves_clock)
		harness_advance(NULL, (uint64_t)b->pending * bench_us_per_seg);
	b->pending = 0;
	CALLGRIND_TOGGLE_COLLECT;
	t0 = rte_rdtsc_precise();
	harness_poll(h);
	b->cycles += rte_rdtsc_precise() - t0 - (h->dma_cycles - dma);
	CALLGRIND_TOGGLE_COLLECT;
	b->polls++;
}

/* -s mrc6: the mrc scenario over IPv6 (fd00:88::1 to fd00:88::2). */
static bool bench_v6;

/* The Ethernet + IP headers of a client segment with l4 bytes of TCP after
 * them; returns where the TCP header goes. */
static struct rte_tcp_hdr *
bench_ip(struct harness *h, struct bench_conn *c, uint8_t *f, size_t l4,
	 size_t *hdrs)
{
	struct rte_ether_hdr *eh = (struct rte_ether_hdr *)f;

	eh->dst_addr = h->ifc.mac;
	eh->src_addr = harness_peer_mac;
	if (bench_v6) {
		struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)(eh + 1);

		eh->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV6);
		*ip6 = (struct rte_ipv6_hdr){
			.vtc_flow = RTE_BE32(6u << 28),
			.payload_len = rte_cpu_to_be_16((uint16_t)l4),
			.proto = IPPROTO_TCP,
			.hop_limits = 64,
		};
		memcpy(ip6->src_addr, pkt6_peer, 16);
		memcpy(ip6->dst_addr, pkt6_ours, 16);
		*hdrs = sizeof(*eh) + sizeof(*ip6);
		return (struct rte_tcp_hdr *)(ip6 + 1);
	}
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eh + 1);

	eh->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	*ip = (struct rte_ipv4_hdr){
		.version_ihl = RTE_IPV4_VHL_DEF,
		.total_length = rte_cpu_to_be_16((uint16_t)(sizeof(*ip) + l4)),
		.packet_id = rte_cpu_to_be_16((uint16_t)c->seq),
		.fragment_offset = RTE_BE16(RTE_IPV4_HDR_DF_FLAG),
		.time_to_live = 64,
		.next_proto_id = IPPROTO_TCP,
		.src_addr = rte_cpu_to_be_32(HARNESS_PEER_IP),
		.dst_addr = rte_cpu_to_be_32(HARNESS_OUR_IP),
	};
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	*hdrs = sizeof(*eh) + sizeof(*ip);
	return (struct rte_tcp_hdr *)(ip + 1);
}

/* A client segment as Linux sends it (see the top of the file). */
static void
bench_send(struct bench_lc *b, struct bench_conn *c, uint8_t flags,
	   const void *data, size_t len)
{
	struct harness *h = b->h;
	uint8_t f[PKT_MAX], o[64];
	struct rte_tcp_hdr *th;
	uint32_t tsval = rte_cpu_to_be_32((uint32_t)(harness_now() / 1000) +
					  c->ts_off);
	uint32_t tsecr = rte_cpu_to_be_32(c->ts_recent);
	size_t olen, hdrs;

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
	th = bench_ip(h, c, f, sizeof(*th) + olen + len, &hdrs);
	memcpy(th + 1, o, olen);
	if (len)
		memcpy((uint8_t *)(th + 1) + olen, data, len);
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
	if (bench_v6)
		th->cksum = rte_ipv6_udptcp_cksum((struct rte_ipv6_hdr *)
						  (f + sizeof(struct rte_ether_hdr)), th);
	else
		th->cksum = rte_ipv4_udptcp_cksum((struct rte_ipv4_hdr *)
						  (f + sizeof(struct rte_ether_hdr)), th);
	harness_inject(h, f, hdrs + sizeof(*th) + olen + len);
	c->seq += (uint32_t)len + !!(flags & (RTE_TCP_SYN_FLAG | RTE_TCP_FIN_FLAG));
	b->pending++;
}

/* pkt_parse_tcp() for an IPv6 frame: what bench_collect reads. */
static bool
bench_parse6(struct rte_mbuf *m, struct pkt_tcp_seen *s)
{
	const struct rte_ether_hdr *eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	const struct rte_ipv6_hdr *ip = (const struct rte_ipv6_hdr *)(eh + 1);
	const struct rte_tcp_hdr *th = (const struct rte_tcp_hdr *)(ip + 1);
	const uint8_t *o = (const uint8_t *)(th + 1);
	uint32_t hlen, l4;

	if (eh->ether_type != RTE_BE16(RTE_ETHER_TYPE_IPV6) ||
	    ip->proto != IPPROTO_TCP)
		return false;
	memset(s, 0, sizeof(*s));
	l4 = rte_be_to_cpu_16(ip->payload_len);
	hlen = (uint32_t)(th->data_off >> 4) * 4;
	s->sport = rte_be_to_cpu_16(th->src_port);
	s->dport = rte_be_to_cpu_16(th->dst_port);
	s->seq = rte_be_to_cpu_32(th->sent_seq);
	s->ack = rte_be_to_cpu_32(th->recv_ack);
	s->flags = th->tcp_flags;
	s->len = l4 - hlen;
	for (uint32_t i = 0; i + 20 < hlen;) {
		if (o[i] == 0)
			break;
		if (o[i] == 1) {
			i++;
			continue;
		}
		if (o[i] == 8) {
			uint32_t v;

			memcpy(&v, o + i + 2, 4);
			s->ts = true;
			s->tsval = rte_be_to_cpu_32(v);
		}
		i += o[i + 1];
	}
	return true;
}

/* Read what the stack sent; advance each connection's ack and TSecr; the
 * mbufs go back for the next poll's TX completion. Connections are
 * conns[0..n) with consecutive source ports. Returns response bytes seen. */
static size_t
bench_collect(struct bench_lc *b, struct bench_conn *conns, int n, int *fins)
{
	struct harness *h = b->h;
	struct rte_mbuf *m[64];
	unsigned int k;
	size_t bytes = 0;

	while ((k = harness_collect(h, m, 64)) > 0) {
		for (unsigned int i = 0; i < k; i++) {
			struct pkt_tcp_seen s;
			struct bench_conn *c;
			uint32_t j, end;

			if (!(bench_v6 ? bench_parse6(m[i], &s) :
					 pkt_parse_tcp(m[i], &s)))
				continue;
			bytes += s.len;
			b->segs_seen++;
			b->segs_ts += s.ts;
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
bench_handshake(struct bench_lc *b, struct bench_conn *c)
{
	bench_send(b, c, RTE_TCP_SYN_FLAG, NULL, 0);
	bench_poll(b);
	bench_collect(b, c, 1, NULL);
	bench_send(b, c, RTE_TCP_ACK_FLAG, NULL, 0);
	bench_poll(b);
}

static uint32_t
bench_user_next(struct bench_users *u)
{
	uint64_t k = u->k++, r;

	if (u->base + u->n_new == 0 ||
	    (k + 1) * u->per_mille / 1000 > k * u->per_mille / 1000)
		return u->base + u->lane + u->stride * (uint32_t)u->n_new++;
	u->rng ^= u->rng << 13;
	u->rng ^= u->rng >> 7;
	u->rng ^= u->rng << 17;
	u->n_known++;
	r = u->rng % (u->base + u->n_new);
	return r < u->base ? (uint32_t)r :
			     u->base + u->lane + u->stride * (uint32_t)(r - u->base);
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
	u->base = n;
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
	/* Several lcores share the harness's 256 MB of EAL memory: a smaller
	 * connection table each (32 connections use a bucket each either
	 * way, so a request costs the same). */
	if (bench_nlc > 1)
		cfg->tcp_max_conns = 8192;
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

/* Start measuring: zero the counts, callgrind's included (it zeroes the
 * calling thread's), once every lcore has warmed up. */
static void
bench_measure_start(struct bench_lc *b)
{
	if (bench_nlc > 1)
		pthread_barrier_wait(&bench_barrier);
	b->cycles = 0;
	b->polls = 0;
	CALLGRIND_ZERO_STATS;
	if (bench_nlc > 1)
		pthread_barrier_wait(&bench_barrier);
}

/* A whole connection per request: SYN .. request .. FINs; n measured
 * after warm. Returns the requests sent. */
static unsigned long
bench_run_conn(struct bench_lc *b, unsigned long n, unsigned long warm)
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

		if (i == warm)
			bench_measure_start(b);
		bench_handshake(b, &c);
		bench_send(b, &c, RTE_TCP_ACK_FLAG | RTE_TCP_PSH_FLAG, req,
			   sizeof(req) - 1);
		bench_poll(b);
		b->resp_bytes += bench_collect(b, &c, 1, &fins);
		bench_send(b, &c, RTE_TCP_ACK_FLAG | RTE_TCP_FIN_FLAG, NULL, 0);
		bench_poll(b);
		bench_collect(b, &c, 1, NULL);
		/* TIME_WAIT is the server's (active close): let it expire so
		 * ports can be reused; the expiry is measured, it is the
		 * server's work. */
		if ((i & 1023) == 1023) {
			harness_advance(NULL, (uint64_t)b->h->cfg.tcp_timewait_ms * 1000 + 1000);
			bench_poll(b);
			bench_collect(b, &c, 1, NULL);
		}
	}
	return total;
}

/*
 * Keep-alive: b->nconns connections, a burst of up to BENCH_BURST requests
 * per poll, one on each of the next connections in turn (32 connections:
 * one request on each per poll, as a busy queue delivers them; 10,000:
 * each connection's state is cold when its turn comes). b->n measured
 * after b->warm (main makes it at least one request per connection).
 * Without b->use_users every request is user i % 75000. Sets b->sent (the
 * requests sent) and b->n (the requests measured).
 */
static void
bench_run_keepalive(struct bench_lc *b)
{
	int nconns = b->nconns, burst = nconns < BENCH_BURST ? nconns : BENCH_BURST;
	struct bench_conn *conns = b->conns;
	unsigned long start = 0, i;
	bool measuring = false;
	int next = 0;
	char req[512];

	for (int j = 0; j < nconns; j++) {
		conns[j] = (struct bench_conn){
			.sport = (uint16_t)(BENCH_SPORT0 + j),
			.seq = 100000u * (uint32_t)(j + 1),
			.ts_off = (uint32_t)j * 2654435761u,
		};
		bench_handshake(b, &conns[j]);
		bench_collect(b, conns, nconns, NULL);
	}
	for (i = 0; !measuring || i - start < b->n;) {
		if (!measuring && i >= b->warm) {
			bench_measure_start(b);
			measuring = true;
			start = i;
		}
		for (int k = 0; k < burst; k++, i++) {
			struct bench_conn *c = &conns[next];
			uint32_t user = b->use_users ? bench_user_next(&b->users) :
						       (uint32_t)(i % BENCH_USERS);
			int len = bench_request(req, sizeof(req), b->scenario, i, user);

			bench_send(b, c, RTE_TCP_ACK_FLAG | RTE_TCP_PSH_FLAG,
				   req, (size_t)len);
			next = next + 1 == nconns ? 0 : next + 1;
		}
		bench_poll(b);
		b->resp_bytes += bench_collect(b, conns, nconns, NULL);
	}
	b->n = i - start;
	b->sent = i;
}

/* One lcore's thread: its own DPDK lcore id (mempool caches), its run. */
static void *
bench_thread(void *arg)
{
	struct bench_lc *b = arg;

	if (rte_thread_register() < 0) {
		fprintf(stderr, "stack_cost: rte_thread_register failed\n");
		b->rc = -1;
		/* Still meet the others at the barriers, or they wait. */
	}
	bench_run_keepalive(b);
	return NULL;
}

static void
bench_usage(void)
{
	fprintf(stderr, "usage: stack_cost [-s event|mrc|mrc6|c10k|mc|mcnew|stats|users|health|conn] "
		"[-n REQUESTS] [-c CONNS] [-w WARMUP] [-t US_PER_SEGMENT] [-m MBUFS] [-l LCORES] [-o]\n"
		"  event  keep-alive POST /event, user i %% 75000 (32 conns)\n"
		"  mrc    keep-alive POST /event, the 1MRC user mix (32 conns)\n"
		"  mrc6   the same over IPv6\n"
		"  c10k   keep-alive POST /event, the 1MRC user mix, 10,000 conns\n"
		"  mc     as mrc on each of -l lcores (default 2), a ring port each, one store\n"
		"  mcnew  as mc, every request a new user on every lcore\n"
		"  conn   a connection per POST /event, SYN..FIN\n"
		"  -n     requests measured (per lcore with -l)\n"
		"  -o     checksum offload modelled (the port offers RX/TX IPv4/TCP)\n");
}

/* Lcore idx serves the routes on BENCH_PORT, writing to the store. */
static int
bench_lcore_serve(struct harness *h, unsigned int idx)
{
	h->ctx->idx = idx;
	if (http_lcore_init(h->ctx, &bench_router) < 0 ||
	    tcp_listen(h->ctx, BENCH_PORT, &http_tcp_ops) < 0 ||
	    mrc_store_lcore_online(bench_store, idx) < 0)
		return -1;
	h->ctx->hooks.poll_end = bench_poll_end;
	return 0;
}

int
main(int argc, char **argv)
{
	const char *scenario = "event";
	unsigned long n = 100000, warm = 1000, sent = 0, nreq = 0;
	int nconns = -1, opt;
	struct mrc_store_params mp = { .max_users = 1 << 20 };
	struct harness_opts ho = { .tweak = bench_tweak, .pmd = true };
	static struct bench_lc lcs[BENCH_MAX_LCORES];
	struct bench_users users = { .rng = 0x9e3779b97f4a7c15ull, .stride = 1,
				     .per_mille = BENCH_NEW_PER_MILLE };
	uint64_t cycles = 0, polls = 0, segs = 0, segs_ts = 0, n_new = 0, n_known = 0;
	uint64_t x2xx = 0, x4xx = 0, x5xx = 0, nombuf = 0;
	size_t resp_bytes = 0;
	uint32_t prefill = 0;
	bool per_conn, mix, multi, mbufs_set = false;
	unsigned int nlc = 2;

	while ((opt = getopt(argc, argv, "s:n:c:w:t:m:l:o")) != -1) {
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
		case 'l': nlc = (unsigned int)strtoul(optarg, NULL, 10); break;
		case 'o': ho.cksum_offload = true; break;
		default:
			bench_usage();
			return 2;
		}
	}
	per_conn = strcmp(scenario, "conn") == 0;
	multi = strcmp(scenario, "mc") == 0 || strcmp(scenario, "mcnew") == 0;
	bench_v6 = strcmp(scenario, "mrc6") == 0;
	mix = strcmp(scenario, "mrc") == 0 || strcmp(scenario, "c10k") == 0 ||
	      strcmp(scenario, "mc") == 0 || bench_v6;
	bench_nlc = multi ? nlc : 1;
	if (nconns < 0)
		nconns = strcmp(scenario, "c10k") == 0 ? 10000 : 32;
	/* 10,000 connections each hold an unacknowledged response until their
	 * next request: veth.json's 16383 mbufs leave the send queues ~7,000
	 * (core/mem.c), so this one gets baremetal.json's per-queue pool. */
	if (strcmp(scenario, "c10k") == 0 && !mbufs_set)
		bench_mbufs = 32767;
	/* Several ports in the harness's 256 MB of EAL memory: 32
	 * connections hold a few hundred mbufs; the pool's size does not
	 * change what a get or put costs (cache 256 either way). */
	if (multi && !mbufs_set)
		bench_mbufs = 2047;
	if (nconns < 1 || nconns > BENCH_MAX_CONNS || bench_nlc < 1 ||
	    bench_nlc > BENCH_MAX_LCORES) {
		bench_usage();
		return 2;
	}
	/* Every keep-alive connection serves a request before measuring. */
	if (!per_conn && warm < (unsigned long)nconns)
		warm = (unsigned long)nconns;
	harness_eal_init();
	bench_store = mrc_store_create(&mp);
	http_router_init(&bench_router);
	if (!bench_store || api_state_init(&bench_api) < 0) {
		fprintf(stderr, "stack_cost: setup failed\n");
		return 1;
	}
	for (unsigned int l = 0; l < bench_nlc; l++) {
		struct bench_lc *b = &lcs[l];

		b->idx = l;
		b->moves_clock = l == 0;
		b->h = harness_create_opts(&ho);
		b->conns = calloc((size_t)nconns, sizeof(*b->conns));
		b->nconns = nconns;
		b->n = n;
		b->warm = warm;
		b->scenario = scenario;
		if (!b->conns) {
			fprintf(stderr, "stack_cost: setup failed\n");
			return 1;
		}
	}
	bench_mrc_api = (struct mrc_api){ .store = bench_store, .cfg = &lcs[0].h->cfg };
	if (mrc_api_register(&bench_router, &bench_mrc_api) < 0 ||
	    api_register_all(&bench_router, &lcs[0].h->cfg, &bench_api) < 0) {
		fprintf(stderr, "stack_cost: setup failed\n");
		return 1;
	}
	for (unsigned int l = 0; l < bench_nlc; l++)
		if (bench_lcore_serve(lcs[l].h, l) < 0) {
			fprintf(stderr, "stack_cost: setup failed\n");
			return 1;
		}
	if (mix) {
		/* The table as a 1M-event run has it: 75,000 users in the end,
		 * 7.5% of this run's requests among their first events. */
		uint64_t fresh = (uint64_t)(n + warm + BENCH_BURST) * bench_nlc *
				 BENCH_NEW_PER_MILLE / 1000;

		prefill = fresh < BENCH_USERS ? BENCH_USERS - (uint32_t)fresh : 0;
		if (bench_prefill(&users, prefill) < 0) {
			fprintf(stderr, "stack_cost: prefill failed\n");
			return 1;
		}
	}
	for (unsigned int l = 0; l < bench_nlc; l++) {
		lcs[l].users = users;
		lcs[l].users.lane = l;
		lcs[l].users.stride = bench_nlc;
		lcs[l].users.rng += l * 0x2545f4914f6cdd1dull;
		lcs[l].users.per_mille = mix ? BENCH_NEW_PER_MILLE : 1000;
		lcs[l].use_users = mix || multi;
	}

	if (per_conn) {
		sent = bench_run_conn(&lcs[0], n, warm);
	} else if (!multi) {
		bench_run_keepalive(&lcs[0]);
	} else {
		pthread_barrier_init(&bench_barrier, NULL, bench_nlc);
		for (unsigned int l = 0; l < bench_nlc; l++)
			if (pthread_create(&lcs[l].tid, NULL, bench_thread, &lcs[l])) {
				fprintf(stderr, "stack_cost: pthread_create failed\n");
				return 1;
			}
		for (unsigned int l = 0; l < bench_nlc; l++)
			pthread_join(lcs[l].tid, NULL);
	}
	for (unsigned int l = 0; l < bench_nlc; l++) {
		struct bench_lc *b = &lcs[l];
		struct harness *h = b->h;

		if (!per_conn) {
			sent += b->sent;
			n_new += b->users.n_new;
			n_known += b->users.n_known;
		}
		nreq += per_conn ? n : b->n;
		cycles += b->cycles;
		polls += b->polls;
		resp_bytes += b->resp_bytes;
		segs += b->segs_seen;
		segs_ts += b->segs_ts;
		x2xx += HSTAT(h, http_responses_2xx);
		x4xx += HSTAT(h, http_responses_4xx);
		x5xx += HSTAT(h, http_responses_5xx);
		nombuf += h->rx_nombuf;
		if (multi)
			printf("lcore %u requests %lu polls %lu tsc_cycles_per_request %.1f "
			       "new_users %lu known_users %lu http_2xx %lu\n",
			       l, b->n, (unsigned long)b->polls,
			       (double)b->cycles / (double)b->n,
			       (unsigned long)b->users.n_new,
			       (unsigned long)b->users.n_known,
			       (unsigned long)HSTAT(h, http_responses_2xx));
		if (b->rc)
			return 1;
	}
	printf("scenario %s requests %lu conns %d polls %lu response_bytes %zu\n",
	       scenario, nreq, per_conn ? 1 : nconns * (int)bench_nlc,
	       (unsigned long)polls, resp_bytes);
	printf("tsc_cycles_per_request %.1f tsc_hz %lu\n",
	       (double)cycles / (double)nreq, (unsigned long)rte_get_tsc_hz());
	printf("http_2xx %lu http_4xx %lu http_5xx %lu\n", (unsigned long)x2xx,
	       (unsigned long)x4xx, (unsigned long)x5xx);
	printf("model pmd 1 mbufs %u mbuf_cache %u cksum_offload %d tcp_ts 1 us_per_segment %u "
	       "users_prefilled %u new_users %lu known_users %lu rx_nombuf %lu "
	       "segments_out %lu with_ts %lu lcores %u\n",
	       lcs[0].h->cfg.mbufs, lcs[0].h->pool->cache_size, ho.cksum_offload ? 1 : 0,
	       bench_us_per_seg, prefill, (unsigned long)n_new, (unsigned long)n_known,
	       (unsigned long)nombuf, (unsigned long)segs, (unsigned long)segs_ts,
	       bench_nlc);
	if (getenv("LR_BENCH_STATS"))
		for (int id = 0; id < ST__COUNT; id++)
			if (lcs[0].h->ctx->stats.v[id])
				printf("stat %s %lu\n", stats_name((enum stats_id)id),
				       (unsigned long)lcs[0].h->ctx->stats.v[id]);
	/* Every request sent, warm-up included, must have been answered 2xx. */
	return x2xx >= sent && nombuf == 0 ? 0 : 1;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/* fuzz_frames.c: libFuzzer target: frames in, frames out through Ethernet/IPv4/TCP/HTTP. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

/*
 * The unit harness (in-process ring port, fake clock) compiled into this
 * target, with cmocka's assertions turned into aborts: the fuzz rule
 * links neither cmocka nor the unit helpers.
 */
#undef assert_true
#undef assert_non_null
#undef assert_int_equal
#undef fail_msg
#define FUZZ_CHECK(c) do { if (!(c)) { \
	fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #c); abort(); } \
	} while (0)
#define assert_true(c) FUZZ_CHECK(c)
#define assert_non_null(p) FUZZ_CHECK((p) != NULL)
#define assert_int_equal(a, b) FUZZ_CHECK((a) == (b))
#define fail_msg(...) do { fprintf(stderr, __VA_ARGS__); abort(); } while (0)

#include "../unit/harness.c"
#include "../unit/pkt.c"

#include "api/mrc.h"
#include "api/mrc_store.h"
#include "http/http.h"
#include "net/arp.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Input: records, each [op][len lo][len hi][len bytes]. op & 3:
 *   0  the bytes are a whole Ethernet frame, injected as they are;
 *   1  a TCP segment from peer connection (op >> 2) & 3 to port 8080:
 *      byte 0 flags, byte 1 mode, then the payload; sequence and ack
 *      numbers follow the conversation (learnt from what the stack sent)
 *      unless mode says otherwise, so the fuzzer reaches HTTP quickly;
 *   2  advance the fake clock by (first two bytes) ms, then poll;
 *   3  poll only.
 * After each record the stack is polled and its output checked and
 * learnt from. At the end every connection is aborted and the pool must
 * be back where it was, less what ARP holds for unresolved next hops.
 */
#define FUZZ_PORT 8080
#define FUZZ_CONNS 4
#define FUZZ_ISN 1000000u

struct fuzz_peer {
	uint32_t snd_nxt; /* our next sequence number */
	uint32_t rcv_nxt; /* what we acknowledge */
};

static struct harness *fz;
static struct mrc_store *fz_store;
static struct http_router fz_router;
static struct mrc_api fz_api;
static struct fuzz_peer fz_peer[FUZZ_CONNS];

static void
fuzz_tweak(struct config *cfg)
{
	cfg->tcp_max_conns = 32;
	cfg->tcp_max_halfopen = 8;
	cfg->tcp_max_timewait = 8;
	cfg->tcp_ooo_segs = 8;
	cfg->http_max_body = 4096;
	cfg->http_max_request_line = 512;
	cfg->http_max_header_bytes = 1024;
	cfg->mrc_max_users = 64;
}

static void
fuzz_poll_end(struct lcore_ctx *ctx, void *arg)
{
	tcp_flush(ctx);
	mrc_store_quiescent(fz_store, ctx->idx);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	harness_eal_init();
	fz = harness_create(fuzz_tweak);
	fz->ctx->hooks.poll_end = fuzz_poll_end;
	/* Each input starts from fresh TCP and HTTP state. */
	tcp_lcore_fini(fz->ctx);
	harness_drain(fz);
	timer_wheel_init(&fz->ctx->wheel, harness_now());
	return 0;
}

/* Check each transmitted frame and learn the peers' next ack numbers. */
static void
fuzz_collect(void)
{
	struct rte_mbuf *m[64];
	unsigned int n;

	while ((n = harness_collect(fz, m, 64)) > 0) {
		for (unsigned int i = 0; i < n; i++) {
			struct pkt_tcp_seen s;
			unsigned int c;

			if (!pkt_parse_tcp(m[i], &s))
				continue;
			FUZZ_CHECK(s.ip_cksum_ok && s.tcp_cksum_ok);
			FUZZ_CHECK(s.sport == FUZZ_PORT ||
				   !(s.flags & RTE_TCP_SYN_FLAG));
			c = s.dport - 40000;
			if (s.dst != HARNESS_PEER_IP || c >= FUZZ_CONNS)
				continue;
			if (s.flags & RTE_TCP_SYN_FLAG)
				fz_peer[c].rcv_nxt = s.seq + 1;
			else if (s.len || (s.flags & RTE_TCP_FIN_FLAG))
				fz_peer[c].rcv_nxt = s.seq + (uint32_t)s.len +
					!!(s.flags & RTE_TCP_FIN_FLAG);
		}
		rte_pktmbuf_free_bulk(m, n);
	}
}

static void
fuzz_segment(unsigned int c, const uint8_t *d, size_t len)
{
	static uint8_t f[PKT_MAX];
	struct fuzz_peer *p = &fz_peer[c];
	uint8_t flags = len > 0 ? d[0] : RTE_TCP_ACK_FLAG;
	uint8_t mode = len > 1 ? d[1] : 0;
	size_t plen = len > 2 ? len - 2 : 0;
	struct pkt_tcp t = {
		.sport = (uint16_t)(40000 + c),
		.dport = FUZZ_PORT,
		.seq = p->snd_nxt,
		.ack = p->rcv_nxt,
		.flags = flags,
		.win = mode & 0x80 ? 0 : 65535,
		.wscale = -1,
		.data = len > 2 ? d + 2 : (const uint8_t *)"",
	};

	if (plen > 1400)
		plen = 1400;
	t.len = plen;
	if (flags & RTE_TCP_SYN_FLAG) {
		t.mss = mode & 1 ? 536 : 1460;
		t.wscale = mode & 2 ? 7 : -1;
		t.sack_perm = mode & 4;
		t.ts = mode & 8;
		t.tsval = 1;
	}
	if (mode & 0x10)	/* stale: behind what we sent */
		t.seq -= 1 + (mode & 0x0f) * 100u;
	if (mode & 0x20)	/* ahead: out of order */
		t.seq += 1 + (mode & 0x0f) * 100u;
	if (mode & 0x40)	/* acknowledge too much */
		t.ack += 1 + (mode & 0x0f) * 1000u;
	harness_inject(fz, f, pkt_tcp(f, &fz->ifc.mac, &t));
	if (!(mode & 0x30))
		p->snd_nxt += (uint32_t)plen + !!(flags & RTE_TCP_SYN_FLAG) +
			      !!(flags & RTE_TCP_FIN_FLAG);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mrc_store_params mp = { .max_users = 64 };
	size_t pos = 0;

	fz_store = mrc_store_create(&mp);
	FUZZ_CHECK(fz_store != NULL);
	http_router_init(&fz_router);
	fz_api = (struct mrc_api){ .store = fz_store, .cfg = &fz->cfg };
	FUZZ_CHECK(mrc_api_register(&fz_router, &fz_api) == 0);
	FUZZ_CHECK(mrc_store_lcore_online(fz_store, 0) == 0);
	FUZZ_CHECK(tcp_lcore_init(fz->ctx) == 0);
	FUZZ_CHECK(http_lcore_init(fz->ctx, &fz_router) == 0);
	FUZZ_CHECK(tcp_listen(fz->ctx, FUZZ_PORT, &http_tcp_ops) == 0);
	tcp_test_set_isn(FUZZ_ISN);
	for (unsigned int c = 0; c < FUZZ_CONNS; c++) {
		fz_peer[c].snd_nxt = 5000u + c * 100000u;
		fz_peer[c].rcv_nxt = 0;
	}

	while (pos + 3 <= size) {
		uint8_t op = data[pos];
		size_t len = data[pos + 1] | (size_t)data[pos + 2] << 8;
		const uint8_t *d = data + pos + 3;

		pos += 3;
		if (len > size - pos)
			len = size - pos;
		pos += len;
		switch (op & 3) {
		case 0:
			if (len > 0 && len <= PKT_MAX)
				harness_inject(fz, d, len);
			break;
		case 1:
			fuzz_segment((op >> 2) & 3, d, len);
			break;
		case 2:
			harness_clock_us +=
				1000ull * (len >= 2 ? (d[0] | d[1] << 8) : 1);
			break;
		default:
			break;
		}
		harness_poll(fz);
		fuzz_collect();
	}
	/* Let delayed ACKs and retransmissions run once. */
	harness_advance(fz, 300000);
	fuzz_collect();

	tcp_lcore_fini(fz->ctx);
	http_lcore_fini(fz->ctx);
	lcore_tx_flush(fz->ctx);
	harness_drain(fz);
	/* fini is meant for exit: timers it leaves armed (TIME-WAIT...)
	 * would fire into the next input's fresh state. Start clean. */
	timer_wheel_init(&fz->ctx->wheel, harness_now());
	mrc_store_lcore_offline(fz_store, 0);
	mrc_store_free(fz_store);
	tcp_test_set_isn(0);
	/* Every mbuf is back, but what ARP holds for unresolved hops. */
	if (harness_mbufs_leaked(fz) != (int)arp_pending_count(fz->ctx->arp)) {
		fprintf(stderr, "mbuf leak: %d out, %u pending in ARP\n",
			harness_mbufs_leaked(fz),
			arp_pending_count(fz->ctx->arp));
		abort();
	}
	return 0;
}

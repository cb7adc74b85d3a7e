/* SPDX-License-Identifier: BSD-3-Clause */
/* harness.c: an in-process port (DPDK ring PMD) and fake clock for tests. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_malloc.h>

#include <valgrind/callgrind.h>

#include "core/clock.h"
#include "core/port.h"
#include "harness.h"
#include "net/arp.h"
#include "net/eth.h"
#include "net/nd.h"
#include "net/tcp.h"

const struct rte_ether_addr harness_peer_mac = {
	.addr_bytes = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 }
};

static uint64_t harness_clock_us = 1000000;
static unsigned int harness_seq;

uint64_t
harness_now(void)
{
	return harness_clock_us;
}

void
harness_eal_init(void)
{
	static bool done;
	char prefix[64];
	char *argv[] = { "unit", "--no-huge", "--no-pci", "-m", "256", "-l", "0",
			 prefix, "--no-shconf", "--no-telemetry",
			 "--log-level=*:warning", NULL };

	if (done)
		return;
	snprintf(prefix, sizeof(prefix), "--file-prefix=unit-%d", (int)getpid());
	if (rte_eal_init((int)(sizeof(argv) / sizeof(argv[0])) - 1, argv) < 0) {
		fprintf(stderr, "harness: EAL init failed: %s\n",
			rte_strerror(rte_errno));
		exit(1);
	}
	clock_set_source(harness_now);
	done = true;
}

static void
harness_poll_end(struct lcore_ctx *ctx, void *arg)
{
	tcp_flush(ctx);
}

/* Room for what one poll takes in or sends (the RX ring, the TX ring). */
#define HARNESS_RX_DONE 1024
#define HARNESS_TX_DONE 4096

/* A NIC's verdict on a received frame: RX checksum flags. */
static uint64_t
harness_nic_rx_flags(const uint8_t *f, size_t len)
{
	const struct rte_ether_hdr *eh = (const void *)f;
	const struct rte_ipv4_hdr *ip = (const void *)(eh + 1);
	size_t hlen, tlen;
	uint64_t fl;

	if (len >= sizeof(*eh) + sizeof(struct rte_ipv6_hdr) &&
	    eh->ether_type == RTE_BE16(RTE_ETHER_TYPE_IPV6)) {
		/* IPv6: no header sum; the TCP/UDP verdict for a segment
		 * right behind the header (RX_OFFLOAD_TCP_CKSUM is for both
		 * families). */
		const struct rte_ipv6_hdr *ip6 = (const void *)(eh + 1);

		if ((ip6->proto != IPPROTO_TCP && ip6->proto != IPPROTO_UDP) ||
		    sizeof(*eh) + sizeof(*ip6) +
		    rte_be_to_cpu_16(ip6->payload_len) > len)
			return 0;
		return rte_ipv6_udptcp_cksum_verify(ip6, ip6 + 1) == 0 ?
		       RTE_MBUF_F_RX_L4_CKSUM_GOOD : RTE_MBUF_F_RX_L4_CKSUM_BAD;
	}
	if (len < sizeof(*eh) + sizeof(*ip) ||
	    eh->ether_type != RTE_BE16(RTE_ETHER_TYPE_IPV4))
		return 0;
	hlen = (ip->version_ihl & 0xf) * 4u;
	tlen = rte_be_to_cpu_16(ip->total_length);
	if (hlen < sizeof(*ip) || tlen < hlen || sizeof(*eh) + tlen > len)
		return 0;
	fl = rte_raw_cksum(ip, hlen) == 0xffff ? RTE_MBUF_F_RX_IP_CKSUM_GOOD :
						  RTE_MBUF_F_RX_IP_CKSUM_BAD;
	if ((ip->next_proto_id == IPPROTO_TCP ||
	     ip->next_proto_id == IPPROTO_UDP) && !(ip->fragment_offset &
	    RTE_BE16(RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK)))
		fl |= rte_ipv4_udptcp_cksum_verify(ip, (const uint8_t *)ip + hlen) == 0 ?
			RTE_MBUF_F_RX_L4_CKSUM_GOOD : RTE_MBUF_F_RX_L4_CKSUM_BAD;
	return fl;
}

void
harness_nic_tx(struct rte_mbuf *m)
{
	struct rte_ipv4_hdr *ip;
	struct rte_tcp_hdr *th;
	uint16_t sum;

	if (!(m->ol_flags & (RTE_MBUF_F_TX_IP_CKSUM | RTE_MBUF_F_TX_L4_MASK)))
		return;
	ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, m->l2_len);
	if (m->ol_flags & RTE_MBUF_F_TX_IP_CKSUM) {
		ip->hdr_checksum = 0;
		ip->hdr_checksum = rte_ipv4_cksum(ip);
	}
	if ((m->ol_flags & RTE_MBUF_F_TX_L4_MASK) == RTE_MBUF_F_TX_TCP_CKSUM) {
		/* The stack left the pseudo-header sum in the field: sum the
		 * segment over it, as the NIC does. */
		/* IPv6: the payload length is the segment's. */
		uint32_t l4 = (m->ol_flags & RTE_MBUF_F_TX_IPV6) ?
			rte_be_to_cpu_16(((struct rte_ipv6_hdr *)ip)->payload_len) :
			(uint32_t)rte_be_to_cpu_16(ip->total_length) - m->l3_len;

		th = (struct rte_tcp_hdr *)((uint8_t *)ip + m->l3_len);
		if (rte_raw_cksum_mbuf(m, m->l2_len + m->l3_len, l4, &sum) == 0)
			th->cksum = (uint16_t)~sum;
	}
}

/*
 * opts.pmd: what a PMD's RX does on the server core, called inside
 * rte_eth_rx_burst(): one mbuf from the server's pool per frame (a bulk
 * get, as a descriptor refill), length and offload flags set. The bytes
 * are copied in too, standing in for the NIC's DMA: that copy is not the
 * core's work, so it is left out of callgrind's count (collection paused)
 * and its TSC cycles are added to h->dma_cycles for the caller to take
 * off. The client's mbufs are set aside, freed outside the poll
 * (harness_inject).
 */
static uint16_t
harness_pmd_rx(uint16_t port, uint16_t queue, struct rte_mbuf **pkts,
	       uint16_t n, uint16_t max, void *arg)
{
	struct harness *h = arg;
	struct rte_mbuf *m[LCORE_RX_BURST * 2];
	uint64_t t0;

	if (n == 0)
		return 0;
	if (n > RTE_DIM(m) || h->n_rx_done + n > HARNESS_RX_DONE ||
	    rte_pktmbuf_alloc_bulk(h->pool, m, n) != 0) {
		h->rx_nombuf += n;
		rte_pktmbuf_free_bulk(pkts, n);
		return 0;
	}
	CALLGRIND_TOGGLE_COLLECT;
	t0 = rte_rdtsc();
	for (uint16_t i = 0; i < n; i++)
		rte_memcpy(rte_pktmbuf_mtod(m[i], void *),
			   rte_pktmbuf_mtod(pkts[i], const void *),
			   pkts[i]->data_len);
	h->dma_cycles += rte_rdtsc() - t0;
	CALLGRIND_TOGGLE_COLLECT;
	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *c = pkts[i];

		m[i]->data_len = c->data_len;
		m[i]->pkt_len = c->data_len;
		m[i]->ol_flags = c->ol_flags;
		h->rx_done[h->n_rx_done++] = c;
		pkts[i] = m[i];
	}
	return n;
}

/* opts.pmd: TX completion, at the start of a poll. */
static void __rte_noinline
harness_tx_complete(struct harness *h)
{
	if (h->n_tx_done) {
		rte_pktmbuf_free_bulk(h->tx_done, h->n_tx_done);
		h->n_tx_done = 0;
	}
}

struct harness *
harness_create(void (*tweak)(struct config *cfg))
{
	struct harness_opts o = { .tweak = tweak };

	return harness_create_opts(&o);
}

struct harness *
harness_create_opts(const struct harness_opts *o)
{
	struct harness *h = calloc(1, sizeof(*h));
	char name[32], err[PORT_ERR_LEN];
	struct lcore_params p;

	harness_eal_init();
	assert_non_null(h);
	config_defaults(&h->cfg);
	h->cfg.driver = CONFIG_DRIVER_RING;
	h->cfg.mbufs = 4095;
	h->cfg.mbuf_cache = 0; /* exact in-use counts for leak checks */
	h->cfg.idle_enabled = false;
	if (o && o->tweak)
		o->tweak(&h->cfg);
	h->pmd = o && o->pmd;
	h->cksum_offload = o && o->cksum_offload;
	harness_seq++;
	snprintf(name, sizeof(name), "h%u_rx", harness_seq);
	h->rx = rte_ring_create(name, 1024, SOCKET_ID_ANY,
				RING_F_SP_ENQ | RING_F_SC_DEQ);
	snprintf(name, sizeof(name), "h%u_tx", harness_seq);
	h->tx = rte_ring_create(name, 4096, SOCKET_ID_ANY,
				RING_F_SP_ENQ | RING_F_SC_DEQ);
	assert_non_null(h->rx);
	assert_non_null(h->tx);
	snprintf(name, sizeof(name), "h%u_port", harness_seq);
	int port = rte_eth_from_rings(name, &h->rx, 1, &h->tx, 1, SOCKET_ID_ANY);
	assert_true(port >= 0);
	h->port_id = (uint16_t)port;
	snprintf(name, sizeof(name), "h%u_pool", harness_seq);
	h->pool = port_pool_create(name, h->cfg.mbufs, h->cfg.mbuf_cache, 0);
	assert_non_null(h->pool);
	if (port_start(h->port_id, &h->cfg, 1, &h->pool, &h->ifc, err) < 0)
		fail_msg("port_start: %s", err);
	if (h->cksum_offload) {
		/* What port_start() keeps of a port that offers them (the ring
		 * PMD offers none, and ethdev refuses what a PMD lacks). */
		h->ifc.tx_offloads |= RTE_ETH_TX_OFFLOAD_IPV4_CKSUM |
				      RTE_ETH_TX_OFFLOAD_TCP_CKSUM;
		h->ifc.rx_offloads |= RTE_ETH_RX_OFFLOAD_IPV4_CKSUM |
				      RTE_ETH_RX_OFFLOAD_TCP_CKSUM;
	}
	if (h->pmd) {
		snprintf(name, sizeof(name), "h%u_client", harness_seq);
		h->client_pool = rte_pktmbuf_pool_create(name, 4095, 256, 0,
							 RTE_MBUF_DEFAULT_BUF_SIZE,
							 SOCKET_ID_ANY);
		h->rx_done = calloc(HARNESS_RX_DONE, sizeof(*h->rx_done));
		h->tx_done = calloc(HARNESS_TX_DONE, sizeof(*h->tx_done));
		assert_non_null(h->client_pool);
		assert_non_null(h->rx_done);
		assert_non_null(h->tx_done);
		h->rx_cb = rte_eth_add_rx_callback(h->port_id, 0, harness_pmd_rx, h);
		assert_non_null(h->rx_cb);
	}
	memset(&p, 0, sizeof(p));
	p.cfg = &h->cfg;
	p.ifc = &h->ifc;
	p.pool = h->pool;
	p.hooks.input = eth_input_burst;
	p.hooks.poll_end = harness_poll_end;
	p.port_id = h->port_id;
	p.lcore_id = rte_lcore_id();
	p.socket_id = 0;
	h->ctx = lcore_ctx_create(&p);
	assert_non_null(h->ctx);
	h->ctx->arp = arp_table_create(h->cfg.arp_entries, h->cfg.arp_timeout_s,
				       h->cfg.arp_pending, 0);
	assert_non_null(h->ctx->arp);
	h->ctx->nd = nd_table_create(h->cfg.arp_entries, h->cfg.arp_pending, 0);
	assert_non_null(h->ctx->nd);
	assert_int_equal(tcp_lcore_init(h->ctx), 0);
	h->baseline_in_use = rte_mempool_in_use_count(h->pool);
	return h;
}

void
harness_destroy(struct harness *h)
{
	if (!h)
		return;
	harness_drain(h);
	tcp_lcore_fini(h->ctx);
	lcore_tx_flush(h->ctx);
	harness_drain(h);
	arp_table_free(h->ctx->arp);
	nd_table_free(h->ctx->nd);
	lcore_ctx_free(h->ctx);
	if (h->pmd) {
		harness_tx_complete(h);
		rte_pktmbuf_free_bulk(h->rx_done, h->n_rx_done);
		rte_eth_remove_rx_callback(h->port_id, 0, h->rx_cb);
	}
	rte_eth_dev_stop(h->port_id);
	rte_eth_dev_close(h->port_id);
	rte_mempool_free(h->pool);
	rte_mempool_free(h->client_pool);
	free(h->rx_done);
	free(h->tx_done);
	rte_ring_free(h->rx);
	rte_ring_free(h->tx);
	free(h);
}

void
harness_inject_ol(struct harness *h, const void *frame, size_t len,
		  uint64_t ol_flags)
{
	struct rte_mbuf *m;
	char *d;

	if (h->pmd && h->n_rx_done) {
		rte_pktmbuf_free_bulk(h->rx_done, h->n_rx_done);
		h->n_rx_done = 0;
	}
	m = rte_pktmbuf_alloc(h->pmd ? h->client_pool : h->pool);
	assert_non_null(m);
	d = rte_pktmbuf_append(m, (uint16_t)len);
	assert_non_null(d);
	memcpy(d, frame, len);
	m->ol_flags |= ol_flags;
	assert_int_equal(rte_ring_enqueue(h->rx, m), 0);
}

void
harness_inject(struct harness *h, const void *frame, size_t len)
{
	harness_inject_ol(h, frame, len, h->cksum_offload ?
			  harness_nic_rx_flags(frame, len) : 0);
}

unsigned int
harness_poll(struct harness *h)
{
	if (h->pmd)
		harness_tx_complete(h);
	return lcore_poll_once(h->ctx);
}

void
harness_tx_done(struct harness *h, struct rte_mbuf **m, unsigned int n)
{
	if (!h->pmd || h->n_tx_done + n > HARNESS_TX_DONE) {
		rte_pktmbuf_free_bulk(m, n);
		return;
	}
	memcpy(h->tx_done + h->n_tx_done, m, n * sizeof(*m));
	h->n_tx_done += n;
}

void
harness_feed(struct harness *h, const void *frame, size_t len)
{
	harness_inject(h, frame, len);
	harness_poll(h);
}

unsigned int
harness_collect(struct harness *h, struct rte_mbuf **out, unsigned int max)
{
	unsigned int n = rte_ring_dequeue_burst(h->tx, (void **)out, max, NULL);

	if (h->cksum_offload)
		for (unsigned int i = 0; i < n; i++)
			harness_nic_tx(out[i]);
	return n;
}

unsigned int
harness_drain(struct harness *h)
{
	struct rte_mbuf *m[64];
	unsigned int n, total = 0;

	while ((n = harness_collect(h, m, 64)) > 0) {
		rte_pktmbuf_free_bulk(m, n);
		total += n;
	}
	return total;
}

struct rte_mbuf *
harness_one_frame(struct harness *h)
{
	struct rte_mbuf *m[4];

	assert_int_equal(harness_collect(h, m, 4), 1);
	return m[0];
}

void
harness_assert_nothing_sent(struct harness *h)
{
	assert_int_equal(harness_drain(h), 0);
}

int
harness_setup(void **state)
{
	*state = harness_create(NULL);
	return 0;
}

int
harness_teardown_nd(void **state)
{
	struct harness *h = *state;

	assert_int_equal(harness_mbufs_leaked(h),
			 (int)nd_pending_count(h->ctx->nd));
	harness_destroy(h);
	return 0;
}

void
harness_advance(struct harness *h, uint64_t us)
{
	harness_clock_us += us;
	if (h)
		harness_poll(h);
}

int
harness_mbufs_leaked(struct harness *h)
{
	return (int)rte_mempool_in_use_count(h->pool) -
	       (int)h->baseline_in_use;
}

uint64_t
harness_stat(struct harness *h, enum stats_id id)
{
	return h->ctx->stats.v[id];
}

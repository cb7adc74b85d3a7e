/* SPDX-License-Identifier: BSD-3-Clause */
/* port_memif.c: net_memif's bursts only while its link is up, and its unmap
 * waits for the bursts in progress (port_memif.h says why). */
#include <errno.h>
#include <inttypes.h>
#include <sched.h>
#include <stdbool.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_ethdev_core.h>
#include <rte_interrupts.h>
#include <rte_lcore.h>

#include "core/log.h"
#include "core/port_memif.h"

#define PORT_MEMIF_QMAX 16

struct port_memif_q {
	uint64_t done;	    /* rx bursts finished (written by the lcore) */
	unsigned int lcore; /* the lcore polling it */
	const struct rte_eth_rxtx_callback *cb;
} __rte_cache_aligned;

static struct {
	int on;
	uint16_t port_id, nq;
	struct port_memif_q q[PORT_MEMIF_QMAX];
	/* The gated port and the PMD's own burst functions. */
	uint16_t gate_port;
	eth_rx_burst_t rx;
	eth_tx_burst_t tx;
} port_memif;

/* The link as the PMD last set it: up once the peer's memory is mapped,
 * down before it is unmapped. */
static inline bool
port_memif_link_up(void)
{
	struct rte_eth_link link;

	return rte_eth_link_get_nowait(port_memif.gate_port, &link) == 0 &&
	       link.link_status == RTE_ETH_LINK_UP;
}

/* The PMD's rx burst, or nothing while the link is down. */
static uint16_t
port_memif_rx(void *rxq, struct rte_mbuf **pkts, uint16_t n)
{
	if (!port_memif_link_up())
		return 0;
	return port_memif.rx(rxq, pkts, n);
}

/* The PMD's tx burst, or nothing sent while the link is down. */
static uint16_t
port_memif_tx(void *txq, struct rte_mbuf **pkts, uint16_t n)
{
	if (!port_memif_link_up())
		return 0;
	return port_memif.tx(txq, pkts, n);
}

int
port_memif_gate(uint16_t port_id)
{
	struct rte_eth_fp_ops *fp;

	if (!rte_eth_dev_is_valid_port(port_id))
		return -ENODEV;
	fp = &rte_eth_fp_ops[port_id];
	/* Gated already (a second call after the same start). */
	if (fp->rx_pkt_burst == port_memif_rx && port_memif.gate_port == port_id)
		return 0;
	/* One port at a time: the wrappers know the port only from here. */
	if (port_memif.rx &&
	    rte_eth_fp_ops[port_memif.gate_port].rx_pkt_burst == port_memif_rx)
		return -EBUSY;
	port_memif.gate_port = port_id;
	port_memif.rx = fp->rx_pkt_burst;
	port_memif.tx = fp->tx_pkt_burst;
	__atomic_store_n(&fp->rx_pkt_burst, port_memif_rx, __ATOMIC_RELEASE);
	__atomic_store_n(&fp->tx_pkt_burst, port_memif_tx, __ATOMIC_RELEASE);
	return 0;
}

/* After the PMD's rx burst: its reads of the rings are done. */
static uint16_t
port_memif_rx_done(uint16_t port_id, uint16_t queue, struct rte_mbuf **pkts,
		   uint16_t nb, uint16_t max, void *arg)
{
	struct port_memif_q *q = arg;

	(void)port_id;
	(void)queue;
	(void)pkts;
	(void)max;
	q->lcore = rte_lcore_id();
	__atomic_store_n(&q->done, q->done + 1, __ATOMIC_RELEASE);
	return nb;
}

int
port_memif_guard(uint16_t port_id, uint16_t nb_queues)
{
	if (nb_queues > PORT_MEMIF_QMAX)
		return -EINVAL;
	port_memif_unguard();
	port_memif.port_id = port_id;
	port_memif.nq = nb_queues;
	for (uint16_t i = 0; i < nb_queues; i++) {
		struct port_memif_q *q = &port_memif.q[i];

		q->done = 0;
		q->lcore = LCORE_ID_ANY;
		q->cb = rte_eth_add_rx_callback(port_id, i, port_memif_rx_done,
						q);
		if (!q->cb)
			return -rte_errno;
	}
	__atomic_store_n(&port_memif.on, 1, __ATOMIC_RELEASE);
	return 0;
}

void
port_memif_unguard(void)
{
	if (!__atomic_exchange_n(&port_memif.on, 0, __ATOMIC_ACQ_REL))
		return;
	/* The callbacks stay (ethdev frees them with the port): removing
	 * one is only safe once no lcore can be inside it. */
	for (uint16_t i = 0; i < port_memif.nq; i++)
		if (port_memif.q[i].cb)
			rte_eth_remove_rx_callback(port_memif.port_id, i,
						   port_memif.q[i].cb);
}

/* Every queue past the burst it was in when we looked, or the time up. */
static void
port_memif_grace(void)
{
	uint64_t seen[PORT_MEMIF_QMAX];
	uint64_t t0 = rte_get_timer_cycles();
	uint64_t end = t0 + rte_get_timer_hz() / 1000 * PORT_MEMIF_GRACE_MS;
	bool stopped = false;

	for (uint16_t i = 0; i < port_memif.nq; i++)
		seen[i] = __atomic_load_n(&port_memif.q[i].done,
					  __ATOMIC_ACQUIRE);
	for (uint16_t i = 0; i < port_memif.nq; i++)
		while (__atomic_load_n(&port_memif.q[i].done,
				       __ATOMIC_ACQUIRE) == seen[i] &&
		       !(stopped = rte_get_timer_cycles() >= end))
			sched_yield();
	LOG(INFO, "memif: peer gone: unmapping after %s (%" PRIu64 " us)",
	    stopped ? "the grace time (lcores not polling)"
		    : "the bursts in progress",
	    (rte_get_timer_cycles() - t0) * 1000000 / rte_get_timer_hz());
}

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PORT_MEMIF_ASAN 1
#endif
#endif

#if !defined(__SANITIZE_ADDRESS__) && !defined(PORT_MEMIF_ASAN)
/* munmap(2), with the grace period first on the interrupt thread. */
int
munmap(void *addr, size_t len)
{
	if (__atomic_load_n(&port_memif.on, __ATOMIC_ACQUIRE) &&
	    rte_thread_is_intr())
		port_memif_grace();
	return (int)syscall(SYS_munmap, addr, len);
}
#endif

/* SPDX-License-Identifier: BSD-3-Clause */
/* port_memif.c: net_memif's unmap waits for the bursts in progress
 * (port_memif.h says why). */
#include <errno.h>
#include <inttypes.h>
#include <sched.h>
#include <stdbool.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
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
} port_memif;

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

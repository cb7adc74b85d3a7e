/* SPDX-License-Identifier: BSD-3-Clause */
/* port_memif.h: a grace period before net_memif unmaps rings that a data
 * lcore may still be reading (a peer gone while we poll). */
#ifndef LR_CORE_PORT_MEMIF_H
#define LR_CORE_PORT_MEMIF_H

#include <stdint.h>

/*
 * DPDK 22.11's memif_disconnect() runs on the EAL interrupt thread when the
 * peer goes (a clean exit or SIGKILL alike): it marks the port down and
 * munmap()s the peer's shared memory at once, while a data lcore may be
 * inside rte_eth_rx_burst/tx_burst on those rings (SIGSEGV). The PMD tests
 * "connected" at the start of each burst, so a burst that starts after the
 * mark never touches the rings: what is missing is a wait for the bursts
 * already running. Nothing in ethdev precedes the unmap (the link status
 * changes in the same function, no LSC event is raised first), so the wait
 * sits in munmap itself: linerate's munmap() (exported to the PMD, see the
 * Makefile), called on the interrupt thread while a memif port is guarded,
 * first waits until every queue of that port has finished the rx burst it
 * was in (an rx callback counts finished bursts; a tx burst in progress is
 * over by the next rx burst's end), at most PORT_MEMIF_GRACE_MS (lcores
 * stopped: no burst to wait for). Not built with AddressSanitizer, which
 * has a munmap of its own.
 */
#define PORT_MEMIF_GRACE_MS 100

/* Count finished rx bursts on each of port_id's nb_queues queues and guard
 * its unmaps. 0, or -errno from rte_eth_add_rx_callback (-ENOTSUP without
 * RTE_ETHDEV_RXTX_CALLBACKS; -EINVAL past 16 queues). */
int port_memif_guard(uint16_t port_id, uint16_t nb_queues);

/* Stop guarding (the lcores are stopped: port_close). */
void port_memif_unguard(void);

#endif

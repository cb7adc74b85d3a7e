/* SPDX-License-Identifier: BSD-3-Clause */
/* port_memif.h: net_memif's bursts kept off the peer's rings until they are
 * mapped, and a grace period before it unmaps rings that a data lcore may
 * still be reading (a peer gone while we poll). */
#ifndef LR_CORE_PORT_MEMIF_H
#define LR_CORE_PORT_MEMIF_H

#include <stdint.h>

/*
 * DPDK 22.11's memif_disconnect() runs on the EAL interrupt thread when the
 * peer goes (a clean exit or SIGKILL alike): it marks the port down and
 * munmap()s the peer's shared memory at once, while a data lcore may be
 * inside rte_eth_rx_burst/tx_burst on those rings (SIGSEGV). A burst that
 * starts after the mark never touches the rings (port_memif_gate below
 * keeps it out of the PMD altogether): what is missing is a wait for the
 * bursts already running. Nothing in ethdev precedes the unmap (the link status
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

/*
 * DPDK 22.11's eth_memif_rx() computes its ring pointer from the peer's
 * region (regions[i]->addr + offset) before it tests "connected", and
 * Debian's build loads the address before the flag. A peer connecting
 * while a data lcore polls: the interrupt thread maps the region and sets
 * "connected" between those two loads (on a 2-core host the interrupt
 * thread preempts the lcore sharing its CPU), and the burst goes on with
 * NULL + offset: SIGSEGV in the server right after its peer connected, for
 * every queue but the first (offset 0 reads as "no ring"). The PMD sets
 * the link up only after mapping the region and down before unmapping it,
 * so port_memif_gate() replaces the port's rx and tx burst functions (the
 * ethdev fast-path table, rte_eth_fp_ops) with ones that call the PMD's
 * only while the link is up: a burst that sees the link up reads the
 * region after its mapping. One rte_eth_link_get_nowait() per burst.
 * Until the port stops (ethdev then resets the table); one port at a time.
 * 0, -ENODEV (no such port) or -EBUSY (another port is gated).
 */
int port_memif_gate(uint16_t port_id);

/* Count finished rx bursts on each of port_id's nb_queues queues and guard
 * its unmaps. 0, or -errno from rte_eth_add_rx_callback (-ENOTSUP without
 * RTE_ETHDEV_RXTX_CALLBACKS; -EINVAL past 16 queues). */
int port_memif_guard(uint16_t port_id, uint16_t nb_queues);

/* Stop guarding (the lcores are stopped: port_close). */
void port_memif_unguard(void);

#endif

/* SPDX-License-Identifier: BSD-3-Clause */
/* port.h: ethdev setup: vdev creation, mempool per socket, queues, RSS. */
#ifndef LR_CORE_PORT_H
#define LR_CORE_PORT_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_mempool.h>

#include "core/netif.h"

struct config;

#define PORT_ERR_LEN 256

/*
 * Find or create the port the config names: an af_packet or af_xdp vdev on
 * cfg->iface, a PCI device (cfg->pci, or the first DPDK-bound one), or for
 * "auto" a PCI port when present and the af_xdp path otherwise.
 * nb_queues is the number of data-plane lcores (one queue pair each).
 * xdp_prog: on the af_xdp path, the XDP object net_af_xdp loads and
 * attaches (devarg xdp_prog=, lib/steer's steer_object_path()); NULL: the
 * PMD's default program, which takes every frame of the queues from the
 * kernel. Returns 0 and *port_id, or -errno with err filled.
 */
int port_open(const struct config *cfg, uint16_t nb_queues,
	      const char *xdp_prog, uint16_t *port_id, char err[PORT_ERR_LEN]);

/*
 * For "auto": is a DPDK-bound PCI port there (cfg->pci, or any)? Valid
 * after rte_eal_init() probed the bus.
 */
bool port_pci_present(const struct config *cfg);

/* The NUMA socket of a port; falls back to socket 0 for vdevs. */
int port_socket(uint16_t port_id);

/* An mbuf pool on socket for n mbufs of one MTU-sized frame each. */
struct rte_mempool *port_pool_create(const char *name, uint32_t n,
				     uint32_t cache, int socket);

/*
 * Configure nb_queues RX/TX queue pairs (RSS across them), start the port
 * and fill ifc (MAC, offloads, IP from cfg). RX queue q allocates from
 * pools[q]. Returns 0 or -errno with err filled.
 */
int port_start(uint16_t port_id, const struct config *cfg, uint16_t nb_queues,
	       struct rte_mempool *const *pools, struct netif *ifc,
	       char err[PORT_ERR_LEN]);

/* Stop and close; frees the vdev. */
void port_close(uint16_t port_id);

#endif

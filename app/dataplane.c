/* SPDX-License-Identifier: BSD-3-Clause */
/* dataplane.c: the port with its mempools, and the shared stack state
 * (ARP, routes, connection directory) the data lcores are wired to. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_mempool.h>

#include "app.h"
#include "core/log.h"
#include "core/port.h"
#include "net/arp.h"
#include "net/nd.h"
#include "net/tcp_steer.h"
#include "steer/steer.h"

/* One mempool per queue on the port's socket. */
static int
app_pools_create(struct app *a, uint16_t nq)
{
	char name[32];

	for (uint16_t q = 0; q < nq; q++) {
		snprintf(name, sizeof(name), "mbuf_q%u", q);
		a->pools[q] = port_pool_create(name, a->cfg.mbufs,
					       a->cfg.mbuf_cache, a->socket);
		if (!a->pools[q]) {
			LOG(ERR, "mempool %s (%u mbufs on socket %d): %s", name,
			    a->cfg.mbufs, a->socket, rte_strerror(rte_errno));
			return -ENOMEM;
		}
	}
	return 0;
}

int
app_port_init(struct app *a)
{
	char err[PORT_ERR_LEN];
	uint16_t nq = (uint16_t)a->cfg.nb_lcores;
	int rc;

	rc = app_xdp_load(a);
	if (rc < 0)
		return rc;
	rc = port_open(&a->cfg, nq, a->xdp ? steer_object_path(a->xdp) : NULL,
		       &a->port_id, err);
	if (rc < 0) {
		LOG(ERR, "port: %s", err);
		return rc;
	}
	a->port_open = true;
	a->socket = port_socket(a->port_id);
	rc = app_pools_create(a, nq);
	if (rc < 0)
		return rc;
	rc = port_start(a->port_id, &a->cfg, nq, a->pools, &a->ifc, err);
	if (rc < 0) {
		LOG(ERR, "port: %s", err);
		return rc;
	}
	a->port_started = true;
	return app_xdp_attach(a);
}

void
app_port_fini(struct app *a)
{
	unsigned int in_use = 0, total = 0;

	if (a->port_open)
		port_close(a->port_id);
	a->port_open = a->port_started = false;
	for (uint32_t q = 0; q < a->cfg.nb_lcores; q++)
		if (a->pools[q]) {
			in_use += rte_mempool_in_use_count(a->pools[q]);
			total += a->pools[q]->size;
		}
	/* Network tests assert this line: every mbuf came back. The lcores,
	 * ARP and the directory have freed what they held by now. */
	LOG(INFO, "exit: mbufs in use %u of %u", in_use, total);
	for (uint32_t q = 0; q < a->cfg.nb_lcores; q++) {
		rte_mempool_free(a->pools[q]);
		a->pools[q] = NULL;
	}
	app_xdp_stop(a);
}

int
app_net_init(struct app *a)
{
	a->arp = arp_table_create(a->cfg.arp_entries, a->cfg.arp_timeout_s,
				  a->cfg.arp_pending, a->socket);
	if (!a->arp) {
		LOG(ERR, "ARP table: %s", rte_strerror(rte_errno));
		return -ENOMEM;
	}
	a->nd = nd_table_create(a->cfg.arp_entries, a->cfg.arp_pending,
				a->socket);
	if (!a->nd) {
		LOG(ERR, "IPv6 neighbour table: %s", rte_strerror(rte_errno));
		return -ENOMEM;
	}
	if (a->cfg.nb_lcores > 1) {
		a->steer = tcp_steer_create(a->cfg.nb_lcores,
					    a->cfg.tcp_max_conns, a->socket);
		if (!a->steer) {
			LOG(ERR, "connection directory: %s", rte_strerror(rte_errno));
			return -ENOMEM;
		}
	}
	return 0;
}

void
app_net_fini(struct app *a)
{
	tcp_steer_free(a->steer);
	a->steer = NULL;
	arp_table_free(a->arp);
	a->arp = NULL;
	nd_table_free(a->nd);
	a->nd = NULL;
}

int
app_stack_init(struct app *a)
{
	int rc = app_net_init(a);

	return rc < 0 ? rc : app_routes_init(a);
}

void
app_stack_fini(struct app *a)
{
	app_routes_fini(a);
	app_net_fini(a);
}

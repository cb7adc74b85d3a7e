/* SPDX-License-Identifier: BSD-3-Clause */
/* lcores.c: the data lcores' contexts, their hooks and their placement. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_mempool.h>

#include <numa.h>

#include "app.h"
#include "api/mrc_store.h"
#include "core/fault.h"
#include "core/lcore.h"
#include "core/log.h"
#include "http/http.h"
#include "net/eth.h"
#include "net/tcp.h"
#include "net/tcp_steer.h"

/* The loop's poll_end hook; arg is the 1MRC store. */
static void
app_poll_end(struct lcore_ctx *ctx, void *arg)
{
	tcp_steer_drain(ctx);
	tcp_flush(ctx);
	/* After this iteration's responses: no reference into the store. */
	mrc_store_quiescent(arg, ctx->idx);
}

/* The RX fault shim on queue q's lcore when the config asks for one. */
static int
app_fault_init(struct app *a, uint16_t q)
{
	const struct config *c = &a->cfg;
	struct fault_params fp = {
		.seed = (uint64_t)c->fault_seed * 1000003u + q,
		.reorder_permille = c->fault_reorder_permille,
		.duplicate_permille = c->fault_duplicate_permille,
		.corrupt_permille = c->fault_corrupt_permille,
		.drop_permille = c->fault_drop_permille,
		.pool = a->pools[q],
		.socket_id = a->ctx[q]->socket_id,
	};
	struct fault *f;
	int rc;

	if (!(fp.reorder_permille | fp.duplicate_permille |
	      fp.corrupt_permille | fp.drop_permille))
		return 0;
	f = fault_create(&fp);
	if (!f) {
		LOG(ERR, "fault shim: %s", rte_strerror(rte_errno));
		return -rte_errno;
	}
	rc = lcore_fault_attach(a->ctx[q], f);
	if (rc < 0) {
		LOG(ERR, "fault shim: %s", rte_strerror(-rc));
		fault_free(f);
		return rc;
	}
	LOG(WARNING, "fault shim on queue %u (seed %u): reorder %u, duplicate "
	    "%u, corrupt %u, drop %u per mille: for tests only", q,
	    c->fault_seed, fp.reorder_permille, fp.duplicate_permille,
	    fp.corrupt_permille, fp.drop_permille);
	return 0;
}

int
app_lcore_ctx_init(struct app *a, uint16_t q, const struct lcore_hooks *hooks)
{
	struct lcore_params p = {
		.cfg = &a->cfg,
		.ifc = &a->ifc,
		.pool = a->pools[q],
		.hooks = *hooks,
		.port_id = a->port_id,
		.queue_id = q,
		.lcore_id = a->cfg.lcores[q],
		.idx = q,
		.socket_id = (int)rte_lcore_to_socket_id(a->cfg.lcores[q]),
	};
	int rc;

	a->ctx[q] = lcore_ctx_create(&p);
	if (!a->ctx[q]) {
		LOG(ERR, "lcore %u context: %s", p.lcore_id,
		    rte_strerror(rte_errno));
		return -ENOMEM;
	}
	a->ctx[q]->arp = a->arp;
	a->ctx[q]->nd = a->nd;
	rc = app_fault_init(a, q);
	if (rc < 0)
		return rc;
	rc = tcp_lcore_init(a->ctx[q]);
	if (rc == 0 && a->steer)
		tcp_steer_attach(a->ctx[q], a->steer);
	if (rc < 0)
		LOG(ERR, "lcore %u TCP state: %s", p.lcore_id, strerror(-rc));
	return rc;
}

/* Queue q's context and its TCP, HTTP and 1MRC state. */
static int
app_lcore_init(struct app *a, uint16_t q)
{
	struct lcore_hooks hooks = { .input = eth_input_burst,
				     .poll_end = app_poll_end, .arg = a->mrc };
	int rc;

	rc = app_lcore_ctx_init(a, q, &hooks);
	if (rc < 0)
		return rc;
	rc = http_lcore_init(a->ctx[q], &a->router);
	for (uint32_t i = 0; rc == 0 && i < a->cfg.nb_http_ports; i++)
		rc = tcp_listen(a->ctx[q], a->cfg.http_ports[i], &http_tcp_ops);
	if (rc == 0)
		rc = mrc_store_lcore_online(a->mrc, q);
	if (rc < 0)
		LOG(ERR, "lcore %u state: %s", a->cfg.lcores[q], strerror(-rc));
	return rc;
}

int
app_lcores_init(struct app *a)
{
	int rc;

	for (uint16_t q = 0; q < a->cfg.nb_lcores; q++) {
		rc = app_lcore_init(a, q);
		if (rc < 0)
			return rc;
	}
	return 0;
}

void
app_lcore_log_stats(const struct lcore_ctx *ctx)
{
	char line[4096];
	int n = 0;

	for (int i = 0; i < ST__COUNT && n < (int)sizeof(line) - 64; i++)
		if (ctx->stats.v[i])
			n += snprintf(line + n, sizeof(line) - n, " %s=%" PRIu64,
				      stats_name(i), ctx->stats.v[i]);
	if (ctx->fault) {
		const struct fault_counts *fc = fault_counts(ctx->fault);

		n += snprintf(line + n, sizeof(line) - n,
			      " fault_seen=%" PRIu64 " fault_dropped=%" PRIu64
			      " fault_corrupted=%" PRIu64
			      " fault_duplicated=%" PRIu64
			      " fault_reordered=%" PRIu64
			      " fault_overflow=%" PRIu64 " fault_held=%u",
			      fc->seen, fc->dropped, fc->corrupted,
			      fc->duplicated, fc->reordered, fc->overflow,
			      fault_held(ctx->fault));
	}
	LOG(INFO, "lcore %u counters:%s", ctx->lcore_id, n ? line : " none");
}

/*
 * Reset every connection (the RSTs go out while the port still runs),
 * then free the contexts: no lcore's state outlives this, and the mbufs
 * they held are back in the pools before app_port_fini counts them.
 */
void
app_lcores_fini(struct app *a)
{
	for (uint32_t q = 0; q < a->cfg.nb_lcores; q++)
		if (a->ctx[q]) {
			tcp_lcore_fini(a->ctx[q]);
			http_lcore_fini(a->ctx[q]);
			lcore_tx_flush(a->ctx[q]);
			if (a->mrc)
				mrc_store_lcore_offline(a->mrc, q);
			app_lcore_log_stats(a->ctx[q]);
		}
	for (uint32_t q = 0; q < a->cfg.nb_lcores; q++) {
		lcore_ctx_free(a->ctx[q]);
		a->ctx[q] = NULL;
	}
}

/* NUMA node of a CPU per libnuma; -1 when unknown. */
static int
app_cpu_node(unsigned int cpu)
{
	return numa_available() < 0 ? -1 : numa_node_of_cpu((int)cpu);
}

/*
 * A data lcore on another node than its port pays a cross-node trip per
 * packet: warn.
 */
void
app_topology(const struct app *a, bool print)
{
	int pnode = a->socket;

	if (print) {
		printf("port %u (%s on %s): NUMA socket %d, %u queue(s)\n",
		       a->port_id, config_driver_name(a->cfg.driver),
		       a->cfg.driver == CONFIG_DRIVER_PCI ? a->cfg.pci : a->cfg.iface,
		       pnode, a->cfg.nb_lcores);
		printf("main lcore %u on CPU %u (node %d): control plane\n",
		       a->main_id, a->cfg.main_lcore,
		       app_cpu_node(a->cfg.main_lcore));
		printf("%-6s %-4s %-5s %-6s %-12s %s\n", "lcore", "cpu", "node",
		       "queue", "pool socket", "state socket");
	}
	for (uint32_t q = 0; q < a->cfg.nb_lcores; q++) {
		unsigned int l = a->cfg.lcores[q];
		int node = app_cpu_node(l);

		if (print)
			printf("%-6u %-4u %-5d %-6u %-12d %d\n", l, l, node, q,
			       a->pools[q] ? a->pools[q]->socket_id : -1,
			       a->ctx[q] ? a->ctx[q]->socket_id : -1);
		if (node >= 0 && pnode >= 0 && node != pnode)
			LOG(WARNING, "lcore %u is on NUMA node %d but port %u is on "
			    "node %d: pick lcores on the NIC's node", l, node,
			    a->port_id, pnode);
	}
}

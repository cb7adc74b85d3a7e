/* SPDX-License-Identifier: BSD-3-Clause */
/* app.h: the appliance's state, exit codes and the steps main() wires. */
#ifndef LR_APP_APP_H
#define LR_APP_APP_H

#include <stdbool.h>
#include <stdint.h>

#include "api/api.h"
#include "api/metrics.h"
#include "api/mrc.h"
#include "core/config.h"
#include "core/netif.h"
#include "ctl/ctl.h"
#include "ctl/ctl_telemetry.h"
#include "http/router.h"

struct arp_table;
struct nd_table;
struct cluster;
struct ctl_server;
struct lcore_ctx;
struct mrc_store;
struct rte_mempool;
struct steer;
struct tcp_steer;

/*
 * Exit status of build/linerate (also listed by --help). 0, 1 (--check)
 * and 2 are relied on by docs/DEPLOY.md, tests/deploy/check.sh and the
 * network tests (a clean SIGTERM stop exits 0); the others say which
 * init step failed, the log saying why.
 */
enum lr_exit {
	LR_EXIT_OK = 0,       /* stopped by SIGINT/SIGTERM; --check: ready */
	LR_EXIT_NOT_READY = 1, /* --check: at least one item FAILs */
	LR_EXIT_USAGE = 2,    /* bad command line */
	LR_EXIT_CONFIG = 3,   /* the config does not load or is invalid */
	LR_EXIT_CTL = 4,      /* control socket (another linerate serves it?) */
	LR_EXIT_EAL = 5,      /* DPDK EAL init, or an lcore is not available */
	LR_EXIT_PORT = 6,     /* XDP program, port, mempools */
	LR_EXIT_STACK = 7,    /* ARP, routes and stores, per-lcore state */
	LR_EXIT_RUNTIME = 8,  /* a data lcore could not be launched */
};

/*
 * Everything the process owns, filled by the init steps in order and
 * undone in reverse; each *_fini is safe on a step that failed half way.
 */
struct app {
	struct config cfg;
	struct netif ifc;
	uint16_t port_id;
	bool port_open;
	bool port_started;
	int socket;           /* the port's NUMA socket */
	unsigned int main_id; /* EAL id of the main (control-plane) lcore */
	struct rte_mempool *pools[CONFIG_MAX_LCORES];
	struct lcore_ctx *ctx[CONFIG_MAX_LCORES];
	struct arp_table *arp;
	struct nd_table *nd;
	struct ctl_server *ctl;
	struct ctl_view view;
	struct tcp_steer *steer; /* with several lcores */
	struct steer *xdp;       /* the XDP path's steering program */
	struct http_router router;
	struct mrc_store *mrc;
	struct mrc_api mrc_api;      /* §1 routes' argument */
	struct api_state api;        /* §2-§5 routes' stores */
	struct metrics_view metrics; /* GET /metrics; lcores set before launch */
	struct metrics *metrics_state; /* the /metrics route's argument */
	struct ctl_tel_view tel;     /* DPDK telemetry /linerate/ commands */
	struct cluster *cluster;     /* scale-out node, or NULL (no cluster) */
};

/* eal.c: EAL arguments from a->cfg, rte_eal_init, logging; sets
 * a->main_id. Returns 0, -rte_errno (EAL failed) or -ENODEV (a data
 * lcore is not available: EAL cleaned up again), said on stderr.
 * Undo: rte_eal_cleanup(). */
int app_eal_init(struct app *a, const char *prog);

/* xdp.c: the XDP path around the port (0 or -errno, logged). load before
 * port_open, attach after port_start; stop after port_close. */
int app_xdp_load(struct app *a);
int app_xdp_attach(struct app *a);
void app_xdp_stop(struct app *a);

/* dataplane.c: the port and its mempools (XDP program included), then
 * the state the lcores share: ARP, routes and stores, the connection
 * directory. Each init returns 0 or -errno (logged); each fini undoes
 * what its init did, also after a failure half way. app_port_fini logs
 * "exit: mbufs in use N of M" (network tests assert N == 0). */
int app_port_init(struct app *a);
void app_port_fini(struct app *a);
int app_stack_init(struct app *a);
void app_stack_fini(struct app *a);
/* The part of the stack a client needs too (linerate-load): ARP and,
 * with several lcores, the connection directory. app_stack_init calls
 * it before the routes. */
int app_net_init(struct app *a);
void app_net_fini(struct app *a);

/* lcores.c: one context per data lcore with its TCP, HTTP and 1MRC
 * state; the fini resets every connection, logs the counters and frees
 * the contexts. Same conventions as above. */
int app_lcores_init(struct app *a);
void app_lcores_fini(struct app *a);

/* lcores.c: queue q's context with hooks, its ARP table, fault shim and
 * TCP state (attached to the connection directory): the part both
 * linerate and linerate-load need. 0 or -errno (logged); undo with
 * tcp_lcore_fini and lcore_ctx_free. */
struct lcore_hooks;
int app_lcore_ctx_init(struct app *a, uint16_t q,
		       const struct lcore_hooks *hooks);
/* The non-zero counters of one lcore, one log line. */
void app_lcore_log_stats(const struct lcore_ctx *ctx);

/* lcores.c: where lcores, queues and pools landed (NUMA); warns about
 * cross-node lcores, prints the table to stdout with print. */
void app_topology(const struct app *a, bool print);

/* routes.c: the 1MRC store, the other routes' stores and the router.
 * 0 or -errno (logged). */
int app_routes_init(struct app *a);

/* cluster_routes.c: with a "cluster" config section, the node (service
 * thread started) and its handlers in a->mrc_api; else nothing. init
 * before mrc_api_register (0 or -errno, logged); ctl_register adds
 * `cluster`; stop (final flush) once the data lcores stopped; fini
 * before the store is freed. */
int app_cluster_init(struct app *a);
int app_cluster_ctl_register(struct app *a);
void app_cluster_stop(struct app *a);
void app_cluster_fini(struct app *a);
void app_routes_fini(struct app *a);

/* ctl_cmds.c: the control-socket view and commands, DPDK telemetry.
 * Failures are logged: the appliance serves without them. */
void app_ctl_register(struct app *a);

#endif

/* SPDX-License-Identifier: BSD-3-Clause */
/* linerate.c: the appliance's main(): config, EAL, port, lcores, shutdown. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mempool.h>

#include <jansson.h>
#include <numa.h>

#include "core/clock.h"
#include "core/config.h"
#include "core/fault.h"
#include "core/doctor.h"
#include "core/lcore.h"
#include "core/log.h"
#include "core/port.h"
#include "core/version.h"
#include "ctl/ctl.h"
#include "api/api.h"
#include "api/metrics.h"
#include "ctl/ctl_telemetry.h"
#include "api/mrc.h"
#include "api/mrc_format.h"
#include "api/mrc_store.h"
#include "http/http.h"
#include "net/arp.h"
#include "net/eth.h"
#include "net/tcp.h"
#include "net/tcp_steer.h"
#include "steer/steer.h"

static volatile sig_atomic_t app_quit;

struct app {
	struct config cfg;
	struct netif ifc;
	uint16_t port_id;
	bool port_started;
	int socket;
	struct rte_mempool *pools[CONFIG_MAX_LCORES];
	struct lcore_ctx *ctx[CONFIG_MAX_LCORES];
	struct arp_table *arp;
	struct ctl_server *ctl;
	struct ctl_view view;
	unsigned int main_id; /* EAL id of the main (control-plane) lcore */
	struct tcp_steer *steer; /* with several lcores */
	struct steer *xdp;       /* the XDP path's steering program */
	struct http_router router;
	struct mrc_store *mrc;
	struct metrics_view metrics; /* GET /metrics; lcores set before launch */
	struct metrics *metrics_state; /* the /metrics route's argument */
	struct ctl_tel_view tel;     /* DPDK telemetry /linerate/ commands */
};

/* The lcores reach the 1MRC store from their poll hook. */
static struct mrc_store *app_mrc;

static void
app_signal(int sig)
{
	app_quit = 1;
	lcore_request_stop();
}

static void
app_usage(FILE *f)
{
	fprintf(f,
		"usage: linerate [-c FILE] [options]\n"
		"  -c, --config FILE     JSON config (default: the embedded dpdk-config/veth.json)\n"
		"  -l, --lcores LIST     data-plane lcores, e.g. 1 or 1,2 or 1-3\n"
		"  -i, --iface NAME      interface for the af_packet/af_xdp drivers\n"
		"  -a, --ip A.B.C.D[/N]  the appliance's IPv4 address\n"
		"  -p, --port N          HTTP port (replaces the configured list)\n"
		"      --no-huge         run without hugepages\n"
		"      --file-prefix P   DPDK runtime prefix (default linerate-<pid>)\n"
		"      --print-config    print the effective config as JSON and exit\n"
		"      --print-topology  start, print lcore/queue/NUMA placement, exit\n"
		"      --check           report whether this host is ready for the config\n"
		"                        (hugepages, NIC, IOMMU, lcores...), start nothing;\n"
		"                        exit 0 when ready, 1 when an item FAILs\n"
		"  -V, --version         print the version and exit\n"
		"  -h, --help            this text\n");
}

enum { OPT_NO_HUGE = 256, OPT_FILE_PREFIX, OPT_PRINT_CONFIG,
       OPT_PRINT_TOPOLOGY, OPT_CHECK };

static bool app_print_topology;

static const struct option app_opts[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "lcores", required_argument, NULL, 'l' },
	{ "iface", required_argument, NULL, 'i' },
	{ "ip", required_argument, NULL, 'a' },
	{ "port", required_argument, NULL, 'p' },
	{ "no-huge", no_argument, NULL, OPT_NO_HUGE },
	{ "file-prefix", required_argument, NULL, OPT_FILE_PREFIX },
	{ "print-config", no_argument, NULL, OPT_PRINT_CONFIG },
	{ "print-topology", no_argument, NULL, OPT_PRINT_TOPOLOGY },
	{ "check", no_argument, NULL, OPT_CHECK },
	{ "version", no_argument, NULL, 'V' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* Parse the command line into a->cfg; exits on errors (app decides). */
static void
app_parse_args(struct app *a, int argc, char **argv)
{
	char err[CONFIG_ERR_LEN];
	const char *file = NULL;
	bool print = false, check = false;
	int opt, rc;

	/* First pass: the config file, so flags override it. */
	while ((opt = getopt_long(argc, argv, "c:l:i:a:p:Vh", app_opts,
				  NULL)) != -1) {
		if (opt == 'c')
			file = optarg;
		else if (opt == 'h') {
			app_usage(stdout);
			exit(0);
		} else if (opt == 'V') {
			printf("linerate %s (%s)\n", LR_VERSION, LR_GITREV);
			exit(0);
		} else if (opt == '?') {
			app_usage(stderr);
			exit(2);
		}
	}
	config_defaults(&a->cfg);
	if (file)
		rc = config_load_file(&a->cfg, file, err);
	else
		rc = config_parse(&a->cfg, config_default_json,
				  strlen(config_default_json), err);
	if (rc < 0) {
		fprintf(stderr, "linerate: config %s: %s\n",
			file ? file : "(embedded)", err);
		exit(2);
	}
	optind = 1;
	while ((opt = getopt_long(argc, argv, "c:l:i:a:p:Vh", app_opts,
				  NULL)) != -1) {
		switch (opt) {
		case 'l':
			if (config_parse_lcores(&a->cfg, optarg, err) < 0)
				goto bad;
			break;
		case 'i':
			if (strlen(optarg) >= sizeof(a->cfg.iface)) {
				snprintf(err, sizeof(err), "--iface: name too long");
				goto bad;
			}
			snprintf(a->cfg.iface, sizeof(a->cfg.iface), "%s", optarg);
			break;
		case 'a':
			if (config_parse_cidr(&a->cfg, optarg, err) < 0)
				goto bad;
			break;
		case 'p': {
			char *end;
			long p = strtol(optarg, &end, 10);

			if (*end || p < 1 || p > 65535) {
				snprintf(err, sizeof(err),
					 "--port: '%s' is not a port 1..65535", optarg);
				goto bad;
			}
			a->cfg.http_ports[0] = (uint16_t)p;
			a->cfg.nb_http_ports = 1;
			break;
		}
		case OPT_NO_HUGE:
			a->cfg.hugepages = CONFIG_OFF;
			break;
		case OPT_FILE_PREFIX:
			snprintf(a->cfg.file_prefix, sizeof(a->cfg.file_prefix),
				 "%s", optarg);
			break;
		case OPT_PRINT_CONFIG:
			print = true;
			break;
		case OPT_PRINT_TOPOLOGY:
			app_print_topology = true;
			break;
		case OPT_CHECK:
			check = true;
			break;
		}
	}
	if (optind < argc) {
		snprintf(err, sizeof(err), "unexpected argument '%s'",
			 argv[optind]);
		goto bad;
	}
	if (print) {
		char *s = config_to_json(&a->cfg);

		printf("%s\n", s);
		free(s);
		exit(0);
	}
	if (check)
		exit(doctor_run(&a->cfg, stdout) ? 1 : 0);
	return;
bad:
	fprintf(stderr, "linerate: %s\n", err);
	exit(2);
}

/* Free 2 MB hugepages, or 0 when the kernel has none configured. */
static unsigned long
app_free_hugepages(void)
{
	FILE *f = fopen("/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages",
			"r");
	unsigned long n = 0;

	if (f) {
		if (fscanf(f, "%lu", &n) != 1)
			n = 0;
		fclose(f);
	}
	return n;
}

/* EAL arguments from the config: lcores, prefix, memory, hugepages. */
static int
app_eal_init(struct app *a, const char *prog)
{
	char lcores[1024], prefix[96], mem[32], loglvl[64];
	static char main_arg[16];
	const char *argv[32];
	int argc = 0, n;
	bool huge;

	/* Data lcore N runs on CPU N. The main lcore (control plane, mostly
	 * asleep in poll()) runs on CPU main_lcore; when that CPU also runs a
	 * data lcore (2-core machines), the main lcore takes a spare id. */
	a->main_id = a->cfg.main_lcore;
	for (uint32_t i = 0; i < a->cfg.nb_lcores; i++)
		if (a->cfg.lcores[i] == a->cfg.main_lcore)
			a->main_id = RTE_MAX_LCORE - 1;
	n = snprintf(lcores, sizeof(lcores), "--lcores=%u@%u", a->main_id,
		     a->cfg.main_lcore);
	for (uint32_t i = 0; i < a->cfg.nb_lcores; i++)
		n += snprintf(lcores + n, sizeof(lcores) - (size_t)n, ",%u@%u",
			      a->cfg.lcores[i], a->cfg.lcores[i]);
	snprintf(main_arg, sizeof(main_arg), "%u", a->main_id);
	if (a->cfg.file_prefix[0])
		snprintf(prefix, sizeof(prefix), "--file-prefix=%s",
			 a->cfg.file_prefix);
	else
		snprintf(prefix, sizeof(prefix), "--file-prefix=linerate-%d",
			 (int)getpid());
	snprintf(mem, sizeof(mem), "%u", a->cfg.eal_memory_mb);
	snprintf(loglvl, sizeof(loglvl), "--log-level=linerate:%s",
		 a->cfg.log_level);
	huge = a->cfg.hugepages == CONFIG_ON ||
	       (a->cfg.hugepages == CONFIG_AUTO &&
		app_free_hugepages() * 2 >= a->cfg.eal_memory_mb);
	argv[argc++] = prog;
	argv[argc++] = lcores;
	argv[argc++] = "--main-lcore";
	argv[argc++] = main_arg;
	argv[argc++] = prefix;
	argv[argc++] = "-m";
	argv[argc++] = mem;
	argv[argc++] = "--log-level=lib.eal:notice";
	argv[argc++] = loglvl;
	if (!huge)
		argv[argc++] = "--no-huge";
	if (a->cfg.driver != CONFIG_DRIVER_PCI &&
	    a->cfg.driver != CONFIG_DRIVER_AUTO) {
		argv[argc++] = "--no-pci";
	} else if (a->cfg.pci[0]) {
		/* Probe only our NIC, not every vfio device of the host. */
		argv[argc++] = "-a";
		argv[argc++] = a->cfg.pci;
	}
	argv[argc] = NULL;

	if (rte_eal_init(argc, (char **)argv) < 0)
		return -rte_errno;
	log_init();
	LOG(INFO, "memory: %s (%u MB)%s",
	    huge ? "2 MB hugepages" : "no hugepages (--no-huge)",
	    a->cfg.eal_memory_mb,
	    huge || a->cfg.hugepages == CONFIG_OFF ? "" :
	    "; reserve hugepages for line rate (deploy/hugepages.sh)");
	return 0;
}

static void
app_poll_end(struct lcore_ctx *ctx)
{
	tcp_steer_drain(ctx);
	tcp_flush(ctx);
	/* After this iteration's responses: no reference into the store. */
	mrc_store_quiescent(app_mrc, ctx->idx);
}

static void *
app_zalloc(size_t size, size_t align, int socket)
{
	return rte_zmalloc_socket("mrc", size, (unsigned int)align, socket);
}

/* Control plane: the 1MRC totals, and a reset while traffic flows. */
static json_t *
app_cmd_mrc(void *arg, json_t *args, char *err, size_t errlen)
{
	struct mrc_stats st;
	char buf[256];
	json_error_t jerr;

	mrc_store_stats(arg, &st);
	if (mrc_stats_json(&st, buf, sizeof(buf)) < 0) {
		snprintf(err, errlen, "stats do not fit");
		return NULL;
	}
	json_t *o = json_loads(buf, 0, &jerr);

	if (o) {
		json_object_set_new(o, "generation", json_integer((json_int_t)st.generation));
		json_object_set_new(o, "inexactValues", json_integer((json_int_t)st.n_inexact));
	}
	return o;
}

static json_t *
app_cmd_reset_mrc(void *arg, json_t *args, char *err, size_t errlen)
{
	int rc = mrc_store_reset(arg, -1);

	if (rc < 0 && rc != -ETIMEDOUT) {
		snprintf(err, errlen, "reset failed: %s", strerror(-rc));
		return NULL;
	}
	return json_pack("{s:s}", "status", rc ? "reset (an lcore was slow)" : "reset");
}

/* Control plane: connections by TCP state, summed and per lcore. The
 * counts are single-writer words read racily: a snapshot, not a lock. */
static json_t *
app_cmd_conns(void *arg, json_t *args, char *err, size_t errlen)
{
	const struct app *a = arg;
	uint32_t sum[TCP_NSTATES] = { 0 };
	json_t *o = json_object(), *per = json_array(), *tot = json_object();
	uint32_t http = 0;

	for (uint32_t q = 0; q < a->cfg.nb_lcores; q++) {
		uint32_t c[TCP_NSTATES];
		json_t *l = json_object();

		if (!a->ctx[q] || !a->ctx[q]->tcp)
			continue;
		tcp_state_counts(a->ctx[q], c);
		json_object_set_new(l, "lcore", json_integer(a->ctx[q]->lcore_id));
		for (int s = 0; s < TCP_NSTATES; s++) {
			sum[s] += c[s];
			if (s != TCP_LISTEN)
				json_object_set_new(l, tcp_state_name(s),
						    json_integer(c[s]));
		}
		json_object_set_new(l, "http", json_integer(http_conn_count(a->ctx[q])));
		http += http_conn_count(a->ctx[q]);
		json_array_append_new(per, l);
	}
	for (int s = 0; s < TCP_NSTATES; s++)
		if (s != TCP_LISTEN)
			json_object_set_new(tot, tcp_state_name(s), json_integer(sum[s]));
	json_object_set_new(tot, "http", json_integer(http));
	json_object_set_new(o, "total", tot);
	json_object_set_new(o, "lcores", per);
	return o;
}

/* The HTTP routes and their stores, shared by every lcore. */
static int
app_api_init(struct app *a)
{
	struct mrc_store_params mp = {
		.socket_id = a->socket,
		.max_users = a->cfg.mrc_max_users,
		.arena_bytes = (uint64_t)a->cfg.mrc_max_users * 32,
		.zalloc = app_zalloc,
		.free = rte_free,
	};
	int rc;

	a->mrc = mrc_store_create(&mp);
	if (!a->mrc) {
		LOG(ERR, "1MRC store for %u users: %s", a->cfg.mrc_max_users,
		    strerror(errno));
		return -ENOMEM;
	}
	app_mrc = a->mrc;
	http_router_init(&a->router);
	rc = mrc_api_register(&a->router, a->mrc, &a->cfg);
	if (rc == 0)
		rc = api_register_all(&a->router, &a->cfg, SOCKET_ID_ANY);
	a->metrics = (struct metrics_view){ .mrc = a->mrc,
					    .more = { steer_report, a->xdp } };
	a->metrics_state = metrics_create(&a->metrics);
	if (rc == 0 && !a->metrics_state)
		rc = -ENOMEM;
	if (rc == 0)
		rc = metrics_register(&a->router, a->metrics_state);
	if (rc > 0)
		rc = 0;
	if (rc < 0)
		LOG(ERR, "routes: %s", strerror(-rc));
	return rc;
}

/*
 * The XDP path, before the port exists: load the steering program (a
 * verifier check), remove a stale one a killed run left on the interface,
 * and get the object path net_af_xdp will load. "auto" takes this path
 * when no PCI port is bound to DPDK, and says so.
 */
static int
app_xdp_load(struct app *a)
{
	struct steer_params p = {
		.iface = a->cfg.iface,
		.ip = a->cfg.ip,
		.ports = a->cfg.http_ports,
		.nb_ports = a->cfg.nb_http_ports,
		.object = a->cfg.xdp_program[0] ? a->cfg.xdp_program : NULL,
		.own_ip = a->cfg.xdp_own_ip == CONFIG_AUTO ? -1 :
			  a->cfg.xdp_own_ip == CONFIG_ON,
	};
	char msg[STEER_ERR_LEN];

	if (a->cfg.driver == CONFIG_DRIVER_AUTO) {
		if (port_pci_present(&a->cfg)) {
			LOG(INFO, "port: auto: using the PCI port bound to DPDK");
			return 0;
		}
		LOG(INFO, "port: auto: no PCI port bound to DPDK; using the XDP "
		    "path on %s (net_af_xdp + bpf/steer.bpf.c)", a->cfg.iface);
	} else if (a->cfg.driver != CONFIG_DRIVER_AF_XDP) {
		return 0;
	}
	a->xdp = steer_load(&p, msg, sizeof(msg));
	if (!a->xdp) {
		LOG(ERR, "xdp: %s", msg);
		return -errno;
	}
	if (msg[0])
		LOG(NOTICE, "xdp: %s", msg);
	return 0;
}

/* After port_start: the PMD attached the program; configure it. */
static int
app_xdp_attach(struct app *a)
{
	char err[STEER_ERR_LEN], ip[INET_ADDRSTRLEN];
	struct steer_info in;
	int rc;

	if (!a->xdp)
		return 0;
	rc = steer_attach(a->xdp, err, sizeof(err));
	if (rc < 0) {
		LOG(ERR, "xdp: %s", err);
		return rc;
	}
	steer_info(a->xdp, &in);
	inet_ntop(AF_INET, &in.cfg.ip, ip, sizeof(ip));
	LOG(INFO, "xdp: steering %s, tcp port %u%s to linerate on %s "
	    "(program id %u, %s mode); the rest goes to the kernel", ip,
	    a->cfg.http_ports[0], in.cfg.flags & STEER_F_OWN_IP ?
	    ", ARP and ICMP" : "", in.iface, in.prog_id,
	    steer_mode_name(in.mode));
	return 0;
}

/* After port_close (net_af_xdp detached the program on close). */
static void
app_xdp_stop(struct app *a)
{
	struct steer_counters c;
	char err[STEER_ERR_LEN];
	struct steer_info in;

	if (!a->xdp)
		return;
	steer_info(a->xdp, &in);
	if (in.configured && steer_read_counters(a->xdp, &c) == 0)
		LOG(INFO, "xdp: steered %" PRIu64 ", passed %" PRIu64
		    ", dropped %" PRIu64 " malformed and %" PRIu64
		    " without a socket", c.steered, c.passed,
		    c.dropped_malformed, c.dropped_no_xsk);
	if (steer_detach(a->xdp, err, sizeof(err)) < 0)
		LOG(ERR, "xdp: %s", err);
	steer_free(a->xdp);
	a->xdp = NULL;
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

	if (!(fp.reorder_permille | fp.duplicate_permille |
	      fp.corrupt_permille | fp.drop_permille))
		return 0;
	a->ctx[q]->fault = fault_create(&fp);
	if (!a->ctx[q]->fault) {
		LOG(ERR, "fault shim: %s", rte_strerror(rte_errno));
		return -rte_errno;
	}
	LOG(WARNING, "fault shim on queue %u (seed %u): reorder %u, duplicate "
	    "%u, corrupt %u, drop %u per mille: for tests only", q,
	    c->fault_seed, fp.reorder_permille, fp.duplicate_permille,
	    fp.corrupt_permille, fp.drop_permille);
	return 0;
}

static int
app_start(struct app *a)
{
	char err[PORT_ERR_LEN], name[32];
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
	a->socket = port_socket(a->port_id);
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
	rc = port_start(a->port_id, &a->cfg, nq, a->pools, &a->ifc, err);
	if (rc < 0) {
		LOG(ERR, "port: %s", err);
		return rc;
	}
	a->port_started = true;
	rc = app_xdp_attach(a);
	if (rc < 0)
		return rc;
	a->arp = arp_table_create(a->cfg.arp_entries, a->cfg.arp_timeout_s,
				  a->cfg.arp_pending, a->socket);
	if (!a->arp)
		return -ENOMEM;
	rc = app_api_init(a);
	if (rc < 0)
		return rc;
	if (nq > 1) {
		a->steer = tcp_steer_create(nq, a->cfg.tcp_max_conns, a->socket);
		if (!a->steer) {
			LOG(ERR, "connection directory: %s", rte_strerror(rte_errno));
			return -ENOMEM;
		}
	}
	for (uint16_t q = 0; q < nq; q++) {
		struct lcore_params p = {
			.cfg = &a->cfg,
			.ifc = &a->ifc,
			.pool = a->pools[q],
			.hooks = { eth_input_burst, app_poll_end },
			.port_id = a->port_id,
			.queue_id = q,
			.lcore_id = a->cfg.lcores[q],
			.idx = q,
			.socket_id = (int)rte_lcore_to_socket_id(a->cfg.lcores[q]),
		};

		a->ctx[q] = lcore_ctx_create(&p);
		if (!a->ctx[q])
			return -ENOMEM;
		a->ctx[q]->arp = a->arp;
		rc = app_fault_init(a, q);
		if (rc < 0)
			return rc;
		rc = tcp_lcore_init(a->ctx[q]);
		if (rc == 0 && a->steer)
			tcp_steer_attach(a->ctx[q], a->steer);
		if (rc == 0)
			rc = http_lcore_init(a->ctx[q], &a->router);
		for (uint32_t i = 0; rc == 0 && i < a->cfg.nb_http_ports; i++)
			rc = tcp_listen(a->ctx[q], a->cfg.http_ports[i],
					&http_tcp_ops);
		if (rc == 0)
			rc = mrc_store_lcore_online(a->mrc, q);
		if (rc < 0) {
			LOG(ERR, "lcore %u state: %s", p.lcore_id, strerror(-rc));
			return rc;
		}
	}
	return 0;
}

/* NUMA node of a CPU per libnuma; -1 when unknown. */
static int
app_cpu_node(unsigned int cpu)
{
	return numa_available() < 0 ? -1 : numa_node_of_cpu((int)cpu);
}

/*
 * Where everything landed: each data lcore, its CPU and NUMA node, its
 * queue and mempool socket, against the port's node. A data lcore on
 * another node than its port pays a cross-node trip per packet: warn.
 * With print, the table goes to stdout.
 */
static void
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

/* Non-zero counters of one lcore, one line. */
static void
app_log_stats(const struct lcore_ctx *ctx)
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

static void
app_stop(struct app *a)
{
	unsigned int in_use = 0, total = 0;

	for (uint32_t q = 0; q < a->cfg.nb_lcores; q++)
		if (a->ctx[q]) {
			tcp_lcore_fini(a->ctx[q]);
			http_lcore_fini(a->ctx[q]);
			lcore_tx_flush(a->ctx[q]);
			if (a->mrc)
				mrc_store_lcore_offline(a->mrc, q);
			app_log_stats(a->ctx[q]);
		}
	if (a->port_started)
		port_close(a->port_id);
	app_xdp_stop(a);
	arp_table_free(a->arp);
	tcp_steer_free(a->steer);
	mrc_store_free(a->mrc);
	metrics_free(a->metrics_state);
	for (uint32_t q = 0; q < a->cfg.nb_lcores; q++) {
		lcore_ctx_free(a->ctx[q]);
		if (a->pools[q]) {
			in_use += rte_mempool_in_use_count(a->pools[q]);
			total += a->pools[q]->size;
		}
	}
	/* Network tests assert this line: every mbuf came back. */
	LOG(INFO, "exit: mbufs in use %u of %u", in_use, total);
	for (uint32_t q = 0; q < a->cfg.nb_lcores; q++)
		rte_mempool_free(a->pools[q]);
}

int
main(int argc, char **argv)
{
	static struct app a;
	struct sigaction sa;
	char ip[INET_ADDRSTRLEN];
	int rc;

	app_parse_args(&a, argc, argv);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = app_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	/* Before EAL and the port: a second instance on the same socket
	 * stops here, touching nothing. */
	a.ctl = ctl_server_create(&(struct ctl_params){ .path = a.cfg.ctl_socket });
	if (!a.ctl) {
		fprintf(stderr, "linerate: control socket %s: %s\n",
			a.cfg.ctl_socket, errno == EADDRINUSE ?
			"another linerate is serving it (set ctl.socket)" :
			strerror(errno));
		return EXIT_FAILURE;
	}
	rc = app_eal_init(&a, argv[0]);
	if (rc < 0)
		rte_exit(EXIT_FAILURE, "EAL init failed: %s\n", rte_strerror(-rc));
	for (uint32_t i = 0; i < a.cfg.nb_lcores; i++)
		if (!rte_lcore_is_enabled(a.cfg.lcores[i]))
			rte_exit(EXIT_FAILURE, "lcore %u is not available\n",
				 a.cfg.lcores[i]);
	rc = app_start(&a);
	if (rc < 0) {
		ctl_server_free(a.ctl);
		app_stop(&a);
		rte_eal_cleanup();
		return EXIT_FAILURE;
	}
	app_topology(&a, app_print_topology);
	if (app_print_topology) {
		ctl_server_free(a.ctl);
		app_stop(&a);
		rte_eal_cleanup();
		return 0;
	}
	inet_ntop(AF_INET, &a.ifc.ip, ip, sizeof(ip));
	LOG(INFO, "ready: %s on %s (%s, port %u, socket %d), mac "
	    RTE_ETHER_ADDR_PRT_FMT ", %u data lcore(s), http port %u",
	    ip, a.cfg.iface, config_driver_name(a.cfg.driver), a.port_id,
	    a.socket, RTE_ETHER_ADDR_BYTES(&a.ifc.mac), a.cfg.nb_lcores,
	    a.cfg.http_ports[0]);
	a.view = (struct ctl_view){ .lcores = a.ctx,
				    .nb_lcores = a.cfg.nb_lcores,
				    .cfg = &a.cfg, .port_id = a.port_id };
	a.metrics.lcores = a.ctx;
	a.metrics.nb_lcores = a.cfg.nb_lcores;
	a.tel = (struct ctl_tel_view){ .lcores = a.ctx,
				       .nb_lcores = a.cfg.nb_lcores,
				       .mrc = { mrc_report_store, a.mrc } };
	if (ctl_tel_register(&a.tel) < 0)
		LOG(WARNING, "DPDK telemetry: /linerate commands not registered");
	rc = ctl_register_view(a.ctl, &a.view);
	if (rc == 0)
		rc = ctl_register(a.ctl, "mrc", "1MRC totals", app_cmd_mrc, a.mrc);
	if (rc == 0)
		rc = ctl_register(a.ctl, "reset-mrc", "zero the 1MRC store",
				  app_cmd_reset_mrc, a.mrc);
	if (rc == 0)
		rc = ctl_register(a.ctl, "xdp",
				  "XDP steering program: mode, settings, counters",
				  steer_ctl_xdp, a.xdp);
	if (rc == 0)
		rc = ctl_register(a.ctl, "conns", "connections by TCP state",
				  app_cmd_conns, &a);
	if (rc < 0)
		LOG(ERR, "control commands: %s", strerror(-rc));
	for (uint32_t q = 0; q < a.cfg.nb_lcores; q++)
		rte_eal_remote_launch(lcore_main_loop, a.ctx[q],
				      a.cfg.lcores[q]);
	/* The main lcore serves the control plane only; once a second it
	 * refreshes the XDP counters /metrics reads without a syscall. */
	for (unsigned int tick = 0; !app_quit; tick++) {
		struct steer_counters c;

		ctl_server_poll(a.ctl, 100);
		if (a.xdp && tick % 10 == 0)
			steer_read_counters(a.xdp, &c);
	}
	ctl_server_free(a.ctl);
	LOG(INFO, "stopping");
	lcore_request_stop();
	rte_eal_mp_wait_lcore();
	app_stop(&a);
	rte_eal_cleanup();
	return 0;
}

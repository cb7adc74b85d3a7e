/* SPDX-License-Identifier: BSD-3-Clause */
/* linerate.c: the appliance's main(): wiring the init steps, the control
 * plane loop, and their undoing in reverse order. */
#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_ether.h>
#include <rte_launch.h>

#include "app.h"
#include "args.h"
#include "doctor/doctor.h"
#include "core/lcore.h"
#include "core/log.h"
#include "steer/steer.h"

static volatile sig_atomic_t app_quit;

static void
app_signal(int sig)
{
	app_quit = 1;
	lcore_request_stop();
}

static void
app_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = app_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static int
app_print_config(const struct config *cfg)
{
	char *s = config_to_json(cfg);

	if (!s) {
		fprintf(stderr, "linerate: config: cannot print it\n");
		return LR_EXIT_CONFIG;
	}
	printf("%s\n", s);
	free(s);
	return LR_EXIT_OK;
}

/* Before EAL and the port: a second instance on the same socket stops
 * here, touching nothing. */
static int
app_ctl_open(struct app *a)
{
	a->ctl = ctl_server_create(&(struct ctl_params){ .path = a->cfg.ctl_socket });
	if (a->ctl)
		return 0;
	fprintf(stderr, "linerate: control socket %s: %s\n", a->cfg.ctl_socket,
		errno == EADDRINUSE ?
		"another linerate is serving it (set ctl.socket)" :
		strerror(errno));
	return -errno;
}

/*
 * Launch the data lcores, serve the control plane until a signal, stop
 * and wait for them. The main lcore serves the control plane only; once
 * a second it refreshes the XDP counters /metrics reads without a
 * syscall. Returns LR_EXIT_OK or LR_EXIT_RUNTIME.
 */
static int
app_run(struct app *a)
{
	char ip[INET_ADDRSTRLEN];
	int code = LR_EXIT_OK, rc;

	inet_ntop(AF_INET, &a->ifc.ip, ip, sizeof(ip));
	LOG(INFO, "ready: %s on %s (%s, port %u, socket %d), mac "
	    RTE_ETHER_ADDR_PRT_FMT ", %u data lcore(s), http port %u",
	    ip, a->cfg.iface, config_driver_name(a->cfg.driver), a->port_id,
	    a->socket, RTE_ETHER_ADDR_BYTES(&a->ifc.mac), a->cfg.nb_lcores,
	    a->cfg.http_ports[0]);
	for (uint32_t q = 0; q < a->cfg.nb_lcores; q++) {
		rc = rte_eal_remote_launch(lcore_main_loop, a->ctx[q],
					   a->cfg.lcores[q]);
		if (rc < 0) {
			LOG(ERR, "lcore %u: launch failed: %s",
			    a->cfg.lcores[q], strerror(-rc));
			code = LR_EXIT_RUNTIME;
			break;
		}
	}
	for (unsigned int tick = 0; code == LR_EXIT_OK && !app_quit; tick++) {
		struct steer_counters c;

		ctl_server_poll(a->ctl, 100);
		if (a->xdp && tick % 10 == 0)
			steer_read_counters(a->xdp, &c);
	}
	LOG(INFO, "stopping");
	lcore_request_stop();
	rte_eal_mp_wait_lcore();
	/* SIGTERM: every event answered so far goes to the cluster. */
	app_cluster_stop(a);
	return code;
}

/* Exit status: enum lr_exit (app/app.h), listed by --help. */
int
main(int argc, char **argv)
{
	static struct app a;
	struct app_args args;
	int code;

	code = app_args_parse(&a.cfg, &args, argc, argv);
	if (code >= 0)
		return code;
	if (args.print_config)
		return app_print_config(&a.cfg);
	if (args.check)
		return doctor_run(&a.cfg, stdout) ? LR_EXIT_NOT_READY : LR_EXIT_OK;
	app_signals();

	code = LR_EXIT_CTL;
	if (app_ctl_open(&a) < 0)
		goto out;
	code = LR_EXIT_EAL;
	if (app_eal_init(&a, argv[0]) < 0)
		goto out_ctl;
	code = LR_EXIT_PORT;
	if (app_port_init(&a) < 0)
		goto out_port;
	code = LR_EXIT_STACK;
	if (app_stack_init(&a) < 0)
		goto out_stack;
	if (app_lcores_init(&a) < 0)
		goto out_lcores;
	app_topology(&a, args.print_topology);
	if (args.print_topology) {
		code = LR_EXIT_OK;
		goto out_lcores;
	}
	app_ctl_register(&a);
	code = app_run(&a);
out_lcores:
	app_lcores_fini(&a);
out_stack:
	app_stack_fini(&a);
out_port:
	app_port_fini(&a);
	rte_eal_cleanup();
out_ctl:
	ctl_server_free(a.ctl);
out:
	return code;
}

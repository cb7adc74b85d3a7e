/* SPDX-License-Identifier: BSD-3-Clause */
/* args.c: build/linerate's command line and --help, exit codes included. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "args.h"
#include "core/config.h"
#include "core/version.h"

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
		"  -h, --help            this text\n"
		"exit status:\n"
		"  %d  stopped by SIGINT/SIGTERM (or --check: ready)\n"
		"  %d  --check: an item FAILs\n"
		"  %d  bad command line\n"
		"  %d  the config does not load or is invalid\n"
		"  %d  control socket unavailable (another linerate serves it?)\n"
		"  %d  DPDK EAL init failed, or an lcore is not available\n"
		"  %d  XDP program, port or mempools could not be set up\n"
		"  %d  ARP, routes, stores or per-lcore state could not be set up\n"
		"  %d  a data lcore could not be launched\n",
		LR_EXIT_OK, LR_EXIT_NOT_READY, LR_EXIT_USAGE, LR_EXIT_CONFIG,
		LR_EXIT_CTL, LR_EXIT_EAL, LR_EXIT_PORT, LR_EXIT_STACK,
		LR_EXIT_RUNTIME);
}

enum { OPT_NO_HUGE = 256, OPT_FILE_PREFIX, OPT_PRINT_CONFIG,
       OPT_PRINT_TOPOLOGY, OPT_CHECK };

static const char app_shortopts[] = "c:l:i:a:p:Vh";

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

/*
 * First pass: -c, --help, --version and unknown options, so that the
 * config loads before the flags that override it. Returns -1 to go on
 * or an exit status; sets *file.
 */
static int
app_args_first(int argc, char **argv, const char **file)
{
	int opt;

	while ((opt = getopt_long(argc, argv, app_shortopts, app_opts,
				  NULL)) != -1) {
		if (opt == 'c') {
			*file = optarg;
		} else if (opt == 'h') {
			app_usage(stdout);
			return LR_EXIT_OK;
		} else if (opt == 'V') {
			printf("linerate %s (%s)\n", LR_VERSION, LR_GITREV);
			return LR_EXIT_OK;
		} else if (opt == '?') {
			app_usage(stderr);
			return LR_EXIT_USAGE;
		}
	}
	return -1;
}

/* One flag of the second pass into cfg or args: 0, or -1 with err. */
static int
app_args_flag(struct config *cfg, struct app_args *args, int opt,
	      char *err)
{
	char *end;
	long p;

	switch (opt) {
	case 'l':
		return config_parse_lcores(cfg, optarg, err) < 0 ? -1 : 0;
	case 'i':
		if (strlen(optarg) >= sizeof(cfg->iface)) {
			snprintf(err, CONFIG_ERR_LEN, "--iface: name too long");
			return -1;
		}
		snprintf(cfg->iface, sizeof(cfg->iface), "%s", optarg);
		return 0;
	case 'a':
		return config_parse_cidr(cfg, optarg, err) < 0 ? -1 : 0;
	case 'p':
		p = strtol(optarg, &end, 10);
		if (*end || p < 1 || p > 65535) {
			snprintf(err, CONFIG_ERR_LEN,
				 "--port: '%s' is not a port 1..65535", optarg);
			return -1;
		}
		cfg->http_ports[0] = (uint16_t)p;
		cfg->nb_http_ports = 1;
		return 0;
	case OPT_NO_HUGE:
		cfg->hugepages = CONFIG_OFF;
		return 0;
	case OPT_FILE_PREFIX:
		snprintf(cfg->file_prefix, sizeof(cfg->file_prefix), "%s",
			 optarg);
		return 0;
	case OPT_PRINT_CONFIG:
		args->print_config = true;
		return 0;
	case OPT_PRINT_TOPOLOGY:
		args->print_topology = true;
		return 0;
	case OPT_CHECK:
		args->check = true;
		return 0;
	}
	return 0;
}

int
app_args_parse(struct config *cfg, struct app_args *args, int argc,
	       char **argv)
{
	char err[CONFIG_ERR_LEN];
	const char *file = NULL;
	int opt, rc;

	*args = (struct app_args){ 0 };
	rc = app_args_first(argc, argv, &file);
	if (rc >= 0)
		return rc;
	config_defaults(cfg);
	if (file)
		rc = config_load_file(cfg, file, err);
	else
		rc = config_parse(cfg, config_default_json,
				  strlen(config_default_json), err);
	if (rc < 0) {
		fprintf(stderr, "linerate: config %s: %s\n",
			file ? file : "(embedded)", err);
		return LR_EXIT_CONFIG;
	}
	optind = 1;
	while ((opt = getopt_long(argc, argv, app_shortopts, app_opts,
				  NULL)) != -1)
		if (app_args_flag(cfg, args, opt, err) < 0)
			goto bad;
	if (optind < argc) {
		snprintf(err, sizeof(err), "unexpected argument '%s'",
			 argv[optind]);
		goto bad;
	}
	return -1;
bad:
	fprintf(stderr, "linerate: %s\n", err);
	return LR_EXIT_USAGE;
}

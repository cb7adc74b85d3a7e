/* SPDX-License-Identifier: BSD-3-Clause */
/* load_args.c: build/linerate-load's command line and --help. */
#include <arpa/inet.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "load.h"

static void
load_usage(FILE *f)
{
	fprintf(f,
		"usage: linerate-load -c CONFIG --url http://IP:PORT "
		"[options]\n"
		"1MRC load over linerate's own stack (any port type of the "
		"config).\n"
		"  -c, --config FILE   JSON config, linerate's schema (our "
		"address, port)\n"
		"  -u, --url URL       the server: http://A.B.C.D:PORT or\n"
		"                      http://[IPv6]:PORT\n"
		"  -n, --events N      send N events (default 1000000)\n"
		"  -d, --duration S    or send for S seconds\n"
		"      --conns N       connections (default 16), split over "
		"the lcores\n"
		"      --depth D       pipelined requests per connection "
		"(default 1)\n"
		"      --rate R        open loop: R requests/s in all, latency "
		"from the\n"
		"                      intended send time (default: closed "
		"loop)\n"
		"      --conn-per-request  each request on a new connection "
		"(depth 1):\n"
		"                      after the answer we close first, so "
		"TIME_WAIT\n"
		"                      is ours (tcp_connect reuses it: "
		"docs/LOAD.md)\n"
		"      --users U       distinct users (default 75000): event i "
		"is\n"
		"                      user_<i %% U> with value <i %% 1000>.5\n"
		"      --reset         POST /reset first (must answer 200)\n"
		"      --expect-exact  GET /stats at the end, compare "
		"totalRequests,\n"
		"                      uniqueUsers, sum and avg; exit 1 on a "
		"difference\n"
		"  -l, --lcores LIST   data lcores (replaces the config's)\n"
		"      --file-prefix P DPDK runtime prefix (default "
		"linerate-<pid>)\n"
		"      --no-huge       run without hugepages\n"
		"      --json          one JSON object on stdout at the end\n"
		"      --linger S      after the report, keep the port open "
		"(lcores\n"
		"                      stopped) until its link goes down or S "
		"seconds\n"
		"                      pass: stop a memif peer first, so that "
		"it never\n"
		"                      sees this side go while it polls "
		"(docs/LOAD.md)\n"
		"  -h, --help          this text\n"
		"exit status: 0 done (exact when checked); 1 a difference or a\n"
		"request of unknown fate with --expect-exact, or answers missing\n"
		"(no progress for 10 s); 2 usage, 3 config, 5 EAL, 6 port or\n"
		"link, 7 stack, 8 run (server unreachable, launch failed)\n");
}

enum {
	OPT_CONNS = 256,
	OPT_DEPTH,
	OPT_RATE,
	OPT_USERS,
	OPT_RESET,
	OPT_EXACT,
	OPT_JSON,
	OPT_PREFIX,
	OPT_NO_HUGE,
	OPT_LINGER,
	OPT_CPR
};

static const struct option load_opts_long[] = {
	{"config", required_argument, NULL, 'c'},
	{"url", required_argument, NULL, 'u'},
	{"events", required_argument, NULL, 'n'},
	{"duration", required_argument, NULL, 'd'},
	{"conns", required_argument, NULL, OPT_CONNS},
	{"depth", required_argument, NULL, OPT_DEPTH},
	{"rate", required_argument, NULL, OPT_RATE},
	{"users", required_argument, NULL, OPT_USERS},
	{"reset", no_argument, NULL, OPT_RESET},
	{"expect-exact", no_argument, NULL, OPT_EXACT},
	{"lcores", required_argument, NULL, 'l'},
	{"file-prefix", required_argument, NULL, OPT_PREFIX},
	{"no-huge", no_argument, NULL, OPT_NO_HUGE},
	{"json", no_argument, NULL, OPT_JSON},
	{"linger", required_argument, NULL, OPT_LINGER},
	{"conn-per-request", no_argument, NULL, OPT_CPR},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

/* An unsigned in [lo, hi]; false otherwise. */
static bool
load_num(const char *s, uint64_t lo, uint64_t hi, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!*s || *s == '-')
		return false;
	v = strtoull(s, &end, 10);
	if (*end || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

/* http://A.B.C.D:PORT or http://[IPv6]:PORT, an optional path after. */
static bool
load_url(struct load_opts *o, const char *url)
{
	char ip[INET6_ADDRSTRLEN], ps[8];
	const char *p = url, *end, *colon;
	uint64_t port;
	size_t n;

	if (strncmp(p, "http://", 7) == 0)
		p += 7;
	o->v6 = *p == '[';
	if (o->v6) {
		end = strchr(++p, ']');
		colon = end && end[1] == ':' ? end + 1 : NULL;
	} else {
		end = colon = strchr(p, ':');
	}
	if (!colon || (size_t)(end - p) >= sizeof(ip))
		return false;
	n = (size_t)(end - p);
	memcpy(ip, p, n);
	ip[n] = '\0';
	if (o->v6 ? inet_pton(AF_INET6, ip, o->ip6) != 1 :
		    inet_pton(AF_INET, ip, &o->ip) != 1)
		return false;
	n = strcspn(colon + 1, "/");
	if (n == 0 || n > 5)
		return false;
	memcpy(ps, colon + 1, n);
	ps[n] = '\0';
	if (!load_num(ps, 1, 65535, &port))
		return false;
	o->port = htons((uint16_t)port);
	snprintf(o->host, sizeof(o->host), o->v6 ? "[%s]:%u" : "%s:%u", ip,
		 (unsigned int)port);
	return true;
}

static int
load_flag(struct config *cfg, struct load_opts *o, int opt, const char *arg,
	  char *err, size_t errlen)
{
	uint64_t v;
	char *end;

	switch (opt) {
	case 'c':
		return 0; /* loaded first */
	case 'u':
		if (!load_url(o, arg))
			goto bad;
		return 0;
	case 'n':
		if (!load_num(arg, 1, UINT64_MAX / 2, &o->events))
			goto bad;
		o->duration_s = 0;
		return 0;
	case 'd':
		o->duration_s = strtod(arg, &end);
		if (*end || !(o->duration_s > 0))
			goto bad;
		o->events = 0;
		return 0;
	case OPT_CONNS:
		if (!load_num(arg, 1, 1000000, &v))
			goto bad;
		o->conns = (uint32_t)v;
		return 0;
	case OPT_DEPTH:
		if (!load_num(arg, 1, 1024, &v))
			goto bad;
		o->depth = (uint32_t)v;
		return 0;
	case OPT_RATE:
		o->rate = strtod(arg, &end);
		if (*end || !(o->rate > 0))
			goto bad;
		return 0;
	case OPT_USERS:
		if (!load_num(arg, 1, 1000000000ull, &o->users))
			goto bad;
		return 0;
	case OPT_RESET:
		o->reset = true;
		return 0;
	case OPT_EXACT:
		o->expect_exact = true;
		return 0;
	case OPT_JSON:
		o->json = true;
		return 0;
	case OPT_CPR:
		o->conn_per_req = true;
		return 0;
	case OPT_LINGER:
		o->linger_s = strtod(arg, &end);
		if (*end || !(o->linger_s >= 0))
			goto bad;
		return 0;
	case 'l':
		return config_parse_lcores(cfg, arg, err) < 0 ? -1 : 0;
	case OPT_PREFIX:
		snprintf(cfg->file_prefix, sizeof(cfg->file_prefix), "%s", arg);
		return 0;
	case OPT_NO_HUGE:
		cfg->hugepages = CONFIG_OFF;
		return 0;
	default:
		snprintf(err, errlen, "unknown option (see --help)");
		return -1;
	}
bad:
	snprintf(err, errlen, "bad value '%s'", arg);
	return -1;
}

int
load_args_parse(struct config *cfg, struct load_opts *o, int argc, char **argv)
{
	static const char shortopts[] = "c:u:n:d:l:h";
	char err[CONFIG_ERR_LEN];
	const char *file = NULL;
	int opt;

	*o = (struct load_opts){
		.events = 1000000, .conns = 16, .depth = 1, .users = 75000};
	opterr = 0;
	while ((opt = getopt_long(argc, argv, shortopts, load_opts_long,
				  NULL)) != -1) {
		if (opt == 'h') {
			load_usage(stdout);
			return LOAD_EXIT_OK;
		}
		if (opt == 'c')
			file = optarg;
		if (opt == '?') {
			fprintf(stderr, "linerate-load: bad option %s\n",
				argv[optind - 1]);
			load_usage(stderr);
			return LOAD_EXIT_USAGE;
		}
	}
	if (!file) {
		fprintf(stderr, "linerate-load: -c CONFIG is required\n");
		return LOAD_EXIT_USAGE;
	}
	config_defaults(cfg);
	if (config_load_file(cfg, file, err) < 0) {
		fprintf(stderr, "linerate-load: config %s: %s\n", file, err);
		return LOAD_EXIT_CONFIG;
	}
	optind = 1;
	while ((opt = getopt_long(argc, argv, shortopts, load_opts_long,
				  NULL)) != -1)
		if (load_flag(cfg, o, opt, optarg, err, sizeof(err)) < 0) {
			fprintf(stderr, "linerate-load: %s\n", err);
			return LOAD_EXIT_USAGE;
		}
	if (o->conn_per_req)
		o->depth = 1; /* one request a connection */
	if (optind < argc || (!o->ip && !o->v6)) {
		fprintf(stderr, "linerate-load: %s\n",
			optind < argc ? "unexpected argument"
				      : "--url is required");
		return LOAD_EXIT_USAGE;
	}
	o->prefix_len = (uint32_t)snprintf(
		o->prefix, sizeof(o->prefix),
		"POST /event HTTP/1.1\r\nHost: %s\r\n"
		"Content-Type: application/json\r\nContent-Length: ",
		o->host);
	return -1;
}

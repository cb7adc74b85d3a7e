/* SPDX-License-Identifier: BSD-3-Clause */
/* load.h: linerate-load's options, per-lcore client state and phases. */
#ifndef LR_APP_LOAD_H
#define LR_APP_LOAD_H

#include <stdbool.h>
#include <stdint.h>

#include "load_hist.h"

struct config;
struct lcore_ctx;
struct load_conn;

/* Exit status of build/linerate-load. */
enum load_exit {
	LOAD_EXIT_OK = 0,
	LOAD_EXIT_MISMATCH = 1, /* --expect-exact: /stats differs, or an
				 * answer never came (stalled run) */
	LOAD_EXIT_USAGE = 2,
	LOAD_EXIT_CONFIG = 3,
	LOAD_EXIT_EAL = 5,
	LOAD_EXIT_PORT = 6, /* port, mempools, or the link never came up */
	LOAD_EXIT_STACK = 7,
	LOAD_EXIT_RUNTIME = 8, /* launch failed, server unreachable */
};

/* The command line (load_args.c). */
struct load_opts {
	uint32_t ip;	   /* --url's IPv4 address, network order */
	uint8_t ip6[16];   /* --url's IPv6 address ("[...]") when v6 */
	bool v6;
	uint16_t port;	   /* network order */
	char host[64];	   /* "IP:PORT" or "[IP6]:PORT" for the Host header */
	uint64_t events;   /* -n; 0 with --duration */
	double duration_s; /* --duration; 0 with -n */
	uint32_t conns;
	uint32_t depth;
	double rate; /* --rate, requests/s; 0: closed loop */
	uint64_t users;
	bool reset, expect_exact, json;
	bool conn_per_req; /* --conn-per-request: one request a connection,
			    * then our FIN (TIME_WAIT on our side) */
	double linger_s;  /* --linger: wait for the peer to disconnect */
	char prefix[160]; /* the request up to the Content-Length value */
	uint32_t prefix_len;
};

/* What the main thread asks of the lcores, in order. */
enum load_phase {
	LOAD_PHASE_PRE,	  /* lcore 0: POST /reset or the baseline /stats */
	LOAD_PHASE_RUN,	  /* every lcore: the events */
	LOAD_PHASE_STATS, /* lcore 0: GET /stats */
	LOAD_PHASE_CLOSE, /* every lcore: close its connections */
};

/* Shared between the main thread and the lcores. */
struct load_shared {
	volatile int phase;	   /* enum load_phase, written by main */
	volatile int stop_issuing; /* --duration over, or a signal */
	volatile int ctl_status;   /* lcore 0: status of the control answer,
				    * 0 while waiting, -1 on failure */
	char ctl_body[4096];	   /* its body, NUL-terminated */
	uint64_t start_tsc;	   /* RUN began (open loop's schedule) */
	uint64_t tsc_hz;
};

/* One lcore's client: written by its lcore, read by main. */
struct load_lcore {
	struct lcore_ctx *ctx;
	const struct load_opts *o;
	struct load_shared *sh;
	unsigned int idx, nb; /* this lcore's index, number of lcores */
	struct load_conn *conns;
	uint32_t nconns;
	struct load_conn *ctl; /* lcore 0: the control connection */
	int ctl_phase;	       /* the phase its request was sent for */
	uint64_t next_k;       /* events issued: event idx + k * nb */
	uint64_t rr;	       /* open loop: next connection to try */
	/* counters (main reads them while the lcore runs) */
	volatile uint64_t sent, ok, non2xx, conn_errors, uncertain;
	volatile uint64_t connects; /* handshakes completed */
	volatile uint64_t in_flight, open_conns;
	volatile int run_done;
	uint64_t sum_halves;   /* 2 * value of every 2xx event */
	uint64_t *users;       /* bitmap of users with a 2xx event */
	struct load_hist hist; /* latency in ns */
	bool closing;
};

/* load_client.c: allocate lc's connections and bitmap (idx, nb, o, sh,
 * ctx set by the caller). 0 or -ENOMEM. */
int load_lcore_init(struct load_lcore *lc);
/* Free what load_lcore_init took (after tcp_lcore_fini). */
void load_lcore_fini(struct load_lcore *lc);
/* The lcore loop's poll_end hook (arg: the struct load_lcore). */
void load_poll_end(struct lcore_ctx *ctx, void *arg);

/* load_args.c: parse argv into cfg (-c, --lcores) and o. Returns -1 to
 * go on, or an exit status (--help: 0). */
int load_args_parse(struct config *cfg, struct load_opts *o, int argc,
		    char **argv);

/* The run's totals (load_report.c). */
struct load_result {
	uint64_t sent, ok, non2xx, conn_errors, uncertain, sum_halves;
	uint64_t connects;
	uint64_t uniq;
	uint64_t in_flight_left; /* never answered: the run stalled or timed out
				  */
	double elapsed_s;
	struct load_hist hist;
	int exact; /* -1: not checked, 0: differs, 1: exact */
	bool have_stats;
	double st[4]; /* totalRequests, uniqueUsers, sum, avg */
	char diff[512];
	char stats_json[4096];
};

/* load_report.c: sum the lcores into r (bitmaps merged). */
void load_result_merge(struct load_result *r, struct load_lcore *const *lc,
		       unsigned int n, uint64_t users);
/* Read the four numbers from a /stats body; false when one is missing. */
bool load_stats_parse(const char *body, double st[4]);
/* Compare r->st (/stats after the run, the store empty before it) with
 * r's totals; sets r->exact and r->diff. */
void load_check(struct load_result *r);
/* The --json object, or the human summary, on stdout. */
void load_report(const struct load_result *r, bool json);

#endif

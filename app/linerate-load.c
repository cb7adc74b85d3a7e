/* SPDX-License-Identifier: BSD-3-Clause */
/* linerate-load.c: the 1MRC load generator's main(): linerate's port and
 * lcore wiring, the phases (reset, run, stats, close) and the report. */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_launch.h>

#include "app.h"
#include "core/lcore.h"
#include "core/log.h"
#include "core/port_memif.h"
#include "load.h"
#include "net/eth.h"
#include "net/tcp.h"

#define LOAD_LINK_WAIT_MS 10000 /* for the link (memif: the peer) */
#define LOAD_CTL_WAIT_MS 10000	/* for an answer to POST /reset, /stats */
#define LOAD_DRAIN_MS 10000	/* for answers once sending stopped */
#define LOAD_STALL_S 10		/* no answer at all for this long: give up */
#define LOAD_CLOSE_MS 2000	/* for the FIN exchanges at the end */
#define LOAD_SETTLE_MS 100	/* memif: for the PMD's own disconnect */

static volatile sig_atomic_t load_quit;

static void
load_signal(int sig)
{
	(void)sig;
	load_quit = 1;
}

static double
load_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Wait for the port's link: memif is down until its peer connects. */
static int
load_link_wait(uint16_t port_id)
{
	struct rte_eth_link link;

	for (int ms = 0; ms < LOAD_LINK_WAIT_MS && !load_quit; ms += 10) {
		memset(&link, 0, sizeof(link));
		if (rte_eth_link_get_nowait(port_id, &link) == 0 &&
		    link.link_status == RTE_ETH_LINK_UP)
			return 0;
		usleep(10000);
	}
	LOG(ERR, "port %u: link still down after %d ms", port_id,
	    LOAD_LINK_WAIT_MS);
	return -ENETDOWN;
}

/*
 * --linger: the lcores are stopped; wait for the peer to take the link
 * down before closing the port. A memif peer that is still polling when
 * this side disconnects can fault inside the PMD (DPDK 22.11 unmaps the
 * rings under its rx burst), so the peer goes first.
 */
static void
load_linger(uint16_t port_id, double secs)
{
	struct rte_eth_link link;
	double end = load_now() + secs;

	LOG(INFO, "lingering up to %.0f s for the peer to disconnect", secs);
	while (load_now() < end && !load_quit) {
		memset(&link, 0, sizeof(link));
		if (rte_eth_link_get_nowait(port_id, &link) == 0 &&
		    link.link_status != RTE_ETH_LINK_UP) {
			/* The PMD marks the link down first and then
			 * unmaps, on the interrupt thread: let it finish
			 * before port_close disconnects again. */
			usleep(LOAD_SETTLE_MS * 1000);
			LOG(INFO, "peer gone: closing the port");
			return;
		}
		usleep(10000);
	}
}

/* A control answer from lcore 0 (status, or -1), 0 on timeout. */
static int
load_ctl_wait(struct load_shared *sh)
{
	int st;

	for (int ms = 0; ms < LOAD_CTL_WAIT_MS && !load_quit; ms += 1) {
		st = __atomic_load_n(&sh->ctl_status, __ATOMIC_ACQUIRE);
		if (st)
			return st;
		usleep(1000);
	}
	return 0;
}

static bool
load_all(struct load_lcore *lc, unsigned int n, bool done)
{
	for (unsigned int i = 0; i < n; i++)
		if (done ? !lc[i].run_done : lc[i].open_conns != 0)
			return false;
	return true;
}

/* The events, a progress line a second on stderr. */
static void
load_run(struct load_lcore *lc, unsigned int n, const struct load_opts *o,
	 struct load_shared *sh, double *elapsed, bool *stalled)
{
	double t0 = load_now(), next = t0 + 1, stop_at = 0, now;
	uint64_t last = 0, stalled_s = 0;

	sh->start_tsc = rte_rdtsc();
	__atomic_store_n(&sh->phase, LOAD_PHASE_RUN, __ATOMIC_RELEASE);
	for (;;) {
		usleep(1000);
		now = load_now();
		if (!sh->stop_issuing &&
		    (load_quit ||
		     (o->duration_s > 0 && now - t0 >= o->duration_s))) {
			sh->stop_issuing = 1;
			stop_at = now;
		}
		if (load_all(lc, n, true))
			break;
		if (stop_at && now - stop_at > LOAD_DRAIN_MS / 1e3) {
			LOG(WARNING,
			    "answers still missing %d ms after the end",
			    LOAD_DRAIN_MS);
			break;
		}
		if (now >= next) {
			uint64_t ok = 0, fl = 0, err = 0;

			for (unsigned int i = 0; i < n; i++) {
				ok += lc[i].ok;
				fl += lc[i].in_flight;
				err += lc[i].non2xx + lc[i].conn_errors;
			}
			fprintf(stderr,
				"linerate-load: %.0f s: %" PRIu64
				" req/s, %" PRIu64 " done, %" PRIu64
				" in flight, %" PRIu64 " errors\n",
				now - t0, ok + err - last, ok, fl, err);
			stalled_s = ok + err == last ? stalled_s + 1 : 0;
			last = ok + err;
			next += 1;
			if (stalled_s >= LOAD_STALL_S) {
				LOG(WARNING,
				    "no answer nor error for %d s: "
				    "giving up (%" PRIu64 " in flight)",
				    LOAD_STALL_S, fl);
				*stalled = true;
				break;
			}
		}
	}
	*elapsed = load_now() - t0;
	sh->stop_issuing = 1;
}

/* The phases after launch; fills r. Returns an exit status. */
static int
load_phases(struct load_lcore *lc, unsigned int n, const struct load_opts *o,
	    struct load_shared *sh, struct load_result *r)
{
	struct load_lcore *ptr[CONFIG_MAX_LCORES];
	int code = LOAD_EXIT_OK, st;
	bool stalled = false;

	if (o->reset || o->expect_exact) {
		st = load_ctl_wait(sh);
		if (st != 200) {
			fprintf(stderr, "linerate-load: %s: %s %d\n",
				o->reset ? "POST /reset" : "GET /stats",
				st ? "status" : "no answer", st);
			return LOAD_EXIT_RUNTIME;
		}
		if (!o->reset &&
		    (!load_stats_parse(sh->ctl_body, r->st) || r->st[0] != 0)) {
			fprintf(stderr,
				"linerate-load: --expect-exact needs "
				"--reset or an empty store: %s\n",
				sh->ctl_body);
			return LOAD_EXIT_USAGE;
		}
		sh->ctl_status = 0;
	}
	load_run(lc, n, o, sh, &r->elapsed_s, &stalled);
	for (unsigned int i = 0; i < n; i++)
		ptr[i] = &lc[i];
	load_result_merge(r, ptr, n, o->users);
	r->exact = -1;
	if (o->expect_exact) {
		__atomic_store_n(&sh->phase, LOAD_PHASE_STATS,
				 __ATOMIC_RELEASE);
		st = load_ctl_wait(sh);
		r->have_stats =
			st == 200 && load_stats_parse(sh->ctl_body, r->st);
		if (r->have_stats) {
			snprintf(r->stats_json, sizeof(r->stats_json), "%s",
				 sh->ctl_body);
			load_check(r);
		} else {
			r->exact = 0;
			snprintf(r->diff, sizeof(r->diff), "GET /stats: %d",
				 st);
		}
		if (!r->exact)
			code = LOAD_EXIT_MISMATCH;
	}
	if (stalled || r->in_flight_left)
		code = LOAD_EXIT_MISMATCH;
	__atomic_store_n(&sh->phase, LOAD_PHASE_CLOSE, __ATOMIC_RELEASE);
	for (int ms = 0; ms < LOAD_CLOSE_MS && !load_all(lc, n, false); ms++)
		usleep(1000);
	return code;
}

/* Contexts and clients on every data lcore. */
static int
load_lcores_init(struct app *a, struct load_lcore *lc,
		 const struct load_opts *o, struct load_shared *sh)
{
	for (uint16_t q = 0; q < a->cfg.nb_lcores; q++) {
		struct lcore_hooks hooks = {.input = eth_input_burst,
					    .poll_end = load_poll_end,
					    .arg = &lc[q]};

		if (app_lcore_ctx_init(a, q, &hooks) < 0)
			return -1;
		lc[q] = (struct load_lcore){.ctx = a->ctx[q],
					    .o = o,
					    .sh = sh,
					    .idx = q,
					    .nb = a->cfg.nb_lcores};
		if (load_lcore_init(&lc[q]) < 0) {
			LOG(ERR, "lcore %u: no memory for the clients",
			    a->cfg.lcores[q]);
			return -1;
		}
	}
	return 0;
}

/* Reset what is left (RSTs while the port runs), free the clients and
 * the contexts. */
static void
load_lcores_fini(struct app *a, struct load_lcore *lc)
{
	for (uint32_t q = 0; q < a->cfg.nb_lcores; q++)
		if (a->ctx[q]) {
			tcp_lcore_fini(a->ctx[q]);
			lcore_tx_flush(a->ctx[q]);
			app_lcore_log_stats(a->ctx[q]);
			load_lcore_fini(&lc[q]);
			lcore_ctx_free(a->ctx[q]);
			a->ctx[q] = NULL;
		}
}

static int
load_launch(struct app *a)
{
	for (uint32_t q = 0; q < a->cfg.nb_lcores; q++) {
		int rc = rte_eal_remote_launch(lcore_main_loop, a->ctx[q],
					       a->cfg.lcores[q]);

		if (rc < 0) {
			LOG(ERR, "lcore %u: launch failed: %s",
			    a->cfg.lcores[q], strerror(-rc));
			return -1;
		}
	}
	return 0;
}

int
main(int argc, char **argv)
{
	static struct app a;
	static struct load_opts o;
	static struct load_shared sh;
	static struct load_lcore lc[CONFIG_MAX_LCORES];
	static struct load_result r;
	struct sigaction sa;
	int code;

	code = load_args_parse(&a.cfg, &o, argc, argv);
	if (code >= 0)
		return code;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = load_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	code = LOAD_EXIT_EAL;
	if (app_eal_init(&a, argv[0]) < 0)
		goto out;
	sh.tsc_hz = rte_get_tsc_hz();
	code = LOAD_EXIT_PORT;
	if (app_port_init(&a) < 0 || load_link_wait(a.port_id) < 0)
		goto out_port;
	code = LOAD_EXIT_STACK;
	if (app_net_init(&a) < 0)
		goto out_net;
	if (load_lcores_init(&a, lc, &o, &sh) < 0)
		goto out_lcores;
	sh.phase = LOAD_PHASE_PRE; /* load_phases moves it on */
	code = LOAD_EXIT_RUNTIME;
	if (load_launch(&a) == 0)
		code = load_phases(lc, a.cfg.nb_lcores, &o, &sh, &r);
	else
		sh.phase = LOAD_PHASE_CLOSE;
	lcore_request_stop();
	rte_eal_mp_wait_lcore();
	port_memif_unguard(); /* no burst left to wait for */
	if (code == LOAD_EXIT_OK || code == LOAD_EXIT_MISMATCH)
		load_report(&r, o.json);
	fflush(stdout);
	if (o.linger_s > 0)
		load_linger(a.port_id, o.linger_s);
out_lcores:
	load_lcores_fini(&a, lc);
out_net:
	app_net_fini(&a);
out_port:
	app_port_fini(&a);
	rte_eal_cleanup();
out:
	return code;
}

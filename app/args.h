/* SPDX-License-Identifier: BSD-3-Clause */
/* args.h: build/linerate's command line into a config and what to do. */
#ifndef LR_APP_ARGS_H
#define LR_APP_ARGS_H

#include <stdbool.h>

struct config;

/* What the command line asks for besides serving. */
struct app_args {
	bool print_config;   /* print the effective config, exit */
	bool print_topology; /* start, print placement, exit */
	bool check;          /* host readiness report, start nothing */
};

/*
 * Parse argv: the config file (-c, else the embedded one) into cfg, then
 * the flags over it, into cfg and args. Returns -1 when the program goes
 * on, or the exit status (enum lr_exit) after printing: LR_EXIT_OK for
 * --help and --version, LR_EXIT_USAGE (usage on stderr) or
 * LR_EXIT_CONFIG (the reason on stderr).
 */
int app_args_parse(struct config *cfg, struct app_args *args, int argc,
		   char **argv);

#endif

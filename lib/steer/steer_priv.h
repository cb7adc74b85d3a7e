/* SPDX-License-Identifier: BSD-3-Clause */
/* steer_priv.h: lib/steer's internals shared by its files. */
#ifndef LR_STEER_STEER_PRIV_H
#define LR_STEER_STEER_PRIV_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include "steer/steer.h"

struct bpf_object;

struct steer {
	char iface[IF_NAMESIZE];
	unsigned int ifindex;       /* 0: load only */
	uint16_t ports[STEER_MAX_PORTS]; /* host order */
	uint32_t nb_ports;
	uint32_t ip;
	bool own_ip;
	uint8_t ip6[16];            /* with has_ip6 */
	bool has_ip6, own_ip6;
	uint32_t vips[STEER_MAX_VIPS]; /* network order */
	uint32_t nb_vips, vip_arp;
	struct steer_cfg cfg;       /* what steer_configure() writes */
	bool configured;
	/* The copy steer_load() loaded (gone once steer_attach() adopted
	 * the PMD's), and the object file the PMD loads. */
	struct bpf_object *obj;
	int memfd;
	char path[256];
	/* The live program: the loaded copy, then the attached one. Each fd
	 * is this struct's own (dup'ed or got by id). */
	int prog_fd, cfg_fd, stats_fd, xsks_fd;
	uint32_t prog_id;
	bool adopted;
	/* Per-CPU read buffer and the snapshot for data-plane readers. */
	int ncpus;
	struct steer_stats *percpu;
	uint32_t seq;               /* odd while snap is being written */
	struct steer_counters snap;
};

/* What a loaded program is, from its fd (steer_prog_inspect). */
struct steer_prog_view {
	char name[16];
	uint32_t id;
	/* Maps found by name (-1 when absent) and their value sizes; the
	 * caller closes the fds. */
	int cfg_fd, stats_fd, xsks_fd;
	uint32_t cfg_size, stats_size, xsks_type;
};

/* Fill v from a program fd. 0 or -errno. */
int steer_prog_inspect(int prog_fd, struct steer_prog_view *v);

/* Close the map fds of v. */
void steer_prog_view_close(struct steer_prog_view *v);

/* Do the maps of v match what this build of the program has? */
bool steer_prog_view_ok(const struct steer_prog_view *v);

/* How many fds of process pid refer to program prog_id. */
int steer_prog_fd_count(int pid, uint32_t prog_id);

/* XDP_FLAGS_*_MODE for a mode. */
uint32_t steer_mode_flag(enum steer_mode m);

#endif

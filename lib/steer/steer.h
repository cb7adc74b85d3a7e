/* SPDX-License-Identifier: BSD-3-Clause */
/* steer.h: the XDP steering program (bpf/steer.bpf.c) seen from user space. */
#ifndef LR_STEER_STEER_H
#define LR_STEER_STEER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../bpf/steer.h"

/*
 * How the program reaches the interface with DPDK 22.11 (docs/XDP.md):
 * net_af_xdp loads and attaches it itself from the `xdp_prog=PATH` devarg
 * and fills its xsks_map; it offers no hook to set anything before the
 * load. So:
 *
 *   steer_load()     before port_open(): checks the object against the
 *                    verifier, removes a stale copy a killed run left on
 *                    the interface (steer_reclaim) and gives the PATH;
 *   (port_open + port_start: the PMD loads PATH, attaches it, inserts
 *                    one AF_XDP socket per queue; the program passes every
 *                    frame to the kernel until it is configured)
 *   steer_attach()   after port_start(): finds that program on the
 *                    interface and writes the settings into its steer_cfg
 *                    map: steering starts;
 *   steer_read_counters()  control plane, any time;
 *   steer_detach()   at exit, after port_close() (the PMD detaches the
 *                    program itself on close; this makes sure of it).
 *
 * Library code: errors come back as -errno with a message, nothing is
 * logged. Every function runs on the control plane (main lcore), never on
 * the data path; steer_counters_snapshot() is the one a data-plane lcore
 * may call.
 */

#define STEER_ERR_LEN 256

struct json_t;
struct report_sink;
struct steer;

enum steer_mode {
	STEER_MODE_NONE,   /* not attached */
	STEER_MODE_NATIVE, /* in the driver (XDP_FLAGS_DRV_MODE) */
	STEER_MODE_SKB,    /* generic, after the skb is built */
	STEER_MODE_HW,     /* offloaded to the NIC */
};

struct steer_params {
	/* The kernel-owned interface; NULL: load only (tests, benches). */
	const char *iface;
	uint32_t ip;            /* linerate's IPv4 address, network order */
	const uint8_t *ip6;     /* its IPv6 address (16 bytes); NULL: none */
	const uint16_t *ports;  /* TCP ports, host order */
	uint32_t nb_ports;      /* 1..STEER_MAX_PORTS */
	/* ip.vips: TCP to these (network order) too, and ARP for those
	 * whose bit is set in vip_arp; nb_vips 0..STEER_MAX_VIPS */
	const uint32_t *vips;
	uint32_t nb_vips;
	uint32_t vip_arp;
	/* The object to load. NULL: the one built into linerate (bpftool
	 * skeleton), else <dir of the binary>/bpf/steer.bpf.o, else
	 * <dir of the binary>/../lib/linerate/bpf/steer.bpf.o. */
	const char *object;
	/* Is ip linerate's alone (STEER_F_OWN_IP)? -1: yes unless a kernel
	 * interface in this namespace has that address; 0: no; 1: yes.
	 * The same for ip6 (STEER_F_OWN_IP6), decided on its own. */
	int own_ip;
};

/* The counters summed over CPUs, with the totals the control plane shows. */
struct steer_counters {
	uint64_t steered;           /* STEER_CNT_STEERED_* */
	uint64_t passed;            /* STEER_CNT_PASSED_* */
	uint64_t dropped_malformed; /* BAD_HEADER, TRUNCATED, FRAGMENT, TCP_FLAGS */
	uint64_t dropped_no_xsk;    /* STEER_CNT_DROP_NO_XSK */
	uint64_t v[STEER_CNT__COUNT]; /* by reason, enum steer_counter */
};

/* What steer_info() reports. */
struct steer_info {
	char iface[16];
	unsigned int ifindex;
	enum steer_mode mode;   /* how the program is attached now */
	uint32_t prog_id;       /* the live program (0 before steer_attach) */
	bool configured;        /* steer_attach/steer_configure succeeded */
	struct steer_cfg cfg;   /* the settings written (host-order ports
				 * are in steer_params; these are as the
				 * program reads them) */
	char object[256];       /* what steer_object_path() returns */
};

/*
 * Open the object and load it into the kernel (a verifier check: an
 * object that does not load fails here with libbpf's message on stderr
 * rather than deep inside the PMD), compute the settings, and when
 * p->iface is set remove a stale steering program from it
 * (steer_reclaim). msg receives what an operator should read (a stale
 * program removed, the address shared with the kernel), or the error.
 * Returns the handle, or NULL with errno:
 *   EINVAL   bad params (no ports, too many, ip 0, ',' in the path)
 *   ENODEV   p->iface does not exist
 *   ENOENT   no object file found
 *   EPERM    no CAP_BPF/CAP_SYS_ADMIN (the bpf() syscall refused)
 *   EBUSY    the interface has an XDP program steer_reclaim won't remove
 *   other    from libbpf (the verifier's refusal is EACCES or EINVAL)
 */
struct steer *steer_load(const struct steer_params *p, char *msg,
			 size_t msglen);

/*
 * The path to give net_af_xdp as `xdp_prog=`: the object file, or for the
 * built-in object a memfd's /proc/self/fd/N (valid until steer_free).
 */
const char *steer_object_path(const struct steer *s);

/*
 * Crash recovery: look at the XDP program(s) attached to iface. Returns
 *   0        nothing attached
 *   1        a stale steer_xdp program (no live process holds it: its
 *            loader was killed) was detached; msg says which
 *   -EBUSY   a steer_xdp program some live process holds (another
 *            linerate), a libxdp dispatcher with other programs in it, or
 *            a program that is not ours: left alone, msg names it and how
 *            to remove it
 *   -ENODEV, -EPERM, other -errno from bpf()/netlink
 * Programs in a libxdp dispatcher are examined one by one; the dispatcher
 * is detached only when it holds nothing but stale steer_xdp programs.
 */
int steer_reclaim(const char *iface, char *msg, size_t msglen);

/*
 * After port_start(): find the program net_af_xdp attached to the
 * interface, check it is steer_xdp with the maps this build expects,
 * make it the live one and configure it (steer_configure). Returns 0, or
 *   -ENOENT  no program on the interface (was xdp_prog= passed?)
 *   -EPROTO  the attached program is not steer_xdp or its maps differ
 *   other -errno
 */
int steer_attach(struct steer *s, char *err, size_t errlen);

/*
 * Write the settings (STEER_F_ENABLED, ip, ports, own-ip flag, our pid)
 * into the live program's steer_cfg: the loaded copy before
 * steer_attach, the attached one after. Returns 0 or -errno.
 */
int steer_configure(struct steer *s);

/*
 * Sum the per-CPU counters of the live program into out; also keeps them
 * for steer_counters_snapshot(). Control plane only (a bpf() syscall).
 * Returns 0 or -errno.
 */
int steer_read_counters(struct steer *s, struct steer_counters *out);

/*
 * The counters of the last steer_read_counters(), for readers that must
 * not make syscalls (a /metrics handler on a data-plane lcore); all zero
 * before the first read. Lock-free, safe against a concurrent read.
 */
void steer_counters_snapshot(const struct steer *s, struct steer_counters *out);

/*
 * Stop steering (clear STEER_F_ENABLED: every frame goes to the kernel)
 * and detach the program if it is still the one attached (an atomic
 * replace-if-same, so a newer program is never removed). Before
 * steer_attach (the port failed to start after the PMD attached), it
 * removes a steer_xdp program that this process holds. 0 when detached
 * or already gone; -errno otherwise. Idempotent.
 */
int steer_detach(struct steer *s, char *err, size_t errlen);

/* Close everything (does not detach). NULL is a no-op. */
void steer_free(struct steer *s);

/* Where the program stands (mode is queried now). */
void steer_info(struct steer *s, struct steer_info *out);

/* File descriptors for tests and tools (-1 when absent). */
enum steer_fd { STEER_FD_PROG, STEER_FD_CFG, STEER_FD_STATS, STEER_FD_XSKS };
int steer_fd(const struct steer *s, enum steer_fd which);

/* "steered_tcp", "passed_other"...; NULL past STEER_CNT__COUNT. */
const char *steer_counter_name(unsigned int c);

/* "none", "native", "skb", "hw". */
const char *steer_mode_name(enum steer_mode m);

/*
 * The control-plane command `xdp` (a ctl_cmd_fn; arg is the struct steer):
 * {"iface", "ifindex", "prog_id", "mode", "configured", "own_ip", "ip",
 *  "ports": [..], "object", "steered", "passed", "dropped_malformed",
 *  "dropped_no_xsk", "counters": {"steered_tcp": N, ...}}.
 * With arg NULL (the port is not on the XDP path): {"mode": "none"}.
 */
struct json_t *steer_ctl_xdp(void *arg, struct json_t *args, char *err,
			     size_t errlen);

/*
 * The counters as report rows (core/report.h): Prometheus
 * linerate_xdp_frames_total{iface="..",verdict="steered|passed|dropped",
 * reason=".."}, JSON key steer_counter_name(). iface is the label value,
 * already escaped.
 */
void steer_report_counters(const struct steer_counters *c, const char *iface,
			   struct report_sink *out);

/*
 * A report_fn (arg: the struct steer, NULL reports nothing): the rows of
 * steer_counters_snapshot() with the interface's name as iface. No
 * syscall: a data-plane lcore may run it (/metrics).
 */
void steer_report(void *arg, struct report_sink *out);

/*
 * Prometheus text for the counters (steer_report_counters through the
 * report writer), with its HELP and TYPE lines. Returns the length
 * written (< len), or -ENOSPC.
 */
int steer_metrics_text(const struct steer_counters *c, const char *iface,
		       char *buf, size_t len);

#endif

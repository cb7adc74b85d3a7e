/* SPDX-License-Identifier: BSD-3-Clause */
/* steer_reclaim.c: crash recovery: tell a stale steering program from a live one. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <xdp/libxdp.h>

#include "steer/steer_priv.h"

#define STEER_DISPATCHER_NAME "xdp_dispatcher" /* libxdp's multi-prog */

void
steer_prog_view_close(struct steer_prog_view *v)
{
	int *fds[] = { &v->cfg_fd, &v->stats_fd, &v->xsks_fd };

	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++) {
		if (*fds[i] >= 0)
			close(*fds[i]);
		*fds[i] = -1;
	}
}

bool
steer_prog_view_ok(const struct steer_prog_view *v)
{
	return v->cfg_fd >= 0 && v->stats_fd >= 0 && v->xsks_fd >= 0 &&
	       v->cfg_size == sizeof(struct steer_cfg) &&
	       v->stats_size == sizeof(struct steer_stats) &&
	       v->xsks_type == BPF_MAP_TYPE_XSKMAP;
}

/* Keep fd in *slot when the map is the one named, else close it. */
static bool
steer_take_map(int fd, const struct bpf_map_info *mi, const char *name,
	       int *slot, uint32_t *value_size)
{
	if (*slot >= 0 || strcmp(mi->name, name) != 0)
		return false;
	*slot = fd;
	if (value_size)
		*value_size = mi->value_size;
	return true;
}

int
steer_prog_inspect(int prog_fd, struct steer_prog_view *v)
{
	struct bpf_prog_info info;
	uint32_t len = sizeof(info), ids[16], n;
	int rc;

	memset(v, 0, sizeof(*v));
	v->cfg_fd = v->stats_fd = v->xsks_fd = -1;
	memset(&info, 0, sizeof(info));
	info.nr_map_ids = sizeof(ids) / sizeof(ids[0]);
	info.map_ids = (uint64_t)(uintptr_t)ids;
	rc = bpf_obj_get_info_by_fd(prog_fd, &info, &len);
	if (rc < 0)
		return rc;
	snprintf(v->name, sizeof(v->name), "%s", info.name);
	v->id = info.id;
	n = info.nr_map_ids < sizeof(ids) / sizeof(ids[0]) ?
		    info.nr_map_ids : sizeof(ids) / sizeof(ids[0]);
	for (uint32_t i = 0; i < n; i++) {
		struct bpf_map_info mi;
		uint32_t mlen = sizeof(mi);
		int fd = bpf_map_get_fd_by_id(ids[i]);

		if (fd < 0)
			continue;
		memset(&mi, 0, sizeof(mi));
		if (bpf_obj_get_info_by_fd(fd, &mi, &mlen) < 0) {
			close(fd);
			continue;
		}
		if (steer_take_map(fd, &mi, STEER_CFG_MAP, &v->cfg_fd,
				   &v->cfg_size) ||
		    steer_take_map(fd, &mi, STEER_STATS_MAP, &v->stats_fd,
				   &v->stats_size))
			continue;
		if (steer_take_map(fd, &mi, STEER_XSKS_MAP, &v->xsks_fd, NULL)) {
			v->xsks_type = mi.type;
			continue;
		}
		close(fd);
	}
	return 0;
}

/* Does /proc/PID/fdinfo/FD name prog_id? */
static bool
steer_fdinfo_has_prog(int pid, const char *fd, uint32_t prog_id)
{
	char path[64], line[128];
	bool found = false;
	unsigned int id;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%s", pid, fd);
	f = fopen(path, "r");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = sscanf(line, "prog_id: %u", &id) == 1 && id == prog_id;
	fclose(f);
	return found;
}

/* How many fds of process pid refer to the program (prog fds, links). */
int
steer_prog_fd_count(int pid, uint32_t prog_id)
{
	char path[64], link[64];
	struct dirent *fe;
	int n = 0;
	DIR *fds;

	snprintf(path, sizeof(path), "/proc/%d/fd", pid);
	fds = opendir(path);
	if (!fds)
		return 0;
	while ((fe = readdir(fds))) {
		ssize_t len = readlinkat(dirfd(fds), fe->d_name, link,
					 sizeof(link) - 1);

		if (len <= 0)
			continue;
		link[len] = '\0';
		if ((strcmp(link, "anon_inode:bpf-prog") == 0 ||
		     strcmp(link, "anon_inode:bpf_link") == 0) &&
		    steer_fdinfo_has_prog(pid, fe->d_name, prog_id))
			n++;
	}
	closedir(fds);
	return n;
}

/*
 * A process other than this one holding an fd to the program (a prog fd
 * or a bpf_link to it): its loader is alive. An XDP program attached
 * through netlink outlives its loader, so a program nobody holds was left
 * by a process that is gone. Returns the pid, or 0.
 */
static int
steer_prog_holder(uint32_t prog_id)
{
	DIR *proc = opendir("/proc");
	struct dirent *pe;
	int self = getpid(), holder = 0;

	if (!proc)
		return 0;
	while (!holder && (pe = readdir(proc))) {
		int pid;

		if (!isdigit((unsigned char)pe->d_name[0]))
			continue;
		pid = atoi(pe->d_name);
		if (pid != self && steer_prog_fd_count(pid, prog_id) > 0)
			holder = pid;
	}
	closedir(proc);
	return holder;
}

static void
steer_comm(int pid, char *out, size_t len)
{
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	snprintf(out, len, "?");
	f = fopen(path, "r");
	if (!f)
		return;
	if (fgets(out, (int)len, f))
		out[strcspn(out, "\n")] = '\0';
	fclose(f);
}

/* The pid that configured a steer_xdp program (0: never configured). */
static uint32_t
steer_owner(const struct steer_prog_view *v)
{
	struct steer_cfg cfg;
	uint32_t key = 0;

	if (v->cfg_fd < 0 || v->cfg_size != sizeof(cfg) ||
	    bpf_map_lookup_elem(v->cfg_fd, &key, &cfg) < 0)
		return 0;
	return cfg.owner_pid;
}

static const char *
steer_ip_off(enum steer_mode m)
{
	return m == STEER_MODE_SKB ? "xdpgeneric" :
	       m == STEER_MODE_HW ? "xdpoffload" : "xdpdrv";
}

/*
 * One steer_xdp program: is it stale? 1 stale, -EBUSY live (msg says
 * who holds it).
 */
static int
steer_stale(const char *iface, const struct steer_prog_view *v, char *msg,
	    size_t msglen)
{
	int holder = steer_prog_holder(v->id);
	char comm[32];

	if (!holder)
		return 1;
	steer_comm(holder, comm, sizeof(comm));
	snprintf(msg, msglen,
		 "%s: its XDP steering program (id %u) belongs to a running "
		 "process, pid %d (%s): another linerate serves this interface",
		 iface, v->id, holder, comm);
	return -EBUSY;
}

/* A libxdp dispatcher: detach it only if it holds stale steer_xdp alone. */
static int
steer_reclaim_dispatcher(const char *iface, unsigned int ifindex, uint32_t id,
			 char *msg, size_t msglen)
{
	struct xdp_multiprog *mp = xdp_multiprog__get_from_ifindex((int)ifindex);
	struct xdp_program *p = NULL;
	char names[128] = "";
	size_t at = 0;
	bool foreign = false;
	int rc, n = 0;

	if (!mp || libxdp_get_error(mp)) {
		snprintf(msg, msglen,
			 "%s: a libxdp dispatcher (id %u) is attached and cannot "
			 "be read; if stale: xdp-loader unload %s --all",
			 iface, id, iface);
		return -EBUSY;
	}
	while ((p = xdp_multiprog__next_prog(p, mp))) {
		struct steer_prog_view v;

		n++;
		if (at < sizeof(names))
			at += (size_t)snprintf(names + at, sizeof(names) - at,
					       "%s%s", at ? ", " : "",
					       xdp_program__name(p));
		if (strcmp(xdp_program__name(p), STEER_PROG_NAME) != 0 ||
		    steer_prog_inspect(xdp_program__fd(p), &v) < 0) {
			foreign = true;
			continue;
		}
		if (steer_stale(iface, &v, msg, msglen) < 0)
			foreign = true;
		steer_prog_view_close(&v);
	}
	if (foreign || n == 0) {
		snprintf(msg, msglen,
			 "%s: a libxdp dispatcher (id %u) runs programs linerate "
			 "does not own or that are in use (%s); linerate leaves "
			 "them alone (if stale: xdp-loader unload %s --all)",
			 iface, id, names[0] ? names : "none", iface);
		xdp_multiprog__close(mp);
		return -EBUSY;
	}
	rc = xdp_multiprog__detach(mp);
	xdp_multiprog__close(mp);
	if (rc < 0) {
		snprintf(msg, msglen, "%s: detaching the stale libxdp dispatcher "
			 "(id %u): %s", iface, id, strerror(-rc));
		return rc;
	}
	snprintf(msg, msglen,
		 "%s: removed a stale libxdp dispatcher (id %u) holding only "
		 "linerate's steering program", iface, id);
	return 1;
}

static int
steer_reclaim_one(const char *iface, unsigned int ifindex, uint32_t id,
		  enum steer_mode mode, char *msg, size_t msglen)
{
	LIBBPF_OPTS(bpf_xdp_attach_opts, o);
	struct steer_prog_view v;
	uint32_t owner;
	int fd, rc;

	fd = bpf_prog_get_fd_by_id(id);
	if (fd < 0) {
		rc = -errno;
		if (rc == -ENOENT)
			return 0; /* detached and freed meanwhile */
		snprintf(msg, msglen, "%s: XDP program id %u: %s", iface, id,
			 strerror(errno));
		return rc;
	}
	rc = steer_prog_inspect(fd, &v);
	if (rc < 0) {
		snprintf(msg, msglen, "%s: XDP program id %u: %s", iface, id,
			 strerror(-rc));
		goto out;
	}
	if (strcmp(v.name, STEER_DISPATCHER_NAME) == 0) {
		rc = steer_reclaim_dispatcher(iface, ifindex, id, msg, msglen);
		goto out_view;
	}
	if (strcmp(v.name, STEER_PROG_NAME) != 0) {
		snprintf(msg, msglen,
			 "%s already has an XDP program linerate did not load: "
			 "'%s' (id %u, %s mode); linerate leaves it alone (if "
			 "stale: ip link set dev %s %s off)", iface, v.name, id,
			 steer_mode_name(mode), iface, steer_ip_off(mode));
		rc = -EBUSY;
		goto out_view;
	}
	rc = steer_stale(iface, &v, msg, msglen);
	if (rc < 0)
		goto out_view;
	owner = steer_owner(&v);
	/* Only if it is still that program: never remove a newer one. */
	o.old_prog_fd = fd;
	rc = bpf_xdp_detach((int)ifindex, steer_mode_flag(mode) | XDP_FLAGS_REPLACE,
			    &o);
	if (rc == -EEXIST) {
		snprintf(msg, msglen, "%s: the stale XDP program %u was replaced "
			 "meanwhile by another one", iface, id);
		rc = -EBUSY;
	} else if (rc < 0) {
		snprintf(msg, msglen, "%s: detaching the stale XDP program %u: %s",
			 iface, id, strerror(-rc));
	} else {
		if (owner)
			snprintf(msg, msglen,
				 "%s: removed a stale XDP steering program (id "
				 "%u, %s mode) configured by pid %u, which no "
				 "longer holds it", iface, id,
				 steer_mode_name(mode), owner);
		else
			snprintf(msg, msglen,
				 "%s: removed a stale XDP steering program (id "
				 "%u, %s mode) left by a run that died while "
				 "starting", iface, id, steer_mode_name(mode));
		rc = 1;
	}
out_view:
	steer_prog_view_close(&v);
out:
	close(fd);
	return rc;
}

int
steer_reclaim(const char *iface, char *msg, size_t msglen)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	unsigned int ifindex = if_nametoindex(iface);
	const struct {
		enum steer_mode mode;
		uint32_t *id;
	} slots[] = {
		{ STEER_MODE_NATIVE, &q.drv_prog_id },
		{ STEER_MODE_SKB, &q.skb_prog_id },
		{ STEER_MODE_HW, &q.hw_prog_id },
	};
	int rc, removed = 0;

	msg[0] = '\0';
	if (!ifindex) {
		snprintf(msg, msglen, "interface %s: %s", iface, strerror(errno));
		return -ENODEV;
	}
	rc = bpf_xdp_query((int)ifindex, 0, &q);
	if (rc < 0) {
		snprintf(msg, msglen, "%s: XDP query: %s", iface, strerror(-rc));
		return rc;
	}
	for (size_t i = 0; i < sizeof(slots) / sizeof(slots[0]); i++) {
		if (!*slots[i].id)
			continue;
		rc = steer_reclaim_one(iface, ifindex, *slots[i].id,
				       slots[i].mode, msg, msglen);
		if (rc < 0)
			return rc;
		removed |= rc;
	}
	return removed;
}

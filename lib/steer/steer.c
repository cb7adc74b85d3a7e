/* SPDX-License-Identifier: BSD-3-Clause */
/* steer.c: load the XDP steering program, adopt the PMD's copy, configure, count. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <limits.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "steer/steer_priv.h"

/* The object built into this binary, when the build made the skeleton. */
#if defined(__has_include)
#if __has_include("steer.skel.h")
#include "steer.skel.h"
#define STEER_HAVE_SKEL 1
#endif
#endif

static int
steer_errno(int rc)
{
	return rc < 0 ? rc : -EIO;
}

/* Any address of a kernel interface in this namespace equal to ip? */
static bool
steer_kernel_has_ip(uint32_t ip, char *ifname, size_t len)
{
	struct ifaddrs *ifa, *i;
	bool found = false;

	if (getifaddrs(&ifa) < 0)
		return false;
	for (i = ifa; i && !found; i = i->ifa_next)
		if (i->ifa_addr && i->ifa_addr->sa_family == AF_INET &&
		    ((struct sockaddr_in *)i->ifa_addr)->sin_addr.s_addr == ip) {
			snprintf(ifname, len, "%s", i->ifa_name);
			found = true;
		}
	freeifaddrs(ifa);
	return found;
}

/* The same for an IPv6 address (16 bytes). */
static bool
steer_kernel_has_ip6(const uint8_t *ip6, char *ifname, size_t len)
{
	struct ifaddrs *ifa, *i;
	bool found = false;

	if (getifaddrs(&ifa) < 0)
		return false;
	for (i = ifa; i && !found; i = i->ifa_next)
		if (i->ifa_addr && i->ifa_addr->sa_family == AF_INET6 &&
		    memcmp(&((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr,
			   ip6, 16) == 0) {
			snprintf(ifname, len, "%s", i->ifa_name);
			found = true;
		}
	freeifaddrs(ifa);
	return found;
}

#ifndef STEER_HAVE_SKEL
/* <dir of the binary>/rel when readable. */
static bool
steer_beside_exe(const char *rel, char *out, size_t len)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;

	if (n <= 0)
		return false;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (!slash)
		return false;
	*slash = '\0';
	if ((size_t)snprintf(out, len, "%s/%s", exe, rel) >= len)
		return false;
	return access(out, R_OK) == 0;
}
#endif

/*
 * The object: p->object, the built-in one (copied into a memfd so the PMD
 * can open it by path), or a file beside the binary.
 */
static int
steer_find_object(struct steer *s, const char *object, const void **mem,
		  size_t *memsz, char *msg, size_t msglen)
{
	*mem = NULL;
	if (object) {
		if (access(object, R_OK) < 0) {
			int rc = -errno;

			snprintf(msg, msglen, "XDP object %s: %s", object,
				 strerror(errno));
			return rc;
		}
		snprintf(s->path, sizeof(s->path), "%s", object);
		return 0;
	}
#ifdef STEER_HAVE_SKEL
	*mem = steer_bpf__elf_bytes(memsz);
	s->memfd = memfd_create("linerate-steer.bpf.o", MFD_CLOEXEC);
	if (s->memfd < 0 ||
	    write(s->memfd, *mem, *memsz) != (ssize_t)*memsz) {
		int rc = -errno;

		snprintf(msg, msglen, "memfd for the built-in XDP object: %s",
			 strerror(errno));
		return rc < 0 ? rc : -EIO;
	}
	snprintf(s->path, sizeof(s->path), "/proc/self/fd/%d", s->memfd);
	return 0;
#else
	(void)memsz;
	if (steer_beside_exe("bpf/steer.bpf.o", s->path, sizeof(s->path)) ||
	    steer_beside_exe("../lib/linerate/bpf/steer.bpf.o", s->path,
			     sizeof(s->path)))
		return 0;
	snprintf(msg, msglen,
		 "no XDP object: this build has no built-in one and neither "
		 "bpf/steer.bpf.o nor ../lib/linerate/bpf/steer.bpf.o is beside "
		 "the binary (set xdp.program)");
	return -ENOENT;
#endif
}

/* dup() of a libbpf-owned fd, so every live fd is ours to close. */
static int
steer_dup(int fd)
{
	return fd < 0 ? -1 : fcntl(fd, F_DUPFD_CLOEXEC, 3);
}

static void
steer_close_live(struct steer *s)
{
	int *fds[] = { &s->prog_fd, &s->cfg_fd, &s->stats_fd, &s->xsks_fd };

	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++) {
		if (*fds[i] >= 0)
			close(*fds[i]);
		*fds[i] = -1;
	}
}

/* Open and load our copy; the PMD takes the object's first program. */
static int
steer_load_obj(struct steer *s, const void *mem, size_t memsz, char *msg,
	       size_t msglen)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo, .object_name = "steer_bpf");
	struct steer_prog_view v;
	struct bpf_program *prog;
	int rc;

	s->obj = mem ? bpf_object__open_mem(mem, memsz, &oo) :
		       bpf_object__open_file(s->path, NULL);
	if (!s->obj || libbpf_get_error(s->obj)) {
		rc = -errno;
		s->obj = NULL;
		snprintf(msg, msglen, "XDP object %s: cannot open: %s",
			 s->path, strerror(-rc));
		return steer_errno(rc);
	}
	prog = bpf_object__next_program(s->obj, NULL);
	if (!prog || strcmp(bpf_program__name(prog), STEER_PROG_NAME) != 0) {
		snprintf(msg, msglen,
			 "XDP object %s: its first program is %s, not "
			 STEER_PROG_NAME " (net_af_xdp attaches the first one)",
			 s->path, prog ? bpf_program__name(prog) : "missing");
		return -EINVAL;
	}
	rc = bpf_object__load(s->obj);
	if (rc < 0) {
		snprintf(msg, msglen, "XDP object %s: load failed: %s%s",
			 s->path, strerror(-rc), rc == -EPERM ?
			 " (needs root: CAP_BPF + CAP_NET_ADMIN)" : "");
		return rc;
	}
	s->prog_fd = steer_dup(bpf_program__fd(prog));
	rc = s->prog_fd < 0 ? -errno : steer_prog_inspect(s->prog_fd, &v);
	if (rc < 0) {
		snprintf(msg, msglen, "XDP object %s: %s", s->path,
			 strerror(-rc));
		return rc;
	}
	s->prog_id = v.id;
	s->cfg_fd = v.cfg_fd;
	s->stats_fd = v.stats_fd;
	s->xsks_fd = v.xsks_fd;
	if (!steer_prog_view_ok(&v)) {
		snprintf(msg, msglen,
			 "XDP object %s: its maps " STEER_CFG_MAP ", "
			 STEER_STATS_MAP " and " STEER_XSKS_MAP
			 " differ from this build's bpf/steer.h", s->path);
		return -EPROTO;
	}
	return 0;
}

static size_t
steer_append(char *msg, size_t msglen, size_t at, const char *text)
{
	if (at >= msglen)
		return at;
	return at + (size_t)snprintf(msg + at, msglen - at, "%s%s",
				     at ? "; " : "", text);
}

static void
steer_fill_cfg(struct steer *s)
{
	memset(&s->cfg, 0, sizeof(s->cfg));
	s->cfg.flags = STEER_F_ENABLED | (s->own_ip ? STEER_F_OWN_IP : 0);
	s->cfg.ip = s->ip;
	if (s->has_ip6) {
		s->cfg.flags |= STEER_F_IP6 | (s->own_ip6 ? STEER_F_OWN_IP6 : 0);
		memcpy(s->cfg.ip6, s->ip6, sizeof(s->cfg.ip6));
	}
	for (uint32_t i = 0; i < s->nb_ports; i++)
		s->cfg.ports[i] = htons(s->ports[i]);
	memcpy(s->cfg.vips, s->vips, s->nb_vips * sizeof(s->vips[0]));
	s->cfg.vip_arp = s->vip_arp;
	s->cfg.owner_pid = (uint32_t)getpid();
}

struct steer *
steer_load(const struct steer_params *p, char *msg, size_t msglen)
{
	char note[STEER_ERR_LEN], kif[IF_NAMESIZE], ipstr[INET_ADDRSTRLEN];
	const void *mem;
	size_t memsz = 0, at = 0;
	struct steer *s;
	int rc;

	msg[0] = '\0';
	if (!p || !p->ports || p->nb_ports == 0 ||
	    p->nb_ports > STEER_MAX_PORTS || (p->ip == 0 && !p->ip6) ||
	    p->nb_vips > STEER_MAX_VIPS || (p->nb_vips && !p->vips) ||
	    (p->object && strchr(p->object, ','))) {
		snprintf(msg, msglen,
			 "bad XDP steering params (1..%d ports, an address, "
			 "no ',' in the object path)", STEER_MAX_PORTS);
		errno = EINVAL;
		return NULL;
	}
	for (uint32_t i = 0; i < p->nb_ports; i++)
		if (p->ports[i] == 0) {
			snprintf(msg, msglen, "bad XDP steering port 0");
			errno = EINVAL;
			return NULL;
		}
	s = calloc(1, sizeof(*s));
	if (!s) {
		snprintf(msg, msglen, "out of memory");
		return NULL;
	}
	s->memfd = s->prog_fd = s->cfg_fd = s->stats_fd = s->xsks_fd = -1;
	s->ip = p->ip;
	s->nb_ports = p->nb_ports;
	memcpy(s->ports, p->ports, p->nb_ports * sizeof(p->ports[0]));
	if (p->nb_vips)
		memcpy(s->vips, p->vips, p->nb_vips * sizeof(p->vips[0]));
	s->nb_vips = p->nb_vips;
	s->vip_arp = p->nb_vips ? p->vip_arp : 0;
	if (p->iface) {
		snprintf(s->iface, sizeof(s->iface), "%s", p->iface);
		s->ifindex = if_nametoindex(p->iface);
		if (!s->ifindex) {
			snprintf(msg, msglen, "interface %s: %s", p->iface,
				 strerror(errno));
			rc = -ENODEV;
			goto fail;
		}
	}
	s->own_ip = p->own_ip != 0;
	if (p->ip6) {
		s->has_ip6 = true;
		memcpy(s->ip6, p->ip6, sizeof(s->ip6));
		s->own_ip6 = p->own_ip != 0;
		if (p->own_ip < 0 &&
		    steer_kernel_has_ip6(p->ip6, kif, sizeof(kif))) {
			s->own_ip6 = false;
			snprintf(note, sizeof(note),
				 "linerate's IPv6 address is also the kernel's "
				 "(on %s): steering TCP to linerate's ports "
				 "only, ICMPv6 and ND stay with the kernel", kif);
			at = steer_append(msg, msglen, at, note);
		}
	}
	if (p->own_ip < 0 && steer_kernel_has_ip(p->ip, kif, sizeof(kif))) {
		s->own_ip = false;
		inet_ntop(AF_INET, &p->ip, ipstr, sizeof(ipstr));
		snprintf(note, sizeof(note),
			 "%s is also the kernel's address (on %s): steering "
			 "TCP to linerate's ports only, ARP and ICMP stay with "
			 "the kernel", ipstr, kif);
		at = steer_append(msg, msglen, at, note);
	}
	s->ncpus = libbpf_num_possible_cpus();
	if (s->ncpus <= 0) {
		rc = s->ncpus < 0 ? s->ncpus : -EINVAL;
		snprintf(msg, msglen, "cannot count the possible CPUs");
		goto fail;
	}
	s->percpu = calloc((size_t)s->ncpus, sizeof(*s->percpu));
	if (!s->percpu) {
		rc = -ENOMEM;
		snprintf(msg, msglen, "out of memory");
		goto fail;
	}
	/* Both write msg on failure only. */
	rc = steer_find_object(s, p->object, &mem, &memsz, msg, msglen);
	if (rc == 0)
		rc = steer_load_obj(s, mem, memsz, msg, msglen);
	if (rc < 0)
		goto fail;
	steer_fill_cfg(s);
	if (s->ifindex) {
		rc = steer_reclaim(s->iface, note, sizeof(note));
		if (rc < 0) {
			snprintf(msg, msglen, "%s", note);
			goto fail;
		}
		if (rc > 0)
			at = steer_append(msg, msglen, at, note);
	}
	return s;
fail:
	steer_free(s);
	errno = -rc;
	return NULL;
}

const char *
steer_object_path(const struct steer *s)
{
	return s->path;
}

int
steer_configure(struct steer *s)
{
	uint32_t key = 0;

	if (s->cfg_fd < 0)
		return -EBADF;
	steer_fill_cfg(s);
	if (bpf_map_update_elem(s->cfg_fd, &key, &s->cfg, BPF_ANY) < 0)
		return -errno;
	s->configured = true;
	return 0;
}

/* The program attached to ifindex (any mode), and how. */
static int
steer_query(unsigned int ifindex, uint32_t *id, enum steer_mode *mode)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	int rc = bpf_xdp_query((int)ifindex, 0, &q);

	if (rc < 0)
		return rc;
	*id = 0;
	*mode = STEER_MODE_NONE;
	if (q.drv_prog_id) {
		*id = q.drv_prog_id;
		*mode = STEER_MODE_NATIVE;
	} else if (q.skb_prog_id) {
		*id = q.skb_prog_id;
		*mode = STEER_MODE_SKB;
	} else if (q.hw_prog_id) {
		*id = q.hw_prog_id;
		*mode = STEER_MODE_HW;
	}
	return 0;
}

int
steer_attach(struct steer *s, char *err, size_t errlen)
{
	struct steer_prog_view v;
	enum steer_mode mode;
	uint32_t id;
	int fd, rc;

	if (!s->ifindex) {
		snprintf(err, errlen, "no interface to attach to");
		return -EINVAL;
	}
	rc = steer_query(s->ifindex, &id, &mode);
	if (rc < 0) {
		snprintf(err, errlen, "%s: XDP query: %s", s->iface,
			 strerror(-rc));
		return rc;
	}
	if (!id) {
		snprintf(err, errlen,
			 "%s has no XDP program: the af_xdp port must be "
			 "created with xdp_prog=%s", s->iface, s->path);
		return -ENOENT;
	}
	fd = bpf_prog_get_fd_by_id(id);
	if (fd < 0) {
		rc = -errno;
		snprintf(err, errlen, "%s: XDP program id %u: %s", s->iface,
			 id, strerror(errno));
		return rc;
	}
	rc = steer_prog_inspect(fd, &v);
	if (rc == 0 && (strcmp(v.name, STEER_PROG_NAME) != 0 ||
			!steer_prog_view_ok(&v))) {
		snprintf(err, errlen,
			 "%s: the attached XDP program (id %u) is %s, not this "
			 "build's " STEER_PROG_NAME, s->iface, id, v.name);
		steer_prog_view_close(&v);
		rc = -EPROTO;
	} else if (rc < 0) {
		snprintf(err, errlen, "%s: XDP program id %u: %s", s->iface,
			 id, strerror(-rc));
	}
	if (rc < 0) {
		close(fd);
		return rc;
	}
	/* The PMD's copy is the live one now: ours is no longer needed. */
	steer_close_live(s);
	bpf_object__close(s->obj);
	s->obj = NULL;
	s->prog_fd = fd;
	s->prog_id = id;
	s->cfg_fd = v.cfg_fd;
	s->stats_fd = v.stats_fd;
	s->xsks_fd = v.xsks_fd;
	s->adopted = true;
	rc = steer_configure(s);
	if (rc < 0)
		snprintf(err, errlen, "%s: writing the XDP settings: %s",
			 s->iface, strerror(-rc));
	return rc;
}

int
steer_read_counters(struct steer *s, struct steer_counters *out)
{
	uint32_t key = 0;

	memset(out, 0, sizeof(*out));
	if (s->stats_fd < 0)
		return -EBADF;
	if (bpf_map_lookup_elem(s->stats_fd, &key, s->percpu) < 0)
		return -errno;
	for (int cpu = 0; cpu < s->ncpus; cpu++)
		for (int c = 0; c < STEER_CNT__COUNT; c++)
			out->v[c] += s->percpu[cpu].cnt[c];
	out->steered = out->v[STEER_CNT_STEERED_TCP] +
		       out->v[STEER_CNT_STEERED_ARP] +
		       out->v[STEER_CNT_STEERED_ICMP] +
		       out->v[STEER_CNT_STEERED_ND] +
		       out->v[STEER_CNT_STEERED_IP6];
	out->passed = out->v[STEER_CNT_PASSED_OTHER] +
		      out->v[STEER_CNT_PASSED_NON_IPV4] +
		      out->v[STEER_CNT_PASSED_SHORT] +
		      out->v[STEER_CNT_PASSED_DISABLED];
	out->dropped_malformed = out->v[STEER_CNT_DROP_BAD_HEADER] +
				 out->v[STEER_CNT_DROP_TRUNCATED] +
				 out->v[STEER_CNT_DROP_FRAGMENT] +
				 out->v[STEER_CNT_DROP_TCP_FLAGS];
	out->dropped_no_xsk = out->v[STEER_CNT_DROP_NO_XSK];

	/* Seqlock writer: readers retry while seq is odd or moved. */
	__atomic_store_n(&s->seq, s->seq + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	memcpy(&s->snap, out, sizeof(s->snap));
	__atomic_store_n(&s->seq, s->seq + 1, __ATOMIC_RELEASE);
	return 0;
}

void
steer_counters_snapshot(const struct steer *s, struct steer_counters *out)
{
	uint32_t a, b;

	do {
		a = __atomic_load_n(&s->seq, __ATOMIC_ACQUIRE);
		memcpy(out, &s->snap, sizeof(*out));
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		b = __atomic_load_n(&s->seq, __ATOMIC_RELAXED);
	} while ((a & 1) || a != b);
}

/*
 * The port failed to start after the PMD attached the program but before
 * steer_attach: remove it if this process (the PMD in it) holds it, i.e.
 * holds it through another fd than the one opened here.
 */
static int
steer_detach_unadopted(struct steer *s, uint32_t id, enum steer_mode mode,
		       char *err, size_t errlen)
{
	LIBBPF_OPTS(bpf_xdp_attach_opts, o);
	struct steer_prog_view v;
	int fd = bpf_prog_get_fd_by_id(id), rc = 0;
	bool ours;

	if (fd < 0)
		return 0;
	ours = steer_prog_inspect(fd, &v) == 0 &&
	       strcmp(v.name, STEER_PROG_NAME) == 0 &&
	       steer_prog_fd_count(getpid(), id) > 1;
	if (ours) {
		o.old_prog_fd = fd;
		rc = bpf_xdp_detach((int)s->ifindex,
				    steer_mode_flag(mode) | XDP_FLAGS_REPLACE,
				    &o);
		if (rc == -EEXIST)
			rc = 0;
		if (rc < 0)
			snprintf(err, errlen, "%s: detaching XDP program %u: %s",
				 s->iface, id, strerror(-rc));
	}
	steer_prog_view_close(&v);
	close(fd);
	return rc;
}

int
steer_detach(struct steer *s, char *err, size_t errlen)
{
	LIBBPF_OPTS(bpf_xdp_attach_opts, o);
	struct steer_cfg off;
	enum steer_mode mode;
	uint32_t key = 0, id;
	int rc;

	if (s->configured && s->cfg_fd >= 0) {
		off = s->cfg;
		off.flags &= ~STEER_F_ENABLED;
		bpf_map_update_elem(s->cfg_fd, &key, &off, BPF_ANY);
	}
	if (!s->ifindex)
		return 0;
	rc = steer_query(s->ifindex, &id, &mode);
	if (rc == -ENODEV || (rc == 0 && !id))
		return 0; /* the interface or the program is gone already */
	if (rc == 0 && !s->adopted)
		return steer_detach_unadopted(s, id, mode, err, errlen);
	if (rc == 0 && id != s->prog_id)
		return 0; /* another program replaced ours */
	if (rc == 0) {
		o.old_prog_fd = s->prog_fd;
		rc = bpf_xdp_detach((int)s->ifindex,
				    steer_mode_flag(mode) | XDP_FLAGS_REPLACE,
				    &o);
		if (rc == -EEXIST)
			rc = 0; /* replaced meanwhile: not ours any more */
	}
	if (rc < 0)
		snprintf(err, errlen, "%s: detaching XDP program %u: %s",
			 s->iface, s->prog_id, strerror(-rc));
	return rc;
}

void
steer_free(struct steer *s)
{
	if (!s)
		return;
	steer_close_live(s);
	bpf_object__close(s->obj);
	if (s->memfd >= 0)
		close(s->memfd);
	free(s->percpu);
	free(s);
}

void
steer_info(struct steer *s, struct steer_info *out)
{
	uint32_t id = 0;

	memset(out, 0, sizeof(*out));
	snprintf(out->iface, sizeof(out->iface), "%s", s->iface);
	out->ifindex = s->ifindex;
	out->prog_id = s->adopted ? s->prog_id : 0;
	out->configured = s->configured;
	out->cfg = s->cfg;
	snprintf(out->object, sizeof(out->object), "%s", s->path);
	if (s->adopted &&
	    (steer_query(s->ifindex, &id, &out->mode) < 0 || id != s->prog_id))
		out->mode = STEER_MODE_NONE;
}

int
steer_fd(const struct steer *s, enum steer_fd which)
{
	switch (which) {
	case STEER_FD_PROG:
		return s->prog_fd;
	case STEER_FD_CFG:
		return s->cfg_fd;
	case STEER_FD_STATS:
		return s->stats_fd;
	case STEER_FD_XSKS:
		return s->xsks_fd;
	}
	return -1;
}

uint32_t
steer_mode_flag(enum steer_mode m)
{
	switch (m) {
	case STEER_MODE_NATIVE:
		return XDP_FLAGS_DRV_MODE;
	case STEER_MODE_SKB:
		return XDP_FLAGS_SKB_MODE;
	case STEER_MODE_HW:
		return XDP_FLAGS_HW_MODE;
	case STEER_MODE_NONE:
		break;
	}
	return 0;
}

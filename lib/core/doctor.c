/* SPDX-License-Identifier: BSD-3-Clause */
/* doctor.c: host readiness report (`linerate --check`) from sysfs and procfs. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/doctor.h"

#define DR_MAX_CPUS 1024
#define DR_MAX_NODES 64
#define DR_PATH 512
#define DR_LINE 768

/* Capability numbers (linux/capability.h), kept here so that the report
 * does not depend on the headers of the build host. */
#define DR_CAP_DAC_OVERRIDE 1
#define DR_CAP_NET_ADMIN 12
#define DR_CAP_NET_RAW 13
#define DR_CAP_IPC_LOCK 14
#define DR_CAP_SYS_ADMIN 21
#define DR_CAP_PERFMON 38
#define DR_CAP_BPF 39

/* One mbuf with its headroom, header and mempool overhead, and the UMEM
 * of DPDK's af_xdp PMD per queue (4096 frames of 4 KiB). */
#define DR_MBUF_BYTES 2432ull
#define DR_UMEM_BYTES_PER_QUEUE (4096ull * 4096)

struct dr_cpuset {
	uint64_t w[DR_MAX_CPUS / 64];
};

struct doctor {
	const struct config *cfg;
	const char *root;
	FILE *out;
	int fails, warns;
	char release[96];
	char kconfig_xdp;   /* 'y', 'n' or '?' (CONFIG_XDP_SOCKETS) */
	char kconfig_vfio;  /* 'y', 'm', 'n' or '?' (CONFIG_VFIO_PCI) */
	bool caps_known;
	uint64_t caps;
	char allowed[1024]; /* Cpus_allowed_list: cgroup cpuset, taskset */
	long uid;
	int nic_node;       /* -1: unknown */
	bool nic_bifurcated; /* mlx4/mlx5: no vfio needed */
	bool pci_ok;
	bool huge_used;     /* EAL will be given hugepages */
	int16_t cpu_node[DR_MAX_CPUS];
};

const char *
doctor_level_name(enum doctor_level l)
{
	switch (l) {
	case DOCTOR_OK:
		return "OK";
	case DOCTOR_NA:
		return "n/a";
	case DOCTOR_WARN:
		return "WARN";
	case DOCTOR_FAIL:
		return "FAIL";
	}
	return "?";
}

static void __attribute__((format(printf, 5, 6)))
dr_line(struct doctor *d, enum doctor_level l, const char *item,
	const char *fix, const char *fmt, ...)
{
	char detail[DR_LINE];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	fprintf(d->out, "%-4s  %s: %s", doctor_level_name(l), item, detail);
	if (fix && fix[0] && (l == DOCTOR_WARN || l == DOCTOR_FAIL))
		fprintf(d->out, " \u2014 %s", fix);
	fputc('\n', d->out);
	if (l == DOCTOR_FAIL)
		d->fails++;
	else if (l == DOCTOR_WARN)
		d->warns++;
}

/* root + the formatted path into buf. */
static const char * __attribute__((format(printf, 4, 5)))
dr_path(const struct doctor *d, char *buf, size_t n, const char *fmt, ...)
{
	size_t r = strlen(d->root);
	va_list ap;

	snprintf(buf, n, "%s", d->root);
	if (r < n) {
		va_start(ap, fmt);
		vsnprintf(buf + r, n - r, fmt, ap);
		va_end(ap);
	}
	return buf;
}

/* A file's first line without its newline; -errno when unreadable. */
static int
dr_read_file(const char *path, char *buf, size_t n)
{
	FILE *f = fopen(path, "r");
	int rc = 0;

	buf[0] = '\0';
	if (!f)
		return -errno;
	if (!fgets(buf, (int)n, f))
		rc = ferror(f) ? -EIO : 0;
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return rc;
}

static int __attribute__((format(printf, 4, 5)))
dr_read(const struct doctor *d, char *buf, size_t n, const char *fmt, ...)
{
	char path[DR_PATH], rel[DR_PATH];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(rel, sizeof(rel), fmt, ap);
	va_end(ap);
	return dr_read_file(dr_path(d, path, sizeof(path), "%s", rel), buf, n);
}

/* An integer file, or def when absent or not a number. */
static long long
dr_read_ll(const struct doctor *d, long long def, const char *rel)
{
	char buf[64], *end;
	long long v;

	if (dr_read(d, buf, sizeof(buf), "%s", rel) < 0)
		return def;
	errno = 0;
	v = strtoll(buf, &end, 0);
	return errno || end == buf ? def : v;
}

static bool
dr_exists(const struct doctor *d, const char *rel)
{
	char path[DR_PATH];

	return access(dr_path(d, path, sizeof(path), "%s", rel), F_OK) == 0;
}

/* The last component of a symlink's target ("vfio-pci"); "" if none. */
static void
dr_link_base(const struct doctor *d, const char *rel, char *out, size_t n)
{
	char path[DR_PATH], target[DR_PATH];
	ssize_t len;
	const char *slash;

	out[0] = '\0';
	len = readlink(dr_path(d, path, sizeof(path), "%s", rel), target,
		       sizeof(target) - 1);
	if (len <= 0)
		return;
	target[len] = '\0';
	slash = strrchr(target, '/');
	snprintf(out, n, "%s", slash ? slash + 1 : target);
}

/* Entries of a directory whose names start with prefix. */
static int
dr_count_dir(const struct doctor *d, const char *rel, const char *prefix)
{
	char path[DR_PATH];
	DIR *dir = opendir(dr_path(d, path, sizeof(path), "%s", rel));
	struct dirent *e;
	int n = 0;

	if (!dir)
		return -1;
	while ((e = readdir(dir)))
		if (e->d_name[0] != '.' &&
		    strncmp(e->d_name, prefix, strlen(prefix)) == 0)
			n++;
	closedir(dir);
	return n;
}

static void
dr_cpuset_set(struct dr_cpuset *s, long cpu)
{
	if (cpu >= 0 && cpu < DR_MAX_CPUS)
		s->w[cpu / 64] |= 1ull << (cpu % 64);
}

static bool
dr_cpuset_has(const struct dr_cpuset *s, long cpu)
{
	return cpu >= 0 && cpu < DR_MAX_CPUS &&
	       (s->w[cpu / 64] >> (cpu % 64)) & 1;
}

/* "0-3,8,10-11" into s; -EINVAL when malformed. */
static int
dr_cpulist(const char *list, struct dr_cpuset *s)
{
	const char *p = list;

	memset(s, 0, sizeof(*s));
	while (*p && *p != '\n') {
		char *end;
		long lo = strtol(p, &end, 10), hi = lo;

		if (end == p)
			return -EINVAL;
		if (*end == '-') {
			p = end + 1;
			hi = strtol(p, &end, 10);
			if (end == p || hi < lo)
				return -EINVAL;
		}
		for (long c = lo; c <= hi && c < DR_MAX_CPUS; c++)
			dr_cpuset_set(s, c);
		p = *end == ',' ? end + 1 : end;
		if (*end && *end != ',' && *end != '\n')
			return -EINVAL;
	}
	return 0;
}

/* Does /proc/mounts have a filesystem of this type (at this directory, if
 * dir is not NULL)? Each match's "dir (options)" goes into list. */
static int
dr_mounts(const struct doctor *d, const char *type, const char *dir,
	  char *list, size_t n)
{
	char path[DR_PATH], line[1024];
	FILE *f = fopen(dr_path(d, path, sizeof(path), "/proc/mounts"), "r");
	int found = 0;
	size_t used = 0;

	if (list && n)
		list[0] = '\0';
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		char dev[256], mnt[256], fs[64], opts[512];
		const char *ps;
		char pagesize[32] = "";

		if (sscanf(line, "%255s %255s %63s %511s", dev, mnt, fs,
			   opts) != 4 || strcmp(fs, type) != 0)
			continue;
		if (dir && strcmp(mnt, dir) != 0)
			continue;
		found++;
		ps = strstr(opts, "pagesize=");
		if (ps)
			snprintf(pagesize, sizeof(pagesize), " (%.*s)",
				 (int)strcspn(ps, ","), ps);
		if (list && used < n)
			used += (size_t)snprintf(list + used, n - used, "%s%s%s",
						 found > 1 ? ", " : "", mnt,
						 pagesize);
	}
	fclose(f);
	return found;
}

/* The soft RLIMIT_MEMLOCK from /proc/self/limits: bytes, -1 unlimited,
 * -2 unknown. */
static long long
dr_memlock(const struct doctor *d)
{
	char path[DR_PATH], line[256];
	FILE *f = fopen(dr_path(d, path, sizeof(path), "/proc/self/limits"),
			"r");
	long long v = -2;

	if (!f)
		return -2;
	while (fgets(line, sizeof(line), f)) {
		char soft[64];

		if (strncmp(line, "Max locked memory", 17) != 0)
			continue;
		if (sscanf(line + 17, "%63s", soft) == 1)
			v = strcmp(soft, "unlimited") == 0 ? -1 :
							     strtoll(soft, NULL, 10);
		break;
	}
	fclose(f);
	return v;
}

/* Uid (effective) and CapEff from /proc/self/status. */
static void
dr_identity(struct doctor *d)
{
	char path[DR_PATH], line[256];
	FILE *f = fopen(dr_path(d, path, sizeof(path), "/proc/self/status"),
			"r");

	d->uid = -1;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		long r, e;
		unsigned long long caps;

		if (sscanf(line, "Uid: %ld %ld", &r, &e) == 2)
			d->uid = e;
		else if (strncmp(line, "Cpus_allowed_list:", 18) == 0)
			snprintf(d->allowed, sizeof(d->allowed), "%.*s",
				 (int)strcspn(line + 18 + strspn(line + 18, " \t"),
					      "\n"),
				 line + 18 + strspn(line + 18, " \t"));
		else if (sscanf(line, "CapEff: %llx", &caps) == 1) {
			d->caps = caps;
			d->caps_known = true;
		}
	}
	fclose(f);
}

static bool
dr_has_cap(const struct doctor *d, int cap)
{
	return d->caps_known && (d->caps >> cap) & 1;
}

/* One "CONFIG_X=y" / "# CONFIG_X is not set" line into *val. */
static void
dr_kconfig_line(const char *line, const char *key, char *val)
{
	size_t k = strlen(key);

	if (strncmp(line, key, k) == 0 && line[k] == '=')
		*val = line[k + 1];
	else if (strncmp(line, "# ", 2) == 0 &&
		 strncmp(line + 2, key, k) == 0 &&
		 strncmp(line + 2 + k, " is not set", 11) == 0)
		*val = 'n';
}

static void
dr_kconfig_scan(struct doctor *d, FILE *f)
{
	char line[512];

	d->kconfig_xdp = d->kconfig_vfio = 'n';
	while (fgets(line, sizeof(line), f)) {
		dr_kconfig_line(line, "CONFIG_XDP_SOCKETS", &d->kconfig_xdp);
		dr_kconfig_line(line, "CONFIG_VFIO_PCI", &d->kconfig_vfio);
	}
}

/* The kernel's build config: /boot/config-RELEASE, else /proc/config.gz
 * through gzip. Leaves '?' when neither can be read. */
static void
dr_kconfig(struct doctor *d)
{
	char path[DR_PATH];
	int fds[2], status = 0;
	pid_t pid;
	FILE *f;

	d->kconfig_xdp = d->kconfig_vfio = '?';
	f = fopen(dr_path(d, path, sizeof(path), "/boot/config-%s", d->release),
		  "r");
	if (f) {
		dr_kconfig_scan(d, f);
		fclose(f);
		return;
	}
	dr_path(d, path, sizeof(path), "/proc/config.gz");
	if (access(path, R_OK) != 0 || pipe(fds) < 0)
		return;
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(fds[1], STDOUT_FILENO);
		if (null >= 0)
			dup2(null, STDERR_FILENO);
		close(fds[0]);
		close(fds[1]);
		execlp("gzip", "gzip", "-dc", "--", path, (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	if (pid < 0) {
		close(fds[0]);
		return;
	}
	f = fdopen(fds[0], "r");
	if (f) {
		dr_kconfig_scan(d, f);
		fclose(f);
	} else {
		close(fds[0]);
	}
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0)
		d->kconfig_xdp = d->kconfig_vfio = '?';
}

/* cpu_node[] from /sys/devices/system/node/nodeN/cpulist. */
static void
dr_cpu_nodes(struct doctor *d)
{
	for (int c = 0; c < DR_MAX_CPUS; c++)
		d->cpu_node[c] = -1;
	for (int node = 0; node < DR_MAX_NODES; node++) {
		char buf[1024];
		struct dr_cpuset s;

		if (dr_read(d, buf, sizeof(buf),
			    "/sys/devices/system/node/node%d/cpulist", node) < 0 ||
		    dr_cpulist(buf, &s) < 0)
			continue;
		for (int c = 0; c < DR_MAX_CPUS; c++)
			if (dr_cpuset_has(&s, c))
				d->cpu_node[c] = (int16_t)node;
	}
}

static bool
dr_uses_pci(const struct doctor *d)
{
	return d->cfg->driver == CONFIG_DRIVER_PCI ||
	       d->cfg->driver == CONFIG_DRIVER_AUTO;
}

static bool
dr_uses_xdp(const struct doctor *d)
{
	return d->cfg->driver == CONFIG_DRIVER_AF_XDP ||
	       (d->cfg->driver == CONFIG_DRIVER_AUTO && !d->pci_ok);
}

static bool
dr_uses_iface(const struct doctor *d)
{
	return d->cfg->driver == CONFIG_DRIVER_AF_PACKET || dr_uses_xdp(d);
}

/* How bad a PCI problem is: auto falls back to af_xdp. */
static enum doctor_level
dr_pci_bad(const struct doctor *d)
{
	return d->cfg->driver == CONFIG_DRIVER_PCI ? DOCTOR_FAIL : DOCTOR_WARN;
}

static void
dr_check_config(struct doctor *d)
{
	const struct config *c = d->cfg;
	char lcores[256];
	int n = 0;

	lcores[0] = '\0';
	for (uint32_t i = 0; i < c->nb_lcores && n < (int)sizeof(lcores) - 8;
	     i++)
		n += snprintf(lcores + n, sizeof(lcores) - (size_t)n, "%s%u",
			      i ? "," : "", c->lcores[i]);
	dr_line(d, DOCTOR_OK, "config",
		NULL, "driver %s%s%s, %u data lcore(s) [%s], main lcore %u, "
		"eal.hugepages %s, eal.memory_mb %u, idle backoff %s",
		config_driver_name(c->driver),
		c->driver == CONFIG_DRIVER_PCI ? ", pci " : ", iface ",
		c->driver == CONFIG_DRIVER_PCI ?
			(c->pci[0] ? c->pci : "(first DPDK-bound)") : c->iface,
		c->nb_lcores, lcores, c->main_lcore,
		c->hugepages == CONFIG_ON ? "on" :
		c->hugepages == CONFIG_OFF ? "off" : "auto",
		c->eal_memory_mb, c->idle_enabled ? "on" : "off");
}

struct dr_cap_need {
	int cap;
	const char *name;
	const char *why;
	bool required;
};

/* Capabilities by driver. RLIMIT_MEMLOCK (CAP_IPC_LOCK) is the memlock
 * item's; vfio and hugetlbfs access are file permissions, checked there. */
static void
dr_check_privileges(struct doctor *d)
{
	struct dr_cap_need need[4];
	char have[256] = "", missing[512] = "";
	enum doctor_level l = DOCTOR_OK;
	size_t nn = 0, nh = 0, nm = 0;
	bool xdp = dr_uses_xdp(d), bpf_ok;

	if (!d->caps_known) {
		dr_line(d, DOCTOR_WARN, "privileges",
			"run on Linux with /proc mounted",
			"uid %ld, capabilities unknown (no /proc/self/status)",
			d->uid);
		return;
	}
	if (xdp) {
		need[nn++] = (struct dr_cap_need){ DR_CAP_NET_RAW,
			"CAP_NET_RAW", "AF_XDP sockets", true };
		need[nn++] = (struct dr_cap_need){ DR_CAP_NET_ADMIN,
			"CAP_NET_ADMIN", "attaching the XDP program", true };
	} else if (d->cfg->driver == CONFIG_DRIVER_AF_PACKET) {
		need[nn++] = (struct dr_cap_need){ DR_CAP_NET_RAW,
			"CAP_NET_RAW", "AF_PACKET sockets", true };
		need[nn++] = (struct dr_cap_need){ DR_CAP_NET_ADMIN,
			"CAP_NET_ADMIN", "interface flag ioctls", false };
	}
	if (nn == 0) {
		dr_line(d, DOCTOR_OK, "privileges", NULL,
			"uid %ld%s; the %s needs no capability%s", d->uid,
			d->uid == 0 ? " (root)" : "",
			d->cfg->driver == CONFIG_DRIVER_RING ? "ring driver" :
							       "PCI port",
			d->cfg->driver == CONFIG_DRIVER_RING ? "" :
			" (only access to /dev/vfio and the hugetlbfs mount)");
		return;
	}
	for (size_t i = 0; i < nn; i++) {
		if (dr_has_cap(d, need[i].cap)) {
			nh += (size_t)snprintf(have + nh, sizeof(have) - nh,
					       " %s", need[i].name);
			continue;
		}
		nm += (size_t)snprintf(missing + nm, sizeof(missing) - nm,
				       "%s%s (%s)", nm ? ", " : "",
				       need[i].name, need[i].why);
		if (need[i].required)
			l = DOCTOR_FAIL;
		else if (l == DOCTOR_OK)
			l = DOCTOR_WARN;
	}
	bpf_ok = dr_has_cap(d, DR_CAP_SYS_ADMIN) ||
		 (dr_has_cap(d, DR_CAP_BPF) && dr_has_cap(d, DR_CAP_PERFMON));
	if (xdp && bpf_ok) {
		nh += (size_t)snprintf(have + nh, sizeof(have) - nh, " %s",
				       dr_has_cap(d, DR_CAP_BPF) ?
				       "CAP_BPF+CAP_PERFMON" : "CAP_SYS_ADMIN");
	} else if (xdp) {
		nm += (size_t)snprintf(missing + nm, sizeof(missing) - nm,
				       "%sCAP_BPF+CAP_PERFMON or CAP_SYS_ADMIN "
				       "(loading the XDP program)",
				       nm ? ", " : "");
		l = DOCTOR_FAIL;
	}
	if (l == DOCTOR_OK)
		dr_line(d, l, "privileges", NULL, "uid %ld%s, has%s", d->uid,
			d->uid == 0 ? " (root)" : "", have);
	else
		dr_line(d, l, "privileges",
			"run as root, or grant them: AmbientCapabilities= in "
			"deploy/linerate.service, or setcap on the binary",
			"uid %ld lacks %s", d->uid, missing);
}

static void
dr_check_memlock(struct doctor *d)
{
	const struct config *c = d->cfg;
	long long lim = dr_memlock(d);
	unsigned long long need = 0;
	const char *what = NULL;
	char have[64];

	if (lim == -2)
		snprintf(have, sizeof(have), "unknown");
	else if (lim == -1)
		snprintf(have, sizeof(have), "unlimited");
	else
		snprintf(have, sizeof(have), "%lld KiB", lim / 1024);
	if (c->driver == CONFIG_DRIVER_PCI && !d->nic_bifurcated) {
		need = (unsigned long long)c->eal_memory_mb << 20;
		what = "vfio pins all of EAL's memory (eal.memory_mb)";
	} else if (dr_uses_xdp(d)) {
		need = DR_UMEM_BYTES_PER_QUEUE * c->nb_lcores;
		what = "the af_xdp UMEM, 16 MiB per queue";
	}
	if (!what) {
		dr_line(d, DOCTOR_NA, "memlock", NULL,
			"%s (the %s driver pins no memory)", have,
			config_driver_name(c->driver));
		return;
	}
	if (lim == -1 || dr_has_cap(d, DR_CAP_IPC_LOCK)) {
		dr_line(d, DOCTOR_OK, "memlock", NULL, "%s%s", have,
			lim == -1 ? "" : " (CAP_IPC_LOCK: not enforced)");
		return;
	}
	if (lim == -2) {
		dr_line(d, DOCTOR_WARN, "memlock", "check `ulimit -l`",
			"unknown; %s", what);
		return;
	}
	dr_line(d, (unsigned long long)lim >= need ? DOCTOR_OK : DOCTOR_FAIL,
		"memlock",
		"LimitMEMLOCK=infinity in the systemd unit, `ulimit -l "
		"unlimited`, or grant CAP_IPC_LOCK",
		"%s, need %llu MiB: %s", have, need >> 20, what);
}

/* The NUMA node of a sysfs device directory, -1 if unknown. */
static int
dr_dev_node(const struct doctor *d, const char *rel)
{
	char p[DR_PATH];

	snprintf(p, sizeof(p), "%s/numa_node", rel);
	return (int)dr_read_ll(d, -1, p);
}

/* Is this interface named in /proc/net/route as the default route? */
static bool
dr_is_default_route(const struct doctor *d, const char *ifname)
{
	char path[DR_PATH], line[256];
	FILE *f = fopen(dr_path(d, path, sizeof(path), "/proc/net/route"), "r");
	bool found = false;

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		char name[64];
		unsigned int dst, gw, flags;

		if (sscanf(line, "%63s %x %x %x", name, &dst, &gw, &flags) == 4 &&
		    dst == 0 && strcmp(name, ifname) == 0)
			found = true;
	}
	fclose(f);
	return found;
}

/* The kernel interfaces of a PCI device ("enp3s0f0"), comma-separated:
 * ADDR/net/IF, or ADDR/virtio0/net/IF for virtio. */
static void
dr_pci_netdevs(const struct doctor *d, const char *addr, char *out, size_t n,
	       bool *default_route)
{
	static const char *const sub[] = { "", "/virtio0", "/virtio1",
					   "/virtio2", "/virtio3" };
	size_t used = 0;

	out[0] = '\0';
	*default_route = false;
	for (size_t i = 0; i < sizeof(sub) / sizeof(sub[0]); i++) {
		char path[DR_PATH];
		DIR *dir = opendir(dr_path(d, path, sizeof(path),
					   "/sys/bus/pci/devices/%s%s/net",
					   addr, sub[i]));
		struct dirent *e;

		while (dir && (e = readdir(dir)))
			if (e->d_name[0] != '.' && used < n) {
				used += (size_t)snprintf(out + used, n - used,
							 "%s%s", used ? "," : "",
							 e->d_name);
				if (dr_is_default_route(d, e->d_name))
					*default_route = true;
			}
		if (dir)
			closedir(dir);
	}
}

static bool
dr_is_dpdk_driver(const char *drv)
{
	return strcmp(drv, "vfio-pci") == 0 ||
	       strcmp(drv, "uio_pci_generic") == 0 ||
	       strcmp(drv, "igb_uio") == 0;
}

static bool
dr_is_bifurcated(const char *drv)
{
	return strcmp(drv, "mlx5_core") == 0 || strcmp(drv, "mlx4_core") == 0;
}

/* port.pci empty: DPDK takes the first PCI port bound to it. */
static void
dr_check_pci_any(struct doctor *d)
{
	char path[DR_PATH], list[512] = "";
	DIR *dir = opendir(dr_path(d, path, sizeof(path),
				   "/sys/bus/pci/devices"));
	struct dirent *e;
	size_t used = 0;
	int found = 0;

	while (dir && (e = readdir(dir))) {
		char rel[DR_PATH], drv[64];

		if (e->d_name[0] == '.')
			continue;
		snprintf(rel, sizeof(rel), "/sys/bus/pci/devices/%s/driver",
			 e->d_name);
		dr_link_base(d, rel, drv, sizeof(drv));
		if (!dr_is_dpdk_driver(drv))
			continue;
		snprintf(rel, sizeof(rel), "/sys/bus/pci/devices/%s",
			 e->d_name);
		if (found++ == 0)
			d->nic_node = dr_dev_node(d, rel);
		if (used < sizeof(list))
			used += (size_t)snprintf(list + used,
						 sizeof(list) - used,
						 "%s%s (%s)", used ? ", " : "",
						 e->d_name, drv);
	}
	if (dir)
		closedir(dir);
	if (found) {
		d->pci_ok = true;
		dr_line(d, DOCTOR_OK, "pci device", NULL,
			"port.pci is empty: DPDK takes the first bound port of: %s",
			list);
		return;
	}
	dr_line(d, dr_pci_bad(d), "pci device",
		"set port.pci and bind it: deploy/bind-nic.sh bind IFACE|PCI",
		"port.pci is empty and no PCI device is bound to vfio-pci%s",
		d->cfg->driver == CONFIG_DRIVER_AUTO ?
		" (auto falls back to af_xdp on port.iface)" : "");
}

static void
dr_check_pci(struct doctor *d)
{
	char addr[40], rel[DR_PATH], drv[64], group[32], fix[256],
		netdevs[128], node[32];
	const char *pci = d->cfg->pci;
	enum doctor_level bad = dr_pci_bad(d);
	long long cls;
	bool defroute;

	if (!pci[0]) {
		dr_check_pci_any(d);
		return;
	}
	/* DPDK accepts "03:00.0"; sysfs always has the domain. */
	snprintf(addr, sizeof(addr), "%s%s",
		 strchr(pci, ':') == strrchr(pci, ':') ? "0000:" : "", pci);
	snprintf(rel, sizeof(rel), "/sys/bus/pci/devices/%s", addr);
	if (!dr_exists(d, rel)) {
		dr_line(d, bad, "pci device",
			"`lspci -D -d ::0200` lists the Ethernet controllers; "
			"set port.pci to one",
			"no PCI device %s", addr);
		return;
	}
	d->nic_node = dr_dev_node(d, rel);
	if (d->nic_node >= 0)
		snprintf(node, sizeof(node), "NUMA node %d", d->nic_node);
	else
		snprintf(node, sizeof(node), "NUMA node unknown");
	snprintf(rel, sizeof(rel), "/sys/bus/pci/devices/%s/driver", addr);
	dr_link_base(d, rel, drv, sizeof(drv));
	snprintf(rel, sizeof(rel), "/sys/bus/pci/devices/%s/iommu_group", addr);
	dr_link_base(d, rel, group, sizeof(group));
	snprintf(rel, sizeof(rel), "/sys/bus/pci/devices/%s/class", addr);
	cls = dr_read_ll(d, -1, rel);
	dr_pci_netdevs(d, addr, netdevs, sizeof(netdevs), &defroute);
	snprintf(fix, sizeof(fix), "deploy/bind-nic.sh bind %s", addr);

	if (cls >= 0 && (cls >> 16) != 0x02) {
		dr_line(d, DOCTOR_WARN, "pci device",
			"check port.pci: `lspci -D -d ::0200` lists the "
			"Ethernet controllers",
			"%s is class 0x%06llx, not a network controller", addr,
			cls);
	}
	if (strcmp(drv, "vfio-pci") == 0) {
		char gdev[DR_PATH], gpath[DR_PATH];

		/* The group's device node; "noiommu-N" in no-IOMMU mode. */
		snprintf(gdev, sizeof(gdev), "/dev/vfio/%s", group);
		if (!dr_exists(d, gdev))
			snprintf(gdev, sizeof(gdev), "/dev/vfio/noiommu-%s",
				 group);
		dr_path(d, gpath, sizeof(gpath), "%s", gdev);
		d->pci_ok = access(gpath, F_OK) == 0 &&
			    (access(gpath, R_OK | W_OK) == 0 ||
			     dr_has_cap(d, DR_CAP_DAC_OVERRIDE));
		if (d->pci_ok)
			dr_line(d, DOCTOR_OK, "pci device", NULL,
				"%s bound to vfio-pci, %s, IOMMU group %s (%s)",
				addr, node, group, gdev);
		else
			dr_line(d, bad, "pci device",
				"deploy/bind-nic.sh --user USER bind gives the "
				"service user the group",
				"%s bound to vfio-pci, %s, but /dev/vfio/%s is "
				"missing or not read-writable by uid %ld", addr,
				node, group, d->uid);
	} else if (dr_is_bifurcated(drv)) {
		d->pci_ok = true;
		d->nic_bifurcated = true;
		dr_line(d, DOCTOR_OK, "pci device", NULL,
			"%s bound to %s (%s), %s: DPDK's mlx PMD drives it "
			"through the kernel driver, no vfio needed", addr, drv,
			netdevs[0] ? netdevs : "no interface", node);
	} else if (dr_is_dpdk_driver(drv)) {
		d->pci_ok = true;
		dr_line(d, DOCTOR_WARN, "pci device",
			"prefer vfio-pci: deploy/bind-nic.sh bind (with the "
			"IOMMU on)",
			"%s bound to %s, %s: no IOMMU isolation, and IOVA=PA "
			"needs CAP_SYS_ADMIN to read /proc/self/pagemap", addr,
			drv, node);
	} else if (drv[0]) {
		dr_line(d, bad, "pci device", fix,
			"%s is bound to the kernel driver %s (interface %s)%s, "
			"%s", addr, drv, netdevs[0] ? netdevs : "none",
			defroute ? " which carries the default route: binding "
			"it cuts this host off that network" : "", node);
	} else {
		dr_line(d, bad, "pci device", fix, "%s has no driver bound, %s",
			addr, node);
	}
}

/* af_packet / af_xdp: the kernel interface. */
static void
dr_check_iface(struct doctor *d)
{
	const struct config *c = d->cfg;
	const char *ifn = c->iface;
	enum doctor_level bad =
		c->driver == CONFIG_DRIVER_AUTO && d->pci_ok ? DOCTOR_WARN :
							       DOCTOR_FAIL;
	char rel[DR_PATH], drv[64], state[32], fix[256];
	enum doctor_level l = DOCTOR_OK;
	long long idx, link;
	int rxq;

	snprintf(rel, sizeof(rel), "/sys/class/net/%s", ifn);
	if (!ifn[0] || !dr_exists(d, rel)) {
		if (strncmp(ifn, "lr-", 3) == 0)
			snprintf(fix, sizeof(fix),
				 "create it: deploy/veth.sh up (the veth test "
				 "topology), or set port.iface");
		else
			snprintf(fix, sizeof(fix),
				 "set port.iface to an existing interface "
				 "(`ip -br link`)");
		dr_line(d, bad, "interface", fix, "%s not found",
			ifn[0] ? ifn : "(port.iface empty)");
		return;
	}
	snprintf(rel, sizeof(rel), "/sys/class/net/%s/device/driver", ifn);
	dr_link_base(d, rel, drv, sizeof(drv));
	if (!drv[0]) {
		/* No device: a virtual interface. DEVTYPE= names most kinds
		 * (vlan, bridge...); veth has none but a peer (iflink). */
		char path[DR_PATH], ue[256];
		FILE *f = fopen(dr_path(d, path, sizeof(path),
					"/sys/class/net/%s/uevent", ifn), "r");

		while (f && fgets(ue, sizeof(ue), f))
			if (strncmp(ue, "DEVTYPE=", 8) == 0) {
				snprintf(drv, sizeof(drv), "%.*s",
					 (int)strcspn(ue + 8, "\n"), ue + 8);
				break;
			}
		if (f)
			fclose(f);
	}
	if (!drv[0]) {
		snprintf(rel, sizeof(rel), "/sys/class/net/%s/ifindex", ifn);
		idx = dr_read_ll(d, -1, rel);
		snprintf(rel, sizeof(rel), "/sys/class/net/%s/iflink", ifn);
		link = dr_read_ll(d, -1, rel);
		snprintf(drv, sizeof(drv), "%s",
			 idx >= 0 && link >= 0 && idx != link ? "veth" :
								"virtual");
	}
	snprintf(rel, sizeof(rel), "/sys/class/net/%s/device", ifn);
	d->nic_node = dr_dev_node(d, rel);
	snprintf(rel, sizeof(rel), "/sys/class/net/%s/operstate", ifn);
	if (dr_read(d, state, sizeof(state), "%s", rel) < 0)
		snprintf(state, sizeof(state), "unknown");
	snprintf(rel, sizeof(rel), "/sys/class/net/%s/queues", ifn);
	rxq = dr_count_dir(d, rel, "rx-");

	fix[0] = '\0';
	if (strcmp(state, "down") == 0 || strcmp(state, "lowerlayerdown") == 0) {
		l = DOCTOR_WARN;
		snprintf(fix, sizeof(fix), "ip link set %s up%s", ifn,
			 strcmp(drv, "veth") == 0 ? " (and its peer)" : "");
	}
	if (dr_uses_xdp(d) && rxq >= 0 && (uint32_t)rxq < c->nb_lcores) {
		l = bad;
		snprintf(fix, sizeof(fix),
			 "af_xdp takes queues 0..%u, one per lcore: `ethtool -L "
			 "%s combined %u` (veth: LR_QUEUES=%u deploy/veth.sh up)",
			 c->nb_lcores - 1, ifn, c->nb_lcores, c->nb_lcores);
	}
	snprintf(rel, sizeof(rel), d->nic_node < 0 ? "unknown" : "%d",
		 d->nic_node);
	dr_line(d, l, "interface", fix,
		"%s: %s, driver %s, %d rx queue(s) for %u lcore(s), NUMA node "
		"%s", ifn, state, drv, rxq, c->nb_lcores, rel);
}

static void
dr_check_iommu(struct doctor *d)
{
	char cmdline[2048], noiommu[8];
	int groups = dr_count_dir(d, "/sys/kernel/iommu_groups", "");
	bool pt, on;

	if (groups < 0)
		groups = 0;
	if (!dr_uses_pci(d) || d->nic_bifurcated) {
		dr_line(d, DOCTOR_NA, "iommu", NULL,
			"not needed by %s (%d IOMMU group(s))",
			d->nic_bifurcated ? "the mlx PMD" :
					    config_driver_name(d->cfg->driver),
			groups);
		return;
	}
	if (dr_read(d, cmdline, sizeof(cmdline), "/proc/cmdline") < 0)
		cmdline[0] = '\0';
	pt = strstr(cmdline, "iommu=pt") != NULL;
	on = strstr(cmdline, "intel_iommu=on") || strstr(cmdline, "amd_iommu");
	if (groups > 0) {
		dr_line(d, DOCTOR_OK, "iommu", NULL,
			"%d IOMMU group(s)%s", groups,
			pt ? ", iommu=pt" :
			     " (add iommu=pt so kernel-driven devices skip "
			     "translation)");
		return;
	}
	if (dr_read(d, noiommu, sizeof(noiommu),
		    "/sys/module/vfio/parameters/enable_unsafe_noiommu_mode") ==
		    0 &&
	    (noiommu[0] == 'Y' || noiommu[0] == '1')) {
		dr_line(d, DOCTOR_WARN, "iommu",
			"enable VT-d/AMD-Vi in the firmware and boot with "
			"intel_iommu=on iommu=pt (docs/DEPLOY.md)",
			"no IOMMU; vfio runs in unsafe no-IOMMU mode (no DMA "
			"isolation; IOVA=PA needs CAP_SYS_ADMIN)");
		return;
	}
	dr_line(d, dr_pci_bad(d), "iommu",
		"enable VT-d/AMD-Vi in the firmware and boot with "
		"intel_iommu=on iommu=pt (docs/DEPLOY.md); or, unsafe, "
		"deploy/bind-nic.sh --noiommu",
		"no IOMMU groups in /sys/kernel/iommu_groups%s",
		on ? " although the IOMMU is on in /proc/cmdline (firmware?)" :
		     "");
}

static void
dr_check_vfio(struct doctor *d)
{
	char rel[DR_PATH], buf[4096];
	bool loaded, loadable = false, dev;

	if (!dr_uses_pci(d) || d->nic_bifurcated) {
		dr_line(d, DOCTOR_NA, "vfio", NULL, "not needed by %s",
			d->nic_bifurcated ? "the mlx PMD" :
					    config_driver_name(d->cfg->driver));
		return;
	}
	loaded = dr_exists(d, "/sys/bus/pci/drivers/vfio-pci") ||
		 dr_exists(d, "/sys/module/vfio_pci");
	dev = dr_exists(d, "/dev/vfio/vfio");
	if (d->kconfig_vfio == 'y' || d->kconfig_vfio == 'm')
		loadable = true;
	for (int i = 0; !loadable && i < 2; i++) {
		char path[DR_PATH];
		FILE *f;

		snprintf(rel, sizeof(rel), "/lib/modules/%s/%s", d->release,
			 i ? "modules.dep" : "modules.builtin");
		f = fopen(dr_path(d, path, sizeof(path), "%s", rel), "r");
		while (f && fgets(buf, sizeof(buf), f))
			if (strstr(buf, "vfio-pci.ko")) {
				loadable = true;
				break;
			}
		if (f)
			fclose(f);
	}
	if (loaded && dev)
		dr_line(d, DOCTOR_OK, "vfio", NULL,
			"vfio-pci loaded, /dev/vfio/vfio present");
	else if (loaded)
		dr_line(d, DOCTOR_WARN, "vfio", "check devtmpfs and udev",
			"vfio-pci loaded but /dev/vfio/vfio is missing");
	else if (loadable)
		dr_line(d, DOCTOR_WARN, "vfio",
			"deploy/bind-nic.sh loads it (modprobe vfio-pci)",
			"vfio-pci not loaded (available in this kernel)");
	else
		dr_line(d, dr_pci_bad(d), "vfio",
			"use a kernel with CONFIG_VFIO_PCI (Debian's has it as "
			"a module)",
			"vfio-pci is neither loaded nor available (CONFIG_VFIO_PCI "
			"%s)", d->kconfig_vfio == 'n' ? "not set" : "unknown");
}

/* Hugepages of every size, free/total, per node; the free bytes overall
 * and on the NIC's node. */
struct dr_huge {
	char text[DR_LINE];
	unsigned long long free_bytes, free_2m_pages, node_free_bytes;
};

static void
dr_huge_scan(struct doctor *d, struct dr_huge *h)
{
	static const unsigned long sizes[] = { 2048, 1048576 };
	size_t used = 0;

	memset(h, 0, sizeof(*h));
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		unsigned long kb = sizes[i];
		char rel[DR_PATH];
		long long nr, fr;

		snprintf(rel, sizeof(rel),
			 "/sys/kernel/mm/hugepages/hugepages-%lukB/nr_hugepages",
			 kb);
		nr = dr_read_ll(d, -1, rel);
		if (nr < 0)
			continue;
		snprintf(rel, sizeof(rel),
			 "/sys/kernel/mm/hugepages/hugepages-%lukB/free_hugepages",
			 kb);
		fr = dr_read_ll(d, 0, rel);
		h->free_bytes += (unsigned long long)fr * kb * 1024;
		if (kb == 2048)
			h->free_2m_pages = (unsigned long long)fr;
		used += (size_t)snprintf(h->text + used, sizeof(h->text) - used,
					 "%s%s %lld/%lld free", used ? "; " : "",
					 kb == 2048 ? "2M" : "1G", fr, nr);
		for (int node = 0; node < DR_MAX_NODES && used < sizeof(h->text);
		     node++) {
			char base[DR_PATH];
			long long nnr, nfr;

			snprintf(base, sizeof(base),
				 "/sys/devices/system/node/node%d/hugepages/"
				 "hugepages-%lukB", node, kb);
			snprintf(rel, sizeof(rel), "%s/nr_hugepages", base);
			nnr = dr_read_ll(d, -1, rel);
			if (nnr < 0)
				continue;
			snprintf(rel, sizeof(rel), "%s/free_hugepages", base);
			nfr = dr_read_ll(d, 0, rel);
			if (node == d->nic_node)
				h->node_free_bytes +=
					(unsigned long long)nfr * kb * 1024;
			used += (size_t)snprintf(h->text + used,
						 sizeof(h->text) - used,
						 " (node%d %lld/%lld)", node, nfr,
						 nnr);
		}
	}
	if (!used)
		snprintf(h->text, sizeof(h->text),
			 "the kernel reports no hugepage sizes");
}

static void
dr_check_hugepages(struct doctor *d)
{
	const struct config *c = d->cfg;
	unsigned long long need = (unsigned long long)c->eal_memory_mb << 20;
	unsigned long long pools = DR_MBUF_BYTES * c->mbufs * c->nb_lcores;
	unsigned long pages2m = (unsigned long)((need + (2u << 20) - 1) >> 21);
	struct dr_huge h;
	char fix[256];

	dr_huge_scan(d, &h);
	if (d->nic_node >= 0)
		snprintf(fix, sizeof(fix),
			 "deploy/hugepages.sh --size 2M --pages %lu --node %d",
			 pages2m, d->nic_node);
	else
		snprintf(fix, sizeof(fix),
			 "deploy/hugepages.sh --size 2M --pages %lu", pages2m);
	switch (c->hugepages) {
	case CONFIG_OFF:
		dr_line(d, c->driver == CONFIG_DRIVER_PCI ? DOCTOR_WARN :
							    DOCTOR_NA,
			"hugepages",
			"set eal.hugepages to \"on\" for a PCI NIC",
			"not used (eal.hugepages off: --no-huge); %s", h.text);
		return;
	case CONFIG_AUTO:
		/* As app_eal_init(): 2 MB pages only. */
		if (h.free_2m_pages * 2 >= c->eal_memory_mb) {
			d->huge_used = true;
			dr_line(d, DOCTOR_OK, "hugepages", NULL,
				"%s; eal.hugepages auto takes 2M pages for %u MB",
				h.text, c->eal_memory_mb);
		} else {
			dr_line(d, DOCTOR_WARN, "hugepages", fix,
				"%s; fewer than %u MB of free 2M pages, so "
				"eal.hugepages auto runs with --no-huge (fine for "
				"veth/CI, slow at line rate)", h.text,
				c->eal_memory_mb);
		}
		break;
	case CONFIG_ON:
		d->huge_used = true;
		dr_line(d, h.free_bytes >= need ? DOCTOR_OK : DOCTOR_FAIL,
			"hugepages", fix, "%s; eal.memory_mb needs %u MB, %llu MB "
			"free", h.text, c->eal_memory_mb, h.free_bytes >> 20);
		break;
	}
	if (d->huge_used && d->nic_node >= 0 && h.node_free_bytes < pools)
		dr_line(d, DOCTOR_WARN, "hugepages numa", fix,
			"the mempools (%u x %u mbufs, ~%llu MB) live on the "
			"NIC's node %d, which has %llu MB free", c->nb_lcores,
			c->mbufs, pools >> 20, d->nic_node,
			h.node_free_bytes >> 20);
}

static void
dr_check_hugetlbfs(struct doctor *d)
{
	char list[512], path[DR_PATH];
	int n = dr_mounts(d, "hugetlbfs", NULL, list, sizeof(list));

	if (!d->huge_used) {
		dr_line(d, DOCTOR_NA, "hugetlbfs", NULL, "%s (no hugepages used)",
			n > 0 ? list : "not mounted");
		return;
	}
	if (n <= 0) {
		dr_line(d, DOCTOR_FAIL, "hugetlbfs",
			"deploy/hugepages.sh mounts it (or: mount -t hugetlbfs "
			"nodev /dev/hugepages)",
			"not mounted: EAL cannot map hugepages");
		return;
	}
	/* The first mount is the one EAL uses for its size. */
	snprintf(path, sizeof(path), "%s%.*s", d->root,
		 (int)strcspn(list, " ,"), list);
	if (access(path, W_OK) != 0 && !dr_has_cap(d, DR_CAP_DAC_OVERRIDE))
		dr_line(d, DOCTOR_FAIL, "hugetlbfs",
			"deploy/hugepages.sh --user USER gives the service "
			"user the mount",
			"%s; %.*s is not writable by uid %ld", list,
			(int)strcspn(list, " ,"), list, d->uid);
	else
		dr_line(d, DOCTOR_OK, "hugetlbfs", NULL, "%s", list);
}

static void
dr_check_bpffs(struct doctor *d)
{
	int n = dr_mounts(d, "bpf", "/sys/fs/bpf", NULL, 0);

	if (!dr_uses_xdp(d)) {
		dr_line(d, DOCTOR_NA, "bpffs", NULL,
			"%s at /sys/fs/bpf (used by af_xdp only)",
			n > 0 ? "mounted" : "not mounted");
		return;
	}
	if (n > 0)
		dr_line(d, DOCTOR_OK, "bpffs", NULL, "mounted at /sys/fs/bpf");
	else
		dr_line(d, DOCTOR_WARN, "bpffs",
			"mount -t bpf bpf /sys/fs/bpf (or set "
			"LIBXDP_BPFFS_AUTOMOUNT=1)",
			"not mounted at /sys/fs/bpf: libxdp loads the XDP "
			"program without its dispatcher, so no other XDP "
			"program can share %s", d->cfg->iface);
}

static void
dr_check_kernel(struct doctor *d)
{
	int major = 0, minor = 0;
	char kc[64];
	enum doctor_level l = DOCTOR_OK;
	const char *fix = NULL;

	sscanf(d->release, "%d.%d", &major, &minor);
	snprintf(kc, sizeof(kc), "CONFIG_XDP_SOCKETS=%s",
		 d->kconfig_xdp == 'y' ? "y" :
		 d->kconfig_xdp == 'n' ? "not set" :
					 "unknown (no /boot/config-*, no "
					 "/proc/config.gz)");
	if (!dr_uses_xdp(d)) {
		dr_line(d, DOCTOR_NA, "kernel xdp", NULL,
			"%s, %s (used by af_xdp only)",
			d->release[0] ? d->release : "unknown", kc);
		return;
	}
	if (major * 100 + minor < 418) {
		l = DOCTOR_FAIL;
		fix = "DPDK's af_xdp PMD needs Linux 4.18 or later (5.4+ "
		      "recommended)";
	} else if (d->kconfig_xdp == 'n') {
		l = DOCTOR_FAIL;
		fix = "use a kernel built with CONFIG_XDP_SOCKETS=y";
	} else if (d->kconfig_xdp == '?') {
		l = DOCTOR_WARN;
		fix = "check the kernel's build config for CONFIG_XDP_SOCKETS";
	} else if (major * 100 + minor < 504) {
		l = DOCTOR_WARN;
		fix = "Linux 5.4+ has need_wakeup, which the af_xdp PMD uses";
	}
	if (l == DOCTOR_FAIL && d->cfg->driver == CONFIG_DRIVER_AUTO)
		l = DOCTOR_WARN;
	dr_line(d, l, "kernel xdp", fix, "Linux %s, %s",
		d->release[0] ? d->release : "unknown", kc);
}

static void
dr_list_add(char *buf, size_t n, uint32_t v)
{
	size_t used = strlen(buf);

	if (used < n)
		snprintf(buf + used, n - used, "%s%u", used ? "," : "", v);
}

static void
dr_check_lcores(struct doctor *d)
{
	const struct config *c = d->cfg;
	char online[1024], isolated[1024], offline[256] = "", far[256] = "",
		notiso[256] = "", nodes[128] = "", denied[256] = "", fix[512];
	struct dr_cpuset on, iso, allow;
	bool affinity = d->allowed[0] && dr_cpulist(d->allowed, &allow) == 0;
	bool seen[DR_MAX_NODES] = { false };
	int nseen = 0;

	if (dr_read(d, online, sizeof(online), "/sys/devices/system/cpu/online") <
		    0 ||
	    dr_cpulist(online, &on) < 0) {
		dr_line(d, DOCTOR_WARN, "lcores", "mount sysfs",
			"cannot read /sys/devices/system/cpu/online");
		return;
	}
	if (dr_read(d, isolated, sizeof(isolated),
		    "/sys/devices/system/cpu/isolated") < 0 ||
	    dr_cpulist(isolated, &iso) < 0)
		memset(&iso, 0, sizeof(iso));
	if (!dr_cpuset_has(&on, c->main_lcore))
		dr_list_add(offline, sizeof(offline), c->main_lcore);
	if (affinity && !dr_cpuset_has(&allow, c->main_lcore))
		dr_list_add(denied, sizeof(denied), c->main_lcore);
	for (uint32_t i = 0; i < c->nb_lcores; i++) {
		uint32_t l = c->lcores[i];
		int node = l < DR_MAX_CPUS ? d->cpu_node[l] : -1;

		if (!dr_cpuset_has(&on, l))
			dr_list_add(offline, sizeof(offline), l);
		if (affinity && !dr_cpuset_has(&allow, l))
			dr_list_add(denied, sizeof(denied), l);
		if (d->nic_node >= 0 && node >= 0 && node != d->nic_node)
			dr_list_add(far, sizeof(far), l);
		if (!dr_cpuset_has(&iso, l))
			dr_list_add(notiso, sizeof(notiso), l);
		if (node >= 0 && node < DR_MAX_NODES && !seen[node]) {
			seen[node] = true;
			nseen++;
			dr_list_add(nodes, sizeof(nodes), (uint32_t)node);
		}
	}
	if (offline[0]) {
		dr_line(d, DOCTOR_FAIL, "lcores",
			"choose lcores and main_lcore among the online CPUs "
			"(`lscpu -e`)",
			"CPU(s) %s are not online (online: %s)", offline, online);
		return;
	}
	if (denied[0]) {
		dr_line(d, DOCTOR_FAIL, "lcores",
			"choose lcores among the allowed CPUs, or widen the "
			"cpuset (systemd CPUAffinity=, the container's CPUs)",
			"CPU(s) %s are outside this process's affinity (allowed: "
			"%s): EAL cannot start lcores there", denied, d->allowed);
		return;
	}
	if (far[0]) {
		snprintf(fix, sizeof(fix),
			 "use CPUs of node %d (/sys/devices/system/node/node%d/"
			 "cpulist)", d->nic_node, d->nic_node);
		dr_line(d, DOCTOR_WARN, "lcores", fix,
			"data lcore(s) %s are not on the NIC's NUMA node %d: "
			"every packet crosses the interconnect", far,
			d->nic_node);
	}
	if (!c->idle_enabled && notiso[0]) {
		snprintf(fix, sizeof(fix),
			 "boot with isolcpus=%s nohz_full=%s rcu_nocbs=%s "
			 "(docs/DEPLOY.md)", notiso, notiso, notiso);
		dr_line(d, DOCTOR_WARN, "lcores", fix,
			"busy-polling data lcore(s) %s are not isolated: the "
			"scheduler also runs other tasks there", notiso);
		return;
	}
	if (!far[0])
		dr_line(d, DOCTOR_OK, "lcores", NULL,
			"data %u + main %u online (online: %s), NUMA node(s) "
			"%s%s", c->nb_lcores, c->main_lcore, online,
			nseen ? nodes : "unknown",
			c->idle_enabled ? ", idle backoff on" :
					  ", busy-polling CPUs isolated");
}

static void
dr_check_ctl(struct doctor *d)
{
	const char *sock = d->cfg->ctl_socket;
	char path[DR_PATH];
	struct stat st;

	dr_path(d, path, sizeof(path), "%s", sock);
	if (lstat(path, &st) == 0) {
		struct sockaddr_un sa = { .sun_family = AF_UNIX };
		int fd, rc = -1;

		if (!S_ISSOCK(st.st_mode)) {
			dr_line(d, DOCTOR_FAIL, "ctl socket",
				"remove it or set ctl.socket",
				"%s exists and is not a socket (linerate never "
				"removes it)", sock);
			return;
		}
		if (strlen(path) < sizeof(sa.sun_path)) {
			memcpy(sa.sun_path, path, strlen(path) + 1);
			fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
			if (fd >= 0) {
				rc = connect(fd, (struct sockaddr *)&sa,
					     sizeof(sa));
				close(fd);
			}
		}
		if (rc == 0)
			dr_line(d, DOCTOR_FAIL, "ctl socket",
				"stop it (linerate-ctl version says which), or "
				"give this one another ctl.socket",
				"%s: another linerate is serving it", sock);
		else
			dr_line(d, DOCTOR_OK, "ctl socket", NULL,
				"%s (stale: replaced at start)", sock);
		return;
	}
	dr_line(d, DOCTOR_OK, "ctl socket", NULL,
		"%s (created at start, directory mode 0750)", sock);
}

int
doctor_run_at(const struct config *cfg, const char *root, FILE *out)
{
	struct doctor *d = calloc(1, sizeof(*d));
	int fails;

	if (!d) {
		fprintf(out, "FAIL  doctor: out of memory\n");
		return 1;
	}
	d->cfg = cfg;
	d->root = root ? root : "";
	d->out = out;
	d->nic_node = -1;
	if (dr_read(d, d->release, sizeof(d->release),
		    "/proc/sys/kernel/osrelease") < 0)
		d->release[0] = '\0';
	dr_identity(d);
	dr_kconfig(d);
	dr_cpu_nodes(d);

	fprintf(out, "linerate --check: is this host ready for driver %s?\n",
		config_driver_name(cfg->driver));
	dr_check_config(d);
	if (cfg->driver == CONFIG_DRIVER_RING) {
		dr_line(d, DOCTOR_NA, "port", NULL,
			"the ring driver is an in-memory port (tests)");
	} else {
		if (dr_uses_pci(d))
			dr_check_pci(d);
		if (dr_uses_iface(d))
			dr_check_iface(d);
	}
	dr_check_privileges(d);
	dr_check_memlock(d);
	dr_check_iommu(d);
	dr_check_vfio(d);
	dr_check_hugepages(d);
	dr_check_hugetlbfs(d);
	dr_check_bpffs(d);
	dr_check_kernel(d);
	dr_check_lcores(d);
	dr_check_ctl(d);
	fprintf(out, "summary: %d FAIL, %d WARN \u2014 %s\n", d->fails,
		d->warns, d->fails ? "not ready" : "ready");
	fflush(out);
	fails = d->fails;
	free(d);
	return fails;
}

int
doctor_run(const struct config *cfg, FILE *out)
{
	return doctor_run_at(cfg, "", out);
}

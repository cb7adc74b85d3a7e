/* SPDX-License-Identifier: BSD-3-Clause */
/* doctor_cpu.c: CPU, NUMA and privilege items (lcores, capabilities). */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doctor/doctor_priv.h"

struct doctor_cpuset {
	uint64_t w[DOCTOR_MAX_CPUS / 64];
};

static void
doctor_cpuset_set(struct doctor_cpuset *s, long cpu)
{
	if (cpu >= 0 && cpu < DOCTOR_MAX_CPUS)
		s->w[cpu / 64] |= 1ull << (cpu % 64);
}

static bool
doctor_cpuset_has(const struct doctor_cpuset *s, long cpu)
{
	return cpu >= 0 && cpu < DOCTOR_MAX_CPUS &&
	       (s->w[cpu / 64] >> (cpu % 64)) & 1;
}

/* "0-3,8,10-11" into s; -EINVAL when malformed. */
static int
doctor_cpulist(const char *list, struct doctor_cpuset *s)
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
		for (long c = lo; c <= hi && c < DOCTOR_MAX_CPUS; c++)
			doctor_cpuset_set(s, c);
		p = *end == ',' ? end + 1 : end;
		if (*end && *end != ',' && *end != '\n')
			return -EINVAL;
	}
	return 0;
}

/* Uid (effective) and CapEff from /proc/self/status. */
void
doctor_identity(struct doctor *d)
{
	char path[DOCTOR_PATH], line[256];
	FILE *f = fopen(doctor_path(d, path, sizeof(path), "/proc/self/status"),
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
				 (int)strcspn(line + 18 +
						      strspn(line + 18, " \t"),
					      "\n"),
				 line + 18 + strspn(line + 18, " \t"));
		else if (sscanf(line, "CapEff: %llx", &caps) == 1) {
			d->caps = caps;
			d->caps_known = true;
		}
	}
	fclose(f);
}

/* cpu_node[] from /sys/devices/system/node/nodeN/cpulist. */
void
doctor_cpu_nodes(struct doctor *d)
{
	for (int c = 0; c < DOCTOR_MAX_CPUS; c++)
		d->cpu_node[c] = -1;
	for (int node = 0; node < DOCTOR_MAX_NODES; node++) {
		char buf[1024];
		struct doctor_cpuset s;

		if (doctor_read(d, buf, sizeof(buf),
				"/sys/devices/system/node/node%d/cpulist",
				node) < 0 ||
		    doctor_cpulist(buf, &s) < 0)
			continue;
		for (int c = 0; c < DOCTOR_MAX_CPUS; c++)
			if (doctor_cpuset_has(&s, c))
				d->cpu_node[c] = (int16_t)node;
	}
}

struct doctor_cap_need {
	int cap;
	const char *name;
	const char *why;
	bool required;
};

/* Capabilities by driver. RLIMIT_MEMLOCK (CAP_IPC_LOCK) is the memlock
 * item's; vfio and hugetlbfs access are file permissions, checked there. */
void
doctor_check_privileges(struct doctor *d)
{
	struct doctor_cap_need need[4];
	char have[256] = "", missing[512] = "";
	enum doctor_level l = DOCTOR_OK;
	size_t nn = 0, nh = 0, nm = 0;
	bool xdp = doctor_uses_xdp(d), bpf_ok;

	if (!d->caps_known) {
		doctor_line(
			d, DOCTOR_WARN, "privileges",
			"run on Linux with /proc mounted",
			"uid %ld, capabilities unknown (no /proc/self/status)",
			d->uid);
		return;
	}
	if (xdp) {
		need[nn++] = (struct doctor_cap_need){DOCTOR_CAP_NET_RAW,
						      "CAP_NET_RAW",
						      "AF_XDP sockets", true};
		need[nn++] = (struct doctor_cap_need){
			DOCTOR_CAP_NET_ADMIN, "CAP_NET_ADMIN",
			"attaching the XDP program", true};
	} else if (d->cfg->driver == CONFIG_DRIVER_AF_PACKET) {
		need[nn++] = (struct doctor_cap_need){
			DOCTOR_CAP_NET_RAW, "CAP_NET_RAW", "AF_PACKET sockets",
			true};
		need[nn++] = (struct doctor_cap_need){
			DOCTOR_CAP_NET_ADMIN, "CAP_NET_ADMIN",
			"interface flag ioctls", false};
	}
	if (nn == 0) {
		doctor_line(d, DOCTOR_OK, "privileges", NULL,
			    "uid %ld%s; the %s needs no capability%s", d->uid,
			    d->uid == 0 ? " (root)" : "",
			    d->cfg->driver == CONFIG_DRIVER_RING ? "ring driver"
								 : "PCI port",
			    d->cfg->driver == CONFIG_DRIVER_RING
				    ? ""
				    : " (only access to /dev/vfio and the "
				      "hugetlbfs mount)");
		return;
	}
	for (size_t i = 0; i < nn; i++) {
		if (doctor_has_cap(d, need[i].cap)) {
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
	bpf_ok = doctor_has_cap(d, DOCTOR_CAP_SYS_ADMIN) ||
		 (doctor_has_cap(d, DOCTOR_CAP_BPF) &&
		  doctor_has_cap(d, DOCTOR_CAP_PERFMON));
	if (xdp && bpf_ok) {
		nh += (size_t)snprintf(have + nh, sizeof(have) - nh, " %s",
				       doctor_has_cap(d, DOCTOR_CAP_BPF)
					       ? "CAP_BPF+CAP_PERFMON"
					       : "CAP_SYS_ADMIN");
	} else if (xdp) {
		nm += (size_t)snprintf(missing + nm, sizeof(missing) - nm,
				       "%sCAP_BPF+CAP_PERFMON or CAP_SYS_ADMIN "
				       "(loading the XDP program)",
				       nm ? ", " : "");
		l = DOCTOR_FAIL;
	}
	if (l == DOCTOR_OK)
		doctor_line(d, l, "privileges", NULL, "uid %ld%s, has%s",
			    d->uid, d->uid == 0 ? " (root)" : "", have);
	else
		doctor_line(
			d, l, "privileges",
			"run as root, or grant them: AmbientCapabilities= in "
			"deploy/linerate.service, or setcap on the binary",
			"uid %ld lacks %s", d->uid, missing);
}

static void
doctor_list_add(char *buf, size_t n, uint32_t v)
{
	size_t used = strlen(buf);

	if (used < n)
		snprintf(buf + used, n - used, "%s%u", used ? "," : "", v);
}

void
doctor_check_lcores(struct doctor *d)
{
	const struct config *c = d->cfg;
	char online[1024], isolated[1024], offline[256] = "", far[256] = "",
					   notiso[256] = "", nodes[128] = "",
					   denied[256] = "", fix[512];
	struct doctor_cpuset on, iso, allow;
	bool affinity =
		d->allowed[0] && doctor_cpulist(d->allowed, &allow) == 0;
	bool seen[DOCTOR_MAX_NODES] = {false};
	int nseen = 0;

	if (doctor_read(d, online, sizeof(online),
			"/sys/devices/system/cpu/online") < 0 ||
	    doctor_cpulist(online, &on) < 0) {
		doctor_line(d, DOCTOR_WARN, "lcores", "mount sysfs",
			    "cannot read /sys/devices/system/cpu/online");
		return;
	}
	if (doctor_read(d, isolated, sizeof(isolated),
			"/sys/devices/system/cpu/isolated") < 0 ||
	    doctor_cpulist(isolated, &iso) < 0)
		memset(&iso, 0, sizeof(iso));
	if (!doctor_cpuset_has(&on, c->main_lcore))
		doctor_list_add(offline, sizeof(offline), c->main_lcore);
	if (affinity && !doctor_cpuset_has(&allow, c->main_lcore))
		doctor_list_add(denied, sizeof(denied), c->main_lcore);
	for (uint32_t i = 0; i < c->nb_lcores; i++) {
		uint32_t l = c->lcores[i];
		int node = l < DOCTOR_MAX_CPUS ? d->cpu_node[l] : -1;

		if (!doctor_cpuset_has(&on, l))
			doctor_list_add(offline, sizeof(offline), l);
		if (affinity && !doctor_cpuset_has(&allow, l))
			doctor_list_add(denied, sizeof(denied), l);
		if (d->nic_node >= 0 && node >= 0 && node != d->nic_node)
			doctor_list_add(far, sizeof(far), l);
		if (!doctor_cpuset_has(&iso, l))
			doctor_list_add(notiso, sizeof(notiso), l);
		if (node >= 0 && node < DOCTOR_MAX_NODES && !seen[node]) {
			seen[node] = true;
			nseen++;
			doctor_list_add(nodes, sizeof(nodes), (uint32_t)node);
		}
	}
	if (offline[0]) {
		doctor_line(
			d, DOCTOR_FAIL, "lcores",
			"choose lcores and main_lcore among the online CPUs "
			"(`lscpu -e`)",
			"CPU(s) %s are not online (online: %s)", offline,
			online);
		return;
	}
	if (denied[0]) {
		doctor_line(
			d, DOCTOR_FAIL, "lcores",
			"choose lcores among the allowed CPUs, or widen the "
			"cpuset (systemd CPUAffinity=, the container's CPUs)",
			"CPU(s) %s are outside this process's affinity "
			"(allowed: "
			"%s): EAL cannot start lcores there",
			denied, d->allowed);
		return;
	}
	if (far[0]) {
		snprintf(fix, sizeof(fix),
			 "use CPUs of node %d (/sys/devices/system/node/node%d/"
			 "cpulist)",
			 d->nic_node, d->nic_node);
		doctor_line(
			d, DOCTOR_WARN, "lcores", fix,
			"data lcore(s) %s are not on the NIC's NUMA node %d: "
			"every packet crosses the interconnect",
			far, d->nic_node);
	}
	if (!c->idle_enabled && notiso[0]) {
		snprintf(fix, sizeof(fix),
			 "boot with isolcpus=%s nohz_full=%s rcu_nocbs=%s "
			 "(docs/DEPLOY.md)",
			 notiso, notiso, notiso);
		doctor_line(
			d, DOCTOR_WARN, "lcores", fix,
			"busy-polling data lcore(s) %s are not isolated: the "
			"scheduler also runs other tasks there",
			notiso);
		return;
	}
	if (!far[0])
		doctor_line(
			d, DOCTOR_OK, "lcores", NULL,
			"data %u + main %u online (online: %s), NUMA node(s) "
			"%s%s",
			c->nb_lcores, c->main_lcore, online,
			nseen ? nodes : "unknown",
			c->idle_enabled ? ", idle backoff on"
					: ", busy-polling CPUs isolated");
}

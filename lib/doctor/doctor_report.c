/* SPDX-License-Identifier: BSD-3-Clause */
/* doctor_report.c: `linerate --check`: line writer, item order, summary. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "doctor/doctor_priv.h"

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

void
doctor_line(struct doctor *d, enum doctor_level l, const char *item,
	    const char *fix, const char *fmt, ...)
{
	char detail[DOCTOR_LINE];
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

static void
doctor_check_config(struct doctor *d)
{
	const struct config *c = d->cfg;
	char lcores[256];
	int n = 0;

	lcores[0] = '\0';
	for (uint32_t i = 0; i < c->nb_lcores && n < (int)sizeof(lcores) - 8;
	     i++)
		n += snprintf(lcores + n, sizeof(lcores) - (size_t)n, "%s%u",
			      i ? "," : "", c->lcores[i]);
	doctor_line(d, DOCTOR_OK, "config", NULL,
		    "driver %s%s%s, %u data lcore(s) [%s], main lcore %u, "
		    "eal.hugepages %s, eal.memory_mb %u, idle backoff %s",
		    config_driver_name(c->driver),
		    c->driver == CONFIG_DRIVER_PCI ? ", pci " : ", iface ",
		    c->driver == CONFIG_DRIVER_PCI
			    ? (c->pci[0] ? c->pci : "(first DPDK-bound)")
			    : c->iface,
		    c->nb_lcores, lcores, c->main_lcore,
		    c->hugepages == CONFIG_ON    ? "on"
		    : c->hugepages == CONFIG_OFF ? "off"
						 : "auto",
		    c->eal_memory_mb, c->idle_enabled ? "on" : "off");
}

static void
doctor_check_ctl(struct doctor *d)
{
	const char *sock = d->cfg->ctl_socket;
	char path[DOCTOR_PATH];
	struct stat st;

	doctor_path(d, path, sizeof(path), "%s", sock);
	if (lstat(path, &st) == 0) {
		struct sockaddr_un sa = {.sun_family = AF_UNIX};
		int fd, rc = -1;

		if (!S_ISSOCK(st.st_mode)) {
			doctor_line(
				d, DOCTOR_FAIL, "ctl socket",
				"remove it or set ctl.socket",
				"%s exists and is not a socket (linerate never "
				"removes it)",
				sock);
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
			doctor_line(
				d, DOCTOR_FAIL, "ctl socket",
				"stop it (linerate-ctl version says which), or "
				"give this one another ctl.socket",
				"%s: another linerate is serving it", sock);
		else
			doctor_line(d, DOCTOR_OK, "ctl socket", NULL,
				    "%s (stale: replaced at start)", sock);
		return;
	}
	doctor_line(d, DOCTOR_OK, "ctl socket", NULL,
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
	if (doctor_read(d, d->release, sizeof(d->release),
			"/proc/sys/kernel/osrelease") < 0)
		d->release[0] = '\0';
	doctor_identity(d);
	doctor_kconfig(d);
	doctor_cpu_nodes(d);

	fprintf(out, "linerate --check: is this host ready for driver %s?\n",
		config_driver_name(cfg->driver));
	doctor_check_config(d);
	if (cfg->driver == CONFIG_DRIVER_RING) {
		doctor_line(d, DOCTOR_NA, "port", NULL,
			    "the ring driver is an in-memory port (tests)");
	} else {
		if (doctor_uses_pci(d))
			doctor_check_pci(d);
		if (doctor_uses_iface(d))
			doctor_check_iface(d);
	}
	doctor_check_privileges(d);
	doctor_check_memlock(d);
	doctor_check_iommu(d);
	doctor_check_vfio(d);
	doctor_check_hugepages(d);
	doctor_check_hugetlbfs(d);
	doctor_check_bpffs(d);
	doctor_check_kernel(d);
	doctor_check_lcores(d);
	doctor_check_ctl(d);
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

/* SPDX-License-Identifier: BSD-3-Clause */
/* doctor.h: `linerate --check`, a host readiness report that starts no EAL. */
#ifndef LR_DOCTOR_DOCTOR_H
#define LR_DOCTOR_DOCTOR_H

#include <stdio.h>

struct config;

/*
 * The report reads only files: /sys, /proc, /dev, /boot and /lib/modules,
 * each under a root prefix, so the tests build a fake tree in a temporary
 * directory. Even the process's own identity comes from files there
 * (/proc/self/status: uid and CapEff; /proc/self/limits: memlock), and a
 * CPU's NUMA node from /sys/devices/system/node/nodeN/cpulist (the file
 * libnuma's numa_node_of_cpu() reads). The one thing it runs is
 * `gzip -dc ROOT/proc/config.gz` when /boot/config-RELEASE is absent.
 *
 * Output, one line per item, what applies to cfg's driver:
 *
 *   OK    item: detail
 *   WARN  item: detail — what to do
 *   FAIL  item: detail — what to do
 *   n/a   item: detail (not needed by this driver)
 *
 * then "summary: N FAIL, M WARN — ready|not ready". A FAIL means linerate
 * with this config will not start or not reach the NIC; a WARN that it
 * starts but something costs speed or safety; n/a that the item does not
 * matter for this driver (an IOMMU for af_packet, say).
 *
 * The items, in order: config, pci device and/or interface (port),
 * privileges, memlock, iommu, vfio, hugepages (and hugepages numa),
 * hugetlbfs, bpffs, kernel xdp, lcores, ctl socket.
 *
 * Layer: lib/doctor reads lib/core's config and nothing above it; it
 * learns about the NIC, vfio and bpffs from sysfs and procfs, not from
 * lib/steer. app/linerate.c runs it for `--check` before any EAL init.
 * Nothing here exits, and nothing on the host is changed.
 */

enum doctor_level { DOCTOR_OK, DOCTOR_NA, DOCTOR_WARN, DOCTOR_FAIL };

/*
 * Report on this host for cfg to out.
 * cfg: the parsed config (read, not kept). out: written and flushed, not
 * closed.
 * Returns the number of FAIL lines (0: ready to start); 1 when the report
 * cannot allocate its state (its one line then says so). Sets no errno.
 */
int doctor_run(const struct config *cfg, FILE *out);

/*
 * doctor_run() with every path under root ("" or NULL: this host;
 * "/tmp/x": /tmp/x/sys/..., /tmp/x/proc/...). cfg's ctl.socket path is
 * looked up under root too; the tests pass a fake tree.
 * Returns what doctor_run() returns.
 */
int doctor_run_at(const struct config *cfg, const char *root, FILE *out);

/* "OK", "n/a", "WARN", "FAIL" (a static string); "?" for other values. */
const char *doctor_level_name(enum doctor_level l);

#endif

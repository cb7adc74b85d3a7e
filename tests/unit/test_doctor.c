/* SPDX-License-Identifier: BSD-3-Clause */
/* test_doctor.c: `linerate --check` against fake sysfs/procfs trees. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/config.h"
#include "doctor/doctor.h"
#include "fake_root.h"

/* A fake host: a temporary directory standing for "/". */
struct fake {
	char root[PATH_MAX];
	char *report;
	int rc;
};

static void
fk_mkdir(struct fake *f, const char *rel)
{
	fake_root_mkdir(f->root, rel);
}

/* Write a file (its directories made), replacing what was there. */
static void __attribute__((format(printf, 3, 4)))
fk_write(struct fake *f, const char *rel, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fake_root_vwrite(f->root, rel, fmt, ap);
	va_end(ap);
}

static void
fk_link(struct fake *f, const char *rel, const char *target)
{
	fake_root_link(f->root, rel, target);
}

static void
fk_rm(struct fake *f, const char *rel)
{
	fake_root_rm(f->root, rel);
}

/* A bare-metal host ready for a vfio-bound NIC on node 0: 2 nodes of 4
 * CPUs, 1024 free 2M pages on node 0, IOMMU on, hugetlbfs and bpffs
 * mounted, root with every capability, CPUs 1-3 isolated. */
static void
fk_host(struct fake *f)
{
	fake_root_create(f->root, sizeof(f->root), "/tmp/lr-doctor-XXXXXX");
	fk_write(f, "/proc/sys/kernel/osrelease", "6.1.0-test\n");
	fk_write(f, "/proc/self/status", "Name:\tlinerate\nUid:\t0\t0\t0\t0\n"
		 "CapEff:\t000001ffffffffff\n");
	fk_write(f, "/proc/self/limits",
		 "Limit                     Soft Limit           Hard Limit "
		 "          Units\nMax locked memory         unlimited         "
		 "   unlimited            bytes\n");
	fk_write(f, "/proc/mounts",
		 "sysfs /sys sysfs rw 0 0\n"
		 "hugetlbfs /dev/hugepages hugetlbfs rw,relatime,pagesize=2M 0 0\n"
		 "bpf /sys/fs/bpf bpf rw,relatime 0 0\n");
	fk_write(f, "/proc/cmdline", "root=/dev/sda1 intel_iommu=on iommu=pt\n");
	fk_write(f, "/proc/net/route",
		 "Iface\tDestination\tGateway\tFlags\tRefCnt\tUse\tMetric\tMask\n"
		 "eno1\t00000000\t0102A8C0\t0003\t0\t0\t0\t00000000\n");
	fk_write(f, "/boot/config-6.1.0-test",
		 "CONFIG_BPF_SYSCALL=y\nCONFIG_XDP_SOCKETS=y\n"
		 "CONFIG_VFIO_PCI=m\n");
	fk_write(f, "/sys/devices/system/cpu/online", "0-7\n");
	fk_write(f, "/sys/devices/system/cpu/isolated", "1-3\n");
	fk_write(f, "/sys/devices/system/node/node0/cpulist", "0-3\n");
	fk_write(f, "/sys/devices/system/node/node1/cpulist", "4-7\n");
	fk_write(f, "/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages",
		 "1024\n");
	fk_write(f, "/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages",
		 "1024\n");
	fk_write(f, "/sys/kernel/mm/hugepages/hugepages-1048576kB/nr_hugepages",
		 "0\n");
	fk_write(f,
		 "/sys/kernel/mm/hugepages/hugepages-1048576kB/free_hugepages",
		 "0\n");
	for (int n = 0; n < 2; n++) {
		char rel[256];

		snprintf(rel, sizeof(rel), "/sys/devices/system/node/node%d/"
			 "hugepages/hugepages-2048kB/nr_hugepages", n);
		fk_write(f, rel, "%d\n", n == 0 ? 1024 : 0);
		snprintf(rel, sizeof(rel), "/sys/devices/system/node/node%d/"
			 "hugepages/hugepages-2048kB/free_hugepages", n);
		fk_write(f, rel, "%d\n", n == 0 ? 1024 : 0);
	}
	fk_mkdir(f, "/dev/hugepages");
	fk_mkdir(f, "/sys/kernel/iommu_groups/12/devices");
	fk_mkdir(f, "/sys/bus/pci/drivers/vfio-pci");
	fk_write(f, "/dev/vfio/vfio", "%s", "");
	fk_write(f, "/dev/vfio/12", "%s", "");
	fk_write(f, "/sys/bus/pci/devices/0000:03:00.0/class", "0x020000\n");
	fk_write(f, "/sys/bus/pci/devices/0000:03:00.0/numa_node", "0\n");
	fk_link(f, "/sys/bus/pci/devices/0000:03:00.0/driver",
		"../../../bus/pci/drivers/vfio-pci");
	fk_link(f, "/sys/bus/pci/devices/0000:03:00.0/iommu_group",
		"../../../kernel/iommu_groups/12");
}

/* The veth test interface lr-a0 (ifindex 5, peer 4), with rx queues. */
static void
fk_veth(struct fake *f, int queues)
{
	fk_write(f, "/sys/class/net/lr-a0/ifindex", "5\n");
	fk_write(f, "/sys/class/net/lr-a0/iflink", "4\n");
	fk_write(f, "/sys/class/net/lr-a0/operstate", "up\n");
	fk_write(f, "/sys/class/net/lr-a0/uevent", "INTERFACE=lr-a0\n"
		 "IFINDEX=5\n");
	for (int q = 0; q < queues; q++) {
		char rel[128];

		snprintf(rel, sizeof(rel), "/sys/class/net/lr-a0/queues/rx-%d",
			 q);
		fk_mkdir(f, rel);
	}
}

static int
fk_setup(void **state)
{
	struct fake *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	fk_host(f);
	*state = f;
	return 0;
}

/* Runs whether the test passed or not: no temporary tree is left. */
static int
fk_teardown(void **state)
{
	struct fake *f = *state;

	free(f->report);
	fake_root_destroy(f->root);
	free(f);
	return 0;
}

/* The shipped bare-metal shape: vfio NIC, lcores 1-2 on node 0. */
static void
cfg_pci(struct config *c)
{
	config_defaults(c);
	c->driver = CONFIG_DRIVER_PCI;
	snprintf(c->pci, sizeof(c->pci), "0000:03:00.0");
	c->lcores[0] = 1;
	c->lcores[1] = 2;
	c->nb_lcores = 2;
	c->main_lcore = 0;
	c->hugepages = CONFIG_ON;
	c->eal_memory_mb = 1024;
	c->idle_enabled = false;
}

static int
count_level(const char *report, const char *tag)
{
	size_t n = strlen(tag);
	int count = 0;

	for (const char *l = report; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : l)
		if (strncmp(l, tag, n) == 0 && l[n] == ' ')
			count++;
	return count;
}

/* Run the report; check the return value is the number of FAIL lines and
 * that every line has a known shape. */
static void
run(struct fake *f, const struct config *c)
{
	size_t len;
	FILE *out;

	free(f->report);
	f->report = NULL;
	out = open_memstream(&f->report, &len);
	assert_non_null(out);
	f->rc = doctor_run_at(c, f->root, out);
	fclose(out);
	for (const char *l = f->report; *l; l = strchr(l, '\n') + 1) {
		if (strncmp(l, "OK    ", 6) && strncmp(l, "n/a   ", 6) &&
		    strncmp(l, "WARN  ", 6) && strncmp(l, "FAIL  ", 6) &&
		    strncmp(l, "linerate --check: ", 18) &&
		    strncmp(l, "summary: ", 9))
			fail_msg("line of unknown shape: %.*s\n%s",
				 (int)strcspn(l, "\n"), l, f->report);
		if (!strchr(l, '\n'))
			fail_msg("no newline at the end:\n%s", f->report);
	}
	if (f->rc != count_level(f->report, "FAIL"))
		fail_msg("returned %d for %d FAIL lines:\n%s", f->rc,
			 count_level(f->report, "FAIL"), f->report);
}

/* A line of this level whose item is `item` and which contains want. */
static void
expect(const struct fake *f, const char *level, const char *item,
       const char *want)
{
	char head[64];
	size_t hn;

	snprintf(head, sizeof(head), "%-4s  %s: ", level, item);
	hn = strlen(head);
	for (const char *l = f->report; *l; l = strchr(l, '\n') + 1) {
		size_t n = strcspn(l, "\n");

		if (strncmp(l, head, hn) == 0 &&
		    (!want || memmem(l, n, want, strlen(want))))
			return;
	}
	fail_msg("no line \"%s...%s\" in:\n%s", head, want ? want : "",
		 f->report);
}

static void
test_doctor_ready_bare_metal_host_reports_no_fail_and_no_warn(void **state)
{
	struct fake *f = *state;
	struct config c;

	cfg_pci(&c);
	run(f, &c);
	assert_int_equal(f->rc, 0);
	assert_int_equal(count_level(f->report, "WARN"), 0);
	expect(f, "OK", "pci device",
	       "0000:03:00.0 bound to vfio-pci, NUMA node 0, IOMMU group 12");
	expect(f, "OK", "iommu", "1 IOMMU group(s), iommu=pt");
	expect(f, "OK", "vfio", "vfio-pci loaded");
	expect(f, "OK", "hugepages", "2M 1024/1024 free (node0 1024/1024)");
	expect(f, "OK", "hugetlbfs", "/dev/hugepages (pagesize=2M)");
	expect(f, "OK", "lcores", "NUMA node(s) 0");
	expect(f, "n/a", "bpffs", "used by af_xdp only");
	assert_non_null(strstr(f->report, "summary: 0 FAIL, 0 WARN"));
}

static void
test_doctor_pci_device_on_kernel_driver_fails_naming_bind_nic(void **state)
{
	struct fake *f = *state;
	struct config c;

	fk_link(f, "/sys/bus/pci/devices/0000:03:00.0/driver",
		"../../../bus/pci/drivers/ixgbe");
	fk_mkdir(f, "/sys/bus/pci/devices/0000:03:00.0/net/eno1");
	cfg_pci(&c);
	run(f, &c);
	assert_int_equal(f->rc, 1);
	expect(f, "FAIL", "pci device",
	       "is bound to the kernel driver ixgbe (interface eno1) which "
	       "carries the default route");
	expect(f, "FAIL", "pci device", "deploy/bind-nic.sh bind 0000:03:00.0");
}

static void
test_doctor_pci_address_without_domain_is_found(void **state)
{
	struct fake *f = *state;
	struct config c;

	cfg_pci(&c);
	snprintf(c.pci, sizeof(c.pci), "03:00.0");
	run(f, &c);
	assert_int_equal(f->rc, 0);
	expect(f, "OK", "pci device", "0000:03:00.0 bound to vfio-pci");
}

static void
test_doctor_missing_pci_device_fails(void **state)
{
	struct fake *f = *state;
	struct config c;

	cfg_pci(&c);
	snprintf(c.pci, sizeof(c.pci), "0000:81:00.1");
	run(f, &c);
	assert_int_equal(f->rc, 1);
	expect(f, "FAIL", "pci device", "no PCI device 0000:81:00.1");
}

static void
test_doctor_vfio_group_device_missing_fails(void **state)
{
	struct fake *f = *state;
	struct config c;

	fk_rm(f, "/dev/vfio/12");
	cfg_pci(&c);
	run(f, &c);
	expect(f, "FAIL", "pci device", "/dev/vfio/12 is missing");
}

static void
test_doctor_empty_pci_takes_first_vfio_bound_device(void **state)
{
	struct fake *f = *state;
	struct config c;

	cfg_pci(&c);
	c.pci[0] = '\0';
	run(f, &c);
	assert_int_equal(f->rc, 0);
	expect(f, "OK", "pci device", "0000:03:00.0 (vfio-pci)");
	fk_link(f, "/sys/bus/pci/devices/0000:03:00.0/driver",
		"../../../bus/pci/drivers/ixgbe");
	run(f, &c);
	expect(f, "FAIL", "pci device", "no PCI device is bound to vfio-pci");
}

static void
test_doctor_no_iommu_fails_for_pci_and_is_na_for_af_packet(void **state)
{
	struct fake *f = *state;
	struct config c;

	fk_veth(f, 1);
	fk_rm(f, "/sys/kernel/iommu_groups/12/devices");
	fk_rm(f, "/sys/kernel/iommu_groups/12");
	cfg_pci(&c);
	run(f, &c);
	expect(f, "FAIL", "iommu", "intel_iommu=on iommu=pt");
	fk_write(f, "/sys/module/vfio/parameters/enable_unsafe_noiommu_mode",
		 "Y\n");
	run(f, &c);
	expect(f, "WARN", "iommu", "unsafe no-IOMMU mode");
	config_defaults(&c);
	run(f, &c);
	assert_int_equal(f->rc, 0);
	expect(f, "n/a", "iommu", "not needed by af_packet");
	expect(f, "n/a", "vfio", "not needed by af_packet");
}

static void
test_doctor_vfio_module_not_loaded_warns_and_absent_fails(void **state)
{
	struct fake *f = *state;
	struct config c;

	fk_rm(f, "/sys/bus/pci/drivers/vfio-pci");
	fk_link(f, "/sys/bus/pci/devices/0000:03:00.0/driver",
		"../../../bus/pci/drivers/ixgbe");
	cfg_pci(&c);
	run(f, &c);
	expect(f, "WARN", "vfio", "modprobe vfio-pci");
	fk_write(f, "/boot/config-6.1.0-test", "# CONFIG_VFIO_PCI is not set\n");
	run(f, &c);
	expect(f, "FAIL", "vfio", "CONFIG_VFIO_PCI not set");
}

static void
test_doctor_hugepages_on_with_none_free_fails(void **state)
{
	struct fake *f = *state;
	struct config c;

	fk_write(f, "/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages",
		 "0\n");
	fk_write(f, "/sys/devices/system/node/node0/hugepages/"
		 "hugepages-2048kB/free_hugepages", "0\n");
	cfg_pci(&c);
	run(f, &c);
	assert_int_equal(f->rc, 1);
	expect(f, "FAIL", "hugepages", "2M 0/1024 free");
	expect(f, "FAIL", "hugepages",
	       "deploy/hugepages.sh --size 2M --pages 512 --node 0");
}

static void
test_doctor_hugepages_counts_1g_pages_when_on(void **state)
{
	struct fake *f = *state;
	struct config c;

	fk_write(f, "/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages",
		 "0\n");
	fk_write(f, "/sys/kernel/mm/hugepages/hugepages-1048576kB/"
		 "free_hugepages", "2\n");
	fk_write(f, "/sys/kernel/mm/hugepages/hugepages-1048576kB/"
		 "nr_hugepages", "2\n");
	fk_write(f, "/sys/devices/system/node/node0/hugepages/"
		 "hugepages-1048576kB/nr_hugepages", "2\n");
	fk_write(f, "/sys/devices/system/node/node0/hugepages/"
		 "hugepages-1048576kB/free_hugepages", "2\n");
	cfg_pci(&c);
	run(f, &c);
	expect(f, "OK", "hugepages", "1G 2/2 free (node0 2/2)");
}

static void
test_doctor_hugepages_auto_with_none_free_warns_and_runs_no_huge(void **state)
{
	struct fake *f = *state;
	struct config c;

	fk_veth(f, 1);
	fk_write(f, "/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages",
		 "0\n");
	fk_write(f, "/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages",
		 "0\n");
	fk_write(f, "/proc/mounts", "sysfs /sys sysfs rw 0 0\n");
	config_defaults(&c);
	run(f, &c);
	assert_int_equal(f->rc, 0);
	expect(f, "WARN", "hugepages", "runs with --no-huge");
	expect(f, "n/a", "hugetlbfs", "not mounted (no hugepages used)");
}

static void
test_doctor_free_hugepages_without_hugetlbfs_mount_fail(void **state)
{
	struct fake *f = *state;
	struct config c;

	fk_veth(f, 1);
	fk_write(f, "/proc/mounts", "sysfs /sys sysfs rw 0 0\n");
	config_defaults(&c); /* auto: 1024 free 2M pages are enough */
	run(f, &c);
	assert_int_equal(f->rc, 1);
	expect(f, "OK", "hugepages", "auto takes 2M pages");
	expect(f, "FAIL", "hugetlbfs", "deploy/hugepages.sh mounts it");
}

static void
test_doctor_nic_on_other_node_than_pages_and_lcores_warns(void **state)
{
	struct fake *f = *state;
	struct config c;

	fk_write(f, "/sys/bus/pci/devices/0000:03:00.0/numa_node", "1\n");
	cfg_pci(&c);
	run(f, &c);
	assert_int_equal(f->rc, 0);
	expect(f, "WARN", "hugepages numa", "NIC's node 1, which has 0 MB free");
	expect(f, "WARN", "hugepages numa", "--node 1");
	expect(f, "WARN", "lcores", "1,2 are not on the NIC's NUMA node 1");
}

static void
test_doctor_busy_polling_lcores_not_isolated_warn(void **state)
{
	struct fake *f = *state;
	struct config c;

	fk_write(f, "/sys/devices/system/cpu/isolated", "\n");
	cfg_pci(&c);
	run(f, &c);
	expect(f, "WARN", "lcores", "isolcpus=1,2 nohz_full=1,2");
}

static void
test_doctor_offline_lcore_fails(void **state)
{
	struct fake *f = *state;
	struct config c;

	cfg_pci(&c);
	c.lcores[1] = 9;
	run(f, &c);
	assert_int_equal(f->rc, 1);
	expect(f, "FAIL", "lcores", "CPU(s) 9 are not online (online: 0-7)");
}

static void
test_doctor_lcore_outside_cpu_affinity_fails(void **state)
{
	struct fake *f = *state;
	struct config c;

	fk_write(f, "/proc/self/status", "Uid:\t0\t0\t0\t0\n"
		 "Cpus_allowed_list:\t0-1\nCapEff:\t000001ffffffffff\n");
	cfg_pci(&c);
	run(f, &c);
	expect(f, "FAIL", "lcores",
	       "CPU(s) 2 are outside this process's affinity (allowed: 0-1)");
}

static void
test_doctor_missing_interface_fails_pointing_at_veth_sh(void **state)
{
	struct fake *f = *state;
	struct config c;

	config_defaults(&c);
	run(f, &c);
	assert_int_equal(f->rc, 1);
	expect(f, "FAIL", "interface",
	       "lr-a0 not found \u2014 create it: deploy/veth.sh up");
	expect(f, "n/a", "iommu", NULL);
	snprintf(c.iface, sizeof(c.iface), "ens1f0");
	run(f, &c);
	expect(f, "FAIL", "interface", "set port.iface to an existing");
}

static void
test_doctor_veth_interface_is_reported_as_veth(void **state)
{
	struct fake *f = *state;
	struct config c;

	fk_veth(f, 1);
	config_defaults(&c);
	run(f, &c);
	assert_int_equal(f->rc, 0);
	expect(f, "OK", "interface",
	       "lr-a0: up, driver veth, 1 rx queue(s) for 1 lcore(s)");
	fk_write(f, "/sys/class/net/lr-a0/operstate", "lowerlayerdown\n");
	run(f, &c);
	expect(f, "WARN", "interface", "ip link set lr-a0 up (and its peer)");
}

static void
test_doctor_bpffs_missing_warns_for_af_xdp_only(void **state)
{
	struct fake *f = *state;
	struct config c;

	fk_veth(f, 1);
	fk_write(f, "/proc/mounts", "hugetlbfs /dev/hugepages hugetlbfs rw 0 0\n");
	config_defaults(&c);
	c.driver = CONFIG_DRIVER_AF_XDP;
	run(f, &c);
	expect(f, "WARN", "bpffs", "mount -t bpf bpf /sys/fs/bpf");
	expect(f, "OK", "kernel xdp", "CONFIG_XDP_SOCKETS=y");
	c.driver = CONFIG_DRIVER_AF_PACKET;
	run(f, &c);
	expect(f, "n/a", "bpffs", "not mounted");
}

static void
test_doctor_af_xdp_needs_a_queue_per_lcore(void **state)
{
	struct fake *f = *state;
	struct config c;

	fk_veth(f, 1);
	config_defaults(&c);
	c.driver = CONFIG_DRIVER_AF_XDP;
	c.lcores[1] = 2;
	c.nb_lcores = 2;
	run(f, &c);
	expect(f, "FAIL", "interface", "LR_QUEUES=2 deploy/veth.sh up");
}

static void
test_doctor_kernel_without_xdp_sockets_fails_for_af_xdp(void **state)
{
	struct fake *f = *state;
	struct config c;

	fk_veth(f, 1);
	config_defaults(&c);
	c.driver = CONFIG_DRIVER_AF_XDP;
	fk_write(f, "/boot/config-6.1.0-test", "# CONFIG_XDP_SOCKETS is not set\n");
	run(f, &c);
	expect(f, "FAIL", "kernel xdp", "CONFIG_XDP_SOCKETS=not set");
	fk_rm(f, "/boot/config-6.1.0-test");
	run(f, &c);
	expect(f, "WARN", "kernel xdp", "CONFIG_XDP_SOCKETS=unknown");
	fk_write(f, "/proc/sys/kernel/osrelease", "4.15.0-old\n");
	run(f, &c);
	expect(f, "FAIL", "kernel xdp", "needs Linux 4.18 or later");
}

static void
test_doctor_non_root_without_capabilities_fails_for_sockets(void **state)
{
	struct fake *f = *state;
	struct config c;

	fk_veth(f, 1);
	fk_write(f, "/proc/self/status", "Uid:\t1000\t1000\t1000\t1000\n"
		 "CapEff:\t0000000000000000\n");
	config_defaults(&c);
	run(f, &c);
	expect(f, "FAIL", "privileges", "uid 1000 lacks CAP_NET_RAW");
	/* CAP_NET_RAW | CAP_NET_ADMIN | CAP_BPF | CAP_PERFMON */
	fk_write(f, "/proc/self/status", "Uid:\t1000\t1000\t1000\t1000\n"
		 "CapEff:\t000000c000003000\n");
	c.driver = CONFIG_DRIVER_AF_XDP;
	run(f, &c);
	expect(f, "OK", "privileges", "CAP_BPF+CAP_PERFMON");
}

static void
test_doctor_limited_memlock_fails_for_vfio_without_ipc_lock(void **state)
{
	struct fake *f = *state;
	struct config c;

	fk_write(f, "/proc/self/limits",
		 "Max locked memory         8388608              8388608"
		 "              bytes\n");
	fk_write(f, "/proc/self/status", "Uid:\t0\t0\t0\t0\n"
		 "CapEff:\t000001ffffffbfff\n"); /* all but CAP_IPC_LOCK */
	cfg_pci(&c);
	run(f, &c);
	expect(f, "FAIL", "memlock", "8192 KiB, need 1024 MiB");
	expect(f, "FAIL", "memlock", "LimitMEMLOCK=infinity");
}

static void
test_doctor_ctl_path_that_is_a_file_fails(void **state)
{
	struct fake *f = *state;
	struct config c;

	fk_veth(f, 1);
	fk_write(f, "/run/linerate/ctl.sock", "not a socket");
	config_defaults(&c);
	run(f, &c);
	expect(f, "FAIL", "ctl socket", "is not a socket");
}

/* This machine, the embedded default config: whatever it has, the report
 * is well formed and its return value counts its FAIL lines. */
static void
test_doctor_this_host_report_is_well_formed(void **state)
{
	struct fake f = { .root = "" };
	struct config c;

	config_defaults(&c);
	snprintf(c.ctl_socket, sizeof(c.ctl_socket),
		 "/tmp/lr-doctor-test-%d/ctl.sock", (int)getpid());
	run(&f, &c);
	expect(&f, "OK", "config", "driver af_packet, iface lr-a0");
	assert_non_null(strstr(f.report, "summary: "));
	free(f.report);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, fk_setup, fk_teardown)
		T(test_doctor_ready_bare_metal_host_reports_no_fail_and_no_warn),
		T(test_doctor_pci_device_on_kernel_driver_fails_naming_bind_nic),
		T(test_doctor_pci_address_without_domain_is_found),
		T(test_doctor_missing_pci_device_fails),
		T(test_doctor_vfio_group_device_missing_fails),
		T(test_doctor_empty_pci_takes_first_vfio_bound_device),
		T(test_doctor_no_iommu_fails_for_pci_and_is_na_for_af_packet),
		T(test_doctor_vfio_module_not_loaded_warns_and_absent_fails),
		T(test_doctor_hugepages_on_with_none_free_fails),
		T(test_doctor_hugepages_counts_1g_pages_when_on),
		T(test_doctor_hugepages_auto_with_none_free_warns_and_runs_no_huge),
		T(test_doctor_free_hugepages_without_hugetlbfs_mount_fail),
		T(test_doctor_nic_on_other_node_than_pages_and_lcores_warns),
		T(test_doctor_busy_polling_lcores_not_isolated_warn),
		T(test_doctor_offline_lcore_fails),
		T(test_doctor_lcore_outside_cpu_affinity_fails),
		T(test_doctor_missing_interface_fails_pointing_at_veth_sh),
		T(test_doctor_veth_interface_is_reported_as_veth),
		T(test_doctor_bpffs_missing_warns_for_af_xdp_only),
		T(test_doctor_af_xdp_needs_a_queue_per_lcore),
		T(test_doctor_kernel_without_xdp_sockets_fails_for_af_xdp),
		T(test_doctor_non_root_without_capabilities_fails_for_sockets),
		T(test_doctor_limited_memlock_fails_for_vfio_without_ipc_lock),
		T(test_doctor_ctl_path_that_is_a_file_fails),
		cmocka_unit_test(test_doctor_this_host_report_is_well_formed),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

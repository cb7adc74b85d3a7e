/* SPDX-License-Identifier: BSD-3-Clause */
/* test_doctor_fs.c: the doctor's file readers (doctor_fs.c) on a fake root. */
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
#include "doctor/doctor_priv.h"
#include "fake_root.h"

struct fsfix {
	char root[PATH_MAX];
	struct config cfg;
	struct doctor d;
};

/* Write rel under the root (its directories made). */
static void
fs_write(struct fsfix *f, const char *rel, const char *text)
{
	fake_root_write(f->root, rel, "%s", text);
}

static int
fs_setup(void **state)
{
	struct fsfix *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	fake_root_create(f->root, sizeof(f->root), "/tmp/lr-doctor-fs-XXXXXX");
	config_defaults(&f->cfg);
	f->d.cfg = &f->cfg;
	f->d.root = f->root;
	f->d.out = stdout;
	f->d.nic_node = -1;
	*state = f;
	return 0;
}

static int
fs_teardown(void **state)
{
	struct fsfix *f = *state;

	fake_root_destroy(f->root);
	free(f);
	return 0;
}

static void
test_doctor_fs_path_prefixes_the_root(void **state)
{
	struct fsfix *f = *state;
	char buf[DOCTOR_PATH], want[DOCTOR_PATH];

	snprintf(want, sizeof(want), "%s/sys/class/net/lr-a0", f->root);
	assert_string_equal(doctor_path(&f->d, buf, sizeof(buf),
					"/sys/class/net/%s", "lr-a0"),
			    want);
	f->d.root = "";
	assert_string_equal(doctor_path(&f->d, buf, sizeof(buf), "/proc/%s",
					"mounts"),
			    "/proc/mounts");
}

static void
test_doctor_fs_read_gives_first_line_and_enoent_when_absent(void **state)
{
	struct fsfix *f = *state;
	char buf[64];

	fs_write(f, "/proc/cmdline", "quiet iommu=pt\nsecond line\n");
	assert_int_equal(doctor_read(&f->d, buf, sizeof(buf), "/proc/%s",
				     "cmdline"),
			 0);
	assert_string_equal(buf, "quiet iommu=pt");
	assert_int_equal(doctor_read(&f->d, buf, sizeof(buf), "/proc/nope"),
			 -ENOENT);
	assert_string_equal(buf, "");
}

static void
test_doctor_fs_read_ll_takes_any_base_and_falls_back_to_default(void **state)
{
	struct fsfix *f = *state;

	fs_write(f, "/sys/a/numa_node", "1\n");
	fs_write(f, "/sys/a/class", "0x020000\n");
	fs_write(f, "/sys/a/junk", "n/a\n");
	assert_int_equal(doctor_read_ll(&f->d, -1, "/sys/a/numa_node"), 1);
	assert_int_equal(doctor_read_ll(&f->d, -1, "/sys/a/class"), 0x020000);
	assert_int_equal(doctor_read_ll(&f->d, -7, "/sys/a/junk"), -7);
	assert_int_equal(doctor_read_ll(&f->d, -7, "/sys/a/absent"), -7);
}

static void
test_doctor_fs_link_base_is_last_target_component_or_empty(void **state)
{
	struct fsfix *f = *state;
	char path[PATH_MAX], out[64];

	fs_write(f, "/sys/dev/x/vendor", "0x8086\n");
	snprintf(path, sizeof(path), "%s/sys/dev/x/driver", f->root);
	assert_int_equal(symlink("../../../bus/pci/drivers/vfio-pci", path), 0);
	doctor_link_base(&f->d, "/sys/dev/x/driver", out, sizeof(out));
	assert_string_equal(out, "vfio-pci");
	doctor_link_base(&f->d, "/sys/dev/x/vendor", out, sizeof(out));
	assert_string_equal(out, "");
	doctor_link_base(&f->d, "/sys/dev/x/absent", out, sizeof(out));
	assert_string_equal(out, "");
}

static void
test_doctor_fs_count_dir_counts_prefix_and_fails_when_absent(void **state)
{
	struct fsfix *f = *state;

	fs_write(f, "/sys/class/net/e0/queues/rx-0/x", "");
	fs_write(f, "/sys/class/net/e0/queues/rx-1/x", "");
	fs_write(f, "/sys/class/net/e0/queues/tx-0/x", "");
	fs_write(f, "/sys/class/net/e0/queues/.hidden", "");
	assert_int_equal(doctor_count_dir(&f->d, "/sys/class/net/e0/queues",
					  "rx-"),
			 2);
	assert_int_equal(doctor_count_dir(&f->d, "/sys/class/net/e0/queues",
					  ""),
			 3);
	assert_int_equal(doctor_count_dir(&f->d, "/sys/class/net/e1/queues",
					  "rx-"),
			 -1);
}

static void
test_doctor_fs_mounts_match_type_and_dir_and_list_pagesizes(void **state)
{
	struct fsfix *f = *state;
	char list[256];

	assert_int_equal(doctor_mounts(&f->d, "bpf", NULL, NULL, 0), -ENOENT);
	fs_write(f, "/proc/mounts",
		 "sysfs /sys sysfs rw,nosuid 0 0\n"
		 "hugetlbfs /dev/hugepages hugetlbfs rw,relatime,pagesize=2M 0 0\n"
		 "none /mnt/huge1g hugetlbfs rw,pagesize=1024M 0 0\n"
		 "bpf /sys/fs/bpf bpf rw,nosuid 0 0\n");
	assert_int_equal(doctor_mounts(&f->d, "hugetlbfs", NULL, list,
				       sizeof(list)),
			 2);
	assert_string_equal(list, "/dev/hugepages (pagesize=2M), "
				  "/mnt/huge1g (pagesize=1024M)");
	assert_int_equal(doctor_mounts(&f->d, "bpf", "/sys/fs/bpf", NULL, 0),
			 1);
	assert_int_equal(doctor_mounts(&f->d, "bpf", "/bpf", list,
				       sizeof(list)),
			 0);
	assert_string_equal(list, "");
}

static void
test_doctor_fs_kconfig_reads_boot_config_of_the_release(void **state)
{
	struct fsfix *f = *state;

	snprintf(f->d.release, sizeof(f->d.release), "6.1.0-test");
	doctor_kconfig(&f->d);
	assert_int_equal(f->d.kconfig_xdp, '?');
	assert_int_equal(f->d.kconfig_vfio, '?');
	fs_write(f, "/boot/config-6.1.0-test",
		 "CONFIG_XDP_SOCKETS=y\n"
		 "CONFIG_VFIO_PCI=m\n");
	doctor_kconfig(&f->d);
	assert_int_equal(f->d.kconfig_xdp, 'y');
	assert_int_equal(f->d.kconfig_vfio, 'm');
	fs_write(f, "/boot/config-6.1.0-test",
		 "# CONFIG_XDP_SOCKETS is not set\n");
	doctor_kconfig(&f->d);
	assert_int_equal(f->d.kconfig_xdp, 'n');
	assert_int_equal(f->d.kconfig_vfio, 'n');
}

static void
test_doctor_fs_kconfig_falls_back_to_proc_config_gz(void **state)
{
	struct fsfix *f = *state;
	char cmd[PATH_MAX + 64];

	snprintf(f->d.release, sizeof(f->d.release), "6.1.0-test");
	fs_write(f, "/proc/config",
		 "CONFIG_XDP_SOCKETS=y\n"
		 "# CONFIG_VFIO_PCI is not set\n");
	snprintf(cmd, sizeof(cmd), "gzip -n '%s/proc/config'", f->root);
	assert_int_equal(system(cmd), 0);
	doctor_kconfig(&f->d);
	assert_int_equal(f->d.kconfig_xdp, 'y');
	assert_int_equal(f->d.kconfig_vfio, 'n');
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, fs_setup, fs_teardown)
		T(test_doctor_fs_path_prefixes_the_root),
		T(test_doctor_fs_read_gives_first_line_and_enoent_when_absent),
		T(test_doctor_fs_read_ll_takes_any_base_and_falls_back_to_default),
		T(test_doctor_fs_link_base_is_last_target_component_or_empty),
		T(test_doctor_fs_count_dir_counts_prefix_and_fails_when_absent),
		T(test_doctor_fs_mounts_match_type_and_dir_and_list_pagesizes),
		T(test_doctor_fs_kconfig_reads_boot_config_of_the_release),
		T(test_doctor_fs_kconfig_falls_back_to_proc_config_gz),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: BSD-3-Clause */
/* doctor_fs.c: the report's file readers: sysfs, procfs, mounts, kconfig. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "doctor/doctor_priv.h"

/* root + the formatted path into buf. */
const char *
doctor_path(const struct doctor *d, char *buf, size_t n, const char *fmt, ...)
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
doctor_read_file(const char *path, char *buf, size_t n)
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

int
doctor_read(const struct doctor *d, char *buf, size_t n, const char *fmt, ...)
{
	char path[DOCTOR_PATH], rel[DOCTOR_PATH];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(rel, sizeof(rel), fmt, ap);
	va_end(ap);
	return doctor_read_file(doctor_path(d, path, sizeof(path), "%s", rel),
				buf, n);
}

/* An integer file, or def when absent or not a number. */
long long
doctor_read_ll(const struct doctor *d, long long def, const char *rel)
{
	char buf[64], *end;
	long long v;

	if (doctor_read(d, buf, sizeof(buf), "%s", rel) < 0)
		return def;
	errno = 0;
	v = strtoll(buf, &end, 0);
	return errno || end == buf ? def : v;
}

bool
doctor_exists(const struct doctor *d, const char *rel)
{
	char path[DOCTOR_PATH];

	return access(doctor_path(d, path, sizeof(path), "%s", rel), F_OK) == 0;
}

/* The last component of a symlink's target ("vfio-pci"); "" if none. */
void
doctor_link_base(const struct doctor *d, const char *rel, char *out, size_t n)
{
	char path[DOCTOR_PATH], target[DOCTOR_PATH];
	ssize_t len;
	const char *slash;

	out[0] = '\0';
	len = readlink(doctor_path(d, path, sizeof(path), "%s", rel), target,
		       sizeof(target) - 1);
	if (len <= 0)
		return;
	target[len] = '\0';
	slash = strrchr(target, '/');
	snprintf(out, n, "%s", slash ? slash + 1 : target);
}

/* Entries of a directory whose names start with prefix. */
int
doctor_count_dir(const struct doctor *d, const char *rel, const char *prefix)
{
	char path[DOCTOR_PATH];
	DIR *dir = opendir(doctor_path(d, path, sizeof(path), "%s", rel));
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

/* Does /proc/mounts have a filesystem of this type (at this directory, if
 * dir is not NULL)? Each match's "dir (options)" goes into list. */
int
doctor_mounts(const struct doctor *d, const char *type, const char *dir,
	      char *list, size_t n)
{
	char path[DOCTOR_PATH], line[1024];
	FILE *f =
		fopen(doctor_path(d, path, sizeof(path), "/proc/mounts"), "r");
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
			   opts) != 4 ||
		    strcmp(fs, type) != 0)
			continue;
		if (dir && strcmp(mnt, dir) != 0)
			continue;
		found++;
		ps = strstr(opts, "pagesize=");
		if (ps)
			snprintf(pagesize, sizeof(pagesize), " (%.*s)",
				 (int)strcspn(ps, ","), ps);
		if (list && used < n)
			used += (size_t)snprintf(
				list + used, n - used, "%s%s%s",
				found > 1 ? ", " : "", mnt, pagesize);
	}
	fclose(f);
	return found;
}

/* One "CONFIG_X=y" / "# CONFIG_X is not set" line into *val. */
static void
doctor_kconfig_line(const char *line, const char *key, char *val)
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
doctor_kconfig_scan(struct doctor *d, FILE *f)
{
	char line[512];

	d->kconfig_xdp = d->kconfig_vfio = 'n';
	while (fgets(line, sizeof(line), f)) {
		doctor_kconfig_line(line, "CONFIG_XDP_SOCKETS",
				    &d->kconfig_xdp);
		doctor_kconfig_line(line, "CONFIG_VFIO_PCI", &d->kconfig_vfio);
	}
}

/* The kernel's build config: /boot/config-RELEASE, else /proc/config.gz
 * through gzip. Leaves '?' when neither can be read. */
void
doctor_kconfig(struct doctor *d)
{
	char path[DOCTOR_PATH];
	int fds[2], status = 0;
	pid_t pid;
	FILE *f;

	d->kconfig_xdp = d->kconfig_vfio = '?';
	f = fopen(doctor_path(d, path, sizeof(path), "/boot/config-%s",
			      d->release),
		  "r");
	if (f) {
		doctor_kconfig_scan(d, f);
		fclose(f);
		return;
	}
	doctor_path(d, path, sizeof(path), "/proc/config.gz");
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
		doctor_kconfig_scan(d, f);
		fclose(f);
	} else {
		close(fds[0]);
	}
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0)
		d->kconfig_xdp = d->kconfig_vfio = '?';
}

/* SPDX-License-Identifier: BSD-3-Clause */
/* fake_root.c: a temporary directory standing for "/", for tests that read
 * fake sysfs/procfs trees. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "fake_root.h"

static void
fake_root_mkdirs(const char *path)
{
	char tmp[PATH_MAX];

	snprintf(tmp, sizeof(tmp), "%s", path);
	for (char *p = tmp + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(tmp, 0755);
			*p = '/';
		}
	mkdir(tmp, 0755);
}

/* root + rel into path, its parent directories made. */
static void
fake_root_parent(char *path, size_t cap, const char *root, const char *rel)
{
	char *slash;

	snprintf(path, cap, "%s%s", root, rel);
	slash = strrchr(path, '/');
	*slash = '\0';
	fake_root_mkdirs(path);
	*slash = '/';
}

static int
fake_root_rm_entry(const char *path, const struct stat *st, int flag,
		   struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void
fake_root_create(char *root, size_t cap, const char *tmpl)
{
	snprintf(root, cap, "%s", tmpl);
	assert_non_null(mkdtemp(root));
}

void
fake_root_destroy(const char *root)
{
	nftw(root, fake_root_rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

void
fake_root_mkdir(const char *root, const char *rel)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s%s", root, rel);
	fake_root_mkdirs(path);
}

void
fake_root_vwrite(const char *root, const char *rel, const char *fmt,
		 va_list ap)
{
	char path[PATH_MAX];
	FILE *out;

	fake_root_parent(path, sizeof(path), root, rel);
	out = fopen(path, "w");
	assert_non_null(out);
	vfprintf(out, fmt, ap);
	fclose(out);
}

void
fake_root_write(const char *root, const char *rel, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fake_root_vwrite(root, rel, fmt, ap);
	va_end(ap);
}

void
fake_root_link(const char *root, const char *rel, const char *target)
{
	char path[PATH_MAX];

	fake_root_parent(path, sizeof(path), root, rel);
	unlink(path);
	assert_int_equal(symlink(target, path), 0);
}

void
fake_root_rm(const char *root, const char *rel)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s%s", root, rel);
	if (unlink(path) < 0)
		rmdir(path);
}

/* SPDX-License-Identifier: BSD-3-Clause */
/* fake_root.h: a temporary directory standing for "/", for tests that read
 * fake sysfs/procfs trees. */
#ifndef LR_TESTS_FAKE_ROOT_H
#define LR_TESTS_FAKE_ROOT_H

#include <stdarg.h>
#include <stddef.h>

/*
 * rel paths below start with '/' and name a place under root. Failures
 * to create what a test needs fail the test (cmocka asserts); removal is
 * best effort.
 */

/* Create a fresh directory from tmpl ("/tmp/name-XXXXXX") into root
 * (cap bytes); asserts mkdtemp() succeeded. */
void fake_root_create(char *root, size_t cap, const char *tmpl);
/* Remove root and everything under it (links not followed). */
void fake_root_destroy(const char *root);

/* mkdir -p root + rel (mode 0755; existing directories are fine). */
void fake_root_mkdir(const char *root, const char *rel);
/* Write root + rel from fmt (its directories made), replacing what was
 * there; asserts the file opened. */
void fake_root_vwrite(const char *root, const char *rel, const char *fmt,
		      va_list ap);
/* The same with the arguments given. */
void fake_root_write(const char *root, const char *rel, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Make root + rel (its directories made) a symlink to target, replacing
 * what was there; asserts symlink() succeeded. */
void fake_root_link(const char *root, const char *rel, const char *target);
/* Remove the file or empty directory root + rel, if there. */
void fake_root_rm(const char *root, const char *rel);

#endif

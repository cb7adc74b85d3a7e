/* SPDX-License-Identifier: BSD-3-Clause */
/* guard_page.h: test inputs placed to end right before a PROT_NONE page. */
#ifndef LR_TESTS_GUARD_PAGE_H
#define LR_TESTS_GUARD_PAGE_H

#include <stddef.h>

/*
 * A parser handed bytes placed by guard_page_at() faults on a read one
 * byte past them (picohttpparser's manner). Each placement is a fresh
 * copy, so a buffer placed again with more bytes moves in memory, as a
 * receive buffer may between calls.
 */

/* Bytes a placement may hold. */
#define GUARD_PAGE_AREA (256 * 1024)

/* cmocka group setup: map the area and protect the page after it.
 * Returns 0, or -1 when mmap or mprotect failed. */
int guard_page_setup(void **state);
/* cmocka group teardown: unmap it. Returns 0. */
int guard_page_teardown(void **state);
/* Copy in[0..n) to end exactly at the guard page (n <= GUARD_PAGE_AREA;
 * in may itself lie in the area) and return the copy. */
char *guard_page_at(const char *in, size_t n);

#endif

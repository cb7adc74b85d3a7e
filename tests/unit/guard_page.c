/* SPDX-License-Identifier: BSD-3-Clause */
/* guard_page.c: test inputs placed to end right before a PROT_NONE page. */
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "guard_page.h"

static char *guard_area;
static size_t guard_size;

int
guard_page_setup(void **state)
{
	char *m;

	(void)state;
	guard_size = (size_t)sysconf(_SC_PAGESIZE);
	m = mmap(NULL, GUARD_PAGE_AREA + guard_size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return -1;
	if (mprotect(m + GUARD_PAGE_AREA, guard_size, PROT_NONE)) {
		munmap(m, GUARD_PAGE_AREA + guard_size);
		return -1;
	}
	guard_area = m;
	return 0;
}

int
guard_page_teardown(void **state)
{
	(void)state;
	munmap(guard_area, GUARD_PAGE_AREA + guard_size);
	guard_area = NULL;
	return 0;
}

char *
guard_page_at(const char *in, size_t n)
{
	char *p = guard_area + GUARD_PAGE_AREA - n;

	memmove(p, in, n);
	return p;
}

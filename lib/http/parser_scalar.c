/* SPDX-License-Identifier: BSD-3-Clause */
/* parser_scalar.c: the head machine with a table lookup per byte (any CPU). */
#include "http/chars.h"
#include "http/parser_priv.h"

/*
 * http_scan_tab() four bytes an iteration: one bound check for four
 * lookups. The same lookups in the same order, so the same answer.
 */
static inline size_t
http_scan_tab4(const uint8_t *tab, const char *buf, size_t p, size_t stop)
{
	const uint8_t *s = (const uint8_t *)buf;

	for (; p + 4 <= stop; p += 4) {
		if (!tab[s[p]])
			return p;
		if (!tab[s[p + 1]])
			return p + 1;
		if (!tab[s[p + 2]])
			return p + 2;
		if (!tab[s[p + 3]])
			return p + 3;
	}
	return http_scan_tab(tab, buf, p, stop);
}

#define HTTP_MACHINE http_machine_scalar
#define HTTP_MACHINE_ATTR
#define HTTP_SCAN(nib, buf, p, len, stop) http_scan_tab4((nib).tab, buf, p, stop)
/* No whole-line shortcuts: every line goes through the scans. */
#define HTTP_LINE(buf, p, len, colon, cr) false
#define HTTP_RLINE(buf, p, len, ts, vs) false
#include "http/parser_machine.h"

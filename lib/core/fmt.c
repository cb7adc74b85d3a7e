/* SPDX-License-Identifier: BSD-3-Clause */
/* fmt.c: the one shortest-round-trip double formatter. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fmt.h"

int
fmt_double(char *buf, size_t cap, double v, unsigned int flags)
{
	char b[40];
	size_t n;

	if (!isfinite(v)) {
		snprintf(b, sizeof(b), "%s", isnan(v) ? "nan" :
			 v < 0 ? "-inf" : "inf");
	} else {
		/*
		 * %.15g..%.17g: a double holds 15.95 decimal digits, so any
		 * shorter decimal that reads back is what %.15g prints once
		 * its trailing zeros go; starting at 15 also keeps 100 as
		 * "100", not "1e+02".
		 */
		for (int prec = 15; prec <= 17; prec++) {
			snprintf(b, sizeof(b), "%.*g", prec, v);
			if (strtod(b, NULL) == v)
				break;
		}
		for (char *c = b; *c; c++)
			if (*c == ',') /* printf follows LC_NUMERIC */
				*c = '.';
		if ((flags & FMT_DOUBLE_POINT) && !strpbrk(b, ".e"))
			strcat(b, ".0");
	}
	n = strlen(b);
	if (cap) {
		size_t k = n < cap ? n : cap - 1;

		memcpy(buf, b, k);
		buf[k] = '\0';
	}
	return (int)n;
}

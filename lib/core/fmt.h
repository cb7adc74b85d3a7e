/* SPDX-License-Identifier: BSD-3-Clause */
/* fmt.h: number formatting shared by every layer: hex digits, doubles. */
#ifndef LR_CORE_FMT_H
#define LR_CORE_FMT_H

#include <stddef.h>
#include <stdint.h>

/* The value of hex digit c ('0'-'9', 'a'-'f', 'A'-'F'), or -1. */
static inline int
fmt_hex_value(unsigned int c)
{
	if (c - '0' < 10)
		return (int)(c - '0');
	c |= 0x20; /* ASCII lower case */
	if (c - 'a' < 6)
		return (int)(c - 'a' + 10);
	return -1;
}

/* The lower-case hex digit for the low 4 bits of v. */
static inline char
fmt_hex_digit(unsigned int v)
{
	return "0123456789abcdef"[v & 0xf];
}

/* v in decimal at p (at most 20 digits, not terminated); the end. */
static inline char *
fmt_u64(char *p, uint64_t v)
{
	char tmp[20];
	int n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		*p++ = tmp[--n];
	return p;
}

/* fmt_double() flags. */
#define FMT_DOUBLE_POINT 1u /* keep a fraction marker: 2 -> "2.0" (JSON) */

/*
 * The shortest decimal that reads back (strtod) as exactly v, printf %g
 * style: plain notation from 1e-4 up to 1e15, else an exponent ("1e+20",
 * "-3.3333333333333337e-10"); subnormals, with fewer bits, get 15
 * significant digits even where fewer would read back. '.' whatever
 * LC_NUMERIC says. With FMT_DOUBLE_POINT an integral value gets ".0"
 * ("2.0", "-0.0"). Non-finite values print as "inf", "-inf", "nan":
 * callers writing JSON or Prometheus text replace them first. Always
 * terminated when cap > 0; 32 bytes hold any double. Returns the length
 * (what it needs, as snprintf).
 */
int fmt_double(char *buf, size_t cap, double v, unsigned int flags);

#endif

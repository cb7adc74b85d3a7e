/* SPDX-License-Identifier: BSD-3-Clause */
/* digits.h: decimal digit counts of exact values, for the tests that
 * compare a parser against its reference. */
#ifndef LR_TESTS_DIGITS_H
#define LR_TESTS_DIGITS_H

/* Significant digits of an exact value (trailing zeros dropped); 0 for 0. */
static inline int
digits_significant(__int128 v)
{
	unsigned __int128 a =
		v < 0 ? -(unsigned __int128)v : (unsigned __int128)v;
	int n = 0;

	if (a == 0)
		return 0;
	while (a % 10 == 0)
		a /= 10;
	for (; a; a /= 10)
		n++;
	return n;
}

#endif

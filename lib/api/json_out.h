/* SPDX-License-Identifier: BSD-3-Clause */
/* json_out.h: building JSON answers into caller buffers, no allocation. */
#ifndef LR_API_JSON_OUT_H
#define LR_API_JSON_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A fixed output buffer; writes past cap set overflow and are dropped
 * (len keeps counting what would have been written, p stays terminated). */
struct json_out {
	char *p;
	size_t cap;
	size_t len;
	bool overflow;
};

void json_out_init(struct json_out *o, char *buf, size_t cap);

/* Raw text. */
void json_put(struct json_out *o, const char *s);
void json_put_n(struct json_out *o, const char *s, size_t n);
/* printf-style raw text. */
void json_putf(struct json_out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* s[0..n) as a quoted JSON string (json_escape rules). */
void json_put_str(struct json_out *o, const char *s, size_t n);
/* A number as JSON: the shortest decimal that reads back (fmt_double),
 * with a fraction marker ("2.0"); null when not finite. */
void json_put_double(struct json_out *o, double v);

/*
 * Escape s[0..n) for inside a JSON string into dst (cap bytes, always
 * terminated when cap > 0): '"' and '\\' escaped, control bytes as \n,
 * \r, \t, \b, \f or \u00XX; other bytes (UTF-8) copied. Returns the length
 * of the escaped text (what it needs: > cap-1 means it was cut).
 */
size_t json_escape(char *dst, size_t cap, const char *s, size_t n);

#endif

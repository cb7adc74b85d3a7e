/* SPDX-License-Identifier: BSD-3-Clause */
/* json_out.c: building JSON answers into caller buffers, no allocation. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "api/json_out.h"
#include "core/fmt.h"

void
json_out_init(struct json_out *o, char *buf, size_t cap)
{
	o->p = buf;
	o->cap = cap;
	o->len = 0;
	o->overflow = cap == 0;
	if (cap)
		buf[0] = '\0';
}

void
json_put_n(struct json_out *o, const char *s, size_t n)
{
	if (o->len + n < o->cap) {
		memcpy(o->p + o->len, s, n);
		o->p[o->len + n] = '\0';
	} else {
		o->overflow = true;
	}
	o->len += n;
}

void
json_put(struct json_out *o, const char *s)
{
	json_put_n(o, s, strlen(s));
}

void
json_putf(struct json_out *o, const char *fmt, ...)
{
	size_t room = o->len < o->cap ? o->cap - o->len : 0;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(room ? o->p + o->len : NULL, room, fmt, ap);
	va_end(ap);
	if (n < 0) {
		o->overflow = true;
		return;
	}
	if ((size_t)n >= room)
		o->overflow = true;
	o->len += (size_t)n;
}

static size_t
json_esc_char(unsigned char c, char *e)
{
	switch (c) {
	case '"': e[0] = '\\'; e[1] = '"'; return 2;
	case '\\': e[0] = '\\'; e[1] = '\\'; return 2;
	case '\n': e[0] = '\\'; e[1] = 'n'; return 2;
	case '\r': e[0] = '\\'; e[1] = 'r'; return 2;
	case '\t': e[0] = '\\'; e[1] = 't'; return 2;
	case '\b': e[0] = '\\'; e[1] = 'b'; return 2;
	case '\f': e[0] = '\\'; e[1] = 'f'; return 2;
	default:
		break;
	}
	if (c < 0x20 || c == 0x7f) {
		memcpy(e, "\\u00", 4);
		e[4] = fmt_hex_digit(c >> 4);
		e[5] = fmt_hex_digit(c);
		return 6;
	}
	e[0] = (char)c;
	return 1;
}

size_t
json_escape(char *dst, size_t cap, const char *s, size_t n)
{
	size_t len = 0;
	char e[6];

	for (size_t i = 0; i < n; i++) {
		size_t k = json_esc_char((unsigned char)s[i], e);

		if (len + k < cap)
			memcpy(dst + len, e, k);
		len += k;
	}
	if (cap)
		dst[len < cap ? len : cap - 1] = '\0';
	return len;
}

void
json_put_str(struct json_out *o, const char *s, size_t n)
{
	size_t room, k;

	json_put_n(o, "\"", 1);
	room = o->len < o->cap ? o->cap - o->len : 0;
	k = json_escape(room ? o->p + o->len : NULL, room, s, n);
	if (k >= room)
		o->overflow = true;
	o->len += k;
	json_put_n(o, "\"", 1);
}

void
json_put_double(struct json_out *o, double v)
{
	char b[32];

	if (!isfinite(v)) {
		json_put(o, "null");
		return;
	}
	fmt_double(b, sizeof(b), v, FMT_DOUBLE_POINT);
	json_put(o, b);
}

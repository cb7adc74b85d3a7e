/* SPDX-License-Identifier: BSD-3-Clause */
/* api.c: registering the §2-§5 families; query and error helpers. */
#include <errno.h>
#include <string.h>

#include "api/api.h"
#include "api/json_out.h"
#include "api/series.h"
#include "core/fmt.h"
#include "http/http.h"

int
api_state_init(struct api_state *st)
{
	memset(st, 0, sizeof(*st));
	st->series = series_store_create();
	return st->series ? 0 : -ENOMEM;
}

void
api_state_fini(struct api_state *st)
{
	series_store_free(st->series);
	memset(st, 0, sizeof(*st));
}

int
api_register_all(struct http_router *r, const struct config *cfg,
		 struct api_state *st)
{
	int rc;

	rc = users_register(r, cfg);
	if (rc == 0)
		rc = series_register(r, cfg, st->series);
	if (rc == 0)
		rc = tokens_register(r, cfg);
	if (rc == 0)
		rc = telemetry_register(r, cfg, &st->telemetry);
	return rc;
}

int
api_percent_decode(char *dst, size_t cap, const char *s, size_t n)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (c == '%') {
			int hi, lo;

			if (i + 2 >= n)
				return -EINVAL;
			hi = fmt_hex_value((unsigned char)s[i + 1]);
			lo = fmt_hex_value((unsigned char)s[i + 2]);
			if (hi < 0 || lo < 0)
				return -EINVAL;
			c = (char)(hi << 4 | lo);
			i += 2;
		} else if (c == '+') {
			c = ' ';
		}
		if (o >= cap)
			return -ENOSPC;
		dst[o++] = c;
	}
	return (int)o;
}

bool
api_query_find(const char *q, size_t qlen, const char *name,
	       const char **val, size_t *vlen)
{
	size_t nl = strlen(name), i = 0;

	if (!q)
		return false;
	while (i < qlen) {
		size_t end = i, eq;

		while (end < qlen && q[end] != '&')
			end++;
		eq = i;
		while (eq < end && q[eq] != '=')
			eq++;
		if (eq - i == nl && memcmp(q + i, name, nl) == 0) {
			*val = eq < end ? q + eq + 1 : q + end;
			*vlen = eq < end ? end - eq - 1 : 0;
			return true;
		}
		i = end + 1;
	}
	return false;
}

bool
api_parse_int(const char *s, size_t n, int64_t *out)
{
	uint64_t v = 0, lim;
	bool neg = false;
	size_t i = 0;

	if (n && (s[0] == '-' || s[0] == '+')) {
		neg = s[0] == '-';
		i = 1;
	}
	if (i == n)
		return false;
	lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		if (v > (lim - (uint64_t)(s[i] - '0')) / 10)
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	return true;
}

void
api_respond_422(struct http_exchange *x, const char *type, const char *loc0,
		const char *loc1, const char *msg, const char *input,
		size_t input_len)
{
	char buf[2048];
	struct json_out o;

	json_out_init(&o, buf, sizeof(buf));
	json_put(&o, "{\"detail\":[{\"type\":");
	json_put_str(&o, type, strlen(type));
	json_put(&o, ",\"loc\":[");
	json_put_str(&o, loc0, strlen(loc0));
	if (loc1) {
		json_put(&o, ",");
		json_put_str(&o, loc1, strlen(loc1));
	}
	json_put(&o, "],\"msg\":");
	json_put_str(&o, msg, strlen(msg));
	json_put(&o, ",\"input\":");
	if (input)
		json_put_str(&o, input, input_len > 256 ? 256 : input_len);
	else
		json_put(&o, "null");
	json_put(&o, "}]}");
	if (o.overflow) {
		http_respond_error(x, 422, "unprocessable entity");
		return;
	}
	http_respond_json(x, 422, buf, o.len);
}

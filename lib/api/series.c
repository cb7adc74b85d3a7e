/* SPDX-License-Identifier: BSD-3-Clause */
/* series.c: POST /fit, POST /predict, GET /healthcheck (docs/API.md §3). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "api/api.h"
#include "api/json_out.h"
#include "api/series.h"
#include "http/http.h"

/* ---- validation and math (pure) --------------------------------------- */

bool
series_valid_id(const char *s, size_t n)
{
	if (n == 0 || n > SERIES_ID_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
			return false;
		if (c == '.' && i + 1 < n && s[i + 1] == '.')
			return false;
	}
	return true;
}

void
series_fit(const double *v, size_t n, struct series_model *m)
{
	double mean = 0, m2 = 0;

	/* Welford: stable for large offsets (timestamps-like values). */
	for (size_t i = 0; i < n; i++) {
		double d = v[i] - mean;

		mean += d / (double)(i + 1);
		m2 += d * (v[i] - mean);
	}
	m->mean = mean;
	m->std = n ? sqrt(m2 / (double)n) : 0;
	m->points = (uint32_t)n;
}

bool
series_anomaly(const struct series_model *m, double value, double sigmas)
{
	return value > m->mean + sigmas * m->std;
}

int
series_fit_parse(const char *body, size_t len, uint32_t max_points,
		 struct series_model *m, const char **msg)
{
	json_error_t err;
	json_t *j, *ts, *vs;
	double *vals = NULL;
	size_t n, i;
	int rc = -EINVAL;
	bool all_equal = true;

	j = json_loadb(body ? body : "", len, 0, &err);
	if (!j) {
		*msg = "Invalid JSON body";
		return -EINVAL;
	}
	if (!json_is_object(j)) {
		*msg = "body must be a JSON object";
		goto out;
	}
	ts = json_object_get(j, "timestamps");
	vs = json_object_get(j, "values");
	if (!json_is_array(ts) || !json_is_array(vs)) {
		*msg = "timestamps and values must be lists";
		goto out;
	}
	n = json_array_size(ts);
	if (n != json_array_size(vs)) {
		*msg = "timestamps and values must have the same length";
		goto out;
	}
	if (n < 3) {
		*msg = "at least 3 points are required";
		goto out;
	}
	if (n > max_points) {
		*msg = "too many points";
		goto out;
	}
	vals = malloc(n * sizeof(*vals));
	if (!vals) {
		*msg = "out of memory";
		goto out;
	}
	for (i = 0; i < n; i++) {
		json_t *t = json_array_get(ts, i), *v = json_array_get(vs, i);

		if (!json_is_integer(t) || json_integer_value(t) < 0) {
			*msg = "timestamps must be integers >= 0";
			goto out;
		}
		if (i && json_integer_value(t) <=
			 json_integer_value(json_array_get(ts, i - 1))) {
			*msg = "timestamps must be strictly increasing";
			goto out;
		}
		if (!json_is_number(v) || !isfinite(json_number_value(v))) {
			*msg = "values must be finite numbers";
			goto out;
		}
		vals[i] = json_number_value(v);
		if (vals[i] != vals[0])
			all_equal = false;
	}
	if (all_equal) {
		*msg = "values must not all be equal";
		goto out;
	}
	series_fit(vals, n, m);
	rc = 0;
out:
	free(vals);
	json_decref(j);
	return rc;
}

static bool
series_digits(const char *s, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

int
series_predict_parse(const char *body, size_t len, double *value,
		     const char **msg)
{
	json_error_t err;
	json_t *j, *t, *v;
	int rc = -EINVAL;

	j = json_loadb(body ? body : "", len, 0, &err);
	if (!j) {
		*msg = "Invalid JSON body";
		return -EINVAL;
	}
	if (!json_is_object(j)) {
		*msg = "body must be a JSON object";
		goto out;
	}
	t = json_object_get(j, "timestamp");
	v = json_object_get(j, "value");
	if (!t || !((json_is_string(t) &&
		     series_digits(json_string_value(t), json_string_length(t))) ||
		    (json_is_integer(t) && json_integer_value(t) >= 0))) {
		*msg = "timestamp must be a non-empty string of digits";
		goto out;
	}
	if (!v || !json_is_number(v) || !isfinite(json_number_value(v))) {
		*msg = "value must be a finite number";
		goto out;
	}
	*value = json_number_value(v);
	rc = 0;
out:
	json_decref(j);
	return rc;
}

bool
series_parse_version(const char *s, size_t n, uint32_t *v)
{
	uint64_t x = 0;

	if (n && (s[0] == 'v' || s[0] == 'V')) {
		s++;
		n--;
	}
	if (!series_digits(s, n) || n > 9)
		return false;
	for (size_t i = 0; i < n; i++)
		x = x * 10 + (uint64_t)(s[i] - '0');
	*v = (uint32_t)x;
	return true;
}

/* ---- handlers --------------------------------------------------------- */

static int
series_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void
series_422(struct http_exchange *x, const char *msg)
{
	api_respond_422(x, "value_error", "body", NULL, msg, NULL, 0);
}

static bool
series_id_param(struct http_exchange *x)
{
	const struct http_param *p = &x->params[0];

	if (series_valid_id(p->p, p->len))
		return true;
	series_422(x, "series_id must match [A-Za-z0-9._-]+, at most 128 "
		      "bytes, without '..'");
	return false;
}

static void
series_busy(struct http_exchange *x)
{
	http_respond_error(x, 503, "series store busy, retry");
}

static void
series_fit_route(struct http_exchange *x)
{
	static const char full[] = "{\"detail\":\"Series store full.\"}";
	static const char vfull[] =
		"{\"detail\":\"Version limit reached for this series.\"}";
	struct series_store *st = x->arg;
	const struct http_param *p = &x->params[0];
	double t0 = series_now_ms();
	struct series_model m;
	const char *msg;
	uint32_t ver = 0;
	char body[256];
	int n, rc;

	if (!series_id_param(x))
		return;
	if (series_fit_parse(x->body, x->body_len, SERIES_MAX_POINTS, &m,
			     &msg) < 0) {
		series_422(x, msg);
		return;
	}
	rc = series_store_fit(st, p->p, p->len, &m, t0, &ver);
	if (rc == -ENOSPC) {
		http_respond_json(x, 507, full, sizeof(full) - 1);
		return;
	}
	if (rc == -EDQUOT) {
		http_respond_json(x, 507, vfull, sizeof(vfull) - 1);
		return;
	}
	if (rc == -EBUSY) {
		series_busy(x);
		return;
	}
	if (rc < 0) {
		http_respond_error(x, 503, "out of memory");
		return;
	}
	n = snprintf(body, sizeof(body),
		     "{\"series_id\":\"%.*s\",\"version\":\"%u\",\"points_used\":%u}",
		     (int)p->len, p->p, ver, m.points);
	http_respond_json(x, 200, body, (size_t)n);
}

static void
series_predict_route(struct http_exchange *x)
{
	struct series_store *st = x->arg;
	const struct http_param *p = &x->params[0];
	const struct http_request *req = http_exchange_request(x);
	double t0 = series_now_ms(), value;
	struct series_model m;
	const char *msg, *vs;
	size_t vlen;
	uint32_t want = 0, got = 0;
	char body[512];
	int n, rc;

	if (!series_id_param(x))
		return;
	if (api_query_find(req->query, req->query_len, "version", &vs,
			   &vlen) && !series_parse_version(vs, vlen, &want)) {
		api_respond_422(x, "value_error", "query", "version",
				"version must be N or vN", vs, vlen);
		return;
	}
	if (series_predict_parse(x->body, x->body_len, &value, &msg) < 0) {
		series_422(x, msg);
		return;
	}
	rc = series_store_predict(st, p->p, p->len, want, t0, &m, &got);
	if (rc == -EBUSY) {
		series_busy(x);
		return;
	}
	if (rc == -ENOENT) {
		n = snprintf(body, sizeof(body),
			     "{\"detail\":\"No model found for series_id '%.*s'.\"}",
			     (int)p->len, p->p);
		http_respond_json(x, 404, body, (size_t)n);
		return;
	}
	if (rc == -ERANGE) {
		n = snprintf(body, sizeof(body),
			     "{\"detail\":\"Model version '%u' not found for "
			     "series_id '%.*s'.\"}", want, (int)p->len, p->p);
		http_respond_json(x, 404, body, (size_t)n);
		return;
	}
	n = snprintf(body, sizeof(body),
		     "{\"anomaly\":%s,\"model_version\":\"%u\"}",
		     series_anomaly(&m, value, SERIES_SIGMAS) ? "true" : "false",
		     got);
	http_respond_json(x, 200, body, (size_t)n);
}

/* avg and p95 of the last SERIES_LAT_RING samples into o. */
static void
series_lat_json(const struct series_lat *l, struct json_out *o)
{
	static __thread double tmp[SERIES_LAT_RING];
	size_t n = l->count < SERIES_LAT_RING ? l->count : SERIES_LAT_RING;
	double sum = 0, p95 = 0;

	memcpy(tmp, l->ring, n * sizeof(tmp[0]));
	for (size_t i = 0; i < n; i++)
		sum += tmp[i];
	if (n) {
		qsort(tmp, n, sizeof(tmp[0]), series_cmp_double);
		p95 = tmp[(size_t)ceil(0.95 * (double)n) - 1];
	}
	json_putf(o, "{\"avg\":%.4f,\"p95\":%.4f}", n ? sum / (double)n : 0.0,
		  p95);
}

static void
series_health_route(struct http_exchange *x)
{
	struct series_store *st = x->arg;
	struct series_lat fit, pred;
	uint32_t nseries;
	char body[256];
	struct json_out o;

	if (series_store_health(st, &nseries, &fit, &pred) < 0) {
		series_busy(x);
		return;
	}
	json_out_init(&o, body, sizeof(body));
	json_putf(&o, "{\"series_trained\":%u,\"inference_latency_ms\":", nseries);
	series_lat_json(&pred, &o);
	json_put(&o, ",\"training_latency_ms\":");
	series_lat_json(&fit, &o);
	json_put(&o, "}");
	http_respond_json(x, 200, body, o.len);
}

int
series_register(struct http_router *r, const struct config *cfg,
		struct series_store *st)
{
	static const struct http_route_def routes[] = {
		{ HTTP_METHOD_BIT(HTTP_M_POST), "/fit/{series_id}",
		  series_fit_route, "series_fit" },
		{ HTTP_METHOD_BIT(HTTP_M_POST), "/predict/{series_id}",
		  series_predict_route, "series_predict" },
		{ HTTP_METHOD_BIT(HTTP_M_GET), "/healthcheck",
		  series_health_route, "healthcheck" },
	};

	if (!st)
		return -EINVAL;
	return http_router_add_all(r, routes,
				   sizeof(routes) / sizeof(routes[0]), st);
}

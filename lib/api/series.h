/* SPDX-License-Identifier: BSD-3-Clause */
/* series.h: time-series fit/predict (docs/API.md §3): validation, model
 * math and the versioned model store. */
#ifndef LR_API_SERIES_H
#define LR_API_SERIES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SERIES_ID_MAX 128
#define SERIES_MAX_POINTS 100000u
#define SERIES_MAX 100000u      /* series in the store: 507 past it */
#define SERIES_VERSIONS 64u     /* versions per series: 507 past it */
#define SERIES_SIGMAS 3.0       /* anomaly: value > mean + 3 std */

struct series_store;

struct series_model {
	double mean;
	double std; /* population standard deviation */
	uint32_t points;
};

/*
 * The versioned model store behind the routes (series_register in
 * api/api.h): one per appliance, shared by every lcore behind a lock.
 * Returns NULL with errno ENOMEM.
 */
struct series_store *series_store_create(void);

/* Free st and every model in it; NULL is a no-op. No route may use st
 * any more. */
void series_store_free(struct series_store *st);

/* [A-Za-z0-9._-]+, at most SERIES_ID_MAX bytes, no "..". */
bool series_valid_id(const char *s, size_t n);

/*
 * Validate a POST /fit body and fit it: 0 with *m set, or -EINVAL with
 * *msg naming the rule that failed (the 422 "msg").
 */
int series_fit_parse(const char *body, size_t len, uint32_t max_points,
		     struct series_model *m, const char **msg);

/* Validate a POST /predict body: 0 with *value, or -EINVAL and *msg. */
int series_predict_parse(const char *body, size_t len, double *value,
			 const char **msg);

/* The version query value: "N" or "vN"; 0 means latest. */
bool series_parse_version(const char *s, size_t n, uint32_t *v);

/* value > mean + sigmas * std (one-sided, as the reference). */
bool series_anomaly(const struct series_model *m, double value,
		    double sigmas);

/* Mean and population std of v[0..n). */
void series_fit(const double *v, size_t n, struct series_model *m);

#endif

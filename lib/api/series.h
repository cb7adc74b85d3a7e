/* SPDX-License-Identifier: BSD-3-Clause */
/* series.h: time-series fit/predict (docs/API.md §3): validation and model
 * math; the model store is series_store.h. */
#ifndef LR_API_SERIES_H
#define LR_API_SERIES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "api/series_store.h"

#define SERIES_MAX_POINTS 100000u
#define SERIES_SIGMAS 3.0       /* anomaly: value > mean + 3 std */

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

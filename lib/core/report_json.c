/* SPDX-License-Identifier: BSD-3-Clause */
/* report_json.c: the one writer of counter rows into JSON objects. */
#include <errno.h>
#include <math.h>

#include <jansson.h>

#include "core/report.h"

static void
report_json_row(struct report_sink *s, const struct report_row *r)
{
	struct report_json *j = (struct report_json *)s;
	json_t *v;

	if (!r->key || r->declare || j->rc < 0)
		return;
	if (r->fmt == REPORT_U64)
		v = json_integer(r->u > INT64_MAX ? INT64_MAX :
				 (json_int_t)r->u);
	else
		v = isfinite(r->d) ? json_real(r->d) : json_null();
	if (!v || json_object_set_new(j->obj, r->key, v) < 0)
		j->rc = -ENOMEM;
}

void
report_json_init(struct report_json *j, struct json_t *obj)
{
	j->sink.row = report_json_row;
	j->obj = obj;
	j->rc = obj ? 0 : -ENOMEM;
}

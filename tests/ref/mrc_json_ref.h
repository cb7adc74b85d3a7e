/* SPDX-License-Identifier: BSD-3-Clause */
/* mrc_json_ref.h: the jansson reference for the POST /event body parser. */
#ifndef LR_TESTS_MRC_JSON_REF_H
#define LR_TESTS_MRC_JSON_REF_H

#include <stddef.h>

#include "api/mrc_json.h"

/*
 * Test code only (tests/unit/test_mrc_json.c, tests/fuzz/fuzz_mrc_json.c):
 * the appliance never links it.
 *
 * The contract of mrc_json_parse_event() (api/mrc_json.h) implemented with
 * jansson (json_loadb, flags 0): the reference the dedicated parser is
 * tested against. Accept/reject, error code and message, user bytes and
 * value (bit for bit) agree with mrc_json_parse_event(). jansson keeps only
 * the double, so the exact form is recovered from the shortest decimal that
 * round-trips the double (15, 16 or 17 significant digits), run through the
 * dedicated parser's exact rule: it equals the dedicated parser's whenever
 * the body's number is itself that shortest form, as every JSON encoder
 * writes it.
 *
 * Returns 0 or the negative errno codes of mrc_json_parse_event(); *err as
 * there. Allocates only inside jansson, and frees it before returning.
 */
int mrc_json_parse_event_jansson(const char *body, size_t len, size_t max_user,
				 struct mrc_event *ev, const char **err);

#endif /* LR_TESTS_MRC_JSON_REF_H */

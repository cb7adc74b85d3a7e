/* SPDX-License-Identifier: BSD-3-Clause */
/* mrc_json_ref.c: the jansson reference for the POST /event body parser. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "mrc_json_ref.h"

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int
fail(const char **err, int rc, const char *msg)
{
	if (err)
		*err = msg;
	return rc;
}

/*
 * Container nesting of a body jansson accepted, counted on the text: the
 * tree would miss a subtree that a later duplicate key replaced.
 */
static bool
text_depth_ok(const char *body, size_t len)
{
	unsigned int depth = 0;
	bool in_str = false;

	for (size_t i = 0; i < len; i++) {
		char c = body[i];

		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = false;
		} else if (c == '"') {
			in_str = true;
		} else if (c == '{' || c == '[') {
			if (++depth > MRC_JSON_MAX_DEPTH)
				return false;
		} else if (c == '}' || c == ']') {
			depth--;
		}
	}
	return true;
}

/*
 * jansson keeps only the double: take its shortest round-trip decimal
 * (15, 16 or 17 digits, from printf) and apply the dedicated parser's exact
 * rule to that text, written as a body of its own.
 */
static bool
exact_from_double(double x, __int128 *scaled)
{
	struct mrc_event tmp;
	char buf[48], body[96];
	char *p, *e;
	int prec, n;

	for (prec = 14; prec < 16; prec++) {
		snprintf(buf, sizeof(buf), "%.*e", prec, x);
		if (strtod(buf, NULL) == x)
			break;
	}
	if (prec == 16)
		snprintf(buf, sizeof(buf), "%.*e", prec, x);
	p = buf + (*buf == '-');
	if (!is_digit(*p))
		return false; /* inf or nan: jansson never yields them */
	e = strchr(p, 'e');
	if (!e)
		return false;
	/* The locale's radix character, whatever its width, becomes '.'. */
	for (p++; p < e && !is_digit(*p); p++)
		;
	n = snprintf(body, sizeof(body),
		     "{\"userId\":\"x\",\"value\":%.*s.%.*s%s}",
		     (int)(buf[0] == '-') + 1, buf, (int)(e - p), p, e);
	if (n < 0 || (size_t)n >= sizeof(body) ||
	    mrc_json_parse_event(body, (size_t)n, 1, &tmp, NULL) != 0)
		return false;
	*scaled = tmp.scaled;
	return tmp.exact;
}

int
mrc_json_parse_event_jansson(const char *body, size_t len, size_t max_user,
			     struct mrc_event *ev, const char **err)
{
	json_t *root, *user, *value;
	json_error_t jerr;
	size_t ulen;
	int rc;

	if (max_user == 0 || max_user > MRC_USER_MAX)
		return fail(err, -ERANGE, MRC_JSON_ERR_LIMIT);
	if (memchr(body, '\0', len))
		return fail(err, -EBADMSG, MRC_JSON_ERR_JSON);
	root = json_loadb(body, len, 0, &jerr);
	if (!root)
		return fail(err, -EBADMSG, MRC_JSON_ERR_JSON);
	if (!json_is_object(root) || !text_depth_ok(body, len)) {
		rc = fail(err, -EBADMSG, MRC_JSON_ERR_JSON);
		goto out;
	}
	user = json_object_get(root, "userId");
	if (!json_is_string(user) || json_string_length(user) == 0) {
		rc = fail(err, -EINVAL, MRC_JSON_ERR_USER);
		goto out;
	}
	ulen = json_string_length(user);
	if (ulen > max_user) {
		rc = fail(err, -ENAMETOOLONG, MRC_JSON_ERR_USER_LONG);
		goto out;
	}
	value = json_object_get(root, "value");
	if (!json_is_number(value)) {
		rc = fail(err, -EDOM, MRC_JSON_ERR_VALUE);
		goto out;
	}
	memcpy(ev->user, json_string_value(user), ulen);
	ev->user[ulen] = '\0';
	ev->user_len = ulen;
	ev->uid = NULL;
	if (json_is_integer(value)) {
		json_int_t i = json_integer_value(value);

		ev->value = (double)i;
		ev->scaled = (__int128)i * MRC_EXACT_SCALE;
		ev->exact = true;
	} else {
		ev->value = json_real_value(value);
		ev->exact = exact_from_double(ev->value, &ev->scaled);
	}
	if (err)
		*err = NULL;
	rc = 0;
out:
	json_decref(root);
	return rc;
}

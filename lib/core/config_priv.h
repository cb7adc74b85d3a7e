/* SPDX-License-Identifier: BSD-3-Clause */
/* config_priv.h: the field table's types, shared by the config_*.c files. */
#ifndef LR_CORE_CONFIG_PRIV_H
#define LR_CORE_CONFIG_PRIV_H

#include <stddef.h>

#include <jansson.h>

#include "core/config.h"

enum config_type {
	T_U32,   /* integer in [min, max] */
	T_BOOL,
	T_STR,   /* string shorter than the field */
	T_SECRET, /* T_STR never printed back */
	T_IPV4,  /* dotted quad */
	T_CIDR,  /* "a.b.c.d/len": ip and netmask, or "none" */
	T_IPV6,  /* an IPv6 address, "::" for none */
	T_CIDR6, /* "addr/len": ip6 and ip6_prefix, or "none" */
	T_ENUM,  /* one of names[] -> uint32 value */
	T_TRI,   /* "auto" | "on" | "off" | true | false */
	T_U32S,  /* array of integers into a fixed array + count */
	T_U16S,
	T_VIPS,  /* ip.vips: [{"address": "a.b.c.d", "arp": bool}, ...] */
	T_OBJ,   /* nested object */
};

struct config_enum {
	const char *name;
	int value;
};

struct config_field {
	const char *key;
	enum config_type type;
	size_t off;
	size_t size;      /* T_STR: buffer size; arrays: element capacity */
	size_t count_off; /* arrays: offset of the uint32 count */
	long long min, max;
	const struct config_enum *names;
	const struct config_field *sub; /* T_OBJ, NULL-key terminated */
};

/* The whole file's keys (config.c), NULL-key terminated. */
extern const struct config_field config_root[];

/* "path: msg" into err (CONFIG_ERR_LEN); fmt has one %s for what.
 * Returns -EINVAL. */
int config_fail(char *err, const char *path, const char *fmt,
		const char *what);

/* ip.vips (config_addr.c). Returns 0 or -EINVAL with err set. */
int config_parse_vips(struct config *c, json_t *v, const char *path,
		      char *err);

/* Rules across keys, once everything is read (config_check.c).
 * Returns 0 or -EINVAL with err set. */
int config_check(const struct config *c, char *err);

#endif /* LR_CORE_CONFIG_PRIV_H */

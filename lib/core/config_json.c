/* SPDX-License-Identifier: BSD-3-Clause */
/* config_json.c: the running configuration printed back as JSON. */
#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/config.h"
#include "core/config_priv.h"

static json_t *
config_field_json(const struct config *c, const struct config_field *f)
{
	const char *base = (const char *)c;
	char ip[INET_ADDRSTRLEN];
	json_t *a;

	switch (f->type) {
	case T_U32:
		return json_integer(*(const uint32_t *)(base + f->off));
	case T_BOOL:
		return json_boolean(*(const bool *)(base + f->off));
	case T_STR:
		return json_string(base + f->off);
	case T_SECRET:
		return json_string(base[f->off] ? "(set)" : "");
	case T_IPV4:
		inet_ntop(AF_INET, base + f->off, ip, sizeof(ip));
		return json_string(ip);
	case T_IPV6: {
		char s6[INET6_ADDRSTRLEN];

		inet_ntop(AF_INET6, base + f->off, s6, sizeof(s6));
		return json_string(s6);
	}
	case T_CIDR6: {
		char s6[INET6_ADDRSTRLEN], s[INET6_ADDRSTRLEN + 8];

		if (c->ip6_prefix == 0)
			return json_string("none");
		inet_ntop(AF_INET6, c->ip6, s6, sizeof(s6));
		snprintf(s, sizeof(s), "%s/%u", s6, c->ip6_prefix);
		return json_string(s);
	}
	case T_CIDR: {
		char s[48];

		if (c->ip4_off)
			return json_string("none");
		inet_ntop(AF_INET, &c->ip, ip, sizeof(ip));
		snprintf(s, sizeof(s), "%s/%d", ip,
			 __builtin_popcount(c->netmask));
		return json_string(s);
	}
	case T_ENUM:
		return json_string(config_driver_name(
			*(const uint32_t *)(base + f->off)));
	case T_TRI: {
		enum config_tristate t =
			*(const enum config_tristate *)(base + f->off);

		return json_string(t == CONFIG_AUTO ? "auto" :
				   t == CONFIG_ON ? "on" : "off");
	}
	case T_U32S:
	case T_U16S:
		a = json_array();
		for (uint32_t i = 0; i < *(const uint32_t *)(base + f->count_off);
		     i++)
			json_array_append_new(a, json_integer(
				f->type == T_U32S ?
				((const uint32_t *)(base + f->off))[i] :
				((const uint16_t *)(base + f->off))[i]));
		return a;
	case T_VIPS:
		a = json_array();
		for (uint32_t i = 0; i < c->nvips; i++) {
			json_t *e = json_object();

			inet_ntop(AF_INET, &c->vips[i].addr, ip, sizeof(ip));
			json_object_set_new(e, "address", json_string(ip));
			json_object_set_new(e, "arp", json_boolean(c->vips[i].arp));
			json_array_append_new(a, e);
		}
		return a;
	case T_OBJ:
		a = json_object();
		for (const struct config_field *s = f->sub; s->key; s++)
			if (s->type != T_OBJ || !s->size || base[s->off])
				json_object_set_new(a, s->key,
						    config_field_json(c, s));
		return a;
	}
	return json_null();
}

char *
config_to_json(const struct config *c)
{
	struct config_field root = { "", T_OBJ, 0, 0, 0, 0, 0, NULL,
				     config_root };
	json_t *o = config_field_json(c, &root);
	char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);

	json_decref(o);
	return s;
}

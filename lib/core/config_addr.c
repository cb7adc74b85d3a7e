/* SPDX-License-Identifier: BSD-3-Clause */
/* config_addr.c: address, prefix, lcore-list and VIP values of the config. */
#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/config.h"
#include "core/config_priv.h"

int
config_parse_ipv4(const char *s, uint32_t *out)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		return -EINVAL;
	*out = a.s_addr;
	return 0;
}

int
config_parse_cidr(struct config *c, const char *s, char err[CONFIG_ERR_LEN])
{
	char buf[32];
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);
	char *end;
	long len;

	if (strcmp(s, "none") == 0) {
		c->ip = 0;
		c->netmask = 0;
		c->ip4_off = true;
		return 0;
	}
	if (n >= sizeof(buf))
		goto bad;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (config_parse_ipv4(buf, &c->ip) < 0)
		goto bad;
	if (c->ip4_off && !slash)
		c->netmask = htonl(0xffffff00u); /* "none" cleared it */
	c->ip4_off = false;
	if (slash) {
		errno = 0;
		len = strtol(slash + 1, &end, 10);
		if (errno || *end || end == slash + 1 || len < 1 || len > 32)
			goto bad;
		c->netmask = htonl(len == 32 ? 0xffffffffu :
					       ~(0xffffffffu >> len));
	}
	return 0;
bad:
	snprintf(err, CONFIG_ERR_LEN,
		 "'%s' is not an IPv4 address with optional /prefix", s);
	return -EINVAL;
}

/* Addresses a host may not take as its own (RFC 4291 §2.4, §2.5.5.2). */
static const char *
config_ip6_unusable(const uint8_t a[16])
{
	static const uint8_t zero[16], mapped[12] = { [10] = 0xff, [11] = 0xff };

	if (memcmp(a, zero, 15) == 0 && (a[15] == 0 || a[15] == 1))
		return "the unspecified or loopback address";
	if (a[0] == 0xff)
		return "a multicast address";
	if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80)
		return "link-local (linerate derives fe80::/64 from the MAC)";
	if (memcmp(a, mapped, sizeof(mapped)) == 0)
		return "an IPv4-mapped address";
	return NULL;
}

int
config_parse_cidr6(struct config *c, const char *s, char err[CONFIG_ERR_LEN])
{
	char buf[INET6_ADDRSTRLEN];
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);
	uint8_t a[16];
	const char *why;
	char *end;
	long len = 64;

	if (strcmp(s, "none") == 0) {
		memset(c->ip6, 0, sizeof(c->ip6));
		c->ip6_prefix = 0;
		return 0;
	}
	if (n >= sizeof(buf))
		goto bad;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (inet_pton(AF_INET6, buf, a) != 1)
		goto bad;
	if (slash) {
		errno = 0;
		len = strtol(slash + 1, &end, 10);
		if (errno || *end || end == slash + 1 || len < 1 || len > 128)
			goto bad;
	}
	why = config_ip6_unusable(a);
	if (why) {
		snprintf(err, CONFIG_ERR_LEN, "'%s' is %s", s, why);
		return -EINVAL;
	}
	memcpy(c->ip6, a, sizeof(a));
	c->ip6_prefix = (uint32_t)len;
	return 0;
bad:
	snprintf(err, CONFIG_ERR_LEN,
		 "'%s' is not an IPv6 address with optional /prefix, or \"none\"",
		 s);
	return -EINVAL;
}

int
config_parse_lcores(struct config *c, const char *list,
		    char err[CONFIG_ERR_LEN])
{
	const char *p = list;
	uint32_t n = 0;

	while (*p) {
		char *end;
		long lo = strtol(p, &end, 10), hi;

		if (end == p || lo < 0 || lo > 1023)
			goto bad;
		hi = lo;
		if (*end == '-') {
			p = end + 1;
			hi = strtol(p, &end, 10);
			if (end == p || hi < lo || hi > 1023)
				goto bad;
		}
		for (long i = lo; i <= hi; i++) {
			if (n == CONFIG_MAX_LCORES) {
				snprintf(err, CONFIG_ERR_LEN,
					 "lcores: more than %d", CONFIG_MAX_LCORES);
				return -EINVAL;
			}
			for (uint32_t j = 0; j < n; j++)
				if (c->lcores[j] == (uint32_t)i)
					goto bad;
			c->lcores[n++] = (uint32_t)i;
		}
		if (*end == ',')
			end++;
		else if (*end)
			goto bad;
		p = end;
	}
	if (n == 0)
		goto bad;
	c->nb_lcores = n;
	return 0;
bad:
	snprintf(err, CONFIG_ERR_LEN,
		 "lcores: '%s' is not a list like 1 or 1,2 or 1-3 without repeats",
		 list);
	return -EINVAL;
}

/* ip.vips: an array (maybe empty) of {"address", "arp"}; each address a
 * unicast one, none twice. Compared with ip.address in config_check. */
int
config_parse_vips(struct config *c, json_t *v, const char *path, char *err)
{
	size_t i, cnt = json_is_array(v) ? json_array_size(v) : 0;
	char sub[CONFIG_ERR_LEN];

	if (!json_is_array(v))
		return config_fail(err, path, "expected an array%s", "");
	if (cnt > CONFIG_MAX_VIPS)
		return config_fail(err, path, "at most 16 addresses%s", "");
	for (i = 0; i < cnt; i++) {
		json_t *e = json_array_get(v, i), *a, *arp;
		const char *key;
		json_t *val;
		uint32_t ip, h;

		snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
		if (!json_is_object(e))
			return config_fail(err, sub, "expected an object%s", "");
		json_object_foreach(e, key, val) {
			if (strcmp(key, "address") != 0 && strcmp(key, "arp") != 0)
				return config_fail(err, sub,
						   "unknown key \"%s\"", key);
		}
		a = json_object_get(e, "address");
		arp = json_object_get(e, "arp");
		if (!json_is_string(a) ||
		    config_parse_ipv4(json_string_value(a), &ip) < 0)
			return config_fail(err, sub, "address: expected a "
					   "dotted-quad IPv4 address%s", "");
		h = ntohl(ip);
		if (h == 0 || h == UINT32_MAX || (h >> 24) == 127 ||
		    (h >> 28) == 0xe)
			return config_fail(err, sub, "address: not a unicast "
					   "address%s", "");
		if (arp && !json_is_boolean(arp))
			return config_fail(err, sub, "arp: expected true or "
					   "false%s", "");
		for (size_t j = 0; j < i; j++)
			if (c->vips[j].addr == ip)
				return config_fail(err, sub, "address: listed "
						   "twice%s", "");
		c->vips[i].addr = ip;
		c->vips[i].arp = arp ? json_is_true(arp) : true;
	}
	c->nvips = (uint32_t)cnt;
	return 0;
}

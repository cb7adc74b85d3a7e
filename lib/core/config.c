/* SPDX-License-Identifier: BSD-3-Clause */
/* config.c: table-driven JSON config loader; every key validated by path. */
#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/config.h"
#include "core/config_priv.h"

#define OFF(f) offsetof(struct config, f)
#define U32(k, f, lo, hi) { k, T_U32, OFF(f), 0, 0, lo, hi, NULL, NULL }
#define BOOL(k, f) { k, T_BOOL, OFF(f), 0, 0, 0, 0, NULL, NULL }
#define STR(k, f) { k, T_STR, OFF(f), sizeof(((struct config *)0)->f), 0, \
		    0, 0, NULL, NULL }
#define SECRET(k, f) { k, T_SECRET, OFF(f), \
		       sizeof(((struct config *)0)->f), 0, 0, 0, NULL, NULL }
#define TRI(k, f) { k, T_TRI, OFF(f), 0, 0, 0, 0, NULL, NULL }
#define OBJ(k, s) { k, T_OBJ, 0, 0, 0, 0, 0, NULL, s }
/* A section config_to_json prints only while string field f is set. */
#define OBJ_IF(k, s, f) { k, T_OBJ, OFF(f), 1, 0, 0, 0, NULL, s }
#define END { NULL, 0, 0, 0, 0, 0, 0, NULL, NULL }

static const struct config_enum config_drivers[] = {
	{ "af_packet", CONFIG_DRIVER_AF_PACKET },
	{ "af_xdp", CONFIG_DRIVER_AF_XDP },
	{ "pci", CONFIG_DRIVER_PCI },
	{ "auto", CONFIG_DRIVER_AUTO },
	{ "ring", CONFIG_DRIVER_RING },
	{ "memif", CONFIG_DRIVER_MEMIF },
	{ NULL, 0 },
};

static const struct config_field config_port[] = {
	{ "driver", T_ENUM, OFF(driver), 0, 0, 0, 0, config_drivers, NULL },
	STR("iface", iface),
	STR("pci", pci),
	U32("rx_desc", rx_desc, 64, 16384),
	U32("tx_desc", tx_desc, 64, 16384),
	STR("memif_socket", memif_socket),
	STR("memif_role", memif_role),
	END,
};

static const struct config_field config_ip[] = {
	{ "address", T_CIDR, OFF(ip), 0, 0, 0, 0, NULL, NULL },
	{ "gateway", T_IPV4, OFF(gateway), 0, 0, 0, 0, NULL, NULL },
	U32("mtu", mtu, 576, 9000),
	{ "vips", T_VIPS, OFF(vips), CONFIG_MAX_VIPS, OFF(nvips), 0, 0, NULL,
	  NULL },
	END,
};

static const struct config_field config_ip6[] = {
	{ "address", T_CIDR6, OFF(ip6), 0, 0, 0, 0, NULL, NULL },
	{ "gateway", T_IPV6, OFF(ip6_gateway), 0, 0, 0, 0, NULL, NULL },
	END,
};

static const struct config_field config_mempool[] = {
	U32("mbufs", mbufs, 1023, 16777215),
	U32("cache", mbuf_cache, 0, 512),
	END,
};

static const struct config_field config_eal[] = {
	TRI("hugepages", hugepages),
	STR("file_prefix", file_prefix),
	U32("memory_mb", eal_memory_mb, 64, 1048576),
	STR("log_level", log_level),
	END,
};

static const struct config_field config_idle[] = {
	BOOL("enabled", idle_enabled),
	U32("after_polls", idle_after_polls, 1, 100000000),
	U32("sleep_us", idle_sleep_us, 0, 100000),
	END,
};

static const struct config_field config_arp[] = {
	U32("entries", arp_entries, 4, 65536),
	U32("timeout_s", arp_timeout_s, 1, 86400),
	U32("pending", arp_pending, 0, 64),
	END,
};

static const struct config_field config_tcp[] = {
	U32("max_conns", tcp_max_conns, 1, 16777216),
	U32("max_halfopen", tcp_max_halfopen, 1, 16777216),
	U32("max_timewait", tcp_max_timewait, 0, 16777216),
	U32("rcv_wnd", tcp_rcv_wnd, 1024, 1073741823),
	U32("snd_buf", tcp_snd_buf, 1024, 1073741823),
	U32("mss", tcp_mss, 536, 8960),
	U32("rto_min_ms", tcp_rto_min_ms, 1, 60000),
	U32("rto_max_ms", tcp_rto_max_ms, 100, 600000),
	U32("rto_init_ms", tcp_rto_init_ms, 1, 60000),
	U32("max_retries", tcp_max_retries, 1, 30),
	U32("delack_ms", tcp_delack_ms, 0, 500),
	U32("timewait_ms", tcp_timewait_ms, 0, 240000),
	U32("fin_wait2_ms", tcp_fin_wait2_ms, 100, 600000),
	U32("ooo_segs", tcp_ooo_segs, 0, 1024),
	U32("challenge_acks_per_s", tcp_challenge_acks_per_s, 1, 1000000),
	TRI("syncookies", tcp_syncookies),
	U32("min_snd_mss", tcp_min_snd_mss, 64, 1460),
	U32("stall_timeout_ms", tcp_stall_timeout_ms, 1000, 3600000),
	U32("max_orphans", tcp_max_orphans, 1, 16777216),
	U32("orphan_retries", tcp_orphan_retries, 1, 30),
	U32("ephemeral_min", tcp_ephemeral_min, 1024, 65535),
	U32("ephemeral_max", tcp_ephemeral_max, 1024, 65535),
	U32("syn_retries", tcp_syn_retries, 1, 30),
	END,
};

/* Bytes per lcore; 0: derived from the pool (core/mem.c). */
static const struct config_field config_mem[] = {
	U32("rx_reserve", mem_rx_reserve, 0, 16777215),
	U32("sndq_bytes", mem_sndq_bytes, 0, 4294967295LL),
	U32("ooo_bytes", mem_ooo_bytes, 0, 4294967295LL),
	U32("http_req_bytes", mem_http_req_bytes, 0, 4294967295LL),
	U32("resp_bytes", mem_resp_bytes, 0, 4294967295LL),
	END,
};

static const struct config_field config_http[] = {
	{ "ports", T_U16S, OFF(http_ports), CONFIG_MAX_PORTS,
	  OFF(nb_http_ports), 1, 65535, NULL, NULL },
	U32("max_request_line", http_max_request_line, 64, 1048576),
	U32("max_header_bytes", http_max_header_bytes, 256, 1048576),
	U32("max_body", http_max_body, 0, 1073741824),
	U32("header_timeout_ms", http_header_timeout_ms, 100, 3600000),
	U32("idle_timeout_ms", http_idle_timeout_ms, 100, 86400000),
	U32("max_pipeline", http_max_pipeline, 1, 65536),
	END,
};

static const struct config_field config_mrc[] = {
	U32("max_users", mrc_max_users, 1, 268435456),
	U32("max_user_len", mrc_max_user_len, 1, CONFIG_MRC_USER_MAX),
	U32("event_status", mrc_event_status, 200, 201),
	BOOL("reset_enabled", mrc_reset_enabled),
	END,
};

static const struct config_field config_ctl[] = {
	STR("socket", ctl_socket),
	END,
};

static const struct config_field config_xdp[] = {
	STR("program", xdp_program),
	TRI("own_ip", xdp_own_ip),
	END,
};

static const struct config_field config_fault[] = {
	U32("seed", fault_seed, 0, 4294967295LL),
	U32("reorder_permille", fault_reorder_permille, 0, 1000),
	U32("duplicate_permille", fault_duplicate_permille, 0, 1000),
	U32("corrupt_permille", fault_corrupt_permille, 0, 1000),
	U32("drop_permille", fault_drop_permille, 0, 1000),
	END,
};

static const struct config_field config_cluster[] = {
	STR("redis", cluster_redis),
	STR("node_id", cluster_node_id),
	SECRET("password", cluster_password),
	STR("ack", cluster_ack),
	U32("flush_ms", cluster_flush_ms, 0, 10000),
	U32("live_ttl_ms", cluster_live_ttl_ms, 0, 600000),
	U32("barrier_timeout_ms", cluster_barrier_timeout_ms, 0, 600000),
	END,
};

const struct config_field config_root[] = {
	OBJ("port", config_port),
	OBJ("ip", config_ip),
	OBJ("ip6", config_ip6),
	{ "lcores", T_U32S, OFF(lcores), CONFIG_MAX_LCORES, OFF(nb_lcores),
	  0, 1023, NULL, NULL },
	U32("main_lcore", main_lcore, 0, 1023),
	OBJ("mempool", config_mempool),
	OBJ("eal", config_eal),
	OBJ("idle", config_idle),
	OBJ("arp", config_arp),
	OBJ("tcp", config_tcp),
	OBJ("mem", config_mem),
	OBJ("http", config_http),
	OBJ("mrc", config_mrc),
	OBJ("ctl", config_ctl),
	OBJ("xdp", config_xdp),
	OBJ("fault", config_fault),
	OBJ_IF("cluster", config_cluster, cluster_redis),
	END,
};

void
config_defaults(struct config *c)
{
	memset(c, 0, sizeof(*c));
	c->driver = CONFIG_DRIVER_AF_PACKET;
	snprintf(c->iface, sizeof(c->iface), "lr-a0");
	c->rx_desc = 1024;
	c->tx_desc = 1024;
	config_parse_ipv4("10.88.0.2", &c->ip);
	c->netmask = htonl(0xffffff00u);
	inet_pton(AF_INET6, "fd00:88::2", c->ip6);
	c->ip6_prefix = 64;
	c->mtu = 1500;
	c->lcores[0] = 1;
	c->nb_lcores = 1;
	c->main_lcore = 0;
	c->mbufs = 16383;
	c->mbuf_cache = 256;
	c->hugepages = CONFIG_AUTO;
	c->eal_memory_mb = 512;
	snprintf(c->log_level, sizeof(c->log_level), "info");
	c->idle_enabled = true;
	c->idle_after_polls = 1000;
	c->idle_sleep_us = 50;
	c->arp_entries = 256;
	c->arp_timeout_s = 300;
	c->arp_pending = 4;
	c->tcp_max_conns = 131072;
	c->tcp_max_halfopen = 4096;
	c->tcp_max_timewait = 65536;
	c->tcp_rcv_wnd = 65535;
	c->tcp_snd_buf = 262144;
	c->tcp_mss = 1460;
	c->tcp_rto_min_ms = 200;
	c->tcp_rto_max_ms = 60000;
	c->tcp_rto_init_ms = 1000;
	c->tcp_max_retries = 8;
	c->tcp_delack_ms = 40;
	c->tcp_timewait_ms = 1000;
	c->tcp_fin_wait2_ms = 30000;
	c->tcp_ooo_segs = 64;
	c->tcp_challenge_acks_per_s = 1000;
	c->tcp_syncookies = CONFIG_AUTO;
	c->tcp_min_snd_mss = 536;
	c->tcp_stall_timeout_ms = 120000;
	c->tcp_max_orphans = 4096;
	c->tcp_orphan_retries = 4;
	c->tcp_ephemeral_min = 32768;
	c->tcp_ephemeral_max = 60999;
	c->tcp_syn_retries = 6;
	c->http_ports[0] = 8080;
	c->nb_http_ports = 1;
	c->http_max_request_line = 8192;
	c->http_max_header_bytes = 16384;
	c->http_max_body = 1048576;
	c->http_header_timeout_ms = 10000;
	c->http_idle_timeout_ms = 60000;
	c->http_max_pipeline = 64;
	c->mrc_max_users = 1048576;
	c->mrc_max_user_len = 256;
	c->mrc_event_status = 200;
	c->mrc_reset_enabled = true;
	snprintf(c->ctl_socket, sizeof(c->ctl_socket),
		 "/run/linerate/ctl.sock");
	c->xdp_program[0] = '\0';
	c->xdp_own_ip = CONFIG_AUTO;
	c->fault_seed = 1;
	/* cluster: all "" and 0 (off; 0 picks lib/cluster's defaults). */
}

const char *
config_driver_name(enum config_driver d)
{
	for (const struct config_enum *e = config_drivers; e->name; e++)
		if (e->value == (int)d)
			return e->name;
	return "?";
}

/* "a, b, c": the names of an enum, for an error. */
static const char *
config_enum_list(const struct config_enum *names)
{
	static __thread char list[128];
	size_t n = 0;

	list[0] = '\0';
	for (const struct config_enum *e = names; e->name && n < sizeof(list); e++)
		n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%s",
				      n ? ", " : "", e->name);
	return list;
}

int
config_fail(char *err, const char *path, const char *fmt, const char *what)
{
	char msg[CONFIG_ERR_LEN];

	snprintf(msg, sizeof(msg), fmt, what);
	snprintf(err, CONFIG_ERR_LEN, "%s: %s", path, msg);
	return -EINVAL;
}

static int
config_get_int(json_t *v, const char *path, long long lo, long long hi,
	       long long *out, char *err)
{
	char range[64];

	if (!json_is_integer(v))
		return config_fail(err, path, "expected an integer%s", "");
	*out = json_integer_value(v);
	if (*out < lo || *out > hi) {
		snprintf(range, sizeof(range), "%lld is out of range %lld..%lld",
			 *out, lo, hi);
		return config_fail(err, path, "%s", range);
	}
	return 0;
}

static int config_apply(struct config *c, const struct config_field *fields,
			json_t *obj, const char *path, char *err);

static int
config_apply_field(struct config *c, const struct config_field *f, json_t *v,
		   const char *path, char *err)
{
	char *base = (char *)c;
	long long n;
	const char *s;

	switch (f->type) {
	case T_U32:
		if (config_get_int(v, path, f->min, f->max, &n, err))
			return -EINVAL;
		*(uint32_t *)(base + f->off) = (uint32_t)n;
		return 0;
	case T_BOOL:
		if (!json_is_boolean(v))
			return config_fail(err, path, "expected true or false%s",
					   "");
		*(bool *)(base + f->off) = json_is_true(v);
		return 0;
	case T_STR:
	case T_SECRET:
		if (!json_is_string(v))
			return config_fail(err, path, "expected a string%s", "");
		if (json_string_length(v) >= f->size)
			return config_fail(err, path, "string too long%s", "");
		snprintf(base + f->off, f->size, "%s", json_string_value(v));
		return 0;
	case T_IPV4:
		if (!json_is_string(v) ||
		    config_parse_ipv4(json_string_value(v),
				      (uint32_t *)(base + f->off)) < 0)
			return config_fail(err, path,
					   "expected a dotted-quad IPv4 address%s",
					   "");
		return 0;
	case T_CIDR: {
		char msg[CONFIG_ERR_LEN];

		if (!json_is_string(v))
			return config_fail(err, path,
					   "expected \"a.b.c.d/len\"%s", "");
		if (config_parse_cidr(c, json_string_value(v), msg) < 0)
			return config_fail(err, path, "%s", msg);
		return 0;
	}
	case T_IPV6:
		if (!json_is_string(v) ||
		    inet_pton(AF_INET6, json_string_value(v), base + f->off) != 1)
			return config_fail(err, path,
					   "expected an IPv6 address (\"::\" for "
					   "none)%s", "");
		return 0;
	case T_CIDR6: {
		char msg[CONFIG_ERR_LEN];

		if (!json_is_string(v))
			return config_fail(err, path,
					   "expected \"addr/len\" or \"none\"%s",
					   "");
		if (config_parse_cidr6(c, json_string_value(v), msg) < 0)
			return config_fail(err, path, "%s", msg);
		return 0;
	}
	case T_ENUM:
		if (json_is_string(v)) {
			s = json_string_value(v);
			for (const struct config_enum *e = f->names; e->name; e++)
				if (strcmp(e->name, s) == 0) {
					*(uint32_t *)(base + f->off) = e->value;
					return 0;
				}
		}
		return config_fail(err, path, "unknown value (one of: %s)",
				   config_enum_list(f->names));
	case T_TRI:
		if (json_is_boolean(v)) {
			*(enum config_tristate *)(base + f->off) =
				json_is_true(v) ? CONFIG_ON : CONFIG_OFF;
			return 0;
		}
		s = json_is_string(v) ? json_string_value(v) : "";
		if (strcmp(s, "auto") == 0 || strcmp(s, "on") == 0 ||
		    strcmp(s, "off") == 0) {
			*(enum config_tristate *)(base + f->off) =
				s[1] == 'u' ? CONFIG_AUTO :
				s[1] == 'n' ? CONFIG_ON : CONFIG_OFF;
			return 0;
		}
		return config_fail(err, path,
				   "expected \"auto\", \"on\" or \"off\"%s", "");
	case T_U32S:
	case T_U16S: {
		size_t i, cnt = json_is_array(v) ? json_array_size(v) : 0;
		char sub[CONFIG_ERR_LEN];

		if (!json_is_array(v) || cnt == 0)
			return config_fail(err, path,
					   "expected a non-empty array%s", "");
		if (cnt > f->size)
			return config_fail(err, path, "too many elements%s", "");
		for (i = 0; i < cnt; i++) {
			snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
			if (config_get_int(json_array_get(v, i), sub, f->min,
					   f->max, &n, err))
				return -EINVAL;
			if (f->type == T_U32S)
				((uint32_t *)(base + f->off))[i] = (uint32_t)n;
			else
				((uint16_t *)(base + f->off))[i] = (uint16_t)n;
		}
		*(uint32_t *)(base + f->count_off) = (uint32_t)cnt;
		return 0;
	}
	case T_VIPS:
		return config_parse_vips(c, v, path, err);
	case T_OBJ:
		if (!json_is_object(v))
			return config_fail(err, path, "expected an object%s", "");
		return config_apply(c, f->sub, v, path, err);
	}
	return -EINVAL;
}

static int
config_apply(struct config *c, const struct config_field *fields, json_t *obj,
	     const char *path, char *err)
{
	const char *key;
	json_t *v;

	json_object_foreach(obj, key, v) {
		char sub[CONFIG_ERR_LEN];
		const struct config_field *f;

		snprintf(sub, sizeof(sub), "%s.%s", path, key);
		for (f = fields; f->key; f++)
			if (strcmp(f->key, key) == 0)
				break;
		if (!f->key)
			return config_fail(err, sub, "unknown key%s", "");
		if (config_apply_field(c, f, v, sub, err))
			return -EINVAL;
	}
	return 0;
}

int
config_parse(struct config *c, const char *json, size_t len,
	     char err[CONFIG_ERR_LEN])
{
	json_error_t jerr;
	json_t *root;
	int rc;

	root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		snprintf(err, CONFIG_ERR_LEN, "line %d column %d: %s",
			 jerr.line, jerr.column, jerr.text);
		return -EINVAL;
	}
	if (!json_is_object(root)) {
		json_decref(root);
		return config_fail(err, "$", "expected an object%s", "");
	}
	rc = config_apply(c, config_root, root, "$", err);
	json_decref(root);
	if (rc == 0)
		rc = config_check(c, err);
	return rc;
}

int
config_load_file(struct config *c, const char *path, char err[CONFIG_ERR_LEN])
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;
	int rc;

	if (!f) {
		rc = -errno;
		snprintf(err, CONFIG_ERR_LEN, "%s: %s", path, strerror(errno));
		return rc;
	}
	if (fseek(f, 0, SEEK_END) < 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) < 0 || n > (1 << 20)) {
		fclose(f);
		snprintf(err, CONFIG_ERR_LEN, "%s: unreadable or over 1 MiB", path);
		return -EINVAL;
	}
	buf = malloc((size_t)n + 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		fclose(f);
		snprintf(err, CONFIG_ERR_LEN, "%s: read failed", path);
		return -EIO;
	}
	fclose(f);
	rc = config_parse(c, buf, (size_t)n, err);
	free(buf);
	return rc;
}


/* SPDX-License-Identifier: BSD-3-Clause */
/* test_config.c: the JSON config loader, its defaults and shipped configs. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <arpa/inet.h>
#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <jansson.h>

#include "core/config.h"

static uint32_t
ip4(const char *s)
{
	uint32_t a = 0;

	assert_int_equal(config_parse_ipv4(s, &a), 0);
	return a;
}

/* Defaults, then json; fails the test (showing err) unless it parses. */
static void
parse_ok(struct config *c, const char *json)
{
	char err[CONFIG_ERR_LEN] = "";
	int rc;

	config_defaults(c);
	rc = config_parse(c, json, strlen(json), err);
	if (rc != 0)
		fail_msg("%s\n  rc %d: %s", json, rc, err);
}

/* Defaults, then json; -EINVAL with err equal to want (or starting with
 * it when prefix). */
static void
check_err(const char *json, const char *want, bool prefix)
{
	char err[CONFIG_ERR_LEN] = "";
	struct config c;
	int rc;

	config_defaults(&c);
	rc = config_parse(&c, json, strlen(json), err);
	if (rc != -EINVAL ||
	    (prefix ? strncmp(err, want, strlen(want)) : strcmp(err, want)))
		fail_msg("%s\n  got  rc %d, \"%s\"\n  want rc %d, \"%s\"%s",
			 json, rc, err, -EINVAL, want, prefix ? "..." : "");
}

static void
expect_err(const char *json, const char *want)
{
	check_err(json, want, false);
}

static void
expect_err_prefix(const char *json, const char *want)
{
	check_err(json, want, true);
}

static void
clear_tail(char *s, size_t size)
{
	size_t n = strnlen(s, size);

	memset(s + n, 0, size - n);
}

/* A copy without the bytes no reader looks at: whatever follows a string's
 * NUL and array entries past their count (left from earlier values). */
static void
config_normalized(struct config *out, const struct config *c)
{
	memcpy(out, c, sizeof(*out));
	clear_tail(out->iface, sizeof(out->iface));
	clear_tail(out->pci, sizeof(out->pci));
	clear_tail(out->file_prefix, sizeof(out->file_prefix));
	clear_tail(out->log_level, sizeof(out->log_level));
	clear_tail(out->ctl_socket, sizeof(out->ctl_socket));
	if (out->nb_lcores < CONFIG_MAX_LCORES)
		memset(out->lcores + out->nb_lcores, 0,
		       (CONFIG_MAX_LCORES - out->nb_lcores) *
		       sizeof(out->lcores[0]));
	if (out->nb_http_ports < CONFIG_MAX_PORTS)
		memset(out->http_ports + out->nb_http_ports, 0,
		       (CONFIG_MAX_PORTS - out->nb_http_ports) *
		       sizeof(out->http_ports[0]));
}

/* Equal configs: as JSON first, so a mismatch names the field, then every
 * byte that carries a value (catches a field config_to_json leaves out). */
static void
assert_config_equal(const struct config *a, const struct config *b)
{
	char *ja = config_to_json(a), *jb = config_to_json(b);
	struct config na, nb;

	assert_non_null(ja);
	assert_non_null(jb);
	assert_string_equal(ja, jb);
	free(ja);
	free(jb);
	config_normalized(&na, a);
	config_normalized(&nb, b);
	assert_memory_equal(&na, &nb, sizeof(na));
}

/* The repository root: the current directory (tests/run.sh cds there) or
 * the nearest ancestor of the test binary holding dpdk-config/veth.json. */
static const char *
repo_root(void)
{
	static char root[PATH_MAX];
	char probe[PATH_MAX + 32];
	ssize_t n;
	char *slash;

	if (access("dpdk-config/veth.json", R_OK) == 0)
		return ".";
	n = readlink("/proc/self/exe", root, sizeof(root) - 1);
	if (n <= 0)
		return NULL;
	root[n] = '\0';
	while ((slash = strrchr(root, '/')) != NULL && slash != root) {
		*slash = '\0';
		snprintf(probe, sizeof(probe), "%s/dpdk-config/veth.json", root);
		if (access(probe, R_OK) == 0)
			return root;
	}
	return NULL;
}

static void
test_config_embedded_default_parses_to_config_defaults(void **state)
{
	struct config parsed, def;
	char err[CONFIG_ERR_LEN] = "";

	(void)state;
	/* From zero, so every value must come from the JSON itself. */
	memset(&parsed, 0, sizeof(parsed));
	assert_int_equal(config_parse(&parsed, config_default_json,
				      strlen(config_default_json), err), 0);
	config_defaults(&def);
	assert_config_equal(&parsed, &def);

	assert_int_equal(def.driver, CONFIG_DRIVER_AF_PACKET);
	assert_string_equal(def.iface, "lr-a0");
	assert_int_equal(def.ip, ip4("10.88.0.2"));
	assert_int_equal(def.netmask, ip4("255.255.255.0"));
	assert_int_equal(def.gateway, 0);
	assert_int_equal(def.nb_lcores, 1);
	assert_int_equal(def.lcores[0], 1);
	assert_int_equal(def.main_lcore, 0);
	assert_int_equal(def.nb_http_ports, 1);
	assert_int_equal(def.http_ports[0], 8080);
	assert_int_equal(def.hugepages, CONFIG_AUTO);
	assert_int_equal(def.tcp_syncookies, CONFIG_AUTO);
	assert_true(def.mbuf_cache <= def.mbufs / 4);
	assert_true(def.tcp_rto_min_ms <= def.tcp_rto_max_ms);
}

static void
test_config_embedded_default_on_top_of_defaults_changes_nothing(void **state)
{
	struct config c, def;

	(void)state;
	parse_ok(&c, config_default_json);
	config_defaults(&def);
	assert_config_equal(&c, &def);
}

/* Catches a stale generated default_config.c as well. */
static void
test_config_veth_json_on_disk_equals_embedded_default(void **state)
{
	const char *root = repo_root();
	char path[PATH_MAX + 32], err[CONFIG_ERR_LEN] = "";
	struct config file, def;
	int rc;

	(void)state;
	if (!root)
		fail_msg("dpdk-config/veth.json not found from the current "
			 "directory or above the test binary");
	snprintf(path, sizeof(path), "%s/dpdk-config/veth.json", root);
	memset(&file, 0, sizeof(file));
	rc = config_load_file(&file, path, err);
	if (rc != 0)
		fail_msg("%s: rc %d: %s", path, rc, err);
	config_defaults(&def);
	assert_config_equal(&file, &def);
}

static void
test_config_to_json_of_defaults_round_trips(void **state)
{
	struct config def, back;
	char err[CONFIG_ERR_LEN] = "";
	char *s;

	(void)state;
	config_defaults(&def);
	s = config_to_json(&def);
	assert_non_null(s);
	memset(&back, 0, sizeof(back));
	if (config_parse(&back, s, strlen(s), err) != 0)
		fail_msg("%s\n  %s", s, err);
	free(s);
	assert_config_equal(&back, &def);
}

static void
test_config_to_json_of_non_default_config_round_trips(void **state)
{
	struct config c, back;
	char err[CONFIG_ERR_LEN] = "";
	char *s;

	(void)state;
	parse_ok(&c,
		 "{\"port\": {\"driver\": \"pci\", \"iface\": \"\","
		 " \"pci\": \"0000:3b:00.1\", \"rx_desc\": 4096, \"tx_desc\": 64},"
		 " \"ip\": {\"address\": \"192.168.7.9/17\","
		 " \"gateway\": \"192.168.0.1\", \"mtu\": 9000},"
		 " \"lcores\": [2, 3, 5, 63], \"main_lcore\": 1,"
		 " \"mempool\": {\"mbufs\": 65535, \"cache\": 512},"
		 " \"eal\": {\"hugepages\": \"off\", \"file_prefix\": \"lr-test\","
		 " \"memory_mb\": 2048, \"log_level\": \"debug\"},"
		 " \"idle\": {\"enabled\": false, \"after_polls\": 1,"
		 " \"sleep_us\": 0},"
		 " \"tcp\": {\"syncookies\": true, \"delack_ms\": 0,"
		 " \"rto_min_ms\": 100, \"rto_max_ms\": 100,"
		 " \"rto_init_ms\": 100},"
		 " \"http\": {\"ports\": [80, 443, 8080, 65535, 1]},"
		 " \"mrc\": {\"event_status\": 201, \"reset_enabled\": false},"
		 " \"ctl\": {\"socket\": \"/tmp/x \\\"quoted\\\".sock\"}}");
	assert_int_equal(c.netmask, ip4("255.255.128.0"));
	assert_int_equal(c.tcp_syncookies, CONFIG_ON);
	s = config_to_json(&c);
	assert_non_null(s);
	memset(&back, 0, sizeof(back));
	if (config_parse(&back, s, strlen(s), err) != 0)
		fail_msg("%s\n  %s", s, err);
	free(s);
	assert_config_equal(&back, &c);
}

static void
test_config_partial_json_overrides_only_the_keys_it_names(void **state)
{
	struct config c, def;

	(void)state;
	parse_ok(&c, "{\"http\": {\"ports\": [80, 81]}, \"lcores\": [4]}");
	config_defaults(&def);
	assert_int_equal(c.nb_http_ports, 2);
	assert_int_equal(c.http_ports[0], 80);
	assert_int_equal(c.http_ports[1], 81);
	assert_int_equal(c.nb_lcores, 1);
	assert_int_equal(c.lcores[0], 4);
	c.nb_http_ports = def.nb_http_ports;
	c.http_ports[0] = def.http_ports[0];
	c.http_ports[1] = def.http_ports[1];
	c.lcores[0] = def.lcores[0];
	assert_config_equal(&c, &def);
	parse_ok(&c, "{}");
	assert_config_equal(&c, &def);
}

/* The error is about the value, not about the key being unknown. */
static void
expect_not_unknown_key(const char *json)
{
	char err[CONFIG_ERR_LEN] = "";
	struct config c;

	config_defaults(&c);
	assert_int_equal(config_parse(&c, json, strlen(json), err), -EINVAL);
	if (strstr(err, "unknown key"))
		fail_msg("%s\n  %s", json, err);
}

/* Walk a document: every leaf set to an object must fail naming that leaf
 * (proves the parser reads it), and every object given an extra key must
 * fail naming that key (proves unknown keys are caught at every level). */
static void
walk_and_mutate(json_t *root, json_t *obj, const char *path,
		unsigned *leaves, unsigned *objects)
{
	char want[CONFIG_ERR_LEN + 32], sub[CONFIG_ERR_LEN];
	const char *key;
	json_t *v;
	char *s;

	json_object_set_new(obj, "zz_not_a_key", json_integer(1));
	s = json_dumps(root, 0);
	json_object_del(obj, "zz_not_a_key");
	snprintf(want, sizeof(want), "%s.zz_not_a_key: unknown key", path);
	expect_err(s, want);
	free(s);
	(*objects)++;

	json_object_foreach(obj, key, v) {
		snprintf(sub, sizeof(sub), "%s.%s", path, key);
		if (json_is_object(v)) {
			walk_and_mutate(root, v, sub, leaves, objects);
			continue;
		}
		json_incref(v);
		json_object_set_new(obj, key, json_object());
		s = json_dumps(root, 0);
		json_object_set_new(obj, key, v);
		snprintf(want, sizeof(want), "%s: ", sub);
		expect_err_prefix(s, want);
		expect_not_unknown_key(s);
		free(s);
		(*leaves)++;
	}
}

static void
test_config_every_veth_json_key_is_known_and_read(void **state)
{
	json_error_t jerr;
	json_t *root = json_loads(config_default_json, 0, &jerr);
	unsigned leaves = 0, objects = 0;

	(void)state;
	assert_non_null(root);
	walk_and_mutate(root, root, "$", &leaves, &objects);
	json_decref(root);
	assert_int_equal(objects, 14); /* root + 13 sections (ip6 added) */
	assert_true(leaves >= 49);
}

/* The same over what config_to_json emits: every key it writes is read. */
static void
test_config_every_key_config_to_json_writes_is_known_and_read(void **state)
{
	struct config def;
	json_error_t jerr;
	json_t *root;
	unsigned leaves = 0, objects = 0;
	char *s;

	(void)state;
	config_defaults(&def);
	s = config_to_json(&def);
	root = json_loads(s, 0, &jerr);
	free(s);
	assert_non_null(root);
	walk_and_mutate(root, root, "$", &leaves, &objects);
	json_decref(root);
	assert_int_equal(objects, 15); /* one more: the ip6 section */
	assert_true(leaves >= 52);
}

static void
test_config_unknown_key_at_top_level_names_its_path(void **state)
{
	(void)state;
	expect_err("{\"bogus\": 1}", "$.bogus: unknown key");
	expect_err("{\"Port\": {}}", "$.Port: unknown key");
	expect_err("{\"lcores\": [1], \"lcore\": [1]}", "$.lcore: unknown key");
}

static void
test_config_unknown_nested_key_names_its_path(void **state)
{
	(void)state;
	expect_err("{\"port\": {\"drvier\": \"pci\"}}",
		   "$.port.drvier: unknown key");
	expect_err("{\"tcp\": {\"rto_min\": 200}}", "$.tcp.rto_min: unknown key");
	expect_err("{\"http\": {\"ports\": [80], \"port\": 80}}",
		   "$.http.port: unknown key");
}

static void
test_config_out_of_range_values_name_path_and_range(void **state)
{
	(void)state;
	expect_err("{\"http\": {\"ports\": [80, 70000]}}",
		   "$.http.ports[1]: 70000 is out of range 1..65535");
	expect_err("{\"http\": {\"ports\": [0]}}",
		   "$.http.ports[0]: 0 is out of range 1..65535");
	expect_err("{\"port\": {\"rx_desc\": 63}}",
		   "$.port.rx_desc: 63 is out of range 64..16384");
	expect_err("{\"port\": {\"tx_desc\": 16385}}",
		   "$.port.tx_desc: 16385 is out of range 64..16384");
	expect_err("{\"ip\": {\"mtu\": 9001}}",
		   "$.ip.mtu: 9001 is out of range 576..9000");
	expect_err("{\"lcores\": [1, -1]}",
		   "$.lcores[1]: -1 is out of range 0..1023");
	expect_err("{\"main_lcore\": 1024}",
		   "$.main_lcore: 1024 is out of range 0..1023");
	/* Must not wrap to 1 in the uint32 field. */
	expect_err("{\"tcp\": {\"max_conns\": 4294967297}}",
		   "$.tcp.max_conns: 4294967297 is out of range 1..16777216");
	expect_err("{\"mrc\": {\"event_status\": 204}}",
		   "$.mrc.event_status: 204 is out of range 200..201");
	expect_err("{\"arp\": {\"timeout_s\": -5}}",
		   "$.arp.timeout_s: -5 is out of range 1..86400");
}

static void
test_config_range_bounds_themselves_are_accepted(void **state)
{
	struct config c;

	(void)state;
	parse_ok(&c, "{\"http\": {\"ports\": [1, 65535]},"
		     " \"port\": {\"rx_desc\": 64, \"tx_desc\": 16384},"
		     " \"ip\": {\"mtu\": 576}, \"tcp\": {\"mss\": 536},"
		     " \"lcores\": [0, 1023], \"main_lcore\": 1022}");
	assert_int_equal(c.http_ports[0], 1);
	assert_int_equal(c.http_ports[1], 65535);
	assert_int_equal(c.rx_desc, 64);
	assert_int_equal(c.tx_desc, 16384);
	assert_int_equal(c.mtu, 576);
	assert_int_equal(c.lcores[1], 1023);
}

static void
test_config_wrong_types_are_rejected_with_path(void **state)
{
	(void)state;
	expect_err("{\"ip\": {\"mtu\": \"1500\"}}",
		   "$.ip.mtu: expected an integer");
	expect_err("{\"ip\": {\"mtu\": 1500.0}}",
		   "$.ip.mtu: expected an integer");
	expect_err("{\"ip\": {\"mtu\": null}}", "$.ip.mtu: expected an integer");
	expect_err("{\"idle\": {\"enabled\": 1}}",
		   "$.idle.enabled: expected true or false");
	expect_err("{\"mrc\": {\"reset_enabled\": \"true\"}}",
		   "$.mrc.reset_enabled: expected true or false");
	expect_err("{\"lcores\": {\"0\": 1}}",
		   "$.lcores: expected a non-empty array");
	expect_err("{\"lcores\": 1}", "$.lcores: expected a non-empty array");
	expect_err("{\"lcores\": []}", "$.lcores: expected a non-empty array");
	expect_err("{\"http\": {\"ports\": []}}",
		   "$.http.ports: expected a non-empty array");
	expect_err("{\"lcores\": [\"1\"]}", "$.lcores[0]: expected an integer");
	expect_err("{\"http\": {\"ports\": [80, [443]]}}",
		   "$.http.ports[1]: expected an integer");
	expect_err("{\"port\": \"af_packet\"}", "$.port: expected an object");
	expect_err("{\"tcp\": []}", "$.tcp: expected an object");
	expect_err("{\"port\": {\"iface\": null}}",
		   "$.port.iface: expected a string");
	expect_err("{\"ctl\": {\"socket\": 7}}",
		   "$.ctl.socket: expected a string");
	expect_err("[1]", "$: expected an object");
	/* scalars at the top are a syntax error to jansson already */
	expect_err_prefix("\"x\"", "line 1 column");
}

static void
test_config_overlong_strings_and_arrays_are_rejected(void **state)
{
	char json[1024];
	struct config c;
	int n;

	(void)state;
	/* IF_NAMESIZE is 16 with the NUL: 15 fits, 16 does not. */
	parse_ok(&c, "{\"port\": {\"iface\": \"abcdefghijklmno\"}}");
	assert_string_equal(c.iface, "abcdefghijklmno");
	expect_err("{\"port\": {\"iface\": \"abcdefghijklmnop\"}}",
		   "$.port.iface: string too long");
	expect_err("{\"eal\": {\"log_level\": \"0123456789abcdef\"}}",
		   "$.eal.log_level: string too long");

	n = snprintf(json, sizeof(json), "{\"lcores\": [");
	for (int i = 0; i <= CONFIG_MAX_LCORES; i++)
		n += snprintf(json + n, sizeof(json) - n, "%s%d", i ? "," : "",
			      i + 1);
	snprintf(json + n, sizeof(json) - n, "]}");
	expect_err(json, "$.lcores: too many elements");
	expect_err("{\"http\": {\"ports\": [1,2,3,4,5,6,7,8,9]}}",
		   "$.http.ports: too many elements");
	parse_ok(&c, "{\"http\": {\"ports\": [1,2,3,4,5,6,7,8]}}");
	assert_int_equal(c.nb_http_ports, CONFIG_MAX_PORTS);
}

static void
test_config_bad_ipv4_and_cidr_are_rejected_with_path(void **state)
{
	static const char *const bad_cidr[] = {
		"10.88.0.256/24", "10.88.0/24", "10.88.0.2/33", "10.88.0.2/0",
		"10.88.0.2/", "10.88.0.2/24x", "10.88.0.2/-8", "host/24", "",
		"/24", "10.88.0.2/24/8", "1234567890123456789012345678901234/8",
	};
	char json[256], want[CONFIG_ERR_LEN];

	(void)state;
	for (size_t i = 0; i < sizeof(bad_cidr) / sizeof(bad_cidr[0]); i++) {
		snprintf(json, sizeof(json), "{\"ip\": {\"address\": \"%s\"}}",
			 bad_cidr[i]);
		snprintf(want, sizeof(want), "$.ip.address: '%s' is not an IPv4 "
			 "address with optional /prefix", bad_cidr[i]);
		expect_err(json, want);
	}
	expect_err("{\"ip\": {\"address\": 167772162}}",
		   "$.ip.address: expected \"a.b.c.d/len\"");
	expect_err("{\"ip\": {\"address\": \"0.0.0.0/24\"}}",
		   "$.ip.address: must be set");
	expect_err("{\"ip\": {\"gateway\": \"10.88.0\"}}",
		   "$.ip.gateway: expected a dotted-quad IPv4 address");
	expect_err("{\"ip\": {\"gateway\": \"10.88.0.1/24\"}}",
		   "$.ip.gateway: expected a dotted-quad IPv4 address");
	expect_err("{\"ip\": {\"gateway\": 0}}",
		   "$.ip.gateway: expected a dotted-quad IPv4 address");
}

static void
test_config_address_without_prefix_keeps_default_netmask(void **state)
{
	struct config c;

	(void)state;
	parse_ok(&c, "{\"ip\": {\"address\": \"172.16.5.4\","
		     " \"gateway\": \"172.16.5.1\"}}");
	assert_int_equal(c.ip, ip4("172.16.5.4"));
	assert_int_equal(c.netmask, ip4("255.255.255.0"));
	assert_int_equal(c.gateway, ip4("172.16.5.1"));
}

static void
test_config_duplicate_keys_are_rejected(void **state)
{
	(void)state;
	expect_err_prefix("{\"port\": {\"driver\": \"pci\","
			  " \"driver\": \"ring\"}}", "line 1 column");
	expect_err_prefix("{\"arp\": {}, \"arp\": {}}", "line 1 column");
	expect_err_prefix("{\"main_lcore\": 0, \"main_lcore\": 0}",
			  "line 1 column");
}

static void
test_config_syntax_error_reports_line_and_column(void **state)
{
	struct config c;
	char err[CONFIG_ERR_LEN] = "";

	(void)state;
	expect_err_prefix("{\n\"port\": {\"driver\": }\n}", "line 2 column");
	expect_err_prefix("{\"lcores\": [1,]}", "line 1 column");
	expect_err_prefix("", "line");
	config_defaults(&c);
	/* len is honoured: the valid prefix alone is complete. */
	assert_int_equal(config_parse(&c, "{}garbage", 2, err), 0);
}

static void
test_config_duplicate_lcores_and_ports_are_rejected(void **state)
{
	(void)state;
	expect_err("{\"lcores\": [1, 2, 1]}",
		   "$.lcores: an lcore is listed twice");
	expect_err("{\"lcores\": [3, 3]}", "$.lcores: an lcore is listed twice");
	expect_err("{\"http\": {\"ports\": [80, 443, 80]}}",
		   "$.http.ports: a port is listed twice");
}

static void
test_config_cross_key_rules_are_checked(void **state)
{
	(void)state;
	expect_err("{\"tcp\": {\"rto_init_ms\": 50}}",
		   "$.tcp.rto_init_ms: must lie within rto_min_ms..rto_max_ms");
	expect_err("{\"ip\": {\"mtu\": 1000}}",
		   "$.tcp.mss: mss + 40 (IPv4 + TCP headers) exceeds ip.mtu");

}

static void
test_config_rto_min_greater_than_rto_max_is_rejected(void **state)
{
	struct config c;

	(void)state;
	expect_err("{\"tcp\": {\"rto_min_ms\": 5000, \"rto_max_ms\": 1000}}",
		   "$.tcp.rto_min_ms: greater than rto_max_ms");
	/* against the default max (60000) as well */
	expect_err("{\"tcp\": {\"rto_min_ms\": 60000, \"rto_max_ms\": 59999}}",
		   "$.tcp.rto_min_ms: greater than rto_max_ms");
	parse_ok(&c, "{\"tcp\": {\"rto_min_ms\": 1000, \"rto_max_ms\": 1000}}");
	assert_int_equal(c.tcp_rto_min_ms, 1000);
}

static void
test_config_mbuf_cache_above_quarter_of_mbufs_is_rejected(void **state)
{
	struct config c;

	(void)state;
	expect_err("{\"mempool\": {\"mbufs\": 1023, \"cache\": 256}}",
		   "$.mempool.cache: must be at most a quarter of mbufs");
	/* the default cache (256) against a smaller pool */
	expect_err("{\"mempool\": {\"mbufs\": 1023}}",
		   "$.mempool.cache: must be at most a quarter of mbufs");
	parse_ok(&c, "{\"mempool\": {\"mbufs\": 1023, \"cache\": 255}}");
	assert_int_equal(c.mbuf_cache, 255);
	parse_ok(&c, "{\"mempool\": {\"mbufs\": 2048, \"cache\": 512}}");
	assert_int_equal(c.mbuf_cache, 512);
	expect_err("{\"mempool\": {\"cache\": 513}}",
		   "$.mempool.cache: 513 is out of range 0..512");
}

static void
test_config_driver_accepts_each_name_and_rejects_others(void **state)
{
	static const struct {
		const char *name;
		enum config_driver d;
	} ok[] = {
		{ "af_packet", CONFIG_DRIVER_AF_PACKET },
		{ "af_xdp", CONFIG_DRIVER_AF_XDP },
		{ "pci", CONFIG_DRIVER_PCI },
		{ "auto", CONFIG_DRIVER_AUTO },
		{ "ring", CONFIG_DRIVER_RING },
	};
	static const char *const bad[] = {
		"\"AF_PACKET\"", "\"xdp\"", "\"\"", "\"af_packet \"", "0",
		"null", "[\"pci\"]",
	};
	char json[128];
	struct config c;

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		snprintf(json, sizeof(json), "{\"port\": {\"driver\": \"%s\"}}",
			 ok[i].name);
		parse_ok(&c, json);
		assert_int_equal(c.driver, ok[i].d);
		assert_string_equal(config_driver_name(c.driver), ok[i].name);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(json, sizeof(json), "{\"port\": {\"driver\": %s}}",
			 bad[i]);
		expect_err(json, "$.port.driver: unknown value (one of: "
			   "af_packet, af_xdp, pci, auto, ring, memif)");
	}
	assert_string_equal(config_driver_name((enum config_driver)99), "?");
}

static void
test_config_socket_drivers_require_an_iface(void **state)
{
	struct config c;

	(void)state;
	expect_err("{\"port\": {\"driver\": \"af_packet\", \"iface\": \"\"}}",
		   "$.port.iface: required for the af_packet and af_xdp "
		   "drivers");
	expect_err("{\"port\": {\"driver\": \"af_xdp\", \"iface\": \"\"}}",
		   "$.port.iface: required for the af_packet and af_xdp "
		   "drivers");
	parse_ok(&c, "{\"port\": {\"driver\": \"pci\", \"iface\": \"\"}}");
	parse_ok(&c, "{\"port\": {\"driver\": \"ring\", \"iface\": \"\"}}");
}

static void
test_config_memif_driver_needs_an_absolute_socket_and_a_role(void **state)
{
	struct config c;

	(void)state;
	parse_ok(&c, "{\"port\": {\"driver\": \"memif\", \"memif_socket\": "
		     "\"/run/linerate/m.sock\", \"memif_role\": \"client\"}}");
	assert_int_equal(c.driver, CONFIG_DRIVER_MEMIF);
	assert_string_equal(config_driver_name(c.driver), "memif");
	assert_string_equal(c.memif_socket, "/run/linerate/m.sock");
	assert_string_equal(c.memif_role, "client");
	parse_ok(&c, "{\"port\": {\"driver\": \"memif\", \"memif_socket\": "
		     "\"/m.sock\", \"memif_role\": \"server\"}}");
	assert_string_equal(c.memif_role, "server");
	expect_err("{\"port\": {\"driver\": \"memif\", \"memif_role\": "
		   "\"server\"}}",
		   "$.port.memif_socket: an absolute path is required for the "
		   "memif driver");
	expect_err("{\"port\": {\"driver\": \"memif\", \"memif_socket\": "
		   "\"m.sock\", \"memif_role\": \"server\"}}",
		   "$.port.memif_socket: an absolute path is required for the "
		   "memif driver");
	expect_err("{\"port\": {\"driver\": \"memif\", \"memif_socket\": "
		   "\"/a,b\", \"memif_role\": \"server\"}}",
		   "$.port.memif_socket: must not contain ',' (it becomes a "
		   "DPDK devarg)");
	expect_err("{\"port\": {\"driver\": \"memif\", \"memif_socket\": "
		   "\"/m.sock\"}}",
		   "$.port.memif_role: must be \"server\" or \"client\"");
	expect_err("{\"port\": {\"driver\": \"memif\", \"memif_socket\": "
		   "\"/m.sock\", \"memif_role\": \"slave\"}}",
		   "$.port.memif_role: must be \"server\" or \"client\"");
	/* Other drivers ignore an empty memif section. */
	parse_ok(&c, "{\"port\": {\"driver\": \"af_packet\"}}");
	assert_string_equal(c.memif_socket, "");
}

static void
test_config_tristate_accepts_auto_on_off_and_booleans(void **state)
{
	static const struct {
		const char *v;
		enum config_tristate t;
	} ok[] = {
		{ "\"auto\"", CONFIG_AUTO }, { "\"on\"", CONFIG_ON },
		{ "\"off\"", CONFIG_OFF },   { "true", CONFIG_ON },
		{ "false", CONFIG_OFF },
	};
	static const char *const bad[] = {
		"\"yes\"", "\"On\"", "\"\"", "\"o\"", "\"offf\"", "1", "0",
		"null", "{}",
	};
	char json[128], want[CONFIG_ERR_LEN];
	struct config c;

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		snprintf(json, sizeof(json),
			 "{\"eal\": {\"hugepages\": %s},"
			 " \"tcp\": {\"syncookies\": %s}}", ok[i].v, ok[i].v);
		parse_ok(&c, json);
		assert_int_equal(c.hugepages, ok[i].t);
		assert_int_equal(c.tcp_syncookies, ok[i].t);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(json, sizeof(json), "{\"tcp\": {\"syncookies\": %s}}",
			 bad[i]);
		snprintf(want, sizeof(want), "$.tcp.syncookies: expected "
			 "\"auto\", \"on\" or \"off\"");
		expect_err(json, want);
		snprintf(json, sizeof(json), "{\"eal\": {\"hugepages\": %s}}",
			 bad[i]);
		snprintf(want, sizeof(want), "$.eal.hugepages: expected "
			 "\"auto\", \"on\" or \"off\"");
		expect_err(json, want);
	}
}

static void
test_config_parse_lcores_accepts_lists_and_ranges(void **state)
{
	static const struct {
		const char *s;
		uint32_t n;
		uint32_t l[4];
	} ok[] = {
		{ "1", 1, { 1 } },
		{ "1,3", 2, { 1, 3 } },
		{ "2-4", 3, { 2, 3, 4 } },
		{ "1,3-4", 3, { 1, 3, 4 } },
		{ "0", 1, { 0 } },
		{ "5-5", 1, { 5 } },
		{ "7,1", 2, { 7, 1 } },
		{ "1023", 1, { 1023 } },
	};
	char err[CONFIG_ERR_LEN];
	struct config c;

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		config_defaults(&c);
		err[0] = '\0';
		if (config_parse_lcores(&c, ok[i].s, err) != 0)
			fail_msg("'%s': %s", ok[i].s, err);
		assert_int_equal(c.nb_lcores, ok[i].n);
		for (uint32_t j = 0; j < ok[i].n; j++)
			assert_int_equal(c.lcores[j], ok[i].l[j]);
	}
	config_defaults(&c);
	assert_int_equal(config_parse_lcores(&c, "0-63", err), 0);
	assert_int_equal(c.nb_lcores, CONFIG_MAX_LCORES);
	assert_int_equal(c.lcores[63], 63);
}

static void
test_config_parse_lcores_rejects_bad_forms_naming_the_input(void **state)
{
	static const char *const bad[] = {
		"", "a", "3-1", "1,,2", "1,1", "-1", "1024", "1-", "1-a",
		",1", "1;2", "1 2", "2-3,3", "1000-1024", "1.5",
	};
	char err[CONFIG_ERR_LEN], want[CONFIG_ERR_LEN];
	struct config c;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		config_defaults(&c);
		err[0] = '\0';
		if (config_parse_lcores(&c, bad[i], err) != -EINVAL)
			fail_msg("'%s' accepted as %u lcores", bad[i],
				 c.nb_lcores);
		snprintf(want, sizeof(want), "lcores: '%s' is not a list like "
			 "1 or 1,2 or 1-3 without repeats", bad[i]);
		assert_string_equal(err, want);
	}
	config_defaults(&c);
	assert_int_equal(config_parse_lcores(&c, "0-64", err), -EINVAL);
	assert_string_equal(err, "lcores: more than 64");
}

static void
test_config_parse_cidr_with_and_without_prefix(void **state)
{
	static const struct {
		const char *s;
		const char *mask;
	} ok[] = {
		{ "10.1.2.3/16", "255.255.0.0" },
		{ "10.1.2.3/24", "255.255.255.0" },
		{ "10.1.2.3/32", "255.255.255.255" },
		{ "10.1.2.3/1", "128.0.0.0" },
		{ "10.1.2.3/31", "255.255.255.254" },
		{ "10.1.2.3/9", "255.128.0.0" },
	};
	char err[CONFIG_ERR_LEN] = "";
	struct config c;

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		config_defaults(&c);
		if (config_parse_cidr(&c, ok[i].s, err) != 0)
			fail_msg("'%s': %s", ok[i].s, err);
		assert_int_equal(c.ip, ip4("10.1.2.3"));
		assert_int_equal(c.netmask, ip4(ok[i].mask));
	}
	config_defaults(&c);
	c.netmask = ip4("255.255.240.0");
	assert_int_equal(config_parse_cidr(&c, "192.0.2.77", err), 0);
	assert_int_equal(c.ip, ip4("192.0.2.77"));
	assert_int_equal(c.netmask, ip4("255.255.240.0"));
}

static void
test_config_parse_cidr_rejects_zero_and_over_32_prefixes(void **state)
{
	static const char *const bad[] = {
		"10.1.2.3/0", "10.1.2.3/33", "10.1.2.3/64", "10.1.2.3/",
		"10.1.2.3/x", "10.1.2.256", "10.1.2", "", "::1",
		"10.1.2.3/99999999999999999999",
	};
	char err[CONFIG_ERR_LEN], want[CONFIG_ERR_LEN];
	struct config c;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		config_defaults(&c);
		err[0] = '\0';
		if (config_parse_cidr(&c, bad[i], err) != -EINVAL)
			fail_msg("'%s' accepted", bad[i]);
		snprintf(want, sizeof(want), "'%s' is not an IPv4 address with "
			 "optional /prefix", bad[i]);
		assert_string_equal(err, want);
	}
}

static void
test_config_parse_ipv4_accepts_dotted_quads_only(void **state)
{
	uint32_t a = 0;

	(void)state;
	assert_int_equal(config_parse_ipv4("192.0.2.1", &a), 0);
	assert_int_equal(a, htonl(0xc0000201u));
	assert_int_equal(config_parse_ipv4("255.255.255.255", &a), 0);
	assert_int_equal(a, 0xffffffffu);
	assert_int_equal(config_parse_ipv4("192.0.2", &a), -EINVAL);
	assert_int_equal(config_parse_ipv4("192.0.2.1.", &a), -EINVAL);
	assert_int_equal(config_parse_ipv4("192.0.2.1/24", &a), -EINVAL);
	assert_int_equal(config_parse_ipv4("", &a), -EINVAL);
}

static void
test_config_load_file_missing_gives_enoent_naming_the_path(void **state)
{
	const char *path = "/nonexistent-linerate-dir/no-such-config.json";
	char err[CONFIG_ERR_LEN] = "";
	struct config c;

	(void)state;
	config_defaults(&c);
	assert_int_equal(config_load_file(&c, path, err), -ENOENT);
	assert_non_null(strstr(err, path));
}

/* Write text to a fresh temp file; returns its path (caller unlinks). */
static char *
temp_file(const char *text, size_t len)
{
	static char path[64];
	int fd;

	snprintf(path, sizeof(path), "/tmp/lr-test-config-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	close(fd);
	return path;
}

static void
test_config_load_file_reads_valid_json_from_a_temp_file(void **state)
{
	const char *json = "{\n\t\"http\": {\"ports\": [80]},\n"
			   "\t\"tcp\": {\"syncookies\": \"on\"}\n}\n";
	char *path = temp_file(json, strlen(json));
	char err[CONFIG_ERR_LEN] = "";
	struct config c, def;
	int rc;

	(void)state;
	config_defaults(&c);
	rc = config_load_file(&c, path, err);
	unlink(path);
	if (rc != 0)
		fail_msg("rc %d: %s", rc, err);
	assert_int_equal(c.nb_http_ports, 1);
	assert_int_equal(c.http_ports[0], 80);
	assert_int_equal(c.tcp_syncookies, CONFIG_ON);
	config_defaults(&def);
	c.http_ports[0] = def.http_ports[0];
	c.tcp_syncookies = def.tcp_syncookies;
	assert_config_equal(&c, &def);
}

static void
test_config_load_file_rejects_bad_empty_and_oversized_files(void **state)
{
	const char *bad = "{\"port\": {\"drvier\": \"pci\"}}";
	char err[CONFIG_ERR_LEN] = "";
	struct config c;
	size_t big = (1u << 20) + 1;
	char *text, *path;
	int rc;

	(void)state;
	path = temp_file(bad, strlen(bad));
	config_defaults(&c);
	rc = config_load_file(&c, path, err);
	unlink(path);
	assert_int_equal(rc, -EINVAL);
	assert_string_equal(err, "$.port.drvier: unknown key");

	path = temp_file("", 0);
	config_defaults(&c);
	rc = config_load_file(&c, path, err);
	unlink(path);
	assert_int_equal(rc, -EINVAL);

	text = malloc(big);
	assert_non_null(text);
	memset(text, ' ', big);
	text[0] = '{';
	text[big - 1] = '}';
	path = temp_file(text, big);
	free(text);
	config_defaults(&c);
	rc = config_load_file(&c, path, err);
	unlink(path);
	assert_int_equal(rc, -EINVAL);
	assert_non_null(strstr(err, path));

	config_defaults(&c);
	assert_true(config_load_file(&c, "/tmp", err) < 0);
}

/* A broken shipped config must fail the build's tests, not a deployment.
 * Also applies the one rule linerate.c adds (main lcore not a data lcore). */
static void
test_config_every_shipped_dpdk_config_loads(void **state)
{
	const char *root = repo_root();
	char pattern[PATH_MAX + 32], err[CONFIG_ERR_LEN];
	glob_t g;
	struct config c;

	(void)state;
	if (!root)
		fail_msg("dpdk-config/ not found from the current directory or "
			 "above the test binary");
	snprintf(pattern, sizeof(pattern), "%s/dpdk-config/*.json", root);
	assert_int_equal(glob(pattern, 0, NULL, &g), 0);
	assert_true(g.gl_pathc >= 1);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		int rc;

		config_defaults(&c);
		err[0] = '\0';
		rc = config_load_file(&c, g.gl_pathv[i], err);
		if (rc != 0)
			fail_msg("%s: rc %d: %s", g.gl_pathv[i], rc, err);
		for (uint32_t j = 0; j < c.nb_lcores; j++)
			if (c.lcores[j] == c.main_lcore)
				fail_msg("%s: main_lcore %u is also a data-plane "
					 "lcore", g.gl_pathv[i], c.main_lcore);
	}
	globfree(&g);
}

static void
test_config_xdp_program_and_own_ip(void **state)
{
	struct config c;

	(void)state;
	config_defaults(&c);
	assert_string_equal(c.xdp_program, "");
	assert_int_equal(c.xdp_own_ip, CONFIG_AUTO);
	parse_ok(&c, "{\"xdp\": {\"program\": \"/opt/steer.bpf.o\", "
		     "\"own_ip\": \"off\"}}");
	assert_string_equal(c.xdp_program, "/opt/steer.bpf.o");
	assert_int_equal(c.xdp_own_ip, CONFIG_OFF);
	expect_err("{\"xdp\": {\"program\": \"/a,b.o\"}}",
		   "$.xdp.program: must not contain ',' (it becomes a DPDK "
		   "devarg)");
	expect_err("{\"xdp\": {\"mode\": \"skb\"}}",
		   "$.xdp.mode: unknown key");
}

/* mrc.max_user_len: never above what the event parser can return, and a
 * userId that long must fit in an event body within http.max_body. */
static void
test_config_mrc_max_user_len_bounded_by_parser_and_max_body(void **state)
{
	struct config c;

	(void)state;
	expect_err("{\"mrc\":{\"max_user_len\":2000}}",
		   "$.mrc.max_user_len: 2000 is out of range 1..1024");
	expect_err("{\"mrc\":{\"max_user_len\":1025}}",
		   "$.mrc.max_user_len: 1025 is out of range 1..1024");
	expect_err("{\"mrc\":{\"max_user_len\":1024},"
		   "\"http\":{\"max_body\":1046}}",
		   "$.mrc.max_user_len: an event with a userId this long does "
		   "not fit in http.max_body");
	expect_err_prefix("{\"http\":{\"max_body\":0}}", "$.mrc.max_user_len: ");
	parse_ok(&c, "{\"mrc\":{\"max_user_len\":1024},"
		     "\"http\":{\"max_body\":1047}}");
	assert_int_equal(c.mrc_max_user_len, CONFIG_MRC_USER_MAX);
	assert_int_equal(CONFIG_MRC_USER_MAX, 1024);
}

static void
test_config_ip6_address_gateway_and_families(void **state)
{
	static const uint8_t want[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 5 };
	static const uint8_t gw[16] = { 0xfe, 0x80, [15] = 1 };
	struct config c, back;
	char err[CONFIG_ERR_LEN] = "";
	char *s;

	(void)state;
	config_defaults(&c);
	assert_int_equal(c.ip6_prefix, 64); /* veth.json's fd00:88::2/64 */
	parse_ok(&c, "{\"ip6\": {\"address\": \"2001:db8::5/56\","
		     " \"gateway\": \"fe80::1\"}}");
	assert_memory_equal(c.ip6, want, 16);
	assert_int_equal(c.ip6_prefix, 56);
	assert_memory_equal(c.ip6_gateway, gw, 16);
	parse_ok(&c, "{\"ip6\": {\"address\": \"2001:db8::5\"}}");
	assert_int_equal(c.ip6_prefix, 64);
	/* Either family alone; both round trip through config_to_json. */
	parse_ok(&c, "{\"ip6\": {\"address\": \"none\"}}");
	assert_int_equal(c.ip6_prefix, 0);
	parse_ok(&c, "{\"ip\": {\"address\": \"none\"}}");
	assert_true(c.ip4_off);
	assert_int_equal(c.ip, 0);
	s = config_to_json(&c);
	memset(&back, 0, sizeof(back));
	if (config_parse(&back, s, strlen(s), err) != 0)
		fail_msg("%s\n  %s", s, err);
	free(s);
	assert_config_equal(&back, &c);
	expect_err("{\"ip\": {\"address\": \"none\"},"
		   " \"ip6\": {\"address\": \"none\"}}",
		   "$.ip.address: \"none\" needs ip6.address: configure at "
		   "least one family");
	expect_err("{\"ip6\": {\"address\": \"fd00::1/129\"}}",
		   "$.ip6.address: 'fd00::1/129' is not an IPv6 address with "
		   "optional /prefix, or \"none\"");
	expect_err("{\"ip6\": {\"address\": \"10.88.0.2\"}}",
		   "$.ip6.address: '10.88.0.2' is not an IPv6 address with "
		   "optional /prefix, or \"none\"");
	expect_err("{\"ip6\": {\"address\": \"ff02::1\"}}",
		   "$.ip6.address: 'ff02::1' is a multicast address");
	expect_err("{\"ip6\": {\"address\": \"::\"}}",
		   "$.ip6.address: '::' is the unspecified or loopback address");
	expect_err_prefix("{\"ip6\": {\"address\": \"fe80::2\"}}",
			  "$.ip6.address: 'fe80::2' is link-local");
	expect_err("{\"ip6\": {\"address\": \"::ffff:10.0.0.1\"}}",
		   "$.ip6.address: '::ffff:10.0.0.1' is an IPv4-mapped address");
	expect_err("{\"ip6\": {\"address\": 5}}",
		   "$.ip6.address: expected \"addr/len\" or \"none\"");
	expect_err("{\"ip6\": {\"gateway\": \"fd00:99::1\"}}",
		   "$.ip6.gateway: not link-local and outside ip6.address's "
		   "prefix");
	expect_err("{\"ip6\": {\"gateway\": \"ff02::2\"}}",
		   "$.ip6.gateway: must be a unicast neighbour, not multicast or "
		   "our own address");
	expect_err("{\"ip6\": {\"gateway\": \"fd00:88::x\"}}",
		   "$.ip6.gateway: expected an IPv6 address (\"::\" for none)");
	expect_err("{\"ip6\": {\"address\": \"none\", \"gateway\": \"fe80::1\"}}",
		   "$.ip6.gateway: set without ip6.address");
	parse_ok(&c, "{\"ip6\": {\"gateway\": \"fd00:88::1\"}}");
}

/* The cluster section: off (and not printed) without redis; the password
 * is never printed back; ack and node_id are checked. */
static void
test_config_cluster_section_parsed_checked_password_hidden(void **state)
{
	struct config c;
	char *s;

	(void)state;
	config_defaults(&c);
	s = config_to_json(&c);
	assert_null(strstr(s, "\"cluster\""));
	free(s);
	parse_ok(&c, "{\"cluster\": {\"redis\": \"10.0.0.5:6379\", "
		     "\"node_id\": \"n-1\", \"password\": \"s3cret\", "
		     "\"ack\": \"durable\", \"flush_ms\": 5}}");
	assert_string_equal(c.cluster_redis, "10.0.0.5:6379");
	assert_string_equal(c.cluster_node_id, "n-1");
	assert_string_equal(c.cluster_password, "s3cret");
	assert_string_equal(c.cluster_ack, "durable");
	assert_int_equal(c.cluster_flush_ms, 5);
	s = config_to_json(&c);
	assert_non_null(strstr(s, "\"cluster\""));
	assert_non_null(strstr(s, "\"password\":\"(set)\""));
	assert_null(strstr(s, "s3cret"));
	free(s);
	check_err("{\"cluster\": {\"ack\": \"maybe\"}}",
		  "$.cluster.ack: must be \"fast\" or \"durable\"", false);
	check_err("{\"cluster\": {\"node_id\": \"a b\"}}", "$.cluster.node_id:",
		  true);
	check_err("{\"cluster\": {\"flush_ms\": 100, \"live_ttl_ms\": 200}}",
		  "$.cluster.live_ttl_ms:", true);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test(fn)
		T(test_config_embedded_default_parses_to_config_defaults),
		T(test_config_cluster_section_parsed_checked_password_hidden),
		T(test_config_embedded_default_on_top_of_defaults_changes_nothing),
		T(test_config_veth_json_on_disk_equals_embedded_default),
		T(test_config_to_json_of_defaults_round_trips),
		T(test_config_to_json_of_non_default_config_round_trips),
		T(test_config_partial_json_overrides_only_the_keys_it_names),
		T(test_config_every_veth_json_key_is_known_and_read),
		T(test_config_every_key_config_to_json_writes_is_known_and_read),
		T(test_config_unknown_key_at_top_level_names_its_path),
		T(test_config_unknown_nested_key_names_its_path),
		T(test_config_out_of_range_values_name_path_and_range),
		T(test_config_range_bounds_themselves_are_accepted),
		T(test_config_wrong_types_are_rejected_with_path),
		T(test_config_overlong_strings_and_arrays_are_rejected),
		T(test_config_bad_ipv4_and_cidr_are_rejected_with_path),
		T(test_config_address_without_prefix_keeps_default_netmask),
		T(test_config_duplicate_keys_are_rejected),
		T(test_config_syntax_error_reports_line_and_column),
		T(test_config_duplicate_lcores_and_ports_are_rejected),
		T(test_config_rto_min_greater_than_rto_max_is_rejected),
		T(test_config_cross_key_rules_are_checked),
		T(test_config_mbuf_cache_above_quarter_of_mbufs_is_rejected),
		T(test_config_driver_accepts_each_name_and_rejects_others),
		T(test_config_socket_drivers_require_an_iface),
		T(test_config_memif_driver_needs_an_absolute_socket_and_a_role),
		T(test_config_tristate_accepts_auto_on_off_and_booleans),
		T(test_config_parse_lcores_accepts_lists_and_ranges),
		T(test_config_parse_lcores_rejects_bad_forms_naming_the_input),
		T(test_config_parse_cidr_with_and_without_prefix),
		T(test_config_parse_cidr_rejects_zero_and_over_32_prefixes),
		T(test_config_parse_ipv4_accepts_dotted_quads_only),
		T(test_config_load_file_missing_gives_enoent_naming_the_path),
		T(test_config_load_file_reads_valid_json_from_a_temp_file),
		T(test_config_load_file_rejects_bad_empty_and_oversized_files),
		T(test_config_every_shipped_dpdk_config_loads),
		T(test_config_xdp_program_and_own_ip),
		T(test_config_mrc_max_user_len_bounded_by_parser_and_max_body),
		T(test_config_ip6_address_gateway_and_families),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

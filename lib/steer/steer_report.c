/* SPDX-License-Identifier: BSD-3-Clause */
/* steer_report.c: the steering counters as report rows and the `xdp` command. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "core/report.h"
#include "steer/steer_priv.h"

static const char *const steer_counter_names[STEER_CNT__COUNT] = {
	[STEER_CNT_STEERED_TCP] = "steered_tcp",
	[STEER_CNT_STEERED_ARP] = "steered_arp",
	[STEER_CNT_STEERED_ICMP] = "steered_icmp",
	[STEER_CNT_PASSED_OTHER] = "passed_other",
	[STEER_CNT_PASSED_NON_IPV4] = "passed_non_ipv4",
	[STEER_CNT_PASSED_SHORT] = "passed_short",
	[STEER_CNT_PASSED_DISABLED] = "passed_disabled",
	[STEER_CNT_DROP_BAD_HEADER] = "dropped_bad_header",
	[STEER_CNT_DROP_TRUNCATED] = "dropped_truncated",
	[STEER_CNT_DROP_FRAGMENT] = "dropped_fragment",
	[STEER_CNT_DROP_TCP_FLAGS] = "dropped_tcp_flags",
	[STEER_CNT_DROP_NO_XSK] = "dropped_no_xsk",
	[STEER_CNT_STEERED_ND] = "steered_nd",
	[STEER_CNT_STEERED_IP6] = "steered_ip6",
};

const char *
steer_counter_name(unsigned int c)
{
	return c < STEER_CNT__COUNT ? steer_counter_names[c] : NULL;
}

const char *
steer_mode_name(enum steer_mode m)
{
	switch (m) {
	case STEER_MODE_NATIVE:
		return "native";
	case STEER_MODE_SKB:
		return "skb";
	case STEER_MODE_HW:
		return "hw";
	case STEER_MODE_NONE:
		break;
	}
	return "none";
}

static json_t *
steer_u64(uint64_t v)
{
	return json_integer(v > INT64_MAX ? INT64_MAX : (json_int_t)v);
}

json_t *
steer_ctl_xdp(void *arg, json_t *args, char *err, size_t errlen)
{
	struct steer *s = arg;
	struct steer_counters c;
	struct steer_info in;
	char ip[INET_ADDRSTRLEN];
	json_t *o, *ports, *cnt;
	struct report_json rj;
	int rc;

	if (!s)
		return json_pack("{s:s, s:s}", "mode", "none", "why",
				 "the port is not on the XDP path");
	rc = steer_read_counters(s, &c);
	if (rc < 0) {
		snprintf(err, errlen, "reading the XDP counters: %s",
			 strerror(-rc));
		return NULL;
	}
	steer_info(s, &in);
	inet_ntop(AF_INET, &s->ip, ip, sizeof(ip));
	ports = json_array();
	for (uint32_t i = 0; i < s->nb_ports; i++)
		json_array_append_new(ports, json_integer(s->ports[i]));
	cnt = json_object();
	report_json_init(&rj, cnt);
	steer_report_counters(&c, "", &rj.sink);
	o = json_object();
	json_object_set_new(o, "iface", json_string(in.iface));
	json_object_set_new(o, "ifindex", json_integer(in.ifindex));
	json_object_set_new(o, "prog_id", json_integer(in.prog_id));
	json_object_set_new(o, "mode", json_string(steer_mode_name(in.mode)));
	json_object_set_new(o, "configured", json_boolean(in.configured));
	json_object_set_new(o, "own_ip", json_boolean(s->own_ip));
	json_object_set_new(o, "ip", json_string(ip));
	json_object_set_new(o, "ports", ports);
	json_object_set_new(o, "object", json_string(in.object));
	json_object_set_new(o, "steered", steer_u64(c.steered));
	json_object_set_new(o, "passed", steer_u64(c.passed));
	json_object_set_new(o, "dropped_malformed",
			    steer_u64(c.dropped_malformed));
	json_object_set_new(o, "dropped_no_xsk", steer_u64(c.dropped_no_xsk));
	json_object_set_new(o, "counters", cnt);
	return o;
}

void
steer_report_counters(const struct steer_counters *c, const char *iface,
		      struct report_sink *out)
{
	struct report_row r = {
		.name = "xdp_frames", .type = REPORT_COUNTER,
		.help = "Frames the XDP steering program saw, by verdict and "
			"reason.",
		.fmt = REPORT_U64,
	};
	char labels[160];

	r.labels = labels;
	for (unsigned int i = 0; i < STEER_CNT__COUNT; i++) {
		const char *name = steer_counter_name(i);
		const char *us = strchr(name, '_');

		/* "steered_tcp" -> verdict="steered",reason="tcp" */
		snprintf(labels, sizeof(labels),
			 "iface=\"%s\",verdict=\"%.*s\",reason=\"%s\"", iface,
			 (int)(us - name), name, us + 1);
		r.key = name;
		r.u = c->v[i];
		report_put(out, &r);
	}
}

void
steer_report(void *arg, struct report_sink *out)
{
	const struct steer *s = arg;
	struct steer_counters c;
	char iface[64];

	if (!s)
		return;
	/* The main lcore refreshes the snapshot; no syscall here. */
	steer_counters_snapshot(s, &c);
	report_escape(s->iface, iface, sizeof(iface));
	steer_report_counters(&c, iface, out);
}

int
steer_metrics_text(const struct steer_counters *c, const char *iface,
		   char *buf, size_t len)
{
	struct report_prom p;

	report_prom_init(&p, buf, len);
	steer_report_counters(c, iface, &p.sink);
	return report_prom_end(&p);
}

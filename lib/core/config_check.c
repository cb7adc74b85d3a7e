/* SPDX-License-Identifier: BSD-3-Clause */
/* config_check.c: the rules across keys, checked once the file is read. */
#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/config.h"
#include "core/config_priv.h"

/* Bytes of {"userId":"","value":0}: an event body around its userId. */
#define CONFIG_MRC_EVENT_MIN 23

/* The IPv6 rules: at least one family, a gateway we can reach, an MTU
 * IPv6 allows. */
static int
config_check_ip6(const struct config *c, char *err)
{
	static const uint8_t zero[16];
	const uint8_t *g = c->ip6_gateway;
	bool gw = memcmp(g, zero, sizeof(zero)) != 0;
	uint32_t bits;

	if (c->ip4_off && c->ip6_prefix == 0)
		return config_fail(err, "$.ip.address",
				   "\"none\" needs ip6.address: configure at "
				   "least one family%s", "");
	if (c->ip6_prefix == 0) {
		if (gw)
			return config_fail(err, "$.ip6.gateway",
					   "set without ip6.address%s", "");
		return 0;
	}
	if (!gw)
		return 0;
	if (g[0] == 0xff || memcmp(g, c->ip6, sizeof(zero)) == 0)
		return config_fail(err, "$.ip6.gateway",
				   "must be a unicast neighbour, not multicast or "
				   "our own address%s", "");
	if (g[0] == 0xfe && (g[1] & 0xc0) == 0x80)
		return 0;
	/* Global or ULA gateway: it must be on our prefix to be a neighbour. */
	for (bits = 0; bits < c->ip6_prefix; bits++) {
		uint8_t m = (uint8_t)(0x80 >> (bits & 7));

		if ((g[bits / 8] ^ c->ip6[bits / 8]) & m)
			return config_fail(err, "$.ip6.gateway",
					   "not link-local and outside "
					   "ip6.address's prefix%s", "");
	}
	return 0;
}

/* Rules across keys, checked once everything is read. */
int
config_check(const struct config *c, char *err)
{
	for (uint32_t i = 0; i < c->nb_lcores; i++)
		for (uint32_t j = i + 1; j < c->nb_lcores; j++)
			if (c->lcores[i] == c->lcores[j])
				return config_fail(err, "$.lcores",
						   "an lcore is listed twice%s", "");
	for (uint32_t i = 0; i < c->nb_http_ports; i++)
		for (uint32_t j = i + 1; j < c->nb_http_ports; j++)
			if (c->http_ports[i] == c->http_ports[j])
				return config_fail(err, "$.http.ports",
						   "a port is listed twice%s", "");
	if (c->tcp_rto_min_ms > c->tcp_rto_max_ms)
		return config_fail(err, "$.tcp.rto_min_ms",
				   "greater than rto_max_ms%s", "");
	if (c->tcp_rto_init_ms < c->tcp_rto_min_ms ||
	    c->tcp_rto_init_ms > c->tcp_rto_max_ms)
		return config_fail(err, "$.tcp.rto_init_ms",
				   "must lie within rto_min_ms..rto_max_ms%s", "");
	if (c->tcp_min_snd_mss > c->tcp_mss)
		return config_fail(err, "$.tcp.min_snd_mss",
				   "greater than tcp.mss%s", "");
	if (c->tcp_ephemeral_min > c->tcp_ephemeral_max)
		return config_fail(err, "$.tcp.ephemeral_min",
				   "greater than ephemeral_max%s", "");
	if (c->tcp_ephemeral_max - c->tcp_ephemeral_min + 1 < c->nb_lcores)
		return config_fail(err, "$.tcp.ephemeral_max",
				   "fewer ephemeral ports than lcores%s", "");
	if (c->tcp_mss + 40 > c->mtu)
		return config_fail(err, "$.tcp.mss",
				   "mss + 40 (IPv4 + TCP headers) exceeds ip.mtu%s",
				   "");

	if ((c->driver == CONFIG_DRIVER_AF_PACKET ||
	     c->driver == CONFIG_DRIVER_AF_XDP) && c->iface[0] == '\0')
		return config_fail(err, "$.port.iface",
				   "required for the af_packet and af_xdp drivers%s",
				   "");
	if (c->driver == CONFIG_DRIVER_MEMIF && c->memif_socket[0] != '/')
		return config_fail(err, "$.port.memif_socket",
				   "an absolute path is required for the memif "
				   "driver%s", "");
	if (strchr(c->memif_socket, ','))
		return config_fail(err, "$.port.memif_socket",
				   "must not contain ',' (it becomes a DPDK "
				   "devarg)%s", "");
	if ((c->driver == CONFIG_DRIVER_MEMIF || c->memif_role[0]) &&
	    strcmp(c->memif_role, "server") != 0 &&
	    strcmp(c->memif_role, "client") != 0)
		return config_fail(err, "$.port.memif_role",
				   "must be \"server\" or \"client\"%s", "");
	if (c->ip == 0 && !c->ip4_off)
		return config_fail(err, "$.ip.address", "must be set%s", "");
	if (config_check_ip6(c, err))
		return -EINVAL;
	if (c->nvips && c->ip4_off)
		return config_fail(err, "$.ip.vips",
				   "needs IPv4 (ip.address is \"none\")%s", "");
	for (uint32_t i = 0; i < c->nvips; i++)
		if (c->vips[i].addr == c->ip)
			return config_fail(err, "$.ip.vips",
					   "lists ip.address itself%s", "");
	if (strchr(c->xdp_program, ','))
		return config_fail(err, "$.xdp.program",
				   "must not contain ',' (it becomes a DPDK devarg)%s",
				   "");
	/*
	 * The shortest body that carries a userId of max_user_len bytes,
	 * {"userId":"...","value":0}, must fit in http.max_body, or the limit
	 * could never be reached (and the arena would be sized for nothing).
	 */
	if ((uint64_t)c->mrc_max_user_len + CONFIG_MRC_EVENT_MIN > c->http_max_body)
		return config_fail(err, "$.mrc.max_user_len",
				   "an event with a userId this long does not fit in "
				   "http.max_body%s", "");
	if (c->cluster_ack[0] && strcmp(c->cluster_ack, "fast") != 0 &&
	    strcmp(c->cluster_ack, "durable") != 0)
		return config_fail(err, "$.cluster.ack",
				   "must be \"fast\" or \"durable\"%s", "");
	for (const char *p = c->cluster_node_id; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' ||
		      *p == '.'))
			return config_fail(err, "$.cluster.node_id",
					   "only letters, digits, '-', '_' and "
					   "'.'%s", "");
	if (c->cluster_live_ttl_ms &&
	    c->cluster_live_ttl_ms < 4 * (c->cluster_flush_ms ?: 10))
		return config_fail(err, "$.cluster.live_ttl_ms",
				   "must be at least 4 x flush_ms%s", "");
	if (c->mbuf_cache > c->mbufs / 4)
		return config_fail(err, "$.mempool.cache",
				   "must be at most a quarter of mbufs%s", "");
	if (c->mem_rx_reserve > c->mbufs / 2)
		return config_fail(err, "$.mem.rx_reserve",
				   "must be at most half of mempool.mbufs (each "
				   "RX queue has its own pool)%s", "");
	if (c->mem_sndq_bytes && c->mem_sndq_bytes < 65536)
		return config_fail(err, "$.mem.sndq_bytes",
				   "must be 0 (auto) or at least 65536%s", "");
	if (c->mem_ooo_bytes && c->mem_ooo_bytes < 16384)
		return config_fail(err, "$.mem.ooo_bytes",
				   "must be 0 (auto) or at least 16384%s", "");
	return 0;
}

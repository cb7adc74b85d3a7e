/* SPDX-License-Identifier: BSD-3-Clause */
/* xdp.c: the XDP path's steering program around the port's life. */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>

#include "app.h"
#include "core/log.h"
#include "core/port.h"
#include "steer/steer.h"

/*
 * Before the port exists: load the steering program (a verifier check),
 * remove a stale one a killed run left on the interface, and get the
 * object path net_af_xdp will load. "auto" takes this path when no PCI
 * port is bound to DPDK, and says so.
 */
_Static_assert(CONFIG_MAX_VIPS <= STEER_MAX_VIPS, "ip.vips fit the XDP map");

int
app_xdp_load(struct app *a)
{
	uint32_t vips[STEER_MAX_VIPS], vip_arp = 0;
	struct steer_params p = {
		.iface = a->cfg.iface,
		.ip = a->cfg.ip,
		.ip6 = a->cfg.ip6_prefix ? a->cfg.ip6 : NULL,
		.ports = a->cfg.http_ports,
		.nb_ports = a->cfg.nb_http_ports,
		.object = a->cfg.xdp_program[0] ? a->cfg.xdp_program : NULL,
		.own_ip = a->cfg.xdp_own_ip == CONFIG_AUTO ? -1 :
			  a->cfg.xdp_own_ip == CONFIG_ON,
	};
	char msg[STEER_ERR_LEN];

	/* ip.vips: TCP steered too, ARP where linerate answers it. */
	for (uint32_t i = 0; i < a->cfg.nvips; i++) {
		vips[i] = a->cfg.vips[i].addr;
		vip_arp |= a->cfg.vips[i].arp ? 1u << i : 0;
	}
	p.vips = vips;
	p.nb_vips = a->cfg.nvips;
	p.vip_arp = vip_arp;
	if (a->cfg.driver == CONFIG_DRIVER_AUTO) {
		if (port_pci_present(&a->cfg)) {
			LOG(INFO, "port: auto: using the PCI port bound to DPDK");
			return 0;
		}
		LOG(INFO, "port: auto: no PCI port bound to DPDK; using the XDP "
		    "path on %s (net_af_xdp + bpf/steer.bpf.c)", a->cfg.iface);
	} else if (a->cfg.driver != CONFIG_DRIVER_AF_XDP) {
		return 0;
	}
	a->xdp = steer_load(&p, msg, sizeof(msg));
	if (!a->xdp) {
		LOG(ERR, "xdp: %s", msg);
		return -errno;
	}
	if (msg[0])
		LOG(NOTICE, "xdp: %s", msg);
	return 0;
}

/* After port_start: the PMD attached the program; configure it. */
int
app_xdp_attach(struct app *a)
{
	char err[STEER_ERR_LEN], ip[INET_ADDRSTRLEN];
	struct steer_info in;
	int rc;

	if (!a->xdp)
		return 0;
	rc = steer_attach(a->xdp, err, sizeof(err));
	if (rc < 0) {
		LOG(ERR, "xdp: %s", err);
		return rc;
	}
	steer_info(a->xdp, &in);
	inet_ntop(AF_INET, &in.cfg.ip, ip, sizeof(ip));
	LOG(INFO, "xdp: steering %s, tcp port %u%s to linerate on %s "
	    "(program id %u, %s mode); the rest goes to the kernel", ip,
	    a->cfg.http_ports[0], in.cfg.flags & STEER_F_OWN_IP ?
	    ", ARP and ICMP" : "", in.iface, in.prog_id,
	    steer_mode_name(in.mode));
	if (in.cfg.flags & STEER_F_IP6) {
		char ip6[INET6_ADDRSTRLEN];

		inet_ntop(AF_INET6, in.cfg.ip6, ip6, sizeof(ip6));
		LOG(INFO, "xdp: steering %s, tcp port %u%s to linerate", ip6,
		    a->cfg.http_ports[0], in.cfg.flags & STEER_F_OWN_IP6 ?
		    ", ICMPv6 and its neighbour solicitations" : "");
	}
	if (a->cfg.nvips)
		LOG(INFO, "xdp: steering TCP to %u ip.vips address(es) too",
		    a->cfg.nvips);
	return 0;
}

/* After port_close (net_af_xdp detached the program on close). */
void
app_xdp_stop(struct app *a)
{
	struct steer_counters c;
	char err[STEER_ERR_LEN];
	struct steer_info in;

	if (!a->xdp)
		return;
	steer_info(a->xdp, &in);
	if (in.configured && steer_read_counters(a->xdp, &c) == 0)
		LOG(INFO, "xdp: steered %" PRIu64 ", passed %" PRIu64
		    ", dropped %" PRIu64 " malformed and %" PRIu64
		    " without a socket", c.steered, c.passed,
		    c.dropped_malformed, c.dropped_no_xsk);
	if (steer_detach(a->xdp, err, sizeof(err)) < 0)
		LOG(ERR, "xdp: %s", err);
	steer_free(a->xdp);
	a->xdp = NULL;
}

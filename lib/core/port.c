/* SPDX-License-Identifier: BSD-3-Clause */
/* port.c: ethdev setup: vdev creation, mempool per socket, queues, RSS. */
#include <errno.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <rte_bus.h>
#include <rte_bus_vdev.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "core/config.h"
#include "core/log.h"
#include "core/port.h"
#include "core/port_memif.h"

#define PORT_VDEV_NAME_PACKET "net_af_packet_lr"
#define PORT_VDEV_NAME_XDP "net_af_xdp_lr"
#define PORT_VDEV_NAME_MEMIF "net_memif_lr"

/*
 * Symmetric Toeplitz key (0x6d5a repeated): a flow hashes to the same
 * queue in both directions, so one lcore owns each connection.
 */
static uint8_t port_rss_key[40] = {
	0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a,
	0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a,
	0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a,
	0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a,
};

static bool
port_on_bus(const struct rte_device *dev, const char *bus)
{
	const struct rte_bus *b = dev ? rte_dev_bus(dev) : NULL;

	return b && strcmp(rte_bus_name(b), bus) == 0;
}

static int
port_vdev(const char *name, const char *args, uint16_t *port_id, char *err)
{
	int rc;

	if (rte_eth_dev_get_port_by_name(name, port_id) == 0)
		return 0;
	rc = rte_vdev_init(name, args);
	if (rc < 0) {
		snprintf(err, PORT_ERR_LEN, "cannot create %s (%s): %s", name,
			 args, strerror(-rc));
		return rc;
	}
	if (rte_eth_dev_get_port_by_name(name, port_id) != 0) {
		snprintf(err, PORT_ERR_LEN, "%s created but has no port", name);
		return -ENODEV;
	}
	return 0;
}

static int
port_find_pci(const struct config *cfg, uint16_t *port_id)
{
	uint16_t p;

	if (cfg->pci[0])
		return rte_eth_dev_get_port_by_name(cfg->pci, port_id) == 0 ?
			0 : -ENODEV;
	RTE_ETH_FOREACH_DEV(p) {
		struct rte_eth_dev_info info;

		if (rte_eth_dev_info_get(p, &info) == 0 && info.device &&
		    port_on_bus(info.device, "pci")) {
			*port_id = p;
			return 0;
		}
	}
	return -ENODEV;
}

bool
port_pci_present(const struct config *cfg)
{
	uint16_t port_id;

	return port_find_pci(cfg, &port_id) == 0;
}

/* net_af_xdp on queues 0..n-1 of cfg->iface, with our XDP program. */
static int
port_af_xdp(const struct config *cfg, uint16_t nb_queues, const char *xdp_prog,
	    uint16_t *port_id, char *err)
{
	char args[512];

	if (!if_nametoindex(cfg->iface)) {
		snprintf(err, PORT_ERR_LEN, "interface %s does not exist",
			 cfg->iface);
		return -ENODEV;
	}
	if ((size_t)snprintf(args, sizeof(args),
			     "iface=%s,start_queue=0,queue_count=%u%s%s",
			     cfg->iface, nb_queues, xdp_prog ? ",xdp_prog=" : "",
			     xdp_prog ? xdp_prog : "") >= sizeof(args)) {
		snprintf(err, PORT_ERR_LEN, "af_xdp devargs too long");
		return -ENAMETOOLONG;
	}
	return port_vdev(PORT_VDEV_NAME_XDP, args, port_id, err);
}

/*
 * net_memif on cfg->memif_socket as cfg->memif_role, the socket's
 * directory created (0755) when missing. The link is down until the peer
 * connects: callers that send first wait for it (linerate-load).
 */
static int
port_memif(const struct config *cfg, uint16_t *port_id, char *err)
{
	char args[256], dir[sizeof(cfg->memif_socket)];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", cfg->memif_socket);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
			snprintf(err, PORT_ERR_LEN, "memif: mkdir %s: %s", dir,
				 strerror(errno));
			return -errno;
		}
	}
	if ((size_t)snprintf(args, sizeof(args),
			     "role=%s,socket=%s,id=0,zero-copy=no",
			     cfg->memif_role, cfg->memif_socket) >= sizeof(args)) {
		snprintf(err, PORT_ERR_LEN, "memif devargs too long");
		return -ENAMETOOLONG;
	}
	return port_vdev(PORT_VDEV_NAME_MEMIF, args, port_id, err);
}

int
port_open(const struct config *cfg, uint16_t nb_queues, const char *xdp_prog,
	  uint16_t *port_id, char err[PORT_ERR_LEN])
{
	char args[256];

	if ((cfg->driver == CONFIG_DRIVER_AF_PACKET ||
	     cfg->driver == CONFIG_DRIVER_AF_XDP) && !if_nametoindex(cfg->iface)) {
		snprintf(err, PORT_ERR_LEN,
			 "interface %s does not exist (deploy/veth.sh up creates lr-a0)",
			 cfg->iface);
		return -ENODEV;
	}
	switch (cfg->driver) {
	case CONFIG_DRIVER_AF_PACKET:
		/* qpairs > 1: the kernel fans flows out by hash (PACKET_FANOUT). */
		snprintf(args, sizeof(args),
			 "iface=%s,qpairs=%u,blocksz=4096,framesz=2048,framecnt=4096,qdisc_bypass=1",
			 cfg->iface, nb_queues);
		return port_vdev(PORT_VDEV_NAME_PACKET, args, port_id, err);
	case CONFIG_DRIVER_AF_XDP:
		return port_af_xdp(cfg, nb_queues, xdp_prog, port_id, err);
	case CONFIG_DRIVER_MEMIF:
		return port_memif(cfg, port_id, err);
	case CONFIG_DRIVER_PCI:
		if (port_find_pci(cfg, port_id) == 0)
			return 0;
		snprintf(err, PORT_ERR_LEN,
			 "no DPDK-bound PCI port%s%s (deploy/bind-nic.sh binds one)",
			 cfg->pci[0] ? " named " : "", cfg->pci);
		return -ENODEV;
	case CONFIG_DRIVER_AUTO:
		if (port_find_pci(cfg, port_id) == 0)
			return 0;
		return port_af_xdp(cfg, nb_queues, xdp_prog, port_id, err);
	case CONFIG_DRIVER_RING:
		/* Tests create the ring port themselves; take the first. */
		if (rte_eth_dev_count_avail() > 0) {
			*port_id = rte_eth_find_next_owned_by(0, RTE_ETH_DEV_NO_OWNER);
			return 0;
		}
		snprintf(err, PORT_ERR_LEN, "driver ring: no port was created");
		return -ENODEV;
	}
	snprintf(err, PORT_ERR_LEN, "unknown driver");
	return -EINVAL;
}

int
port_socket(uint16_t port_id)
{
	int s = rte_eth_dev_socket_id(port_id);

	return s < 0 ? 0 : s;
}

struct rte_mempool *
port_pool_create(const char *name, uint32_t n, uint32_t cache, int socket)
{
	return rte_pktmbuf_pool_create(name, n, cache, 0,
				       RTE_MBUF_DEFAULT_BUF_SIZE, socket);
}

/*
 * ip.mtu on the port (before queue setup, so the PMD sizes its buffers
 * for it). A PMD that cannot set it (af_packet without the right to
 * change the kernel interface, net_ring) keeps its own: warn and go on
 * with the smaller of the two, so the MSS we announce is one the port
 * carries. Returns the MTU the stack uses.
 */
static uint16_t
port_set_mtu(uint16_t port_id, uint32_t want)
{
	uint16_t cur = 0;
	int rc;

	if (rte_eth_dev_get_mtu(port_id, &cur) == 0 && cur == want)
		return (uint16_t)want;
	rc = rte_eth_dev_set_mtu(port_id, (uint16_t)want);
	if (rc == 0)
		return (uint16_t)want;
	if (rte_eth_dev_get_mtu(port_id, &cur) < 0 || cur == 0 || cur >= want) {
		LOG(WARNING, "port %u: cannot set MTU %u (%s); the port keeps "
		    "its own (%u), we send no more than %u", port_id, want,
		    strerror(-rc), cur, want);
		return (uint16_t)want;
	}
	LOG(WARNING, "port %u: cannot set MTU %u (%s); using the port's %u",
	    port_id, want, strerror(-rc), cur);
	return cur;
}

/*
 * IPv6 identity: the configured address, the link-local one from the MAC
 * (modified EUI-64, RFC 4291 App. A), and the solicited-node multicast
 * groups of both (RFC 4861 §7.2.1) on the port: a MAC filter where the
 * driver has one, else all multicast. af_packet and af_xdp see every frame
 * the kernel interface receives, so neither call is needed there.
 */
static void
port_join_ip6(uint16_t port_id, const struct config *cfg, struct netif *ifc)
{
	struct rte_ether_addr mc[2];
	const uint8_t *m = ifc->mac.addr_bytes;
	const uint8_t *a[2] = { cfg->ip6, ifc->ip6_ll };
	static const uint8_t ll[8] = { 0xfe, 0x80 };

	ifc->ip6_prefix = (uint8_t)cfg->ip6_prefix;
	memcpy(ifc->ip6, cfg->ip6, sizeof(ifc->ip6));
	memcpy(ifc->ip6_gateway, cfg->ip6_gateway, sizeof(ifc->ip6_gateway));
	memcpy(ifc->ip6_ll, ll, sizeof(ll));
	ifc->ip6_ll[8] = m[0] ^ 0x02;
	ifc->ip6_ll[9] = m[1];
	ifc->ip6_ll[10] = m[2];
	ifc->ip6_ll[11] = 0xff;
	ifc->ip6_ll[12] = 0xfe;
	ifc->ip6_ll[13] = m[3];
	ifc->ip6_ll[14] = m[4];
	ifc->ip6_ll[15] = m[5];
	for (int i = 0; i < 2; i++)
		mc[i] = (struct rte_ether_addr){ .addr_bytes = {
			0x33, 0x33, 0xff, a[i][13], a[i][14], a[i][15] } };
	if (rte_eth_dev_set_mc_addr_list(port_id, mc, 2) == 0 ||
	    rte_eth_allmulticast_enable(port_id) == 0 ||
	    rte_eth_allmulticast_get(port_id) == 1)
		return;
	LOG(INFO, "port %u: no multicast filter or all-multicast mode; "
	    "solicited-node frames arrive only if the driver passes them",
	    port_id);
}

int
port_start(uint16_t port_id, const struct config *cfg, uint16_t nb_queues,
	   struct rte_mempool *const *pools, struct netif *ifc,
	   char err[PORT_ERR_LEN])
{
	struct rte_eth_conf conf;
	struct rte_eth_dev_info info;
	uint16_t nb_rxd = cfg->rx_desc, nb_txd = cfg->tx_desc, mtu;
	int socket = port_socket(port_id);
	int rc;

	memset(&conf, 0, sizeof(conf));
	rc = rte_eth_dev_info_get(port_id, &info);
	if (rc < 0) {
		snprintf(err, PORT_ERR_LEN, "port %u: no device info: %s",
			 port_id, strerror(-rc));
		return rc;
	}
	if (nb_queues > info.max_rx_queues || nb_queues > info.max_tx_queues) {
		snprintf(err, PORT_ERR_LEN,
			 "port %u (%s) has %u rx / %u tx queues, %u lcores need one each",
			 port_id, info.driver_name, info.max_rx_queues,
			 info.max_tx_queues, nb_queues);
		return -EINVAL;
	}
	if (nb_queues > 1 && info.flow_type_rss_offloads) {
		conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		conf.rx_adv_conf.rss_conf.rss_key = port_rss_key;
		conf.rx_adv_conf.rss_conf.rss_key_len = sizeof(port_rss_key);
		/* Both families, as far as the device hashes them: TCP
		 * over IPv6 spreads like TCP over IPv4 (RFC 8200 flows). */
		conf.rx_adv_conf.rss_conf.rss_hf =
			(RTE_ETH_RSS_NONFRAG_IPV4_TCP | RTE_ETH_RSS_IPV4 |
			 RTE_ETH_RSS_NONFRAG_IPV6_TCP | RTE_ETH_RSS_IPV6) &
			info.flow_type_rss_offloads;
	}
	/* Software checksums unless the port computes them. */
	conf.txmode.offloads = info.tx_offload_capa &
			       (RTE_ETH_TX_OFFLOAD_IPV4_CKSUM |
				RTE_ETH_TX_OFFLOAD_TCP_CKSUM);
	conf.rxmode.offloads = info.rx_offload_capa &
			       (RTE_ETH_RX_OFFLOAD_IPV4_CKSUM |
				RTE_ETH_RX_OFFLOAD_TCP_CKSUM);
	rc = rte_eth_dev_configure(port_id, nb_queues, nb_queues, &conf);
	if (rc < 0) {
		snprintf(err, PORT_ERR_LEN, "port %u: configure: %s", port_id,
			 strerror(-rc));
		return rc;
	}
	mtu = port_set_mtu(port_id, cfg->mtu);
	rte_eth_dev_adjust_nb_rx_tx_desc(port_id, &nb_rxd, &nb_txd);
	for (uint16_t q = 0; q < nb_queues; q++) {
		rc = rte_eth_rx_queue_setup(port_id, q, nb_rxd, socket, NULL,
					    pools[q]);
		if (rc == 0)
			rc = rte_eth_tx_queue_setup(port_id, q, nb_txd, socket,
						    NULL);
		if (rc < 0) {
			snprintf(err, PORT_ERR_LEN, "port %u: queue %u setup: %s",
				 port_id, q, strerror(-rc));
			return rc;
		}
	}
	rc = rte_eth_dev_start(port_id);
	if (rc < 0) {
		snprintf(err, PORT_ERR_LEN, "port %u: start: %s", port_id,
			 strerror(-rc));
		return rc;
	}
	/* A memif peer may come or leave while we poll (port_memif.h). */
	if (cfg->driver == CONFIG_DRIVER_MEMIF) {
		rc = port_memif_gate(port_id);
		if (rc < 0) {
			snprintf(err, PORT_ERR_LEN, "port %u: memif burst "
				 "gate: %s", port_id, strerror(-rc));
			rte_eth_dev_stop(port_id);
			return rc;
		}
		rc = port_memif_guard(port_id, nb_queues);
		if (rc < 0)
			LOG(WARNING, "port %u: memif unmap guard: %s: a peer "
			    "leaving mid-burst can crash us", port_id,
			    strerror(-rc));
	}
	/* Frames for our MAC are all we want; broadcast for ARP. Promiscuous
	 * mode is left as the driver has it (af_packet sees everything). */
	memset(ifc, 0, sizeof(*ifc));
	rte_eth_macaddr_get(port_id, &ifc->mac);
	ifc->ip = cfg->ip;
	ifc->netmask = cfg->netmask;
	ifc->gateway = cfg->gateway;
	ifc->mtu = mtu;
	ifc->port_id = port_id;
	ifc->nb_queues = nb_queues;
	ifc->tx_offloads = conf.txmode.offloads;
	ifc->rx_offloads = conf.rxmode.offloads;
	if (cfg->ip6_prefix && mtu >= 1280)
		port_join_ip6(port_id, cfg, ifc);
	else if (cfg->ip6_prefix)
		LOG(WARNING, "port %u: MTU %u is below IPv6's 1280 (RFC 8200 "
		    "§5): IPv6 off", port_id, mtu);
	return 0;
}

void
port_close(uint16_t port_id)
{
	struct rte_eth_dev_info info;
	char name[RTE_ETH_NAME_MAX_LEN];
	bool vdev = false;

	if (rte_eth_dev_info_get(port_id, &info) == 0 && info.device)
		vdev = port_on_bus(info.device, "vdev");
	rte_eth_dev_get_name_by_port(port_id, name);
	port_memif_unguard();
	rte_eth_dev_stop(port_id);
	rte_eth_dev_close(port_id);
	if (vdev && (strncmp(name, "net_af_", 7) == 0 ||
		     strcmp(name, PORT_VDEV_NAME_MEMIF) == 0))
		rte_vdev_uninit(name);
}

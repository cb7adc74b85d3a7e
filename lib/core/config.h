/* SPDX-License-Identifier: BSD-3-Clause */
/* config.h: the appliance configuration (JSON -> struct), with validation. */
#ifndef LR_CORE_CONFIG_H
#define LR_CORE_CONFIG_H

#include <stdbool.h>
#include <stdint.h>
#include <net/if.h>

#define CONFIG_MAX_LCORES 64
#define CONFIG_MAX_PORTS 8
#define CONFIG_MAX_VIPS 16
#define CONFIG_ERR_LEN 256

enum config_driver {
	CONFIG_DRIVER_AF_PACKET,
	CONFIG_DRIVER_AF_XDP,
	CONFIG_DRIVER_PCI,
	CONFIG_DRIVER_AUTO,
	CONFIG_DRIVER_RING, /* in-memory port, tests and benchmarks */
	CONFIG_DRIVER_MEMIF, /* net_memif: shared memory with a peer process */
};

enum config_tristate { CONFIG_AUTO, CONFIG_ON, CONFIG_OFF };

struct config {
	/* "port" */
	enum config_driver driver;
	char iface[IF_NAMESIZE];
	char pci[32];
	uint32_t rx_desc, tx_desc;
	/* "memif_socket", "memif_role": the memif driver's control socket
	 * (an absolute path) and side ("server" creates the socket,
	 * "client" connects); both required with driver "memif" */
	char memif_socket[108];
	char memif_role[8];
	/* "ip": addresses in network byte order; ip.address "none" sets
	 * ip4_off (no IPv4 at all: ARP and IPv4 frames are dropped) */
	uint32_t ip, netmask, gateway;
	uint32_t mtu;
	bool ip4_off;
	/* "ip.vips": further IPv4 addresses accepted for TCP (a balancer's
	 * virtual IPs), each with whether we answer ARP for it ("arp",
	 * default true; false for direct server return, where the balancer
	 * owns the ARP); at most CONFIG_MAX_VIPS */
	struct config_vip {
		uint32_t addr; /* network order */
		bool arp;
	} vips[CONFIG_MAX_VIPS];
	uint32_t nvips;
	/* "ip6": address and gateway (network order); ip6_prefix 0 means no
	 * IPv6 ("none"); an all-zero gateway means on-link peers only */
	uint8_t ip6[16];
	uint8_t ip6_gateway[16];
	uint32_t ip6_prefix;
	/* "lcores": data-plane lcores; "main_lcore" runs the control plane */
	uint32_t lcores[CONFIG_MAX_LCORES];
	uint32_t nb_lcores;
	uint32_t main_lcore;
	/* "mempool" */
	uint32_t mbufs, mbuf_cache;
	/* "eal" */
	enum config_tristate hugepages;
	char file_prefix[64];
	uint32_t eal_memory_mb;
	char log_level[16];
	/* "idle": back off when queues stay empty (laptops, CI) */
	bool idle_enabled;
	uint32_t idle_after_polls, idle_sleep_us;
	/* "arp" */
	uint32_t arp_entries, arp_timeout_s, arp_pending;
	/* "tcp" */
	uint32_t tcp_max_conns, tcp_max_halfopen, tcp_max_timewait;
	uint32_t tcp_rcv_wnd, tcp_snd_buf, tcp_mss;
	uint32_t tcp_rto_min_ms, tcp_rto_max_ms, tcp_rto_init_ms;
	uint32_t tcp_max_retries, tcp_delack_ms, tcp_timewait_ms;
	uint32_t tcp_fin_wait2_ms, tcp_ooo_segs, tcp_challenge_acks_per_s;
	enum config_tristate tcp_syncookies;
	uint32_t tcp_min_snd_mss; /* a peer's MSS option is raised to this */
	/* a send queue that makes no progress (zero window, no ACK) is
	 * aborted after stall_timeout_ms (a quarter under memory pressure);
	 * connections we closed with data or FIN unacknowledged (FIN_WAIT_1,
	 * CLOSING, LAST_ACK) are at most max_orphans per lcore and give up
	 * after orphan_retries retransmissions or probes */
	uint32_t tcp_stall_timeout_ms, tcp_max_orphans, tcp_orphan_retries;
	/* active open (tcp_connect): local ports ephemeral_min..max, split
	 * between lcores (docs/MULTICORE.md); a SYN is sent again
	 * syn_retries times before the connection times out */
	uint32_t tcp_ephemeral_min, tcp_ephemeral_max, tcp_syn_retries;
	/* "mem": the per-lcore budget (core/mem.h), bytes per lcore; 0
	 * derives the limit from the pool (mem.c). rx_reserve is in mbufs. */
	uint32_t mem_rx_reserve;
	uint32_t mem_sndq_bytes, mem_ooo_bytes, mem_http_req_bytes;
	uint32_t mem_resp_bytes;
	/* "http" */
	uint16_t http_ports[CONFIG_MAX_PORTS];
	uint32_t nb_http_ports;
	uint32_t http_max_request_line, http_max_header_bytes, http_max_body;
	uint32_t http_header_timeout_ms, http_idle_timeout_ms;
	uint32_t http_max_pipeline;
	/* "mrc" */
	uint32_t mrc_max_users, mrc_max_user_len, mrc_event_status;
#define CONFIG_MRC_USER_MAX 1024 /* the event parser's limit (api/mrc_json.h) */
	bool mrc_reset_enabled;
	/* "ctl" */
	char ctl_socket[108];
	/* "xdp": the XDP path (driver af_xdp, or auto without a PCI port) */
	char xdp_program[256];          /* "": the one built into linerate */
	enum config_tristate xdp_own_ip; /* auto: on unless the kernel has ip */
	/* "cluster": scale-out over Redis (docs/SCALE-OUT.md); off while
	 * redis is "". redis is "host:port" or "unix:/path"; node_id ""
	 * means the host name; ack "fast" ("" too) or "durable"; 0 ms
	 * values take lib/cluster's defaults (flush 10, live ttl 3000,
	 * barrier timeout 5000); password is never printed back
	 * (config_to_json says "(set)"), nor is the section while off */
	char cluster_redis[128];
	char cluster_node_id[64];
	char cluster_password[128];
	char cluster_ack[16];
	uint32_t cluster_flush_ms, cluster_live_ttl_ms;
	uint32_t cluster_barrier_timeout_ms;
	/* "fault": the seeded RX fault shim (core/fault.h), for tests; off
	 * while every probability is 0 */
	uint32_t fault_seed;
	uint32_t fault_reorder_permille, fault_duplicate_permille;
	uint32_t fault_corrupt_permille, fault_drop_permille;
};

/* Built-in defaults (identical to dpdk-config/veth.json). */
void config_defaults(struct config *c);

/*
 * Parse JSON text into c on top of what c holds (call config_defaults()
 * first: keys the text leaves out keep their value). Every key is
 * checked: unknown keys and bad values fail with a message naming the
 * JSON path ("$.http.ports[1]: 70000 is out of range 1..65535") in err.
 * Returns 0, or -EINVAL with err filled.
 */
int config_parse(struct config *c, const char *json, size_t len,
		 char err[CONFIG_ERR_LEN]);

/* config_parse() on a file; -errno (ENOENT...) with err filled. */
int config_load_file(struct config *c, const char *path,
		     char err[CONFIG_ERR_LEN]);

/* The embedded default (dpdk-config/veth.json, compiled in). */
extern const char config_default_json[];

/* Parse a list like "1", "1,2", "2-5", "1,3-4" into c->lcores. */
int config_parse_lcores(struct config *c, const char *list,
			char err[CONFIG_ERR_LEN]);

/* Dotted quad -> network order; -EINVAL when not a valid address. */
int config_parse_ipv4(const char *s, uint32_t *out);

/* "10.88.0.2/24" or "10.88.0.2" (keeps the netmask) into c. */
int config_parse_cidr(struct config *c, const char *s,
		      char err[CONFIG_ERR_LEN]);

/*
 * "fd00:88::2/64" or "fd00:88::2" (prefix 64) into c->ip6/ip6_prefix,
 * "none" turns IPv6 off. Rejects the unspecified, loopback, multicast,
 * link-local (derived from the MAC instead) and IPv4-mapped addresses.
 * Returns 0, or -EINVAL with err filled.
 */
int config_parse_cidr6(struct config *c, const char *s,
		       char err[CONFIG_ERR_LEN]);

/* Name of a driver, for logs ("af_packet"). */
const char *config_driver_name(enum config_driver d);

/* The configuration as JSON (for the control plane); caller frees. */
char *config_to_json(const struct config *c);

#endif

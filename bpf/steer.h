/* SPDX-License-Identifier: BSD-3-Clause */
/* steer.h: what bpf/steer.bpf.c and lib/steer share: settings, counters. */
#ifndef LR_BPF_STEER_H
#define LR_BPF_STEER_H

#include <linux/types.h>

/* Names user space looks for in a loaded program (15 characters at most). */
#define STEER_PROG_NAME "steer_xdp"
#define STEER_CFG_MAP "steer_cfg"
#define STEER_STATS_MAP "steer_stats"
#define STEER_XSKS_MAP "xsks_map" /* the name DPDK's net_af_xdp looks for */

#define STEER_MAX_PORTS 8    /* TCP ports steered (config's http.ports) */
#define STEER_MAX_VIPS 16    /* ip.vips steered for TCP (CONFIG_MAX_VIPS) */
#define STEER_MAX_QUEUES 256 /* xsks_map entries: rx queue index -> socket */

/* steer_cfg.flags */
enum {
	/* The settings are valid. Without it every frame goes to the kernel:
	 * the state between attach and configuration, and after detach
	 * starts. */
	STEER_F_ENABLED = 1u << 0,
	/* The address is linerate's alone (the kernel has no address equal
	 * to it): ARP whose target is the address and ICMP to it are
	 * steered too, and IPv4 fragments to it are dropped (linerate does
	 * not reassemble). Without it only TCP to the ports is steered and
	 * fragments go to the kernel, which owns the same address. */
	STEER_F_OWN_IP = 1u << 1,
	/* linerate has the IPv6 address ip6: TCP to the ports on it is
	 * steered. Without it IPv6 is the kernel's (passed_non_ipv4). */
	STEER_F_IP6 = 1u << 2,
	/* ip6 is linerate's alone: ICMPv6 and every other next header to it,
	 * and neighbour solicitations whose target is ip6 (to its
	 * solicited-node group), are steered too; linerate's own stack
	 * validates them (extension headers, fragments). The kernel keeps
	 * its link-local and other addresses and their ND. */
	STEER_F_OWN_IP6 = 1u << 3,
};

/* The one entry (key 0) of the steer_cfg array map. */
struct steer_cfg {
	__u32 flags;                   /* STEER_F_* */
	__u32 ip;                      /* IPv4, network byte order */
	__u16 ports[STEER_MAX_PORTS];  /* TCP, network byte order; 0 = unused */
	__u32 owner_pid;               /* who configured it (diagnostics) */
	__u32 pad;
	__u8 ip6[16];                  /* IPv6, with STEER_F_IP6 */
	/* ip.vips (network order, 0 = unused): TCP to the steered ports,
	 * and ARP for those whose bit is set in vip_arp */
	__u32 vips[STEER_MAX_VIPS];
	__u32 vip_arp;
};

/*
 * Every frame is counted once, under the reason for its verdict.
 * steered_*: XDP_REDIRECT into an AF_XDP socket; passed_*: XDP_PASS to
 * the kernel; drop_*: XDP_DROP (a frame to linerate's address that no
 * stack would accept, or one with no socket to take it).
 */
enum steer_counter {
	STEER_CNT_STEERED_TCP,     /* TCP to a steered port */
	STEER_CNT_STEERED_ARP,     /* ARP whose target is our address */
	STEER_CNT_STEERED_ICMP,    /* ICMP to our address */
	STEER_CNT_PASSED_OTHER,    /* IPv4/ARP/IPv6 for someone else, other ports */
	STEER_CNT_PASSED_NON_IPV4, /* IPv6, VLAN-tagged, other EtherTypes */
	STEER_CNT_PASSED_SHORT,    /* too short to tell whom it is for */
	STEER_CNT_PASSED_DISABLED, /* no settings (yet), steering off */
	STEER_CNT_DROP_BAD_HEADER, /* IPv4 version/IHL/length, TCP offset */
	STEER_CNT_DROP_TRUNCATED,  /* IPv4 or TCP header past the frame end */
	STEER_CNT_DROP_FRAGMENT,   /* IPv4 fragment for linerate */
	STEER_CNT_DROP_TCP_FLAGS,  /* SYN+FIN, SYN+RST, none of SYN/ACK/RST */
	STEER_CNT_DROP_NO_XSK,     /* no AF_XDP socket on the rx queue */
	STEER_CNT_STEERED_ND,      /* NS to our solicited-node group for ip6 */
	STEER_CNT_STEERED_IP6,     /* ICMPv6 and other non-TCP to our ip6 */
	STEER_CNT__COUNT
};

/* The one entry (key 0) of the per-CPU steer_stats array map. */
struct steer_stats {
	__u64 cnt[STEER_CNT__COUNT];
};

#endif

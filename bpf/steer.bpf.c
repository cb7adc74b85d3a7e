// SPDX-License-Identifier: (GPL-2.0-only OR BSD-3-Clause)
/* steer.bpf.c: XDP: linerate's traffic to its AF_XDP sockets, the rest to the kernel. */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "steer.h"

/* Filled by DPDK's net_af_xdp: rx queue index -> AF_XDP socket. */
struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, STEER_MAX_QUEUES);
	__type(key, __u32);
	__type(value, __u32);
} xsks_map SEC(".maps");

/* Written by lib/steer once the program is attached; all zero before. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct steer_cfg);
} steer_cfg SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct steer_stats);
} steer_stats SEC(".maps");

/* An Ethernet/IPv4 ARP packet (<linux/if_arp.h> drags in libc headers). */
struct steer_arp {
	__be16 hrd;
	__be16 pro;
	__u8 hln;
	__u8 pln;
	__be16 op;
	__u8 sha[ETH_ALEN];
	__u8 spa[4];
	__u8 tha[ETH_ALEN];
	__u8 tpa[4];
};

#define STEER_ARPHRD_ETHER 1

/* Where parsing stands: the next header starts at pos. */
struct hdr_cursor {
	void *pos;
	void *end;
};

#define STEER_IP_MF 0x2000
#define STEER_IP_OFFSET 0x1fff

static __always_inline int
count(struct steer_stats *st, enum steer_counter c, int verdict)
{
	if (st)
		st->cnt[c]++;
	return verdict;
}

static __always_inline int
redirect(struct xdp_md *ctx, struct steer_stats *st, enum steer_counter c)
{
	/* Flags 0: a queue without a socket gives XDP_ABORTED back. */
	if (bpf_redirect_map(&xsks_map, ctx->rx_queue_index, 0) ==
	    XDP_REDIRECT)
		return count(st, c, XDP_REDIRECT);
	return count(st, STEER_CNT_DROP_NO_XSK, XDP_DROP);
}

static __always_inline int
port_steered(const struct steer_cfg *cfg, __u16 port)
{
#pragma unroll
	for (int i = 0; i < STEER_MAX_PORTS; i++)
		if (cfg->ports[i] && cfg->ports[i] == port)
			return 1;
	return 0;
}

/* i + 1 when addr (network order) is vips[i], else 0. */
static __always_inline int
vip_find(const struct steer_cfg *cfg, __u32 addr)
{
#pragma unroll
	for (int i = 0; i < STEER_MAX_VIPS; i++)
		if (cfg->vips[i] && cfg->vips[i] == addr)
			return i + 1;
	return 0;
}

static __always_inline int
steer_arp(struct xdp_md *ctx, struct hdr_cursor *c,
	  const struct steer_cfg *cfg, struct steer_stats *st)
{
	struct steer_arp *arp = c->pos;
	__u32 tpa;
	int v;

	if ((void *)(arp + 1) > c->end)
		return count(st, STEER_CNT_PASSED_SHORT, XDP_PASS);
	if (arp->hrd != bpf_htons(STEER_ARPHRD_ETHER) ||
	    arp->pro != bpf_htons(ETH_P_IP) || arp->hln != ETH_ALEN ||
	    arp->pln != 4)
		return count(st, STEER_CNT_PASSED_OTHER, XDP_PASS);
	__builtin_memcpy(&tpa, arp->tpa, sizeof(tpa));
	if (tpa == cfg->ip && (cfg->flags & STEER_F_OWN_IP))
		return redirect(ctx, st, STEER_CNT_STEERED_ARP);
	/* A VIP linerate answers ARP for (ip.vips "arp": true). */
	v = tpa ? vip_find(cfg, tpa) : 0;
	if (v && (cfg->vip_arp & (1u << (v - 1))))
		return redirect(ctx, st, STEER_CNT_STEERED_ARP);
	return count(st, STEER_CNT_PASSED_OTHER, XDP_PASS);
}

/* TCP to our address; c->pos is the TCP header, frag the IPv4 frag bits. */
static __always_inline int
steer_tcp(struct xdp_md *ctx, struct hdr_cursor *c,
	  const struct steer_cfg *cfg, struct steer_stats *st, __u16 frag)
{
	struct tcphdr *th = c->pos;

	/* A fragment here is for an address the kernel shares (ours alone
	 * were dropped): it is the kernel's unless the first fragment shows
	 * one of our ports, as linerate does not reassemble. */
	if (frag) {
		if (!(frag & bpf_htons(STEER_IP_OFFSET)) &&
		    (void *)(th + 1) <= c->end && port_steered(cfg, th->dest))
			return count(st, STEER_CNT_DROP_FRAGMENT, XDP_DROP);
		return count(st, STEER_CNT_PASSED_OTHER, XDP_PASS);
	}
	/* Segments no stack accepts, whatever the port (RFC 9293 3.10.7). */
	if ((void *)(th + 1) > c->end)
		return count(st, STEER_CNT_DROP_TRUNCATED, XDP_DROP);
	if (th->doff < 5)
		return count(st, STEER_CNT_DROP_BAD_HEADER, XDP_DROP);
	if ((void *)th + th->doff * 4 > c->end)
		return count(st, STEER_CNT_DROP_TRUNCATED, XDP_DROP);
	if (!port_steered(cfg, th->dest))
		return count(st, STEER_CNT_PASSED_OTHER, XDP_PASS);
	if ((th->syn && (th->fin || th->rst)) ||
	    !(th->syn || th->ack || th->rst))
		return count(st, STEER_CNT_DROP_TCP_FLAGS, XDP_DROP);
	return redirect(ctx, st, STEER_CNT_STEERED_TCP);
}

static __always_inline int
steer_ipv4(struct xdp_md *ctx, struct hdr_cursor *c,
	   const struct steer_cfg *cfg, struct steer_stats *st)
{
	struct iphdr *ip = c->pos;
	__u32 hlen, tot;
	__u16 frag;
	int vip = 0;

	if ((void *)(ip + 1) > c->end)
		return count(st, STEER_CNT_PASSED_SHORT, XDP_PASS);
	/* Ours, or one of ip.vips (linerate's alone, TCP only). */
	if (ip->daddr != cfg->ip) {
		vip = ip->daddr ? vip_find(cfg, ip->daddr) : 0;
		if (!vip || ip->protocol != IPPROTO_TCP)
			return count(st, STEER_CNT_PASSED_OTHER, XDP_PASS);
	}
	/* For our address from here on: what no stack would accept is
	 * dropped before it costs anything more. */
	hlen = ip->ihl * 4;
	tot = bpf_ntohs(ip->tot_len);
	if (ip->version != 4 || hlen < sizeof(*ip) || tot < hlen)
		return count(st, STEER_CNT_DROP_BAD_HEADER, XDP_DROP);
	if ((void *)ip + tot > c->end || (void *)ip + hlen > c->end)
		return count(st, STEER_CNT_DROP_TRUNCATED, XDP_DROP);
	frag = ip->frag_off & bpf_htons(STEER_IP_MF | STEER_IP_OFFSET);
	if (frag && ((cfg->flags & STEER_F_OWN_IP) || vip))
		return count(st, STEER_CNT_DROP_FRAGMENT, XDP_DROP);
	c->pos = (void *)ip + hlen;
	if (ip->protocol == IPPROTO_TCP)
		return steer_tcp(ctx, c, cfg, st, frag);
	if (ip->protocol == IPPROTO_ICMP && (cfg->flags & STEER_F_OWN_IP))
		return redirect(ctx, st, STEER_CNT_STEERED_ICMP);
	return count(st, STEER_CNT_PASSED_OTHER, XDP_PASS);
}

#define STEER_NH_ICMPV6 58
#define STEER_ND_NS 135

/* Two IPv6 addresses are equal (bytes: packet data may be unaligned). */
static __always_inline int
addr6_eq(const __u8 *a, const __u8 *b)
{
	__u8 d = 0;

#pragma unroll
	for (int i = 0; i < 16; i++)
		d |= a[i] ^ b[i];
	return d == 0;
}

/* A is the solicited-node group of b: ff02::1:ffXX:XXXX (RFC 4291). */
static __always_inline int
addr6_solicited(const __u8 *a, const __u8 *b)
{
	__u8 d = (a[0] ^ 0xff) | (a[1] ^ 0x02) | (a[11] ^ 0x01) | (a[12] ^ 0xff);

#pragma unroll
	for (int i = 2; i < 11; i++)
		d |= a[i];
	return d == 0 && a[13] == b[13] && a[14] == b[14] && a[15] == b[15];
}

/* An NS to our solicited-node group (own address only): ours when its
 * target is our address; other targets share the group with the kernel. */
static __always_inline int
steer_ns(struct xdp_md *ctx, struct hdr_cursor *c,
	 const struct steer_cfg *cfg, struct steer_stats *st)
{
	__u8 *icmp = c->pos;

	if ((void *)(icmp + 24) > c->end)
		return count(st, STEER_CNT_PASSED_SHORT, XDP_PASS);
	if (icmp[0] != STEER_ND_NS || !addr6_eq(icmp + 8, cfg->ip6))
		return count(st, STEER_CNT_PASSED_OTHER, XDP_PASS);
	return redirect(ctx, st, STEER_CNT_STEERED_ND);
}

static __always_inline int
steer_ipv6(struct xdp_md *ctx, struct hdr_cursor *c,
	   const struct steer_cfg *cfg, struct steer_stats *st)
{
	struct ipv6hdr *ip6 = c->pos;
	int own = cfg->flags & STEER_F_OWN_IP6;

	if (!(cfg->flags & STEER_F_IP6))
		return count(st, STEER_CNT_PASSED_NON_IPV4, XDP_PASS);
	if ((void *)(ip6 + 1) > c->end)
		return count(st, STEER_CNT_PASSED_SHORT, XDP_PASS);
	c->pos = ip6 + 1;
	if (own && ip6->nexthdr == STEER_NH_ICMPV6 &&
	    addr6_solicited(ip6->daddr.in6_u.u6_addr8, cfg->ip6))
		return steer_ns(ctx, c, cfg, st);
	if (!addr6_eq(ip6->daddr.in6_u.u6_addr8, cfg->ip6))
		return count(st, STEER_CNT_PASSED_OTHER, XDP_PASS);
	/* For our address from here on (RFC 8200 §3). */
	if (ip6->version != 6)
		return count(st, STEER_CNT_DROP_BAD_HEADER, XDP_DROP);
	if (c->pos + bpf_ntohs(ip6->payload_len) > c->end)
		return count(st, STEER_CNT_DROP_TRUNCATED, XDP_DROP);
	if (ip6->nexthdr == IPPROTO_TCP)
		return steer_tcp(ctx, c, cfg, st, 0);
	if (own)
		return redirect(ctx, st, STEER_CNT_STEERED_IP6);
	return count(st, STEER_CNT_PASSED_OTHER, XDP_PASS);
}

SEC("xdp")
int
steer_xdp(struct xdp_md *ctx)
{
	struct hdr_cursor c = {
		.pos = (void *)(long)ctx->data,
		.end = (void *)(long)ctx->data_end,
	};
	struct steer_stats *st;
	struct steer_cfg *cfg;
	struct ethhdr *eth;
	__u32 key = 0;

	st = bpf_map_lookup_elem(&steer_stats, &key);
	cfg = bpf_map_lookup_elem(&steer_cfg, &key);
	if (!cfg || !(cfg->flags & STEER_F_ENABLED))
		return count(st, STEER_CNT_PASSED_DISABLED, XDP_PASS);
	eth = c.pos;
	if ((void *)(eth + 1) > c.end)
		return count(st, STEER_CNT_PASSED_SHORT, XDP_PASS);
	c.pos = eth + 1;
	if (eth->h_proto == bpf_htons(ETH_P_IP))
		return steer_ipv4(ctx, &c, cfg, st);
	if (eth->h_proto == bpf_htons(ETH_P_ARP))
		return steer_arp(ctx, &c, cfg, st);
	if (eth->h_proto == bpf_htons(ETH_P_IPV6))
		return steer_ipv6(ctx, &c, cfg, st);
	return count(st, STEER_CNT_PASSED_NON_IPV4, XDP_PASS);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";

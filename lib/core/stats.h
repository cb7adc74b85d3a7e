/* SPDX-License-Identifier: BSD-3-Clause */
/* stats.h: the per-lcore counter set, one X-macro list per layer. */
#ifndef LR_CORE_STATS_H
#define LR_CORE_STATS_H

#include <stdint.h>

/*
 * Every drop and event has a named counter. Counters are per lcore and
 * single-writer (the lcore that owns them); the control plane reads them
 * with plain 64-bit loads, which are atomic on the 64-bit targets DPDK
 * supports. Names are what the control plane and /metrics print, so keep
 * them stable: <layer>_<what>.
 */
#define STATS_CORE(X) \
	X(rx_packets) X(rx_bytes) X(tx_packets) X(tx_bytes) \
	X(tx_drop_full) X(rx_handoff) X(rx_handoff_drop) X(polls_busy) X(polls_idle) \
	X(cycles_busy) X(cycles_idle)

#define STATS_ETH(X) \
	X(eth_drop_short) X(eth_drop_not_for_us) X(eth_drop_unknown_type) \
	X(eth_drop_vlan) X(eth_drop_segmented)

#define STATS_ARP(X) \
	X(arp_rx_request) X(arp_rx_reply) X(arp_tx_reply) X(arp_tx_request) \
	X(arp_drop_malformed) X(arp_drop_not_for_us) X(arp_drop_bad_sender) \
	X(arp_learned) X(arp_pending_queued) X(arp_pending_dropped) \
	X(arp_pending_sent)

#define STATS_IPV4(X) \
	X(ipv4_rx) X(ipv4_drop_short) X(ipv4_drop_version) X(ipv4_drop_ihl) \
	X(ipv4_drop_len) X(ipv4_drop_cksum) X(ipv4_drop_frag) \
	X(ipv4_drop_not_for_us) X(ipv4_drop_bad_src) X(ipv4_drop_ttl) \
	X(ipv4_drop_proto) X(ipv4_tx) X(ipv4_tx_noroute) X(ipv4_tx_nombuf)

#define STATS_ICMP(X) \
	X(icmp_rx_echo) X(icmp_tx_echo_reply) X(icmp_drop_short) \
	X(icmp_drop_cksum) X(icmp_rx_other)

#define STATS_TCP(X) \
	X(tcp_fast_path) \
	X(tcp_rx_segs) X(tcp_tx_segs) X(tcp_drop_short) X(tcp_drop_cksum) \
	X(tcp_drop_bad_off) X(tcp_drop_bad_flags) X(tcp_drop_no_listener) \
	X(tcp_drop_out_of_window) X(tcp_drop_nombuf) \
	X(tcp_syn_rx) X(tcp_synack_tx) X(tcp_syncookie_tx) \
	X(tcp_syncookie_ok) X(tcp_syncookie_bad) X(tcp_accepted) \
	X(tcp_conn_full_rst) X(tcp_halfopen_full) X(tcp_rst_tx) X(tcp_rst_rx) \
	X(tcp_rst_ignored) X(tcp_challenge_ack) X(tcp_challenge_ack_limited) \
	X(tcp_retransmits) X(tcp_fast_retransmits) X(tcp_rto_timeouts) \
	X(tcp_give_up) X(tcp_ooo_segs) X(tcp_ooo_drop) X(tcp_dup_segs) \
	X(tcp_dup_acks_rx) X(tcp_persist_probes) X(tcp_delayed_acks) \
	X(tcp_timewait_entered) X(tcp_timewait_full) X(tcp_fin_wait2_timeout) \
	X(tcp_idle_timeout) X(tcp_closed) X(tcp_aborted) X(tcp_sndq_full) \
	X(tcp_drop_no_conn) X(tcp_drop_no_ack) X(tcp_drop_bad_ack) \
	X(tcp_paws_drop) X(tcp_accept_refused) X(tcp_synack_rtx) \
	X(tcp_halfopen_timeout) X(tcp_tx_pure_acks) X(tcp_rcv_overlap) \
	X(tcp_rcv_past_window) X(tcp_rcv_after_close) \
	X(tcp_timewait_expired) X(tcp_timewait_recycled) \
	X(tcp_timewait_skipped) X(tcp_timewait_reopened) \
	X(tcp_steer_lookups) X(tcp_steer_probes) X(tcp_oow_ack_limited) X(tcp_sws_deferred) X(tcp_sws_override) X(tcp_pmtu_lowered) X(tcp_pmtu_ignored) X(tcp_mss_raised)

/* Active open (tcp_connect): connections opened, SYNs sent and sent
 * again, refused by a RST, timed out, no ephemeral port left, SYNs
 * answered in SYN_SENT (simultaneous open, refused with a RST). */
#define STATS_TCP_CONNECT(X) \
	X(tcp_connect) X(tcp_syn_tx) X(tcp_syn_rtx) X(tcp_connect_refused) \
	X(tcp_connect_timeout) X(tcp_ephemeral_exhausted) X(tcp_simopen_rst)

/* Loss recovery (tcp_rack.c, tcp_sack.c): connections with SACK,
 * segments Limited Transmit let out (RFC 3042), tail loss probes sent
 * and the losses they repaired (RFC 8985 §7), losses RACK detected
 * (§6), retransmissions the SACK scoreboard sent (RFC 6675), SACK and
 * D-SACK blocks sent, D-SACKs received, cwnd reductions undone because
 * every retransmission proved spurious (RFC 2883 §5), reordering
 * timers that fired; and the RTOs (tcp_rto_timeouts) by what they
 * follow: a connection without SACK, an RTO's retransmission lost (the
 * second RTO or later in a row), a probe left unanswered (the probe or
 * its ACK lost, or a loss during the probe's episode), SACK recovery (a
 * retransmission lost), or none of these (no RTT sample yet to time a
 * probe, a FIN alone in flight). */
#define STATS_TCP_LOSS(X) \
	X(tcp_sack_conns) X(tcp_limited_transmit) X(tcp_tlp_probes) \
	X(tcp_tlp_recoveries) X(tcp_rack_losses) X(tcp_sack_repaired) \
	X(tcp_sack_blocks_tx) X(tcp_dsack_tx) X(tcp_dsack_rx) \
	X(tcp_spurious_undone) X(tcp_rack_timeouts) X(tcp_rto_nosack) \
	X(tcp_rto_repeated) X(tcp_rto_after_probe) X(tcp_rto_in_recovery) \
	X(tcp_rto_tail)

/* HTTP; http_head_cache_hits and _misses: heads that arrived whole,
 * answered from the lcore's head cache (lib/http/head_cache.h) or by the
 * parser. */
#define STATS_HTTP(X) \
	X(http_requests) X(http_responses_2xx) X(http_responses_4xx) \
	X(http_responses_5xx) X(http_parse_errors) X(http_header_timeouts) \
	X(http_idle_timeouts) X(http_send_overflow) X(http_buffer_overflow) \
	X(http_conns_refused) X(http_continue_sent) X(http_paused) \
	X(http_parse_bytes) X(http_rx_left) X(http_resp_held) \
	X(http_pipeline_full) \
	X(http_head_cache_hits) X(http_head_cache_misses)

/* The memory budget's actions (core/mem.h; gauges per class are in
 * struct mem_snapshot): connections aborted under pressure or because
 * their queue stalled past tcp.stall_timeout_ms, orphans reset over
 * tcp.max_orphans or out of tcp.orphan_retries, out-of-order mbufs
 * pruned, tcp_send() cut short by the budget, paused senders woken. */
#define STATS_MEM(X) \
	X(mem_pressure_aborts) X(mem_stall_aborts) X(mem_orphan_overflow) \
	X(mem_orphan_gave_up) X(mem_ooo_pruned) X(mem_sndq_refused) \
	X(mem_wakeups)

/* IPv6 (net/ipv6.h): drops by RFC 8200 rule, extension headers, output.
 * ip6_drop_tcp: a transport datagram over IPv6 not served: UDP
 * (answered with ICMPv6 port unreachable) or TCP to a multicast group;
 * TCP to our addresses goes to tcp_input (a closed port gets a RST). */
#define STATS_IPV6(X) \
	X(ip6_rx) X(ip6_drop_short) X(ip6_drop_version) X(ip6_drop_len) \
	X(ip6_drop_hop_limit) X(ip6_drop_bad_src) X(ip6_drop_not_for_us) \
	X(ip6_drop_ext_trunc) X(ip6_drop_ext_chain) X(ip6_drop_hbh_order) \
	X(ip6_drop_routing) X(ip6_drop_option) X(ip6_drop_frag) \
	X(ip6_rx_atomic_frag) X(ip6_drop_proto) X(ip6_drop_tcp) \
	X(ip6_tx) X(ip6_tx_noroute) X(ip6_tx_nombuf)

/* Neighbour Discovery (net/nd.h, RFC 4861). */
#define STATS_ND(X) \
	X(nd_rx_ns) X(nd_rx_na) X(nd_tx_ns) X(nd_tx_na) X(nd_rx_other) \
	X(nd_drop_hop_limit) X(nd_drop_invalid) X(nd_drop_not_for_us) \
	X(nd_learned) X(nd_pending_queued) X(nd_pending_dropped) \
	X(nd_pending_sent)

/* ICMPv6 (net/icmp6.h, RFC 4443). */
#define STATS_ICMP6(X) \
	X(icmp6_rx_echo) X(icmp6_tx_echo_reply) X(icmp6_drop_short) \
	X(icmp6_drop_cksum) X(icmp6_rx_other) X(icmp6_rx_error) \
	X(icmp6_rx_ptb) X(icmp6_ptb_ignored) X(icmp6_tx_error) \
	X(icmp6_error_limited)

/* TCP connections created by family (a SYN taken, a SYN cookie's ACK,
 * or tcp_connect), counted in tcp_conn_alloc; the gauges of those open
 * now are in `linerate-ctl conns` (tcp_family_counts). */
#define STATS_TCP_FAMILY(X) X(tcp_conns_v4) X(tcp_conns_v6)

#define STATS_ALL(X) \
	STATS_CORE(X) STATS_ETH(X) STATS_ARP(X) STATS_IPV4(X) STATS_ICMP(X) \
	STATS_TCP(X) STATS_TCP_CONNECT(X) STATS_TCP_LOSS(X) STATS_HTTP(X) STATS_MEM(X) \
	STATS_IPV6(X) STATS_ND(X) STATS_ICMP6(X) STATS_TCP_FAMILY(X)

enum stats_id {
#define STATS_ENUM(name) ST_##name,
	STATS_ALL(STATS_ENUM)
#undef STATS_ENUM
	ST__COUNT
};

struct stats {
	uint64_t v[ST__COUNT];
};

/* Counter name for an id ("ipv4_drop_cksum"), or NULL past the end. */
const char *stats_name(enum stats_id id);

/* Look a counter up by name; -1 when unknown. */
int stats_lookup(const char *name);

/* dst += src, counter by counter. */
void stats_add(struct stats *dst, const struct stats *src);

#define STAT_INC(ctx, name) ((ctx)->stats.v[ST_##name]++)
#define STAT_ADD(ctx, name, n) ((ctx)->stats.v[ST_##name] += (n))
#define STAT_GET(st, name) ((st)->v[ST_##name])

#endif

/* SPDX-License-Identifier: BSD-3-Clause */
/* tcp_priv.h: TCP internals shared by tcp_conn/in/out/timer/connect and
 * syncookie. */
#ifndef LR_NET_TCP_PRIV_H
#define LR_NET_TCP_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_mbuf_dyn.h>
#include <rte_tcp.h>

#include "core/config.h"
#include "core/lcore.h"
#include "core/netif.h"
#include "core/timer.h"
#include "net/tcp.h"

struct net_pkt;
struct tcp_steer;

/* Sequence space arithmetic, modulo 2^32 (RFC 9293 §3.4). Every
 * comparison of sequence or acknowledgment numbers goes through these. */
#define SEQ_LT(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) < 0)
#define SEQ_LEQ(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) <= 0)
#define SEQ_GT(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) > 0)
#define SEQ_GEQ(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) >= 0)
/* lo <= a <= hi */
#define SEQ_BETWEEN(a, lo, hi) (SEQ_GEQ(a, lo) && SEQ_LEQ(a, hi))

/* State sets are bitmasks: TCPF(s) & TCPF_SET. */
#define TCPF(s) (1u << (s))
/* RFC 9293 §3.3.2 "synchronized states". */
#define TCPF_SYNCHRONIZED                                                    \
	(TCPF(TCP_ESTABLISHED) | TCPF(TCP_CLOSE_WAIT) | TCPF(TCP_LAST_ACK) |  \
	 TCPF(TCP_FIN_WAIT_1) | TCPF(TCP_FIN_WAIT_2) | TCPF(TCP_CLOSING) |    \
	 TCPF(TCP_TIME_WAIT))
/* The application may still queue data. */
#define TCPF_CAN_SEND (TCPF(TCP_ESTABLISHED) | TCPF(TCP_CLOSE_WAIT))
/* The peer may still send data (its FIN has not arrived). */
#define TCPF_RCV_DATA                                                        \
	(TCPF(TCP_ESTABLISHED) | TCPF(TCP_FIN_WAIT_1) | TCPF(TCP_FIN_WAIT_2))
/* We closed: our FIN follows the queued data. */
#define TCPF_CLOSED_BY_US                                                    \
	(TCPF(TCP_FIN_WAIT_1) | TCPF(TCP_FIN_WAIT_2) | TCPF(TCP_CLOSING) |    \
	 TCPF(TCP_LAST_ACK) | TCPF(TCP_TIME_WAIT))
/* We closed with our FIN (and maybe data) unacknowledged: the orphans
 * tcp.max_orphans and tcp.orphan_retries bound (Linux's orphan count
 * also has FIN_WAIT_2, which holds no data and has its own timer). */
#define TCPF_ORPHAN                                                          \
	(TCPF(TCP_FIN_WAIT_1) | TCPF(TCP_CLOSING) | TCPF(TCP_LAST_ACK))
/* States in which tcp_output() sends data, FIN or ACKs. */
#define TCPF_OUTPUT (TCPF_SYNCHRONIZED & ~TCPF(TCP_TIME_WAIT))

#define TCP_MAX_LISTEN 16
#define TCP_DEFAULT_MSS 536 /* no MSS option (RFC 9293 §3.7.1) */
#define TCP_MIN_MSS 64      /* least tcp.min_snd_mss, smallest cookie MSS */
#define TCP_IW_SEGS 10      /* RFC 6928 */
#define TCP_SYNACK_RETRIES 5
#define TCP_OOW_ACK_US 500000 /* Linux tcp_invalid_ratelimit */
#define TCP_SWS_OVERRIDE_US 200000 /* RFC 9293 §3.8.6.2.1: 0.1 to 1 s */
#define TCP_PMTU_MIN 576 /* RFC 1122 §3.3.3: every host takes this */
#define TCP_HLEN 20
#define TCP_RSS_KEY_LEN 40   /* Toeplitz key bytes kept (tcp_connect.c) */
#define TCP_RSS_RETA_MAX 512 /* largest RETA used for port choice */
#define TCP_TS_OPTLEN 12 /* NOP NOP TS(10) */
/* Send-queue mbufs keep their payload here, leaving room in front for
 * Ethernet + IPv4 + TCP with timestamps, so a segment that is one whole
 * queued mbuf is sent in place. */
#define TCP_SNDQ_DOFF RTE_PKTMBUF_HEADROOM
#define TCP_TX_HDR_MAX                                                        \
	(RTE_ETHER_HDR_LEN + 20 + TCP_HLEN + TCP_TS_OPTLEN)

/* Which job the connection's main timer does now. */
enum tcp_timer_kind {
	TT_NONE,
	TT_RTX,       /* SYN-ACK, data or FIN retransmission (RFC 6298) */
	TT_PERSIST,   /* zero-window probes (RFC 9293 §3.8.6.1) */
	TT_FIN_WAIT2, /* the peer's FIN is late */
	TT_TIME_WAIT, /* RFC 9293 §3.10.7.4, our policy in tcp_conn.c */
	TT_SWS,       /* sender SWS override (RFC 9293 §3.8.6.2.1) */
	TT_TLP,       /* tail loss probe (RFC 8985 §7), tcp_rack.c */
	TT_RACK,      /* RACK reordering timer (RFC 8985 §6.3), tcp_rack.c */
};

/* struct tcp_conn.flags */
#define TCF_TS 0x0001        /* timestamps in use (RFC 7323 §3) */
#define TCF_WS 0x0002        /* window scaling in use (RFC 7323 §2) */
#define TCF_ACK_NOW 0x0004   /* an ACK is owed: the next flush sends one */
#define TCF_FIN_SENT 0x0008  /* snd_max covers our FIN */
#define TCF_APP 0x0010       /* accepted: closed() still owed to the app */
#define TCF_APP_CLOSED 0x0020/* tcp_close() called: no more recv() */
#define TCF_RECOVERY 0x0040  /* NewReno fast recovery (RFC 6582) */
#define TCF_RTT 0x0080       /* timing rtt_seq (RFC 6298, Karn) */
#define TCF_PERSIST 0x0100   /* probing a zero window */
#define TCF_DEAD 0x0200      /* freed inside tcp_input: pool at the end */
#define TCF_PENDING 0x0400   /* on the lcore's output list */
#define TCF_COOKIE 0x0800    /* opened by a SYN cookie */
#define TCF_SWS_FORCE 0x1000 /* SWS override due: send what the window takes */
#define TCF_RCV_LIM 0x2000   /* the application bounds the window (rcv_lim) */
#define TCF_ORPHAN_RST 0x4000 /* closed over tcp.max_orphans: reset at flush */
#define TCF_MEMWAIT 0x8000   /* on the memory waiters list (tcp_mem.c) */
/* Loss recovery (tcp_sack.c, tcp_rack.c) */
#define TCF_SACK 0x10000     /* SACK permitted both ways (RFC 2018): RACK-TLP */
#define TCF_DSACK 0x20000    /* a duplicate to report (RFC 2883): c->dsack */
#define TCF_TLP 0x40000      /* a loss probe is out: the episode ends at tlp_end */
#define TCF_TLP_RETX 0x80000 /* ... and it was a retransmission */
#define TCF_REORD 0x100000   /* RACK saw reordering (RFC 8985 §6.2 step 3) */
#define TCF_UNDO 0x200000    /* cwnd was cut: prior_cwnd may come back */
#define TCF_TXHDR 0x400000   /* tx_ipsum and tx_psum are made (tcp_frame.c) */
/* tx_psum is the pseudo-header's addresses and protocol only, the TCP sum
 * offloaded (tcp_frame.c); never with TCF_TXHDR */
#define TCF_TXPH 0x800000
/* the application asked for ops->writable on ACKs that free space
 * (tcp_want_writable; only read with ops->writable_asked) */
#define TCF_WR_WANT 0x1000000
/* the delayed ACK's timer (c->delack) may be armed: set where it is armed
 * (tcp_output), cleared where an ACK goes out or the timer fires, so
 * with it clear the timer is not armed (tcp_output_list's decided
 * answer, which cancels nothing). TIME_WAIT's entry cancels the timer
 * and leaves the flag: nothing there reads it. */
#define TCF_DELACK 0x2000000
/* ops->writable_asked is false: every ACK that frees space calls
 * ops->writable, if there is one (tcp_ack_writable; set with the
 * application's connection: tcp_established, tcp_connect) */
#define TCF_WR_ALL 0x4000000

/*
 * A connection's local address and family in one byte (struct tcp_conn.lid,
 * struct tcp_seg.lid), part of the lookup key: 0 is our IPv4 address;
 * with TCP_LID_V6 set, the connection is IPv6 and the low bit chooses
 * our configured address (TCP_LID_V6) or the link-local one
 * (TCP_LID_V6_LL); IPv4 connections to ip.vips[i] have TCP_LID_VIP + i. An IPv6 connection keeps the peer's 16-byte address in
 * peer_ip6 and a 32-bit digest of it in peer_ip, so the hash, the
 * steering directory and the first compare stay those of IPv4.
 */
#define TCP_LID_V4 0x00
#define TCP_LID_VIP 0x01 /* + i: ip.vips[i] (IPv4) */
#define TCP_LID_V6 0x80
#define TCP_LID_V6_LL 0x81
/* IPv6 header bytes past IPv4's: MSS and headroom arithmetic. */
#define TCP_V6_EXTRA 20

/* SACK blocks kept per connection, each way (the scoreboard's bound). */
#define TCP_SACK_MAX 4

/* One SACK block: [start, end). */
struct tcp_sack_blk {
	uint32_t start, end;
};

/*
 * One connection. The first cache line is what every segment touches
 * (lookup key, state, receive sequence, the send sequence checked by
 * ACKs); the send queue, RTT estimator, links and timers follow.
 */
struct tcp_conn {
	struct tcp_conn *hnext; /* hash chain */
	uint32_t peer_ip;       /* network order */
	uint16_t peer_port;     /* network order */
	uint16_t local_port;    /* network order */
	uint8_t state;
	uint8_t timer_kind; /* enum tcp_timer_kind */
	uint8_t lid;        /* local address and family: TCP_LID_* */
	uint32_t flags;
	uint32_t rcv_nxt;
	uint32_t rcv_wnd;       /* bytes we accept past rcv_nxt (announced) */
	uint32_t rcv_unacked;   /* in-order bytes taken since our last ACK */
	uint32_t last_ack_sent; /* Last.ACK.sent (RFC 7323 §4.3) */
	uint32_t ts_recent;
	uint32_t ts_off;        /* our timestamp offset (RFC 7323 §5.4) */
	uint16_t rcv_mss;       /* a full segment from the peer */
	uint16_t nooo;          /* out-of-order mbufs held */
	uint8_t snd_wscale;     /* shift applied to the peer's window */
	uint8_t rcv_wscale;     /* shift applied to ours */
	uint8_t dupacks;
	uint8_t retries;        /* retransmissions or probes without answer */
	uint32_t snd_una;
	uint32_t snd_nxt;
	/* ---- send side ---- */
	uint32_t snd_max;     /* highest sequence sent + 1 */
	uint32_t snd_wnd;     /* peer's window, bytes (scaled) */
	uint32_t max_snd_wnd; /* largest window the peer offered */
	uint32_t snd_wl1, snd_wl2;
	uint32_t cwnd, ssthresh, recover;
	uint32_t sndq_len;    /* bytes queued from snd_una, sent or not */
	uint32_t snd_buf;     /* bound on sndq_len (tcp.snd_buf) */
	uint16_t mss;         /* payload per segment (options deducted) */
	uint16_t sndq_off;    /* snd_una's offset in sndq_head's payload */
	uint16_t nsndq;       /* send-queue mbufs (charged to MEM_SNDQ) */
	struct rte_mbuf *sndq_head, *sndq_tail;
	struct rte_mbuf *snd_cur; /* cursor: an mbuf of the queue ... */
	uint32_t snd_cur_seq;     /* ... and the sequence of its payload */
	/* RTT estimator (RFC 6298), microseconds */
	uint32_t srtt, rttvar, rto;
	uint32_t rtt_seq;
	/* receive: in-order bytes taken that make the ACK go at once
	 * (tcp_ack_at; here, in rtt_seq's padding) */
	uint32_t rcv_ack_at;
	uint64_t rtt_start;
	uint64_t rtx_deadline; /* when the RTO is due (timer may run early);
				* in TIME_WAIT, when the wait ends */
	uint32_t iss, irs;
	uint64_t oow_ack_us;    /* last rate-limited out-of-window ACK, or 0 */
	uint8_t persist_backoff;/* zero-window probes so far: a shift of rto */
	uint32_t hbucket;       /* tcp_conn.c: the 4-tuple's bucket */
	/* memory: when the send queue last released an mbuf to ACKs (or
	 * filled from empty),
	 * the lcore's lists of holders (send or out-of-order mbufs) and of
	 * senders waiting for budget, the lcore (tcp_send_space) */
	uint64_t progress_us;
	struct tcp_conn *hold_next, **hold_pprev;
	struct tcp_conn *mw_next, **mw_pprev;
	struct tcp_lcore *tl;
	/* receive window set by the application (tcp_rcv_room): with
	 * TCF_RCV_LIM the window reaches no further than rcv_lim, but no
	 * less far than rcv_adv, the right edge announced last */
	uint32_t rcv_lim, rcv_adv;
	uint32_t rcv_left; /* bytes recv() left (tcp_recv_leave) */
	/* header prediction's word (tcp_pred_word): the fourth word of
	 * the next predicted segment's header; 0 while none is */
	uint32_t rcv_pred;
	/* application */
	const struct tcp_ops *ops;
	void *app;
	/* receive queue: out-of-order mbufs sorted by sequence */
	struct rte_mbuf *ooo;
	/* lcore lists: pending output, TIME_WAIT FIFO (in SYN_RECEIVED:
	 * the first SYN-ACK timeout's FIFO, tl->syn_head) */
	struct tcp_conn *pnext, **pprev;
	struct tcp_conn *tw_next, **tw_pprev;
	struct rte_ether_addr peer_mac;
	struct timer timer;  /* enum tcp_timer_kind */
	struct timer delack; /* delayed ACK (RFC 9293 §3.8.6.3) */
	/* SACK (tcp_sack.c): as receiver, the blocks we report (newest
	 * first) and a D-SACK to report once; as sender, the scoreboard:
	 * ranges above snd_una the peer holds, sorted, disjoint. Both are
	 * TCP_SACK_MAX blocks at most, whatever the peer does. */
	struct tcp_sack_blk rcv_sack[TCP_SACK_MAX];
	struct tcp_sack_blk dsack;
	struct tcp_sack_blk snd_sack[TCP_SACK_MAX];
	uint8_t nrcv_sack, nsnd_sack;
	/* RACK-TLP (tcp_rack.c, RFC 8985), times in us (low 32 bits):
	 * the send time and end of the most recently sent segment
	 * delivered, its RTT, the least RTT seen, the reordering window's
	 * multiplier; un-SACKed bytes below lost_end are lost, and those
	 * below rtx_nxt were retransmitted; the probe's episode end */
	uint8_t rack_reo_mult;
	uint16_t undo_retrans; /* retransmissions not yet D-SACKed */
	uint32_t rack_xmit_ts, rack_end_seq, rack_rtt, rack_min_rtt;
	uint32_t lost_end, rtx_nxt, tlp_end;
	uint32_t prior_cwnd, prior_ssthresh; /* D-SACK undo (RFC 2883 §5) */
	/* IPv6 (lid & TCP_LID_V6): the peer's address; peer_ip then holds
	 * its digest (tcp_ip6_digest), the key the table hashes */
	uint8_t peer_ip6[16];
	/* tcp_frame.c, IPv4 (TCF_TXHDR, made at the SYN-ACK or the first
	 * one-pass segment):
	 * sums of the frame's words that never change for the connection,
	 * folded to 16 bits: the IPv4 header's but its length, and the
	 * pseudo-header's addresses and protocol with the ports; with
	 * TCF_TXPH instead (the port offloads the TCP sum), tx_psum is the
	 * pseudo-header's addresses and protocol, the ports left out */
	uint16_t tx_ipsum, tx_psum;
};

struct tcp_listener {
	uint16_t port; /* network order */
	const struct tcp_ops *ops;
};

/* This lcore's TCP: written by its lcore only. */
struct tcp_lcore {
	/* first, in this order: tcp_flush()'s inline test (tcp.h) */
	struct tcp_conn *pending; /* output list (tcp_flush) */
	struct tcp_conn *memwait; /* senders waiting for MEM_SNDQ, FIFO */
	struct tcp_conn **buckets;
	uint32_t bucket_mask;
	uint64_t hash_key[3]; /* tcp_bucket's secret keys (tcp_table.h) */
	uint64_t hash_key6[4]; /* tcp_bucket6's address-word keys */
	struct tcp_conn *pool;
	struct tcp_conn *free_list;
	struct tcp_conn *busy;    /* the connection tcp_input() is inside */
	/* tcp_rx_free's pool of received mbufs and this lcore's cache of
	 * it (rte_mempool_default_cache at the first free; NULL: none) */
	struct rte_mempool *rx_mp;
	struct rte_mempool_cache *rx_cache;
	struct tcp_conn *tw_head; /* TIME_WAIT, oldest first */
	struct tcp_conn **tw_tail;
	/* TIME_WAIT expiry (tcp_conn.c): one timer for the FIFO, due when
	 * tw_head's wait ends (its rtx_deadline) */
	struct timer tw_timer;
	/* The SYN-ACKs' first timeouts (tcp_timer.c): SYN_RECEIVED
	 * connections in deadline order through tw_next/tw_pprev, one
	 * timer, due no later than syn_head's rtx_deadline */
	struct tcp_conn *syn_head;
	struct tcp_conn **syn_tail;
	struct timer syn_timer;
	uint32_t max_conns;
	uint32_t in_use;
	uint32_t state_count[TCP_NSTATES];
	struct tcp_listener listen[TCP_MAX_LISTEN];
	uint32_t nlisten;
	/* derived from the configuration */
	uint16_t our_mss;  /* what we can receive (cfg mss, MTU) */
	uint16_t seg_cap;  /* payload that fits one mbuf after TCP_SNDQ_DOFF */
	uint16_t reserve_cap; /* seg_cap, or 0 below TCP_RESERVE_ROOM (tcp_sndq.c) */
	uint16_t ann_mss;  /* tcp_our_mss (tcp_lcore_config: pool and MTU) */
	uint8_t our_wscale;
	int syncookies;    /* enum config_tristate */
	uint32_t rcv_wnd, snd_buf;
	uint32_t rcv_wnd_ws; /* rcv_wnd in whole our_wscale units (the
			      * window of a connection that scales) */
	uint32_t rto_min, rto_max, rto_init; /* microseconds */
	uint32_t delack_us, timewait_us, finwait2_us;
	uint32_t max_retries, max_halfopen, max_timewait, ooo_max;
	uint32_t chack_limit;
	/* memory budget (core/mem.h, tcp_mem.c) */
	struct mem_budget *mem;   /* &ctx->mem */
	struct tcp_conn *holders; /* connections holding mbufs */
	struct tcp_conn **memwait_tail;
	uint64_t sndq_fast;  /* MEM_SNDQ in use up to which no send is limited */
	uint64_t wake_bytes; /* room kept for waiters ahead (tcp_mem.c) */
	uint64_t stall_us;   /* tcp.stall_timeout_ms */
	uint64_t reclaim_at; /* now_us of the last pressure scan (0: none) */
	uint32_t max_orphans, orphan_retries;
	/* active open (tcp_connect.c): tcp.ephemeral_min..max (host
	 * order), where the next search for a port starts (an index into
	 * this lcore's share), SYN retransmissions before giving up */
	uint16_t eph_min, eph_max;
	uint32_t eph_next;
	uint32_t syn_retries;
	/* RSS-aware ports (eph_rss): the port's Toeplitz key and the RETA
	 * entries (up to 512) that send to this lcore's queue; eph_rss6
	 * when the port hashes IPv6/TCP too (else IPv6 peers get the fixed
	 * split) */
	bool eph_rss;
	bool eph_rss6;
	uint16_t rss_reta_mask;
	uint8_t rss_key[TCP_RSS_KEY_LEN];
	uint64_t rss_ours[TCP_RSS_RETA_MAX / 64];
	/* RFC 5961 §7 challenge ACK budget of the current second */
	uint64_t chack_sec;
	uint32_t chack_left;
	struct tcp_steer *steer; /* owner directory (several lcores), or NULL */
	/* last cookie SYN-ACK (AUTO mode validates cookies only after one) */
	uint64_t cookie_sent_us;
	bool cookie_sent;
	/* an acknowledged answer's mbuf kept for the next answer while one
	 * segment is processed (tcp_sndq_pop_keep), else NULL */
	struct rte_mbuf *spare;
	/* the connection whose queue the spare left (tcp_sndq_pop_keep);
	 * NULL whenever spare is (tcp_send_reserve tests it alone) */
	struct tcp_conn *spare_of;
};
_Static_assert(offsetof(struct tcp_lcore, pending) ==
		       TCP_LCORE_W_PENDING * sizeof(struct tcp_conn *) &&
	       offsetof(struct tcp_lcore, memwait) ==
		       TCP_LCORE_W_MEMWAIT * sizeof(struct tcp_conn *),
	       "tcp_flush()'s inline test reads these words (tcp.h)");

static inline struct tcp_lcore *
tcp_tl(const struct lcore_ctx *ctx)
{
	return ctx->tcp;
}

/* One received segment, parsed, on tcp_input()'s stack. */
/* A tcp_seg.hw no header has (its PSH bit is masked off), nor any
 * tcp_conn.rcv_pred (tcp_pred_word: PSH off too, or 0). */
#define TCP_HW_NONE UINT32_MAX

struct tcp_seg {
	const struct rte_tcp_hdr *th;
	const uint8_t *data;
	uint32_t seq, ack;
	uint32_t len;  /* payload bytes */
	uint32_t wnd;  /* window field as received (unscaled) */
	/* the header's fourth word (data offset, flags, window) as it is
	 * in memory, PSH off; TCP_HW_NONE when there are options but no
	 * timestamp among them (tcp_parse; header prediction's,
	 * tcp_fast_predict) */
	uint32_t hw;
	uint8_t flags;
	/* the options, next to each other: tcp_parse resets them at once */
	bool has_ts;
	bool sack_ok;
	uint8_t nsack;         /* SACK blocks (RFC 2018 §3) at sack */
	int8_t wscale; /* -1: no option */
	uint16_t mss;  /* 0: no option */
	const uint8_t *sack;   /* nsack * 8 bytes, network order */
	uint32_t tsval, tsecr;
	uint32_t peer_ip; /* network order; IPv6: tcp_ip6_digest(peer6) */
	const uint8_t *peer6; /* IPv6: the source address, else NULL */
	uint8_t lid;          /* TCP_LID_*: the address it was sent to */
	const struct rte_ether_addr *peer_mac;
};

/* The 32-bit key an IPv6 address stands for in the table's peer_ip and
 * the steering directory (the folded words, unkeyed: never a bucket
 * hash; the table hashes the full address, tcp_bucket6; the full address
 * settles a match). */
static inline uint32_t
tcp_ip6_digest(const uint8_t *a)
{
	uint32_t w[4];

	memcpy(w, a, 16);
	return w[0] ^ w[1] ^ w[2] ^ w[3];
}

/* Our IPv4 address for an IPv4 lid: ip.address, or an ip.vips entry. */
static inline uint32_t
tcp_lid_addr4(const struct lcore_ctx *ctx, uint8_t lid)
{
	return likely(lid == TCP_LID_V4) ? ctx->ifc->ip :
	       ctx->cfg->vips[lid - TCP_LID_VIP].addr;
}

/* Our IPv6 address for lid (TCP_LID_V6 or TCP_LID_V6_LL). */
static inline const uint8_t *
tcp_lid_addr6(const struct netif *ifc, uint8_t lid)
{
	return lid == TCP_LID_V6_LL ? ifc->ip6_ll : ifc->ip6;
}

/* Per-mbuf state of queued mbufs, in an mbuf dynamic field: the send
 * queue's link (transmitted mbufs must keep m->next NULL), and the
 * out-of-order queue's link, sequence and FIN. */
struct tcp_mbuf_meta {
	struct rte_mbuf *next;
	uint32_t seq;
	uint32_t fin;
	/* send queue: TCP_SUM_KNOWN | the ones'-complement sum of the
	 * payload (tcp_send_reserve), or 0 when it must be computed */
	uint32_t sum;
};
#define TCP_SUM_KNOWN 0x10000u
/* with TCP_SUM_KNOWN (tcp_send_reserve): the mbuf's headroom still holds
 * the Ethernet, IPv4 and TCP headers of its connection's one-pass
 * segment (tcp_frame.c) from its last use, the same connection's answer
 * (the spare): only the fields that change are written again */
#define TCP_SUM_HDR 0x20000u
/* The headers in front of an IPv4 one-pass segment with timestamps
 * (tcp_frame.c): Ethernet, IPv4, TCP with NOP NOP TS, no SACK block. */
#define TCP_FIRST_HDR4_TS (RTE_ETHER_HDR_LEN + 20 + TCP_HLEN + TCP_TS_OPTLEN)
extern int tcp_meta_off;

static inline struct tcp_mbuf_meta *
tcp_meta(struct rte_mbuf *m)
{
	return RTE_MBUF_DYNFIELD(m, tcp_meta_off, struct tcp_mbuf_meta *);
}

/* Payload bytes of a send-queue mbuf (prepending headers keeps the
 * end). */
static inline uint32_t
tcp_mlen(const struct rte_mbuf *m)
{
	return (uint32_t)m->data_off + m->data_len - TCP_SNDQ_DOFF;
}

/* Where a send-queue mbuf's payload starts. */
static inline uint8_t *
tcp_mdata(const struct rte_mbuf *m)
{
	return (uint8_t *)m->buf_addr + TCP_SNDQ_DOFF;
}

/* Headers in front of the payload (sent whole, tcp_out.c): nothing is
 * appended to it any more. */
static inline bool
tcp_msealed(const struct rte_mbuf *m)
{
	return m->data_off != TCP_SNDQ_DOFF;
}

static inline uint32_t
tcp_min(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

static inline uint32_t
tcp_max(uint32_t a, uint32_t b)
{
	return a > b ? a : b;
}

/* The right edge of the receive window: rcv_nxt + rcv_wnd, or while the
 * application bounds it (TCF_RCV_LIM) the edge announced last. */
static inline uint32_t
tcp_rcv_edge(const struct tcp_conn *c)
{
	if (likely(!(c->flags & TCF_RCV_LIM)))
		return c->rcv_nxt + c->rcv_wnd;
	return c->rcv_adv;
}

/* c holds send or out-of-order mbufs: on the lcore's holders list, where
 * tcp_mem_reclaim() and the out-of-order pruner look for victims. */
static inline void
tcp_hold(struct tcp_lcore *tl, struct tcp_conn *c)
{
	if (c->hold_pprev)
		return;
	c->hold_next = tl->holders;
	c->hold_pprev = &tl->holders;
	if (tl->holders)
		tl->holders->hold_pprev = &c->hold_next;
	tl->holders = c;
}

/* Off the holders list once c holds nothing (or goes). */
static __rte_always_inline void
tcp_unhold(struct tcp_conn *c, bool force)
{
	if (!c->hold_pprev || (!force && (c->sndq_head || c->ooo)))
		return;
	*c->hold_pprev = c->hold_next;
	if (c->hold_next)
		c->hold_next->hold_pprev = c->hold_pprev;
	c->hold_pprev = NULL;
}

/* Our timestamp clock: 1 ms ticks (RFC 7323 §5.4) plus the offset. */
static inline uint32_t
tcp_ts_now(const struct lcore_ctx *ctx, uint32_t off)
{
	return (uint32_t)(ctx->now_us / 1000) + off;
}

/*
 * The MSS we announce: the configured one (tl->our_mss, within the MTU),
 * and never more than one RX mbuf holds after Ethernet, IPv4 and TCP
 * headers (the peer deducts its options from it, RFC 6691 §2), so a
 * full segment from the peer is always one mbuf (eth_input drops
 * chained ones).
 */
static inline uint16_t
tcp_our_mss_calc(const struct lcore_ctx *ctx, const struct tcp_lcore *tl)
{
	uint32_t room = rte_pktmbuf_data_room_size(ctx->pool);
	uint32_t hdrs = RTE_PKTMBUF_HEADROOM + RTE_ETHER_HDR_LEN + 20 + TCP_HLEN;

	room = room > hdrs + TCP_MIN_MSS ? room - hdrs : TCP_MIN_MSS;
	return (uint16_t)tcp_min(tl->our_mss, room);
}

/* tcp_our_mss_calc, computed once (the pool and the MTU stay). */
static inline uint16_t
tcp_our_mss(const struct lcore_ctx *ctx, const struct tcp_lcore *tl)
{
	RTE_ASSERT(tl->ann_mss == tcp_our_mss_calc(ctx, tl));
	(void)ctx;
	return tl->ann_mss;
}

/*
 * IPv6 sizes for a connection to peer6 (tcp_pmtu.c): the header is 20
 * bytes longer, and a packet-too-big recorded for the peer
 * (nd_pmtu_lookup, never below 1280) bounds what we send: *ours (what
 * we announce) and *lim (what we send at most) shrink to fit, the 1220
 * of the minimum MTU at the least.
 */
void tcp_mss6_fit(struct lcore_ctx *ctx, const uint8_t *peer6, uint16_t *ours,
		  uint16_t *lim);

/*
 * A peer's MSS option, raised to tcp.min_snd_mss (as Linux's
 * tcp_min_snd_mss): a peer asking for tiny segments would otherwise
 * make every byte we queue cost a whole segment. 0: no option.
 */
static inline uint16_t
tcp_peer_mss(struct lcore_ctx *ctx, const struct tcp_seg *s)
{
	uint32_t floor = tcp_max(ctx->cfg->tcp_min_snd_mss, TCP_MIN_MSS);

	if (s->mss == 0)
		return 0;
	if (s->mss < floor) {
		STAT_INC(ctx, tcp_mss_raised);
		return (uint16_t)floor;
	}
	return s->mss;
}

/*
 * RFC 3042 Limited Transmit: the first two duplicate ACKs each let one
 * more segment of new data out past cwnd (never a retransmission: the
 * output loop only reaches new data past snd_max with it).
 */
static inline uint32_t
tcp_cwnd_lt(const struct tcp_conn *c)
{
	if (c->dupacks == 0 || c->dupacks > 2 || (c->flags & TCF_RECOVERY))
		return c->cwnd;
	return c->cwnd + (uint32_t)c->dupacks * c->mss;
}

/* tcp_conn.c: table, pool, lists, state accounting */
/* The connection of (ip, pport, lport, lid) and, for IPv6 (lid &
 * TCP_LID_V6), the peer's full address peer6 (ip its digest); IPv4
 * callers pass TCP_LID_V4, NULL. NULL when none. */
struct tcp_conn *tcp_conn_lookup(const struct tcp_lcore *tl, uint32_t ip,
				 uint16_t pport, uint16_t lport, uint8_t lid,
				 const uint8_t *peer6);
struct tcp_conn *tcp_conn_alloc(struct lcore_ctx *ctx, uint32_t ip,
				uint16_t pport, uint16_t lport, uint8_t lid,
				const uint8_t *peer6);
void tcp_conn_free(struct lcore_ctx *ctx, struct tcp_conn *c);
/* c moves to state s (the lcore's per-state counts follow). */
static inline void
tcp_set_state(struct tcp_lcore *tl, struct tcp_conn *c, uint8_t s)
{
	tl->state_count[c->state]--;
	tl->state_count[s]++;
	c->state = s;
}
void tcp_app_closed(struct lcore_ctx *ctx, struct tcp_conn *c,
		    enum tcp_close_reason why);
void tcp_time_wait(struct lcore_ctx *ctx, struct tcp_conn *c);
void tcp_time_wait_restart(struct lcore_ctx *ctx, struct tcp_conn *c);
void tcp_schedule(struct lcore_ctx *ctx, struct tcp_conn *c);
_Static_assert(offsetof(struct tcp_conn, timer_kind) ==
		       offsetof(struct tcp_conn, state) + 1 &&
	       offsetof(struct tcp_conn, lid) ==
		       offsetof(struct tcp_conn, state) + 2 &&
	       offsetof(struct tcp_conn, flags) ==
		       offsetof(struct tcp_conn, state) + 4,
	       "tcp_dec_word reads state, timer_kind, lid and flags at once");

/* The word of struct tcp_conn from state to flags as it is in memory
 * with these values (the byte after lid left 0): a mask or a pattern
 * for tcp_dec_load, in either byte order (constants fold). The send
 * side's decided cases (tcp_frame.c, tcp_sndq.c) test state, timer job,
 * family and flags in one masked compare. */
static __rte_always_inline uint64_t
tcp_dec_word(uint8_t state, uint8_t kind, uint8_t lid, uint32_t flags)
{
	uint8_t b[8] = { state, kind, lid, 0, 0, 0, 0, 0 };
	uint64_t w;

	memcpy(&b[4], &flags, 4);
	memcpy(&w, b, 8);
	return w;
}

static __rte_always_inline uint64_t
tcp_dec_load(const struct tcp_conn *c)
{
	uint64_t w;

	memcpy(&w, &c->state, 8);
	return w;
}

/* c may queue data (TCPF_CAN_SEND) and the application has not closed
 * it nor is it dead, but for the flags in also: ESTABLISHED with none of
 * them in one masked compare, else the two tests (CLOSE_WAIT). */
static __rte_always_inline bool
tcp_can_queue(const struct tcp_conn *c, const uint32_t also)
{
	const uint32_t f = TCF_APP_CLOSED | TCF_DEAD | also;

	if (likely((tcp_dec_load(c) & tcp_dec_word(0xff, 0, 0, f)) ==
		   tcp_dec_word(TCP_ESTABLISHED, 0, 0, 0)))
		return true;
	return (TCPF(c->state) & TCPF_CAN_SEND) && !(c->flags & f);
}

/* An ACK that freed send-queue space calls ops->writable (tcp_rcv_ack,
 * tcp_fast_ack_all): there is one, and its application either wants
 * every such ACK (TCF_WR_ALL: ops->writable_asked false) or asked for
 * them now (tcp_want_writable). An application that asks (HTTP) is
 * usually not waiting: one flag test, no read of ops. */
static __rte_always_inline bool
tcp_ack_writable(const struct tcp_conn *c)
{
	if (likely(!(c->flags & (TCF_WR_WANT | TCF_WR_ALL))))
		return false;
	return c->ops->writable != NULL;
}

/* tcp_schedule's body (tcp_conn.c), inline for tcp_send_reserve: c on
 * the lcore's output list (tcp_flush), once, unless it is dead. */
static inline void
tcp_schedule_inline(struct tcp_lcore *tl, struct tcp_conn *c)
{
	if (c->flags & (TCF_PENDING | TCF_DEAD))
		return;
	c->flags |= TCF_PENDING;
	c->pnext = tl->pending;
	c->pprev = &tl->pending;
	if (tl->pending)
		tl->pending->pprev = &c->pnext;
	tl->pending = c;
}
/* The listener of port (network order), or NULL: inline, a SYN's. */
static inline const struct tcp_listener *
tcp_listener_find(const struct tcp_lcore *tl, uint16_t port)
{
	for (uint32_t i = 0; i < tl->nlisten; i++)
		if (tl->listen[i].port == port)
			return &tl->listen[i];
	return NULL;
}

/* tcp_state.c: a segment for c in SYN_RECEIVED or a synchronized state
 * (RFC 9293 §3.10.7.4 in its order); true when m was kept. */
bool tcp_rcv_state(struct lcore_ctx *ctx, struct tcp_conn *c,
		   struct rte_mbuf *m, struct tcp_seg *s);
/* tcp_state.c: an acceptable ACK (RFC 9293 §3.10.7.4 fifth); false when
 * the segment must not be processed further (c closed or freed). */
bool tcp_rcv_ack(struct lcore_ctx *ctx, struct tcp_conn *c,
		 const struct tcp_seg *s);

/* tcp_fast.h: header prediction (tcp_fast_rcv), inline in tcp_input. */

/* tcp_reass.c: text and FIN of an accepted segment; true if m was kept */
bool tcp_rcv_data(struct lcore_ctx *ctx, struct tcp_conn *c,
		  struct rte_mbuf *m, const struct tcp_seg *s);
void tcp_ooo_free(struct lcore_ctx *ctx, struct tcp_conn *c);
/* The application left c->rcv_left bytes: unreceive them. */
void tcp_rcv_unread(struct lcore_ctx *ctx, struct tcp_conn *c);
/* Free c's highest-sequence out-of-order mbuf; false when none. */
bool tcp_ooo_prune_one(struct lcore_ctx *ctx, struct tcp_conn *c);

/* tcp_sndq.c: tcp_send_reserve for every case but its first (c's own
 * spare into an empty queue); the same mbuf, queue and counters. */
void *tcp_send_reserve_rest(struct lcore_ctx *ctx, struct tcp_conn *c,
			    uint32_t len, uint16_t sum);
/* tcp_out.c: segments */
uint16_t tcp_rcv_win_lim(struct tcp_conn *c);
void tcp_output(struct lcore_ctx *ctx, struct tcp_conn *c);
void tcp_send_ack(struct lcore_ctx *ctx, struct tcp_conn *c);
void tcp_send_rst(struct lcore_ctx *ctx, struct tcp_conn *c);
void tcp_send_probe(struct lcore_ctx *ctx, struct tcp_conn *c);
void tcp_xmit_data(struct lcore_ctx *ctx, struct tcp_conn *c, uint32_t seq,
		   uint32_t len, uint8_t flags);
/* NOP NOP TS at o (TCP_TS_OPTLEN bytes). */
void tcp_opt_ts(uint8_t *o, uint32_t tsval, uint32_t tsecr);
/* A fresh mbuf with room for a TCP header of hlen bytes (options
 * included) and len bytes; the header, or NULL (counted). */
struct rte_tcp_hdr *tcp_seg_alloc(struct lcore_ctx *ctx, struct rte_mbuf **mp,
				  uint32_t hlen, uint32_t len);

/* tcp_reply.c: SYN-ACKs, and replies without a connection */
void tcp_send_synack(struct lcore_ctx *ctx, struct tcp_conn *c);
/* tcp_send_synack answering the SYN in m, in m itself when it may be
 * (tcp_mbuf_reusable): true when m was consumed. */
bool tcp_send_synack_in(struct lcore_ctx *ctx, struct tcp_conn *c,
			struct rte_mbuf *m);
void tcp_reply_rst(struct lcore_ctx *ctx, const struct tcp_seg *s);
void tcp_reply_synack_cookie(struct lcore_ctx *ctx, const struct tcp_seg *s,
			     uint32_t cookie, uint16_t mss, uint32_t tsval);

/* The sending side of a new connection, both opens: the payload per
 * segment (the MSS less the options every segment carries, RFC 9293
 * §3.7.1, and what one mbuf holds) and the initial window (RFC 6928 §2:
 * IW = min(10*MSS, max(2*MSS, 14600))), slow start unbounded. */
static inline void
tcp_conn_send_init(const struct tcp_lcore *tl, struct tcp_conn *c,
		   uint32_t snd_mss, bool ts)
{
	c->mss = (uint16_t)tcp_min(snd_mss - (ts ? TCP_TS_OPTLEN : 0),
				   tl->seg_cap);
	c->cwnd = tcp_min(TCP_IW_SEGS * (uint32_t)c->mss,
			  tcp_max(2u * c->mss, 14600));
	c->ssthresh = 1u << 30;
}

/* tcp_open.c: the passive open */
/* No connection for s (in m): LISTEN processing (RFC 9293 §3.10.7.2) or
 * a reset (§3.10.7.1). A connection to run s through, or NULL; *kept:
 * m was consumed (the SYN-ACK went in it), else it is the caller's. */
struct tcp_conn *tcp_rcv_listen(struct lcore_ctx *ctx, struct rte_mbuf *m,
				const struct tcp_seg *s, bool *kept);
/* The ACK of our SYN in SYN_RECEIVED (RFC 9293 §3.10.7.4 fifth): to
 * ESTABLISHED, the application asked to accept. false when the segment
 * is done with (refused, gone, or nothing more in it); true: the caller
 * goes on with it as an ESTABLISHED one (tcp_rcv_acked). */
bool tcp_rcv_syn_received(struct lcore_ctx *ctx, struct tcp_conn *c,
			  const struct tcp_seg *s);
/* tcp_rcv_state's decided handshake ACK: tcp_rcv_syn_received, then
 * tcp_rcv_acked if it asks; true when m was kept. */
bool tcp_rcv_hs_ack(struct lcore_ctx *ctx, struct tcp_conn *c,
		    struct rte_mbuf *m, struct tcp_seg *s);
/* tcp_state.c: tcp_rcv_state's steps from the ACK on (its acceptability,
 * TS.Recent, ACK processing, text, FIN); true when m was kept. */
bool tcp_rcv_acked(struct lcore_ctx *ctx, struct tcp_conn *c,
		   struct rte_mbuf *m, struct tcp_seg *s);
/* tcp_sndq.c: bytes acknowledged leave c's send queue; the whole queue
 * freed (the connection's end). */
void tcp_sndq_drop(struct lcore_ctx *ctx, struct tcp_conn *c, uint32_t bytes);
void tcp_sndq_free(struct lcore_ctx *ctx, struct tcp_conn *c);

/* tcp_sndq_unlink but for the holders list: c stays on it even when its
 * queue is now empty (the caller sees to it); the MEM_SNDQ charge goes
 * back when release (false: the mbuf keeps it, tcp_sndq_pop_keep). */
static __rte_always_inline struct rte_mbuf *
tcp_sndq_unlink_held(struct lcore_ctx *ctx, struct tcp_conn *c,
		     const bool release)
{
	struct rte_mbuf *m = c->sndq_head;

	c->sndq_head = tcp_meta(m)->next;
	if (c->snd_cur == m)
		c->snd_cur = NULL;
	c->sndq_off = 0;
	c->nsndq--;
	c->progress_us = ctx->now_us;
	if (release)
		mem_release_mbuf(&ctx->mem, MEM_SNDQ);
	if (!c->sndq_head)
		c->sndq_tail = NULL;
	return m;
}

/* The head mbuf, acknowledged to its end, leaves the send queue (its
 * bytes already deducted from sndq_len) and its MEM_SNDQ charge; the
 * caller then owns the queue's reference. */
static inline struct rte_mbuf *
tcp_sndq_unlink(struct lcore_ctx *ctx, struct tcp_conn *c)
{
	struct rte_mbuf *m = tcp_sndq_unlink_held(ctx, c, true);

	if (!c->sndq_head)
		tcp_unhold(c, false);
	return m;
}

/* tcp_sndq_drop's step: the head mbuf, acknowledged to its end, leaves
 * the send queue and goes back to the pool. */
static inline void
tcp_sndq_pop(struct lcore_ctx *ctx, struct tcp_conn *c)
{
	rte_pktmbuf_free_seg(tcp_sndq_unlink(ctx, c));
}

/* m, acknowledged and off c's queue, becomes the lcore's spare when m's
 * only reference is ours, direct and of this lcore's pool
 * (tcp_sndq_pop_keep below); false: the caller frees it. The spare is
 * free: its callers run in a segment's ACK processing (tcp_fast_ack_all
 * first of all), only they set it, and it never outlives the segment's
 * processing (tcp_fast_take drops it at the end). */
static __rte_always_inline bool
tcp_spare_keep(struct lcore_ctx *ctx, struct tcp_lcore *tl,
	       struct tcp_conn *c, struct rte_mbuf *m)
{
	RTE_ASSERT(tl->spare == NULL);
	if (likely(rte_mbuf_refcnt_read(m) == 1 && RTE_MBUF_DIRECT(m) &&
		   m->pool == ctx->pool)) {
		/* the queue's last mbuf, or cut loose (tcp_sndq_pop_keep):
		 * tcp_send_reserve_own does not write its next again */
		RTE_ASSERT(tcp_meta(m)->next == NULL);
		tl->spare = m;
		tl->spare_of = c;
		ctx->mem.held++;
		return true;
	}
	return false;
}

/*
 * tcp_sndq_pop keeping the spare (tcp_fast_pop_one is its one-mbuf form
 * on the fast ACK; the unit tests drive the spare through this): an
 * acknowledged mbuf whose only reference is the queue's (its TX
 * completion done), direct and of this lcore's pool, becomes the
 * lcore's spare (tcp_lcore.spare) instead of going back to the pool:
 * the answer to the request this segment carries
 * takes it (tcp_sndq_mbuf, tcp_send_reserve) instead of a pool get. The
 * spare never outlives the segment's processing (tcp_spare_drop,
 * tcp_fast_rcv), and the pool's reserve check counts it as free
 * (mem_budget.held). It keeps its MEM_SNDQ charge (memory the send side
 * still holds): c's answer takes it with no charge of its own
 * (tcp_send_reserve), and every other way out gives the charge back
 * (tcp_spare_take, tcp_spare_drop, tcp_send_reserve_rest).
 * c stays on the holders list meanwhile (spare_of):
 * its answer usually takes the spare and holds again; whatever takes
 * the spare otherwise takes c off (tcp_spare_take, tcp_spare_drop).
 */
static __rte_always_inline void
tcp_sndq_pop_keep(struct lcore_ctx *ctx, struct tcp_conn *c)
{
	struct rte_mbuf *m = tcp_sndq_unlink_held(ctx, c, false);

	tcp_meta(m)->next = NULL; /* a spare has none (tcp_spare_keep) */
	if (unlikely(!tcp_spare_keep(ctx, tcp_tl(ctx), c, m))) {
		mem_release_mbuf(&ctx->mem, MEM_SNDQ);
		if (!c->sndq_head)
			tcp_unhold(c, false);
		rte_pktmbuf_free_seg(m);
	}
}

/* The spare, out of tl, for a send queue of c that charged MEM_SNDQ for
 * it already (tcp_send): its own charge goes back, and the connection
 * it came from leaves the holders list if it holds nothing (c itself
 * holds it again at once). */
static inline struct rte_mbuf *
tcp_spare_take(struct lcore_ctx *ctx, struct tcp_lcore *tl,
	       struct tcp_conn *c)
{
	struct rte_mbuf *m = tl->spare;
	struct tcp_conn *of = tl->spare_of;

	tl->spare = NULL;
	tl->spare_of = NULL;
	ctx->mem.held--;
	mem_release_mbuf(&ctx->mem, MEM_SNDQ);
	if (unlikely(of != c))
		tcp_unhold(of, false);
	return m;
}

/* A fresh mbuf for c's send queue: the spare, reset as
 * rte_pktmbuf_alloc() resets what it takes from the pool, else one from
 * the pool; NULL when the pool is empty. */
static inline struct rte_mbuf *
tcp_sndq_mbuf(struct lcore_ctx *ctx, struct tcp_conn *c)
{
	struct tcp_lcore *tl = tcp_tl(ctx);
	struct rte_mbuf *m;

	if (tl->spare == NULL)
		return rte_pktmbuf_alloc(ctx->pool);
	m = tcp_spare_take(ctx, tl, c);
	rte_pktmbuf_reset(m);
	return m;
}

/* The spare, unused, goes back to the pool with its MEM_SNDQ charge, and
 * the connection it came from off the holders list if it holds nothing. */
static inline void
tcp_spare_drop(struct lcore_ctx *ctx)
{
	struct tcp_lcore *tl = tcp_tl(ctx);

	ctx->mem.held--;
	mem_release_mbuf(&ctx->mem, MEM_SNDQ);
	rte_pktmbuf_free_seg(tl->spare);
	tl->spare = NULL;
	tcp_unhold(tl->spare_of, false);
	tl->spare_of = NULL;
}

/* tcp_frame.c: send m, a segment of c (data at its TCP header), as a whole
 * frame to the peer's MAC; sum: TCP_SUM_KNOWN | its payload's sum, or 0.
 * Consumes m. */
void tcp_xmit_sum(struct lcore_ctx *ctx, struct tcp_conn *c,
		  struct rte_mbuf *m, uint32_t sum);
/*
 * tcp_frame.c: tcp_output's common case, its conditions checked by the
 * caller (tcp_output_one): the queue is one whole unsent mbuf, sent as
 * one segment with ACK and PSH, from an IPv4 connection with no SACK
 * block to report. Headers and sums in one pass (the bytes tcp_fill +
 * tcp_xmit_sum make), then what the output loop does after such a
 * segment: RTT sample, ACK owed paid, snd_nxt/snd_max, the loss probe.
 * m is the queue's mbuf (sndq_head), seq snd_nxt, len its sndq_len, as
 * the caller read them for its test.
 */
void tcp_xmit_first(struct lcore_ctx *ctx, struct tcp_conn *c,
		    struct rte_mbuf *m, uint32_t seq, uint32_t len);
/*
 * tcp_output's common case, decided in advance: an ESTABLISHED
 * connection with nothing in flight whose queue is one whole unsent mbuf
 * (an answer) that fits the MSS and both windows. The general loop
 * (tcp_output_rest) would send it in place as one segment with PSH (all
 * of it fits: no SWS wait), start an RTT sample and the retransmission
 * timer (or loss probe), and leave no ACK owed; tcp_xmit_first,
 * tcp_xmit_first6 or tcp_output_one_opt (SACK blocks to report) do the
 * same without the loop's tests. now_us: ctx->now_us; stall_q: a quarter
 * of tl->stall_us (a queue stalled that long goes the loop's way, which
 * looks at it: tcp_stall_check).
 */
static __rte_always_inline bool
tcp_output_one_ok(const struct tcp_conn *c, uint64_t now_us, uint64_t stall_q)
{
	const struct rte_mbuf *m = c->sndq_head;
	uint32_t len = c->sndq_len;

	/* snd_una <= snd_nxt <= snd_max: nothing in flight is snd_max ==
	 * snd_una. len != 0: the queue holds an mbuf (m); the only one
	 * (m == sndq_tail), whole (sndq_off 0) and unsent (not sealed):
	 * its data_len is len. Within cwnd, so within what Limited
	 * Transmit allows (tcp_cwnd_lt); past cwnd the loop decides. */
	return !(c->state != TCP_ESTABLISHED ||
		 (c->flags & (TCF_PERSIST | TCF_FIN_SENT | TCF_ORPHAN_RST)) ||
		 c->snd_max != c->snd_una ||
		 len == 0 || m != c->sndq_tail || c->sndq_off != 0 ||
		 tcp_msealed(m) || len > c->mss ||
		 len > c->snd_wnd || len > c->cwnd ||
		 now_us - c->progress_us >= stall_q);
}
/* tcp_out.c: tcp_output_one_ok's segment with SACK blocks to report
 * (IPv4 or IPv6), by tcp_fill and tcp_xmit_sum. */
void tcp_output_one_opt(struct lcore_ctx *ctx, struct tcp_conn *c);
/* tcp_out.c: tcp_output past its common case (tcp_output_one_ok false):
 * the closing answer, TIME_WAIT's ACK, the general loop. */
void tcp_output_rest(struct lcore_ctx *ctx, struct tcp_conn *c);
/* tcp_frame.c: tcp_output for each connection on tl's output list, in
 * one loop (tcp_flush_lists), tcp_output_one_ok's IPv4 frame inline: the
 * registers the frame needs are saved once per list, not per segment. */
void tcp_output_list(struct lcore_ctx *ctx, struct tcp_lcore *tl);
/* tcp_frame.c: the segment of m, a whole unsent send-queue mbuf, in that
 * mbuf, headers and sums in one pass and tcp_fill's ACK bookkeeping; for
 * tcp_xmit_data when tcp_xmit_one_pass(c). The caller holds the queue's
 * reference. */
void tcp_xmit_in_place(struct lcore_ctx *ctx, struct tcp_conn *c,
		       struct rte_mbuf *m, uint32_t seq, uint8_t flags);

/*
 * Header prediction's word for c (c->rcv_pred, read by tcp_fast_predict),
 * as Linux's pred_flags: the TCP header's fourth word (data offset,
 * flags, window; network order, PSH masked off) that the next predicted
 * segment carries: the header length timestamps make (TCF_TS), ACK alone
 * and the window held, snd_wnd >> snd_wscale. 0 while that window is 0:
 * no header that tcp_parse passes has that word (its data offset would
 * be 0), nor is it TCP_HW_NONE, so such a segment takes the general
 * path. Every writer of
 * TCF_TS, snd_wscale or snd_wnd on a connection that is or becomes
 * ESTABLISHED makes it again after writing (tcp_established, the active
 * open's SYN-ACK, tcp_snd_wnd_take); tcp_fast_wnd's write never changes
 * it (see there). Before ESTABLISHED it is 0 (tcp_conn_zero).
 */
static __rte_always_inline uint32_t
tcp_pred_word(const struct tcp_conn *c)
{
	uint32_t hlen = TCP_HLEN + ((c->flags & TCF_TS) ? TCP_TS_OPTLEN : 0);
	uint32_t wnd = c->snd_wnd >> c->snd_wscale;

	if (wnd == 0)
		return 0;
	return rte_cpu_to_be_32((hlen / 4) << 28 |
				(uint32_t)RTE_TCP_ACK_FLAG << 16 | wnd);
}

/*
 * RFC 9293 §3.8.6.3: an ACK at least every second full segment, else
 * tcp_output delays it (tl->delack_us; 0: never, the ACK goes at once).
 * The bound on rcv_unacked past which the fast path asks for the ACK at
 * once (TCF_ACK_NOW), made once per connection (c->rcv_ack_at) when it
 * becomes ESTABLISHED (tcp_established, the active open's SYN-ACK:
 * rcv_mss, TCF_TS and tl->delack_us are set by then and never change):
 * two segments of rcv_mss less the timestamps' option bytes; 0 without
 * delayed ACKs (every segment is ACKed at once).
 */
static __rte_always_inline uint32_t
tcp_ack_at(const struct tcp_lcore *tl, const struct tcp_conn *c)
{
	if (tl->delack_us == 0)
		return 0;
	return 2u * (c->rcv_mss - ((c->flags & TCF_TS) ? TCP_TS_OPTLEN : 0));
}

/*
 * RFC 9293 §3.10.7.4: the send window wnd (scaled) taken from a segment
 * (seq, ack) newer than the one that last set it (SND.WL1, SND.WL2).
 * Returns true when taken, with *grew set when the window grew.
 */
static __rte_always_inline bool
tcp_snd_wnd_take(struct tcp_conn *c, uint32_t seq, uint32_t ack,
		 uint32_t wnd, bool *grew)
{
	if (!(SEQ_LT(c->snd_wl1, seq) ||
	      (c->snd_wl1 == seq && SEQ_LEQ(c->snd_wl2, ack))))
		return false;
	*grew = wnd > c->snd_wnd;
	c->snd_wnd = wnd;
	c->rcv_pred = tcp_pred_word(c);
	c->snd_wl1 = seq;
	c->snd_wl2 = ack;
	if (wnd > c->max_snd_wnd)
		c->max_snd_wnd = wnd;
	return true;
}

/* tcp_frame.c: a segment of c without data at seq with flags in a fresh
 * mbuf, one pass and tcp_fill's ACK bookkeeping, when
 * tcp_xmit_one_pass(c) (counts tcp_drop_nombuf without an mbuf). */
void tcp_xmit_ctl(struct lcore_ctx *ctx, struct tcp_conn *c, uint32_t seq,
		  uint8_t flags);
/* A received segment's mbuf that may carry the answer (a fresh mbuf's
 * stead): one direct segment of this lcore's pool, no other reference.
 * The reference and segment counts (adjacent 16-bit fields, as
 * tcp_rx_free reads them) in one test: 1 and 1 in either byte order; a
 * count that is 1 is ours alone, so no atomic read is needed for it. */
static inline bool
tcp_mbuf_reusable(const struct lcore_ctx *ctx, const struct rte_mbuf *m)
{
	uint32_t rs;

	RTE_BUILD_BUG_ON(offsetof(struct rte_mbuf, nb_segs) !=
			 offsetof(struct rte_mbuf, refcnt) + 2);
	memcpy(&rs, &m->refcnt, 4);
	return rs == 0x00010001u && RTE_MBUF_DIRECT(m) &&
	       m->pool == ctx->pool && m->next == NULL;
}

/* rte_pktmbuf_reset of m, which tcp_mbuf_reusable passed (its next,
 * nb_segs and external-buffer flag already what the reset leaves), but
 * for the layout the caller writes next (data_off, data_len, pkt_len,
 * tx_offload): each field once. */
static __rte_always_inline void
tcp_mbuf_reuse(struct rte_mbuf *m)
{
	m->vlan_tci = 0;
	m->vlan_tci_outer = 0;
	m->port = RTE_MBUF_PORT_INVALID;
	m->ol_flags = 0;
	m->packet_type = 0;
}

/* tcp_frame.c: tcp_xmit_ctl in m, a received segment's mbuf the caller
 * is done with and tcp_mbuf_reusable (IPv4, tcp_xmit_one_pass). Consumes
 * m. */
void tcp_xmit_ctl_reuse(struct lcore_ctx *ctx, struct tcp_conn *c,
			struct rte_mbuf *m, uint32_t seq, uint8_t flags);
/* tcp_frame.c: the SYN-ACK of an IPv4 connection with window scaling,
 * timestamps and SACK, window win, in one pass, in m (the SYN's mbuf,
 * tcp_mbuf_reusable; consumed) or, m NULL, a fresh one; false: no mbuf. */
bool tcp_xmit_synack(struct lcore_ctx *ctx, struct tcp_conn *c, uint16_t win,
		     struct rte_mbuf *m);

/* c's segments can be made in one pass (tcp_xmit_first, tcp_xmit_in_place):
 * IPv4, and no SACK block to report (tcp_sack_optlen is 0). */
static inline bool
tcp_xmit_one_pass(const struct tcp_conn *c)
{
	return !(c->lid & TCP_LID_V6) && c->nrcv_sack == 0 &&
	       !(c->flags & TCF_DSACK);
}
/* tcp_frame.c: tcp_xmit_first for an IPv6 connection (no SACK block to
 * report either): the IPv6 header in that one pass; a function apart so
 * that the IPv4 code keeps its registers and branches. */
void tcp_xmit_first6(struct lcore_ctx *ctx, struct tcp_conn *c,
		     struct rte_mbuf *m, uint32_t seq, uint32_t len);

/* tcp_mem.c: the memory budget's actions */
uint64_t tcp_mem_sndq_units(const struct tcp_lcore *tl,
			    const struct tcp_conn *c);
void tcp_mem_wait(struct tcp_lcore *tl, struct tcp_conn *c);
void tcp_mem_unwait(struct tcp_lcore *tl, struct tcp_conn *c);
void tcp_mem_wake(struct lcore_ctx *ctx);
void tcp_mem_reclaim(struct lcore_ctx *ctx, struct tcp_conn *except);
bool tcp_ooo_make_room(struct lcore_ctx *ctx, struct tcp_conn *c,
		       uint32_t seq);
bool tcp_stall_check(struct lcore_ctx *ctx, struct tcp_conn *c);
uint32_t tcp_retry_limit(const struct tcp_lcore *tl, const struct tcp_conn *c);

/* tcp_sack.c: SACK (RFC 2018), D-SACK (RFC 2883), the bounded scoreboard */
void tcp_sack_rcv_ooo(struct tcp_conn *c, uint32_t seq);
void tcp_sack_rcv_dup(struct tcp_conn *c, uint32_t seq, uint32_t end);
uint32_t tcp_sack_optlen(struct tcp_conn *c, uint32_t len);
void tcp_sack_write(struct lcore_ctx *ctx, struct tcp_conn *c, uint8_t *o,
		    uint32_t optlen);
void tcp_sack_clear(struct tcp_conn *c);
bool tcp_sack_update(struct lcore_ctx *ctx, struct tcp_conn *c,
		     const struct tcp_seg *s, bool *dsack);
void tcp_sack_trim(struct tcp_conn *c);
bool tcp_sack_has(const struct tcp_conn *c, uint32_t seq, uint32_t end);
uint32_t tcp_sack_bytes(const struct tcp_conn *c);
bool tcp_sack_hole(const struct tcp_conn *c, uint32_t from, uint32_t limit,
		   uint32_t *start, uint32_t *end);

/*
 * RACK's send times (tcp_rack.c), per send-queue mbuf in its
 * tcp_mbuf_meta's seq and fin words (which only the out-of-order queue
 * uses otherwise): the low 32 bits of the microsecond clock of its latest
 * transmission, and whether it was sent (TCP_XF_SENT) and sent again
 * (TCP_XF_RETX).
 */
#define TCP_XF_SENT 1u
#define TCP_XF_RETX 2u

static inline uint32_t *
tcp_xts(struct rte_mbuf *m)
{
	return &tcp_meta(m)->seq;
}

static inline uint32_t *
tcp_xfl(struct rte_mbuf *m)
{
	return &tcp_meta(m)->fin;
}

/*
 * RFC 8985 §6.2 steps 1-2 for send-queue mbuf m, newly and cumulatively
 * acknowledged up to hi (its part's end) at now: RACK.min_RTT, and
 * RACK.xmit_ts/end_seq/rtt when m went out after the most recently sent
 * segment delivered so far. A retransmission faster than min_RTT may be
 * the original's ACK and is not taken. tcp_rack_ack_cum's step per mbuf;
 * the fast path's for the one mbuf it releases.
 */
static __rte_always_inline void
tcp_rack_deliver(struct tcp_conn *c, struct rte_mbuf *m, uint32_t now,
		 uint32_t hi)
{
	uint32_t fl = *tcp_xfl(m), xts, rtt, rtt1;

	if (!(fl & TCP_XF_SENT))
		return;
	xts = *tcp_xts(m);
	rtt = now - xts;
	/* max(rtt, 1) as rtt + (rtt == 0): GCC made tcp_max a vector
	 * pmaxud with moves to and from SSE registers */
	rtt1 = rtt + (rtt == 0);
	if (!(fl & TCP_XF_RETX)) {
		if (c->rack_min_rtt == 0 || rtt < c->rack_min_rtt)
			c->rack_min_rtt = rtt1;
	} else if (rtt < c->rack_min_rtt) {
		return;
	}
	/* the common case: this delivery was sent after all before it */
	if (likely(c->rack_rtt == 0 || SEQ_LT(c->rack_xmit_ts, xts)) ||
	    (xts == c->rack_xmit_ts && SEQ_GT(hi, c->rack_end_seq))) {
		c->rack_xmit_ts = xts;
		c->rack_end_seq = hi;
		c->rack_rtt = rtt1;
	}
}

/* tcp_rack.c: RACK-TLP (RFC 8985), recovery with the scoreboard (RFC
 * 6675), D-SACK undo. tcp_rack_ack before snd_una moves, tcp_rack_done
 * after the ACK's cumulative part, both from tcp_rcv_ack. */
void tcp_rack_ack(struct lcore_ctx *ctx, struct tcp_conn *c,
		  const struct tcp_seg *s);
void tcp_rack_done(struct lcore_ctx *ctx, struct tcp_conn *c,
		   const struct tcp_seg *s, uint32_t prior_una);
void tcp_rack_sent(struct lcore_ctx *ctx, struct tcp_conn *c, uint32_t seq,
		   uint32_t len);
void tcp_rack_arm(struct lcore_ctx *ctx, struct tcp_conn *c, bool fresh);
/* tcp_rack_sent + tcp_rack_arm(.., true) for tcp_output's one-segment
 * first transmission of the whole queue (m): tcp_rack_sent_one_inline. */
void tcp_rack_sent_one(struct lcore_ctx *ctx, struct tcp_conn *c,
		       struct rte_mbuf *m);
void tcp_rack_rto(struct tcp_conn *c);
void tcp_tlp_fire(struct lcore_ctx *ctx, struct tcp_conn *c);
void tcp_rack_fire(struct lcore_ctx *ctx, struct tcp_conn *c);

/*
 * Nothing of loss recovery is pending for c: no SACK scoreboard, no
 * recovery, no probe episode, no reordering timer, no duplicate ACKs
 * counted. A header-prediction fast path may take an ACK of c as a
 * plain one only when this holds and the segment has no SACK option
 * (nsack == 0). Taking one that acknowledges new data on a TCF_SACK
 * connection outside tcp_rcv_ack, it calls tcp_rack_ack() before
 * snd_una moves and tcp_rack_done() after (both cheap then: they walk
 * only the mbufs the ACK releases), or at least re-arms the timer with
 * tcp_rack_arm(ctx, c, true) rather than tcp_rtx_arm(), so the loss
 * probe stays armed.
 */
static inline bool
tcp_loss_quiet(const struct tcp_conn *c)
{
	return c->nsnd_sack == 0 &&
	       !(c->flags & (TCF_RECOVERY | TCF_TLP | TCF_DSACK)) &&
	       c->timer_kind != TT_RACK && c->dupacks == 0;
}

/* tcp_timer.c */
void tcp_timer_fire(struct lcore_ctx *ctx, struct timer *t);
void tcp_delack_fire(struct lcore_ctx *ctx, struct timer *t);
void tcp_arm(struct lcore_ctx *ctx, struct tcp_conn *c, uint8_t kind,
	     uint64_t after_us);
void tcp_disarm(struct lcore_ctx *ctx, struct tcp_conn *c);
void tcp_rtx_arm(struct lcore_ctx *ctx, struct tcp_conn *c);
/* The new SYN_RECEIVED c's SYN-ACK timeout (tcp_open.c's
 * tcp_synack_arm): RTO from now at the tail of tl's SYN-ACK FIFO
 * (tl->syn_timer, fired by tcp_synack_fifo_fire), or on c's own timer
 * where that would break the FIFO's deadline order. */
void tcp_synack_fifo_fire(struct lcore_ctx *ctx, struct timer *t);

/* c (c->tw_pprev set, SYN_RECEIVED) off the SYN-ACK FIFO. */
static inline void
tcp_synack_unlink(struct tcp_lcore *tl, struct tcp_conn *c)
{
	*c->tw_pprev = c->tw_next;
	if (c->tw_next)
		c->tw_next->tw_pprev = c->tw_pprev;
	else
		tl->syn_tail = c->tw_pprev;
	c->tw_pprev = NULL;
}
void tcp_rtt_sample(const struct tcp_lcore *tl, struct tcp_conn *c,
		    uint32_t rtt_us);

/* RFC 8985 §7.2 WCDelAckT for a flight of one segment: the delayed ACK
 * of Linux (40 ms), not the RFC's 200 ms, which would make the probe of
 * a one-segment response no earlier than the RTO. A probe sent too
 * early costs one segment and comes back as a D-SACK. */
#define TCP_TLP_DELACK_US 40000

/* tcp_rack.c's probe timer pto from now (at most the RTO, RFC 8985
 * §7.2), unless the timer already runs out sooner. */
static __rte_always_inline void
tcp_tlp_arm(struct lcore_ctx *ctx, struct tcp_conn *c, uint64_t pto)
{
	uint64_t when = ctx->now_us + RTE_MIN(pto, (uint64_t)c->rto);

	c->timer_kind = TT_TLP;
	c->rtx_deadline = when;
	if (!timer_armed(&c->timer) || c->timer.expire_us > when)
		timer_arm(&ctx->wheel, &c->timer, when);
}

/*
 * tcp_rack_sent() and tcp_rack_arm(ctx, c, true) (tcp_rack.c) for the
 * first transmission of m, the whole send queue, as one segment no
 * longer than the MSS (tcp_output's common case): m is stamped, then the
 * loss probe (or the RTO) armed as tcp_rack_arm arms it for a
 * one-segment flight. Inline in the one-pass frame (tcp_frame.c).
 */
static __rte_always_inline void
tcp_rack_sent_one_inline(struct lcore_ctx *ctx, struct tcp_conn *c,
			 struct rte_mbuf *m)
{
	if (likely(!(c->flags & TCF_SACK))) {
		if (c->timer_kind != TT_RTX)
			tcp_rtx_arm(ctx, c);
		return;
	}
	*tcp_xts(m) = (uint32_t)ctx->now_us;
	*tcp_xfl(m) |= TCP_XF_SENT;
	if (c->timer_kind == TT_RACK)
		return;
	if (c->srtt == 0 || c->retries ||
	    (c->flags & (TCF_TLP | TCF_RECOVERY))) {
		if (c->timer_kind != TT_RTX)
			tcp_rtx_arm(ctx, c);
		return;
	}
	tcp_tlp_arm(ctx, c, 2ull * c->srtt + TCP_TLP_DELACK_US);
}

/*
 * tcp_rtt_sample's body (RFC 6298 §2), inline for the fast path's ACK.
 * max(x, 1) as x + (x == 0): GCC's scalar-to-vector pass turned the
 * RTE_MAX chain into SSE with moves to and from vector registers.
 */
static __rte_always_inline void
tcp_rtt_update(const struct tcp_lcore *tl, struct tcp_conn *c, uint32_t r)
{
	uint32_t srtt = c->srtt, rttvar, rto, v4;

	r += r == 0;
	if (srtt == 0) {
		srtt = r;
		rttvar = r / 2;
	} else {
		uint32_t d = srtt > r ? srtt - r : r - srtt;

		rttvar = c->rttvar - c->rttvar / 4 + d / 4;
		srtt = srtt - srtt / 8 + r / 8;
	}
	c->srtt = srtt;
	c->rttvar = rttvar;
	/* G, the clock granularity, is 1 us here: max(G, 4 * RTTVAR)
	 * adds 1 when rttvar is 0, which a sum under rto_min need not
	 * (the clamp lifts it to rto_min either way; rto_min <= rto_max,
	 * config_check.c): the LAN's case, one compare. */
	v4 = 4 * rttvar;
	rto = srtt + v4;
	if (rto < tl->rto_min) {
		rto = tl->rto_min;
	} else {
		rto += v4 == 0;
		if (rto > tl->rto_max)
			rto = tl->rto_max;
	}
	c->rto = rto;
}
void tcp_persist_enter(struct lcore_ctx *ctx, struct tcp_conn *c);

/* tcp_connect.c: active open. A segment for c in SYN_SENT (RFC 9293
 * §3.10.7.3), true if m was kept; the SYN's RTO expired; tcp_output()
 * for c in SYN_SENT (tcp_close() was called: the connection goes). */
bool tcp_rcv_syn_sent(struct lcore_ctx *ctx, struct tcp_conn *c,
		      struct rte_mbuf *m, const struct tcp_seg *s);
void tcp_syn_expired(struct lcore_ctx *ctx, struct tcp_conn *c);
void tcp_syn_sent_output(struct lcore_ctx *ctx, struct tcp_conn *c);
/* The port's RSS setup, if any, for choosing ephemeral ports (init). */
void tcp_connect_lcore_init(struct lcore_ctx *ctx, struct tcp_lcore *tl);

/* syncookie.c: keyed hashes (ISN, timestamp offsets, cookies) */
int tcp_secret_init(void);
/* ISN and timestamp offset of a 4-tuple: IPv4 (peer6 NULL, pip the
 * peer) or IPv6 (peer6 and our address of lid, over all 16 bytes). */
void tcp_isn(const struct lcore_ctx *ctx, uint32_t pip, const uint8_t *peer6,
	     uint8_t lid, uint16_t pport, uint16_t lport, uint32_t *isn,
	     uint32_t *ts_off);
/* tcp_isn of an IPv4 4-tuple (ports: the peer's << 16 | ours, network
 * order each), by value: the ISN in the low 32 bits, the timestamp
 * offset in the high ones (the passive open's SYN). */
uint64_t tcp_isn4(const struct lcore_ctx *ctx, uint32_t pip, uint8_t lid,
		  uint32_t ports);
uint32_t syncookie_make(const struct lcore_ctx *ctx, const struct tcp_seg *s,
			uint16_t lport, uint16_t *mss);
int syncookie_check(const struct lcore_ctx *ctx, const struct tcp_seg *s,
		    uint16_t lport, uint16_t *mss);
uint32_t syncookie_tsval(const struct lcore_ctx *ctx, uint32_t ts_off,
			 int8_t wscale);
int8_t syncookie_ts_wscale(uint32_t tsecr);
uint64_t tcp_siphash(const void *data, size_t len);

#endif

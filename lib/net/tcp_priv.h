/* SPDX-License-Identifier: BSD-3-Clause */
/* tcp_priv.h: TCP internals shared by tcp_conn/in/out/timer/syncookie. */
#ifndef LR_NET_TCP_PRIV_H
#define LR_NET_TCP_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>

#include "core/lcore.h"
#include "core/timer.h"
#include "net/tcp.h"

/* Sequence space comparisons (RFC 9293 §3.4), modulo 2^32. */
#define SEQ_LT(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) < 0)
#define SEQ_LEQ(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) <= 0)
#define SEQ_GT(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) > 0)
#define SEQ_GEQ(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) >= 0)
/* lo <= x < hi */
#define SEQ_IN(x, lo, hi) (SEQ_GEQ(x, lo) && SEQ_LT(x, hi))

#define TCPF(s) (1u << (s))

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
#define TCP_SYNCHRONIZED                                                    \
	(TCPF(TCP_ESTABLISHED) | TCPF(TCP_CLOSE_WAIT) | TCPF(TCP_LAST_ACK) |   \
	 TCPF(TCP_FIN_WAIT_1) | TCPF(TCP_FIN_WAIT_2) | TCPF(TCP_CLOSING) |     \
	 TCPF(TCP_TIME_WAIT))
/* States in which the peer may still send data. */
#define TCP_RCV_DATA                                                        \
	(TCPF(TCP_ESTABLISHED) | TCPF(TCP_FIN_WAIT_1) | TCPF(TCP_FIN_WAIT_2))
/* States in which our FIN has been queued. */
#define TCP_FIN_QUEUED                                                      \
	(TCPF(TCP_FIN_WAIT_1) | TCPF(TCP_FIN_WAIT_2) | TCPF(TCP_CLOSING) |     \
	 TCPF(TCP_TIME_WAIT) | TCPF(TCP_LAST_ACK))

#define TCP_MAX_LISTEN 8
#define TCP_DEFAULT_MSS 536 /* RFC 9293 §3.7.1 when no MSS option */
#define TCP_IW_SEGS 10      /* RFC 6928 */
#define TCP_HDR_ROOM (RTE_ETHER_HDR_LEN + 20 + 20 + 40)

enum tcp_timer_kind {
	TT_NONE,
	TT_RTX,       /* SYN-ACK, data or FIN retransmission (RFC 6298) */
	TT_PERSIST,   /* zero-window probe (RFC 9293 §3.8.6.1) */
	TT_FIN_WAIT2,
	TT_TIME_WAIT,
};

/* Connection flags */
#define TCF_TS 0x0001        /* timestamps negotiated (RFC 7323) */
#define TCF_WS 0x0002        /* window scaling negotiated */
#define TCF_FIN_SENT 0x0004  /* our FIN went out (snd_nxt counts it) */
#define TCF_ACK_NOW 0x0008   /* send an ACK at the next flush */
#define TCF_PENDING 0x0010   /* on the lcore's flush list */
#define TCF_APP 0x0020       /* accepted: the app owns a state */
#define TCF_APP_CLOSED 0x0040/* app called tcp_close: no more recv */
#define TCF_BUSY 0x0080      /* inside tcp_input for this conn */
#define TCF_DEAD 0x0100      /* freed once tcp_input returns */
#define TCF_WANT_WRITE 0x0200/* app was short of space: call writable */
#define TCF_RECOVERY 0x0400  /* NewReno fast recovery (RFC 6582) */
#define TCF_RTT 0x0800       /* timing a segment for RTT (Karn) */
#define TCF_FIN_RCVD 0x1000  /* peer's FIN taken in order */

struct tcp_conn {
	/* lookup: touched by every segment */
	struct tcp_conn *hnext;
	uint32_t peer_ip;   /* network order */
	uint16_t peer_port; /* network order */
	uint16_t local_port;/* network order */
	uint8_t state;
	uint8_t snd_wscale; /* shift applied to the peer's window */
	uint8_t rcv_wscale; /* shift we announced */
	uint8_t dupacks;
	uint16_t flags;
	uint16_t mss;       /* effective send MSS */
	/* receive side */
	uint32_t rcv_nxt;
	uint32_t ts_recent;
	uint16_t segs_unacked;
	uint16_t nooo;      /* out-of-order segments held */
	/* send side */
	uint32_t iss;
	uint32_t snd_una;
	uint32_t snd_nxt;
	uint32_t snd_max;   /* highest snd_nxt sent */
	uint32_t snd_wnd;   /* peer's window in bytes (scaled) */
	uint32_t snd_wl1, snd_wl2;
	uint32_t cwnd, ssthresh, recover;
	uint32_t sndq_len;  /* bytes queued from snd_una (incl. unsent) */
	uint32_t snd_buf;   /* bound on sndq_len */
	uint16_t sndq_off;  /* offset of snd_una in the first mbuf */
	uint8_t retries;
	uint8_t timer_kind;
	/* RTT (RFC 6298), microseconds */
	uint32_t srtt, rttvar, rto;
	uint32_t rtt_seq;
	uint64_t rtt_start;
	/* queues */
	struct rte_mbuf *sndq_head, *sndq_tail; /* linked by m->next */
	struct rte_mbuf *ooo;                   /* sorted by seq, by m->next */
	/* application */
	const struct tcp_ops *ops;
	void *app;
	struct rte_ether_addr peer_mac;
	struct tcp_conn *flush_next;
	struct timer timer;  /* kinds above */
	struct timer delack;
};

struct tcp_steer;

struct tcp_listener {
	uint16_t port; /* network order */
	const struct tcp_ops *ops;
};

struct tcp_lcore {
	struct tcp_conn **buckets;
	uint32_t bucket_mask;
	uint32_t hash_seed;
	struct tcp_conn *pool;
	struct tcp_conn *free_list;
	uint32_t max_conns;
	uint32_t in_use;
	uint32_t state_count[TCP_NSTATES];
	struct tcp_conn *flush_list;
	struct tcp_listener listen[TCP_MAX_LISTEN];
	uint8_t nlisten;
	uint16_t our_mss;
	uint8_t our_wscale;
	uint32_t rcv_wnd;
	uint32_t snd_buf;
	/* RFC 5961 §7 challenge ACK budget */
	uint64_t chack_window_us;
	uint32_t chack_count;
	/* config, microseconds */
	uint32_t rto_min, rto_max, rto_init, delack_us, timewait_us, finwait2_us;
	uint32_t max_retries, max_halfopen, max_timewait, ooo_max, chack_limit;
	int syncookies; /* enum config_tristate */
	struct tcp_steer *steer; /* shared owner directory; NULL: one lcore */
};

static inline struct tcp_lcore *
tcp_tl(const struct lcore_ctx *ctx)
{
	return ctx->tcp;
}

/* Per-segment parse state, on tcp_input's stack. */
struct tcp_seg {
	struct rte_tcp_hdr *th;
	uint32_t seq, ack;
	uint32_t len; /* payload bytes */
	uint32_t wnd; /* raw 16-bit window */
	uint8_t flags;
	bool has_ts;
	uint32_t tsval, tsecr;
	uint16_t mss;    /* 0 when absent */
	int8_t wscale;   /* -1 when absent */
	bool sack_ok;
	const uint8_t *data;
};

/* tcp_conn.c */
struct tcp_conn *tcp_conn_lookup(struct tcp_lcore *tl, uint32_t ip,
				 uint16_t pport, uint16_t lport);
struct tcp_conn *tcp_conn_alloc(struct lcore_ctx *ctx, uint32_t ip,
				uint16_t pport, uint16_t lport);
void tcp_conn_free(struct lcore_ctx *ctx, struct tcp_conn *c);
void tcp_set_state(struct tcp_lcore *tl, struct tcp_conn *c, uint8_t s);
void tcp_conn_closed(struct lcore_ctx *ctx, struct tcp_conn *c,
		     enum tcp_close_reason why);
void tcp_schedule(struct lcore_ctx *ctx, struct tcp_conn *c);
const struct tcp_listener *tcp_listener_find(struct tcp_lcore *tl,
					     uint16_t port);
uint32_t tcp_isn(struct lcore_ctx *ctx, uint32_t pip, uint16_t pport,
		 uint16_t lport);
void tcp_enter_time_wait(struct lcore_ctx *ctx, struct tcp_conn *c);

/* tcp_out.c */
int tcp_output(struct lcore_ctx *ctx, struct tcp_conn *c);
void tcp_send_ack(struct lcore_ctx *ctx, struct tcp_conn *c);
void tcp_send_synack(struct lcore_ctx *ctx, struct tcp_conn *c);
void tcp_send_rst(struct lcore_ctx *ctx, struct tcp_conn *c);
void tcp_send_segment(struct lcore_ctx *ctx, struct tcp_conn *c,
		      uint32_t seq, uint32_t len, uint8_t flags);
void tcp_reply_rst(struct lcore_ctx *ctx, const struct net_pkt *p,
		   const struct tcp_seg *s);
void tcp_reply_synack_cookie(struct lcore_ctx *ctx, const struct net_pkt *p,
			     const struct tcp_seg *s, uint32_t cookie,
			     uint16_t mss);
void tcp_sndq_drop(struct tcp_conn *c, uint32_t bytes);
void tcp_sndq_free(struct tcp_conn *c);

/* tcp_timer.c */
void tcp_timer_fire(struct lcore_ctx *ctx, struct timer *t);
void tcp_delack_fire(struct lcore_ctx *ctx, struct timer *t);
void tcp_arm(struct lcore_ctx *ctx, struct tcp_conn *c, uint8_t kind,
	     uint64_t after_us);
void tcp_disarm(struct lcore_ctx *ctx, struct tcp_conn *c);
void tcp_rtt_sample(struct tcp_lcore *tl, struct tcp_conn *c, uint32_t rtt_us);

/* syncookie.c */
uint32_t syncookie_make(struct lcore_ctx *ctx, uint32_t pip, uint16_t pport,
			uint16_t lport, uint32_t peer_isn, uint16_t mss);
int syncookie_check(struct lcore_ctx *ctx, uint32_t pip, uint16_t pport,
		    uint16_t lport, uint32_t peer_isn, uint32_t cookie,
		    uint16_t *mss);
uint64_t tcp_siphash(const uint64_t key[2], const void *data, size_t len);

#endif

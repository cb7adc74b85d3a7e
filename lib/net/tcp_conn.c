/* SPDX-License-Identifier: BSD-3-Clause */
/* tcp_conn.c: per-lcore 4-tuple table, connection pool, listeners, lists. */
#include <errno.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_malloc.h>
#include <rte_random.h>

#include "core/config.h"
#include "net/ipv4.h"
#include "net/tcp_alloc.h"
#include "net/tcp_priv.h"
#include "net/tcp_table.h"
#include "net/tcp_steer.h"
#include "net/tcp_tw.h"

int tcp_meta_off = -1;

static const char *const tcp_state_names[TCP_NSTATES] = {
	[TCP_CLOSED] = "CLOSED",
	[TCP_LISTEN] = "LISTEN",
	[TCP_SYN_RECEIVED] = "SYN_RECEIVED",
	[TCP_ESTABLISHED] = "ESTABLISHED",
	[TCP_CLOSE_WAIT] = "CLOSE_WAIT",
	[TCP_LAST_ACK] = "LAST_ACK",
	[TCP_FIN_WAIT_1] = "FIN_WAIT_1",
	[TCP_FIN_WAIT_2] = "FIN_WAIT_2",
	[TCP_CLOSING] = "CLOSING",
	[TCP_TIME_WAIT] = "TIME_WAIT",
	[TCP_SYN_SENT] = "SYN_SENT",
};

const char *
tcp_state_name(int state)
{
	return state >= 0 && state < TCP_NSTATES ? tcp_state_names[state] : "?";
}

/* ---- the 4-tuple table (tcp_table.h) -------------------------------- */

struct tcp_conn *
tcp_conn_lookup(const struct tcp_lcore *tl, uint32_t ip, uint16_t pport,
		uint16_t lport, uint8_t lid, const uint8_t *peer6)
{
	return tcp_conn_find(tl, ip, pport, lport, lid, peer6);
}

/* The bucket hash's secret keys (tcp_bucket, tcp_bucket6): from the
 * stack's secret (tcp_siphash) and this table, so every boot and every
 * lcore differs. */
static void
tcp_table_keys(struct tcp_lcore *tl, const struct lcore_ctx *ctx)
{
	uint64_t n = RTE_DIM(tl->hash_key);

	for (uint64_t i = 0; i < n + RTE_DIM(tl->hash_key6); i++) {
		const void *in[3] = { ctx, tl, (const void *)(uintptr_t)i };
		uint64_t k = tcp_siphash(in, sizeof(in));

		if (i < n)
			tl->hash_key[i] = k;
		else
			tl->hash_key6[i - n] = k;
	}
}

struct tcp_conn *
tcp_conn_alloc(struct lcore_ctx *ctx, uint32_t ip, uint16_t pport,
	       uint16_t lport, uint8_t lid, const uint8_t *peer6)
{
	return tcp_conn_alloc_inline(ctx, ip, pport, lport, lid, peer6,
				     TCP_CLOSED);
}

/*
 * Release everything c holds (timers, queues, table and list links) and
 * return it to the pool. Inside tcp_input() for c (tl->busy) the object
 * itself waits for the end of the segment (TCF_DEAD), so the receive
 * path can still look at it after a callback closed it. tw: c is known
 * to be in TIME_WAIT (its expiry), so the state's tests fold away.
 */
static __rte_always_inline void
tcp_conn_free_at(struct lcore_ctx *ctx, struct tcp_lcore *tl,
		 struct tcp_conn *c, bool tw)
{
	struct tcp_conn **pp;

	RTE_ASSERT(!tw || (c->state == TCP_TIME_WAIT && c->tw_pprev));
	timer_cancel(&ctx->wheel, &c->timer);
	/* TIME_WAIT stopped the delayed ACK on entry (tcp_time_wait_at),
	 * and nothing arms it there: tcp_output returns at its state test,
	 * before the delayed ACK's arm. */
	if (!tw)
		timer_cancel(&ctx->wheel, &c->delack);
	RTE_ASSERT(!timer_armed(&c->delack));
	/* TIME_WAIT let go of its queues, holders' place and memory wait
	 * on entry (tcp_time_wait) and takes none since (no text, no send). */
	if (!tw && c->state != TCP_TIME_WAIT) {
		tcp_conn_release_queues(ctx, c);
		tcp_unhold(c, true);
		if (c->flags & TCF_MEMWAIT)
			tcp_mem_unwait(tl, c);
	}
	RTE_ASSERT(c->sndq_head == NULL && c->ooo == NULL &&
		   c->hold_pprev == NULL && !(c->flags & TCF_MEMWAIT));
	pp = &tl->buckets[c->hbucket];
	while (*pp != c)
		pp = &(*pp)->hnext;
	*pp = c->hnext;
	if (tl->steer)
		tcp_steer_del(tl->steer, tcp_steer_peer(tl->steer, c->peer_ip,
							c->lid, c->peer_ip6),
			      c->peer_port,
			      c->local_port, c->lid, ctx->idx);
	if (c->flags & TCF_PENDING) {
		*c->pprev = c->pnext;
		if (c->pnext)
			c->pnext->pprev = c->pprev;
	}
	if (tw) {
		tcp_tw_unlink(tl, c);
		tl->state_count[TCP_TIME_WAIT]--;
	} else {
		if (c->tw_pprev) {
			if (c->state == TCP_SYN_RECEIVED)
				tcp_synack_unlink(tl, c);
			else
				tcp_tw_unlink(tl, c);
		}
		tl->state_count[c->state]--;
	}
	tl->in_use--;
	c->state = TCP_CLOSED;
	c->timer_kind = TT_NONE;
	c->flags = TCF_DEAD;
	if (tl->busy == c)
		return;
	c->hnext = tl->free_list;
	tl->free_list = c;
}

void
tcp_conn_free(struct lcore_ctx *ctx, struct tcp_conn *c)
{
	tcp_conn_free_at(ctx, tcp_tl(ctx), c, false);
}

/* tw_timer: every TIME_WAIT entry whose wait is over goes (each at the
 * first timer run at or after its end, as its own timer would have
 * fired), then the timer waits for the new head. */
static void
tcp_tw_fire(struct lcore_ctx *ctx, struct timer *t)
{
	struct tcp_lcore *tl = container_of(t, struct tcp_lcore, tw_timer);
	struct tcp_conn *c;

	while ((c = tl->tw_head) != NULL && c->rtx_deadline <= ctx->now_us) {
		STAT_INC(ctx, tcp_timewait_expired);
		tcp_conn_free_at(ctx, tl, c, true);
	}
	if (c)
		timer_arm(&ctx->wheel, t, c->rtx_deadline);
}

/* The application's part ends: closed() exactly once if it accepted. */
void
tcp_app_closed(struct lcore_ctx *ctx, struct tcp_conn *c,
	       enum tcp_close_reason why)
{
	tcp_app_closed_inline(ctx, c, why);
}

/*
 * TIME_WAIT policy (RFC 9293 §3.10.7.4, RFC 1337). The connection object
 * stays in the table for tcp.timewait_ms (default 1 s: far below 2*MSL,
 * chosen for peers on the same LAN; 0 disables TIME_WAIT), so late
 * segments of the old incarnation are answered with ACKs, not RSTs, and
 * a retransmitted FIN is acknowledged again. At most tcp.max_timewait
 * per lcore: past that the oldest TIME_WAIT entry is dropped
 * (tcp_timewait_full). A TIME_WAIT entry also gives way when the pool
 * runs out (tcp_timewait_recycled) and to a SYN with a higher sequence
 * number (tcp_input, RFC 6191). The application has its closed()
 * (TCP_CLOSE_NORMAL) when TIME_WAIT begins.
 */
void
tcp_time_wait(struct lcore_ctx *ctx, struct tcp_conn *c)
{
	tcp_time_wait_at(ctx, tcp_tl(ctx), c, false);
}

/* A retransmitted FIN in TIME_WAIT: the 2*MSL wait starts again. */
void
tcp_time_wait_restart(struct lcore_ctx *ctx, struct tcp_conn *c)
{
	struct tcp_lcore *tl = tcp_tl(ctx);

	tcp_tw_unlink(tl, c);
	tcp_tw_append(ctx, tl, c);
}

/* ---- output list: tcp_flush() is O(connections with output) ----------- */

void
tcp_schedule(struct lcore_ctx *ctx, struct tcp_conn *c)
{
	tcp_schedule_inline(tcp_tl(ctx), c);
}

void
tcp_flush_lists(struct lcore_ctx *ctx)
{
	struct tcp_lcore *tl = tcp_tl(ctx);
	struct tcp_conn *c;

	if (unlikely(!tl))
		return;
	if (unlikely(tl->memwait != NULL))
		tcp_mem_wake(ctx);
	/* One connection: tcp_output's tail calls, no loop frame; more:
	 * tcp_output_list, one frame for them all. */
	c = tl->pending;
	if (c != NULL && c->pnext == NULL) {
		tl->pending = NULL;
		c->flags &= ~TCF_PENDING;
		tcp_output(ctx, c);
	}
	if (tl->pending != NULL)
		tcp_output_list(ctx, tl);
}

/* ---- listeners -------------------------------------------------------- */

int
tcp_listen(struct lcore_ctx *ctx, uint16_t port, const struct tcp_ops *ops)
{
	struct tcp_lcore *tl = tcp_tl(ctx);
	uint16_t p = rte_cpu_to_be_16(port);

	if (!tl || !ops || !ops->accept || !ops->recv || !ops->closed ||
	    port == 0)
		return -EINVAL;
	if (tcp_listener_find(tl, p))
		return -EEXIST;
	if (tl->nlisten == TCP_MAX_LISTEN)
		return -ENOSPC;
	tl->listen[tl->nlisten].port = p;
	tl->listen[tl->nlisten].ops = ops;
	tl->nlisten++;
	return 0;
}

/* ---- per-lcore state -------------------------------------------------- */

static int
tcp_meta_register(void)
{
	static const struct rte_mbuf_dynfield desc = {
		.name = "linerate_tcp_meta",
		.size = sizeof(struct tcp_mbuf_meta),
		.align = __alignof__(struct tcp_mbuf_meta),
	};

	if (tcp_meta_off < 0)
		tcp_meta_off = rte_mbuf_dynfield_register(&desc);
	return tcp_meta_off < 0 ? -rte_errno : 0;
}

static void
tcp_lcore_config(struct lcore_ctx *ctx, struct tcp_lcore *tl)
{
	const struct config *cfg = ctx->cfg;
	uint32_t mtu = ctx->ifc && ctx->ifc->mtu ? ctx->ifc->mtu : cfg->mtu;
	uint32_t room = rte_pktmbuf_data_room_size(ctx->pool);

	tl->our_mss = (uint16_t)tcp_min(cfg->tcp_mss, mtu - 40);
	/* A segment, headers included, fits one mbuf from the pool. */
	room = room > TCP_SNDQ_DOFF + TCP_HLEN + TCP_TS_OPTLEN ?
	       room - TCP_SNDQ_DOFF - TCP_HLEN - TCP_TS_OPTLEN : 0;
	tl->seg_cap = (uint16_t)(room >= TCP_MIN_MSS ? tcp_min(room, 65535) : 0);
	tl->reserve_cap = tl->seg_cap >= TCP_RESERVE_ROOM ? tl->seg_cap : 0;
	tl->ann_mss = tcp_our_mss_calc(ctx, tl);
	tl->rcv_wnd = cfg->tcp_rcv_wnd;
	while (tl->our_wscale < 14 && (tl->rcv_wnd >> tl->our_wscale) > 65535)
		tl->our_wscale++;
	tl->rcv_wnd_ws = (tl->rcv_wnd >> tl->our_wscale) << tl->our_wscale;
	tl->snd_buf = cfg->tcp_snd_buf;
	tl->rto_min = cfg->tcp_rto_min_ms * 1000;
	tl->rto_max = cfg->tcp_rto_max_ms * 1000;
	tl->rto_init = cfg->tcp_rto_init_ms * 1000;
	tl->delack_us = cfg->tcp_delack_ms * 1000;
	tl->timewait_us = cfg->tcp_timewait_ms * 1000;
	tl->finwait2_us = cfg->tcp_fin_wait2_ms * 1000;
	tl->max_retries = cfg->tcp_max_retries;
	tl->max_halfopen = cfg->tcp_max_halfopen;
	tl->max_timewait = cfg->tcp_max_timewait;
	tl->ooo_max = cfg->tcp_ooo_segs;
	tl->chack_limit = cfg->tcp_challenge_acks_per_s;
	tl->syncookies = cfg->tcp_syncookies;
	tl->mem = &ctx->mem;
	tl->stall_us = (uint64_t)cfg->tcp_stall_timeout_ms * 1000;
	tl->max_orphans = cfg->tcp_max_orphans;
	tl->orphan_retries = cfg->tcp_orphan_retries;
	tl->eph_min = (uint16_t)cfg->tcp_ephemeral_min;
	tl->eph_max = (uint16_t)cfg->tcp_ephemeral_max;
	tl->syn_retries = cfg->tcp_syn_retries;
	tl->eph_next = (uint32_t)rte_rand(); /* RFC 6056 §3.3.5 start */
}

int
tcp_lcore_init(struct lcore_ctx *ctx)
{
	struct tcp_lcore *tl;
	uint64_t room;
	uint32_t nb;
	int rc;

	rc = tcp_secret_init();
	if (rc == 0)
		rc = tcp_meta_register();
	if (rc < 0)
		return rc;
	tl = rte_zmalloc_socket("tcp_lcore", sizeof(*tl), RTE_CACHE_LINE_SIZE,
				ctx->socket_id);
	if (!tl)
		return -ENOMEM;
	tcp_lcore_config(ctx, tl);
	tcp_connect_lcore_init(ctx, tl);
	if (tl->seg_cap == 0)
		goto fail_inval;
	/* Up to this much MEM_SNDQ in use no tcp_send_space() is limited
	 * by the budget: a full tcp.snd_buf in fresh mbufs, plus one, still
	 * fits below half the class, where charges skip the pool check
	 * (mem_charge), so what tcp_send_space() promises tcp_send() keeps. */
	room = ((uint64_t)tl->snd_buf / tl->seg_cap + 2) * ctx->mem.mbuf_bytes;
	tl->sndq_fast = ctx->mem.cls[MEM_SNDQ].limit / 2 > room ?
			ctx->mem.cls[MEM_SNDQ].limit / 2 - room : 0;
	tl->memwait_tail = &tl->memwait;
	tl->wake_bytes = RTE_MAX(ctx->mem.cls[MEM_SNDQ].limit / 8 /
				 ctx->mem.mbuf_bytes, (uint64_t)1) *
			 ctx->mem.mbuf_bytes;
	tl->max_conns = ctx->cfg->tcp_max_conns;
	nb = rte_align32pow2(tl->max_conns);
	tl->buckets = rte_zmalloc_socket("tcp_buckets", nb * sizeof(void *),
					 RTE_CACHE_LINE_SIZE, ctx->socket_id);
	if (!tl->buckets)
		goto fail_tl;
	tl->pool = rte_zmalloc_socket("tcp_conns",
				      (size_t)tl->max_conns * sizeof(tl->pool[0]),
				      RTE_CACHE_LINE_SIZE, ctx->socket_id);
	if (!tl->pool)
		goto fail_buckets;
	tl->bucket_mask = nb - 1;
	tcp_table_keys(tl, ctx);
	for (uint32_t i = tl->max_conns; i-- > 0;) {
		tl->pool[i].hnext = tl->free_list;
		tl->free_list = &tl->pool[i];
	}
	tl->tw_tail = &tl->tw_head;
	timer_init(&tl->tw_timer, tcp_tw_fire);
	tl->syn_tail = &tl->syn_head;
	timer_init(&tl->syn_timer, tcp_synack_fifo_fire);
	ctx->tcp = tl;
	return 0;

fail_buckets:
	rte_free(tl->buckets);
fail_tl:
	rte_free(tl);
	return -ENOMEM;
fail_inval:
	rte_free(tl);
	return -EINVAL;
}

/* RST every live connection, closed(TCP_CLOSE_ABORT) to its application,
 * then free the lcore's TCP state. */
void
tcp_lcore_fini(struct lcore_ctx *ctx)
{
	struct tcp_lcore *tl = tcp_tl(ctx);

	if (!tl)
		return;
	for (uint32_t i = 0; i < tl->max_conns; i++) {
		struct tcp_conn *c = &tl->pool[i];

		/* Never used (an IPv6 peer's digest may be 0: lid says),
		 * or freed. */
		if ((!c->peer_ip && c->lid == TCP_LID_V4) ||
		    (c->flags & TCF_DEAD))
			continue;
		if (TCPF(c->state) & (TCPF_OUTPUT | TCPF(TCP_SYN_RECEIVED)))
			tcp_send_rst(ctx, c);
		tcp_app_closed(ctx, c, TCP_CLOSE_ABORT);
		tcp_conn_free(ctx, c);
	}
	timer_cancel(&ctx->wheel, &tl->tw_timer);
	timer_cancel(&ctx->wheel, &tl->syn_timer);
	rte_free(tl->pool);
	rte_free(tl->buckets);
	rte_free(tl);
	ctx->tcp = NULL;
}

/* ---- accessors -------------------------------------------------------- */

void
tcp_conn_peer(const struct tcp_conn *c, uint32_t *ip, uint16_t *port)
{
	*ip = c->peer_ip;
	*port = c->peer_port;
}

bool
tcp_conn_peer6(const struct tcp_conn *c, uint8_t out[16])
{
	if (!(c->lid & TCP_LID_V6))
		return false;
	memcpy(out, c->peer_ip6, 16);
	return true;
}

uint16_t
tcp_conn_local_port(const struct tcp_conn *c)
{
	return c->local_port;
}

int
tcp_conn_state(const struct tcp_conn *c)
{
	return c->state;
}

uint32_t
tcp_conn_count(const struct lcore_ctx *ctx)
{
	return ctx->tcp ? tcp_tl(ctx)->in_use : 0;
}

void
tcp_state_counts(const struct lcore_ctx *ctx, uint32_t *counts)
{
	const struct tcp_lcore *tl = tcp_tl(ctx);

	memset(counts, 0, TCP_NSTATES * sizeof(counts[0]));
	if (!tl)
		return;
	for (int s = TCP_SYN_RECEIVED; s < TCP_NSTATES; s++)
		counts[s] = tl->state_count[s];
	counts[TCP_LISTEN] = tl->nlisten;
}

uint32_t
tcp_conn_walk(const struct lcore_ctx *ctx,
	      int (*fn)(const struct tcp_conn *c, void *arg), void *arg)
{
	const struct tcp_lcore *tl = tcp_tl(ctx);
	uint32_t n = 0;

	if (!tl)
		return 0;
	for (uint32_t i = 0; i < tl->max_conns; i++) {
		const struct tcp_conn *c = &tl->pool[i];

		if (c->state == TCP_CLOSED || (c->flags & TCF_DEAD))
			continue;
		n++;
		if (fn && fn(c, arg) != 0)
			break;
	}
	return n;
}

static int
tcp_family_one(const struct tcp_conn *c, void *arg)
{
	uint32_t *v6 = arg;

	*v6 += !!(c->lid & TCP_LID_V6);
	return 0;
}

void
tcp_family_counts(const struct lcore_ctx *ctx, uint32_t *v4, uint32_t *v6)
{
	*v6 = 0;
	*v4 = tcp_conn_walk(ctx, tcp_family_one, v6);
	*v4 -= *v6;
}

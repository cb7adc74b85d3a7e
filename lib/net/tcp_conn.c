/* SPDX-License-Identifier: BSD-3-Clause */
/* tcp_conn.c: per-lcore 4-tuple table, connection pool, listeners, ISNs. */
#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include <rte_jhash.h>
#include <rte_malloc.h>

#include "core/config.h"
#include "net/tcp_priv.h"
#include "net/tcp_steer.h"

static const char *const tcp_state_names[TCP_NSTATES] = {
	"CLOSED", "LISTEN", "SYN_RECEIVED", "ESTABLISHED", "CLOSE_WAIT",
	"LAST_ACK", "FIN_WAIT_1", "FIN_WAIT_2", "CLOSING", "TIME_WAIT",
};

/* RFC 6528 secret, one per process; and the test override. */
static uint64_t tcp_isn_key[2];
static uint32_t tcp_isn_forced;

const char *
tcp_state_name(int s)
{
	return s >= 0 && s < TCP_NSTATES ? tcp_state_names[s] : "?";
}

void
tcp_test_set_isn(uint32_t isn)
{
	tcp_isn_forced = isn;
}

static inline uint32_t
tcp_hash(const struct tcp_lcore *tl, uint32_t ip, uint16_t pport,
	 uint16_t lport)
{
	return rte_jhash_3words(ip, pport, lport, tl->hash_seed) &
	       tl->bucket_mask;
}

struct tcp_conn *
tcp_conn_lookup(struct tcp_lcore *tl, uint32_t ip, uint16_t pport,
		uint16_t lport)
{
	struct tcp_conn *c = tl->buckets[tcp_hash(tl, ip, pport, lport)];

	while (c && (c->peer_ip != ip || c->peer_port != pport ||
		     c->local_port != lport))
		c = c->hnext;
	return c;
}

void
tcp_set_state(struct tcp_lcore *tl, struct tcp_conn *c, uint8_t s)
{
	tl->state_count[c->state]--;
	tl->state_count[s]++;
	c->state = s;
}

struct tcp_conn *
tcp_conn_alloc(struct lcore_ctx *ctx, uint32_t ip, uint16_t pport,
	       uint16_t lport)
{
	struct tcp_lcore *tl = tcp_tl(ctx);
	struct tcp_conn *c = tl->free_list, **b;

	if (!c)
		return NULL;
	tl->free_list = c->hnext;
	memset(c, 0, sizeof(*c));
	c->peer_ip = ip;
	c->peer_port = pport;
	c->local_port = lport;
	c->state = TCP_CLOSED;
	tl->state_count[TCP_CLOSED]++;
	timer_init(&c->timer, tcp_timer_fire);
	timer_init(&c->delack, tcp_delack_fire);
	b = &tl->buckets[tcp_hash(tl, ip, pport, lport)];
	c->hnext = *b;
	*b = c;
	tl->in_use++;
	if (tl->steer)
		tcp_steer_add(tl->steer, ip, pport, lport, ctx->idx);
	return c;
}

/* Unlink and return to the pool; inside tcp_input only marked dead. */
void
tcp_conn_free(struct lcore_ctx *ctx, struct tcp_conn *c)
{
	struct tcp_lcore *tl = tcp_tl(ctx);
	struct tcp_conn **pp;

	timer_cancel(&ctx->wheel, &c->timer);
	timer_cancel(&ctx->wheel, &c->delack);
	tcp_sndq_free(c);
	while (c->ooo) {
		struct rte_mbuf *m = c->ooo;

		c->ooo = m->next;
		m->next = NULL;
		rte_pktmbuf_free(m);
	}
	c->nooo = 0;
	if (c->flags & TCF_BUSY) {
		c->flags |= TCF_DEAD;
		return;
	}
	if (c->flags & TCF_PENDING) {
		/* Still on the flush list: tcp_flush frees it. */
		c->flags |= TCF_DEAD;
		return;
	}
	pp = &tl->buckets[tcp_hash(tl, c->peer_ip, c->peer_port, c->local_port)];
	while (*pp && *pp != c)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = c->hnext;
	if (tl->steer)
		tcp_steer_del(tl->steer, c->peer_ip, c->peer_port, c->local_port,
			      ctx->idx);
	tl->state_count[c->state]--;
	tl->in_use--;
	c->state = TCP_CLOSED;
	c->peer_ip = 0;
	c->flags = 0;
	c->hnext = tl->free_list;
	tl->free_list = c;
}

/* The app's part ends: closed() once for an accepted connection. */
void
tcp_conn_closed(struct lcore_ctx *ctx, struct tcp_conn *c,
		enum tcp_close_reason why)
{
	if (c->flags & TCF_APP) {
		c->flags &= ~TCF_APP;
		c->ops->closed(ctx, c, c->app, why);
		c->app = NULL;
	}
	if (why == TCP_CLOSE_NORMAL)
		STAT_INC(ctx, tcp_closed);
	else
		STAT_INC(ctx, tcp_aborted);
}

/*
 * TIME_WAIT (RFC 9293 §3.10.7.4). Policy: the connection object stays, for
 * tcp.timewait_ms (default 1 s, far below 2*MSL: the peers here are near
 * and a SYN with a higher sequence number reopens the 4-tuple), at most
 * tcp.max_timewait of them per lcore; past that the connection closes at
 * once (counted tcp_timewait_full).
 */
void
tcp_enter_time_wait(struct lcore_ctx *ctx, struct tcp_conn *c)
{
	struct tcp_lcore *tl = tcp_tl(ctx);

	tcp_conn_closed(ctx, c, TCP_CLOSE_NORMAL);
	if (tl->state_count[TCP_TIME_WAIT] >= tl->max_timewait ||
	    tl->timewait_us == 0) {
		STAT_INC(ctx, tcp_timewait_full);
		tcp_set_state(tl, c, TCP_CLOSED);
		tcp_conn_free(ctx, c);
		return;
	}
	STAT_INC(ctx, tcp_timewait_entered);
	tcp_set_state(tl, c, TCP_TIME_WAIT);
	tcp_sndq_free(c);
	timer_cancel(&ctx->wheel, &c->delack);
	tcp_arm(ctx, c, TT_TIME_WAIT, tl->timewait_us);
}

/* Put c on the list tcp_flush() walks (output, ACKs). */
void
tcp_schedule(struct lcore_ctx *ctx, struct tcp_conn *c)
{
	struct tcp_lcore *tl = tcp_tl(ctx);

	if (c->flags & TCF_PENDING)
		return;
	c->flags |= TCF_PENDING;
	c->flush_next = tl->flush_list;
	tl->flush_list = c;
}

void
tcp_flush(struct lcore_ctx *ctx)
{
	struct tcp_lcore *tl = tcp_tl(ctx);
	struct tcp_conn *c;

	while ((c = tl->flush_list) != NULL) {
		tl->flush_list = c->flush_next;
		c->flags &= ~TCF_PENDING;
		if (c->flags & TCF_DEAD) {
			c->flags &= ~TCF_DEAD;
			tcp_conn_free(ctx, c);
			continue;
		}
		tcp_output(ctx, c);
	}
}

const struct tcp_listener *
tcp_listener_find(struct tcp_lcore *tl, uint16_t port)
{
	for (unsigned int i = 0; i < tl->nlisten; i++)
		if (tl->listen[i].port == port)
			return &tl->listen[i];
	return NULL;
}

int
tcp_listen(struct lcore_ctx *ctx, uint16_t port, const struct tcp_ops *ops)
{
	struct tcp_lcore *tl = tcp_tl(ctx);
	uint16_t p = rte_cpu_to_be_16(port);

	if (tcp_listener_find(tl, p))
		return -EEXIST;
	if (tl->nlisten == TCP_MAX_LISTEN)
		return -ENOSPC;
	tl->listen[tl->nlisten].port = p;
	tl->listen[tl->nlisten].ops = ops;
	tl->nlisten++;
	return 0;
}

/* SipHash-2-4 (Aumasson & Bernstein), the PRF for ISNs and cookies. */
#define SIP_ROTL(x, b) (((x) << (b)) | ((x) >> (64 - (b))))
#define SIP_ROUND                                                            \
	do {                                                                 \
		v0 += v1; v1 = SIP_ROTL(v1, 13); v1 ^= v0; v0 = SIP_ROTL(v0, 32); \
		v2 += v3; v3 = SIP_ROTL(v3, 16); v3 ^= v2;                   \
		v0 += v3; v3 = SIP_ROTL(v3, 21); v3 ^= v0;                   \
		v2 += v1; v1 = SIP_ROTL(v1, 17); v1 ^= v2; v2 = SIP_ROTL(v2, 32); \
	} while (0)

uint64_t
tcp_siphash(const uint64_t key[2], const void *data, size_t len)
{
	uint64_t v0 = 0x736f6d6570736575ULL ^ key[0];
	uint64_t v1 = 0x646f72616e646f6dULL ^ key[1];
	uint64_t v2 = 0x6c7967656e657261ULL ^ key[0];
	uint64_t v3 = 0x7465646279746573ULL ^ key[1];
	const uint8_t *p = data;
	uint64_t b = (uint64_t)len << 56, m;
	size_t i;

	for (i = 0; i + 8 <= len; i += 8) {
		memcpy(&m, p + i, 8);
		v3 ^= m;
		SIP_ROUND;
		SIP_ROUND;
		v0 ^= m;
	}
	for (size_t j = 0; i + j < len; j++)
		b |= (uint64_t)p[i + j] << (8 * j);
	v3 ^= b;
	SIP_ROUND;
	SIP_ROUND;
	v0 ^= b;
	v2 ^= 0xff;
	SIP_ROUND;
	SIP_ROUND;
	SIP_ROUND;
	SIP_ROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}

/* RFC 6528: ISN = M + F(localip, localport, remoteip, remoteport, key),
 * M a 4 us clock. */
uint32_t
tcp_isn(struct lcore_ctx *ctx, uint32_t pip, uint16_t pport, uint16_t lport)
{
	uint32_t t[3] = { pip, ctx->ifc->ip, (uint32_t)pport << 16 | lport };

	if (tcp_isn_forced)
		return tcp_isn_forced;
	return (uint32_t)(ctx->now_us / 4) +
	       (uint32_t)tcp_siphash(tcp_isn_key, t, sizeof(t));
}

int
tcp_lcore_init(struct lcore_ctx *ctx)
{
	const struct config *cfg = ctx->cfg;
	struct tcp_lcore *tl;
	uint32_t nb;

	if (!tcp_isn_key[0] &&
	    getrandom(tcp_isn_key, sizeof(tcp_isn_key), 0) != sizeof(tcp_isn_key))
		return -EIO;
	tl = rte_zmalloc_socket("tcp_lcore", sizeof(*tl), RTE_CACHE_LINE_SIZE,
				ctx->socket_id);
	if (!tl)
		return -ENOMEM;
	tl->max_conns = cfg->tcp_max_conns;
	nb = rte_align32pow2(tl->max_conns);
	tl->buckets = rte_zmalloc_socket("tcp_buckets", nb * sizeof(void *),
					 RTE_CACHE_LINE_SIZE, ctx->socket_id);
	tl->pool = rte_zmalloc_socket("tcp_conns",
				      (size_t)tl->max_conns * sizeof(tl->pool[0]),
				      RTE_CACHE_LINE_SIZE, ctx->socket_id);
	if (!tl->buckets || !tl->pool) {
		rte_free(tl->buckets);
		rte_free(tl->pool);
		rte_free(tl);
		return -ENOMEM;
	}
	tl->bucket_mask = nb - 1;
	tl->hash_seed = (uint32_t)tcp_siphash(tcp_isn_key, &ctx, sizeof(ctx));
	for (uint32_t i = tl->max_conns; i-- > 0;) {
		tl->pool[i].hnext = tl->free_list;
		tl->free_list = &tl->pool[i];
	}
	tl->our_mss = (uint16_t)RTE_MIN(cfg->tcp_mss, cfg->mtu - 40);
	tl->rcv_wnd = cfg->tcp_rcv_wnd;
	while ((tl->rcv_wnd >> tl->our_wscale) > 65535)
		tl->our_wscale++;
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
	ctx->tcp = tl;
	return 0;
}

void
tcp_lcore_fini(struct lcore_ctx *ctx)
{
	struct tcp_lcore *tl = tcp_tl(ctx);

	if (!tl)
		return;
	tl->flush_list = NULL;
	for (uint32_t i = 0; i < tl->max_conns; i++) {
		struct tcp_conn *c = &tl->pool[i];

		if (c->state == TCP_CLOSED && !c->peer_ip)
			continue;
		c->flags &= ~(TCF_BUSY | TCF_PENDING | TCF_DEAD);
		if (c->flags & TCF_APP)
			tcp_conn_closed(ctx, c, TCP_CLOSE_ABORT);
		timer_cancel(&ctx->wheel, &c->timer);
		timer_cancel(&ctx->wheel, &c->delack);
		tcp_sndq_free(c);
		while (c->ooo) {
			struct rte_mbuf *m = c->ooo;

			c->ooo = m->next;
			m->next = NULL;
			rte_pktmbuf_free(m);
		}
	}
	rte_free(tl->buckets);
	rte_free(tl->pool);
	rte_free(tl);
	ctx->tcp = NULL;
}

void
tcp_conn_peer(const struct tcp_conn *c, uint32_t *ip, uint16_t *port)
{
	*ip = c->peer_ip;
	*port = c->peer_port;
}

uint32_t
tcp_conn_count(const struct lcore_ctx *ctx)
{
	return ctx->tcp ? tcp_tl(ctx)->in_use : 0;
}

void
tcp_state_counts(const struct lcore_ctx *ctx, uint32_t *counts)
{
	memcpy(counts, tcp_tl(ctx)->state_count,
	       sizeof(tcp_tl(ctx)->state_count));
}

/* SPDX-License-Identifier: BSD-3-Clause */
/* tcp_pressure_app.c: an application with many streaming connections,
 * for the memory budget tests. */
#include <arpa/inet.h>
#include <string.h>

#include <rte_mempool.h>

#include "tcp_pressure_app.h"

/* ---- an application with many connections --------------------------- */

struct pa_app pa[PA_SLOTS];
uint32_t pa_want;
bool pa_close_after;

static void
pa_pump(struct lcore_ctx *ctx, struct pa_app *a)
{
	uint8_t buf[4096];

	while (a->sent < a->want) {
		uint32_t k = a->want - a->sent;
		int n;

		if (k > sizeof(buf))
			k = sizeof(buf);
		for (uint32_t i = 0; i < k; i++)
			buf[i] = tt_byte(a->sent + i);
		n = tcp_send(ctx, a->c, buf, k);
		assert_true(n >= 0);
		a->sent += (uint32_t)n;
		if ((uint32_t)n < k)
			return;
	}
	if (a->close_after)
		tcp_close(ctx, a->c);
}

static void *
pa_accept(struct lcore_ctx *ctx, struct tcp_conn *c)
{
	uint32_t ip;
	uint16_t port;

	(void)ctx;
	for (int i = 0; i < PA_SLOTS; i++) {
		struct pa_app *a = &pa[i];

		if (a->used)
			continue;
		memset(a, 0, sizeof(*a));
		a->used = true;
		a->c = c;
		a->want = pa_want;
		a->close_after = pa_close_after;
		tcp_conn_peer(c, &ip, &port);
		a->sport = ntohs(port);
		return a;
	}
	fail_msg("more than %d connections", PA_SLOTS);
	return NULL;
}

static void
pa_recv(struct lcore_ctx *ctx, struct tcp_conn *c, void *app,
	const uint8_t *data, uint32_t len)
{
	struct pa_app *a = app;

	(void)c;
	(void)data;
	assert_false(a->closed);
	a->got += len;
	if (!a->started) {
		a->started = true;
		pa_pump(ctx, a);
	}
}

static void
pa_writable(struct lcore_ctx *ctx, struct tcp_conn *c, void *app)
{
	struct pa_app *a = app;

	(void)c;
	a->writable_calls++;
	if (a->started)
		pa_pump(ctx, a);
}

static void
pa_closed(struct lcore_ctx *ctx, struct tcp_conn *c, void *app,
	  enum tcp_close_reason why)
{
	struct pa_app *a = app;

	(void)ctx;
	(void)c;
	assert_false(a->closed);
	a->closed = true;
	a->why = why;
}

static const struct tcp_ops pa_ops = {
	.accept = pa_accept,
	.recv = pa_recv,
	.writable = pa_writable,
	.closed = pa_closed,
};

struct pa_app *
pa_of(uint16_t sport)
{
	for (int i = 0; i < PA_SLOTS; i++)
		if (pa[i].used && pa[i].sport == sport)
			return &pa[i];
	fail_msg("no connection from port %u", sport);
	return NULL;
}

/* ---- harness --------------------------------------------------------- */

struct harness *
pa_harness(void (*tweak)(struct config *cfg))
{
	struct harness *h;

	tt_reset();
	memset(pa, 0, sizeof(pa));
	pa_want = 0;
	pa_close_after = false;
	h = harness_create(tweak);
	assert_int_equal(tcp_listen(h->ctx, TT_PORT, &pa_ops), 0);
	return h;
}

const struct mem_class_stat *
pa_cls(struct harness *h, enum mem_class k)
{
	return &h->ctx->mem.cls[k];
}

uint64_t
pa_mbufs(struct harness *h, enum mem_class k)
{
	return pa_cls(h, k)->in_use / h->ctx->mem.mbuf_bytes;
}

/* Payload one send-queue mbuf holds (tcp_lcore.seg_cap). */
uint32_t
pa_seg_cap(struct harness *h)
{
	return rte_pktmbuf_data_room_size(h->pool) - RTE_PKTMBUF_HEADROOM -
	       20 - 12;
}

/* The pool still holds the RX reserve (what the NIC refills from). */
void
pa_assert_reserve(struct harness *h)
{
	harness_drain(h);
	assert_true(rte_mempool_avail_count(h->pool) >= h->ctx->mem.rx_reserve);
}

/* Everything goes: no mbuf leaked, every class back to 0, every
 * accepted connection told. */
void
pa_teardown(struct harness *h)
{
	harness_drain(h);
	tcp_lcore_fini(h->ctx);
	lcore_tx_flush(h->ctx);
	harness_drain(h);
	assert_int_equal(harness_mbufs_leaked(h), 0);
	for (int k = 0; k < MEM_NCLASSES; k++)
		if (k != MEM_RX_RESERVE)
			assert_int_equal(pa_cls(h, k)->in_use, 0);
	for (int i = 0; i < PA_SLOTS; i++)
		if (pa[i].used)
			assert_true(pa[i].closed);
	harness_destroy(h);
}

/* Handshake from sport with an MSS option (0: none); the peer then
 * advertises win. */
struct pa_app *
pa_connect(struct tt_peer *p, struct harness *h, uint16_t sport, uint16_t mss,
	   uint16_t win)
{
	struct tt_seg sa;

	tt_peer_init(p, h, sport);
	p->mss = mss;
	tt_syn(p, &sa);
	p->win = win;
	tt_send_ack(p);
	tt_none(h);
	return pa_of(sport);
}

struct tt_seg pa_segs[PA_SEGS];

/* Send a request, drop whatever the stack answers. */
void
pa_request(struct tt_peer *p)
{
	tt_send_data(p, "GET", 3);
	harness_drain(p->h);
}

/* A RST from p (in window): the connection goes, its memory with it. */
void
pa_reset(struct tt_peer *p)
{
	tt_send(p, F_RST, p->snd_nxt, 0, NULL, 0);
}

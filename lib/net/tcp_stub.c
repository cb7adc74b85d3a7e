/* SPDX-License-Identifier: BSD-3-Clause */
/* tcp_stub.c: placeholder until the TCP issue lands: counts and drops. */
#include <errno.h>

#include "core/lcore.h"
#include "net/net.h"
#include "net/tcp.h"

int
tcp_lcore_init(struct lcore_ctx *ctx)
{
	return 0;
}

void
tcp_lcore_fini(struct lcore_ctx *ctx)
{
}

int
tcp_listen(struct lcore_ctx *ctx, uint16_t port, const struct tcp_ops *ops)
{
	return 0;
}

void
tcp_input(struct lcore_ctx *ctx, struct rte_mbuf *m, struct net_pkt *p)
{
	STAT_INC(ctx, tcp_rx_segs);
	STAT_INC(ctx, tcp_drop_no_listener);
	rte_pktmbuf_free(m);
}

int
tcp_send(struct lcore_ctx *ctx, struct tcp_conn *c, const void *data,
	 uint32_t len)
{
	return -ENOTCONN;
}

uint32_t
tcp_send_space(const struct tcp_conn *c)
{
	return 0;
}

void
tcp_close(struct lcore_ctx *ctx, struct tcp_conn *c)
{
}

void
tcp_abort(struct lcore_ctx *ctx, struct tcp_conn *c)
{
}

void
tcp_flush(struct lcore_ctx *ctx)
{
}

void
tcp_conn_peer(const struct tcp_conn *c, uint32_t *ip, uint16_t *port)
{
	*ip = 0;
	*port = 0;
}

uint32_t
tcp_conn_count(const struct lcore_ctx *ctx)
{
	return 0;
}

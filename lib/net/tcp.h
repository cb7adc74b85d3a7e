/* SPDX-License-Identifier: BSD-3-Clause */
/* tcp.h: the TCP API offered to the layer above (HTTP). */
#ifndef LR_NET_TCP_H
#define LR_NET_TCP_H

#include <stdint.h>

#include <rte_mbuf.h>

struct lcore_ctx;
struct net_pkt;
struct tcp_conn; /* opaque above this layer */

/* Connection states (RFC 9293 §3.3.2). */
enum tcp_state {
	TCP_CLOSED,
	TCP_LISTEN,
	TCP_SYN_RECEIVED,
	TCP_ESTABLISHED,
	TCP_CLOSE_WAIT,
	TCP_LAST_ACK,
	TCP_FIN_WAIT_1,
	TCP_FIN_WAIT_2,
	TCP_CLOSING,
	TCP_TIME_WAIT,
	TCP_NSTATES,
};

/* Why a connection went away (tcp_ops.closed). */
enum tcp_close_reason {
	TCP_CLOSE_NORMAL,   /* both FINs exchanged and acknowledged */
	TCP_CLOSE_RESET,    /* the peer sent an acceptable RST */
	TCP_CLOSE_TIMEOUT,  /* retransmissions gave up, or idle/FIN_WAIT_2 */
	TCP_CLOSE_ABORT,    /* tcp_abort() or shutdown */
};

/*
 * Callbacks of a listening port. All run on the lcore that owns the
 * connection, from tcp_input() or a TCP timer.
 */
struct tcp_ops {
	/* A connection reached ESTABLISHED. Return the application's state
	 * for it (passed back to every callback), or NULL to refuse it (the
	 * connection is reset). */
	void *(*accept)(struct lcore_ctx *ctx, struct tcp_conn *c);
	/* In-order bytes, exactly once each: len bytes at data, valid only
	 * during the call. The application takes them all (it copies what
	 * it must keep). */
	void (*recv)(struct lcore_ctx *ctx, struct tcp_conn *c, void *app,
		     const uint8_t *data, uint32_t len);
	/* The peer's FIN arrived after all its data: nothing more will be
	 * received. The application may still send, then tcp_close(). */
	void (*peer_fin)(struct lcore_ctx *ctx, struct tcp_conn *c, void *app);
	/* Send-queue space was freed by ACKs (optional): streaming
	 * producers use it to generate more as the window opens. */
	void (*writable)(struct lcore_ctx *ctx, struct tcp_conn *c, void *app);
	/* The connection is gone; the application frees its state. c must
	 * not be used after this returns. Called once per accepted conn. */
	void (*closed)(struct lcore_ctx *ctx, struct tcp_conn *c, void *app,
		       enum tcp_close_reason why);
};

/* Allocate this lcore's TCP state (tables, pools, timers) on
 * ctx->socket_id, sized from ctx->cfg. 0 or -ENOMEM. */
int tcp_lcore_init(struct lcore_ctx *ctx);

/* Abort every connection (closed(TCP_CLOSE_ABORT) for each) and free the
 * lcore's TCP state. */
void tcp_lcore_fini(struct lcore_ctx *ctx);

/* Accept connections on port (host order) with ops. 0, -EEXIST, -ENOSPC. */
int tcp_listen(struct lcore_ctx *ctx, uint16_t port, const struct tcp_ops *ops);

/* A TCP segment (data at the TCP header; p->ip, p->eth, p->l4_len set).
 * Consumes m. */
void tcp_input(struct lcore_ctx *ctx, struct rte_mbuf *m, struct net_pkt *p);

/*
 * Queue up to len bytes for sending (copied). Returns the number of bytes
 * accepted (less than len when the send buffer is full: wait for
 * writable), or -ENOTCONN when the connection can no longer send.
 * Segments leave at the end of the current input burst or timer run
 * (tcp_flush), so responses to pipelined requests share segments and
 * carry the ACK.
 */
int tcp_send(struct lcore_ctx *ctx, struct tcp_conn *c, const void *data,
	     uint32_t len);

/* Bytes tcp_send() would accept now. */
uint32_t tcp_send_space(const struct tcp_conn *c);

/* Graceful close: FIN after everything queued. closed() follows later. */
void tcp_close(struct lcore_ctx *ctx, struct tcp_conn *c);

/* Reset now (RST to the peer); closed(TCP_CLOSE_ABORT) is called before
 * this returns. */
void tcp_abort(struct lcore_ctx *ctx, struct tcp_conn *c);

/* Emit the segments queued on this lcore (called by the poll loop). */
void tcp_flush(struct lcore_ctx *ctx);

/* Peer address (network order) of c. */
void tcp_conn_peer(const struct tcp_conn *c, uint32_t *ip, uint16_t *port);

/* Connection objects in use on this lcore (leak checks, control plane). */
uint32_t tcp_conn_count(const struct lcore_ctx *ctx);

/* Connections on this lcore by state (counts[TCP_NSTATES]). */
void tcp_state_counts(const struct lcore_ctx *ctx, uint32_t *counts);

/* "ESTABLISHED" etc. */
const char *tcp_state_name(int state);

/* Tests only: the ISN the next passive open uses (0 = random again). */
void tcp_test_set_isn(uint32_t isn);

#endif

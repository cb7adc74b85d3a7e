/* SPDX-License-Identifier: BSD-3-Clause */
/* tcp.h: the TCP API offered to the layer above (HTTP). */
#ifndef LR_NET_TCP_H
#define LR_NET_TCP_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_mbuf.h>

#include "core/lcore.h"

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
	TCP_SYN_SENT, /* active open (tcp_connect), last: the others keep
		       * their numbers */
	TCP_NSTATES,
};

/* Why a connection went away (tcp_ops.closed). */
enum tcp_close_reason {
	TCP_CLOSE_NORMAL,   /* both FINs exchanged and acknowledged */
	TCP_CLOSE_RESET,    /* the peer sent an acceptable RST */
	TCP_CLOSE_TIMEOUT,  /* retransmissions gave up, or idle/FIN_WAIT_2 */
	TCP_CLOSE_ABORT,    /* tcp_abort() or shutdown */
	TCP_CLOSE_REFUSED,  /* tcp_connect(): the peer answered our SYN with
			     * a RST */
};

/*
 * Callbacks of a listening port, or of a connection opened with
 * tcp_connect(). All run on the lcore that owns the connection, from
 * tcp_input(), a TCP timer or tcp_flush() (writable for a sender that
 * waited for memory, closed for an orphan reset).
 */
struct tcp_ops {
	/* A connection reached ESTABLISHED. Return the application's state
	 * for it (passed back to every callback), or NULL to refuse it (the
	 * connection is reset). */
	void *(*accept)(struct lcore_ctx *ctx, struct tcp_conn *c);
	/* In-order bytes, exactly once each: len bytes at data, valid only
	 * during the call. The application takes them all (it copies what
	 * it must keep), or leaves a tail with tcp_recv_leave(). */
	void (*recv)(struct lcore_ctx *ctx, struct tcp_conn *c, void *app,
		     const uint8_t *data, uint32_t len);
	/* The peer's FIN arrived after all its data: nothing more will be
	 * received. The application may still send, then tcp_close().
	 * Optional. */
	void (*peer_fin)(struct lcore_ctx *ctx, struct tcp_conn *c, void *app);
	/* Send-queue space was freed by ACKs (optional): streaming
	 * producers use it to generate more as the window opens. Called
	 * for every ACK that frees space (whether or not a tcp_send() was
	 * short), so an application that paused on tcp_send_space() is
	 * woken too; until tcp_close(). Also called from tcp_flush() for a
	 * connection that the lcore's memory budget held back (a short
	 * tcp_send() or a tcp_send_space() below tcp.snd_buf's room) once
	 * the budget has room again, even with nothing in flight. */
	void (*writable)(struct lcore_ctx *ctx, struct tcp_conn *c, void *app);
	/* writable on ACKs only while the application asked for it
	 * (tcp_want_writable(c, true)); a new connection has not. false:
	 * every ACK that frees space calls it, as above. The memory
	 * budget's wake-up calls it either way. */
	bool writable_asked;
	/* The connection is gone; the application frees its state. c must
	 * not be used after this returns. Called once per accepted conn
	 * and once per tcp_connect() that returned 0:
	 * NORMAL when our FIN is acknowledged after the peer's (LAST_ACK,
	 * or on entering TIME_WAIT, which TCP finishes alone). TIMEOUT also
	 * when the send queue made no progress for tcp.stall_timeout_ms;
	 * ABORT also when the memory budget reclaimed the connection
	 * (never from inside a tcp_send() on that same connection) or it
	 * was closed over tcp.max_orphans. */
	void (*closed)(struct lcore_ctx *ctx, struct tcp_conn *c, void *app,
		       enum tcp_close_reason why);
	/* Active open only (tcp_connect; listeners leave it NULL): the
	 * SYN-ACK arrived and c is ESTABLISHED; tcp_send() works from
	 * now on. Optional. A connection that never gets here ends with
	 * closed(): REFUSED (RST), TIMEOUT (SYN retries spent) or ABORT
	 * (tcp_close/tcp_abort before the answer, lcore shutdown). */
	void (*connected)(struct lcore_ctx *ctx, struct tcp_conn *c, void *app);
};

/* The errno a close reason stands for: NORMAL 0, RESET ECONNRESET,
 * TIMEOUT ETIMEDOUT, ABORT ECONNABORTED, REFUSED ECONNREFUSED. */
int tcp_close_errno(enum tcp_close_reason why);

/* Allocate this lcore's TCP state (4-tuple table, a pool of
 * cfg->tcp_max_conns connections) on ctx->socket_id, sized from
 * ctx->cfg. 0, -ENOMEM, -EINVAL (ctx->pool's mbufs cannot hold a
 * segment), or -errno from registering the mbuf dynamic field. */
int tcp_lcore_init(struct lcore_ctx *ctx);

/* Abort every connection (a RST to each live peer, closed(TCP_CLOSE_ABORT)
 * for each accepted one) and free the lcore's TCP state. Harmless when
 * there is none. */
void tcp_lcore_fini(struct lcore_ctx *ctx);

/* Accept connections on port (host order) with ops (accept, recv and
 * closed are required). 0, -EEXIST, -ENOSPC (16 ports), -EINVAL. */
int tcp_listen(struct lcore_ctx *ctx, uint16_t port, const struct tcp_ops *ops);

/*
 * Active open (RFC 9293 §3.10.1) to ip:port (network order) from our
 * address and an ephemeral port of tcp.ephemeral_min..tcp.ephemeral_max
 * whose return traffic reaches this lcore (docs/MULTICORE.md: one the
 * port's RSS hashes to ctx->queue_id, or else one with port % nb_lcores
 * == ctx->idx), skipping listening ports and any port whose 4-tuple
 * with this peer is in use, TIME_WAIT included. Sends a SYN with MSS
 * (tcp.mss within the MTU and one mbuf), window scale and timestamps (no
 * SACK-permitted: we do not implement SACK), through ARP (held in its
 * pending queue until the next hop resolves). The connection is SYN_SENT; the SYN is
 * retransmitted after tcp.rto_init_ms, doubling (RFC 6298 §5.5) up to
 * tcp.rto_max_ms, tcp.syn_retries times. Then one of:
 *  - the SYN-ACK: ESTABLISHED, ops->connected(), and from then on the
 *    connection is like an accepted one (ops->recv, writable, peer_fin,
 *    closed; tcp_send, tcp_close, tcp_abort; retransmission, NewReno,
 *    persist, the memory budget and the close paths);
 *  - a RST acknowledging our SYN: closed(TCP_CLOSE_REFUSED);
 *  - the retries spent: closed(TCP_CLOSE_TIMEOUT);
 *  - tcp_close() or tcp_abort() first: closed(TCP_CLOSE_ABORT) (at the
 *    next tcp_flush() for tcp_close; nothing is sent: §3.10.4).
 * A SYN without ACK (simultaneous open, §3.10.7.3 fourth) is refused
 * with a RST and the connection stays SYN_SENT; data or FIN on the
 * SYN-ACK is not taken (the peer sends it again).
 * ops needs recv and closed (accept is not used); app is passed to every
 * callback; nothing is called from inside tcp_connect(). On success *out
 * (may be NULL) is the connection, which stays valid until closed().
 * Returns 0, or: -EINVAL (no TCP state on ctx, ops incomplete, ip zero,
 * ours, broadcast or multicast, port 0); -ENETUNREACH (ip off our subnet
 * and no gateway); -EADDRNOTAVAIL (no ephemeral port left to this lcore
 * for this peer ip:port, counted tcp_ephemeral_exhausted);
 * -ENOMEM (every connection object holds a live connection).
 */
int tcp_connect(struct lcore_ctx *ctx, uint32_t ip, uint16_t port,
		const struct tcp_ops *ops, void *app, struct tcp_conn **out);

/*
 * tcp_connect() to an IPv6 peer (16 bytes, network order), sent from
 * ip6.address, or from our link-local address to a link-local peer. The
 * SYN waits for Neighbour Discovery as an IPv4 one waits for ARP; the
 * MSS follows the IPv6 header and any recorded path MTU. Returns as
 * tcp_connect(), and -EAFNOSUPPORT when IPv6 is off (ip6.address
 * "none"); -EINVAL also for an unspecified, loopback, IPv4-mapped or
 * multicast ip6 or one of ours; -ENETUNREACH off our prefix without
 * ip6.gateway.
 */
int tcp_connect6(struct lcore_ctx *ctx, const uint8_t *ip6, uint16_t port,
		 const struct tcp_ops *ops, void *app, struct tcp_conn **out);

/* A TCP segment (data at the TCP header; p->ip, p->eth, p->l4_len set).
 * Consumes m. */
void tcp_input(struct lcore_ctx *ctx, struct rte_mbuf *m, struct net_pkt *p);
/* A frame (data at the Ethernet header) that eth_input would hand to
 * ipv4_input: true when it was the plain IPv4 TCP datagram and was
 * processed (counted, consumed) as ipv4_input and tcp_input would;
 * false: m untouched, for eth_input. eth_input_burst's fast case. */
bool tcp_input_frame4(struct lcore_ctx *ctx, struct rte_mbuf *m);
/* The same for a frame eth_input would hand to ipv6_input (IPv6 on):
 * the plain IPv6 TCP datagram (ipv6_rx_plain_tcp) as ipv6_input and
 * tcp_input would; false: m untouched. */
bool tcp_input_frame6(struct lcore_ctx *ctx, struct rte_mbuf *m);
/* eth_input_burst's burst of n > 1 frames (counted in rx_packets by it),
 * each counted in rx_bytes and handled as eth_input_burst handles a
 * lone one: tcp_input_frame4's and tcp_input_frame6's work inline, the
 * rest by eth_input_ip6 or eth_input. Consumes them. */
void tcp_input_burst(struct lcore_ctx *ctx, struct rte_mbuf **pkts,
		     uint16_t n);

/*
 * Room for len bytes at the end of c's send queue, to be written by the
 * caller before it returns to TCP (no staging copy): a fresh mbuf holds
 * them, counted as queued as tcp_send() counts them. sum is their
 * ones'-complement sum (RFC 1071, cksum_fold(cksum_add(...)) of net/
 * cksum.h), kept with them so that their first transmission sums only
 * the headers. Returns where to write, or NULL (nothing queued) when
 * tcp_send() must take them instead: c cannot send, len is 0 or over
 * one mbuf, the send buffer or the memory budget is short, or the
 * queue's tail mbuf still has room (tcp_send fills it first). The room
 * is at least TCP_RESERVE_ROOM bytes whatever len is: the caller may
 * copy in fixed-size blocks past len (bytes past len are not sent).
 */
#define TCP_RESERVE_ROOM 256u
void *tcp_send_reserve(struct lcore_ctx *ctx, struct tcp_conn *c, uint32_t len,
		       uint16_t sum);

/*
 * Queue up to len bytes for sending (copied into mbufs filled to their
 * capacity, cut into segments when sent: a small response is one mbuf,
 * one segment). Returns the number of bytes accepted, bounded by
 * cfg->tcp_snd_buf queued bytes and by the lcore's send-queue budget
 * (mem.sndq_bytes): less than len when the send buffer is full, the
 * budget refuses another mbuf, or mbufs ran out. On a short count stop
 * producing (an HTTP server stops reading requests) and wait for
 * writable: it comes when ACKs free space or the budget has room again.
 * A refusal may make the lcore abort other connections that hold much
 * and drain nothing (never c). -ENOTCONN when the connection can no
 * longer send (not ESTABLISHED or CLOSE_WAIT, or tcp_close() was called).
 * Segments leave at the end of the current input burst or timer run
 * (tcp_flush), so responses to pipelined requests share segments and
 * carry the ACK.
 */
int tcp_send(struct lcore_ctx *ctx, struct tcp_conn *c, const void *data,
	     uint32_t len);

/* Bytes tcp_send() would accept now: the tcp.snd_buf room, less when
 * the lcore's send-queue budget is nearly spent (then c is woken by
 * writable once the budget has room). Check it before taking work whose
 * answer must go out whole. */
uint32_t tcp_send_space(struct tcp_conn *c);

/* For ops with writable_asked: whether ACKs that free send-queue space
 * call ops->writable for c (a new connection: no). The application
 * turns it on before it starts to wait for room (a short tcp_send(), a
 * tcp_send_space() too small, an answer it holds back) and may turn it
 * off when it waits for none. */
void tcp_want_writable(struct tcp_conn *c, bool want);

/* Bytes queued on c, sent or not, that the peer has not acknowledged. */
uint32_t tcp_sndq_bytes(const struct tcp_conn *c);

/*
 * The receive window follows the application (RFC 9293 §3.8.6). room is
 * how many bytes past those delivered so far the application will take
 * (what it can buffer); TCP_RCV_ANY, the default, means no bound but
 * tcp.rcv_wnd. TCP announces no window past that, but never moves the
 * right edge of a window it announced to the left (RFC 9293 §3.8.6,
 * SHLD-14): up to that edge bytes still come, and recv() takes them or
 * leaves them (tcp_recv_leave). With room 0 the window closes as the
 * peer fills it. A room that opens the window by an MSS or half of
 * tcp.rcv_wnd past what was announced sends a window update at the next
 * flush (receiver SWS avoidance, §3.8.6.2.2). Cheap: call it when the
 * application starts or stops reading, not per segment.
 */
#define TCP_RCV_ANY UINT32_MAX
void tcp_rcv_room(struct lcore_ctx *ctx, struct tcp_conn *c, uint32_t room);

/*
 * From inside recv() only: the last n bytes of this call were not taken
 * (the application has no room for them). TCP does not acknowledge them
 * and drops them with whatever followed (held segments stay, a FIN
 * waits): the peer sends them again, and recv() gets them then.
 */
void tcp_recv_leave(struct tcp_conn *c, uint32_t n);

/* Graceful close: FIN after everything queued. No recv() after this
 * (later bytes are acknowledged and dropped); closed() follows later,
 * never from inside this call (over tcp.max_orphans the connection is
 * reset at the next tcp_flush()). Harmless when already closing. */
void tcp_close(struct lcore_ctx *ctx, struct tcp_conn *c);

/* Reset now (RST to the peer); closed(TCP_CLOSE_ABORT) is called before
 * this returns. */
void tcp_abort(struct lcore_ctx *ctx, struct tcp_conn *c);

/*
 * ICMP fragmentation needed (RFC 1191) for a segment we sent to peer_ip
 * (network order) from lport to pport (network order) with sequence seq
 * (host order): lower that connection's MSS to what mtu carries, never
 * below tcp.min_snd_mss nor 536, and send what is in flight again.
 * 0, or -ENOENT when no connection has seq in flight or the MSS is
 * already as small (counted tcp_pmtu_lowered / tcp_pmtu_ignored).
 */
int tcp_pmtu_frag_needed(struct lcore_ctx *ctx, uint32_t peer_ip,
			 uint16_t pport, uint16_t lport, uint32_t seq,
			 uint32_t mtu);

/* The same for an ICMPv6 packet too big (RFC 8201) quoting a segment
 * from our address local to peer (16 bytes each): the MSS becomes mtu
 * less 60 (IPv6 + TCP) and our options, under the same rules. */
int tcp_pmtu_too_big6(struct lcore_ctx *ctx, const uint8_t *local,
		      const uint8_t *peer, uint16_t pport, uint16_t lport,
		      uint32_t seq, uint32_t mtu);

/*
 * struct tcp_lcore (tcp_priv.h) begins with the two lists tcp_flush()
 * serves, at these word indices: its output list and its senders waiting
 * for memory. tcp_flush()'s test reads them inline (tcp_priv.h checks).
 */
#define TCP_LCORE_W_PENDING 0
#define TCP_LCORE_W_MEMWAIT 1

/* tcp_flush() of an lcore with TCP state and a list to serve. */
void tcp_flush_lists(struct lcore_ctx *ctx);

/* Emit the segments queued on this lcore and wake senders that memory
 * frees (called by the poll loop's poll_end, once per poll). Inline: the
 * common poll has nothing queued, and then this is a test, no call. */
static inline void
tcp_flush(struct lcore_ctx *ctx)
{
	struct tcp_conn *const *w = (struct tcp_conn *const *)ctx->tcp;

	if (w && ((uintptr_t)w[TCP_LCORE_W_PENDING] |
		  (uintptr_t)w[TCP_LCORE_W_MEMWAIT]))
		tcp_flush_lists(ctx);
}

/*
 * The words of struct tcp_conn (tcp_priv.h) that tcp_send_room_fast()
 * reads inline, at these byte offsets (tcp_sndq.c checks them): the
 * state byte, then the flags (32 bits) at TCP_CONN_O_STATE + 4, and the
 * queued bytes with their bound (sndq_len, snd_buf: 32 bits each).
 * TCP_CONN_NOSEND: the flags under which nothing is queued any more
 * (the application closed, or the connection is dead).
 */
#define TCP_CONN_O_STATE 16
#define TCP_CONN_O_SNDQ_LEN 96
#define TCP_CONN_NOSEND 0x220u

/* What tcp_send_room_fast() compares MEM_SNDQ's use with: the budget's
 * use up to which tcp_send_space() is never limited by it, fixed by
 * tcp_lcore_init() for the lcore's life (0 without TCP state). */
uint64_t tcp_send_room_bound(const struct lcore_ctx *ctx);

/*
 * true when tcp_send_space(c) >= need surely, as tcp_send_space() would
 * find it (and then with nothing else done): c ESTABLISHED with neither
 * NOSEND flag, snd_buf - sndq_len >= need, MEM_SNDQ at most bound
 * (tcp_send_room_bound) and no sender waiting for budget. false: ask
 * tcp_send_space() (CLOSE_WAIT, a short queue room, the budget). Inline,
 * for a caller that asks before every request: no call.
 */
static inline bool
tcp_send_room_fast(const struct lcore_ctx *ctx, const struct tcp_conn *c,
		   uint32_t need, uint64_t bound)
{
	const uint8_t *b = (const uint8_t *)c;
	struct tcp_conn *const *w = (struct tcp_conn *const *)ctx->tcp;
	uint64_t sf;
	uint32_t len, buf;

	/* The budget first: past its bound (many connections hold send
	 * queues) this fails at once, and tcp_send_space() decides. */
	if (unlikely(ctx->mem.cls[MEM_SNDQ].in_use > bound))
		return false;
	memcpy(&sf, b + TCP_CONN_O_STATE, 8);
	memcpy(&len, b + TCP_CONN_O_SNDQ_LEN, 4);
	memcpy(&buf, b + TCP_CONN_O_SNDQ_LEN + 4, 4);
	if (unlikely((sf & (0xffull | (uint64_t)TCP_CONN_NOSEND << 32)) !=
		     TCP_ESTABLISHED))
		return false;
	if (unlikely(buf - len < need))
		return false;
	return w[TCP_LCORE_W_MEMWAIT] == NULL;
}

/* Peer address (network order) of c; for an IPv6 connection *ip is a
 * 32-bit digest of the address (tcp_conn_peer6 gives it whole). */
void tcp_conn_peer(const struct tcp_conn *c, uint32_t *ip, uint16_t *port);

/* c is IPv6: true, and its peer's address in out. false for IPv4. */
bool tcp_conn_peer6(const struct tcp_conn *c, uint8_t out[16]);

/* Local port (network order) of c: the listening port, or the
 * ephemeral port tcp_connect() chose. */
uint16_t tcp_conn_local_port(const struct tcp_conn *c);

/* State of c (enum tcp_state). */
int tcp_conn_state(const struct tcp_conn *c);

/* Connection objects in use on this lcore, TIME_WAIT included (leak
 * checks, control plane). */
uint32_t tcp_conn_count(const struct lcore_ctx *ctx);

/* Connections on this lcore by state (counts[TCP_NSTATES]); the LISTEN
 * count is the number of listening ports, CLOSED is 0. A gauge for the
 * control plane: read on the owning lcore or tolerate a torn snapshot. */
void tcp_state_counts(const struct lcore_ctx *ctx, uint32_t *counts);

/* Call fn (may be NULL: count only; a non-zero return stops the walk) for each connection on this lcore
 * that is not CLOSED, TIME_WAIT included, in pool order. Returns how
 * many were visited. From another thread the walk is a racy snapshot:
 * a connection may change or close while fn reads it (the objects stay
 * mapped, so nothing faults); read on the owning lcore for exact data. */
uint32_t tcp_conn_walk(const struct lcore_ctx *ctx,
		       int (*fn)(const struct tcp_conn *c, void *arg),
		       void *arg);

/* Live connections (as tcp_conn_walk visits) on this lcore by family:
 * *v4 over IPv4 (our address or an ip.vips entry), *v6 over IPv6. The
 * same snapshot rule as tcp_conn_walk. */
void tcp_family_counts(const struct lcore_ctx *ctx, uint32_t *v4,
		       uint32_t *v6);

/* "ESTABLISHED" etc.; "?" outside 0..TCP_NSTATES-1. */
const char *tcp_state_name(int state);

/* Tests only: choose ephemeral ports as if the port hashed flows with
 * RSS (key_len >= 16 bytes of Toeplitz key, reta_size a power of two up
 * to 512, reta[i] the queue of entry i) to ctx->queue_id; reta_size 0
 * returns to the port % nb_lcores split. 0 or -EINVAL. */
int tcp_test_set_rss(struct lcore_ctx *ctx, const uint8_t *key,
		     uint32_t key_len, const uint16_t *reta,
		     uint32_t reta_size);

/* Tests only: the ISN every passive open uses from now on, instead of
 * RFC 6528's (0 = RFC 6528 again). SYN cookies are not affected. */
void tcp_test_set_isn(uint32_t isn);

#endif

/* SPDX-License-Identifier: BSD-3-Clause */
/* mrc-client: pipelined keep-alive 1MRC load client, exact /stats check. */

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MC_EXIT_OK 0
#define MC_EXIT_FAIL 1
#define MC_EXIT_USAGE 2

#define MC_CLAIM 256	       /* events a thread claims at once */
#define MC_MAX_EVENTS 512      /* epoll events per wait */
#define MC_TICK_NS 50000000ull /* timeouts, reconnects, progress */
#define MC_BACKOFF_MAX_NS 1000000000ull
#define MC_STATUS_MAX 600
#define MC_HIST_SUB 5 /* 32 sub-buckets per power of two */
#define MC_HIST_SIZE ((64 - MC_HIST_SUB + 1) << MC_HIST_SUB)
#define MC_BODY_MAX 128 /* longest event body */

enum mc_pstate {
	MC_P_STATUS,
	MC_P_HEADER,
	MC_P_BODY,
	MC_P_CHUNK_SIZE,
	MC_P_CHUNK_DATA,
	MC_P_CHUNK_END,
	MC_P_TRAILER,
	MC_P_EOF_BODY,
};

/* Incremental HTTP/1.x response parser: survives any split of the input. */
struct mc_parser {
	enum mc_pstate state;
	int status;
	bool keep_alive;
	bool chunked;
	int64_t clen;
	uint64_t left;
	char *cap; /* body capture (control requests only) */
	size_t cap_size;
	size_t cap_len;
};

enum mc_cstate {
	MC_C_IDLE, /* closed, nothing to send */
	MC_C_WAIT, /* closed, reopen at retry_at */
	MC_C_CONNECTING,
	MC_C_OPEN,
	MC_C_DEAD, /* gave up after --timeout without progress */
};

enum mc_close {
	MC_CLOSE_GRACEFUL, /* server said Connection: close */
	MC_CLOSE_EOF,
	MC_CLOSE_ERROR,
	MC_CLOSE_TIMEOUT,
	MC_CLOSE_PROTO,
	MC_CLOSE_CONNECT,
};

struct mc_slot {
	uint64_t ev;
	uint64_t t;
};

struct mc_conn {
	struct mc_thread *th;
	int fd;
	enum mc_cstate state;
	bool pollout;
	bool opened_before;
	uint32_t head;
	uint32_t count;
	struct mc_slot *slots; /* in-flight FIFO, depth entries */
	char *obuf;
	size_t olen;
	size_t ooff;
	char *ibuf;
	size_t ilen;
	size_t ipos;
	struct mc_parser parser;
	uint64_t since;
	uint64_t fail_since;
	uint64_t retry_at;
	uint64_t backoff;
};

struct mc_counters {
	uint64_t sent;
	uint64_t resent;
	uint64_t retried;
	uint64_t close_resends;
	uint64_t responses;
	uint64_t acked;
	uint64_t non2xx;
	uint64_t lost;
	uint64_t conn_errors;
	uint64_t timeouts;
	uint64_t proto_errors;
	uint64_t connect_fails;
	uint64_t reconnects;
	uint64_t server_closes;
	uint64_t sends;
	uint64_t recvs;
	uint64_t waits;
	uint64_t sum_halves;
	uint64_t lat_sum;
	uint64_t lat_max;
	uint64_t status_other;
	uint64_t status[MC_STATUS_MAX];
};

struct mc_thread {
	int id;
	pthread_t tid;
	int ep;
	struct mc_conn *conns;
	int nconns;
	int alive;
	uint64_t cur;
	uint64_t end;
	bool exhausted;
	bool need_service;
	uint64_t *rq; /* events to send again */
	size_t rq_len;
	size_t rq_cap;
	uint64_t inflight;
	uint64_t next_tick;
	uint64_t t_end;
	uint64_t *users;
	uint64_t *hist;
	struct mc_counters cnt;
	/* read by the main thread for --progress */
	uint64_t pub_sent;
	uint64_t pub_resp;
	uint64_t pub_acked;
	uint64_t pub_bad;
	int pub_done;
} __attribute__((aligned(64)));

struct mc_cfg {
	uint64_t events;
	uint64_t users;
	int conns;
	int depth;
	int threads;
	bool reset;
	bool progress;
	bool exact;
	bool json;
	bool retry;
	double timeout_s;
	uint64_t timeout_ns;
	size_t rbuf_size;
	const char *url;
	char host[300];
	struct sockaddr_storage addr;
	socklen_t addrlen;
	char prefix[512];
	size_t prefix_len;
	size_t max_req;
	uint32_t batch; /* top a connection up once this many slots are free */
};

struct mc_stats {
	double total;
	double users;
	double sum;
	double avg;
	bool have[4];
};

static struct mc_cfg mc_cfg = {
	.events = 1000000,
	.users = 75000,
	.conns = 64,
	.depth = 16,
	.threads = 1,
	.batch = 1,
	.timeout_s = 10,
};
static volatile sig_atomic_t mc_stop;
static uint64_t mc_next_ev;

static inline uint64_t
mc_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* ---- latency histogram (log-linear, ~3% resolution) ---- */

static inline unsigned
mc_hist_index(uint64_t v)
{
	unsigned e;

	if (v < (1u << MC_HIST_SUB))
		return (unsigned)v;
	e = 63 - (unsigned)__builtin_clzll(v);
	return ((e - MC_HIST_SUB + 1) << MC_HIST_SUB) +
	       (unsigned)((v >> (e - MC_HIST_SUB)) & ((1u << MC_HIST_SUB) - 1));
}

static uint64_t
mc_hist_upper(unsigned idx)
{
	unsigned g = idx >> MC_HIST_SUB;
	uint64_t sub = idx & ((1u << MC_HIST_SUB) - 1);

	if (g == 0)
		return idx;
	return (((1ull << MC_HIST_SUB) + sub + 1) << (g - 1)) - 1;
}

static uint64_t
mc_hist_pct(const uint64_t *hist, uint64_t total, double q, uint64_t max)
{
	uint64_t want = (uint64_t)ceil(q * (double)total), acc = 0;
	unsigned i;

	if (total == 0)
		return 0;
	if (want == 0)
		want = 1;
	for (i = 0; i < MC_HIST_SIZE; i++) {
		acc += hist[i];
		if (acc >= want)
			return mc_hist_upper(i) < max ? mc_hist_upper(i) : max;
	}
	return max;
}

/* ---- response parser ---- */

static void
mc_parser_reset(struct mc_parser *p)
{
	p->state = MC_P_STATUS;
	p->status = 0;
	p->keep_alive = true;
	p->chunked = false;
	p->clen = -1;
	p->left = 0;
	p->cap_len = 0;
}

static bool
mc_has_token(const char *v, size_t vlen, const char *tok)
{
	size_t tl = strlen(tok), i;

	for (i = 0; i + tl <= vlen; i++)
		if (strncasecmp(v + i, tok, tl) == 0)
			return true;
	return false;
}

static int
mc_parse_status(struct mc_parser *p, const char *s, size_t len)
{
	if (len < 12 || memcmp(s, "HTTP/1.", 7) != 0 || s[8] != ' ' ||
	    s[9] < '1' || s[9] > '5' || s[10] < '0' || s[10] > '9' ||
	    s[11] < '0' || s[11] > '9' || (len > 12 && s[12] != ' '))
		return -1;
	p->status = (s[9] - '0') * 100 + (s[10] - '0') * 10 + (s[11] - '0');
	p->keep_alive = s[7] != '0';
	return 0;
}

static int
mc_parse_header(struct mc_parser *p, const char *s, size_t len)
{
	const char *colon = memchr(s, ':', len), *v, *e = s + len;
	size_t nlen;
	int64_t n = 0;

	if (colon == NULL || colon == s)
		return -1;
	nlen = (size_t)(colon - s);
	v = colon + 1;
	while (v < e && (*v == ' ' || *v == '\t'))
		v++;
	while (e > v && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	if (nlen == 14 && strncasecmp(s, "content-length", 14) == 0) {
		if (v == e)
			return -1;
		for (; v < e; v++) {
			if (*v < '0' || *v > '9' || n > (INT64_MAX - 9) / 10)
				return -1;
			n = n * 10 + (*v - '0');
		}
		if (p->clen >= 0 && p->clen != n)
			return -1;
		p->clen = n;
	} else if (nlen == 17 && strncasecmp(s, "transfer-encoding", 17) == 0) {
		if (mc_has_token(v, (size_t)(e - v), "chunked"))
			p->chunked = true;
	} else if (nlen == 10 && strncasecmp(s, "connection", 10) == 0) {
		if (mc_has_token(v, (size_t)(e - v), "close"))
			p->keep_alive = false;
		else if (mc_has_token(v, (size_t)(e - v), "keep-alive"))
			p->keep_alive = true;
	}
	return 0;
}

/* After the blank line: 1 = response complete, 0 = a body follows. */
static int
mc_headers_done(struct mc_parser *p)
{
	if (p->status < 200 || p->status == 204 || p->status == 304)
		return 1;
	if (p->chunked) {
		p->state = MC_P_CHUNK_SIZE;
		return 0;
	}
	if (p->clen == 0)
		return 1;
	if (p->clen > 0) {
		p->left = (uint64_t)p->clen;
		p->state = MC_P_BODY;
		return 0;
	}
	p->keep_alive = false;
	p->state = MC_P_EOF_BODY;
	return 0;
}

static int
mc_parse_chunk_size(struct mc_parser *p, const char *s, size_t len)
{
	uint64_t n = 0;
	size_t i;
	int d;

	for (i = 0; i < len; i++) {
		char ch = s[i];

		if (ch >= '0' && ch <= '9')
			d = ch - '0';
		else if ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'f')
			d = (ch | 0x20) - 'a' + 10;
		else
			break;
		if (n >> 59)
			return -1;
		n = n * 16 + (uint64_t)d;
	}
	if (i == 0 || (i < len && s[i] != ';' && s[i] != ' ' && s[i] != '\t'))
		return -1;
	if (n == 0) {
		p->state = MC_P_TRAILER;
	} else {
		p->left = n;
		p->state = MC_P_CHUNK_DATA;
	}
	return 0;
}

static void
mc_capture(struct mc_parser *p, const char *s, size_t n)
{
	if (p->cap == NULL || p->cap_len >= p->cap_size)
		return;
	if (n > p->cap_size - p->cap_len)
		n = p->cap_size - p->cap_len;
	memcpy(p->cap + p->cap_len, s, n);
	p->cap_len += n;
}

/*
 * Feed buf[0..len). Sets *used to the bytes consumed (a partial line is left
 * for the next call). Returns 1 when a response is complete, 0 when more
 * input is needed, -1 on a malformed response.
 */
static int
mc_parse(struct mc_parser *p, const char *buf, size_t len, size_t *used)
{
	size_t pos = 0;
	int rc = 0;

	for (;;) {
		const char *s, *nl;
		size_t ll, n;

		if (p->state == MC_P_BODY || p->state == MC_P_CHUNK_DATA ||
		    p->state == MC_P_EOF_BODY) {
			n = len - pos;
			if (p->state != MC_P_EOF_BODY && n > p->left)
				n = (size_t)p->left;
			mc_capture(p, buf + pos, n);
			pos += n;
			if (p->state == MC_P_EOF_BODY)
				break;
			p->left -= n;
			if (p->left > 0)
				break;
			if (p->state == MC_P_BODY) {
				rc = 1;
				break;
			}
			p->state = MC_P_CHUNK_END;
			continue;
		}
		s = buf + pos;
		nl = memchr(s, '\n', len - pos);
		if (nl == NULL)
			break;
		ll = (size_t)(nl - s);
		if (ll > 0 && s[ll - 1] == '\r')
			ll--;
		pos = (size_t)(nl - buf) + 1;
		switch (p->state) {
		case MC_P_STATUS:
			if (mc_parse_status(p, s, ll) < 0)
				rc = -1;
			p->state = MC_P_HEADER;
			break;
		case MC_P_HEADER:
			if (ll == 0)
				rc = mc_headers_done(p);
			else if (mc_parse_header(p, s, ll) < 0)
				rc = -1;
			break;
		case MC_P_CHUNK_SIZE:
			rc = mc_parse_chunk_size(p, s, ll);
			break;
		case MC_P_CHUNK_END:
			rc = ll == 0 ? 0 : -1;
			p->state = MC_P_CHUNK_SIZE;
			break;
		case MC_P_TRAILER:
			rc = ll == 0;
			break;
		default:
			rc = -1;
		}
		if (rc != 0)
			break;
	}
	*used = pos;
	return rc;
}

/* ---- request formatting ---- */

static inline char *
mc_put_u64(char *p, uint64_t v)
{
	char tmp[20];
	int n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		*p++ = tmp[--n];
	return p;
}

static inline size_t
mc_format(char *out, uint64_t ev)
{
	char body[MC_BODY_MAX], *b = body, *o;

	memcpy(b, "{\"userId\":\"user_", 16);
	b = mc_put_u64(b + 16, ev % mc_cfg.users);
	memcpy(b, "\",\"value\":", 10);
	b = mc_put_u64(b + 10, ev % 1000);
	memcpy(b, ".5}", 3);
	b += 3;
	memcpy(out, mc_cfg.prefix, mc_cfg.prefix_len);
	o = mc_put_u64(out + mc_cfg.prefix_len, (uint64_t)(b - body));
	memcpy(o, "\r\n\r\n", 4);
	memcpy(o + 4, body, (size_t)(b - body));
	return (size_t)(o + 4 + (b - body) - out);
}

/* ---- connections ---- */

static void mc_conn_close(struct mc_conn *c, enum mc_close how);

static void
mc_rq_push(struct mc_thread *th, uint64_t ev)
{
	if (th->rq_len == th->rq_cap) {
		size_t cap = th->rq_cap ? th->rq_cap * 2 : 1024;
		uint64_t *rq = realloc(th->rq, cap * sizeof(*rq));

		if (rq == NULL) {
			th->cnt.lost++;
			return;
		}
		th->rq = rq;
		th->rq_cap = cap;
	}
	th->rq[th->rq_len++] = ev;
	th->need_service = true;
}

static bool
mc_next_event(struct mc_thread *th, uint64_t *ev)
{
	uint64_t base;

	if (mc_stop) {
		th->exhausted = true;
		return false;
	}
	if (th->rq_len > 0) {
		*ev = th->rq[--th->rq_len];
		th->cnt.resent++;
		return true;
	}
	if (th->cur == th->end) {
		if (th->exhausted)
			return false;
		base = __atomic_fetch_add(&mc_next_ev, MC_CLAIM,
					  __ATOMIC_RELAXED);
		if (base >= mc_cfg.events) {
			th->exhausted = true;
			return false;
		}
		th->cur = base;
		th->end = base + MC_CLAIM < mc_cfg.events ? base + MC_CLAIM
							  : mc_cfg.events;
	}
	*ev = th->cur++;
	th->cnt.sent++;
	return true;
}

static void
mc_conn_pollout(struct mc_conn *c, bool on)
{
	struct epoll_event ee = {.events = EPOLLIN | (on ? EPOLLOUT : 0),
				 .data.ptr = c};

	if (epoll_ctl(c->th->ep, EPOLL_CTL_MOD, c->fd, &ee) == 0)
		c->pollout = on;
}

static void
mc_conn_flush(struct mc_conn *c)
{
	while (c->ooff < c->olen) {
		ssize_t r = send(c->fd, c->obuf + c->ooff, c->olen - c->ooff,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		c->th->cnt.sends++;
		if (r > 0) {
			c->ooff += (size_t)r;
		} else if (r < 0 && errno == EINTR) {
			continue;
		} else if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			if (!c->pollout)
				mc_conn_pollout(c, true);
			return;
		} else {
			mc_conn_close(c, MC_CLOSE_ERROR);
			return;
		}
	}
	c->olen = c->ooff = 0;
	if (c->pollout)
		mc_conn_pollout(c, false);
}

/* Top the pipeline up to depth and push the new requests out in one send. */
static void
mc_conn_fill(struct mc_conn *c)
{
	struct mc_thread *th = c->th;
	uint32_t depth = (uint32_t)mc_cfg.depth, pos;
	uint64_t now, ev;
	bool added = false;

	if (c->state != MC_C_OPEN || c->count + mc_cfg.batch > depth)
		return;
	if (c->ooff > 0) {
		memmove(c->obuf, c->obuf + c->ooff, c->olen - c->ooff);
		c->olen -= c->ooff;
		c->ooff = 0;
	}
	now = mc_now();
	while (c->count < depth && mc_next_event(th, &ev)) {
		c->olen += mc_format(c->obuf + c->olen, ev);
		pos = c->head + c->count;
		if (pos >= depth)
			pos -= depth;
		c->slots[pos].ev = ev;
		c->slots[pos].t = now;
		c->count++;
		th->inflight++;
		added = true;
	}
	if (added)
		mc_conn_flush(c);
}

static void
mc_record(struct mc_thread *th, uint64_t ev, int status, uint64_t lat)
{
	struct mc_counters *k = &th->cnt;
	uint64_t u;

	k->responses++;
	if (status >= 0 && status < MC_STATUS_MAX)
		k->status[status]++;
	else
		k->status_other++;
	if (status >= 200 && status < 300) {
		k->acked++;
		k->sum_halves += 2 * (ev % 1000) + 1;
		u = ev % mc_cfg.users;
		th->users[u >> 6] |= 1ull << (u & 63);
	} else {
		k->non2xx++;
	}
	th->hist[mc_hist_index(lat)]++;
	k->lat_sum += lat;
	if (lat > k->lat_max)
		k->lat_max = lat;
}

/* A complete response: returns -1 when the connection went away. */
static int
mc_conn_response(struct mc_conn *c, uint64_t now)
{
	struct mc_thread *th = c->th;
	int status = c->parser.status;
	bool keep_alive = c->parser.keep_alive;
	struct mc_slot *sl;

	mc_parser_reset(&c->parser);
	if (status < 200)
		return 0;
	if (c->count == 0) {
		th->cnt.proto_errors++;
		mc_conn_close(c, MC_CLOSE_PROTO);
		return -1;
	}
	sl = &c->slots[c->head];
	if (++c->head == (uint32_t)mc_cfg.depth)
		c->head = 0;
	c->count--;
	th->inflight--;
	c->fail_since = 0;
	mc_record(th, sl->ev, status, now > sl->t ? now - sl->t : 0);
	if (!keep_alive) {
		mc_conn_close(c, MC_CLOSE_GRACEFUL);
		return -1;
	}
	return 0;
}

static int
mc_conn_parse(struct mc_conn *c, uint64_t now)
{
	while (c->ipos < c->ilen) {
		size_t used = 0;
		int rc = mc_parse(&c->parser, c->ibuf + c->ipos,
				  c->ilen - c->ipos, &used);

		c->ipos += used;
		if (rc == 0)
			break;
		if (rc < 0) {
			c->th->cnt.proto_errors++;
			mc_conn_close(c, MC_CLOSE_PROTO);
			return -1;
		}
		if (mc_conn_response(c, now) < 0)
			return -1;
	}
	return 0;
}

static void
mc_conn_read(struct mc_conn *c)
{
	for (;;) {
		size_t room;
		ssize_t r;

		if (c->ipos == c->ilen) {
			c->ipos = c->ilen = 0;
		} else if (c->ipos > 0 && c->ilen > mc_cfg.rbuf_size / 2) {
			memmove(c->ibuf, c->ibuf + c->ipos, c->ilen - c->ipos);
			c->ilen -= c->ipos;
			c->ipos = 0;
		}
		room = mc_cfg.rbuf_size - c->ilen;
		if (room == 0) { /* one header line fills the buffer */
			c->th->cnt.proto_errors++;
			mc_conn_close(c, MC_CLOSE_PROTO);
			return;
		}
		r = recv(c->fd, c->ibuf + c->ilen, room, MSG_DONTWAIT);
		c->th->cnt.recvs++;
		if (r > 0) {
			c->ilen += (size_t)r;
			if (mc_conn_parse(c, mc_now()) < 0 || (size_t)r < room)
				return;
		} else if (r == 0) {
			if (c->parser.state == MC_P_EOF_BODY) {
				c->parser.keep_alive = false;
				mc_conn_response(c, mc_now());
				return;
			}
			mc_conn_close(c, MC_CLOSE_EOF);
			return;
		} else if (errno == EAGAIN || errno == EWOULDBLOCK) {
			return;
		} else if (errno != EINTR) {
			mc_conn_close(c, MC_CLOSE_ERROR);
			return;
		}
	}
}

static void
mc_conn_connected(struct mc_conn *c)
{
	struct epoll_event ee = {.events = EPOLLIN, .data.ptr = c};

	epoll_ctl(c->th->ep, EPOLL_CTL_MOD, c->fd, &ee);
	c->pollout = false;
	c->state = MC_C_OPEN;
	mc_conn_fill(c);
}

static void
mc_conn_open(struct mc_conn *c)
{
	struct mc_thread *th = c->th;
	struct epoll_event ee = {.events = EPOLLIN | EPOLLOUT, .data.ptr = c};
	int one = 1, rc;

	if (c->opened_before)
		th->cnt.reconnects++;
	c->opened_before = true;
	c->since = mc_now();
	c->fd = socket(mc_cfg.addr.ss_family,
		       SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0) {
		mc_conn_close(c, MC_CLOSE_CONNECT);
		return;
	}
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	rc = connect(c->fd, (struct sockaddr *)&mc_cfg.addr, mc_cfg.addrlen);
	if (rc < 0 && errno != EINPROGRESS) {
		mc_conn_close(c, MC_CLOSE_CONNECT);
		return;
	}
	if (epoll_ctl(th->ep, EPOLL_CTL_ADD, c->fd, &ee) < 0) {
		mc_conn_close(c, MC_CLOSE_CONNECT);
		return;
	}
	c->pollout = true;
	c->state = MC_C_CONNECTING;
	if (rc == 0)
		mc_conn_connected(c);
}

/*
 * Close a connection and settle its unanswered requests. After a response
 * with "Connection: close" the server processes nothing more on the
 * connection (RFC 9112 9.6), so the rest is safe to send again. Otherwise
 * the server may or may not have counted them: lost, or with --retry sent
 * again and counted as retried (at-least-once).
 */
static void
mc_conn_close(struct mc_conn *c, enum mc_close how)
{
	struct mc_thread *th = c->th;
	uint32_t depth = (uint32_t)mc_cfg.depth, i, pos;
	bool certain = how == MC_CLOSE_GRACEFUL;
	uint64_t now = mc_now();

	if (how == MC_CLOSE_EOF && c->count == 0 &&
	    c->parser.state == MC_P_STATUS && c->ilen == c->ipos) {
		certain = true;
		th->cnt.server_closes++;
	} else if (how == MC_CLOSE_CONNECT) {
		th->cnt.connect_fails++;
	} else if (!certain) {
		th->cnt.conn_errors++;
	}
	for (i = 0; i < c->count; i++) {
		pos = c->head + i < depth ? c->head + i : c->head + i - depth;
		if (certain) {
			th->cnt.close_resends++;
			mc_rq_push(th, c->slots[pos].ev);
		} else if (mc_cfg.retry) {
			th->cnt.retried++;
			mc_rq_push(th, c->slots[pos].ev);
		} else {
			th->cnt.lost++;
		}
	}
	th->inflight -= c->count;
	c->count = c->head = 0;
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->olen = c->ooff = c->ilen = c->ipos = 0;
	c->pollout = false;
	mc_parser_reset(&c->parser);
	if (certain) {
		c->retry_at = now;
	} else if (c->fail_since == 0) {
		c->fail_since = now;
		c->backoff = 0;
		c->retry_at = now;
	} else {
		c->backoff = c->backoff ? c->backoff * 2 : 10000000ull;
		if (c->backoff > MC_BACKOFF_MAX_NS)
			c->backoff = MC_BACKOFF_MAX_NS;
		c->retry_at = now + c->backoff;
	}
	c->state = MC_C_WAIT;
	th->need_service = true;
}

static void
mc_conn_event(struct mc_conn *c, uint32_t evm)
{
	int err = 0;
	socklen_t len = sizeof(err);

	if (c->state == MC_C_CONNECTING) {
		if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
			err = errno;
		if (err != 0 || (evm & (EPOLLERR | EPOLLHUP)))
			mc_conn_close(c, MC_CLOSE_CONNECT);
		else if (evm & EPOLLOUT)
			mc_conn_connected(c);
		return;
	}
	if (c->state != MC_C_OPEN)
		return;
	if (evm & (EPOLLIN | EPOLLERR | EPOLLHUP)) {
		mc_conn_read(c);
		if (c->state != MC_C_OPEN)
			return;
	}
	if ((evm & EPOLLOUT) && c->ooff < c->olen) {
		mc_conn_flush(c);
		if (c->state != MC_C_OPEN)
			return;
	}
	mc_conn_fill(c);
}

/* ---- per-thread loop ---- */

static void
mc_thread_publish(struct mc_thread *th)
{
	__atomic_store_n(&th->pub_sent, th->cnt.sent, __ATOMIC_RELAXED);
	__atomic_store_n(&th->pub_resp, th->cnt.responses, __ATOMIC_RELAXED);
	__atomic_store_n(&th->pub_acked, th->cnt.acked, __ATOMIC_RELAXED);
	__atomic_store_n(&th->pub_bad,
			 th->cnt.non2xx + th->cnt.lost + th->cnt.conn_errors,
			 __ATOMIC_RELAXED);
}

/* Reopen closed connections, hand queued re-sends out, enforce timeouts. */
static void
mc_thread_service(struct mc_thread *th, bool tick)
{
	uint64_t now = mc_now();
	bool work;
	int i;

	th->need_service = false;
	for (i = 0; i < th->nconns; i++) {
		struct mc_conn *c = &th->conns[i];

		work = th->rq_len > 0 || (!th->exhausted && !mc_stop);
		switch (c->state) {
		case MC_C_WAIT:
			if (!work) {
				c->state = MC_C_IDLE;
			} else if (c->fail_since &&
				   now - c->fail_since > mc_cfg.timeout_ns) {
				c->state = MC_C_DEAD;
				th->alive--;
			} else if (now >= c->retry_at) {
				mc_conn_open(c);
			} else {
				th->need_service = true;
			}
			break;
		case MC_C_IDLE:
			if (th->rq_len > 0)
				mc_conn_open(c);
			break;
		case MC_C_CONNECTING:
			if (now - c->since > mc_cfg.timeout_ns)
				mc_conn_close(c, MC_CLOSE_CONNECT);
			break;
		case MC_C_OPEN:
			if (tick && c->count > 0 &&
			    now - c->slots[c->head].t > mc_cfg.timeout_ns) {
				th->cnt.timeouts++;
				mc_conn_close(c, MC_CLOSE_TIMEOUT);
			} else if (th->rq_len > 0) {
				mc_conn_fill(c);
			}
			break;
		case MC_C_DEAD:
			break;
		}
	}
}

static void *
mc_thread_main(void *arg)
{
	struct mc_thread *th = arg;
	struct epoll_event evs[MC_MAX_EVENTS];
	uint64_t now;
	int i, n;

	for (i = 0; i < th->nconns; i++)
		mc_conn_open(&th->conns[i]);
	th->next_tick = mc_now() + MC_TICK_NS;
	for (;;) {
		n = epoll_wait(th->ep, evs, MC_MAX_EVENTS,
			       th->need_service ? 1 : 20);
		th->cnt.waits++;
		for (i = 0; i < n; i++)
			mc_conn_event(evs[i].data.ptr, evs[i].events);
		now = mc_now();
		if (now >= th->next_tick) {
			th->next_tick = now + MC_TICK_NS;
			mc_thread_service(th, true);
			mc_thread_publish(th);
		} else if (th->need_service) {
			mc_thread_service(th, false);
		}
		if (th->alive == 0 ||
		    (th->inflight == 0 &&
		     (mc_stop || (th->rq_len == 0 && th->exhausted))))
			break;
	}
	th->t_end = mc_now();
	th->cnt.lost += th->rq_len;
	th->rq_len = 0;
	for (i = 0; i < th->nconns; i++) {
		struct mc_conn *c = &th->conns[i];

		th->cnt.lost += c->count;
		if (c->fd >= 0)
			close(c->fd);
		c->fd = -1;
	}
	mc_thread_publish(th);
	__atomic_store_n(&th->pub_done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* ---- control requests: POST /reset, GET /stats (blocking) ---- */

static int
mc_control(const char *method, const char *path, int *status, char *body,
	   size_t cap)
{
	struct timeval tv = {
		.tv_sec = (time_t)mc_cfg.timeout_s,
		.tv_usec = (suseconds_t)(fmod(mc_cfg.timeout_s, 1) * 1e6)};
	struct mc_parser p = {.cap = body, .cap_size = cap - 1};
	char buf[16384];
	size_t len = 0, off = 0, used;
	ssize_t r;
	int fd, n, rc = -1;

	fd = socket(mc_cfg.addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&mc_cfg.addr, mc_cfg.addrlen) < 0)
		goto out;
	n = snprintf(buf, sizeof(buf),
		     "%s %s HTTP/1.1\r\nHost: %s\r\nContent-Length: 0\r\n"
		     "Connection: close\r\n\r\n",
		     method, path, mc_cfg.host);
	while (off < (size_t)n) {
		r = send(fd, buf + off, (size_t)n - off, MSG_NOSIGNAL);
		if (r <= 0)
			goto out;
		off += (size_t)r;
	}
	mc_parser_reset(&p);
	for (;;) {
		r = recv(fd, buf + len, sizeof(buf) - len, 0);
		if (r == 0 && p.state == MC_P_EOF_BODY)
			break;
		if (r <= 0)
			goto out;
		len += (size_t)r;
		n = mc_parse(&p, buf, len, &used);
		memmove(buf, buf + used, len - used);
		len -= used;
		if (n < 0 || (n == 0 && len == sizeof(buf)))
			goto out;
		if (n == 1 && p.status >= 200)
			break;
		if (n == 1)
			mc_parser_reset(&p);
	}
	*status = p.status;
	body[p.cap_len] = '\0';
	rc = 0;
out:
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINPROGRESS)
		errno = ETIMEDOUT;
	close(fd);
	return rc;
}

static bool
mc_json_number(const char *js, const char *key, double *out)
{
	char pat[64], *end;
	const char *p;

	snprintf(pat, sizeof(pat), "\"%s\"", key);
	p = strstr(js, pat);
	if (p == NULL)
		return false;
	p += strlen(pat);
	while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
		p++;
	if (*p++ != ':')
		return false;
	*out = strtod(p, &end);
	return end != p;
}

static int
mc_get_stats(struct mc_stats *st, char *body, size_t cap)
{
	static const char *const keys[4] = {"totalRequests", "uniqueUsers",
					    "sum", "avg"};
	double *vals[4] = {&st->total, &st->users, &st->sum, &st->avg};
	int status = 0, i;

	memset(st, 0, sizeof(*st));
	if (mc_control("GET", "/stats", &status, body, cap) < 0 ||
	    status != 200)
		return -1;
	for (i = 0; i < 4; i++)
		st->have[i] = mc_json_number(body, keys[i], vals[i]);
	return 0;
}

/* ---- report ---- */

enum mc_check {
	MC_CHECK_NONE,
	MC_CHECK_EXACT_OK,
	MC_CHECK_ALO_OK,
	MC_CHECK_MISMATCH,
};

struct mc_result {
	struct mc_counters k;
	uint64_t *hist;
	uint64_t uniq;
	uint64_t unsent;
	uint64_t uncertain;
	double elapsed;
	uint64_t pct[4]; /* p50 p90 p99 p99.9, ns */
	enum mc_check check;
	bool have_stats;
	struct mc_stats st;
	char diff[1024];
	size_t diff_len;
};

static void mc_diff(struct mc_result *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
mc_diff(struct mc_result *r, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (r->diff_len >= sizeof(r->diff))
		return;
	va_start(ap, fmt);
	n = vsnprintf(r->diff + r->diff_len, sizeof(r->diff) - r->diff_len, fmt,
		      ap);
	va_end(ap);
	if (n > 0)
		r->diff_len += (size_t)n;
	if (r->diff_len > sizeof(r->diff))
		r->diff_len = sizeof(r->diff);
}

/*
 * Compare GET /stats with what this run got 2xx for. Exact when every
 * request's fate is known; with requests whose fate is unknown (connection
 * errors, --retry) only bounds hold: at-least-once.
 */
static void
mc_check(struct mc_result *r, char *body, size_t cap)
{
	struct mc_stats *st = &r->st;
	double exp_sum = (double)r->k.sum_halves / 2;
	double exp_avg = r->k.acked ? exp_sum / (double)r->k.acked : 0;
	double acked = (double)r->k.acked, uniq = (double)r->uniq;
	bool ok = true;

	if (mc_get_stats(st, body, cap) < 0) {
		r->check = MC_CHECK_MISMATCH;
		mc_diff(r, "GET /stats failed");
		return;
	}
	r->have_stats = true;
	if (!st->have[0] || !st->have[1] || !st->have[2] || !st->have[3]) {
		mc_diff(r, "/stats lacks a field: %.200s; ", body);
		ok = false;
	}
	if (r->uncertain == 0) {
		if (st->total != acked) {
			mc_diff(r, "totalRequests %.0f != %.0f (diff %+.0f); ",
				st->total, acked, st->total - acked);
			ok = false;
		}
		if (st->users != uniq) {
			mc_diff(r, "uniqueUsers %.0f != %.0f (diff %+.0f); ",
				st->users, uniq, st->users - uniq);
			ok = false;
		}
		if (fabs(st->sum - exp_sum) > 0.25) {
			mc_diff(r, "sum %.1f != %.1f (diff %+.1f); ", st->sum,
				exp_sum, st->sum - exp_sum);
			ok = false;
		}
		if (fabs(st->avg - exp_avg) > 1e-6 * fmax(1, fabs(exp_avg))) {
			mc_diff(r, "avg %.9g != %.9g; ", st->avg, exp_avg);
			ok = false;
		}
		r->check = ok ? MC_CHECK_EXACT_OK : MC_CHECK_MISMATCH;
		return;
	}
	if (st->total < acked || st->total > acked + (double)r->uncertain) {
		mc_diff(r, "totalRequests %.0f outside [%.0f, %.0f]; ",
			st->total, acked, acked + (double)r->uncertain);
		ok = false;
	}
	if (st->users < uniq) {
		mc_diff(r, "uniqueUsers %.0f < %.0f; ", st->users, uniq);
		ok = false;
	}
	if (st->sum < exp_sum - 0.25) {
		mc_diff(r, "sum %.1f < %.1f; ", st->sum, exp_sum);
		ok = false;
	}
	r->check = ok ? MC_CHECK_ALO_OK : MC_CHECK_MISMATCH;
}

static const char *
mc_check_name(enum mc_check c)
{
	switch (c) {
	case MC_CHECK_EXACT_OK:
		return "EXACT OK";
	case MC_CHECK_ALO_OK:
		return "AT-LEAST-ONCE OK";
	case MC_CHECK_MISMATCH:
		return "MISMATCH";
	default:
		return "skipped";
	}
}

static void
mc_json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", *s);
		else
			putchar(*s);
	}
	putchar('"');
}

static void
mc_report_json(const struct mc_result *r, bool ok)
{
	const struct mc_counters *k = &r->k;
	const char *sep = "";
	int s;

	printf("{\"url\":");
	mc_json_str(mc_cfg.url);
	printf(",\"events\":%" PRIu64 ",\"conns\":%d,\"depth\":%d,"
	       "\"threads\":%d,\"users\":%" PRIu64 ",\"sent\":%" PRIu64
	       ",\"acked\":%" PRIu64 ",\"responses\":%" PRIu64
	       ",\"non2xx\":%" PRIu64 ",\"lost\":%" PRIu64
	       ",\"unsent\":%" PRIu64 ",\"resent\":%" PRIu64
	       ",\"retried\":%" PRIu64 ",\"close_resends\":%" PRIu64,
	       mc_cfg.events, mc_cfg.conns, mc_cfg.depth, mc_cfg.threads,
	       mc_cfg.users, k->sent, k->acked, k->responses, k->non2xx,
	       k->lost, r->unsent, k->resent, k->retried, k->close_resends);
	printf(",\"status\":{");
	for (s = 0; s < MC_STATUS_MAX; s++)
		if (k->status[s]) {
			printf("%s\"%d\":%" PRIu64, sep, s, k->status[s]);
			sep = ",";
		}
	if (k->status_other)
		printf("%s\"other\":%" PRIu64, sep, k->status_other);
	printf("},\"conn_errors\":%" PRIu64 ",\"timeouts\":%" PRIu64
	       ",\"proto_errors\":%" PRIu64 ",\"connect_fails\":%" PRIu64
	       ",\"reconnects\":%" PRIu64 ",\"server_closes\":%" PRIu64
	       ",\"sends\":%" PRIu64 ",\"recvs\":%" PRIu64
	       ",\"epoll_waits\":%" PRIu64 ",\"elapsed_s\":%.6f,\"rps\":%.1f",
	       k->conn_errors, k->timeouts, k->proto_errors, k->connect_fails,
	       k->reconnects, k->server_closes, k->sends, k->recvs, k->waits,
	       r->elapsed,
	       r->elapsed > 0 ? (double)k->responses / r->elapsed : 0);
	printf(",\"latency_us\":{\"p50\":%.1f,\"p90\":%.1f,\"p99\":%.1f,"
	       "\"p999\":%.1f,\"max\":%.1f,\"mean\":%.1f}",
	       r->pct[0] / 1e3, r->pct[1] / 1e3, r->pct[2] / 1e3,
	       r->pct[3] / 1e3, k->lat_max / 1e3,
	       k->responses ? (double)k->lat_sum / (double)k->responses / 1e3
			    : 0);
	printf(",\"expected\":{\"totalRequests\":%" PRIu64
	       ",\"uniqueUsers\":%" PRIu64 ",\"sum\":%" PRIu64 ".%d,"
	       "\"avg\":%.17g}",
	       k->acked, r->uniq, k->sum_halves / 2,
	       (int)(k->sum_halves & 1) * 5,
	       k->acked ? (double)k->sum_halves / 2 / (double)k->acked : 0.0);
	if (r->have_stats)
		printf(",\"stats\":{\"totalRequests\":%.17g,\"uniqueUsers\":%."
		       "17g,"
		       "\"sum\":%.17g,\"avg\":%.17g}",
		       r->st.total, r->st.users, r->st.sum, r->st.avg);
	printf(",\"check\":\"%s\"", mc_check_name(r->check));
	if (r->diff_len) {
		printf(",\"diff\":");
		mc_json_str(r->diff);
	}
	printf(",\"interrupted\":%s,\"ok\":%s}\n", mc_stop ? "true" : "false",
	       ok ? "true" : "false");
}

static void
mc_report_text(const struct mc_result *r, bool ok)
{
	const struct mc_counters *k = &r->k;
	int s;

	printf("mrc-client %s: %" PRIu64 " events, %d conns x depth %d, "
	       "%d thread(s), %" PRIu64 " users\n",
	       mc_cfg.url, mc_cfg.events, mc_cfg.conns, mc_cfg.depth,
	       mc_cfg.threads, mc_cfg.users);
	printf("  sent        %" PRIu64 " (resent %" PRIu64 ": retried %" PRIu64
	       ", after Connection: close %" PRIu64 ")\n",
	       k->sent, k->resent, k->retried, k->close_resends);
	printf("  responses   %" PRIu64 ", acked (2xx) %" PRIu64 "\n",
	       k->responses, k->acked);
	printf("  status     ");
	for (s = 0; s < MC_STATUS_MAX; s++)
		if (k->status[s])
			printf(" %d: %" PRIu64, s, k->status[s]);
	if (k->status_other)
		printf(" other: %" PRIu64, k->status_other);
	printf("\n  errors      non-2xx %" PRIu64 ", lost %" PRIu64
	       ", unsent %" PRIu64 ", conn errors %" PRIu64
	       ", timeouts %" PRIu64 ", protocol %" PRIu64
	       ", connect fails %" PRIu64 "\n",
	       k->non2xx, k->lost, r->unsent, k->conn_errors, k->timeouts,
	       k->proto_errors, k->connect_fails);
	printf("  connections reconnects %" PRIu64 ", server closes %" PRIu64
	       "\n",
	       k->reconnects, k->server_closes);
	printf("  syscalls    send %" PRIu64 " (%.1f req each), recv %" PRIu64
	       " (%.1f resp each), epoll_wait %" PRIu64 "\n",
	       k->sends,
	       k->sends ? (double)(k->sent + k->resent) / (double)k->sends : 0,
	       k->recvs, k->recvs ? (double)k->responses / (double)k->recvs : 0,
	       k->waits);
	printf("  elapsed     %.3f s, %.0f req/s\n", r->elapsed,
	       r->elapsed > 0 ? (double)k->responses / r->elapsed : 0);
	printf("  latency us  p50 %.1f  p90 %.1f  p99 %.1f  p99.9 %.1f  "
	       "max %.1f  mean %.1f\n",
	       r->pct[0] / 1e3, r->pct[1] / 1e3, r->pct[2] / 1e3,
	       r->pct[3] / 1e3, k->lat_max / 1e3,
	       k->responses ? (double)k->lat_sum / (double)k->responses / 1e3
			    : 0);
	printf("  expected    totalRequests %" PRIu64 "  uniqueUsers %" PRIu64
	       "  sum %" PRIu64 ".%d  avg %.10g\n",
	       k->acked, r->uniq, k->sum_halves / 2,
	       (int)(k->sum_halves & 1) * 5,
	       k->acked ? (double)k->sum_halves / 2 / (double)k->acked : 0.0);
	if (r->have_stats)
		printf("  server      totalRequests %.0f  uniqueUsers %.0f  "
		       "sum %.1f  avg %.10g\n",
		       r->st.total, r->st.users, r->st.sum, r->st.avg);
	if (r->check == MC_CHECK_ALO_OK)
		printf("  AT-LEAST-ONCE OK (%" PRIu64
		       " requests of unknown fate)\n",
		       r->uncertain);
	else if (r->check != MC_CHECK_NONE)
		printf("  %s%s%.*s\n", mc_check_name(r->check),
		       r->diff_len ? ": " : "", (int)r->diff_len, r->diff);
	if (mc_stop)
		printf("  interrupted\n");
	printf("  %s\n", ok ? "OK" : "FAILED");
}

/* ---- setup ---- */

static void
mc_usage(FILE *f)
{
	/* clang-format off */
	fprintf(f,
"usage: mrc-client [options] http://HOST:PORT\n"
"One Million Request Challenge load client: pipelined keep-alive POST /event.\n"
"  -n COUNT        events to send (default 1000000)\n"
"  -c CONNS        keep-alive connections (default 64)\n"
"  -d DEPTH        requests in flight per connection (default 16)\n"
"  -u USERS        distinct users user_0..user_<USERS-1> (default 75000)\n"
"  -t THREADS      threads, each its own epoll loop and share of the\n"
"                  connections (default 1)\n"
"  -b BATCH        top a connection up only once BATCH of its DEPTH slots\n"
"                  are free: fewer, larger writes (default 1)\n"
"  --reset         POST /reset first and require 200\n"
"  --expect-exact  GET /stats at the end and compare it with what this run\n"
"                  got 2xx for; needs --reset or an empty store and no\n"
"                  other writer\n"
"  --retry         re-send requests a broken connection left unanswered;\n"
"                  the check becomes at-least-once (off by default)\n"
"  --timeout SEC   per-request and connect timeout (default 10)\n"
"  --progress      a progress line every second on stderr\n"
"  --json          the final report as one JSON line on stdout\n"
"  -h, --help      this text\n"
"Event i is POST /event {\"userId\":\"user_<i %% USERS>\",\"value\":<i %% 1000>.5}.\n"
"Exit status: 0 every event acked (and the check passed), 1 mismatch,\n"
"non-2xx or lost/unsent events, 2 usage or setup error.\n");
	/* clang-format on */
}

static int
mc_num(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *end || *s == '-' || v < min || v > max) {
		fprintf(stderr,
			"mrc-client: bad number '%s' (%" PRIu64 "..%" PRIu64
			")\n",
			s, min, max);
		return -1;
	}
	*out = v;
	return 0;
}

static int
mc_parse_url(const char *url)
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM,
				 .ai_flags = AI_NUMERICSERV},
			*res;
	const char *p = url, *hs, *he, *auth;
	char host[256], port[8] = "80";
	size_t n;
	int rc;

	if (strncmp(p, "http://", 7) == 0)
		p += 7;
	else if (strstr(p, "://") != NULL)
		return -1;
	auth = p;
	if (*p == '[') {
		hs = p + 1;
		he = strchr(hs, ']');
		if (he == NULL)
			return -1;
		p = he + 1;
	} else {
		hs = p;
		he = p + strcspn(p, ":/");
		p = he;
	}
	if (he == hs || (size_t)(he - hs) >= sizeof(host))
		return -1;
	memcpy(host, hs, (size_t)(he - hs));
	host[he - hs] = '\0';
	if (*p == ':') {
		n = strspn(++p, "0123456789");
		if (n == 0 || n > 5)
			return -1;
		memcpy(port, p, n);
		port[n] = '\0';
		p += n;
	}
	if (*p != '\0' && *p != '/')
		return -1;
	if ((size_t)(p - auth) >= sizeof(mc_cfg.host))
		return -1;
	memcpy(mc_cfg.host, auth, (size_t)(p - auth));
	mc_cfg.host[p - auth] = '\0';
	rc = getaddrinfo(host, port, &hints, &res);
	if (rc != 0) {
		fprintf(stderr, "mrc-client: %s: %s\n", host, gai_strerror(rc));
		return -1;
	}
	memcpy(&mc_cfg.addr, res->ai_addr, res->ai_addrlen);
	mc_cfg.addrlen = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

static int
mc_parse_args(int argc, char **argv)
{
	static const struct option longs[] = {
		{"reset", no_argument, NULL, 'R'},
		{"progress", no_argument, NULL, 'P'},
		{"expect-exact", no_argument, NULL, 'X'},
		{"json", no_argument, NULL, 'J'},
		{"retry", no_argument, NULL, 'r'},
		{"timeout", required_argument, NULL, 'T'},
		{"batch", required_argument, NULL, 'b'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	uint64_t v;
	char *end;
	int o;

	while ((o = getopt_long(argc, argv, "n:c:d:u:t:b:h", longs, NULL)) !=
	       -1) {
		switch (o) {
		case 'n':
			if (mc_num(optarg, 0, 1000000000000ull, &mc_cfg.events))
				return -1;
			break;
		case 'c':
			if (mc_num(optarg, 1, 1000000, &v))
				return -1;
			mc_cfg.conns = (int)v;
			break;
		case 'd':
			if (mc_num(optarg, 1, 65536, &v))
				return -1;
			mc_cfg.depth = (int)v;
			break;
		case 'u':
			if (mc_num(optarg, 1, 1000000000ull, &mc_cfg.users))
				return -1;
			break;
		case 't':
			if (mc_num(optarg, 1, 1024, &v))
				return -1;
			mc_cfg.threads = (int)v;
			break;
		case 'b':
			if (mc_num(optarg, 1, 65536, &v))
				return -1;
			mc_cfg.batch = (uint32_t)v;
			break;
		case 'R':
			mc_cfg.reset = true;
			break;
		case 'P':
			mc_cfg.progress = true;
			break;
		case 'X':
			mc_cfg.exact = true;
			break;
		case 'J':
			mc_cfg.json = true;
			break;
		case 'r':
			mc_cfg.retry = true;
			break;
		case 'T':
			mc_cfg.timeout_s = strtod(optarg, &end);
			if (end == optarg || *end || !(mc_cfg.timeout_s > 0) ||
			    mc_cfg.timeout_s > 86400) {
				fprintf(stderr,
					"mrc-client: bad timeout '%s'\n",
					optarg);
				return -1;
			}
			break;
		case 'h':
			mc_usage(stdout);
			exit(MC_EXIT_OK);
		default:
			return -1;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "mrc-client: one URL expected\n");
		return -1;
	}
	mc_cfg.url = argv[optind];
	if (mc_parse_url(mc_cfg.url) < 0) {
		fprintf(stderr, "mrc-client: bad URL '%s' (http://HOST:PORT)\n",
			mc_cfg.url);
		return -1;
	}
	if (mc_cfg.threads > mc_cfg.conns)
		mc_cfg.threads = mc_cfg.conns;
	mc_cfg.timeout_ns = (uint64_t)(mc_cfg.timeout_s * 1e9);
	mc_cfg.rbuf_size = mc_cfg.conns <= 4096 ? 65536 : 16384;
	mc_cfg.prefix_len = (size_t)snprintf(
		mc_cfg.prefix, sizeof(mc_cfg.prefix),
		"POST /event HTTP/1.1\r\nHost: %s\r\n"
		"Content-Type: application/json\r\nContent-Length: ",
		mc_cfg.host);
	if (mc_cfg.batch > (uint32_t)mc_cfg.depth)
		mc_cfg.batch = (uint32_t)mc_cfg.depth;
	mc_cfg.max_req = mc_cfg.prefix_len + 20 + 4 + MC_BODY_MAX;
	return 0;
}

static void
mc_on_signal(int sig)
{
	(void)sig;
	mc_stop = 1;
}

static void
mc_signals(void)
{
	struct sigaction sa = {.sa_handler = mc_on_signal,
			       .sa_flags = SA_RESETHAND};
	struct rlimit rl;
	rlim_t want = (rlim_t)mc_cfg.conns + 64;

	signal(SIGPIPE, SIG_IGN);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < want) {
		rl.rlim_cur = rl.rlim_max < want ? rl.rlim_max : want;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

/* Before the load: --reset, or a baseline /stats, or a plain connect. */
static int
mc_prepare(void)
{
	char body[4096];
	struct mc_stats st;
	int status = 0;

	if (mc_cfg.reset) {
		if (mc_control("POST", "/reset", &status, body, sizeof(body)) <
		    0) {
			fprintf(stderr, "mrc-client: POST /reset to %s: %s\n",
				mc_cfg.host, strerror(errno));
			return -1;
		}
		if (status != 200) {
			fprintf(stderr, "mrc-client: POST /reset answered %d\n",
				status);
			return -1;
		}
		return 0;
	}
	if (mc_cfg.exact) {
		if (mc_get_stats(&st, body, sizeof(body)) < 0) {
			fprintf(stderr,
				"mrc-client: GET /stats from %s failed\n",
				mc_cfg.host);
			return -1;
		}
		if (st.total != 0)
			fprintf(stderr,
				"mrc-client: warning: the store is not "
				"empty (totalRequests %.0f); "
				"--expect-exact needs --reset\n",
				st.total);
		return 0;
	}
	if (mc_control("GET", "/health", &status, body, sizeof(body)) < 0) {
		fprintf(stderr, "mrc-client: cannot reach %s: %s\n",
			mc_cfg.host, strerror(errno));
		return -1;
	}
	return 0;
}

static void
mc_threads_free(struct mc_thread *ths)
{
	int i, j;

	for (i = 0; i < mc_cfg.threads; i++) {
		struct mc_thread *th = &ths[i];

		for (j = 0; th->conns && j < th->nconns; j++) {
			free(th->conns[j].slots);
			free(th->conns[j].obuf);
			free(th->conns[j].ibuf);
		}
		free(th->conns);
		free(th->rq);
		free(th->users);
		free(th->hist);
		if (th->ep >= 0)
			close(th->ep);
	}
	free(ths);
}

static struct mc_thread *
mc_threads_alloc(void)
{
	size_t words = (size_t)((mc_cfg.users + 63) / 64);
	struct mc_thread *ths;
	int i, j, lo, hi;

	ths = aligned_alloc(64, sizeof(*ths) * (size_t)mc_cfg.threads);
	if (ths == NULL)
		return NULL;
	memset(ths, 0, sizeof(*ths) * (size_t)mc_cfg.threads);
	for (i = 0; i < mc_cfg.threads; i++)
		ths[i].ep = -1;
	for (i = 0; i < mc_cfg.threads; i++) {
		struct mc_thread *th = &ths[i];

		lo = (int)((int64_t)mc_cfg.conns * i / mc_cfg.threads);
		hi = (int)((int64_t)mc_cfg.conns * (i + 1) / mc_cfg.threads);
		th->id = i;
		th->nconns = th->alive = hi - lo;
		th->ep = epoll_create1(EPOLL_CLOEXEC);
		th->conns = calloc((size_t)th->nconns, sizeof(*th->conns));
		th->users = calloc(words, sizeof(uint64_t));
		th->hist = calloc(MC_HIST_SIZE, sizeof(uint64_t));
		if (th->ep < 0 || !th->conns || !th->users || !th->hist)
			goto fail;
		for (j = 0; j < th->nconns; j++) {
			struct mc_conn *c = &th->conns[j];

			c->th = th;
			c->fd = -1;
			c->state = MC_C_IDLE;
			c->slots =
				calloc((size_t)mc_cfg.depth, sizeof(*c->slots));
			c->obuf = malloc((size_t)mc_cfg.depth * mc_cfg.max_req);
			c->ibuf = malloc(mc_cfg.rbuf_size);
			if (!c->slots || !c->obuf || !c->ibuf)
				goto fail;
			mc_parser_reset(&c->parser);
		}
	}
	return ths;
fail:
	mc_threads_free(ths);
	return NULL;
}

static void
mc_progress(struct mc_thread *ths, uint64_t t0, uint64_t now,
	    uint64_t *last_resp, uint64_t *last_t)
{
	uint64_t sent = 0, resp = 0, acked = 0, bad = 0;
	int i;

	for (i = 0; i < mc_cfg.threads; i++) {
		sent += __atomic_load_n(&ths[i].pub_sent, __ATOMIC_RELAXED);
		resp += __atomic_load_n(&ths[i].pub_resp, __ATOMIC_RELAXED);
		acked += __atomic_load_n(&ths[i].pub_acked, __ATOMIC_RELAXED);
		bad += __atomic_load_n(&ths[i].pub_bad, __ATOMIC_RELAXED);
	}
	fprintf(stderr,
		"mrc-client: %6.1fs sent %" PRIu64 " acked %" PRIu64
		" (%.1f%%) %.0f req/s errors %" PRIu64 "\n",
		(now - t0) / 1e9, sent, acked,
		mc_cfg.events ? 100.0 * (double)acked / (double)mc_cfg.events
			      : 100.0,
		now > *last_t ? (double)(resp - *last_resp) * 1e9 /
					(double)(now - *last_t)
			      : 0,
		bad);
	*last_resp = resp;
	*last_t = now;
}

static void
mc_merge(struct mc_thread *ths, struct mc_result *r)
{
	size_t words = (size_t)((mc_cfg.users + 63) / 64), w;
	uint64_t *users = ths[0].users;
	int i, s, h;

	for (i = 0; i < mc_cfg.threads; i++) {
		const struct mc_counters *k = &ths[i].cnt;

		r->k.sent += k->sent;
		r->k.resent += k->resent;
		r->k.retried += k->retried;
		r->k.close_resends += k->close_resends;
		r->k.responses += k->responses;
		r->k.acked += k->acked;
		r->k.non2xx += k->non2xx;
		r->k.lost += k->lost;
		r->k.conn_errors += k->conn_errors;
		r->k.timeouts += k->timeouts;
		r->k.proto_errors += k->proto_errors;
		r->k.connect_fails += k->connect_fails;
		r->k.reconnects += k->reconnects;
		r->k.server_closes += k->server_closes;
		r->k.sends += k->sends;
		r->k.recvs += k->recvs;
		r->k.waits += k->waits;
		r->k.sum_halves += k->sum_halves;
		r->k.lat_sum += k->lat_sum;
		if (k->lat_max > r->k.lat_max)
			r->k.lat_max = k->lat_max;
		r->k.status_other += k->status_other;
		for (s = 0; s < MC_STATUS_MAX; s++)
			r->k.status[s] += k->status[s];
		for (h = 0; i > 0 && h < MC_HIST_SIZE; h++)
			ths[0].hist[h] += ths[i].hist[h];
		for (w = 0; i > 0 && w < words; w++)
			users[w] |= ths[i].users[w];
	}
	for (w = 0; w < words; w++)
		r->uniq += (uint64_t)__builtin_popcountll(users[w]);
	r->hist = ths[0].hist;
	r->unsent = mc_cfg.events - r->k.sent;
	r->uncertain = r->k.retried + r->k.lost;
	r->pct[0] = mc_hist_pct(r->hist, r->k.responses, 0.50, r->k.lat_max);
	r->pct[1] = mc_hist_pct(r->hist, r->k.responses, 0.90, r->k.lat_max);
	r->pct[2] = mc_hist_pct(r->hist, r->k.responses, 0.99, r->k.lat_max);
	r->pct[3] = mc_hist_pct(r->hist, r->k.responses, 0.999, r->k.lat_max);
}

int
main(int argc, char **argv)
{
	static struct mc_result res;
	struct mc_thread *ths;
	uint64_t t0, t_end = 0, now, next, last_resp = 0, last_t;
	char body[4096];
	bool ok, done;
	int i;

	if (mc_parse_args(argc, argv) < 0) {
		fprintf(stderr, "usage: mrc-client [options] http://HOST:PORT "
				"(--help lists the options)\n");
		return MC_EXIT_USAGE;
	}
	mc_signals();
	if (mc_prepare() < 0)
		return MC_EXIT_USAGE;
	ths = mc_threads_alloc();
	if (ths == NULL) {
		fprintf(stderr, "mrc-client: out of memory\n");
		return MC_EXIT_USAGE;
	}
	t0 = last_t = mc_now();
	next = t0 + 1000000000ull;
	for (i = 0; i < mc_cfg.threads; i++)
		if (pthread_create(&ths[i].tid, NULL, mc_thread_main,
				   &ths[i])) {
			fprintf(stderr, "mrc-client: pthread_create failed\n");
			exit(MC_EXIT_USAGE);
		}
	do {
		struct timespec ts = {0, 10000000};

		nanosleep(&ts, NULL);
		done = true;
		for (i = 0; i < mc_cfg.threads; i++)
			if (!__atomic_load_n(&ths[i].pub_done,
					     __ATOMIC_ACQUIRE))
				done = false;
		now = mc_now();
		if (mc_cfg.progress && now >= next && !done) {
			mc_progress(ths, t0, now, &last_resp, &last_t);
			next += 1000000000ull;
		}
	} while (!done);
	for (i = 0; i < mc_cfg.threads; i++) {
		pthread_join(ths[i].tid, NULL);
		if (ths[i].t_end > t_end)
			t_end = ths[i].t_end;
	}
	if (mc_cfg.progress)
		mc_progress(ths, t0, t_end, &last_resp, &last_t);
	res.elapsed = (double)(t_end - t0) / 1e9;
	mc_merge(ths, &res);
	if (mc_cfg.exact)
		mc_check(&res, body, sizeof(body));
	ok = !mc_stop && res.k.lost == 0 && res.unsent == 0 &&
	     res.k.non2xx == 0 && res.k.status_other == 0 &&
	     res.k.acked == mc_cfg.events && res.check != MC_CHECK_MISMATCH;
	while (res.diff_len > 0 && (res.diff[res.diff_len - 1] == ' ' ||
				    res.diff[res.diff_len - 1] == ';'))
		res.diff[--res.diff_len] = '\0';
	if (res.diff_len)
		fprintf(stderr, "mrc-client: MISMATCH: %.*s\n",
			(int)res.diff_len, res.diff);
	if (mc_cfg.json)
		mc_report_json(&res, ok);
	else
		mc_report_text(&res, ok);
	fflush(stdout);
	mc_threads_free(ths);
	return ok ? MC_EXIT_OK : MC_EXIT_FAIL;
}

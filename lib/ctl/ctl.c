/* SPDX-License-Identifier: BSD-3-Clause */
/* ctl.c: the control socket: listening, clients, line framing, the poll
 * loop (requests are run by ctl_proto.c). */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "ctl/ctl_priv.h"

#define CTL_READ_CHUNK 16384
#define CTL_READS_PER_ROUND 4 /* per client, so one cannot starve the rest */
#define CTL_ACCEPTS_PER_ROUND 16
#define CTL_BACKLOG 64
#define CTL_KEEP_BUF 65536 /* buffers above this are freed once empty */
#define CTL_DUMP_FLAGS (JSON_COMPACT | JSON_REAL_PRECISION(10))

static uint64_t
ctl_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/*
 * send() (tx) or recv() without blocking, retrying EINTR. Returns the bytes
 * moved (0 from recv: the peer shut its side), -EAGAIN when the socket
 * would block, or -errno.
 */
static ssize_t
ctl_sock_io(int fd, void *buf, size_t len, bool tx)
{
	ssize_t n;

	do
		n = tx ? send(fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL)
		       : recv(fd, buf, len, MSG_DONTWAIT);
	while (n < 0 && errno == EINTR);
	if (n >= 0)
		return n;
	return errno == EWOULDBLOCK ? -EAGAIN : -errno;
}

/* Append n bytes, growing the buffer; -ENOBUFS when *len would pass limit. */
static int
ctl_buf_append(char **buf, size_t *len, size_t *cap, const void *data,
	       size_t n, size_t limit)
{
	size_t need = *len + n, ncap;
	char *p;

	if (need > limit || need < n)
		return -ENOBUFS;
	if (need > *cap) {
		ncap = *cap ? *cap : 1024;
		while (ncap < need)
			ncap *= 2;
		p = realloc(*buf, ncap);
		if (!p)
			return -ENOMEM;
		*buf = p;
		*cap = ncap;
	}
	memcpy(*buf + *len, data, n);
	*len = need;
	return 0;
}

static void
ctl_client_close(struct ctl_server *s, struct ctl_client *c)
{
	if (c->fd < 0)
		return;
	close(c->fd);
	free(c->in);
	free(c->out);
	memset(c, 0, sizeof(*c));
	c->fd = -1;
	s->nb_clients--;
}

/* Write what is pending without blocking. 0, or -errno (EPIPE...). */
static int
ctl_client_flush(struct ctl_client *c, uint64_t now)
{
	ssize_t n;

	while (c->out_off < c->out_len) {
		n = ctl_sock_io(c->fd, c->out + c->out_off,
				c->out_len - c->out_off, true);
		if (n < 0)
			return n == -EAGAIN ? 0 : (int)n;
		c->out_off += (size_t)n;
		c->last_ms = now;
	}
	c->out_off = c->out_len = 0;
	if (c->out_cap > CTL_KEEP_BUF) {
		free(c->out);
		c->out = NULL;
		c->out_cap = 0;
	}
	return 0;
}

struct ctl_sink {
	struct ctl_client *c;
	size_t limit;
};

static int
ctl_sink_write(const char *buf, size_t n, void *data)
{
	struct ctl_sink *k = data;
	struct ctl_client *c = k->c;

	return ctl_buf_append(&c->out, &c->out_len, &c->out_cap, buf, n,
			      k->limit) < 0 ? -1 : 0;
}

/* Queue reply + '\n' (NULL: out of memory). -ENOBUFS when the unsent
 * output would pass limit. */
static int
ctl_client_queue(struct ctl_client *c, const json_t *reply, size_t limit)
{
	static const char oom[] = "{\"ok\":false,\"error\":\"out of memory\"}";
	struct ctl_sink k = { c, limit };

	if (c->out_off) {
		memmove(c->out, c->out + c->out_off, c->out_len - c->out_off);
		c->out_len -= c->out_off;
		c->out_off = 0;
	}
	if (!reply)
		return ctl_sink_write(oom, sizeof(oom) - 1, &k) < 0 ||
		       ctl_sink_write("\n", 1, &k) < 0 ? -ENOBUFS : 0;
	if (json_dump_callback(reply, ctl_sink_write, &k, CTL_DUMP_FLAGS) < 0 ||
	    ctl_sink_write("\n", 1, &k) < 0)
		return -ENOBUFS;
	return 0;
}

/* Say why, try once to get it out, and close. */
static void
ctl_client_drop(struct ctl_server *s, struct ctl_client *c, const char *why)
{
	json_t *r = why ? ctl_reply_error(why) : NULL;

	if (r) {
		ctl_client_queue(c, r, SIZE_MAX);
		json_decref(r);
		ctl_client_flush(c, 0);
	}
	ctl_client_close(s, c);
}

/* One complete line. Returns 1 when answered, 0 for a blank line, or
 * -ENOBUFS when the client's unread output passed the bound. */
static int
ctl_client_line(struct ctl_server *s, struct ctl_client *c, const char *line,
		size_t len, uint64_t now)
{
	size_t i;
	json_t *r;
	int rc;

	for (i = 0; i < len; i++)
		if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r')
			break;
	if (i == len)
		return 0;
	r = ctl_server_exec(s, line, len);
	rc = ctl_client_queue(c, r, s->max_outbuf);
	json_decref(r);
	c->last_ms = now;
	return rc < 0 ? rc : 1;
}

/* Frame received bytes into lines and run them. -E2BIG: a line is over the
 * bound; -ENOBUFS/-ENOMEM otherwise. */
static int
ctl_client_input(struct ctl_server *s, struct ctl_client *c, const char *p,
		 size_t n, uint64_t now, int *handled)
{
	const char *nl, *line;
	size_t seg, len;
	int rc;

	while (n > 0) {
		nl = memchr(p, '\n', n);
		seg = nl ? (size_t)(nl - p) : n;
		if (c->in_len + seg > s->max_line)
			return -E2BIG;
		if (!nl)
			return ctl_buf_append(&c->in, &c->in_len, &c->in_cap, p,
					      seg, s->max_line);
		if (c->in_len) {
			rc = ctl_buf_append(&c->in, &c->in_len, &c->in_cap, p,
					    seg, s->max_line);
			if (rc < 0)
				return rc;
			line = c->in;
			len = c->in_len;
		} else {
			line = p;
			len = seg;
		}
		rc = ctl_client_line(s, c, line, len, now);
		c->in_len = 0;
		if (rc < 0)
			return rc;
		*handled += rc;
		p += seg + 1;
		n -= seg + 1;
	}
	return 0;
}

/* Read what is there (a bounded amount per round). 0, or -errno: the
 * client must go (-E2BIG: its line was too long). */
static int
ctl_client_read(struct ctl_server *s, struct ctl_client *c, uint64_t now,
		int *handled)
{
	char buf[CTL_READ_CHUNK];
	ssize_t n;
	int rc;

	for (int r = 0; r < CTL_READS_PER_ROUND; r++) {
		n = ctl_sock_io(c->fd, buf, sizeof(buf), false);
		if (n < 0)
			return n == -EAGAIN ? 0 : (int)n;
		if (n == 0) {
			/* A last line without '\n' ("echo -n stats | nc"). */
			c->eof = true;
			if (!c->in_len)
				return 0;
			rc = ctl_client_line(s, c, c->in, c->in_len, now);
			c->in_len = 0;
			if (rc < 0)
				return rc;
			*handled += rc;
			return 0;
		}
		rc = ctl_client_input(s, c, buf, (size_t)n, now, handled);
		if (rc < 0)
			return rc;
		if ((size_t)n < sizeof(buf))
			return 0;
	}
	return 0;
}

static void
ctl_accept(struct ctl_server *s, uint64_t now)
{
	char msg[96];
	struct ctl_client *c;
	int fd;

	for (int k = 0; k < CTL_ACCEPTS_PER_ROUND; k++) {
		fd = accept4(s->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			/* Out of descriptors: the listener stays readable, so
			 * leave it alone for a while rather than spin. */
			if (errno == EMFILE || errno == ENFILE ||
			    errno == ENOBUFS || errno == ENOMEM)
				s->accept_after_ms = now + 100;
			return;
		}
		if (s->nb_clients == s->max_clients) {
			int n = snprintf(msg, sizeof(msg),
					 "{\"ok\":false,\"error\":\"too many "
					 "control clients (%u)\"}\n",
					 s->max_clients);

			/* best effort: the client is refused anyway */
			ctl_sock_io(fd, msg, (size_t)n, true);
			close(fd);
			continue;
		}
		for (c = s->clients; c->fd >= 0; c++)
			;
		c->fd = fd;
		c->last_ms = now;
		s->nb_clients++;
	}
}

/* Close idle clients; returns ms until the next one would expire (or
 * INT32_MAX when none is connected). */
static int
ctl_expire(struct ctl_server *s, uint64_t now)
{
	uint64_t next = UINT64_MAX, due;

	for (unsigned int i = 0; i < s->max_clients; i++) {
		struct ctl_client *c = &s->clients[i];

		if (c->fd < 0)
			continue;
		due = c->last_ms + s->idle_ms;
		if (due <= now)
			ctl_client_close(s, c);
		else if (due < next)
			next = due;
	}
	if (next == UINT64_MAX)
		return INT32_MAX;
	return next - now > INT32_MAX ? INT32_MAX : (int)(next - now);
}

int
ctl_server_poll(struct ctl_server *s, int timeout_ms)
{
	uint64_t now = ctl_now_ms();
	int wait, n, rc, handled = 0;

	wait = ctl_expire(s, now);
	if (now < s->accept_after_ms && s->accept_after_ms - now < (uint64_t)wait)
		wait = (int)(s->accept_after_ms - now);
	if (timeout_ms >= 0 && timeout_ms < wait)
		wait = timeout_ms;
	else if (timeout_ms < 0 && wait == INT32_MAX)
		wait = -1;
	s->pfd[0].fd = now >= s->accept_after_ms ? s->fd : -1;
	s->pfd[0].events = POLLIN;
	s->pfd[0].revents = 0;
	for (unsigned int i = 0; i < s->max_clients; i++) {
		struct ctl_client *c = &s->clients[i];

		s->pfd[1 + i].fd = c->fd;
		s->pfd[1 + i].events = (c->eof ? 0 : POLLIN) |
				       (c->out_off < c->out_len ? POLLOUT : 0);
		s->pfd[1 + i].revents = 0;
	}
	n = poll(s->pfd, 1 + s->max_clients, wait);
	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	now = ctl_now_ms();
	for (unsigned int i = 0; n > 0 && i < s->max_clients; i++) {
		struct ctl_client *c = &s->clients[i];
		short ev = s->pfd[1 + i].revents;

		if (c->fd < 0 || !ev)
			continue;
		if (ev & POLLNVAL) {
			ctl_client_close(s, c);
			continue;
		}
		if ((ev & (POLLIN | POLLHUP | POLLERR)) && !c->eof) {
			rc = ctl_client_read(s, c, now, &handled);
			if (rc == -E2BIG) {
				char why[80];

				snprintf(why, sizeof(why),
					 "request line too long (limit %zu bytes)",
					 s->max_line);
				ctl_client_drop(s, c, why);
				continue;
			}
			if (rc < 0) {
				ctl_client_close(s, c);
				continue;
			}
		}
		if (ctl_client_flush(c, now) < 0 ||
		    (c->eof && c->out_off == c->out_len) ||
		    ((ev & (POLLHUP | POLLERR)) && c->eof))
			ctl_client_close(s, c);
	}
	if (s->pfd[0].revents & POLLIN)
		ctl_accept(s, now);
	return handled;
}

unsigned int
ctl_server_clients(const struct ctl_server *s)
{
	return s->nb_clients;
}

const char *
ctl_server_path(const struct ctl_server *s)
{
	return s->path;
}

/* mkdir -p of path's directory; what this creates gets 0750. */
static int
ctl_mkdir_parent(const char *path)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return 0;
	*slash = '\0';
	for (char *p = dir + 1;; p++) {
		bool last = *p == '\0';

		if (*p != '/' && !last)
			continue;
		*p = '\0';
		if (mkdir(dir, 0750) == 0) {
			if (chmod(dir, 0750) < 0)
				return -errno;
		} else if (errno != EEXIST) {
			return -errno;
		}
		if (last)
			return 0;
		*p = '/';
	}
}

/* A socket nobody answers on is left over from a dead process: remove it.
 * A live one is another appliance: -EADDRINUSE. */
static int
ctl_remove_stale(const struct sockaddr_un *sa)
{
	struct stat st;
	int fd, rc, err;

	if (lstat(sa->sun_path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISSOCK(st.st_mode))
		return -EEXIST;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	rc = connect(fd, (const struct sockaddr *)sa, sizeof(*sa));
	err = errno;
	close(fd);
	if (rc == 0 || err == EAGAIN)
		return -EADDRINUSE; /* accepted, or a full backlog: alive */
	if (err == ENOENT)
		return 0;
	if (err != ECONNREFUSED)
		return -err;
	if (unlink(sa->sun_path) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

struct ctl_server *
ctl_server_create(const struct ctl_params *p)
{
	const char *path = p && p->path && p->path[0] ? p->path :
			   CTL_SOCKET_DEFAULT;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct ctl_server *s;
	struct stat st;
	mode_t old;
	int rc;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	s = calloc(1, sizeof(*s));
	if (!s) {
		errno = ENOMEM;
		return NULL;
	}
	s->fd = -1;
	memcpy(s->path, sa.sun_path, sizeof(s->path));
	s->max_clients = p && p->max_clients ? p->max_clients : CTL_MAX_CLIENTS;
	s->max_line = p && p->max_line ? p->max_line : CTL_MAX_LINE;
	s->max_outbuf = p && p->max_outbuf ? p->max_outbuf : CTL_MAX_OUTBUF;
	s->idle_ms = p && p->idle_timeout_ms ? p->idle_timeout_ms :
		     CTL_IDLE_TIMEOUT_MS;
	s->clients = calloc(s->max_clients, sizeof(*s->clients));
	s->pfd = calloc(1 + (size_t)s->max_clients, sizeof(*s->pfd));
	if (!s->clients || !s->pfd) {
		rc = -ENOMEM;
		goto fail;
	}
	for (unsigned int i = 0; i < s->max_clients; i++)
		s->clients[i].fd = -1;
	rc = ctl_register_builtins(s);
	if (rc < 0)
		goto fail;
	rc = ctl_mkdir_parent(path);
	if (rc < 0)
		goto fail;
	rc = ctl_remove_stale(&sa);
	if (rc < 0)
		goto fail;
	s->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->fd < 0) {
		rc = -errno;
		goto fail;
	}
	/* 0660: root and the group may connect (connect needs write). */
	old = umask(0117);
	rc = bind(s->fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (rc < 0) {
		rc = -errno;
		goto fail;
	}
	s->bound = true;
	if (listen(s->fd, CTL_BACKLOG) < 0 || lstat(path, &st) < 0) {
		rc = -errno;
		goto fail;
	}
	s->dev = st.st_dev;
	s->ino = st.st_ino;
	return s;
fail:
	ctl_server_free(s);
	errno = -rc;
	return NULL;
}

void
ctl_server_free(struct ctl_server *s)
{
	struct stat st;

	if (!s)
		return;
	for (unsigned int i = 0; s->clients && i < s->max_clients; i++)
		ctl_client_close(s, &s->clients[i]);
	if (s->fd >= 0)
		close(s->fd);
	/* Leave the path alone if another process has bound it since. */
	if (s->bound && lstat(s->path, &st) == 0 && S_ISSOCK(st.st_mode) &&
	    (!s->ino || (st.st_dev == s->dev && st.st_ino == s->ino)))
		unlink(s->path);
	ctl_cmds_free(s);
	free(s->pfd);
	free(s->clients);
	free(s);
}

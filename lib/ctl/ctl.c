/* SPDX-License-Identifier: BSD-3-Clause */
/* ctl.c: the control socket: listening, clients, line framing, dispatch. */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
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

#include "ctl/ctl.h"
#include "core/version.h"

#define CTL_READ_CHUNK 16384
#define CTL_READS_PER_ROUND 4 /* per client, so one cannot starve the rest */
#define CTL_ACCEPTS_PER_ROUND 16
#define CTL_BACKLOG 64
#define CTL_KEEP_BUF 65536 /* buffers above this are freed once empty */
#define CTL_DUMP_FLAGS (JSON_COMPACT | JSON_REAL_PRECISION(10))

struct ctl_cmd {
	char name[CTL_NAME_MAX];
	char *help;
	ctl_cmd_fn fn;
	void *arg;
};

struct ctl_client {
	int fd;          /* -1: free slot */
	bool eof;        /* the peer shut its side: close once flushed */
	char *in;        /* the partial request line so far */
	size_t in_len, in_cap;
	char *out;       /* replies; out[out_off..out_len) is not sent yet */
	size_t out_off, out_len, out_cap;
	uint64_t last_ms; /* connect, last request, or last progress writing */
};

struct ctl_server {
	int fd;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	dev_t dev;
	ino_t ino;
	bool bound;
	unsigned int max_clients;
	size_t max_line, max_outbuf;
	unsigned int idle_ms;
	unsigned int nb_clients;
	uint64_t accept_after_ms; /* out of fds: stop polling the listener */
	struct ctl_client *clients; /* max_clients slots */
	struct pollfd *pfd;         /* [0] listening, [1 + i] clients[i] */
	struct ctl_cmd *cmds;
	unsigned int nb_cmds, cmds_cap;
};

static uint64_t
ctl_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
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

/* A JSON string for a message that may hold bytes that are not UTF-8
 * (jansson's parse errors quote the input): those become '?'. */
static json_t *
ctl_json_text(const char *msg)
{
	json_t *j = json_string(msg);
	char buf[CTL_ERR_LEN];
	size_t i;

	if (j)
		return j;
	for (i = 0; msg[i] && i < sizeof(buf) - 1; i++)
		buf[i] = (unsigned char)msg[i] < 0x20 ||
			 (unsigned char)msg[i] > 0x7e ? '?' : msg[i];
	buf[i] = '\0';
	return json_string(buf);
}

static json_t *
ctl_reply_error(const char *msg)
{
	json_t *r = json_object();

	if (!r)
		return NULL;
	if (json_object_set_new(r, "ok", json_false()) < 0 ||
	    json_object_set_new(r, "error", ctl_json_text(msg)) < 0) {
		json_decref(r);
		return NULL;
	}
	return r;
}

static json_t *
ctl_reply_errorf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static json_t *
ctl_reply_errorf(const char *fmt, ...)
{
	char msg[CTL_ERR_LEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return ctl_reply_error(msg);
}

static const struct ctl_cmd *
ctl_find(const struct ctl_server *s, const char *name)
{
	for (unsigned int i = 0; i < s->nb_cmds; i++)
		if (!strcmp(s->cmds[i].name, name))
			return &s->cmds[i];
	return NULL;
}

static bool
ctl_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
	       c == '-';
}

/* A line a human typed: one word of command-name characters (any case, so
 * "STATS" gets "unknown command" rather than "invalid JSON"). */
static bool
ctl_is_bare_word(const char *line, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!ctl_name_char(line[i]) && !(line[i] >= 'A' && line[i] <= 'Z'))
			return false;
	return len > 0;
}

/* Run cmd with args and wrap its result; consumes nothing. */
static json_t *
ctl_run(const struct ctl_server *s, const char *name, json_t *args)
{
	char err[CTL_ERR_LEN] = "";
	const struct ctl_cmd *c = ctl_find(s, name);
	json_t *data, *r;

	if (!c)
		return ctl_reply_errorf("unknown command '%.64s'", name);
	data = c->fn(c->arg, args, err, sizeof(err));
	if (!data) {
		if (!err[0])
			snprintf(err, sizeof(err), "command '%s' failed", c->name);
		return ctl_reply_error(err);
	}
	r = json_object();
	if (!r || json_object_set_new(r, "ok", json_true()) < 0 ||
	    json_object_set_new(r, "data", data) < 0) {
		json_decref(r);
		return NULL;
	}
	return r;
}

json_t *
ctl_server_exec(struct ctl_server *s, const char *line, size_t len)
{
	char name[CTL_NAME_MAX * 2 + 1];
	json_error_t jerr;
	json_t *req, *cmd, *args, *id, *r;
	bool own_args = false;

	while (len && (line[len - 1] == '\r' || line[len - 1] == ' ' ||
		       line[len - 1] == '\t'))
		len--;
	while (len && (*line == ' ' || *line == '\t')) {
		line++;
		len--;
	}
	if (!len)
		return ctl_reply_error("empty request");
	if (ctl_is_bare_word(line, len)) {
		snprintf(name, sizeof(name), "%.*s", (int)len, line);
		args = json_object();
		if (!args)
			return NULL;
		r = ctl_run(s, name, args);
		json_decref(args);
		return r;
	}
	req = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!req)
		return ctl_reply_errorf("invalid JSON: %s", jerr.text);
	cmd = json_object_get(req, "cmd");
	args = json_object_get(req, "args");
	if (!json_is_object(req))
		r = ctl_reply_error("request must be a JSON object");
	else if (!json_is_string(cmd))
		r = ctl_reply_error("request has no \"cmd\" string");
	else if (args && !json_is_object(args))
		r = ctl_reply_error("\"args\" must be an object");
	else {
		if (!args) {
			args = json_object();
			own_args = true;
		}
		r = args ? ctl_run(s, json_string_value(cmd), args) : NULL;
		if (own_args)
			json_decref(args);
	}
	/* Echo "id" so a client can match pipelined replies. */
	id = json_object_get(req, "id");
	if (r && id && json_is_object(req))
		json_object_set(r, "id", id);
	json_decref(req);
	return r;
}

static json_t *
ctl_cmd_help(void *arg, json_t *args, char *err, size_t errlen)
{
	const struct ctl_server *s = arg;
	json_t *o = json_object();

	for (unsigned int i = 0; o && i < s->nb_cmds; i++)
		if (json_object_set_new(o, s->cmds[i].name,
					ctl_json_text(s->cmds[i].help)) < 0) {
			json_decref(o);
			o = NULL;
		}
	if (!o)
		snprintf(err, errlen, "out of memory");
	return o;
}

static json_t *
ctl_cmd_version(void *arg, json_t *args, char *err, size_t errlen)
{
	json_t *o = json_pack("{s:s, s:s, s:s}", "name", "linerate", "version",
			      LR_VERSION, "gitrev", LR_GITREV);

	if (!o)
		snprintf(err, errlen, "out of memory");
	return o;
}

int
ctl_register(struct ctl_server *s, const char *name, const char *help,
	     ctl_cmd_fn fn, void *arg)
{
	size_t n = name ? strlen(name) : 0;
	struct ctl_cmd *c;

	if (!s || !fn || n == 0 || n >= CTL_NAME_MAX)
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if (!ctl_name_char(name[i]))
			return -EINVAL;
	if (ctl_find(s, name))
		return -EEXIST;
	if (s->nb_cmds == s->cmds_cap) {
		unsigned int ncap = s->cmds_cap ? s->cmds_cap * 2 : 16;

		c = realloc(s->cmds, ncap * sizeof(*c));
		if (!c)
			return -ENOMEM;
		s->cmds = c;
		s->cmds_cap = ncap;
	}
	c = &s->cmds[s->nb_cmds];
	memset(c, 0, sizeof(*c));
	c->help = strdup(help ? help : "");
	if (!c->help)
		return -ENOMEM;
	memcpy(c->name, name, n + 1);
	c->fn = fn;
	c->arg = arg;
	s->nb_cmds++;
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
		n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off,
			 MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			return -errno;
		}
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
		n = recv(c->fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			return -errno;
		}
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

			if (send(fd, msg, (size_t)n,
				 MSG_DONTWAIT | MSG_NOSIGNAL) < 0) {
				/* best effort: the client is refused anyway */
			}
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
	rc = ctl_register(s, "help", "list the commands", ctl_cmd_help, s);
	if (rc == 0)
		rc = ctl_register(s, "version", "name, version and git revision",
				  ctl_cmd_version, NULL);
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
	for (unsigned int i = 0; i < s->nb_cmds; i++)
		free(s->cmds[i].help);
	free(s->cmds);
	free(s->pfd);
	free(s->clients);
	free(s);
}

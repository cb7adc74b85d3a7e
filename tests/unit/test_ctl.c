/* SPDX-License-Identifier: BSD-3-Clause */
/* test_ctl.c: the control socket: framing, hostile clients, limits, commands. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "core/config.h"
#include "core/lcore.h"
#include "core/version.h"
#include "ctl/ctl.h"
#include "harness.h"

#define DEADLINE_MS 3000

struct tclient {
	int fd;
	size_t len;
	char buf[1 << 17];
};

struct tstate {
	char dir[64];
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct ctl_server *s;
	struct ctl_params params;
};

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static json_t *
cmd_echo(void *arg, json_t *args, char *err, size_t errlen)
{
	int *calls = arg;

	(*calls)++;
	return json_pack("{s:O}", "got", args);
}

static json_t *
cmd_fail(void *arg, json_t *args, char *err, size_t errlen)
{
	snprintf(err, errlen, "boom");
	return NULL;
}

static int echo_calls;

/* A fresh directory; the server creates <dir>/run/ctl.sock itself. */
static int
setup(void **state)
{
	struct tstate *t = calloc(1, sizeof(*t));

	assert_non_null(t);
	snprintf(t->dir, sizeof(t->dir), "/tmp/lrctl-XXXXXX");
	assert_non_null(mkdtemp(t->dir));
	snprintf(t->path, sizeof(t->path), "%s/run/ctl.sock", t->dir);
	t->params.path = t->path;
	*state = t;
	return 0;
}

static void
start(struct tstate *t)
{
	t->s = ctl_server_create(&t->params);
	assert_non_null(t->s);
	echo_calls = 0;
	assert_int_equal(ctl_register(t->s, "echo", "args back", cmd_echo,
				      &echo_calls), 0);
	assert_int_equal(ctl_register(t->s, "fail", "always fails", cmd_fail,
				      NULL), 0);
}

static int
teardown(void **state)
{
	struct tstate *t = *state;
	char sub[160];

	ctl_server_free(t->s);
	unlink(t->path);
	snprintf(sub, sizeof(sub), "%s/run", t->dir);
	rmdir(sub);
	rmdir(t->dir);
	free(t);
	return 0;
}

static void
pump(struct tstate *t, int rounds)
{
	for (int i = 0; i < rounds; i++)
		assert_true(ctl_server_poll(t->s, 1) >= 0);
}

static struct tclient *
client(struct tstate *t)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct tclient *c = calloc(1, sizeof(*c));

	assert_non_null(c);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", t->path);
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	assert_true(c->fd >= 0);
	assert_int_equal(connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	return c;
}

static void
client_close(struct tclient *c)
{
	close(c->fd);
	free(c);
}

/* Send everything, serving the server while the socket is full. Returns
 * false if the server hung up on us meanwhile. */
static bool
send_all(struct tstate *t, struct tclient *c, const void *p, size_t n)
{
	const char *b = p;
	uint64_t end = now_ms() + DEADLINE_MS;

	while (n > 0) {
		ssize_t k = send(c->fd, b, n, MSG_NOSIGNAL);

		if (k < 0) {
			if (errno == EPIPE || errno == ECONNRESET)
				return false;
			assert_true(errno == EAGAIN);
			assert_true(now_ms() < end);
			pump(t, 1);
			continue;
		}
		b += k;
		n -= (size_t)k;
	}
	return true;
}

static void
send_str(struct tstate *t, struct tclient *c, const char *s)
{
	assert_true(send_all(t, c, s, strlen(s)));
}

/* Read into c->buf until a whole line is there; returns it parsed (the
 * reply must be valid JSON) or NULL when the server closed. */
static json_t *
reply(struct tstate *t, struct tclient *c)
{
	uint64_t end = now_ms() + DEADLINE_MS;
	json_error_t jerr;
	char *nl;
	json_t *r;

	for (;;) {
		nl = memchr(c->buf, '\n', c->len);
		if (nl)
			break;
		assert_true(now_ms() < end);
		assert_true(c->len < sizeof(c->buf));
		ssize_t k = recv(c->fd, c->buf + c->len, sizeof(c->buf) - c->len,
				 MSG_DONTWAIT);
		if (k == 0 || (k < 0 && errno == ECONNRESET))
			return NULL;
		if (k < 0) {
			assert_true(errno == EAGAIN);
			pump(t, 1);
			continue;
		}
		c->len += (size_t)k;
	}
	r = json_loadb(c->buf, (size_t)(nl - c->buf), 0, &jerr);
	if (!r)
		fail_msg("reply is not JSON: %s: %.*s", jerr.text,
			 (int)(nl - c->buf), c->buf);
	c->len -= (size_t)(nl + 1 - c->buf);
	memmove(c->buf, nl + 1, c->len);
	return r;
}

/* The server closes us within the deadline (maybe after an error line). */
static void
assert_dropped(struct tstate *t, struct tclient *c)
{
	uint64_t end = now_ms() + DEADLINE_MS;
	char buf[4096];

	for (;;) {
		ssize_t k = recv(c->fd, buf, sizeof(buf), MSG_DONTWAIT);

		if (k == 0 || (k < 0 && errno == ECONNRESET))
			return;
		assert_true(k > 0 || errno == EAGAIN);
		assert_true(now_ms() < end);
		pump(t, 1);
	}
}

static void
assert_ok(json_t *r)
{
	assert_non_null(r);
	if (!json_is_true(json_object_get(r, "ok")))
		fail_msg("expected ok, got error '%s'",
			 json_string_value(json_object_get(r, "error")));
}

/* Error reply whose message starts with prefix. */
static void
assert_error(json_t *r, const char *prefix)
{
	const char *e;

	assert_non_null(r);
	assert_true(json_is_false(json_object_get(r, "ok")));
	e = json_string_value(json_object_get(r, "error"));
	assert_non_null(e);
	if (strncmp(e, prefix, strlen(prefix)))
		fail_msg("error '%s' does not start with '%s'", e, prefix);
	json_decref(r);
}

/* Request line -> reply, on a fresh connection. */
static json_t *
ask(struct tstate *t, const char *line)
{
	struct tclient *c = client(t);
	json_t *r;

	send_str(t, c, line);
	r = reply(t, c);
	client_close(c);
	return r;
}

static void
test_ctl_json_request_gets_ok_reply_with_data(void **state)
{
	struct tstate *t = *state;
	json_t *r;

	start(t);
	r = ask(t, "{\"cmd\":\"echo\",\"args\":{\"x\":42},\"id\":7}\n");
	assert_ok(r);
	assert_int_equal(json_integer_value(json_object_get(
		json_object_get(json_object_get(r, "data"), "got"), "x")), 42);
	assert_int_equal(json_integer_value(json_object_get(r, "id")), 7);
	assert_int_equal(echo_calls, 1);
	json_decref(r);
}

static void
test_ctl_socket_and_directory_permissions(void **state)
{
	struct tstate *t = *state;
	char sub[160];
	struct stat st;

	start(t);
	assert_int_equal(lstat(t->path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0660);
	snprintf(sub, sizeof(sub), "%s/run", t->dir);
	assert_int_equal(stat(sub, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0750);
	assert_string_equal(ctl_server_path(t->s), t->path);
	ctl_server_free(t->s);
	t->s = NULL;
	assert_int_equal(lstat(t->path, &st), -1); /* free unlinks it */
}

static void
test_ctl_bare_word_and_crlf_run_the_command(void **state)
{
	struct tstate *t = *state;
	json_t *r, *d;

	start(t);
	r = ask(t, "version\n");
	assert_ok(r);
	d = json_object_get(r, "data");
	assert_string_equal(json_string_value(json_object_get(d, "name")),
			    "linerate");
	assert_string_equal(json_string_value(json_object_get(d, "version")),
			    LR_VERSION);
	assert_string_equal(json_string_value(json_object_get(d, "gitrev")),
			    LR_GITREV);
	json_decref(r);
	r = ask(t, "  echo \r\n");
	assert_ok(r);
	assert_int_equal(json_object_size(json_object_get(
		json_object_get(r, "data"), "got")), 0);
	json_decref(r);
	r = ask(t, "help\n");
	assert_ok(r);
	d = json_object_get(r, "data");
	assert_string_equal(json_string_value(json_object_get(d, "echo")),
			    "args back");
	assert_non_null(json_object_get(d, "help"));
	assert_non_null(json_object_get(d, "version"));
	json_decref(r);
}

static void
test_ctl_unknown_command_and_failing_command_are_errors(void **state)
{
	struct tstate *t = *state;

	start(t);
	assert_error(ask(t, "{\"cmd\":\"foo\"}\n"), "unknown command 'foo'");
	assert_error(ask(t, "foo\n"), "unknown command 'foo'");
	assert_error(ask(t, "STATS\n"), "unknown command 'STATS'");
	assert_error(ask(t, "{\"cmd\":\"fail\"}\n"), "boom");
}

static void
test_ctl_malformed_json_is_error_and_connection_survives(void **state)
{
	struct tstate *t = *state;
	struct tclient *c;

	start(t);
	c = client(t);
	send_str(t, c, "{\"cmd\":\n");
	assert_error(reply(t, c), "invalid JSON: ");
	send_str(t, c, "[1,2]\n{\"cmd\":1}\n{\"cmd\":\"echo\",\"args\":[]}\n"
		       "{\"cmd\":\"echo\",\"cmd\":\"help\"}\n\"stats\"\n");
	assert_error(reply(t, c), "request must be a JSON object");
	assert_error(reply(t, c), "request has no \"cmd\" string");
	assert_error(reply(t, c), "\"args\" must be an object");
	assert_error(reply(t, c), "invalid JSON: ");
	assert_error(reply(t, c), "invalid JSON: ");
	send_str(t, c, "\n\n   \nversion\n"); /* blank lines: no reply */
	json_t *r = reply(t, c);
	assert_ok(r);
	json_decref(r);
	assert_int_equal(ctl_server_clients(t->s), 1);
	client_close(c);
}

static void
test_ctl_pipelined_lines_in_one_write_answered_in_order(void **state)
{
	struct tstate *t = *state;
	struct tclient *c;
	char line[64];
	json_t *r;

	start(t);
	c = client(t);
	send_str(t, c, "{\"cmd\":\"echo\",\"id\":1}\n{\"cmd\":\"nope\",\"id\":2}"
		       "\n{\"cmd\":\"echo\",\"id\":3}\n{\"cmd\":\"ec");
	for (int i = 1; i <= 3; i++) {
		r = reply(t, c);
		assert_int_equal(json_integer_value(json_object_get(r, "id")), i);
		json_decref(r);
	}
	/* The rest of the split line, a byte at a time. */
	snprintf(line, sizeof(line), "ho\",\"id\":4}\n");
	for (size_t i = 0; line[i]; i++) {
		assert_true(send_all(t, c, &line[i], 1));
		pump(t, 1);
	}
	r = reply(t, c);
	assert_ok(r);
	assert_int_equal(json_integer_value(json_object_get(r, "id")), 4);
	json_decref(r);
	client_close(c);
}

static void
test_ctl_huge_line_drops_that_client_only(void **state)
{
	struct tstate *t = *state;
	size_t n = CTL_MAX_LINE + 100;
	char *big = malloc(n + 1);
	struct tclient *a, *b, *c;
	json_t *r;

	start(t);
	assert_non_null(big);
	memset(big, 'a', n);
	big[n] = '\n';
	a = client(t);
	b = client(t);
	c = client(t);
	pump(t, 2);
	assert_int_equal(ctl_server_clients(t->s), 3);
	/* a: no newline at all; c: a complete line over the bound. */
	send_all(t, a, big, n);
	send_all(t, c, big, n + 1);
	assert_dropped(t, a);
	assert_dropped(t, c);
	send_str(t, b, "version\n");
	r = reply(t, b);
	assert_ok(r);
	json_decref(r);
	assert_int_equal(ctl_server_clients(t->s), 1);
	client_close(a);
	client_close(b);
	client_close(c);
	free(big);
}

static void
test_ctl_line_at_the_bound_is_accepted(void **state)
{
	struct tstate *t = *state;
	size_t n = CTL_MAX_LINE;
	char *big = malloc(n + 1);
	struct tclient *c;

	start(t);
	assert_non_null(big);
	/* {"cmd":"echo","args":{"p":"aaa...a"}} padded to exactly the bound */
	memset(big, 'a', n);
	memcpy(big, "{\"cmd\":\"echo\",\"args\":{\"p\":\"", 27);
	memcpy(big + n - 3, "\"}}", 3);
	big[n] = '\n';
	c = client(t);
	assert_true(send_all(t, c, big, n + 1));
	json_t *r = reply(t, c);
	assert_ok(r);
	json_decref(r);
	client_close(c);
	free(big);
}

static void
test_ctl_silent_and_half_line_clients_do_not_block_others(void **state)
{
	struct tstate *t = *state;
	struct tclient *silent, *half, *b;
	json_t *r;

	start(t);
	silent = client(t);
	half = client(t);
	send_str(t, half, "{\"cmd\":\"ver");
	pump(t, 3);
	b = client(t);
	for (int i = 0; i < 3; i++) {
		send_str(t, b, "echo\n");
		r = reply(t, b);
		assert_ok(r);
		json_decref(r);
	}
	assert_int_equal(ctl_server_clients(t->s), 3);
	/* ctl_server_poll must return promptly even with them connected. */
	uint64_t t0 = now_ms();
	assert_int_equal(ctl_server_poll(t->s, 0), 0);
	assert_true(now_ms() - t0 < 100);
	client_close(silent);
	client_close(half);
	client_close(b);
}

static void
test_ctl_idle_clients_are_closed_after_timeout(void **state)
{
	struct tstate *t = *state;
	struct tclient *silent, *half;
	uint64_t t0;

	t->params.idle_timeout_ms = 200;
	start(t);
	silent = client(t);
	half = client(t);
	send_str(t, half, "{\"cmd\":");
	pump(t, 2);
	assert_int_equal(ctl_server_clients(t->s), 2);
	t0 = now_ms();
	assert_dropped(t, silent);
	assert_dropped(t, half);
	assert_true(now_ms() - t0 >= 150);
	assert_int_equal(ctl_server_clients(t->s), 0);
	client_close(silent);
	client_close(half);
}

static void
test_ctl_several_clients_at_once(void **state)
{
	struct tstate *t = *state;
	struct tclient *c[20];
	char line[64];
	json_t *r;

	start(t);
	for (int i = 0; i < 20; i++)
		c[i] = client(t);
	for (int i = 0; i < 20; i++) {
		snprintf(line, sizeof(line), "{\"cmd\":\"echo\",\"id\":%d}\n", i);
		send_str(t, c[i], line);
	}
	for (int i = 19; i >= 0; i--) {
		r = reply(t, c[i]);
		assert_ok(r);
		assert_int_equal(json_integer_value(json_object_get(r, "id")), i);
		json_decref(r);
	}
	assert_int_equal(ctl_server_clients(t->s), 20);
	assert_int_equal(echo_calls, 20);
	for (int i = 0; i < 20; i++)
		client_close(c[i]);
	pump(t, 3);
	assert_int_equal(ctl_server_clients(t->s), 0);
}

static void
test_ctl_client_limit_refuses_with_error_line(void **state)
{
	struct tstate *t = *state;
	struct tclient *a, *b, *c;
	json_t *r;

	t->params.max_clients = 2;
	start(t);
	a = client(t);
	b = client(t);
	pump(t, 2);
	c = client(t);
	r = reply(t, c);
	assert_error(r, "too many control clients (2)");
	assert_dropped(t, c);
	send_str(t, a, "version\n");
	r = reply(t, a);
	assert_ok(r);
	json_decref(r);
	assert_int_equal(ctl_server_clients(t->s), 2);
	client_close(a);
	client_close(b);
	client_close(c);
}

static void
test_ctl_binary_garbage_and_nul_bytes_get_errors(void **state)
{
	struct tstate *t = *state;
	unsigned char junk[4096];
	struct tclient *c;
	unsigned int seed = 12345;
	json_t *r;
	int lines = 0;

	start(t);
	c = client(t);
	for (size_t i = 0; i < sizeof(junk); i++) {
		seed = seed * 1103515245 + 12345;
		junk[i] = (unsigned char)(seed >> 16);
		if (junk[i] == '\n')
			junk[i] = 0;
	}
	junk[100] = '\n';
	junk[sizeof(junk) - 1] = '\n';
	lines = 2;
	assert_true(send_all(t, c, junk, sizeof(junk)));
	send_str(t, c, "{\"cmd\":\"\xff\xfe\"}\n");
	assert_true(send_all(t, c, "ver\0sion\n", 9));
	assert_true(send_all(t, c, "{\"cmd\":\"echo\"}\0\n", 16));
	assert_true(send_all(t, c, "{\"cmd\":\"e\\u0000cho\"}\n", 21));
	for (int i = 0; i < lines + 4; i++) {
		r = reply(t, c);
		assert_non_null(r);
		assert_true(json_is_false(json_object_get(r, "ok")));
		json_decref(r);
	}
	send_str(t, c, "version\n");
	r = reply(t, c);
	assert_ok(r);
	json_decref(r);
	client_close(c);
}

static void
test_ctl_last_line_without_newline_answered_at_eof(void **state)
{
	struct tstate *t = *state;
	struct tclient *c;
	json_t *r;

	start(t);
	c = client(t);
	send_str(t, c, "echo\nversion");
	shutdown(c->fd, SHUT_WR);
	r = reply(t, c);
	assert_ok(r);
	json_decref(r);
	r = reply(t, c);
	assert_ok(r);
	assert_non_null(json_object_get(json_object_get(r, "data"), "gitrev"));
	json_decref(r);
	assert_dropped(t, c);
	assert_int_equal(ctl_server_clients(t->s), 0);
	client_close(c);
}

static void
test_ctl_slow_reader_dropped_when_output_passes_bound(void **state)
{
	struct tstate *t = *state;
	static char lines[8 * 4000];
	struct tclient *c, *b;
	json_t *r;

	t->params.max_outbuf = 4096;
	start(t);
	c = client(t);
	for (int i = 0; i < 4000; i++)
		memcpy(lines + 8 * i, "version\n", 8);
	/* Never read: the socket buffer fills, then the server's buffer. */
	send_all(t, c, lines, sizeof(lines));
	for (int i = 0; i < 200 && ctl_server_clients(t->s); i++)
		pump(t, 1);
	assert_int_equal(ctl_server_clients(t->s), 0);
	b = client(t);
	send_str(t, b, "version\n");
	r = reply(t, b);
	assert_ok(r);
	json_decref(r);
	client_close(b);
	client_close(c);
}

/* Bound and never listened: what a crashed process leaves behind. */
static void
make_stale_socket(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	close(fd);
}

static void
test_ctl_stale_socket_is_replaced(void **state)
{
	struct tstate *t = *state;
	char sub[160];
	json_t *r;

	snprintf(sub, sizeof(sub), "%s/run", t->dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	make_stale_socket(t->path);
	start(t);
	r = ask(t, "version\n");
	assert_ok(r);
	json_decref(r);
}

static void
test_ctl_regular_file_at_path_is_left_alone(void **state)
{
	struct tstate *t = *state;
	char sub[160];
	FILE *f;

	snprintf(sub, sizeof(sub), "%s/run", t->dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	f = fopen(t->path, "w");
	assert_non_null(f);
	fclose(f);
	errno = 0;
	assert_null(ctl_server_create(&t->params));
	assert_int_equal(errno, EEXIST);
}

static void
test_ctl_live_server_on_same_path_is_eaddrinuse(void **state)
{
	struct tstate *t = *state;
	struct ctl_server *second;
	struct stat st;
	json_t *r;

	start(t);
	errno = 0;
	second = ctl_server_create(&t->params);
	assert_null(second);
	assert_int_equal(errno, EADDRINUSE);
	/* The probe connection must not disturb the first server. */
	r = ask(t, "version\n");
	assert_ok(r);
	json_decref(r);
	assert_int_equal(lstat(t->path, &st), 0);
}

static void
test_ctl_register_rejects_bad_and_duplicate_names(void **state)
{
	struct tstate *t = *state;

	start(t);
	assert_int_equal(ctl_register(t->s, "", NULL, cmd_fail, NULL), -EINVAL);
	assert_int_equal(ctl_register(t->s, "Bad", NULL, cmd_fail, NULL),
			 -EINVAL);
	assert_int_equal(ctl_register(t->s, "a b", NULL, cmd_fail, NULL),
			 -EINVAL);
	assert_int_equal(ctl_register(t->s, "x", NULL, NULL, NULL), -EINVAL);
	assert_int_equal(ctl_register(t->s, "abcdefghijabcdefghijabcdefghijab",
				      NULL, cmd_fail, NULL), -EINVAL);
	assert_int_equal(ctl_register(t->s, "help", NULL, cmd_fail, NULL),
			 -EEXIST);
	assert_int_equal(ctl_register(t->s, "echo", NULL, cmd_fail, NULL),
			 -EEXIST);
	for (int i = 0; i < 100; i++) {
		char name[16];

		snprintf(name, sizeof(name), "c%d", i);
		assert_int_equal(ctl_register(t->s, name, NULL, cmd_fail, NULL),
				 0);
	}
	assert_error(ask(t, "c99\n"), "boom");
}

/* Two lcore contexts, cache aligned as their type requires. */
static struct lcore_ctx *
fake_lcore(unsigned int lcore_id, unsigned int idx)
{
	void *p = NULL;
	struct lcore_ctx *ctx;

	assert_int_equal(posix_memalign(&p, RTE_CACHE_LINE_SIZE,
					sizeof(struct lcore_ctx)), 0);
	ctx = memset(p, 0, sizeof(*ctx));
	ctx->lcore_id = lcore_id;
	ctx->idx = idx;
	ctx->socket_id = 0;
	return ctx;
}

static void
test_ctl_stats_lcores_and_mem_sum_counters_exactly(void **state)
{
	struct tstate *t = *state;
	struct lcore_ctx *l[3] = { fake_lcore(1, 0), NULL, fake_lcore(3, 1) };
	struct config cfg;
	struct ctl_view v = { .lcores = l, .nb_lcores = 3, .cfg = &cfg };
	json_t *r, *d, *list, *e;

	config_defaults(&cfg);
	for (int i = 0; i < ST__COUNT; i++) {
		l[0]->stats.v[i] = (uint64_t)i;
		l[2]->stats.v[i] = 1000 + (uint64_t)i * 3;
	}
	STAT_GET(&l[0]->stats, rx_packets) = 5;
	STAT_GET(&l[2]->stats, rx_packets) = 7;
	STAT_GET(&l[0]->stats, tcp_retransmits) = (uint64_t)1 << 40;
	STAT_GET(&l[0]->stats, cycles_busy) = 300;
	STAT_GET(&l[0]->stats, cycles_idle) = 100;
	STAT_GET(&l[2]->stats, cycles_busy) = 0;
	STAT_GET(&l[2]->stats, cycles_idle) = 0;
	start(t);
	assert_int_equal(ctl_register_view(t->s, &v), 0);
	assert_int_equal(ctl_register_view(t->s, &v), -EEXIST);

	r = ask(t, "{\"cmd\":\"stats\"}\n");
	assert_ok(r);
	d = json_object_get(r, "data");
	assert_int_equal(json_object_size(d), ST__COUNT);
	for (int i = 0; i < ST__COUNT; i++)
		assert_int_equal(json_integer_value(json_object_get(d,
				 stats_name(i))),
				 l[0]->stats.v[i] + l[2]->stats.v[i]);
	assert_int_equal(json_integer_value(json_object_get(d, "rx_packets")),
			 12);
	assert_int_equal(json_integer_value(json_object_get(d,
			 "tcp_retransmits")), ((uint64_t)1 << 40) + 1000 +
			 3 * ST_tcp_retransmits);
	json_decref(r);

	r = ask(t, "lcores\n");
	assert_ok(r);
	list = json_object_get(json_object_get(r, "data"), "lcores");
	assert_int_equal(json_array_size(list), 2);
	e = json_array_get(list, 0);
	assert_int_equal(json_integer_value(json_object_get(e, "lcore")), 1);
	assert_int_equal(json_integer_value(json_object_get(e, "idx")), 0);
	assert_int_equal(json_integer_value(json_object_get(e, "socket")), 0);
	assert_true(json_real_value(json_object_get(e, "busy_ratio")) == 0.75);
	assert_int_equal(json_integer_value(json_object_get(e, "rx_packets")),
			 5);
	e = json_array_get(list, 1);
	assert_int_equal(json_integer_value(json_object_get(e, "lcore")), 3);
	assert_true(json_real_value(json_object_get(e, "busy_ratio")) == 0.0);
	assert_int_equal(json_integer_value(json_object_get(e, "rx_packets")),
			 7);
	assert_int_equal(json_object_size(e), 4 + ST__COUNT);
	json_decref(r);

	l[0]->mem.cls[MEM_SNDQ] = (struct mem_class_stat){ 1000, 300, 500, 2, 1 };
	l[2]->mem.cls[MEM_SNDQ] = (struct mem_class_stat){ 1000, 100, 900, 3, 0 };
	l[2]->mem.cls[MEM_OOO].prunes = 7;
	r = ask(t, "mem\n");
	assert_ok(r);
	d = json_object_get(r, "data");
	list = json_object_get(d, "lcores");
	assert_int_equal(json_array_size(list), 2);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(list,
			 1), "lcore")), 3);
	e = json_array_get(json_object_get(json_array_get(list, 0), "classes"),
			   MEM_SNDQ);
	assert_string_equal(json_string_value(json_object_get(e, "name")), "sndq");
	assert_int_equal(json_integer_value(json_object_get(e, "in_use")), 300);
	e = json_array_get(json_object_get(json_object_get(d, "total"),
					   "classes"), MEM_SNDQ);
	assert_int_equal(json_integer_value(json_object_get(e, "limit")), 2000);
	assert_int_equal(json_integer_value(json_object_get(e, "in_use")), 400);
	assert_int_equal(json_integer_value(json_object_get(e, "high")), 1400);
	assert_int_equal(json_integer_value(json_object_get(e, "refusals")), 5);
	assert_int_equal(json_integer_value(json_object_get(e, "prunes")), 1);
	e = json_array_get(json_object_get(json_object_get(d, "total"),
					   "classes"), MEM_OOO);
	assert_string_equal(json_string_value(json_object_get(e, "name")), "ooo");
	assert_int_equal(json_integer_value(json_object_get(e, "prunes")), 7);
	json_decref(r);

	r = ask(t, "config\n");
	assert_ok(r);
	d = json_object_get(json_object_get(r, "data"), "ctl");
	assert_string_equal(json_string_value(json_object_get(d, "socket")),
			    "/run/linerate/ctl.sock");
	json_decref(r);
	free(l[0]);
	free(l[2]);
}

static void
test_ctl_ports_reports_ring_port(void **state)
{
	struct tstate *t = *state;
	struct harness *h = harness_create(NULL);
	struct ctl_view v = { .cfg = &h->cfg, .port_id = h->port_id };
	json_t *r, *p;

	start(t);
	assert_int_equal(ctl_register_view(t->s, &v), 0);
	r = ctl_server_exec(t->s, "ports", 5);
	assert_ok(r);
	p = json_array_get(json_object_get(json_object_get(r, "data"),
					   "ports"), 0);
	assert_int_equal(json_integer_value(json_object_get(p, "port_id")),
			 h->port_id);
	assert_true(strlen(json_string_value(json_object_get(p, "driver"))) > 0);
	assert_int_equal(strlen(json_string_value(json_object_get(p, "mac"))),
			 17);
	assert_true(json_is_object(json_object_get(p, "link")));
	assert_true(json_is_integer(json_object_get(json_object_get(p, "stats"),
						    "ipackets")));
	assert_true(json_is_object(json_object_get(p, "xstats")));
	json_decref(r);
	v.port_id = RTE_MAX_ETHPORTS - 1;
	assert_error(ctl_server_exec(t->s, "ports", 5), "port ");
	harness_destroy(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_ctl_json_request_gets_ok_reply_with_data),
		T(test_ctl_socket_and_directory_permissions),
		T(test_ctl_bare_word_and_crlf_run_the_command),
		T(test_ctl_unknown_command_and_failing_command_are_errors),
		T(test_ctl_malformed_json_is_error_and_connection_survives),
		T(test_ctl_pipelined_lines_in_one_write_answered_in_order),
		T(test_ctl_huge_line_drops_that_client_only),
		T(test_ctl_line_at_the_bound_is_accepted),
		T(test_ctl_silent_and_half_line_clients_do_not_block_others),
		T(test_ctl_idle_clients_are_closed_after_timeout),
		T(test_ctl_several_clients_at_once),
		T(test_ctl_client_limit_refuses_with_error_line),
		T(test_ctl_binary_garbage_and_nul_bytes_get_errors),
		T(test_ctl_last_line_without_newline_answered_at_eof),
		T(test_ctl_slow_reader_dropped_when_output_passes_bound),
		T(test_ctl_stale_socket_is_replaced),
		T(test_ctl_regular_file_at_path_is_left_alone),
		T(test_ctl_live_server_on_same_path_is_eaddrinuse),
		T(test_ctl_register_rejects_bad_and_duplicate_names),
		T(test_ctl_stats_lcores_and_mem_sum_counters_exactly),
		T(test_ctl_ports_reports_ring_port),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

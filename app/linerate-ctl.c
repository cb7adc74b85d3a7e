/* SPDX-License-Identifier: BSD-3-Clause */
/* linerate-ctl.c: control-plane client: one request, a table or raw JSON. */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "ctl/ctl.h" /* CTL_SOCKET_DEFAULT, CTL_MAX_LINE: no library code */

#define CTL_ENV "LINERATE_CTL"
#define CTL_MAX_REPLY (256u << 20)

/* Exit codes (docs/CONTROL.md). */
enum { EX_OK = 0, EX_APPLIANCE = 1, EX_CONNECT = 2, EX_USAGE = 2 };

struct opts {
	const char *socket;
	const char *cmd;
	int timeout_s;
	bool json;
	bool all;
};

static void
usage(FILE *f)
{
	fprintf(f,
		"usage: linerate-ctl [-s SOCKET] [-t SEC] [-a] [--json] COMMAND [KEY=VALUE...]\n"
		"  COMMAND   stats | lcores | mem | ports | conns | mrc | xdp | config | version |\n"
		"            reset-mrc | cluster (scale-out node) | help (what the appliance\n"
		"            offers), or any other command it registered; raw sends one\n"
		"            JSON line from stdin and prints the reply line as it came\n"
		"  KEY=VALUE adds \"args\":{\"KEY\":VALUE} (VALUE as JSON if it parses,\n"
		"            else as a string)\n"
		"  -s, --socket PATH  control socket (default $" CTL_ENV " or "
		CTL_SOCKET_DEFAULT ")\n"
		"  -t, --timeout SEC  give up waiting for the reply (default 5)\n"
		"  -a, --all          also list counters that are zero\n"
		"  -j, --json         print the reply's data as one line of JSON\n"
		"  -h, --help         this text\n"
		"exit: 0 ok, 1 the appliance answered an error, 2 cannot connect,\n"
		"      no reply, or usage error\n");
}

static bool
valid_cmd(const char *s)
{
	if (!*s || strlen(s) >= CTL_NAME_MAX)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      *s == '_' || *s == '-'))
			return false;
	return true;
}

/* {"cmd":cmd,"args":{k:v...}} from KEY=VALUE words; NULL on a bad word. */
static char *
build_request(const char *cmd, char **kv, int n)
{
	json_t *req = json_pack("{s:s}", "cmd", cmd), *args = json_object();
	char *out = NULL;

	for (int i = 0; i < n; i++) {
		char *eq = strchr(kv[i], '=');
		json_t *val;

		if (!eq || eq == kv[i]) {
			fprintf(stderr, "linerate-ctl: '%s' is not KEY=VALUE\n",
				kv[i]);
			goto out;
		}
		*eq = '\0';
		val = json_loads(eq + 1, JSON_DECODE_ANY, NULL);
		if (!val)
			val = json_string(eq + 1);
		if (!val) {
			fprintf(stderr, "linerate-ctl: '%s': not UTF-8\n", eq + 1);
			goto out;
		}
		json_object_set_new(args, kv[i], val);
	}
	if (n > 0)
		json_object_set(req, "args", args);
	out = json_dumps(req, JSON_COMPACT);
out:
	json_decref(args);
	json_decref(req);
	return out;
}

/* One line from stdin for "raw"; anything after it but blanks is an error. */
static char *
read_stdin_line(void)
{
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap), *nl;
	ssize_t n;

	while (buf) {
		if (len == cap) {
			char *p = cap > CTL_MAX_LINE * 2 ? NULL :
				  realloc(buf, cap * 2);

			if (!p) {
				fprintf(stderr, "linerate-ctl: raw: stdin too long\n");
				free(buf);
				return NULL;
			}
			buf = p;
			cap *= 2;
		}
		n = read(0, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	if (!buf)
		return NULL;
	nl = memchr(buf, '\n', len);
	for (size_t i = nl ? (size_t)(nl - buf) : len; i < len; i++)
		if (buf[i] != '\n' && buf[i] != '\r' && buf[i] != ' ' &&
		    buf[i] != '\t') {
			fprintf(stderr, "linerate-ctl: raw: stdin must hold one line\n");
			free(buf);
			return NULL;
		}
	len = nl ? (size_t)(nl - buf) : len;
	if (len == 0) {
		fprintf(stderr, "linerate-ctl: raw: nothing on stdin\n");
		free(buf);
		return NULL;
	}
	buf[len] = '\0'; /* len < cap: a '\n' or a spare byte was there */
	if (strlen(buf) != len) {
		fprintf(stderr, "linerate-ctl: raw: NUL byte in the request\n");
		free(buf);
		return NULL;
	}
	return buf;
}

static int
ctl_connect(const char *path, int timeout_s)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = timeout_s };
	const char *hint = "is linerate running?";
	int fd, err;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "linerate-ctl: socket path too long: %s\n", path);
		return -1;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		fprintf(stderr, "linerate-ctl: socket: %s\n", strerror(errno));
		return -1;
	}
	/* A full backlog makes connect() wait; SO_SNDTIMEO bounds that. */
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
		return fd;
	err = errno;
	close(fd);
	if (err == EACCES || err == EPERM)
		hint = "root or the socket's group may connect";
	else if (err == EAGAIN)
		hint = "linerate is not accepting connections";
	fprintf(stderr, "linerate-ctl: cannot connect to %s: %s \u2014 %s\n",
		path, strerror(err), hint);
	return -1;
}

static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Send line + '\n' and read one reply line; NULL (after saying why) on a
 * failure or the timeout. */
static char *
exchange(int fd, const char *path, const char *line, int timeout_s)
{
	int64_t deadline = mono_ms() + (int64_t)timeout_s * 1000;
	size_t len = strlen(line), off = 0, cap = 65536, got = 0;
	char *req = malloc(len + 1), *buf = malloc(cap), *nl;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	ssize_t n;

	if (!req || !buf)
		goto oom;
	memcpy(req, line, len);
	req[len++] = '\n';
	while (off < len) {
		n = send(fd, req + off, len - off, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, "linerate-ctl: sending to %s: %s\n", path,
				errno == EAGAIN ? "timed out" : strerror(errno));
			goto fail;
		}
		off += (size_t)n;
	}
	for (;;) {
		int64_t left = deadline - mono_ms();
		int rc;

		if (left <= 0) {
			fprintf(stderr, "linerate-ctl: no reply from %s within %d s\n",
				path, timeout_s);
			goto fail;
		}
		rc = poll(&pfd, 1, (int)left);
		if (rc < 0 && errno != EINTR) {
			fprintf(stderr, "linerate-ctl: poll: %s\n", strerror(errno));
			goto fail;
		}
		if (rc <= 0)
			continue;
		if (got == cap) {
			char *p = cap >= CTL_MAX_REPLY ? NULL : realloc(buf, cap * 2);

			if (!p) {
				fprintf(stderr, "linerate-ctl: reply too long\n");
				goto fail;
			}
			buf = p;
			cap *= 2;
		}
		n = recv(fd, buf + got, cap - got, MSG_DONTWAIT);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0) {
			fprintf(stderr, "linerate-ctl: %s closed the connection "
				"without a reply%s%s\n", path, n < 0 ? ": " : "",
				n < 0 ? strerror(errno) : "");
			goto fail;
		}
		nl = memchr(buf + got, '\n', (size_t)n);
		got += (size_t)n;
		if (nl) {
			*nl = '\0';
			free(req);
			return buf;
		}
	}
oom:
	fprintf(stderr, "linerate-ctl: out of memory\n");
fail:
	free(req);
	free(buf);
	return NULL;
}

/* A scalar as text into buf (strings are returned as they are). */
static const char *
scalar(const json_t *v, char *buf, size_t len)
{
	switch (json_typeof(v)) {
	case JSON_STRING:
		return json_string_value(v);
	case JSON_INTEGER:
		snprintf(buf, len, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return buf;
	case JSON_REAL:
		snprintf(buf, len, "%.6g", json_real_value(v));
		return buf;
	case JSON_TRUE:
		return "true";
	case JSON_FALSE:
		return "false";
	case JSON_NULL:
		return "-";
	default:
		return "";
	}
}

static bool
is_scalar(const json_t *v)
{
	return !json_is_object(v) && !json_is_array(v);
}

static bool
is_zero(const json_t *v)
{
	return json_is_integer(v) && json_integer_value(v) == 0;
}

/*
 * Indented "key  value" lines, nested objects below their key, arrays of
 * scalars inline. Integer zeros directly under an object named hide_zero
 * are skipped (unless -a).
 */
static void
print_tree(const json_t *o, int indent, const char *hide_zero, bool parent_hides)
{
	char buf[64];
	const char *k;
	json_t *v;
	int w = 0;

	if (!json_is_object(o)) {
		if (json_is_array(o)) {
			size_t i;

			json_array_foreach(o, i, v) {
				printf("%*s[%zu]\n", indent, "", i);
				print_tree(v, indent + 2, hide_zero, false);
			}
		} else {
			printf("%*s%s\n", indent, "", scalar(o, buf, sizeof(buf)));
		}
		return;
	}
	json_object_foreach((json_t *)o, k, v)
		if (is_scalar(v) && (int)strlen(k) > w)
			w = (int)strlen(k);
	json_object_foreach((json_t *)o, k, v) {
		bool hides = hide_zero && !strcmp(k, hide_zero);

		if (is_scalar(v)) {
			if (!(parent_hides && is_zero(v)))
				printf("%*s%-*s  %s\n", indent, "", w, k,
				       scalar(v, buf, sizeof(buf)));
		} else if (json_is_array(v) && json_array_size(v) > 0 &&
			   is_scalar(json_array_get(v, 0))) {
			size_t i;
			json_t *e;

			printf("%*s%-*s  ", indent, "", w, k);
			json_array_foreach(v, i, e)
				printf("%s%s", i ? ", " : "",
				       scalar(e, buf, sizeof(buf)));
			printf("\n");
		} else if (json_is_array(v)) {
			size_t i;
			json_t *e;

			if (!json_array_size(v))
				printf("%*s%s:  (none)\n", indent, "", k);
			json_array_foreach(v, i, e) {
				printf("%*s%s[%zu]:\n", indent, "", k, i);
				print_tree(e, indent + 2, hide_zero, false);
			}
		} else {
			printf("%*s%s:\n", indent, "", k);
			print_tree(v, indent + 2, hide_zero, hides);
		}
	}
}

/* "name  value" lines, numbers right-aligned; zeros hidden unless all. */
static void
print_pairs(const json_t *data, bool all)
{
	char buf[64];
	const char *k;
	json_t *v;
	int kw = 0, vw = 0, shown = 0;

	json_object_foreach((json_t *)data, k, v) {
		if (!all && is_zero(v))
			continue;
		if ((int)strlen(k) > kw)
			kw = (int)strlen(k);
		if ((int)strlen(scalar(v, buf, sizeof(buf))) > vw)
			vw = (int)strlen(scalar(v, buf, sizeof(buf)));
	}
	json_object_foreach((json_t *)data, k, v) {
		if (!all && is_zero(v))
			continue;
		printf("%-*s  %*s\n", kw, k, json_is_string(v) ? 0 : vw,
		       scalar(v, buf, sizeof(buf)));
		shown++;
	}
	if (!shown)
		fprintf(stderr, "linerate-ctl: every counter is zero (-a lists them)\n");
}

/* A row of the lcores table: always for identity fields and with all,
 * otherwise only when some lcore has a non-zero value. */
static bool
row_shown(const json_t *list, const char *k, bool all)
{
	size_t i;

	if (all || !strcmp(k, "idx") || !strcmp(k, "socket") ||
	    !strcmp(k, "lcore"))
		return true;
	for (i = 0; i < json_array_size(list); i++)
		if (!is_zero(json_object_get(json_array_get(list, i), k)))
			return true;
	return false;
}

/* One column per lcore, one row per field; all-zero rows hidden. */
static void
print_lcores(const json_t *data, bool all)
{
	const json_t *list = json_object_get(data, "lcores");
	const json_t *first = json_array_get(list, 0);
	size_t n = json_array_size(list), i;
	char buf[64];
	const char *k;
	json_t *v;
	int kw = 5, cw = 6;

	if (!n) {
		printf("no data-plane lcores\n");
		return;
	}
	json_object_foreach((json_t *)first, k, v) {
		if (!row_shown(list, k, all))
			continue;
		if ((int)strlen(k) > kw)
			kw = (int)strlen(k);
		for (i = 0; i < n; i++) {
			json_t *e = json_object_get(json_array_get(list, i), k);

			if ((int)strlen(scalar(e, buf, sizeof(buf))) > cw)
				cw = (int)strlen(scalar(e, buf, sizeof(buf)));
		}
	}
	json_object_foreach((json_t *)first, k, v) {
		if (!row_shown(list, k, all))
			continue;
		printf("%-*s", kw, k);
		for (i = 0; i < n; i++) {
			json_t *e = json_object_get(json_array_get(list, i), k);

			if (!strcmp(k, "busy_ratio") && json_is_number(e))
				snprintf(buf, sizeof(buf), "%.2f%%",
					 json_number_value(e) * 100);
			else
				scalar(e, buf, sizeof(buf));
			printf("  %*s", cw, json_is_string(e) ?
			       json_string_value(e) : buf);
		}
		printf("\n");
	}
}

/* One line per lcore and class; idle classes hidden unless all. */
static void
print_mem(const json_t *data, bool all)
{
	const json_t *list = json_object_get(data, "lcores"), *lc, *c;
	size_t i, k;

	printf("%-6s %-11s %14s %14s %14s %10s %10s\n", "lcore", "class",
	       "limit", "in_use", "high", "refusals", "prunes");
	json_array_foreach(list, i, lc) {
		json_array_foreach(json_object_get(lc, "classes"), k, c) {
			json_int_t high = json_integer_value(
				json_object_get(c, "high"));

			if (!all && !high)
				continue;
			printf("%-6lld %-11s %14lld %14lld %14lld %10lld %10lld\n",
			       (long long)json_integer_value(json_object_get(lc, "lcore")),
			       json_string_value(json_object_get(c, "name")) ?: "?",
			       (long long)json_integer_value(json_object_get(c, "limit")),
			       (long long)json_integer_value(json_object_get(c, "in_use")),
			       (long long)high,
			       (long long)json_integer_value(json_object_get(c, "refusals")),
			       (long long)json_integer_value(json_object_get(c, "prunes")));
		}
		printf("%-6lld %-11s %14s %14lld mbufs free in the pool\n",
		       (long long)json_integer_value(json_object_get(lc, "lcore")),
		       "pool", "", (long long)json_integer_value(
			       json_object_get(lc, "pool_avail")));
	}
}

static void
print_data(const char *cmd, const json_t *data, bool all)
{
	if (!strcmp(cmd, "stats") && json_is_object(data))
		print_pairs(data, all);
	else if (!strcmp(cmd, "lcores") && json_is_object(data))
		print_lcores(data, all);
	else if (!strcmp(cmd, "mem") && json_is_object(data))
		print_mem(data, all);
	else if (!strcmp(cmd, "help") && json_is_object(data))
		print_pairs(data, true);
	else if (!strcmp(cmd, "version") && json_is_object(data))
		printf("%s %s (%s)\n",
		       json_string_value(json_object_get(data, "name")) ?: "?",
		       json_string_value(json_object_get(data, "version")) ?: "?",
		       json_string_value(json_object_get(data, "gitrev")) ?: "?");
	else
		print_tree(data, 0, all ? NULL : "xstats", false);
}

/* Judge the reply line: print data or error; returns the exit code. */
static int
handle_reply(const struct opts *o, const char *line)
{
	json_error_t jerr;
	json_t *r = json_loads(line, 0, &jerr), *ok, *data;
	int rc;

	if (!strcmp(o->cmd, "raw"))
		printf("%s\n", line);
	ok = json_object_get(r, "ok");
	if (!r || !json_is_boolean(ok)) {
		fprintf(stderr, "linerate-ctl: malformed reply: %s\n",
			r ? "no \"ok\"" : jerr.text);
		json_decref(r);
		return EX_CONNECT;
	}
	if (!json_is_true(ok)) {
		const char *e = json_string_value(json_object_get(r, "error"));

		if (strcmp(o->cmd, "raw"))
			fprintf(stderr, "linerate-ctl: %s: %s\n", o->cmd,
				e ? e : "error");
		json_decref(r);
		return EX_APPLIANCE;
	}
	rc = EX_OK;
	data = json_object_get(r, "data");
	if (!strcmp(o->cmd, "raw")) {
		/* printed above */
	} else if (o->json) {
		char *s = json_dumps(data ? data : json_null(),
				     JSON_COMPACT | JSON_ENCODE_ANY);

		if (s)
			printf("%s\n", s);
		free(s);
	} else if (data) {
		print_data(o->cmd, data, o->all);
	}
	json_decref(r);
	if (fflush(stdout) == EOF)
		rc = EX_CONNECT;
	return rc;
}

static const struct option long_opts[] = {
	{ "socket", required_argument, NULL, 's' },
	{ "timeout", required_argument, NULL, 't' },
	{ "all", no_argument, NULL, 'a' },
	{ "json", no_argument, NULL, 'j' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

int
main(int argc, char **argv)
{
	struct opts o = { .timeout_s = 5 };
	char *req, *reply;
	int opt, fd, rc;

	o.socket = getenv(CTL_ENV);
	if (!o.socket || !*o.socket)
		o.socket = CTL_SOCKET_DEFAULT;
	while ((opt = getopt_long(argc, argv, "s:t:ajh", long_opts, NULL)) != -1) {
		switch (opt) {
		case 's':
			o.socket = optarg;
			break;
		case 't': {
			char *end;
			long t = strtol(optarg, &end, 10);

			if (*end || end == optarg || t < 1 || t > 3600) {
				fprintf(stderr, "linerate-ctl: --timeout: '%s' is "
					"not 1..3600 seconds\n", optarg);
				return EX_USAGE;
			}
			o.timeout_s = (int)t;
			break;
		}
		case 'a':
			o.all = true;
			break;
		case 'j':
			o.json = true;
			break;
		case 'h':
			usage(stdout);
			return EX_OK;
		default:
			usage(stderr);
			return EX_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return EX_USAGE;
	}
	o.cmd = argv[optind++];
	if (!strcmp(o.cmd, "raw")) {
		if (optind < argc) {
			fprintf(stderr, "linerate-ctl: raw takes its request on stdin\n");
			return EX_USAGE;
		}
		req = read_stdin_line();
	} else if (!valid_cmd(o.cmd)) {
		fprintf(stderr, "linerate-ctl: '%s' is not a command name\n",
			o.cmd);
		usage(stderr);
		return EX_USAGE;
	} else {
		req = build_request(o.cmd, argv + optind, argc - optind);
	}
	if (!req)
		return EX_USAGE;
	fd = ctl_connect(o.socket, o.timeout_s);
	if (fd < 0) {
		free(req);
		return EX_CONNECT;
	}
	reply = exchange(fd, o.socket, req, o.timeout_s);
	close(fd);
	free(req);
	if (!reply)
		return EX_CONNECT;
	rc = handle_reply(&o, reply);
	free(reply);
	return rc;
}

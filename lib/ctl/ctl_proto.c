/* SPDX-License-Identifier: BSD-3-Clause */
/* ctl_proto.c: the control protocol: a request line to a command, its
 * result to a {"ok":...} reply; the command table and the built-ins. */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/version.h"
#include "ctl/ctl_priv.h"

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

json_t *
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

int
ctl_register_builtins(struct ctl_server *s)
{
	int rc;

	rc = ctl_register(s, "help", "list the commands", ctl_cmd_help, s);
	if (rc == 0)
		rc = ctl_register(s, "version", "name, version and git revision",
				  ctl_cmd_version, NULL);
	return rc;
}

void
ctl_cmds_free(struct ctl_server *s)
{
	for (unsigned int i = 0; i < s->nb_cmds; i++)
		free(s->cmds[i].help);
	free(s->cmds);
}

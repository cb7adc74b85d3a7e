/* SPDX-License-Identifier: BSD-3-Clause */
/* ctl_priv.h: the server's structs and what ctl.c (socket, clients) and
 * ctl_proto.c (requests, commands) share; private to lib/ctl/ctl*.c. */
#ifndef LR_CTL_CTL_PRIV_H
#define LR_CTL_CTL_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/un.h>

#include "ctl/ctl.h"

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

/*
 * {"ok":false,"error":msg}; bytes of msg that are not printable ASCII
 * become '?' when msg is not UTF-8. NULL when out of memory.
 */
struct json_t *ctl_reply_error(const char *msg);

/* Register "help" and "version". 0 or a ctl_register() error. */
int ctl_register_builtins(struct ctl_server *s);

/* Free the command table (ctl_server_free). */
void ctl_cmds_free(struct ctl_server *s);

#endif

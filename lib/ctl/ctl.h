/* SPDX-License-Identifier: BSD-3-Clause */
/* ctl.h: the control-plane server (UNIX socket, JSON lines) and its commands. */
#ifndef LR_CTL_CTL_H
#define LR_CTL_CTL_H

#include <stddef.h>
#include <stdint.h>

#include "core/stats.h"

struct config;
struct json_t;
struct lcore_ctx;
struct ctl_server;

#define CTL_SOCKET_DEFAULT "/run/linerate/ctl.sock"
#define CTL_MAX_CLIENTS 64
#define CTL_MAX_LINE (64 * 1024)      /* bytes per request line, '\n' excluded */
#define CTL_MAX_OUTBUF (1024 * 1024)  /* unread reply bytes per client */
#define CTL_IDLE_TIMEOUT_MS 60000
#define CTL_NAME_MAX 32               /* command name, NUL included */
#define CTL_ERR_LEN 256

/*
 * A command. args is the request's "args" object (an empty object when the
 * request had none); it is borrowed, never NULL. Returns the reply's "data"
 * value with one reference the server takes over, or NULL with a message in
 * err (errlen bytes, NUL-terminated) that becomes {"ok":false,"error":err}.
 * Runs on the thread calling ctl_server_poll() (the main lcore); it must not
 * block.
 */
typedef struct json_t *(*ctl_cmd_fn)(void *arg, struct json_t *args,
				     char *err, size_t errlen);

/* Zero fields take the CTL_* defaults. */
struct ctl_params {
	const char *path;            /* socket path; NULL: CTL_SOCKET_DEFAULT */
	unsigned int max_clients;    /* at most this many connected at once */
	size_t max_line;             /* a longer request line drops the client */
	size_t max_outbuf;           /* more unread output drops the client */
	unsigned int idle_timeout_ms; /* close a client after this long
				       * without a request or reply progress */
};

/*
 * Create the server: make the socket's parent directory if missing (0750),
 * remove a stale socket left by a dead process (connect() refused), bind
 * with mode 0660 and listen, all non-blocking. Registers the built-in
 * commands "help" and "version".
 * Returns the server, or NULL with errno:
 *   EADDRINUSE    another live process answers on the path
 *   EEXIST        the path exists and is not a socket (left alone)
 *   ENAMETOOLONG  the path does not fit in sockaddr_un
 *   EINVAL        bad params
 *   other         from mkdir/socket/bind/listen (EACCES...), or ENOMEM
 */
struct ctl_server *ctl_server_create(const struct ctl_params *p);

/*
 * Close every client and the listening socket and unlink the socket file
 * (only if it is still the one this server bound). NULL is a no-op.
 */
void ctl_server_free(struct ctl_server *s);

/*
 * Register a command. name: 1..CTL_NAME_MAX-1 characters of [a-z0-9_-];
 * help: one line for "help" (copied; may be NULL); arg is passed to fn.
 * Returns 0, -EINVAL (bad name or fn), -EEXIST (name taken, including the
 * built-ins), -ENOMEM.
 */
int ctl_register(struct ctl_server *s, const char *name, const char *help,
		 ctl_cmd_fn fn, void *arg);

/*
 * One round of service: wait up to timeout_ms (-1: until something
 * happens; 0: do not wait) for the listening socket and the clients, then
 * accept, read, run every complete request line, write replies and close
 * clients that are done, idle, too slow or sent an oversized line. Never
 * blocks on a client. Returns the number of requests answered (>= 0), 0 when
 * interrupted by a signal, or -errno when poll() fails otherwise.
 */
int ctl_server_poll(struct ctl_server *s, int timeout_ms);

/* Clients connected now (tests, diagnostics). */
unsigned int ctl_server_clients(const struct ctl_server *s);

/* The socket path the server bound. */
const char *ctl_server_path(const struct ctl_server *s);

/*
 * Run one request line (without its '\n') as if a client had sent it and
 * return the reply object {"ok":...} (caller decrefs); never NULL unless out
 * of memory. For tests and for other front ends (telemetry).
 */
struct json_t *ctl_server_exec(struct ctl_server *s, const char *line,
			       size_t len);

/*
 * What the ready-made commands below read: the data-plane lcore contexts
 * (entries may be NULL), the configuration and the port. Read-only and
 * owned by the app; it must outlive the server. Counters are read with plain
 * 64-bit loads while the lcores run (single writer each).
 */
struct ctl_view {
	struct lcore_ctx *const *lcores;
	unsigned int nb_lcores;
	const struct config *cfg;
	uint16_t port_id;
};

/* Every counter summed over the view's lcores into sum (overwritten). */
void ctl_stats_sum(const struct ctl_view *v, struct stats *sum);

/* A counter set as a JSON object {"rx_packets":N,...}, every counter in
 * stats.h order; NULL when out of memory. */
struct json_t *ctl_stats_json(const struct stats *st);

/*
 * Ready-made commands; arg is a const struct ctl_view *.
 *   ctl_cmd_stats   {"rx_packets":N,...}: every counter, summed over lcores
 *   ctl_cmd_lcores  {"lcores":[{"lcore":L,"idx":I,"socket":S,
 *                   "busy_ratio":R,"rx_packets":N,...},...]}
 *   ctl_cmd_mem     {"lcores":[{"lcore":L,"mbuf_bytes":B,"pool_avail":N,
 *                   "classes":[{"name","limit","in_use","high","refusals",
 *                   "prunes"},...]}],"total":{...the same, summed}}
 *   ctl_cmd_ports   {"ports":[{"port_id","name","driver","mac","link":{...},
 *                   "stats":{...},"xstats":{...}}]}  (needs EAL)
 *   ctl_cmd_config  the effective configuration (config_to_json())
 */
struct json_t *ctl_cmd_stats(void *arg, struct json_t *args, char *err,
			      size_t errlen);
struct json_t *ctl_cmd_lcores(void *arg, struct json_t *args, char *err,
			      size_t errlen);
struct json_t *ctl_cmd_mem(void *arg, struct json_t *args, char *err,
			   size_t errlen);
struct json_t *ctl_cmd_ports(void *arg, struct json_t *args, char *err,
			      size_t errlen);
struct json_t *ctl_cmd_config(void *arg, struct json_t *args, char *err,
			      size_t errlen);

/*
 * Register stats, lcores, mem, ports and config over v (which must outlive s).
 * Returns 0 or the first ctl_register() error.
 */
int ctl_register_view(struct ctl_server *s, const struct ctl_view *v);

#endif

/* SPDX-License-Identifier: BSD-3-Clause */
/* cluster_redis.c: the cluster store on Redis (hiredis), one Lua script per op. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>

#include "cluster/cluster_store.h"

/*
 * Keys (prefix "lr:"): gen and barrier (counters), nodes (set of node
 * ids), node:<id> (hash: gen seq count sum_e9 n_inexact inexact ack),
 * live:<id> (expiring liveness), users:<gen> (set of user ids). Each
 * operation is one script, so it is atomic in Redis, and each is safe to
 * run twice.
 */
static const char cr_push_lua[] =
	"local p = KEYS[1]\n"
	"local cg = tonumber(redis.call('GET', p..'gen') or '0')\n"
	"local g = tonumber(ARGV[2])\n"
	"if #ARGV > 11 and g >= cg then\n"
	"  redis.call('SADD', p..'users:'..ARGV[2], unpack(ARGV, 12))\n"
	"end\n"
	"redis.call('SADD', p..'nodes', ARGV[1])\n"
	"redis.call('SET', p..'live:'..ARGV[1], '1', 'PX', ARGV[11])\n"
	"if ARGV[3] == '1' then\n"
	"  local k = p..'node:'..ARGV[1]\n"
	"  local cur = redis.call('HMGET', k, 'gen', 'seq')\n"
	"  local sg = tonumber(cur[1] or '-1')\n"
	"  local ss = tonumber(cur[2] or '-1')\n"
	"  local s = tonumber(ARGV[5])\n"
	"  local rg = tonumber(ARGV[4])\n"
	"  if rg > sg or (rg == sg and s > ss) then\n"
	"    redis.call('HSET', k, 'gen', ARGV[4], 'seq', ARGV[5],\n"
	"      'count', ARGV[6], 'sum_e9', ARGV[7], 'n_inexact', ARGV[8],\n"
	"      'inexact', ARGV[9], 'ack', ARGV[10])\n"
	"  end\n"
	"end\n"
	"return {tostring(cg), redis.call('GET', p..'barrier') or '0',\n"
	"  tostring(redis.call('SCARD', p..'nodes'))}\n";

static const char cr_raise_lua[] =
	"local p = KEYS[1]\n"
	"local empty = redis.call('EXISTS', p..'gen') == 0\n"
	"local names = {'gen', 'barrier'}\n"
	"local out = {}\n"
	"for i = 1, 2 do\n"
	"  local cur = tonumber(redis.call('GET', p..names[i]) or '0')\n"
	"  if tonumber(ARGV[i]) > cur then cur = tonumber(ARGV[i]) end\n"
	"  redis.call('SET', p..names[i], tostring(cur))\n"
	"  out[i] = tostring(cur)\n"
	"end\n"
	"if empty then\n"
	"  for i = 4, #ARGV do\n"
	"    redis.call('SADD', p..'nodes', ARGV[i])\n"
	"    redis.call('SET', p..'live:'..ARGV[i], '1', 'PX', ARGV[3], 'NX')\n"
	"  end\n"
	"end\n"
	"return out\n";

static const char cr_read_lua[] =
	"local p = KEYS[1]\n"
	"local h = redis.call('HMGET', p..'node:'..ARGV[1], 'gen', 'seq',\n"
	"  'count', 'sum_e9', 'n_inexact', 'inexact', 'ack')\n"
	"local out = {redis.call('GET', p..'gen') or '0',\n"
	"  redis.call('GET', p..'barrier') or '0'}\n"
	"for i = 1, 7 do out[i + 2] = h[i] or '' end\n"
	"return out\n";

static const char cr_bump_gen_lua[] =
	"local p = KEYS[1]\n"
	"local g = redis.call('INCR', p..'gen')\n"
	"redis.call('UNLINK', p..'users:'..tostring(g - 1))\n"
	"return tostring(g)\n";

static const char cr_gather_lua[] =
	"local p = KEYS[1]\n"
	"local out = {tostring(redis.call('SCARD', p..'users:'..ARGV[1]))}\n"
	"for _, n in ipairs(redis.call('SMEMBERS', p..'nodes')) do\n"
	"  local h = redis.call('HMGET', p..'node:'..n, 'gen', 'count',\n"
	"    'sum_e9', 'n_inexact', 'inexact', 'ack')\n"
	"  for i = 1, 6 do out[#out + 1] = h[i] or '' end\n"
	"  out[#out + 1] = tostring(redis.call('EXISTS', p..'live:'..n))\n"
	"end\n"
	"return out\n";

#define CR_GATHER_FIELDS 7

struct cr_store {
	redisContext *ctx;
	char host[256];
	int port; /* 0: host is a unix socket path */
	char password[128];
	char prefix[32];
	uint32_t timeout_ms;
};

static void
cr_drop(struct cr_store *s)
{
	if (s->ctx)
		redisFree(s->ctx);
	s->ctx = NULL;
}

/* Run a command; the reply (caller frees) or NULL (-EIO, disconnected). */
static redisReply *
cr_cmd(struct cr_store *s, int argc, const char **argv, const size_t *lens)
{
	redisReply *r;

	if (!s->ctx)
		return NULL;
	r = redisCommandArgv(s->ctx, argc, argv, lens);
	if (!r) {
		cr_drop(s);
		return NULL;
	}
	if (r->type == REDIS_REPLY_ERROR) {
		/* LOADING, a script error...: treat as unreachable for now. */
		freeReplyObject(r);
		cr_drop(s);
		return NULL;
	}
	return r;
}

static int
cr_connect(void *st)
{
	struct cr_store *s = st;
	struct timeval tv = { .tv_sec = s->timeout_ms / 1000,
			      .tv_usec = (s->timeout_ms % 1000) * 1000 };
	redisReply *r;

	cr_drop(s);
	s->ctx = s->port ? redisConnectWithTimeout(s->host, s->port, tv) :
			   redisConnectUnixWithTimeout(s->host, tv);
	if (!s->ctx || s->ctx->err) {
		cr_drop(s);
		return -ECONNREFUSED;
	}
	redisSetTimeout(s->ctx, tv);
	if (s->password[0]) {
		const char *argv[] = { "AUTH", s->password };
		size_t lens[] = { 4, strlen(s->password) };

		r = cr_cmd(s, 2, argv, lens);
		if (!r)
			return -EACCES;
		freeReplyObject(r);
	}
	return 0;
}

/* EVAL script 1 prefix args...; the reply or NULL. */
static redisReply *
cr_eval(struct cr_store *s, const char *lua, int nargs, const char **args,
	const size_t *lens)
{
	const char *argv[16 + 512];
	size_t alen[16 + 512];
	int n = 0;

	if (nargs > 512 + 12)
		return NULL;
	argv[n] = "EVAL", alen[n++] = 4;
	argv[n] = lua, alen[n++] = strlen(lua);
	argv[n] = "1", alen[n++] = 1;
	argv[n] = s->prefix, alen[n++] = strlen(s->prefix);
	for (int i = 0; i < nargs; i++) {
		argv[n] = args[i];
		alen[n++] = lens ? lens[i] : strlen(args[i]);
	}
	return cr_cmd(s, n, argv, alen);
}

static uint64_t
cr_u64(const redisReply *r)
{
	if (r->type == REDIS_REPLY_INTEGER)
		return (uint64_t)r->integer;
	if (r->type == REDIS_REPLY_STRING)
		return strtoull(r->str, NULL, 10);
	return 0;
}

static void
cr_i128_str(__int128 v, char *buf, size_t cap)
{
	char tmp[48];
	unsigned __int128 u = v < 0 ? -(unsigned __int128)v : (unsigned __int128)v;
	int n = 0;

	do {
		tmp[n++] = (char)('0' + (int)(u % 10));
		u /= 10;
	} while (u);
	if (v < 0)
		tmp[n++] = '-';
	for (int i = 0; i < n && (size_t)i < cap - 1; i++)
		buf[i] = tmp[n - 1 - i];
	buf[n < (int)cap ? n : (int)cap - 1] = '\0';
}

static __int128
cr_str_i128(const char *s)
{
	bool neg = *s == '-';
	unsigned __int128 u = 0;

	if (neg)
		s++;
	while (*s >= '0' && *s <= '9')
		u = u * 10 + (unsigned)(*s++ - '0');
	return neg ? -(__int128)u : (__int128)u;
}

static int
cr_push(void *st, const char *node, uint64_t gen, const struct cluster_rec *rec,
	const char *const *users, const uint16_t *lens, size_t n,
	uint32_t live_ttl_ms, struct cluster_view *view)
{
	struct cr_store *s = st;
	char f[10][48];
	const char *args[11 + 512];
	size_t alen[11 + 512];
	redisReply *r;
	int k = 0;

	if (n > 512)
		return -E2BIG;
	snprintf(f[0], sizeof(f[0]), "%" PRIu64, gen);
	snprintf(f[1], sizeof(f[1]), "%d", rec != NULL);
	if (rec) {
		snprintf(f[2], sizeof(f[2]), "%" PRIu64, rec->gen);
		snprintf(f[3], sizeof(f[3]), "%" PRIu64, rec->seq);
		snprintf(f[4], sizeof(f[4]), "%" PRIu64, rec->count);
		cr_i128_str(rec->sum_exact, f[5], sizeof(f[5]));
		snprintf(f[6], sizeof(f[6]), "%" PRIu64, rec->n_inexact);
		snprintf(f[7], sizeof(f[7]), "%.17g", rec->sum_inexact);
		snprintf(f[8], sizeof(f[8]), "%" PRIu64, rec->ack);
	} else {
		for (int i = 2; i <= 8; i++)
			snprintf(f[i], sizeof(f[i]), "0");
	}
	snprintf(f[9], sizeof(f[9]), "%" PRIu32, live_ttl_ms ? live_ttl_ms : 1);
	args[k] = node, alen[k++] = strlen(node);
	for (int i = 0; i < 10; i++)
		args[k] = f[i], alen[k++] = strlen(f[i]);
	for (size_t i = 0; i < n; i++)
		args[k] = users[i], alen[k++] = lens[i];
	r = cr_eval(s, cr_push_lua, k, args, alen);
	if (!r)
		return -EIO;
	if (r->type != REDIS_REPLY_ARRAY || r->elements != 3) {
		freeReplyObject(r);
		return -EPROTO;
	}
	view->gen = cr_u64(r->element[0]);
	view->barrier = cr_u64(r->element[1]);
	view->nodes = cr_u64(r->element[2]);
	freeReplyObject(r);
	return 0;
}

static int
cr_read(void *st, const char *node, struct cluster_rec *rec,
	struct cluster_view *view)
{
	struct cr_store *s = st;
	const char *args[] = { node };
	redisReply *r = cr_eval(s, cr_read_lua, 1, args, NULL);
	redisReply **e;
	int rc = 0;

	if (!r)
		return -EIO;
	if (r->type != REDIS_REPLY_ARRAY || r->elements != 9) {
		freeReplyObject(r);
		return -EPROTO;
	}
	e = r->element;
	view->gen = cr_u64(e[0]);
	view->barrier = cr_u64(e[1]);
	memset(rec, 0, sizeof(*rec));
	if (e[2]->type != REDIS_REPLY_STRING || e[2]->len == 0) {
		rc = -ENOENT;
	} else {
		rec->gen = cr_u64(e[2]);
		rec->seq = cr_u64(e[3]);
		rec->count = cr_u64(e[4]);
		rec->sum_exact = cr_str_i128(e[5]->str ? e[5]->str : "0");
		rec->n_inexact = cr_u64(e[6]);
		rec->sum_inexact = strtod(e[7]->str ? e[7]->str : "0", NULL);
		rec->ack = cr_u64(e[8]);
	}
	freeReplyObject(r);
	return rc;
}

static int
cr_raise(void *st, struct cluster_view *view, const char (*peers)[64],
	 size_t n, uint32_t live_ttl_ms)
{
	struct cr_store *s = st;
	char g[24], b[24], t[24];
	const char *args[3 + CLUSTER_MAX_NODES] = { g, b, t };
	redisReply *r;

	snprintf(g, sizeof(g), "%" PRIu64, view->gen);
	snprintf(b, sizeof(b), "%" PRIu64, view->barrier);
	snprintf(t, sizeof(t), "%" PRIu32, live_ttl_ms ? live_ttl_ms : 1);
	for (size_t i = 0; i < n && i < CLUSTER_MAX_NODES; i++)
		args[3 + i] = peers[i];
	r = cr_eval(s, cr_raise_lua,
		    3 + (int)(n < CLUSTER_MAX_NODES ? n : CLUSTER_MAX_NODES),
		    args, NULL);
	if (!r)
		return -EIO;
	if (r->type != REDIS_REPLY_ARRAY || r->elements != 2) {
		freeReplyObject(r);
		return -EPROTO;
	}
	view->gen = cr_u64(r->element[0]);
	view->barrier = cr_u64(r->element[1]);
	freeReplyObject(r);
	return 0;
}

static int
cr_members(void *st, char (*ids)[64], size_t max, size_t *n)
{
	struct cr_store *s = st;
	char key[64];
	const char *argv[] = { "SMEMBERS", key };
	size_t lens[2] = { 8, 0 };
	redisReply *r;

	lens[1] = (size_t)snprintf(key, sizeof(key), "%snodes", s->prefix);
	r = cr_cmd(s, 2, argv, lens);
	if (!r)
		return -EIO;
	*n = 0;
	for (size_t i = 0; r->type == REDIS_REPLY_ARRAY && i < r->elements &&
			   *n < max; i++)
		if (r->element[i]->type == REDIS_REPLY_STRING &&
		    r->element[i]->len < 64)
			snprintf(ids[(*n)++], 64, "%s", r->element[i]->str);
	freeReplyObject(r);
	return 0;
}

static int
cr_bump_gen(void *st, uint64_t *out)
{
	redisReply *r = cr_eval(st, cr_bump_gen_lua, 0, NULL, NULL);

	if (!r)
		return -EIO;
	*out = cr_u64(r);
	freeReplyObject(r);
	return 0;
}

static int
cr_bump_barrier(void *st, uint64_t *out)
{
	struct cr_store *s = st;
	char key[64];
	const char *argv[] = { "INCR", key };
	size_t lens[2] = { 4, 0 };
	redisReply *r;

	lens[1] = (size_t)snprintf(key, sizeof(key), "%sbarrier", s->prefix);
	r = cr_cmd(s, 2, argv, lens);
	if (!r)
		return -EIO;
	*out = cr_u64(r);
	freeReplyObject(r);
	return 0;
}

static int
cr_gather(void *st, uint64_t gen, uint64_t barrier, struct cluster_sum *out)
{
	struct cr_store *s = st;
	char g[24];
	const char *args[] = { g };
	double sum = 0.0, comp = 0.0;
	redisReply *r;

	snprintf(g, sizeof(g), "%" PRIu64, gen);
	r = cr_eval(s, cr_gather_lua, 1, args, NULL);
	if (!r)
		return -EIO;
	if (r->type != REDIS_REPLY_ARRAY || r->elements < 1 ||
	    (r->elements - 1) % CR_GATHER_FIELDS) {
		freeReplyObject(r);
		return -EPROTO;
	}
	memset(out, 0, sizeof(*out));
	out->users = cr_u64(r->element[0]);
	for (size_t i = 1; i < r->elements; i += CR_GATHER_FIELDS) {
		redisReply **e = &r->element[i];
		bool live = cr_u64(e[6]) != 0;
		uint64_t ngen = cr_u64(e[0]);
		double x, t;

		if (live) {
			out->live++;
			if (ngen < gen || cr_u64(e[5]) < barrier)
				out->pending++;
		}
		if (ngen != gen || !e[0]->len)
			continue;
		out->nodes++;
		out->count += cr_u64(e[1]);
		out->sum_exact += cr_str_i128(e[2]->str ? e[2]->str : "0");
		out->n_inexact += cr_u64(e[3]);
		/* Neumaier across the nodes' compensated parts. */
		x = strtod(e[4]->str ? e[4]->str : "0", NULL);
		t = sum + x;
		comp += fabs(sum) >= fabs(x) ? (sum - t) + x : (x - t) + sum;
		sum = t;
	}
	out->sum_inexact = sum + comp;
	freeReplyObject(r);
	return 0;
}

static int
cr_leave(void *st, const char *node)
{
	struct cr_store *s = st;
	char key[128];
	const char *argv[] = { "DEL", key };
	size_t lens[2] = { 3, 0 };
	redisReply *r;

	lens[1] = (size_t)snprintf(key, sizeof(key), "%slive:%s", s->prefix,
				   node);
	r = cr_cmd(s, 2, argv, lens);
	if (!r)
		return -EIO;
	freeReplyObject(r);
	return 0;
}

static void
cr_close(void *st)
{
	cr_drop(st);
	free(st);
}

static const struct cluster_store_ops cr_ops = {
	.connect = cr_connect,
	.push = cr_push,
	.read = cr_read,
	.raise = cr_raise,
	.members = cr_members,
	.bump_gen = cr_bump_gen,
	.bump_barrier = cr_bump_barrier,
	.gather = cr_gather,
	.leave = cr_leave,
	.close = cr_close,
};

int
cluster_redis_open(const struct cluster_redis_params *p,
		   struct cluster_store *out)
{
	struct cr_store *s;
	const char *colon;

	if (!p->addr || !p->addr[0])
		return -EINVAL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	if (strncmp(p->addr, "unix:", 5) == 0) {
		snprintf(s->host, sizeof(s->host), "%s", p->addr + 5);
	} else {
		colon = strrchr(p->addr, ':');
		s->port = colon ? atoi(colon + 1) : 6379;
		if (s->port <= 0 || s->port > 65535 ||
		    (colon && (size_t)(colon - p->addr) >= sizeof(s->host))) {
			free(s);
			return -EINVAL;
		}
		snprintf(s->host, sizeof(s->host), "%.*s",
			 colon ? (int)(colon - p->addr) : (int)strlen(p->addr),
			 p->addr);
	}
	snprintf(s->password, sizeof(s->password), "%s",
		 p->password ? p->password : "");
	snprintf(s->prefix, sizeof(s->prefix), "%s",
		 p->prefix ? p->prefix : "lr:");
	s->timeout_ms = p->timeout_ms ? p->timeout_ms : 1000;
	out->ops = &cr_ops;
	out->st = s;
	return 0;
}

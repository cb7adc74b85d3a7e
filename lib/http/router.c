/* SPDX-License-Identifier: BSD-3-Clause */
/* router.c: method + path routing with {param} segments. */
#include <errno.h>
#include <string.h>

#include "http/parser.h"
#include "http/router.h"

/* Generations of every router in the process: never the same twice. */
static uint64_t http_router_gens;

static uint64_t
http_router_gen_next(void)
{
	return __atomic_add_fetch(&http_router_gens, 1, __ATOMIC_RELAXED);
}

void
http_router_init(struct http_router *r)
{
	memset(r, 0, sizeof(*r));
	r->gen = http_router_gen_next();
}

int
http_router_add(struct http_router *r, uint32_t methods, const char *pattern,
		http_handler_fn fn, void *arg, const char *name)
{
	struct http_route *rt;
	uint8_t nparams = 0;

	if (r->nroutes == HTTP_MAX_ROUTES)
		return -ENOSPC;
	if (pattern[0] != '/')
		return -EINVAL;
	for (const char *p = pattern; *p; p++) {
		if (*p != '{')
			continue;
		/* A parameter is a whole segment: "/{x}" up to '/' or end. */
		if (p[-1] != '/')
			return -EINVAL;
		const char *end = strchr(p, '}');

		if (!end || (end[1] != '/' && end[1] != '\0') ||
		    ++nparams > HTTP_MAX_PARAMS)
			return -EINVAL;
		p = end;
	}
	if (methods & HTTP_METHOD_BIT(HTTP_M_GET))
		methods |= HTTP_METHOD_BIT(HTTP_M_HEAD);
	rt = &r->routes[r->nroutes];
	rt->pattern = pattern;
	rt->name = name;
	rt->methods = methods;
	rt->fn = fn;
	rt->arg = arg;
	rt->len = (uint16_t)strlen(pattern);
	rt->nparams = nparams;
	r->gen = http_router_gen_next();
	return (int)r->nroutes++;
}

int
http_router_add_all(struct http_router *r, const struct http_route_def *defs,
		    size_t n, void *arg)
{
	for (size_t i = 0; i < n; i++) {
		int rc;

		if (!defs[i].fn)
			continue;
		rc = http_router_add(r, defs[i].methods, defs[i].pattern,
				     defs[i].fn, arg, defs[i].name);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Does path match rt's pattern? Fills params. */
static bool
http_route_matches(const struct http_route *rt, const char *path, size_t len,
		   struct http_match *m)
{
	const char *pat = rt->pattern, *pe = pat + rt->len;
	const char *p = path, *end = path + len;
	uint8_t n = 0;

	if (rt->nparams == 0)
		return len == rt->len && memcmp(path, pat, len) == 0;
	while (pat < pe) {
		if (*pat == '{') {
			const char *seg = p;

			while (p < end && *p != '/')
				p++;
			if (p == seg)
				return false; /* empty parameter */
			m->params[n].p = seg;
			m->params[n].len = (uint32_t)(p - seg);
			n++;
			pat = strchr(pat, '}') + 1;
			continue;
		}
		if (p == end || *p != *pat)
			return false;
		p++;
		pat++;
	}
	if (p != end)
		return false;
	m->nparams = n;
	return true;
}

int
http_router_match(const struct http_router *r, int method, const char *path,
		  size_t len, struct http_match *m)
{
	uint32_t bit = HTTP_METHOD_BIT(method);

	m->route = -1;
	m->allowed = 0;
	m->nparams = 0;
	for (uint32_t i = 0; i < r->nroutes; i++) {
		const struct http_route *rt = &r->routes[i];

		if (!http_route_matches(rt, path, len, m))
			continue;
		if (rt->methods & bit) {
			m->route = (int)i;
			return (int)i;
		}
		m->allowed |= rt->methods;
	}
	return -1;
}

size_t
http_router_allow(uint32_t methods, char *buf, size_t cap)
{
	static const struct {
		int m;
		const char *name;
	} names[] = {
		{ HTTP_M_GET, "GET" },       { HTTP_M_HEAD, "HEAD" },
		{ HTTP_M_POST, "POST" },     { HTTP_M_PUT, "PUT" },
		{ HTTP_M_PATCH, "PATCH" },   { HTTP_M_DELETE, "DELETE" },
		{ HTTP_M_OPTIONS, "OPTIONS" },
	};
	size_t n = 0;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		size_t l = strlen(names[i].name);

		if (!(methods & HTTP_METHOD_BIT(names[i].m)))
			continue;
		if (n + l + 3 > cap)
			break;
		if (n) {
			memcpy(buf + n, ", ", 2);
			n += 2;
		}
		memcpy(buf + n, names[i].name, l);
		n += l;
	}
	if (cap)
		buf[n < cap ? n : cap - 1] = '\0';
	return n;
}

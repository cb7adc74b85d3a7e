/* SPDX-License-Identifier: BSD-3-Clause */
/* users.c: the multi-route benchmark API (docs/API.md §2). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "api/api.h"
#include "api/json_out.h"
#include "core/version.h"
#include "http/http.h"

#define USERS_CREATED_AT "2025-10-11T09:00:00Z"
#define USERS_ASYNC_DATA_US 1000
#define USERS_ASYNC_USER_US 2000
#define USERS_ASYNC_CREATE_US 3000
#define USERS_ASYNC_STREAM_US 1000
#define USERS_SEARCH_MAX 5
/* Answers that echo request text: the request line is at most 8 KiB by
 * default, escaping may grow it 6-fold. */
#define USERS_ECHO_BUF 65536

static void
users_root(struct http_exchange *x)
{
	char body[160];
	int n = snprintf(body, sizeof(body),
			 "{\"message\":\"Welcome to linerate\",\"version\":\"%s\"}",
			 LR_VERSION);

	http_respond_json(x, 200, body, (size_t)n);
}

/* The integer path parameter i; answers 422 and returns false if not. */
static bool
users_param_int(struct http_exchange *x, unsigned int i, const char *name,
		int64_t *v)
{
	const struct http_param *p = &x->params[i];

	if (api_parse_int(p->p, p->len, v))
		return true;
	api_respond_422(x, "int_parsing", "path", name,
			"Input should be a valid integer, unable to parse string as an integer",
			p->p, p->len);
	return false;
}

/* GET /users/{id}: the hot route; a stack buffer, no allocation. */
static void
users_get(struct http_exchange *x)
{
	char body[192];
	int64_t id;
	int n;

	if (!users_param_int(x, 0, "user_id", &id))
		return;
	n = snprintf(body, sizeof(body),
		     "{\"user_id\":%lld,\"name\":\"User %lld\","
		     "\"email\":\"user%lld@example.com\",\"active\":true}",
		     (long long)id, (long long)id, (long long)id);
	http_respond_json(x, 200, body, (size_t)n);
}

static void
users_search(struct http_exchange *x)
{
	const struct http_request *req = http_exchange_request(x);
	static __thread char q[8192];
	static __thread char body[USERS_ECHO_BUF];
	const char *v;
	size_t vlen;
	int64_t limit = 10;
	struct json_out o;
	int qn;

	if (!api_query_find(req->query, req->query_len, "q", &v, &vlen)) {
		api_respond_422(x, "missing", "query", "q", "Field required",
				NULL, 0);
		return;
	}
	qn = api_percent_decode(q, sizeof(q), v, vlen);
	if (qn < 0) {
		api_respond_422(x, "value_error", "query", "q",
				"invalid percent-encoding", v, vlen);
		return;
	}
	if (api_query_find(req->query, req->query_len, "limit", &v, &vlen)) {
		char lb[32];
		int ln = api_percent_decode(lb, sizeof(lb), v, vlen);

		if (ln < 0 || !api_parse_int(lb, (size_t)ln, &limit)) {
			api_respond_422(x, "int_parsing", "query", "limit",
					"Input should be a valid integer, unable to parse string as an integer",
					v, vlen);
			return;
		}
	}
	json_out_init(&o, body, sizeof(body));
	json_put(&o, "{\"query\":");
	json_put_str(&o, q, (size_t)qn);
	json_putf(&o, ",\"limit\":%lld,\"results\":[", (long long)limit);
	for (int64_t i = 1; i <= limit && i <= USERS_SEARCH_MAX; i++) {
		json_putf(&o, "%s{\"id\":%lld,\"title\":\"Result %lld for '",
			  i > 1 ? "," : "", (long long)i, (long long)i);
		/* the escaped query inside the title string */
		{
			size_t room = o.len < o.cap ? o.cap - o.len : 0;
			size_t k = json_escape(room ? o.p + o.len : NULL, room,
					       q, (size_t)qn);

			if (k >= room)
				o.overflow = true;
			o.len += k;
		}
		json_put(&o, "'\"}");
	}
	json_put(&o, "]}");
	if (o.overflow) {
		http_respond_error(x, 414, "query too long");
		return;
	}
	http_respond_json(x, 200, body, o.len);
}

static void
users_product(struct http_exchange *x)
{
	const struct http_param *cat = &x->params[0];
	char dec[1024], body[8192];
	struct json_out o;
	int64_t id;
	int n;

	if (!users_param_int(x, 1, "product_id", &id))
		return;
	n = api_percent_decode(dec, sizeof(dec), cat->p, cat->len);
	if (n < 0) {
		api_respond_422(x, "value_error", "path", "category",
				"invalid category", cat->p, cat->len);
		return;
	}
	json_out_init(&o, body, sizeof(body));
	json_put(&o, "{\"category\":");
	json_put_str(&o, dec, (size_t)n);
	json_putf(&o, ",\"product_id\":%lld,\"name\":\"Product %lld\","
		  "\"price\":99.99}", (long long)id, (long long)id);
	http_respond_json(x, 200, body, o.len);
}

/* ---- bodies ----------------------------------------------------------- */

/* Parse the JSON object body; answers 422 and returns NULL if it is not. */
static json_t *
users_body(struct http_exchange *x)
{
	json_error_t err;
	json_t *j = json_loadb(x->body ? x->body : "", x->body_len,
			       JSON_REJECT_DUPLICATES, &err);

	if (!j) {
		api_respond_422(x, "json_invalid", "body", NULL,
				"JSON decode error", NULL, 0);
		return NULL;
	}
	if (!json_is_object(j)) {
		json_decref(j);
		api_respond_422(x, "model_attributes_type", "body", NULL,
				"Input should be a valid dictionary or object",
				NULL, 0);
		return NULL;
	}
	return j;
}

/* A string field; required ones answer 422 when missing or not strings.
 * Returns 1 found, 0 absent (optional), -1 answered. */
static int
users_field_str(struct http_exchange *x, json_t *j, const char *name,
		bool required, const char **s, size_t *n)
{
	json_t *v = json_object_get(j, name);

	if (!v || (!required && json_is_null(v))) {
		if (!required)
			return 0;
		api_respond_422(x, "missing", "body", name, "Field required",
				NULL, 0);
		return -1;
	}
	if (!json_is_string(v)) {
		api_respond_422(x, "string_type", "body", name,
				"Input should be a valid string", NULL, 0);
		return -1;
	}
	*s = json_string_value(v);
	*n = json_string_length(v);
	return 1;
}

/* name, email, optional age of POST /users and /async/users into o as
 * the "user" object; -1 when answered 422. */
static int
users_build_created(struct http_exchange *x, struct json_out *o,
		    const char *msg, int64_t id, bool async)
{
	const char *name, *email;
	size_t nn, en;
	json_t *j = users_body(x), *age;

	if (!j)
		return -1;
	if (users_field_str(x, j, "name", true, &name, &nn) < 0 ||
	    users_field_str(x, j, "email", true, &email, &en) < 0)
		goto answered;
	age = json_object_get(j, "age");
	if (age && !json_is_null(age) && !json_is_integer(age)) {
		api_respond_422(x, "int_type", "body", "age",
				"Input should be a valid integer", NULL, 0);
		goto answered;
	}
	json_putf(o, "{\"message\":\"%s\",\"user\":{\"id\":%lld,\"name\":",
		  msg, (long long)id);
	json_put_str(o, name, nn);
	json_put(o, ",\"email\":");
	json_put_str(o, email, en);
	if (age && json_is_integer(age))
		json_putf(o, ",\"age\":%lld", (long long)json_integer_value(age));
	else
		json_put(o, ",\"age\":null");
	json_put(o, ",\"created_at\":\"" USERS_CREATED_AT "\"");
	if (async)
		json_put(o, ",\"created_async\":true");
	json_put(o, "}}");
	json_decref(j);
	return 0;
answered:
	json_decref(j);
	return -1;
}

/* An echo that did not fit its buffer is answered 413; true then. */
static bool
users_echo_overflow(struct http_exchange *x, const struct json_out *o)
{
	if (o->overflow)
		http_respond_error(x, 413, "fields too long");
	return o->overflow;
}

/* Answer 200 with the echo built in o, or 413 when it did not fit. */
static void
users_respond_echo(struct http_exchange *x, const struct json_out *o)
{
	if (!users_echo_overflow(x, o))
		http_respond_json(x, 200, o->p, o->len);
}

/* The POST /users and /async/users body in a per-thread buffer; NULL when
 * the request was already answered (422, or 413 when it cannot fit). */
static const char *
users_created_body(struct http_exchange *x, const char *msg, int64_t id,
		   bool async, size_t *len)
{
	static __thread char body[USERS_ECHO_BUF];
	struct json_out o;

	json_out_init(&o, body, sizeof(body));
	if (users_build_created(x, &o, msg, id, async) < 0 ||
	    users_echo_overflow(x, &o))
		return NULL;
	*len = o.len;
	return body;
}

static void
users_create(struct http_exchange *x)
{
	size_t len;
	const char *body = users_created_body(x, "User created successfully",
					      12345, false, &len);

	if (body)
		http_respond_json(x, 200, body, len);
}

static void
users_put(struct http_exchange *x)
{
	static __thread char body[USERS_ECHO_BUF];
	const char *name, *email;
	size_t nn, en;
	struct json_out o;
	int64_t id;
	json_t *j;

	if (!users_param_int(x, 0, "user_id", &id))
		return;
	j = users_body(x);
	if (!j)
		return;
	if (users_field_str(x, j, "name", true, &name, &nn) < 0 ||
	    users_field_str(x, j, "email", true, &email, &en) < 0) {
		json_decref(j);
		return;
	}
	json_out_init(&o, body, sizeof(body));
	json_putf(&o, "{\"message\":\"User updated successfully\","
		  "\"user_id\":%lld,\"updated_fields\":{\"name\":", (long long)id);
	json_put_str(&o, name, nn);
	json_put(&o, ",\"email\":");
	json_put_str(&o, email, en);
	json_put(&o, "}}");
	json_decref(j);
	users_respond_echo(x, &o);
}

static void
users_patch(struct http_exchange *x)
{
	static __thread char body[USERS_ECHO_BUF];
	const char *name = NULL;
	size_t nn = 0;
	struct json_out o;
	int64_t id;
	json_t *j;
	int rc;

	if (!users_param_int(x, 0, "user_id", &id))
		return;
	j = users_body(x);
	if (!j)
		return;
	rc = users_field_str(x, j, "name", false, &name, &nn);
	if (rc < 0) {
		json_decref(j);
		return;
	}
	json_out_init(&o, body, sizeof(body));
	json_putf(&o, "{\"message\":\"User partially updated\","
		  "\"user_id\":%lld,\"updated_fields\":{", (long long)id);
	if (rc == 1) {
		json_put(&o, "\"name\":");
		json_put_str(&o, name, nn);
	}
	json_put(&o, "}}");
	json_decref(j);
	users_respond_echo(x, &o);
}

static void
users_delete(struct http_exchange *x)
{
	char body[160];
	int64_t id;
	int n;

	if (!users_param_int(x, 0, "user_id", &id))
		return;
	n = snprintf(body, sizeof(body),
		     "{\"message\":\"User deleted successfully\","
		     "\"user_id\":%lld,\"deleted\":true}", (long long)id);
	http_respond_json(x, 200, body, (size_t)n);
}

/* ---- async: real timer waits (http_respond_after) ---------------------- */

/* Answer after delay_us; when the body cannot be kept for later (too
 * long, no memory) answer now rather than fail. */
static void
users_later(struct http_exchange *x, uint64_t delay_us, const char *body,
	    size_t len)
{
	if (http_respond_after(x, delay_us, 200, "application/json", body,
			       len) < 0)
		http_respond_json(x, 200, body, len);
}

/* A constant answer (arg, a string) when the wait ends. */
static void
users_static_due(struct http_exchange *x, void *arg, uint64_t param)
{
	const char *body = arg;

	http_respond_json(x, 200, body, strlen(body));
}

static const char users_async_data_body[] =
	"{\"type\":\"async\",\"message\":\"Data fetched asynchronously\"}";
static const char users_async_stream_body[] =
	"{\"stream\":\"data\",\"chunks\":[\"chunk1\",\"chunk2\","
	"\"chunk3\"],\"async\":true}";

/* The benchmarked async routes keep nothing but a pointer or the id in
 * the connection while they wait: no buffer, no allocation. */
static void
users_async_data(struct http_exchange *x)
{
	http_defer(x, USERS_ASYNC_DATA_US, users_static_due,
		   (void *)(uintptr_t)users_async_data_body, 0);
}

static void
users_async_user_due(struct http_exchange *x, void *arg, uint64_t param)
{
	long long id = (long long)(int64_t)param;
	char body[256];
	int n;

	n = snprintf(body, sizeof(body),
		     "{\"user_id\":%lld,\"name\":\"Async User %lld\","
		     "\"email\":\"async%lld@example.com\",\"fetched_async\":true,"
		     "\"latency_ms\":2}", id, id, id);
	http_respond_json(x, 200, body, (size_t)n);
}

static void
users_async_user(struct http_exchange *x)
{
	int64_t id;

	if (!users_param_int(x, 0, "user_id", &id))
		return;
	http_defer(x, USERS_ASYNC_USER_US, users_async_user_due, NULL,
		   (uint64_t)id);
}

static void
users_async_create(struct http_exchange *x)
{
	size_t len;
	const char *body = users_created_body(x, "User created asynchronously",
					      67890, true, &len);

	if (body)
		users_later(x, USERS_ASYNC_CREATE_US, body, len);
}

static void
users_async_stream(struct http_exchange *x)
{
	http_defer(x, USERS_ASYNC_STREAM_US, users_static_due,
		   (void *)(uintptr_t)users_async_stream_body, 0);
}

static void
users_error_404(struct http_exchange *x)
{
	static const char body[] =
		"{\"error\":\"NotFound\",\"message\":\"Resource not found\","
		"\"status_code\":404}";

	http_respond_json(x, 200, body, sizeof(body) - 1);
}

static void
users_error_500(struct http_exchange *x)
{
	static const char body[] =
		"{\"error\":\"InternalServerError\","
		"\"message\":\"Internal server error\",\"status_code\":500}";

	http_respond_json(x, 200, body, sizeof(body) - 1);
}

int
users_register(struct http_router *r, const struct config *cfg)
{
	static const struct http_route_def routes[] = {
		{ HTTP_METHOD_BIT(HTTP_M_GET), "/", users_root, "root" },
		{ HTTP_METHOD_BIT(HTTP_M_GET), "/users/{user_id}", users_get,
		  "users_get" },
		{ HTTP_METHOD_BIT(HTTP_M_PUT), "/users/{user_id}", users_put,
		  "users_put" },
		{ HTTP_METHOD_BIT(HTTP_M_PATCH), "/users/{user_id}", users_patch,
		  "users_patch" },
		{ HTTP_METHOD_BIT(HTTP_M_DELETE), "/users/{user_id}",
		  users_delete, "users_delete" },
		{ HTTP_METHOD_BIT(HTTP_M_POST), "/users", users_create,
		  "users_create" },
		{ HTTP_METHOD_BIT(HTTP_M_GET), "/search", users_search, "search" },
		{ HTTP_METHOD_BIT(HTTP_M_GET),
		  "/api/v1/products/{category}/{product_id}", users_product,
		  "products_get" },
		{ HTTP_METHOD_BIT(HTTP_M_GET), "/async/data", users_async_data,
		  "async_data" },
		{ HTTP_METHOD_BIT(HTTP_M_GET), "/async/users/{user_id}",
		  users_async_user, "async_users_get" },
		{ HTTP_METHOD_BIT(HTTP_M_POST), "/async/users",
		  users_async_create, "async_users_create" },
		{ HTTP_METHOD_BIT(HTTP_M_GET), "/async/stream",
		  users_async_stream, "async_stream" },
		{ HTTP_METHOD_BIT(HTTP_M_GET), "/error/404", users_error_404,
		  "error_404" },
		{ HTTP_METHOD_BIT(HTTP_M_GET), "/error/500", users_error_500,
		  "error_500" },
	};

	return http_router_add_all(r, routes,
				   sizeof(routes) / sizeof(routes[0]), NULL);
}

/* reply.c: brul-serve's answers (api.h): JSON, errors, database results. */
#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/hash.h"
#include "db/pgjson.h"
#include "serve/serverint.h"

enum brul_role
brul_role_parse(const char *s)
{
	if (strcmp(s, "viewer") == 0)
		return BRUL_ROLE_VIEWER;
	if (strcmp(s, "engineer") == 0)
		return BRUL_ROLE_ENGINEER;
	if (strcmp(s, "admin") == 0)
		return BRUL_ROLE_ADMIN;
	return BRUL_ROLE_NONE;
}

const char *
brul_role_name(enum brul_role r)
{
	static const char *const names[] = { "none", "viewer", "engineer",
		"admin" };
	return names[r];
}

const char *
brul_param(const struct brul_req *r, int i)
{
	return r->param[i];
}

void
brul_reply_headers(struct brul_req *r, struct MHD_Response *resp)
{
	const char *origin = MHD_lookup_connection_value(r->conn,
	    MHD_HEADER_KIND, "Origin");

	MHD_add_response_header(resp, "Cache-Control", "no-store");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Content-Security-Policy",
	    "default-src 'none'; frame-ancestors 'none'");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	if (origin && brul_server_cors(r->srv, origin)) {
		MHD_add_response_header(resp, "Access-Control-Allow-Origin",
		    origin);
		MHD_add_response_header(resp, "Vary", "Origin");
	}
	if (atomic_load(&r->srv->stopping))
		MHD_add_response_header(resp, "Connection", "close");
}

static int
queue(struct brul_req *r, int status, struct MHD_Response *resp, size_t n)
{
	int ret;

	brul_reply_headers(r, resp);
	if (status == MHD_HTTP_UNAUTHORIZED)
		MHD_add_response_header(resp, "WWW-Authenticate",
		    "Bearer realm=\"brul\"");
	ret = MHD_queue_response(r->conn, (unsigned)status, resp);
	MHD_destroy_response(resp);
	r->status = status;
	r->bytes = n;
	r->ret = ret;
	return ret;
}

int
brul_reply(struct brul_req *r, int status, const char *ctype,
	   const char *body, size_t n)
{
	struct MHD_Response *resp = MHD_create_response_from_buffer(n,
	    (void *)body, MHD_RESPMEM_MUST_COPY);

	if (resp == NULL)
		return r->ret = MHD_NO;
	if (ctype)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
		    ctype);
	return queue(r, status, resp, n);
}

int
brul_reply_json(struct brul_req *r, int status, const char *json)
{
	return brul_reply(r, status, "application/json", json, strlen(json));
}

int
brul_reply_jansson(struct brul_req *r, int status, json_t *o)
{
	char *s = json_dumps(o, JSON_COMPACT);
	int ret;

	json_decref(o);
	if (s == NULL)
		return brul_reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
		    "internal", "out of memory");
	ret = brul_reply_json(r, status, s);
	free(s);
	return ret;
}

int
brul_reply_none(struct brul_req *r)
{
	return brul_reply(r, MHD_HTTP_NO_CONTENT, NULL, "", 0);
}

int
brul_reply_error(struct brul_req *r, int status, const char *code,
		 const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return brul_reply_jansson(r, status, json_pack("{s:{s:i,s:s,s:s}}",
	    "error", "status", status, "code", code, "message", msg));
}

int
brul_reply_not_allowed(struct brul_req *r, const char *allow)
{
	char body[256];
	struct MHD_Response *resp;
	int n = snprintf(body, sizeof body, "{\"error\":{\"status\":405,"
	    "\"code\":\"method_not_allowed\",\"message\":\"this path "
	    "takes %s\"}}", allow);

	if ((resp = MHD_create_response_from_buffer((size_t)n, body,
	    MHD_RESPMEM_MUST_COPY)) == NULL)
		return r->ret = MHD_NO;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
	    "application/json");
	MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, allow);
	return queue(r, MHD_HTTP_METHOD_NOT_ALLOWED, resp, (size_t)n);
}

int
brul_reply_throttled(struct brul_req *r, int seconds)
{
	char body[200], after[16];
	struct MHD_Response *resp;
	int n = snprintf(body, sizeof body, "{\"error\":{\"status\":429,"
	    "\"code\":\"throttled\",\"message\":\"too many failed "
	    "sign-ins; try again in %d s\"}}", seconds);

	snprintf(after, sizeof after, "%d", seconds);
	if ((resp = MHD_create_response_from_buffer((size_t)n, body,
	    MHD_RESPMEM_MUST_COPY)) == NULL)
		return r->ret = MHD_NO;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
	    "application/json");
	MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, after);
	return queue(r, MHD_HTTP_TOO_MANY_REQUESTS, resp, (size_t)n);
}

void
brul_log_failure(const struct brul_req *r, const struct brul_err *err)
{
	char line[700], msg[600];
	int n = snprintf(line, sizeof line, "brul-serve: %s %s: %s\n",
	    r->method, r->path, brul_err_str(err, msg, sizeof msg));

	if (n > 0 && write(STDERR_FILENO, line, (size_t)n) < 0)
		return;
}

int
brul_reply_db(struct brul_req *r, struct brul_pgconn *c,
	      const struct brul_err *err)
{
	brul_log_failure(r, err);
	if (c == NULL || brul_pool_lost(c))
		return brul_reply_error(r, MHD_HTTP_SERVICE_UNAVAILABLE,
		    "unavailable", "the database cannot be reached; try "
		    "again shortly");
	return brul_reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
	    "internal", "the server failed to answer; it has logged why");
}

struct brul_pgconn *
brul_db(struct brul_req *r)
{
	struct brul_err err;
	struct brul_pgconn *c = brul_pool_get(r->srv->pool, 5000, &err);

	if (c == NULL)
		brul_reply_db(r, NULL, &err);
	return c;
}

void
brul_db_done(struct brul_req *r, struct brul_pgconn *c)
{
	brul_pool_put(r->srv->pool, c);
}

PGresult *
brul_query(struct brul_req *r, const struct brul_stmt *st, int n,
	   const char *const *vals, int *conflict)
{
	struct brul_pgconn *c;
	struct brul_err err;
	PGresult *res;

	if (conflict)
		*conflict = 0;
	if ((c = brul_db(r)) == NULL)
		return NULL;
	res = brul_pool_exec(c, st, n, vals, &err);
	if (res == NULL) {
		if (conflict && strncmp(brul_pool_sqlstate(c), "23", 2) == 0)
			*conflict = 1;
		else
			brul_reply_db(r, c, &err);
	}
	brul_db_done(r, c);
	return res;
}

int
brul_reply_query(struct brul_req *r, const struct brul_stmt *st, int n,
		 const char *const *vals, int ok, const char *notfound)
{
	struct brul_pgconn *c;
	struct brul_err err;
	PGresult *res;
	int ret;

	if ((c = brul_db(r)) == NULL)
		return r->ret;
	if ((res = brul_pool_exec(c, st, n, vals, &err)) == NULL) {
		ret = brul_reply_db(r, c, &err);
		brul_db_done(r, c);
		return ret;
	}
	brul_db_done(r, c);
	if (PQntuples(res) == 0 || PQgetisnull(res, 0, 0))
		ret = brul_reply_error(r, MHD_HTTP_NOT_FOUND, "not_found",
		    "%s", notfound);
	else
		ret = brul_reply(r, ok, "application/json",
		    PQgetvalue(res, 0, 0), (size_t)PQgetlength(res, 0, 0));
	PQclear(res);
	return ret;
}

int
brul_reply_sbuf(struct brul_req *r, int status, struct brul_sbuf *b)
{
	struct MHD_Response *resp;

	if (b->oom || b->s == NULL) {
		free(b->s);
		b->s = NULL;
		return brul_reply_error(r, 500, "internal", "out of memory");
	}
	resp = MHD_create_response_from_buffer(b->n, b->s,
	    MHD_RESPMEM_MUST_FREE);
	if (resp == NULL) {
		free(b->s);
		b->s = NULL;
		return r->ret = MHD_NO;
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
	    "application/json");
	b->s = NULL;
	return queue(r, status, resp, b->n);
}

/* The slot where key's total is remembered. */
static struct brul_total *
total_slot(struct brul_server *s, const char *key)
{
	return &s->totals[brul_fnv(BRUL_FNV_OFFSET, key, strlen(key)) %
	    BRUL_TOTALS];
}

/* The remembered total of key: 1 and *total set, or 0. */
static int
total_get(struct brul_server *s, const char *key, long long *total)
{
	struct brul_total *t = total_slot(s, key);
	int hit;

	pthread_mutex_lock(&s->totals_mu);
	hit = strcmp(t->key, key) == 0 &&
	    t->changes == atomic_load(&s->changes) &&
	    time(NULL) - t->at < BRUL_TOTAL_TTL;
	if (hit)
		*total = t->total;
	pthread_mutex_unlock(&s->totals_mu);
	return hit;
}

static void
total_put(struct brul_server *s, const char *key, long long total,
	  unsigned changes)
{
	struct brul_total *t = total_slot(s, key);

	pthread_mutex_lock(&s->totals_mu);
	snprintf(t->key, sizeof t->key, "%s", key);
	t->total = total;
	t->changes = changes;
	t->at = time(NULL);
	pthread_mutex_unlock(&s->totals_mu);
}

int
brul_reply_page(struct brul_req *r, const struct brul_stmt *st,
		const struct brul_stmt *count, int n, const char *const *vals,
		int remember)
{
	struct brul_sbuf b = { 0 };
	struct brul_pgconn *c;
	struct brul_err err;
	PGresult *rows, *res = NULL;
	unsigned changes = atomic_load(&r->srv->changes);
	char key[200];
	long long total;
	size_t at;
	int ret, known = 0;

	/* The statement and its filters name the total. */
	at = (size_t)snprintf(key, sizeof key, "%s", count->name);
	for (int i = 2; i < n && at < sizeof key; i++)
		at += (size_t)snprintf(key + at, sizeof key - at, "|%s",
		    vals[i] ? vals[i] : "\x01");
	if (remember && at < sizeof key)
		known = total_get(r->srv, key, &total);
	if ((c = brul_db(r)) == NULL)
		return r->ret;
	if ((rows = brul_pool_exec(c, st, n, vals, &err)) == NULL ||
	    (!known && (res = brul_pool_exec(c, count, n - 2, vals + 2,
	    &err)) == NULL)) {
		PQclear(rows);
		ret = brul_reply_db(r, c, &err);
		brul_db_done(r, c);
		return ret;
	}
	brul_db_done(r, c);
	if (!known) {
		total = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
		PQclear(res);
		if (remember && at < sizeof key)
			total_put(r->srv, key, total, changes);
	}
	brul_sbuf_str(&b, "{\"items\":");
	brul_pgjson_rows(&b, rows, 0);
	brul_sbuf_fmt(&b, ",\"total\":%lld,\"limit\":%s,\"offset\":%s}",
	    total, vals[0], vals[1]);
	PQclear(rows);
	return brul_reply_sbuf(r, 200, &b);
}

int
brul_reply_file(struct brul_req *r, const struct brul_www_file *f)
{
	const char *inm = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_IF_NONE_MATCH);
	int fresh = inm && strcmp(inm, f->etag) == 0;
	struct MHD_Response *resp = MHD_create_response_from_buffer(
	    fresh ? 0 : f->n, fresh ? (void *)"" : f->data,
	    MHD_RESPMEM_PERSISTENT);
	int ret;

	if (resp == NULL)
		return r->ret = MHD_NO;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, f->ctype);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_ETAG, f->etag);
	/* Revalidated each time: a changed script is never run stale. */
	MHD_add_response_header(resp, "Cache-Control", "no-cache");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(resp, "Content-Security-Policy",
	    "default-src 'self'; script-src 'self'; style-src 'self'; "
	    "img-src 'self' data:; connect-src 'self'; object-src 'none'; "
	    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
	ret = MHD_queue_response(r->conn, fresh ? MHD_HTTP_NOT_MODIFIED :
	    MHD_HTTP_OK, resp);
	MHD_destroy_response(resp);
	r->status = fresh ? MHD_HTTP_NOT_MODIFIED : MHD_HTTP_OK;
	r->bytes = fresh ? 0 : f->n;
	return r->ret = ret;
}

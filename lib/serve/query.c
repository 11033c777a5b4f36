/* query.c: see query.h. */
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/pgjson.h"
#include "serve/app.h"
#include "serve/log.h"
#include "serve/query.h"
#include "serve/reply.h"

/* The sites of a shard, for a message. */
static const struct brul_stmt shard_sites = { "query_shard_sites",
    "SELECT string_agg(site_id, ', ' ORDER BY site_id) FROM shard_sites "
    "WHERE shard = $1" };

/* A shard that cannot be reached: postgres_fdw fails to connect (class 08)
 * to its foreign server, brul_shard_NAME (brul-scale(7)), and says so.
 * Its sites' answers are 503, naming them; -1 when it is not that. */
static int
shard_down(struct brul_req *r, struct brul_pgconn *c,
	   const struct brul_err *err)
{
	static const char prefix[] = "brul_shard_";
	const char *p = strstr(err->msg, prefix), *v[1];
	char name[40];
	struct brul_err e;
	PGresult *res;
	size_t n = 0;
	int ret;

	if (p == NULL || strncmp(brul_pool_sqlstate(c), "08", 2) != 0)
		return -1;
	for (p += sizeof prefix - 1; n < sizeof name - 1 &&
	     p[n] && strchr("abcdefghijklmnopqrstuvwxyz0123456789_", p[n]); n++)
		name[n] = p[n];
	name[n] = '\0';
	v[0] = name;
	res = brul_pool_exec(c, &shard_sites, 1, v, &e);
	ret = brul_reply_error(r, MHD_HTTP_SERVICE_UNAVAILABLE,
	    "shard_unavailable", "the telemetry of %s is on shard %s, which "
	    "cannot be reached; try again shortly", res &&
	    !PQgetisnull(res, 0, 0) ? PQgetvalue(res, 0, 0) : "its sites",
	    name);
	PQclear(res);
	return ret;
}

int
brul_reply_db(struct brul_req *r, struct brul_pgconn *c,
	      const struct brul_err *err)
{
	int ret;

	brul_log_failure(r, err);
	if (c && !brul_pool_lost(c) && (ret = shard_down(r, c, err)) >= 0)
		return ret;
	if (c == NULL || brul_pool_lost(c))
		return brul_reply_error(r, MHD_HTTP_SERVICE_UNAVAILABLE,
		    "unavailable", "the database cannot be reached; try "
		    "again shortly");
	return brul_reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
	    "internal", "the server failed to answer; it has logged why");
}

struct brul_pgconn *
brul_req_conn(struct brul_req *r)
{
	struct brul_err err;
	struct brul_pgconn *c = brul_pool_get(r->app->pool, 5000, &err);

	if (c == NULL)
		brul_reply_db(r, NULL, &err);
	return c;
}

void
brul_req_conn_done(struct brul_req *r, struct brul_pgconn *c)
{
	brul_pool_put(r->app->pool, c);
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
	if ((c = brul_req_conn(r)) == NULL)
		return NULL;
	res = brul_pool_exec(c, st, n, vals, &err);
	if (res == NULL) {
		if (conflict && strncmp(brul_pool_sqlstate(c), "23", 2) == 0)
			*conflict = 1;
		else
			brul_reply_db(r, c, &err);
	}
	brul_req_conn_done(r, c);
	return res;
}

int
brul_reply_pgjson(struct brul_req *r, int status, const PGresult *res,
		  int row, int col)
{
	struct brul_sbuf b = { 0 };

	brul_sbuf_add(&b, PQgetvalue(res, row, col),
	    (size_t)PQgetlength(res, row, col));
	if (!b.oom)
		b.n = brul_pgjson_utc(b.s, b.n);
	return brul_reply_sbuf(r, status, &b);
}

int
brul_reply_query(struct brul_req *r, const struct brul_stmt *st, int n,
		 const char *const *vals, int ok, const char *notfound)
{
	struct brul_pgconn *c;
	struct brul_err err;
	PGresult *res;
	int ret;

	if ((c = brul_req_conn(r)) == NULL)
		return r->ret;
	if ((res = brul_pool_exec(c, st, n, vals, &err)) == NULL) {
		ret = brul_reply_db(r, c, &err);
		brul_req_conn_done(r, c);
		return ret;
	}
	brul_req_conn_done(r, c);
	if (PQntuples(res) == 0 || PQgetisnull(res, 0, 0))
		ret = brul_reply_error(r, MHD_HTTP_NOT_FOUND, "not_found",
		    "%s", notfound);
	else
		ret = brul_reply_pgjson(r, ok, res, 0, 0);
	PQclear(res);
	return ret;
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
	unsigned changes = brul_totals_changes(&r->app->totals);
	char key[BRUL_TOTAL_KEY];
	long long total;
	size_t at;
	int ret, known = 0;

	/* The statement and its filters name the total. */
	at = (size_t)snprintf(key, sizeof key, "%s", count->name);
	for (int i = 2; i < n && at < sizeof key; i++)
		at += (size_t)snprintf(key + at, sizeof key - at, "|%s",
		    vals[i] ? vals[i] : "\x01");
	if (remember && at < sizeof key)
		known = brul_totals_get(&r->app->totals, key, &total);
	if ((c = brul_req_conn(r)) == NULL)
		return r->ret;
	if ((rows = brul_pool_exec(c, st, n, vals, &err)) == NULL ||
	    (!known && (res = brul_pool_exec(c, count, n - 2, vals + 2,
	    &err)) == NULL)) {
		PQclear(rows);
		ret = brul_reply_db(r, c, &err);
		brul_req_conn_done(r, c);
		return ret;
	}
	brul_req_conn_done(r, c);
	if (!known) {
		total = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
		PQclear(res);
		if (remember && at < sizeof key)
			brul_totals_put(&r->app->totals, key, total,
			    changes);
	}
	brul_sbuf_str(&b, "{\"items\":");
	brul_pgjson_rows(&b, rows, 0);
	brul_sbuf_fmt(&b, ",\"total\":%lld,\"limit\":%s,\"offset\":%s}",
	    total, vals[0], vals[1]);
	PQclear(rows);
	return brul_reply_sbuf(r, 200, &b);
}


/* apimeta.c: health, readiness, metrics and the OpenAPI document. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "serve/api.h"

int
brul_api_health(struct brul_req *r)
{
	return brul_reply_json(r, 200, "{\"status\":\"ok\"}");
}

/* Each shard's state, through the coordinator (brul_shards_ready):
 * ready when every one answers, degraded (still 200: the other sites'
 * answers work, and every server of a pool sees the same) when one
 * does not. */
static int
shards_ready(struct brul_req *r, int v)
{
	static const struct brul_stmt st = { "meta_shards",
	    "SELECT count(*), bool_and(ok), coalesce(json_agg(json_build_object("
	    "'shard', name, 'status', CASE WHEN ok THEN 'ok' ELSE "
	    "'unreachable' END) ORDER BY name), '[]')::text "
	    "FROM brul_shards_ready()" };
	struct brul_sbuf b = { 0 };
	PGresult *res;

	if ((res = brul_query(r, &st, 0, NULL, NULL)) == NULL)
		return r->ret;
	brul_sbuf_fmt(&b, "{\"status\":\"%s\",\"schema\":%d",
	    PQgetvalue(res, 0, 1)[0] == 'f' ? "degraded" : "ready", v);
	if (atoi(PQgetvalue(res, 0, 0)) > 0)
		brul_sbuf_fmt(&b, ",\"shards\":%s", PQgetvalue(res, 0, 2));
	brul_sbuf_str(&b, "}");
	PQclear(res);
	return brul_reply_sbuf(r, 200, &b);
}

/* Ready when a connection answers and the schema is this build's. */
int
brul_api_ready(struct brul_req *r)
{
	static const struct brul_stmt st = { "meta_schema",
	    "SELECT coalesce(max(version), 0) FROM schema_migrations" };
	struct brul_pgconn *c;
	struct brul_err err;
	PGresult *res;
	char body[200];
	int v;

	if ((c = brul_pool_get(r->app->pool, 1000, &err)) == NULL)
		return brul_reply_json(r, 503, "{\"status\":\"unavailable\","
		    "\"reason\":\"the database cannot be reached\"}");
	res = brul_pool_exec(c, &st, 0, NULL, &err);
	brul_pool_put(r->app->pool, c);
	if (res == NULL)
		return brul_reply_json(r, 503, "{\"status\":\"unavailable\","
		    "\"reason\":\"the database has no brul schema\"}");
	v = atoi(PQgetvalue(res, 0, 0));
	PQclear(res);
	if (v != BRUL_SCHEMA_VERSION) {
		snprintf(body, sizeof body, "{\"status\":\"unavailable\","
		    "\"reason\":\"the schema is version %d, this server's is "
		    "%d: run brul-load --migrate\"}", v, BRUL_SCHEMA_VERSION);
		return brul_reply_json(r, 503, body);
	}
	return shards_ready(r, v);
}

int
brul_api_metrics(struct brul_req *r)
{
	struct brul_sbuf b = { 0 };
	struct brul_pool_stats ps;
	int ret;

	brul_pool_stats(r->app->pool, &ps);
	brul_prom_render(r->app->prom, &b, &ps);
	if (b.oom) {
		free(b.s);
		return brul_reply_error(r, 500, "internal", "out of memory");
	}
	ret = brul_reply(r, 200, "text/plain; version=0.0.4; charset=utf-8",
	    b.s, b.n);
	free(b.s);
	return ret;
}

int
brul_api_openapi(struct brul_req *r)
{
	return brul_reply(r, 200, "application/json", r->app->openapi,
	    r->app->nopenapi);
}

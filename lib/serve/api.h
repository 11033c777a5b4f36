/*
 * api.h: what brul-serve's request handlers see and answer with.
 *
 * The server (serve.c) parses a request, finds its route, checks the
 * token and the role the route needs, then calls the route's handler with
 * a struct brul_req.  A handler reads path parameters, query arguments and
 * the JSON body through the helpers below, runs its statements on a pooled
 * connection (most answers are one JSON text built by PostgreSQL) and
 * answers once with brul_reply_*; each of those returns what the handler
 * returns.  Argument helpers that find a bad value answer 400 themselves
 * and return -1: the handler then returns r->ret.
 *
 * Errors are JSON, {"error": {"status": 404, "code": "not_found",
 * "message": "no battery B9"}}, and never carry internals: a database
 * failure is logged (without parameters) and answered 500, or 503 when
 * the database cannot be reached.
 *
 * Ownership: a request's storage is the server's, freed after the answer
 * is sent; strings from the helpers live as long as the request.
 */
#ifndef BRUL_API_H
#define BRUL_API_H

#include <jansson.h>
#include <stddef.h>
#include <time.h>

#include "core/sbuf.h"
#include "db/pool.h"
#include "serve/token.h"

enum brul_role {
	BRUL_ROLE_NONE, BRUL_ROLE_VIEWER, BRUL_ROLE_ENGINEER, BRUL_ROLE_ADMIN
};
/* "viewer" ... to a role, or BRUL_ROLE_NONE. */
enum brul_role brul_role_parse(const char *s);
const char *brul_role_name(enum brul_role r);

struct brul_server;
struct brul_req;

typedef int (*brul_handler)(struct brul_req *r);

struct brul_route {
	const char *method;
	const char *pattern;	/* "/api/v1/batteries/{battery_id}" */
	enum brul_role role;	/* the least role; NONE: no token needed */
	brul_handler fn;
};

/* The API's routes, in the order they are matched (literal segments
 * before parameters where both could match). */
extern const struct brul_route brul_routes[];
extern const int brul_nroutes;

#define BRUL_PARAMS 3

struct brul_req {
	struct brul_server *srv;
	void *conn;			/* struct MHD_Connection */
	const char *method, *path;
	int route;			/* -1: none matched */
	const char *param[BRUL_PARAMS];	/* path parameters, in order */
	char pbuf[512];
	char *body;
	size_t nbody, capbody;
	int too_large;
	struct brul_claims who;		/* when a token was checked */
	enum brul_role role;
	int ret;			/* what the last reply returned */
	int status;			/* answered with; 0: not yet */
	size_t bytes;
	int stream;			/* an SSE stream was started */
	struct timespec t0;
	char remote[64];
};

/* The request's path parameter i. */
const char *brul_param(const struct brul_req *r, int i);

/* Query arguments.  Each returns 0 (absent: the default is kept), 1
 * (set), or -1 having answered 400 ("limit: expected an integer from 1 to
 * 1000"). */
int brul_arg_int(struct brul_req *r, const char *name, long lo, long hi,
		 long *v);
/* A time (ISO 8601 UTC, or a date for its midnight) as ISO text. */
int brul_arg_time(struct brul_req *r, const char *name, char out[32]);
/* One of names[0..n): its index in *v. */
int brul_arg_enum(struct brul_req *r, const char *name,
		  const char *const *names, int n, int *v);
/* An identifier: 1-128 bytes of letters, digits and "-_.:". */
int brul_arg_id(struct brul_req *r, const char *name, const char **v);
int brul_arg_bool(struct brul_req *r, const char *name, int *v);
/* limit (1-1000, default 50) and offset (default 0) as text, into
 * buffers of 24 bytes; 0, or -1 having answered 400. */
int brul_arg_page(struct brul_req *r, char *limit, char *offset);

/* The request's JSON body as an object (the caller's, json_decref), or
 * NULL having answered 400 or 415. */
json_t *brul_body(struct brul_req *r);
/* A member of a body: a string of 1..max bytes (NULL when absent if
 * optional, else answered 400), or -1 via r->ret. */
int brul_body_str(struct brul_req *r, json_t *o, const char *key, size_t max,
		  int required, const char **v);

/* Answers. */
int brul_reply(struct brul_req *r, int status, const char *ctype,
	       const char *body, size_t n);
int brul_reply_json(struct brul_req *r, int status, const char *json);
int brul_reply_jansson(struct brul_req *r, int status, json_t *o);
int brul_reply_none(struct brul_req *r);	/* 204 */
/* 429 with Retry-After: seconds. */
int brul_reply_throttled(struct brul_req *r, int seconds);
int brul_reply_error(struct brul_req *r, int status, const char *code,
		     const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* For a failed statement: 503 when the database is gone, else 500. */
int brul_reply_db(struct brul_req *r, struct brul_pgconn *c,
		  const struct brul_err *err);

/* A connection from the server's pool, or NULL having answered 503. */
struct brul_pgconn *brul_db(struct brul_req *r);
void brul_db_done(struct brul_req *r, struct brul_pgconn *c);

/* Runs st on a pooled connection and returns its result (the caller's,
 * PQclear), or NULL having answered 500/503.  With conflict non-NULL, an
 * integrity violation (SQLSTATE 23...: a name taken) is not answered:
 * *conflict is set and NULL returned. */
PGresult *brul_query(struct brul_req *r, const struct brul_stmt *st, int n,
		     const char *const *vals, int *conflict);

/* A page of a list, its JSON written in C: {"items": [the rows of st],
 * "total": count's one value, "limit": vals[0], "offset": vals[1]}.  st
 * takes vals[0..n), count vals[2..n).  The total is remembered for the
 * filters vals[2..n) (see serveint.h) when it only depends on batteries
 * and predictions: remember 1. */
int brul_reply_page(struct brul_req *r, const struct brul_stmt *st,
		    const struct brul_stmt *count, int n,
		    const char *const *vals, int remember);
/* Answers with b's text (taking it; b is emptied). */
int brul_reply_sbuf(struct brul_req *r, int status, struct brul_sbuf *b);

/* The common case: runs st and answers with its first row's first column,
 * JSON text, at status ok; no row or a NULL is 404 with notfound. */
int brul_reply_query(struct brul_req *r, const struct brul_stmt *st, int n,
		     const char *const *vals, int ok, const char *notfound);

/* What the server knows, for handlers. */
struct brul_pool *brul_server_pool(struct brul_server *s);
const unsigned char *brul_server_secret(struct brul_server *s, size_t *n);
struct brul_throttle *brul_server_throttle(struct brul_server *s);
int brul_server_access_ttl(struct brul_server *s);
int brul_server_refresh_ttl(struct brul_server *s);
/* Forgets what the server remembers of user id (after a change). */
void brul_server_forget_user(struct brul_server *s, long long id);

/* SQL the handlers share.  A user as JSON, over users u: */
#define USER_JSON "json_build_object('id', u.user_id, 'username', " \
	"u.username, 'full_name', u.full_name, 'email', u.email, 'role', " \
	"u.role, 'active', u.active, 'created_at', u.created_at, " \
	"'updated_at', u.updated_at, 'last_login_at', u.last_login_at)"
/* A page of a list built by PostgreSQL: {"items": [...], "total": n,
 * "limit": l, "offset": o} over the rows of CTE f ordered by order, $1
 * the limit and $2 the offset. */
#define PAGE(items, order) \
	"SELECT json_build_object('items', coalesce((SELECT json_agg(" items \
	") FROM (SELECT * FROM f ORDER BY " order " LIMIT $1::integer " \
	"OFFSET $2::integer) x), '[]'::json), 'total', (SELECT count(*) " \
	"FROM f), 'limit', $1::integer, 'offset', $2::integer)::text"

/* Handlers, by file. */
int brul_api_health(struct brul_req *r);
int brul_api_ready(struct brul_req *r);
int brul_api_metrics(struct brul_req *r);
int brul_api_openapi(struct brul_req *r);

int brul_api_login(struct brul_req *r);
int brul_api_refresh(struct brul_req *r);
int brul_api_logout(struct brul_req *r);
int brul_api_me(struct brul_req *r);
int brul_api_change_password(struct brul_req *r);

int brul_api_users_list(struct brul_req *r);
int brul_api_users_create(struct brul_req *r);
int brul_api_user_get(struct brul_req *r);
int brul_api_user_patch(struct brul_req *r);
int brul_api_user_delete(struct brul_req *r);

int brul_api_sites(struct brul_req *r);
int brul_api_site(struct brul_req *r);
int brul_api_site_batteries(struct brul_req *r);
int brul_api_batteries(struct brul_req *r);
int brul_api_battery(struct brul_req *r);
int brul_api_battery_telemetry(struct brul_req *r);
int brul_api_battery_predictions(struct brul_req *r);
int brul_api_predictions_latest(struct brul_req *r);
int brul_api_summary(struct brul_req *r);
int brul_api_site_blocks(struct brul_req *r);
int brul_api_battery_twin(struct brul_req *r);
int brul_api_battery_events(struct brul_req *r);
int brul_api_model(struct brul_req *r);
int brul_api_rules(struct brul_req *r);

int brul_api_alerts(struct brul_req *r);
int brul_api_alert_stats(struct brul_req *r);
int brul_api_alert(struct brul_req *r);
int brul_api_alert_ack(struct brul_req *r);
int brul_api_alert_resolve(struct brul_req *r);

int brul_api_stream(struct brul_req *r);

#endif

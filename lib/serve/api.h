/*
 * api.h: brul-serve's request handlers, one per route (route.c lists
 * them), and the SQL they share.
 *
 * A handler reads its request (req.h, args.h), runs its statements on a
 * pooled connection (query.h; most answers are one JSON text built by
 * PostgreSQL, answered by brul_reply_pgjson, which writes its times as
 * the streams do) and answers once (reply.h), returning what the answer
 * returned.  What the server shares (the pool, the signing key, the live
 * hub ...) it finds in r->app (app.h); a handler never calls back into
 * the server.  Handlers live in api*.c by topic.
 */
#ifndef BRUL_API_H
#define BRUL_API_H

#include "serve/app.h"
#include "serve/args.h"
#include "serve/query.h"
#include "serve/reply.h"
#include "serve/req.h"
#include "serve/route.h"

/* The API's routes (routes.c), in the order they are matched (literal
 * segments before parameters where both could match). */
extern const struct brul_route brul_routes[];
extern const int brul_nroutes;

/* SQL the handlers share.  A user as JSON, over users u: */
#define USER_JSON "json_build_object('id', u.user_id, 'username', " \
	"u.username, 'full_name', u.full_name, 'email', u.email, 'role', " \
	"u.role, 'active', u.active, 'created_at', u.created_at, " \
	"'updated_at', u.updated_at, 'last_login_at', u.last_login_at)"
/* Whether battery b is in service: not removed, and no later block
 * installed in its slot (a replacement loaded before the old block's
 * removal date was), so that a slot has one block in every answer. */
#define IN_SERVICE(b) \
	"(" b ".removed_date IS NULL AND NOT EXISTS (SELECT 1 FROM " \
	"batteries n WHERE n.string_id = " b ".string_id AND n.position = " \
	b ".position AND n.install_date > " b ".install_date))"
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

int brul_api_discharges(struct brul_req *r);	/* apievents.c */
int brul_api_activity(struct brul_req *r);

int brul_api_string(struct brul_req *r);	/* apistrings.c */
int brul_api_string_telemetry(struct brul_req *r);
int brul_api_site_strings(struct brul_req *r);

int brul_api_search(struct brul_req *r);	/* apisearch.c */

int brul_api_stream(struct brul_req *r);	/* apistream.c */

#endif

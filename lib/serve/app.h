/*
 * app.h: what brul-serve's handlers share: what the server was started
 * with (the signing key, the token lifetimes, the CORS origins, the
 * OpenAPI document, the dashboard's files, the model, the alert rules)
 * and the objects its threads use together (the PostgreSQL pool, the
 * sign-in throttle, the access tokens revoked, the counters, the live
 * hub, the users and totals remembered).  The server (server.c) makes
 * one and hands it to every request (req.h), so that handlers never call
 * back into the server.
 *
 * Ownership: struct brul_app is the server's storage; brul_app_init
 * fills it (copying what it keeps of the options) and brul_app_release
 * empties it.  The objects it points to are its own.
 */
#ifndef BRUL_APP_H
#define BRUL_APP_H

#include <stdatomic.h>
#include <stddef.h>

#include "core/err.h"
#include "db/pool.h"
#include "ml/modelinfo.h"
#include "serve/answers.h"
#include "serve/denylist.h"
#include "serve/live.h"
#include "serve/prometheus.h"
#include "serve/route.h"
#include "serve/opts.h"
#include "serve/throttle.h"
#include "serve/totals.h"
#include "serve/usercache.h"
#include "serve/www.h"

struct brul_app {
	/* What the server was started with. */
	unsigned char *secret;		/* the signing key */
	size_t secret_len;
	int access_ttl, refresh_ttl;	/* seconds */
	size_t max_body;		/* bytes */
	char **cors;			/* allowed origins */
	int ncors;
	char *db;			/* conninfo; NULL: the environment */
	char *openapi;			/* the document, read at start */
	size_t nopenapi;
	char *rules;			/* the alert rules as JSON */
	size_t nrules;
	struct brul_www *www;		/* the dashboard's files */
	struct brul_modelinfo *model;	/* NULL: none given */

	/* Shared by the threads. */
	struct brul_pool *pool;
	struct brul_throttle *throttle;
	struct brul_denylist *deny;	/* access tokens revoked */
	struct brul_prom *prom;
	struct brul_live *live;
	struct brul_usercache users;
	struct brul_totals totals;
	atomic_uint changes;	/* loads of batteries and predictions seen */
	struct brul_answers *answers;	/* the reads' answers remembered */
	atomic_uint version;	/* the data's: every change heard, and the
				 * server's own writes */
	atomic_int listening;	/* changes are heard: answers may be kept */
	atomic_int stopping;	/* the server is stopping */
};

/* Reads what o names (the OpenAPI document, the dashboard, the model,
 * the rules), opens the pool, counts requests by the routes given (which
 * must outlive the app) and starts the live hub.  0, or -1 with err
 * (a file that cannot be read, a model that is not one ...); either way
 * brul_app_release frees what was made. */
int brul_app_init(struct brul_app *a, const struct brul_serve_opts *o,
		  const struct brul_route *routes, int nroutes,
		  struct brul_err *err);
/* Stops the live hub and frees everything; a zeroed app is fine. */
void brul_app_release(struct brul_app *a);

/* Whether origin may call the API from a browser. */
int brul_app_cors(const struct brul_app *a, const char *origin);
/* A user was changed: forgets what was remembered of them, and has the
 * live hub check the users of open streams. */
void brul_app_forget_user(struct brul_app *a, long long id);

#endif

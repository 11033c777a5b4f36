/*
 * serverint.h: the server's insides, shared by serve.c (the daemon and the
 * request's life), reply.c (answers), args.c (arguments and bodies) and
 * live.c (the live stream).  Not for tools.
 */
#ifndef BRUL_SERVEINT_H
#define BRUL_SERVEINT_H

#include <microhttpd.h>
#include <pthread.h>
#include <stdatomic.h>

#include "ml/modelinfo.h"
#include "serve/api.h"
#include "serve/live.h"
#include "serve/prometheus.h"
#include "serve/server.h"
#include "serve/throttle.h"
#include "serve/www.h"

/* What the server remembers of a user, for a few seconds. */
struct brul_user_seen {
	long long id;		/* 0: free slot */
	enum brul_role role;
	int active;
	time_t at;
};
#define BRUL_USER_CACHE 256
#define BRUL_USER_TTL 5

/* A list's total, remembered: counting the fleet for every page costs as
 * much as the page.  Good while no load has changed what it counts (the
 * live hub counts changes) and for at most a minute. */
struct brul_total {
	char key[200];		/* "" free */
	long long total;
	unsigned changes;
	time_t at;
};
#define BRUL_TOTALS 64
#define BRUL_TOTAL_TTL 60

struct brul_server {
	struct brul_serve_opts o;
	char *listen, *db, *openapi_path;
	unsigned char *secret;
	char **cors;
	char *openapi;			/* the document, loaded at start */
	size_t nopenapi;
	struct brul_www *www;		/* the dashboard's files */
	struct brul_modelinfo *model;	/* NULL: none given */
	char *rules;			/* the alert rules as JSON */
	size_t nrules;
	struct MHD_Daemon *d;
	struct brul_pool *pool;
	struct brul_throttle *throttle;
	struct brul_prom *metrics;
	struct brul_live *live;
	atomic_int stopping;
	pthread_mutex_t users_mu;
	struct brul_user_seen users[BRUL_USER_CACHE];
	atomic_uint changes;
	pthread_mutex_t totals_mu;
	struct brul_total totals[BRUL_TOTALS];
};

/* Whether origin may call the API from a browser. */
int brul_server_cors(const struct brul_server *s, const char *origin);
/* The live hub, for the stream handler. */
struct brul_live *brul_server_live(struct brul_server *s);

/* 405 with the methods the path allows. */
int brul_reply_not_allowed(struct brul_req *r, const char *allow);
/* A file of the dashboard (304 when the browser has it). */
int brul_reply_file(struct brul_req *r, const struct brul_www_file *f);
/* The detail of a failure goes to the log (stderr), never to the
 * client. */
void brul_log_failure(const struct brul_req *r, const struct brul_err *err);
/* The rules as /api/v1/alert-rules serves them (JSON text, the caller's
 * to free, its length in *n), or NULL when out of memory. */
struct brul_rules;
char *brul_rules_json(const struct brul_rules *rs, size_t *n);
/* Adds the headers every answer carries to resp. */
void brul_reply_headers(struct brul_req *r, struct MHD_Response *resp);

#endif

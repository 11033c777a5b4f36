/*
 * req.h: one request to brul-serve, as its handler sees it.
 *
 * The server (server.c) reads the request whole, finds its route, checks
 * the token and the role the route needs, then calls the route's handler
 * (api.h) with a struct brul_req.  The handler reads path parameters here,
 * query arguments and the JSON body through args.h, runs its statements
 * through query.h and answers once through reply.h; each answer returns
 * what the handler returns.
 *
 * Ownership: a request's storage is the server's, freed after the answer
 * is sent; strings from the helpers live as long as the request.
 */
#ifndef BRUL_REQ_H
#define BRUL_REQ_H

#include <stddef.h>
#include <time.h>

#include "serve/role.h"
#include "serve/route.h"
#include "serve/token.h"

struct brul_app;

struct brul_req {
	struct brul_app *app;		/* what the server shares (app.h) */
	void *conn;			/* struct MHD_Connection */
	const char *method, *path;
	int route;			/* in the routes; -1: none matched */
	const char *pattern;		/* its pattern; "" */
	struct brul_path_params params;
	char *body;
	size_t nbody, capbody;
	size_t nuri;			/* the target's bytes, as sent */
	char *target;			/* the target (path and query) */
	int keep;			/* a read whose answer carries an
					 * ETag and may be remembered */
	char *keep_key;			/* remember it under this key (the
					 * answers table's); NULL: don't */
	unsigned keep_version;		/* the data's version before it ran */
	int etagged;			/* this answer has an ETag */
	int close;			/* answer with Connection: close */
	struct brul_claims who;		/* when a token was checked */
	enum brul_role role;
	int ret;			/* what the last reply returned */
	int status;			/* answered with; 0: not yet */
	size_t bytes;
	char error[512];		/* what failed, for the log; "" */
	int stream;			/* an SSE stream was started */
	struct timespec t0;
	char remote[64];
};

/* The request's path parameter i. */
static inline const char *
brul_param(const struct brul_req *r, int i)
{
	return r->params.v[i];
}

#endif

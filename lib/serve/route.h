/*
 * route.h: routes, and finding the one a request asks for in a table of
 * them (the API's is in api.h).
 *
 * A pattern is a path whose segments are literal or {name}; a {name}
 * segment matches one segment of the path (not empty, no '/', UTF-8),
 * which becomes the next path parameter.  HEAD matches GET routes.  Routes are
 * tried in the table's order (literal segments before parameters where
 * both could match).
 *
 * A route also says the query arguments it takes: any other is refused
 * (args.h), so that a misspelt filter is a 400, not a list unfiltered.
 *
 * Ownership: the table is static; parameters are copied into the
 * caller's struct brul_path_params.
 */
#ifndef BRUL_ROUTE_H
#define BRUL_ROUTE_H

#include <stddef.h>
#include "serve/role.h"

struct brul_req;

typedef int (*brul_handler)(struct brul_req *r);

struct brul_route {
	const char *method;
	const char *pattern;	/* "/api/v1/batteries/{battery_id}" */
	enum brul_role role;	/* the least role; NONE: no token needed */
	brul_handler fn;
	const char *args;	/* the query arguments it takes, separated by
				 * spaces ("limit offset site"); "": none */
	int keep;		/* BRUL_KEEP_READ, _WRITE or 0 (answers.h) */
};

/* A route's part in the answers remembered: a read of the data, whose
 * answer may be; a write whose success makes them stale. */
enum { BRUL_KEEP_READ = 1, BRUL_KEEP_WRITE = 2 };

#define BRUL_PARAMS 3

/* A path's parameters, in the pattern's order. */
struct brul_path_params {
	const char *v[BRUL_PARAMS];
	char buf[512];
};

/* The index in routes[0..nroutes) of the route of method and path,
 * filling p; -1 when no route has the path, -2 when some do but not for
 * method (then allow lists their methods: "GET, PATCH"). */
int brul_route_match(const struct brul_route *routes, int nroutes,
		     const char *method, const char *path,
		     struct brul_path_params *p, char *allow, size_t n);

#endif

/*
 * route.h: finding a request's route in brul_routes (api.h).
 *
 * A pattern is a path whose segments are literal or {name}; a {name}
 * segment matches one segment of the path (not empty, no '/'), which
 * becomes the next path parameter.  HEAD matches GET routes.
 */
#ifndef BRUL_ROUTE_H
#define BRUL_ROUTE_H

#include <stddef.h>
#include "serve/api.h"

/* The index of the route of method and path, filling r's parameters;
 * -1 when no route has the path, -2 when some do but not for method (then
 * allow lists their methods: "GET, PATCH"). */
int brul_route_match(const char *method, const char *path,
		     struct brul_req *r, char *allow, size_t n);

#endif

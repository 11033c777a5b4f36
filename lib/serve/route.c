/* route.c: see route.h. */
#include <stdio.h>
#include <string.h>

#include "core/utf8.h"
#include "serve/route.h"

/* Whether path matches pattern, copying parameters into pp. */
static int
match(const char *pattern, const char *path, struct brul_path_params *pp)
{
	const char *p = pattern, *s = path;
	size_t used = 0;
	int np = 0;

	while (*p && *s) {
		if (*p == '{') {
			size_t n = strcspn(s, "/");

			/* Text that is not UTF-8 names nothing the database
			 * holds (and PostgreSQL would refuse it). */
			if (n == 0 || np == BRUL_PARAMS ||
			    used + n + 1 > sizeof pp->buf ||
			    brul_utf8_invalid(s, n) >= 0)
				return 0;
			memcpy(pp->buf + used, s, n);
			pp->buf[used + n] = '\0';
			pp->v[np++] = pp->buf + used;
			used += n + 1;
			s += n;
			p = strchr(p, '}') + 1;
		} else if (*p++ != *s++)
			return 0;
	}
	return *p == '\0' && *s == '\0';
}

int
brul_route_match(const struct brul_route *routes, int nroutes,
		 const char *method, const char *path,
		 struct brul_path_params *p, char *allow, size_t n)
{
	int path_seen = 0;
	size_t at = 0;

	if (strcmp(method, "HEAD") == 0)
		method = "GET";
	allow[0] = '\0';
	for (int i = 0; i < nroutes; i++) {
		if (!match(routes[i].pattern, path, p))
			continue;
		if (strcmp(routes[i].method, method) == 0)
			return i;
		path_seen = 1;
		if (at < n)
			at += (size_t)snprintf(allow + at, n - at, "%s%s",
			    at ? ", " : "", routes[i].method);
	}
	return path_seen ? -2 : -1;
}

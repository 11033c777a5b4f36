/*
 * prometheus.h: brul-serve's counters, in Prometheus's text format.
 *
 * Requests are counted by route (its pattern, so that the labels stay
 * few whatever the paths) and status, with a latency histogram per route;
 * a route index of -1 counts requests no route matched.  Counters are
 * atomics: recording never takes a lock.
 *
 * Ownership: brul_prom_new returns an object freed by
 * brul_prom_free.  brul_prom_render appends to the caller's buffer.
 */
#ifndef BRUL_PROMETHEUS_H
#define BRUL_PROMETHEUS_H

#include "core/sbuf.h"
#include "db/pool.h"
#include "serve/route.h"

struct brul_prom;

/* Counters for the routes routes[0..nroutes) (which must outlive the
 * object: their patterns are the labels), and for no route. */
struct brul_prom *brul_prom_new(const struct brul_route *routes,
				int nroutes);
void brul_prom_free(struct brul_prom *m);

void brul_prom_request(struct brul_prom *m, int route, int status,
			  double seconds);
/* Streams open now: +1 or -1. */
void brul_prom_streams(struct brul_prom *m, int delta);

/* Everything, with the pool's figures and the routes' patterns. */
void brul_prom_render(struct brul_prom *m, struct brul_sbuf *b,
			 const struct brul_pool_stats *pool);

#endif

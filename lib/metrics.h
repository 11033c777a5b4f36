/*
 * metrics.h: brul-serve's counters, in Prometheus's text format.
 *
 * Requests are counted by route (its pattern, so that the labels stay
 * few whatever the paths) and status, with a latency histogram per route;
 * a route index of -1 counts requests no route matched.  Counters are
 * atomics: recording never takes a lock.
 *
 * Ownership: brul_metrics_new returns an object freed by
 * brul_metrics_free.  brul_metrics_render appends to the caller's buffer.
 */
#ifndef BRUL_METRICS_H
#define BRUL_METRICS_H

#include "pool.h"
#include "sbuf.h"

struct brul_metrics;

struct brul_metrics *brul_metrics_new(int nroutes);
void brul_metrics_free(struct brul_metrics *m);

void brul_metrics_request(struct brul_metrics *m, int route, int status,
			  double seconds);
/* Streams open now: +1 or -1. */
void brul_metrics_streams(struct brul_metrics *m, int delta);

/* Everything, with the pool's figures and the routes' patterns. */
void brul_metrics_render(struct brul_metrics *m, struct brul_sbuf *b,
			 const struct brul_pool_stats *pool);

#endif

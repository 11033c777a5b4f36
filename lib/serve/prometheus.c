/* prometheus.c: see prometheus.h. */
#include <stdatomic.h>
#include <stdlib.h>

#include "serve/prometheus.h"
#include "serve/route.h"

/* The statuses brul-serve answers with, and a last slot for others. */
static const int statuses[] = {
	101, 200, 201, 204, 304, 400, 401, 403, 404, 405, 409, 413, 415, 429,
	500, 503
};
#define NSTATUS ((int)(sizeof statuses / sizeof statuses[0]) + 1)

/* Latency buckets, seconds: 0.25 ms to 10 s. */
static const double buckets[] = {
	0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
	0.5, 1, 2.5, 10
};
#define NBUCKET ((int)(sizeof buckets / sizeof buckets[0]))

struct per_route {
	atomic_ulong status[NSTATUS];
	atomic_ulong bucket[NBUCKET + 1];	/* the last: +Inf */
	atomic_ulong usec;			/* sum of latencies, us */
};

struct brul_prom {
	const struct brul_route *routes;
	int n;			/* routes, plus one for "no route" */
	struct per_route *r;
	atomic_long streams;
};

struct brul_prom *
brul_prom_new(const struct brul_route *routes, int nroutes)
{
	struct brul_prom *m = calloc(1, sizeof *m);

	if (m == NULL)
		return NULL;
	m->routes = routes;
	m->n = nroutes + 1;
	if ((m->r = calloc((size_t)m->n, sizeof *m->r)) == NULL) {
		free(m);
		return NULL;
	}
	return m;
}

void
brul_prom_free(struct brul_prom *m)
{
	if (m == NULL)
		return;
	free(m->r);
	free(m);
}

void
brul_prom_request(struct brul_prom *m, int route, int status,
		     double seconds)
{
	struct per_route *p = &m->r[route < 0 ? m->n - 1 : route];
	int s = 0, b = 0;

	while (s < NSTATUS - 1 && statuses[s] != status)
		s++;
	while (b < NBUCKET && seconds > buckets[b])
		b++;
	atomic_fetch_add_explicit(&p->status[s], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&p->bucket[b], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&p->usec, (unsigned long)(seconds * 1e6),
	    memory_order_relaxed);
}

void
brul_prom_streams(struct brul_prom *m, int delta)
{
	atomic_fetch_add_explicit(&m->streams, delta, memory_order_relaxed);
}

static const char *
label(const struct brul_prom *m, int i)
{
	return i == m->n - 1 ? "none" : m->routes[i].pattern;
}

void
brul_prom_render(struct brul_prom *m, struct brul_sbuf *b,
		    const struct brul_pool_stats *pool)
{
	brul_sbuf_str(b, "# HELP brul_http_requests_total Requests answered, "
	    "by route and status.\n# TYPE brul_http_requests_total counter\n");
	for (int i = 0; i < m->n; i++)
		for (int s = 0; s < NSTATUS; s++) {
			unsigned long v = atomic_load(&m->r[i].status[s]);

			if (v == 0)
				continue;
			brul_sbuf_fmt(b, "brul_http_requests_total{route=\"%s\","
			    "method=\"%s\",status=\"%s%d\"} %lu\n", label(m, i),
			    i == m->n - 1 ? "" : m->routes[i].method,
			    s == NSTATUS - 1 ? "other" : "",
			    s == NSTATUS - 1 ? 0 : statuses[s], v);
		}
	brul_sbuf_str(b, "# HELP brul_http_request_duration_seconds Time to "
	    "answer, by route.\n"
	    "# TYPE brul_http_request_duration_seconds histogram\n");
	for (int i = 0; i < m->n; i++) {
		unsigned long cum = 0;

		for (int k = 0; k <= NBUCKET; k++)
			cum += atomic_load(&m->r[i].bucket[k]);
		if (cum == 0)
			continue;
		cum = 0;
		for (int k = 0; k <= NBUCKET; k++) {
			cum += atomic_load(&m->r[i].bucket[k]);
			if (k < NBUCKET)
				brul_sbuf_fmt(b, "brul_http_request_duration_"
				    "seconds_bucket{route=\"%s\",le=\"%g\"} "
				    "%lu\n", label(m, i), buckets[k], cum);
			else
				brul_sbuf_fmt(b, "brul_http_request_duration_"
				    "seconds_bucket{route=\"%s\",le=\"+Inf\"} "
				    "%lu\n", label(m, i), cum);
		}
		brul_sbuf_fmt(b, "brul_http_request_duration_seconds_sum"
		    "{route=\"%s\"} %.6f\n", label(m, i),
		    (double)atomic_load(&m->r[i].usec) / 1e6);
		brul_sbuf_fmt(b, "brul_http_request_duration_seconds_count"
		    "{route=\"%s\"} %lu\n", label(m, i), cum);
	}
	brul_sbuf_fmt(b, "# HELP brul_streams_open Live streams (SSE) open "
	    "now.\n# TYPE brul_streams_open gauge\nbrul_streams_open %ld\n",
	    atomic_load(&m->streams));
	brul_sbuf_fmt(b, "# HELP brul_db_pool_connections Database "
	    "connections: the pool's size, those lent out, those open and "
	    "well.\n# TYPE brul_db_pool_connections gauge\n"
	    "brul_db_pool_connections{state=\"size\"} %d\n"
	    "brul_db_pool_connections{state=\"in_use\"} %d\n"
	    "brul_db_pool_connections{state=\"healthy\"} %d\n",
	    pool->size, pool->in_use, pool->healthy);
	brul_sbuf_fmt(b, "# HELP brul_db_pool_events_total Waits for a free "
	    "connection, waits that timed out, reconnections.\n"
	    "# TYPE brul_db_pool_events_total counter\n"
	    "brul_db_pool_events_total{event=\"wait\"} %lu\n"
	    "brul_db_pool_events_total{event=\"timeout\"} %lu\n"
	    "brul_db_pool_events_total{event=\"reconnect\"} %lu\n",
	    pool->waits, pool->timeouts, pool->reconnects);
}

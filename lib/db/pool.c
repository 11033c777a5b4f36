/* pool.c: see pool.h. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/grow.h"
#include "db/db.h"
#include "db/pool.h"

struct brul_pgconn {
	struct brul_db *db;		/* NULL: not open */
	int busy, lost;
	const struct brul_stmt **prepared;
	size_t nprepared, cap;
	char sqlstate[6];
};

struct brul_pool {
	char *conninfo;
	int n;
	struct brul_pgconn *c;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int in_use;
	unsigned long waits, timeouts, reconnects;
};

struct brul_pool *
brul_pool_new(const char *conninfo, int n)
{
	struct brul_pool *p = calloc(1, sizeof *p);

	if (p == NULL)
		return NULL;
	p->n = n > 0 ? n : 1;
	p->c = calloc((size_t)p->n, sizeof *p->c);
	p->conninfo = conninfo ? strdup(conninfo) : NULL;
	if (p->c == NULL || (conninfo && p->conninfo == NULL)) {
		free(p->c);
		free(p->conninfo);
		free(p);
		return NULL;
	}
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	return p;
}

static void
drop(struct brul_pgconn *c)
{
	brul_db_close(c->db);
	c->db = NULL;
	c->lost = 0;
	c->nprepared = 0;
}

void
brul_pool_free(struct brul_pool *p)
{
	if (p == NULL)
		return;
	for (int i = 0; i < p->n; i++) {
		drop(&p->c[i]);
		free(p->c[i].prepared);
	}
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->cv);
	free(p->c);
	free(p->conninfo);
	free(p);
}

struct brul_pgconn *
brul_pool_get(struct brul_pool *p, int wait_ms, struct brul_err *err)
{
	struct brul_pgconn *c = NULL;
	struct timespec until;
	int reopen;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += wait_ms / 1000;
	until.tv_nsec += (long)(wait_ms % 1000) * 1000000;
	if (until.tv_nsec >= 1000000000) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&p->mu);
	if (p->in_use == p->n)
		p->waits++;
	while (p->in_use == p->n)
		if (pthread_cond_timedwait(&p->cv, &p->mu, &until) ==
		    ETIMEDOUT && p->in_use == p->n) {
			p->timeouts++;
			pthread_mutex_unlock(&p->mu);
			brul_err_set(err, NULL, 0, 0, "every database "
			    "connection is busy");
			return NULL;
		}
	/* An open connection first: opening one costs a round trip. */
	for (int i = 0; i < p->n; i++)
		if (!p->c[i].busy && (c == NULL ||
		    (c->db == NULL && p->c[i].db != NULL)))
			c = &p->c[i];
	c->busy = 1;
	p->in_use++;
	reopen = c->db == NULL || c->lost;
	if (reopen && c->db)
		p->reconnects++;
	pthread_mutex_unlock(&p->mu);
	if (reopen) {
		/* Outside the lock: the server may take its time. */
		drop(c);
		if ((c->db = brul_db_open(p->conninfo, "brul-serve", err)) ==
		    NULL) {
			brul_pool_put(p, c);
			return NULL;
		}
		/* The API's statements are short, and their generic plans'
		 * estimates over the partitions cross JIT's threshold: the
		 * night's discharges spent 45 of their 113 ms compiling. */
		if (brul_db_exec(c->db, "SET jit = off", err) < 0) {
			drop(c);
			brul_pool_put(p, c);
			return NULL;
		}
	}
	return c;
}

void
brul_pool_put(struct brul_pool *p, struct brul_pgconn *c)
{
	pthread_mutex_lock(&p->mu);
	c->busy = 0;
	p->in_use--;
	pthread_cond_signal(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

/* Notes how a statement failed, and says so in err. */
static PGresult *
failed(struct brul_pgconn *c, PGresult *res, struct brul_err *err)
{
	const char *st = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) :
	    NULL;

	snprintf(c->sqlstate, sizeof c->sqlstate, "%s", st ? st : "");
	brul_db_fail(c->db, res, err);
	if (PQstatus(brul_db_conn(c->db)) != CONNECTION_OK)
		c->lost = 1;
	PQclear(res);
	return NULL;
}

static PGresult *
checked(struct brul_pgconn *c, PGresult *res, struct brul_err *err)
{
	ExecStatusType s = PQresultStatus(res);

	if (s == PGRES_TUPLES_OK || s == PGRES_COMMAND_OK) {
		c->sqlstate[0] = '\0';
		return res;
	}
	return failed(c, res, err);
}

static PGresult *
exec_as(struct brul_pgconn *c, const struct brul_stmt *st, int n,
	const char *const *vals, int binary, struct brul_err *err)
{
	PGconn *pg = brul_db_conn(c->db);
	size_t i;

	for (i = 0; i < c->nprepared; i++)
		if (c->prepared[i] == st)
			break;
	if (i == c->nprepared) {
		PGresult *res = PQprepare(pg, st->name, st->sql, 0, NULL);

		if (checked(c, res, err) == NULL)
			return NULL;
		PQclear(res);
		if (brul_grow(&c->prepared, &c->cap, c->nprepared + 1,
		    sizeof *c->prepared) == 0)
			c->prepared[c->nprepared++] = st;
		else {
			/* Unrecorded, it would be prepared again and
			 * fail: start afresh with this connection. */
			c->lost = 1;
			brul_err_set(err, NULL, 0, 0, "out of memory");
			return NULL;
		}
	}
	return checked(c, PQexecPrepared(pg, st->name, n, vals, NULL, NULL,
	    binary), err);
}

PGresult *
brul_pool_exec(struct brul_pgconn *c, const struct brul_stmt *st, int n,
	       const char *const *vals, struct brul_err *err)
{
	return exec_as(c, st, n, vals, 0, err);
}

PGresult *
brul_pool_exec_binary(struct brul_pgconn *c, const struct brul_stmt *st,
		      int n, const char *const *vals, struct brul_err *err)
{
	return exec_as(c, st, n, vals, 1, err);
}

PGresult *
brul_pool_exec_once(struct brul_pgconn *c, const char *sql, int n,
		    const char *const *vals, struct brul_err *err)
{
	return checked(c, PQexecParams(brul_db_conn(c->db), sql, n, NULL, vals,
	    NULL, NULL, 0), err);
}

int
brul_pool_lost(const struct brul_pgconn *c)
{
	return c->lost;
}

const char *
brul_pool_sqlstate(const struct brul_pgconn *c)
{
	return c->sqlstate;
}

void
brul_pool_stats(struct brul_pool *p, struct brul_pool_stats *s)
{
	pthread_mutex_lock(&p->mu);
	s->size = p->n;
	s->in_use = p->in_use;
	s->healthy = 0;
	for (int i = 0; i < p->n; i++)
		s->healthy += p->c[i].db != NULL && !p->c[i].lost;
	s->waits = p->waits;
	s->timeouts = p->timeouts;
	s->reconnects = p->reconnects;
	pthread_mutex_unlock(&p->mu);
}

/*
 * pool.h: a fixed number of PostgreSQL connections shared by brul-serve's
 * threads.
 *
 * A thread borrows a connection (waiting at most a deadline when all are
 * out), runs statements on it and gives it back.  Statements are named
 * (struct brul_stmt) and prepared on each connection the first time they
 * run there, so that the server parses and plans each once per
 * connection.  A connection that broke (the server restarted) is given
 * back as such and reopened at its next borrowing, so the pool heals
 * itself once the server is back; until then borrowing fails and the API
 * answers 503.
 *
 * Ownership: brul_pool_new returns a pool freed by brul_pool_free (after
 * every connection is back).  Results of brul_pool_exec are the caller's
 * (PQclear).
 */
#ifndef BRUL_POOL_H
#define BRUL_POOL_H

#include <libpq-fe.h>
#include "core/err.h"

struct brul_stmt {
	const char *name;	/* unique among statements */
	const char *sql;	/* $1 ... text parameters */
};

struct brul_pool;
struct brul_pgconn;

struct brul_pool_stats {
	int size, in_use, healthy;
	unsigned long waits, timeouts, reconnects;
};

/* A pool of n connections to conninfo (NULL: DATABASE_URL or libpq's
 * environment), opened lazily.  NULL only when out of memory. */
struct brul_pool *brul_pool_new(const char *conninfo, int n);
void brul_pool_free(struct brul_pool *p);

/* A connection, waiting up to wait_ms for one; NULL with err when none
 * came, or when the server cannot be reached (then err says so and
 * brul_pool_down is true). */
struct brul_pgconn *brul_pool_get(struct brul_pool *p, int wait_ms,
				  struct brul_err *err);
/* Gives c back. */
void brul_pool_put(struct brul_pool *p, struct brul_pgconn *c);

/* Runs st with n text parameters (NULL: SQL NULL), preparing it on this
 * connection the first time.  NULL with err on failure; then
 * brul_pool_lost(c) tells a lost connection from an error in the
 * statement (constraint, bad value). */
PGresult *brul_pool_exec(struct brul_pgconn *c, const struct brul_stmt *st,
			 int n, const char *const *vals, struct brul_err *err);
/* The same, its results in binary: PostgreSQL then formats no number
 * or time (pgjson.h writes them). */
PGresult *brul_pool_exec_binary(struct brul_pgconn *c,
				const struct brul_stmt *st, int n,
				const char *const *vals, struct brul_err *err);
/* The same for a one-off statement, not prepared. */
PGresult *brul_pool_exec_once(struct brul_pgconn *c, const char *sql, int n,
			      const char *const *vals, struct brul_err *err);
int brul_pool_lost(const struct brul_pgconn *c);
/* The SQLSTATE of the last failure on c ("" when none). */
const char *brul_pool_sqlstate(const struct brul_pgconn *c);

void brul_pool_stats(struct brul_pool *p, struct brul_pool_stats *s);

#endif

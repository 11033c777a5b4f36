/*
 * query.h: a request's statements on the server's pool of PostgreSQL
 * connections, and the answers made of their results.
 *
 * A failed statement is logged (log.h, without its parameters) and
 * answered 503 when the database cannot be reached, else 500: the
 * client never sees the database's message.
 *
 * Ownership: results returned are the caller's (PQclear); a borrowed
 * connection goes back with brul_req_conn_done.
 */
#ifndef BRUL_QUERY_H
#define BRUL_QUERY_H

#include <libpq-fe.h>

#include "core/err.h"
#include "core/sbuf.h"
#include "db/pool.h"
#include "serve/req.h"

/* A connection from the server's pool, or NULL having answered 503. */
struct brul_pgconn *brul_req_conn(struct brul_req *r);
void brul_req_conn_done(struct brul_req *r, struct brul_pgconn *c);

/* For a failed statement on c (NULL: none was had): 503 when the
 * database is gone, else 500. */
int brul_reply_db(struct brul_req *r, struct brul_pgconn *c,
		  const struct brul_err *err);

/* Runs st on a pooled connection and returns its result, or NULL having
 * answered 500/503.  With conflict non-NULL, an integrity violation
 * (SQLSTATE 23...: a name taken) is not answered: *conflict is set and
 * NULL returned. */
PGresult *brul_query(struct brul_req *r, const struct brul_stmt *st, int n,
		     const char *const *vals, int *conflict);

/* Answers at status with res's value at (row, col), JSON text that
 * PostgreSQL built, its times rewritten as the streams write them
 * (brul_pgjson_utc): PostgreSQL's JSON goes to a client through here,
 * never through brul_reply. */
int brul_reply_pgjson(struct brul_req *r, int status, const PGresult *res,
		      int row, int col);

/* The common case: runs st and answers with its first row's first column,
 * JSON text, at status ok (brul_reply_pgjson); no row or a NULL is 404
 * with notfound. */
int brul_reply_query(struct brul_req *r, const struct brul_stmt *st, int n,
		     const char *const *vals, int ok, const char *notfound);

/* A page of a list, its JSON written in C: {"items": [the rows of st],
 * "total": count's one value, "limit": vals[0], "offset": vals[1]}.  st
 * takes vals[0..n), count vals[2..n).  The total is remembered for the
 * filters vals[2..n) (totals.h) when it only depends on batteries and
 * predictions: remember 1. */
int brul_reply_page(struct brul_req *r, const struct brul_stmt *st,
		    const struct brul_stmt *count, int n,
		    const char *const *vals, int remember);

#endif

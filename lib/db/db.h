/*
 * db.h: a connection to brul's PostgreSQL database, and errors a user can
 * act on.
 *
 * brul_db_open connects with a libpq connection string or URI; NULL means
 * $DATABASE_URL when set, else libpq's own environment (PGHOST,
 * PGDATABASE, PGUSER, ...).  The session is put in UTC, so that times
 * never depend on the server's time zone.
 *
 * Every failing call fills a struct brul_err whose message says what to do
 * where there is something to do: start the server or say where it is
 * (when it does not answer), create the database (when it does not exist),
 * run brul-load --migrate, load the fleet first.  A lost connection is told
 * apart from an error in the data (brul_db_lost).
 *
 * Ownership: brul_db_open returns a connection freed by brul_db_close.
 * Results from brul_db_query are the caller's (PQclear).
 */
#ifndef BRUL_DB_H
#define BRUL_DB_H

#include <stddef.h>
#include <libpq-fe.h>

#include "core/err.h"

/* The schema this build reads and writes: the number of the newest
 * data/sql/NNN-*.sql migration. */
#define BRUL_SCHEMA_VERSION 8

struct brul_db;

struct brul_db *brul_db_open(const char *conninfo, const char *app,
			     struct brul_err *err);
void brul_db_close(struct brul_db *db);
/* Creates the database that brul_db_open(conninfo) connects to when it
 * does not exist: CREATE DATABASE, its name quoted, from the server's
 * maintenance database (postgres, else template1) reached with the same
 * parameters.  name (n bytes) gets the database's name.  1 when it was
 * created, 0 when it was there; -1 when the server cannot be reached or
 * the connection fails for another reason (err as brul_db_open's), -2
 * when the server refuses to create it. */
int brul_db_create(const char *conninfo, const char *app, char *name,
		   size_t n, struct brul_err *err);
PGconn *brul_db_conn(struct brul_db *db);

/* Runs sql (one or more statements, no parameters); 0 or -1. */
int brul_db_exec(struct brul_db *db, const char *sql, struct brul_err *err);
/* Runs one statement with text parameters ($1 ...; NULL ones are SQL
 * NULL) and returns its result (rows or a command), or NULL. */
PGresult *brul_db_query(struct brul_db *db, const char *sql, int nparams,
			const char *const *params, struct brul_err *err);
/* Fills err from a failed result (or the connection, res NULL): the
 * server's message and detail, and what to do about it.  Returns -1. */
int brul_db_fail(struct brul_db *db, const PGresult *res,
		 struct brul_err *err);
/* 1 when the connection is gone (server stopped, network), else 0. */
int brul_db_lost(struct brul_db *db);

/* COPY ... FROM STDIN: start it, send bytes, end it (0 or -1 each).  On
 * an error the COPY is over; the transaction then needs a ROLLBACK. */
int brul_db_copy_begin(struct brul_db *db, const char *sql,
		       struct brul_err *err);
int brul_db_copy_put(struct brul_db *db, const void *buf, size_t n,
		     struct brul_err *err);
int brul_db_copy_end(struct brul_db *db, struct brul_err *err);

/* Throws away the transaction in progress (ending a COPY first), if the
 * connection is still there. */
void brul_db_rollback(struct brul_db *db);

/* The schema version recorded in schema_migrations: 0 and *version set,
 * or -1 with a message when there is no schema. */
int brul_db_schema_version(struct brul_db *db, int *version,
			   struct brul_err *err);
/* Checks that the schema is this build's (BRUL_SCHEMA_VERSION): older
 * asks for brul-load --migrate, newer for a newer brul.  0 or -1. */
int brul_db_schema_check(struct brul_db *db, struct brul_err *err);

#endif

/*
 * db.c: see db.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db.h"

struct brul_db {
	PGconn *conn;
	int lost;		/* an error said the connection is gone */
};

/* The server's notices (a WARNING as it shuts down) are not ours to
 * print: lib/ never prints. */
static void
quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

/* libpq's messages span lines ("...failed: No such file\n\tIs the server
 * running...?\n"): one line for ours, "; " between the parts. */
static void
one_line(char *dst, size_t n, const char *src)
{
	size_t j = 0;
	int gap = 0;

	for (; src && *src && j + 3 < n; src++) {
		if (*src == '\n' || *src == '\t' || *src == '\r') {
			gap = 1;
			continue;
		}
		if (gap && j > 0) {
			dst[j++] = ';';
			dst[j++] = ' ';
		}
		gap = 0;
		dst[j++] = *src;
	}
	while (j > 0 && (dst[j - 1] == ' ' || dst[j - 1] == ';'))
		j--;
	dst[j] = '\0';
}

struct brul_db *
brul_db_open(const char *conninfo, const char *app, struct brul_err *err)
{
	const char *keys[] = { "dbname", "application_name", NULL };
	const char *vals[] = { NULL, app, NULL };
	struct brul_db *db;
	char msg[400];

	if (conninfo == NULL)
		conninfo = getenv("DATABASE_URL");
	/* dbname may hold a whole connection string or URI (expand_dbname);
	 * the user's options (and PGOPTIONS) are left as they are. */
	vals[0] = conninfo ? conninfo : "";
	if ((db = calloc(1, sizeof *db)) == NULL) {
		brul_err_set(err, NULL, 0, 0, "out of memory");
		return NULL;
	}
	db->conn = PQconnectdbParams(keys, vals, 1);
	if (db->conn == NULL || PQstatus(db->conn) != CONNECTION_OK) {
		one_line(msg, sizeof msg,
			 db->conn ? PQerrorMessage(db->conn) : "out of memory");
		brul_err_set(err, NULL, 0, 0,
		    "cannot connect to PostgreSQL: %s (is the server running? "
		    "name the database with --db, DATABASE_URL or PGHOST, "
		    "PGPORT, PGDATABASE)", msg);
		brul_db_close(db);
		return NULL;
	}
	PQsetNoticeProcessor(db->conn, quiet, NULL);
	if (brul_db_exec(db, "SET TimeZone = 'UTC'", err) < 0) {
		brul_db_close(db);
		return NULL;
	}
	return db;
}

void
brul_db_close(struct brul_db *db)
{
	if (db == NULL)
		return;
	if (db->conn)
		PQfinish(db->conn);
	free(db);
}

PGconn *
brul_db_conn(struct brul_db *db)
{
	return db->conn;
}

int
brul_db_lost(struct brul_db *db)
{
	return db->lost || PQstatus(db->conn) != CONNECTION_OK;
}

/* Whether a failure means the connection is gone.  libpq notices a
 * server that went away only when it reads: a failed send leaves the
 * status OK, with an error of libpq's own (no SQLSTATE). */
static int
gone(struct brul_db *db, const PGresult *res)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) :
	    NULL;

	if (PQstatus(db->conn) != CONNECTION_OK || res == NULL ||
	    state == NULL)
		return 1;
	return strncmp(state, "08", 2) == 0 || strcmp(state, "57P01") == 0 ||
	    strcmp(state, "57P02") == 0 || strcmp(state, "57P03") == 0;
}

/* What a user does about the common errors, by SQLSTATE. */
static const char *
advice(const char *state)
{
	static const struct {
		const char *state, *what;
	} tab[] = {
		{ "42P01", "the schema is missing or old: run brul-load --migrate" },
		{ "23503", "load what it refers to first (the fleet: sites, "
			   "systems, strings, batteries)" },
		{ "53100", "the server's disk is full" },
		{ "57014", "the statement was cancelled" },
	};

	for (size_t i = 0; state && i < sizeof tab / sizeof tab[0]; i++)
		if (strcmp(state, tab[i].state) == 0)
			return tab[i].what;
	return NULL;
}

int
brul_db_fail(struct brul_db *db, const PGresult *res, struct brul_err *err)
{
	const char *primary, *detail, *what;
	char p[300], d[200];

	if (gone(db, res))
		db->lost = 1;
	if (brul_db_lost(db)) {
		one_line(p, sizeof p, res ? PQresultErrorMessage(res) :
			 PQerrorMessage(db->conn));
		return brul_err_set(err, NULL, 0, 0,
		    "lost the connection to PostgreSQL: %s", p);
	}
	primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
	detail = PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL);
	what = advice(PQresultErrorField(res, PG_DIAG_SQLSTATE));
	one_line(p, sizeof p, primary ? primary : PQresultErrorMessage(res));
	one_line(d, sizeof d, detail);
	return brul_err_set(err, NULL, 0, 0, "PostgreSQL: %s%s%s%s%s%s", p,
			    d[0] ? " (" : "", d, d[0] ? ")" : "",
			    what ? ": " : "", what ? what : "");
}

int
brul_db_exec(struct brul_db *db, const char *sql, struct brul_err *err)
{
	PGresult *res = PQexec(db->conn, sql);
	int st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
	int rc = 0;

	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
		rc = brul_db_fail(db, res, err);
	PQclear(res);
	return rc;
}

PGresult *
brul_db_query(struct brul_db *db, const char *sql, int nparams,
	      const char *const *params, struct brul_err *err)
{
	PGresult *res = PQexecParams(db->conn, sql, nparams, NULL, params,
				     NULL, NULL, 0);
	int st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;

	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		brul_db_fail(db, res, err);
		PQclear(res);
		return NULL;
	}
	return res;
}

int
brul_db_copy_begin(struct brul_db *db, const char *sql, struct brul_err *err)
{
	PGresult *res = PQexec(db->conn, sql);
	int rc = 0;

	if (res == NULL || PQresultStatus(res) != PGRES_COPY_IN)
		rc = brul_db_fail(db, res, err);
	PQclear(res);
	return rc;
}

int
brul_db_copy_put(struct brul_db *db, const void *buf, size_t n,
		 struct brul_err *err)
{
	/* libpq takes an int; the callers send at most a few MB at once. */
	while (n > 0) {
		int k = n > (1 << 30) ? 1 << 30 : (int)n;

		if (PQputCopyData(db->conn, buf, k) != 1)
			return brul_db_fail(db, NULL, err);
		buf = (const char *)buf + k;
		n -= (size_t)k;
	}
	return 0;
}

int
brul_db_copy_end(struct brul_db *db, struct brul_err *err)
{
	PGresult *res;
	int rc = 0;

	if (PQputCopyEnd(db->conn, NULL) != 1)
		return brul_db_fail(db, NULL, err);
	while ((res = PQgetResult(db->conn)) != NULL) {
		if (rc == 0 && PQresultStatus(res) != PGRES_COMMAND_OK)
			rc = brul_db_fail(db, res, err);
		PQclear(res);
	}
	return rc;
}

void
brul_db_rollback(struct brul_db *db)
{
	PGresult *res;

	if (brul_db_lost(db))
		return;
	if (PQtransactionStatus(db->conn) == PQTRANS_ACTIVE) {
		/* A COPY in progress: end it with an error, and drain. */
		PQputCopyEnd(db->conn, "aborted by brul");
		while ((res = PQgetResult(db->conn)) != NULL)
			PQclear(res);
	}
	if (PQtransactionStatus(db->conn) != PQTRANS_IDLE)
		brul_db_exec(db, "ROLLBACK", NULL);
}

int
brul_db_schema_version(struct brul_db *db, int *version, struct brul_err *err)
{
	PGresult *res;

	res = PQexec(db->conn, "SELECT coalesce(max(version), 0) "
			       "FROM schema_migrations");
	if (res == NULL || PQresultStatus(res) != PGRES_TUPLES_OK) {
		const char *state = res ?
		    PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;

		if (state && strcmp(state, "42P01") == 0 && !brul_db_lost(db)) {
			PQclear(res);
			return brul_err_set(err, NULL, 0, 0,
			    "the database has no brul schema (no table "
			    "schema_migrations): run brul-load --migrate");
		}
		brul_db_fail(db, res, err);
		PQclear(res);
		return -1;
	}
	*version = atoi(PQgetvalue(res, 0, 0));
	PQclear(res);
	return 0;
}

int
brul_db_schema_check(struct brul_db *db, struct brul_err *err)
{
	int v;

	if (brul_db_schema_version(db, &v, err) < 0)
		return -1;
	if (v < BRUL_SCHEMA_VERSION)
		return brul_err_set(err, NULL, 0, 0,
		    "the database's schema (version %d) is older than this "
		    "brul's (%d): run brul-load --migrate", v,
		    BRUL_SCHEMA_VERSION);
	if (v > BRUL_SCHEMA_VERSION)
		return brul_err_set(err, NULL, 0, 0,
		    "the database's schema (version %d) is newer than this "
		    "brul's (%d): install a newer brul", v, BRUL_SCHEMA_VERSION);
	return 0;
}

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

/* The database a connection was for: its name, and the same parameters
 * with dbname replaced by maint, for the server's maintenance database.
 * keys and vals have room for n entries, the last two NULL. */
static int
maintenance(PGconn *conn, const char *maint, const char **keys,
	    const char **vals, int n, PQconninfoOption **opts)
{
	int k = 0;

	if ((*opts = PQconninfo(conn)) == NULL)
		return -1;
	for (PQconninfoOption *o = *opts; o->keyword && k < n - 2; o++)
		if (o->val && o->val[0] && strcmp(o->keyword, "dbname") != 0) {
			keys[k] = o->keyword;
			vals[k++] = o->val;
		}
	keys[k] = "dbname";
	vals[k++] = maint;
	keys[k] = vals[k] = NULL;
	return 0;
}

/* A connection to the server's maintenance database (postgres, else
 * template1, as createdb(1) does) with conn's other parameters; NULL
 * when neither can be reached. */
static PGconn *
connect_maintenance(PGconn *conn)
{
	static const char *const dbs[] = { "postgres", "template1" };
	const char *keys[64], *vals[64];
	PQconninfoOption *opts;
	PGconn *m = NULL;

	for (size_t i = 0; i < sizeof dbs / sizeof dbs[0]; i++) {
		if (maintenance(conn, dbs[i], keys, vals, 64, &opts) < 0)
			return NULL;
		m = PQconnectdbParams(keys, vals, 0);
		PQconninfoFree(opts);
		if (m && PQstatus(m) == CONNECTION_OK)
			return m;
		PQfinish(m);
		m = NULL;
	}
	return NULL;
}

/* Whether the database conn was for is missing (SQLSTATE 3D000,
 * invalid_catalog_name): 1, 0, or -1 when it cannot be told.  libpq
 * keeps a failed connection's SQLSTATE to itself, and the server words
 * its message in its own language: the maintenance database, when it
 * can be reached, says for sure. */
static int
db_missing(PGconn *conn)
{
	const char *name = PQdb(conn), *p[] = { name };
	PGconn *m;
	PGresult *res;
	int rc = -1;

	if (name == NULL || (m = connect_maintenance(conn)) == NULL)
		return -1;
	res = PQexecParams(m, "SELECT 1 FROM pg_database WHERE datname = $1",
			   1, NULL, p, NULL, NULL, 0);
	if (res && PQresultStatus(res) == PGRES_TUPLES_OK)
		rc = PQntuples(res) == 0;
	PQclear(res);
	PQfinish(m);
	return rc;
}

/* s as one word for a POSIX shell: as it is when it is plain, else in
 * single quotes. */
static void
shell_word(char *dst, size_t n, const char *s)
{
	size_t j = 0;

	if (s[0] && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrst"
	    "uvwxyz0123456789_.-") == strlen(s) && s[0] != '-') {
		snprintf(dst, n, "%s", s);
		return;
	}
	if (n < 3) {
		dst[0] = '\0';
		return;
	}
	dst[j++] = '\'';
	for (; *s && j + 6 < n; s++) {
		if (*s == '\'') {
			memcpy(dst + j, "'\\''", 4);
			j += 4;
		} else
			dst[j++] = *s;
	}
	dst[j++] = '\'';
	dst[j] = '\0';
}

/* err for a connection that failed, with what to do about it: a server
 * that did not answer (start it, or say where it is), a database that
 * does not exist (create it), or the server's word alone. */
static int
connect_fail(PGconn *conn, const char *const *keys, const char *const *vals,
	     struct brul_err *err)
{
	char msg[400], word[200];
	const char *name = conn ? PQdb(conn) : NULL;
	int missing;

	one_line(msg, sizeof msg, conn ? PQerrorMessage(conn) :
		 "out of memory");
	if (conn == NULL || PQpingParams(keys, vals, 1) == PQPING_NO_RESPONSE)
		return brul_err_set(err, NULL, 0, 0,
		    "cannot connect to PostgreSQL: %s (is the server running? "
		    "name the database with --db, DATABASE_URL or PGHOST, "
		    "PGPORT, PGDATABASE)", msg);
	if ((missing = db_missing(conn)) < 0 && name) {
		/* The server's message, when it is in English. */
		char says[300];

		snprintf(says, sizeof says, "database \"%s\" does not exist",
			 name);
		missing = strstr(msg, says) != NULL;
	}
	if (missing == 1) {
		shell_word(word, sizeof word, name);
		return brul_err_set(err, NULL, 0, 0,
		    "cannot connect to PostgreSQL: %s: create the database "
		    "with brul-load --migrate --create-db, or createdb %s",
		    msg, word);
	}
	return brul_err_set(err, NULL, 0, 0, "cannot connect to PostgreSQL: "
			    "%s", msg);
}

/* A connection with brul's parameters: conninfo (NULL: DATABASE_URL,
 * else libpq's environment) as dbname, which libpq expands. */
static PGconn *
connect_as(const char *conninfo, const char *app, const char **keys,
	   const char **vals)
{
	if (conninfo == NULL)
		conninfo = getenv("DATABASE_URL");
	/* dbname may hold a whole connection string or URI (expand_dbname);
	 * the user's options (and PGOPTIONS) are left as they are. */
	keys[0] = "dbname";
	vals[0] = conninfo ? conninfo : "";
	keys[1] = "application_name";
	vals[1] = app;
	keys[2] = vals[2] = NULL;
	return PQconnectdbParams(keys, vals, 1);
}

struct brul_db *
brul_db_open(const char *conninfo, const char *app, struct brul_err *err)
{
	const char *keys[3], *vals[3];
	struct brul_db *db;

	if ((db = calloc(1, sizeof *db)) == NULL) {
		brul_err_set(err, NULL, 0, 0, "out of memory");
		return NULL;
	}
	db->conn = connect_as(conninfo, app, keys, vals);
	if (db->conn == NULL || PQstatus(db->conn) != CONNECTION_OK) {
		connect_fail(db->conn, keys, vals, err);
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

int
brul_db_create(const char *conninfo, const char *app, char *name, size_t n,
	       struct brul_err *err)
{
	const char *keys[3], *vals[3];
	PGconn *conn, *m = NULL;
	PGresult *res = NULL;
	char *sql = NULL, *id = NULL, p[300], d[200];
	const char *state;
	int rc = -2;

	name[0] = '\0';
	conn = connect_as(conninfo, app, keys, vals);
	if (conn && PQdb(conn))
		snprintf(name, n, "%s", PQdb(conn));
	if (conn && PQstatus(conn) == CONNECTION_OK) {
		PQfinish(conn);
		return 0;
	}
	if (conn == NULL || PQpingParams(keys, vals, 1) ==
	    PQPING_NO_RESPONSE || db_missing(conn) != 1) {
		connect_fail(conn, keys, vals, err);
		PQfinish(conn);
		return -1;
	}
	if ((m = connect_maintenance(conn)) == NULL) {
		one_line(p, sizeof p, PQerrorMessage(conn));
		brul_err_set(err, NULL, 0, 0, "cannot create the database %s: "
		    "cannot connect to the server's postgres or template1 "
		    "database: %s", name, p);
		goto out;
	}
	/* An identifier quoted as the server wants it ("my ""db"""). */
	if ((id = PQescapeIdentifier(m, name, strlen(name))) == NULL ||
	    (sql = malloc(strlen(id) + 32)) == NULL) {
		brul_err_set(err, NULL, 0, 0, "out of memory");
		goto out;
	}
	snprintf(sql, strlen(id) + 32, "CREATE DATABASE %s", id);
	res = PQexec(m, sql);
	if (res && PQresultStatus(res) == PGRES_COMMAND_OK) {
		rc = 1;
		goto out;
	}
	state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	if (state && strcmp(state, "42P04") == 0) {	/* made meanwhile */
		rc = 0;
		goto out;
	}
	one_line(p, sizeof p, res ?
	    PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL);
	one_line(d, sizeof d, res ?
	    PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL) : NULL);
	if (p[0] == '\0')
		one_line(p, sizeof p, PQerrorMessage(m));
	brul_err_set(err, NULL, 0, 0, "cannot create the database %s: "
	    "PostgreSQL: %s%s%s%s", name, p, d[0] ? " (" : "", d,
	    d[0] ? ")" : "");
out:
	PQclear(res);
	free(sql);
	PQfreemem(id);
	PQfinish(m);
	PQfinish(conn);
	return rc;
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

/*
 * migrate.c: see migrate.h.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/datadir.h"
#include "core/hash.h"
#include "db/migrate.h"

#define MAX_MIGRATIONS 1000
#define LOCK_KEY "hashtext('brul_migrate')"

struct migration {
	int version;
	char name[NAME_MAX + 1];
};

static int
by_version(const void *a, const void *b)
{
	const struct migration *x = a, *y = b;

	return (x->version > y->version) - (x->version < y->version);
}

/* NNN-*.sql files of dir, sorted; their count or -1. */
static int
list(const char *dir, struct migration *m, struct brul_err *err)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (d == NULL)
		return brul_err_set(err, dir, 0, 0, "%s", strerror(errno));
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);
		char *end;
		long v = strtol(e->d_name, &end, 10);

		if (len < 5 || strcmp(e->d_name + len - 4, ".sql") != 0)
			continue;
		if (end == e->d_name || *end != '-' || v < 1 || v > 99999) {
			closedir(d);
			return brul_err_set(err, dir, 0, 0, "%s: a migration "
			    "is named NNN-name.sql", e->d_name);
		}
		if (n == MAX_MIGRATIONS) {
			closedir(d);
			return brul_err_set(err, dir, 0, 0,
					    "too many migrations");
		}
		m[n].version = (int)v;
		snprintf(m[n].name, sizeof m[n].name, "%s", e->d_name);
		n++;
	}
	closedir(d);
	qsort(m, (size_t)n, sizeof *m, by_version);
	for (int i = 1; i < n; i++)
		if (m[i].version == m[i - 1].version)
			return brul_err_set(err, dir, 0, 0, "%s and %s have the "
			    "same version", m[i - 1].name, m[i].name);
	return n;
}

static char *
slurp(const char *path, struct brul_err *err)
{
	FILE *fp = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (fp == NULL) {
		brul_err_set(err, path, 0, 0, "%s", strerror(errno));
		return NULL;
	}
	if (fseek(fp, 0, SEEK_END) == 0 && (n = ftell(fp)) >= 0 &&
	    fseek(fp, 0, SEEK_SET) == 0 && (buf = malloc((size_t)n + 1)) &&
	    fread(buf, 1, (size_t)n, fp) == (size_t)n) {
		buf[n] = '\0';
	} else {
		brul_err_set(err, path, 0, 0, "cannot read it");
		free(buf);
		buf = NULL;
	}
	fclose(fp);
	return buf;
}

/* The recorded checksum of version v into sum ("" when not applied); 0 or
 * -1. */
static int
recorded(struct brul_db *db, int v, char *sum, size_t n,
	 struct brul_err *err)
{
	char vs[16];
	const char *p[] = { vs };
	PGresult *res;

	snprintf(vs, sizeof vs, "%d", v);
	res = brul_db_query(db, "SELECT checksum FROM schema_migrations "
				"WHERE version = $1", 1, p, err);
	if (res == NULL)
		return -1;
	snprintf(sum, n, "%s", PQntuples(res) ? PQgetvalue(res, 0, 0) : "");
	PQclear(res);
	return 0;
}

/* Runs one migration and records it, in one transaction. */
static int
apply(struct brul_db *db, const struct migration *m, const char *sql,
      const char *sum, struct brul_err *err)
{
	char vs[16];
	const char *p[] = { vs, m->name, sum };
	PGresult *res;

	snprintf(vs, sizeof vs, "%d", m->version);
	if (brul_db_exec(db, "BEGIN", err) < 0)
		return -1;
	if (brul_db_exec(db, sql, err) < 0)
		goto fail;
	res = brul_db_query(db, "INSERT INTO schema_migrations "
			    "(version, name, checksum) VALUES ($1, $2, $3)",
			    3, p, err);
	if (res == NULL)
		goto fail;
	PQclear(res);
	return brul_db_exec(db, "COMMIT", err);
fail:
	brul_db_exec(db, "ROLLBACK", NULL);
	return -1;
}

int
brul_migrate(struct brul_db *db, const char *dir, brul_migrate_fn *fn,
	     void *ctx, struct brul_err *err)
{
	char found[PATH_MAX], path[PATH_MAX + NAME_MAX + 2];
	struct migration *m;
	int n, done = 0, rc = -1, have;

	if (dir == NULL) {
		if (brul_data_path("sql", found, sizeof found, err) < 0)
			return -1;
		dir = found;
	}
	if ((m = calloc(MAX_MIGRATIONS, sizeof *m)) == NULL)
		return brul_err_set(err, NULL, 0, 0, "out of memory");
	if ((n = list(dir, m, err)) < 0)
		goto out;
	if (n == 0 || m[n - 1].version != BRUL_SCHEMA_VERSION) {
		brul_err_set(err, dir, 0, 0, "expected migrations up to "
		    "version %d, found %d", BRUL_SCHEMA_VERSION,
		    n ? m[n - 1].version : 0);
		goto out;
	}
	if (brul_db_exec(db, "SELECT pg_advisory_lock(" LOCK_KEY ")", err) < 0)
		goto out;
	if (brul_db_exec(db, "SET client_min_messages = warning;"
			 "CREATE TABLE IF NOT EXISTS schema_migrations ("
			 " version integer PRIMARY KEY,"
			 " name text NOT NULL,"
			 " checksum text NOT NULL,"
			 " applied_at timestamptz NOT NULL DEFAULT now())",
			 err) < 0)
		goto unlock;
	/* A schema newer than this build is not ours to touch. */
	if (brul_db_schema_version(db, &have, err) < 0)
		goto unlock;
	if (have > BRUL_SCHEMA_VERSION && brul_db_schema_check(db, err) < 0)
		goto unlock;
	for (int i = 0; i < n; i++) {
		char sum[32], had[64];
		char *sql;

		snprintf(path, sizeof path, "%s/%s", dir, m[i].name);
		if ((sql = slurp(path, err)) == NULL)
			goto unlock;
		snprintf(sum, sizeof sum, "%016llx", (unsigned long long)
			 brul_fnv(BRUL_FNV_OFFSET, sql, strlen(sql)));
		if (recorded(db, m[i].version, had, sizeof had, err) < 0) {
			free(sql);
			goto unlock;
		}
		if (had[0] && strcmp(had, sum) != 0) {
			free(sql);
			brul_err_set(err, path, 0, 0, "changed since it was "
			    "applied (checksum %s, recorded %s): a shipped "
			    "migration is never edited; add the next one",
			    sum, had);
			goto unlock;
		}
		if (!had[0]) {
			int r = apply(db, &m[i], sql, sum, err);

			free(sql);
			if (r < 0) {
				/* Say which file failed. */
				if (err && err->where[0] == '\0')
					brul_err_set(err, path, 0, 0, "%s",
						     err->msg);
				goto unlock;
			}
			done++;
			if (fn)
				fn(ctx, m[i].name);
		} else {
			free(sql);
		}
	}
	rc = done;
unlock:
	brul_db_exec(db, "SELECT pg_advisory_unlock(" LOCK_KEY ")", NULL);
out:
	free(m);
	return rc;
}

/*
 * shard.c: see shard.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sbuf.h"
#include "db/shard.h"

/* libpq's options a foreign server takes (user and password go to the
 * user mapping; the rest are the client's own business). */
static const char *const server_opts[] = {
	"host", "hostaddr", "port", "dbname", "connect_timeout", "sslmode",
	"sslrootcert", "sslcert", "sslkey", "sslcrl", "target_session_attrs",
	NULL
};

void
brul_shards_free(struct brul_shards *s)
{
	for (int i = 0; i < s->n; i++) {
		free(s->v[i].name);
		free(s->v[i].conninfo);
		for (int k = 0; k < s->v[i].nsites; k++)
			free(s->v[i].sites[k]);
		free(s->v[i].sites);
	}
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

int
brul_shards_read(struct brul_db *db, struct brul_shards *s,
		 struct brul_err *err)
{
	PGresult *res;
	int n;

	s->v = NULL;
	s->n = 0;
	/* A row per shard and site, the shard's rows together. */
	res = brul_db_query(db, "SELECT h.name, h.conninfo, x.site_id, "
	    "count(x.site_id) OVER (PARTITION BY h.name) FROM shards h "
	    "LEFT JOIN shard_sites x ON x.shard = h.name "
	    "ORDER BY h.name, x.site_id", 0, NULL, err);
	if (res == NULL)
		return -1;
	n = PQntuples(res);
	if (n > 0 && (s->v = calloc((size_t)n, sizeof *s->v)) == NULL)
		goto nomem;
	for (int i = 0; i < n; i++) {
		struct brul_shard *h = s->n ? &s->v[s->n - 1] : NULL;

		if (h == NULL || strcmp(h->name, PQgetvalue(res, i, 0)) != 0) {
			h = &s->v[s->n++];
			h->name = strdup(PQgetvalue(res, i, 0));
			h->conninfo = strdup(PQgetvalue(res, i, 1));
			h->sites = calloc((size_t)atoi(PQgetvalue(res, i, 3)) +
					  1, sizeof *h->sites);
			if (!h->name || !h->conninfo || !h->sites)
				goto nomem;
		}
		if (!PQgetisnull(res, i, 2) &&
		    (h->sites[h->nsites++] = strdup(PQgetvalue(res, i,
								2))) == NULL)
			goto nomem;
	}
	PQclear(res);
	return 0;
nomem:
	PQclear(res);
	brul_shards_free(s);
	return brul_err_set(err, NULL, 0, 0, "out of memory");
}

int
brul_shards_find_site(const struct brul_shards *s, const char *site,
		      size_t n)
{
	for (int i = 0; i < s->n; i++)
		for (int k = 0; k < s->v[i].nsites; k++)
			if (strlen(s->v[i].sites[k]) == n &&
			    memcmp(s->v[i].sites[k], site, n) == 0)
				return i;
	return -1;
}

/* A shard's name makes identifiers: brul_shard_NAME, telemetry_on_NAME. */
static int
name_ok(const char *name)
{
	size_t n = strlen(name);

	return n > 0 && n <= 32 &&
	    strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_") == n &&
	    !(name[0] >= '0' && name[0] <= '9');
}

/* s += 'v', quoted as a literal; 0 or -1. */
static int
literal(struct brul_db *db, struct brul_sbuf *s, const char *v)
{
	char *q = PQescapeLiteral(brul_db_conn(db), v, strlen(v));

	if (q == NULL)
		return -1;
	brul_sbuf_str(s, q);
	PQfreemem(q);
	return 0;
}

/* The checks on the coordinator: each site known, on no other shard, its
 * telemetry not held here. */
static int
sites_free(struct brul_db *db, const char *name, const char *const *sites,
	   int nsites, struct brul_err *err)
{
	for (int i = 0; i < nsites; i++) {
		const char *p[] = { sites[i], name };
		PGresult *res = brul_db_query(db, "SELECT "
		    "EXISTS (SELECT 1 FROM sites WHERE site_id = $1), "
		    "(SELECT shard FROM shard_sites WHERE site_id = $1 AND "
		    "shard <> $2), "
		    "EXISTS (SELECT 1 FROM telemetry_hourly_here WHERE "
		    "site_id = $1)", 2, p, err);
		int rc = 0;

		if (res == NULL)
			return -1;
		if (*PQgetvalue(res, 0, 0) != 't')
			rc = brul_err_set(err, NULL, 0, 0, "site %s is not in "
			    "sites: load the fleet first", sites[i]);
		else if (!PQgetisnull(res, 0, 1))
			rc = brul_err_set(err, NULL, 0, 0, "site %s is on "
			    "shard %s already", sites[i],
			    PQgetvalue(res, 0, 1));
		else if (*PQgetvalue(res, 0, 2) == 't')
			rc = brul_err_set(err, NULL, 0, 0, "site %s has "
			    "telemetry in this database: move it to the "
			    "shard first (brul-scale(7), \"Moving a site\")",
			    sites[i]);
		PQclear(res);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* The same server and database twice would be a shard of itself. */
static int
not_self(struct brul_db *db, struct brul_db *shard, struct brul_err *err)
{
	static const char who[] = "SELECT system_identifier || '/' || "
	    "current_setting('port') || '/' || current_database() "
	    "FROM pg_control_system()";
	PGresult *a = brul_db_query(db, who, 0, NULL, err), *b;
	int same;

	if (a == NULL)
		return -1;
	if ((b = brul_db_query(shard, who, 0, NULL, err)) == NULL) {
		PQclear(a);
		return -1;
	}
	same = strcmp(PQgetvalue(a, 0, 0), PQgetvalue(b, 0, 0)) == 0;
	PQclear(a);
	PQclear(b);
	if (same)
		return brul_err_set(err, NULL, 0, 0, "the shard is this "
		    "database: give another server's or database's");
	return 0;
}

/* CREATE SERVER and USER MAPPING for the shard, from the options its
 * connection really has (the loader's environment, PGHOST and the like,
 * is not the server's). */
static int
fdw_server(struct brul_db *db, struct brul_db *shard, const char *name,
	   struct brul_sbuf *s)
{
	PQconninfoOption *o = PQconninfo(brul_db_conn(shard)), *p;
	const char *sep = "";

	if (o == NULL)
		return -1;
	brul_sbuf_fmt(s, "CREATE SERVER brul_shard_%s FOREIGN DATA WRAPPER "
		      "postgres_fdw OPTIONS (", name);
	for (p = o; p->keyword; p++) {
		int take = 0;

		for (int i = 0; server_opts[i]; i++)
			take |= strcmp(p->keyword, server_opts[i]) == 0;
		if (!take || p->val == NULL || *p->val == '\0')
			continue;
		brul_sbuf_fmt(s, "%s%s ", sep, p->keyword);
		if (literal(db, s, p->val) < 0)
			goto fail;
		sep = ", ";
	}
	/* Scans of several shards run at once; rows come in big batches;
	 * a row shipped costs what PostgreSQL 17 says it does (15's 0.01
	 * makes the planner aggregate here what the shard could). */
	brul_sbuf_fmt(s, "%sasync_capable 'true', fetch_size '10000', "
		      "fdw_tuple_cost '0.2');\n"
		      "CREATE USER MAPPING FOR PUBLIC SERVER brul_shard_%s "
		      "OPTIONS (user ", sep, name);
	if (literal(db, s, PQuser(brul_db_conn(shard))) < 0)
		goto fail;
	if (PQpass(brul_db_conn(shard)) && *PQpass(brul_db_conn(shard))) {
		brul_sbuf_str(s, ", password ");
		if (literal(db, s, PQpass(brul_db_conn(shard))) < 0)
			goto fail;
	}
	brul_sbuf_str(s, ");\n");
	PQconninfoFree(o);
	return 0;
fail:
	PQconninfoFree(o);
	return -1;
}

/* The foreign partitions for every site the shard has: dropped and made
 * again when it gets more. */
static int
partitions(struct brul_db *db, const char *name, struct brul_sbuf *s,
	   struct brul_err *err)
{
	static const char *const tables[] = { "telemetry",
					      "telemetry_hourly" };
	PGresult *res;
	const char *p[] = { name };
	int n;

	res = brul_db_query(db, "SELECT site_id FROM shard_sites WHERE "
			    "shard = $1 ORDER BY site_id", 1, p, err);
	if (res == NULL)
		return -1;
	n = PQntuples(res);
	for (int t = 0; t < 2; t++) {
		brul_sbuf_fmt(s, "DROP FOREIGN TABLE IF EXISTS %s_on_%s;\n"
			      "CREATE FOREIGN TABLE %s_on_%s PARTITION OF %s "
			      "FOR VALUES IN (", tables[t], name, tables[t],
			      name, tables[t]);
		for (int i = 0; i < n; i++) {
			if (i)
				brul_sbuf_str(s, ", ");
			if (literal(db, s, PQgetvalue(res, i, 0)) < 0) {
				PQclear(res);
				return brul_err_set(err, NULL, 0, 0,
						    "out of memory");
			}
		}
		brul_sbuf_fmt(s, ") SERVER brul_shard_%s OPTIONS (table_name "
			      "'%s_here');\n", name, tables[t]);
	}
	PQclear(res);
	return 0;
}

struct told {
	brul_migrate_fn *fn;
	void *ctx;
	const char *shard;
};

static void
tell(void *ctx, const char *file)
{
	struct told *t = ctx;
	char line[300];

	snprintf(line, sizeof line, "%s on shard %s", file, t->shard);
	t->fn(t->ctx, line);
}

int
brul_shard_add(struct brul_db *db, const char *name, const char *conninfo,
	       const char *const *sites, int nsites, brul_migrate_fn *fn,
	       void *ctx, struct brul_err *err)
{
	struct brul_db *shard = NULL;
	struct brul_sbuf s = { 0 };
	PGresult *res = NULL;
	const char *p[] = { name, conninfo };
	struct told told = { fn, ctx, name };
	int rc = -1, known;

	if (!name_ok(name))
		return brul_err_set(err, NULL, 0, 0, "shard name %s: expected "
		    "up to 32 lowercase letters, digits and _, not starting "
		    "with a digit", name);
	if (brul_db_schema_check(db, err) < 0 ||
	    sites_free(db, name, sites, nsites, err) < 0)
		return -1;
	res = brul_db_query(db, "SELECT conninfo = $2 FROM shards WHERE "
			    "name = $1", 2, p, err);
	if (res == NULL)
		return -1;
	known = PQntuples(res) > 0;
	if (known && *PQgetvalue(res, 0, 0) != 't') {
		PQclear(res);
		return brul_err_set(err, NULL, 0, 0, "shard %s is at another "
		    "address already", name);
	}
	PQclear(res);
	if ((shard = brul_db_open(conninfo, "brul-load", err)) == NULL) {
		snprintf(err->where, sizeof err->where, "shard %s", name);
		return -1;
	}
	if (not_self(db, shard, err) < 0 ||
	    brul_migrate(shard, NULL, fn ? tell : NULL, &told, err) < 0)
		goto out;
	brul_sbuf_str(&s, "BEGIN;\nSET LOCAL client_min_messages = warning;\n"
		      "CREATE EXTENSION IF NOT EXISTS postgres_fdw;\n"
		      /* a GROUP BY of the site's rows runs on the shard */
		      "DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET "
		      "enable_partitionwise_aggregate = on', "
		      "current_database()); END $$;\n");
	if (!known) {
		if (fdw_server(db, shard, name, &s) < 0)
			goto nomem;
		brul_sbuf_str(&s, "INSERT INTO shards (name, conninfo) "
			      "VALUES (");
		if (literal(db, &s, name) < 0)
			goto nomem;
		brul_sbuf_str(&s, ", ");
		if (literal(db, &s, conninfo) < 0)
			goto nomem;
		brul_sbuf_str(&s, ");\n");
	}
	for (int i = 0; i < nsites; i++) {
		brul_sbuf_str(&s, "INSERT INTO shard_sites VALUES (");
		if (literal(db, &s, sites[i]) < 0)
			goto nomem;
		brul_sbuf_str(&s, ", ");
		if (literal(db, &s, name) < 0)
			goto nomem;
		brul_sbuf_str(&s, ") ON CONFLICT DO NOTHING;\n");
	}
	if (s.oom)
		goto nomem;
	if (brul_db_exec(db, s.s, err) < 0)
		goto out;
	s.n = 0;
	s.s[0] = '\0';
	if (partitions(db, name, &s, err) < 0)
		goto out;
	if (s.oom)
		goto nomem;
	if (brul_db_exec(db, s.s, err) < 0 ||
	    brul_db_exec(db, "COMMIT", err) < 0)
		goto out;
	rc = 0;
	goto out;
nomem:
	brul_err_set(err, NULL, 0, 0, "out of memory");
out:
	if (rc < 0)
		brul_db_rollback(db);
	free(s.s);
	brul_db_close(shard);
	return rc;
}

int
brul_shards_migrate(struct brul_db *db, brul_migrate_fn *fn, void *ctx,
		    struct brul_err *err)
{
	struct brul_shards s;
	int rc = 0;

	if (brul_shards_read(db, &s, err) < 0)
		return -1;
	for (int i = 0; i < s.n && rc == 0; i++) {
		struct told t = { fn, ctx, s.v[i].name };
		struct brul_db *h = brul_db_open(s.v[i].conninfo, "brul-load",
						 err);

		if (h == NULL || brul_migrate(h, NULL, fn ? tell : NULL, &t,
					      err) < 0) {
			snprintf(err->where, sizeof err->where, "shard %s",
				 s.v[i].name);
			rc = -1;
		}
		brul_db_close(h);
	}
	brul_shards_free(&s);
	return rc;
}

struct dropped {
	brul_retain_fn *fn;
	void *ctx;
	const char *shard;
};

static void
dropped(void *ctx, const char *name, const char *parent, int64_t lo,
	int64_t hi)
{
	struct dropped *d = ctx;
	char where[300];

	snprintf(where, sizeof where, "%s on shard %s", parent, d->shard);
	d->fn(d->ctx, name, where, lo, hi);
}

int
brul_shards_retain(struct brul_db *db, int64_t cutoff, int dry,
		   brul_retain_fn *fn, void *ctx, struct brul_err *err)
{
	struct brul_shards s;
	int total = 0;

	if (brul_shards_read(db, &s, err) < 0)
		return -1;
	for (int i = 0; i < s.n && total >= 0; i++) {
		struct dropped d = { fn, ctx, s.v[i].name };
		struct brul_db *h = brul_db_open(s.v[i].conninfo, "brul-load",
						 err);
		int n = h ? brul_retain(h, cutoff, dry, fn ? dropped : NULL,
					&d, err) : -1;

		if (n < 0) {
			snprintf(err->where, sizeof err->where, "shard %s",
				 s.v[i].name);
			total = -1;
		} else {
			total += n;
		}
		brul_db_close(h);
	}
	brul_shards_free(&s);
	if (total > 0 && !dry &&
	    brul_db_exec(db, "NOTIFY brul_retention", err) < 0)
		return -1;
	return total;
}

int
brul_shard_usage(struct brul_db *db, int64_t *rows, int64_t *bytes,
		 struct brul_err *err)
{
	PGresult *res = brul_db_query(db, "SELECT (SELECT coalesce(sum("
	    "samples), 0) FROM telemetry_hourly_here WHERE hour >= coalesce("
	    "(SELECT dropped_before FROM retention WHERE table_name = "
	    "'telemetry_here'), '-infinity')), (SELECT coalesce(sum("
	    "pg_total_relation_size(relid)), 0) FROM (SELECT relid FROM "
	    "pg_partition_tree('telemetry_here') UNION ALL SELECT relid FROM "
	    "pg_partition_tree('telemetry_hourly_here')) AS t)", 0, NULL, err);

	if (res == NULL)
		return -1;
	*rows = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	*bytes = strtoll(PQgetvalue(res, 0, 1), NULL, 10);
	PQclear(res);
	return 0;
}

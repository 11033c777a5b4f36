/*
 * retain.c: see retain.h.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/retain.h"

int
brul_retain(struct brul_db *db, int64_t cutoff, int dry, brul_retain_fn *fn,
	    void *ctx, struct brul_err *err)
{
	char arg[32];
	const char *p[] = { arg };
	PGresult *res;
	int n, rc = -1;

	snprintf(arg, sizeof arg, "%" PRId64, cutoff);
	if (brul_db_schema_check(db, err) < 0 ||
	    brul_db_exec(db, "BEGIN", err) < 0)
		return -1;
	/* The bounds, read back from the partition's definition:
	 * FOR VALUES FROM ('...') TO ('...'). */
	res = brul_db_query(db,
	    "SELECT name, parent, extract(epoch FROM lo)::bigint, "
	    "  extract(epoch FROM hi)::bigint FROM ("
	    "  SELECT c.relname AS name, p.relname AS parent, "
	    "    substring(pg_get_expr(c.relpartbound, c.oid) "
	    "      FROM 'FROM \\(''([^'']+)''\\)')::timestamptz AS lo, "
	    "    substring(pg_get_expr(c.relpartbound, c.oid) "
	    "      FROM 'TO \\(''([^'']+)''\\)')::timestamptz AS hi "
	    "  FROM pg_inherits i "
	    "  JOIN pg_class c ON c.oid = i.inhrelid "
	    "  JOIN pg_class p ON p.oid = i.inhparent "
	    "  WHERE i.inhparent IN ('telemetry_here'::regclass, "
	    "                        'string_telemetry'::regclass)) AS x "
	    "WHERE hi <= to_timestamp($1) ORDER BY parent, lo", 1, p, err);
	if (res == NULL)
		goto out;
	n = PQntuples(res);
	for (int i = 0; i < n; i++) {
		const char *name = PQgetvalue(res, i, 0);

		if (!dry) {
			char *id = PQescapeIdentifier(brul_db_conn(db), name,
						      strlen(name));
			char sql[300];

			if (id == NULL) {
				brul_err_set(err, NULL, 0, 0, "out of memory");
				goto out;
			}
			const char *rp[] = { PQgetvalue(res, i, 1),
					     PQgetvalue(res, i, 3) };
			PGresult *r;

			snprintf(sql, sizeof sql, "DROP TABLE %s", id);
			PQfreemem(id);
			if (brul_db_exec(db, sql, err) < 0)
				goto out;
			/* What is gone, for loads to refuse rows of it. */
			r = brul_db_query(db, "INSERT INTO retention "
			    "(table_name, dropped_before) VALUES "
			    "($1, to_timestamp($2)) ON CONFLICT (table_name) "
			    "DO UPDATE SET dropped_before = greatest("
			    "retention.dropped_before, EXCLUDED.dropped_before)",
			    2, rp, err);
			if (r == NULL)
				goto out;
			PQclear(r);
		}
	}
	/* Listeners (brul-serve's remembered answers) hear of it with the
	 * commit. */
	if (!dry && n > 0 &&
	    brul_db_exec(db, "NOTIFY brul_retention", err) < 0)
		goto out;
	if (brul_db_exec(db, dry ? "ROLLBACK" : "COMMIT", err) < 0)
		goto out;
	/* Told only once it is done. */
	for (int i = 0; fn && i < n; i++)
		fn(ctx, PQgetvalue(res, i, 0), PQgetvalue(res, i, 1),
		   strtoll(PQgetvalue(res, i, 2), NULL, 10),
		   strtoll(PQgetvalue(res, i, 3), NULL, 10));
	rc = n;
out:
	PQclear(res);
	if (rc < 0)
		brul_db_rollback(db);
	return rc;
}

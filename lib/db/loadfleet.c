/*
 * loadfleet.c: a fleet file (sites, systems, strings, batteries) against
 * the fleet the database holds.
 *
 * Every other row refers to the fleet, and a row of it is replaced when
 * its key is loaded again, as a correction.  But another fleet under the
 * same ids (another seed's batteries, another site's plan) would replace
 * it silently, and with it what every telemetry row means.  So a fleet
 * row whose key the table has is checked first: it differs when a value
 * the table holds is not the file's (filling in what the table lacks, as
 * a removal date, is not a difference).  Rows that differ are refused,
 * all of the transaction with them, unless the load was told to replace
 * them (--replace); then they are counted.  A reload of the same file
 * differs in nothing and goes through.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/sbuf.h"
#include "db/loadint.h"

/* The staged rows (the last of a repeated key) that differ from the
 * table's: their count, the first one's line, key, column and values. */
static char *
differ_sql(const struct brul_load_job *j, const struct column *c, int n)
{
	struct brul_sbuf s = { 0 };
	const char *k = j->k->key;

	brul_sbuf_fmt(&s, "WITH s AS (SELECT DISTINCT ON (%s) * FROM " STAGE
	    " ORDER BY %s, brul_line DESC) SELECT count(*) OVER (), "
	    "s.brul_line, s.%s::text", k, k, k);
	for (int pass = 0; pass < 3; pass++) {
		brul_sbuf_str(&s, ", CASE");
		for (int i = 0; i < n; i++)
			if (!brul_load_in_key(k, c[i].name))
				brul_sbuf_fmt(&s, " WHEN d.%s IS DISTINCT FROM "
				    "s.%s AND d.%s IS NOT NULL THEN %s%s%s",
				    c[i].name, c[i].name, c[i].name,
				    pass == 0 ? "'" : pass == 1 ? "d." : "s.",
				    c[i].name, pass == 0 ? "'" : "::text");
		brul_sbuf_str(&s, " END");
	}
	brul_sbuf_fmt(&s, " FROM s JOIN %s d USING (%s) WHERE false",
	    j->k->table, k);
	for (int i = 0; i < n; i++)
		if (!brul_load_in_key(k, c[i].name))
			brul_sbuf_fmt(&s, " OR (d.%s IS DISTINCT FROM s.%s AND "
			    "d.%s IS NOT NULL)", c[i].name, c[i].name,
			    c[i].name);
	brul_sbuf_str(&s, " ORDER BY s.brul_line LIMIT 1");
	if (s.oom) {
		free(s.s);
		return NULL;
	}
	return s.s;
}

int
brul_load_fleet_check(struct brul_load_job *j, const struct column *c,
		      int n, struct brul_err *err)
{
	PGresult *res;
	char *sql;
	uint64_t count;

	if (!j->k->fleet)
		return 0;
	if ((sql = differ_sql(j, c, n)) == NULL)
		return brul_err_set(err, NULL, 0, 0, "out of memory");
	res = brul_db_query(j->db, sql, 0, NULL, err);
	free(sql);
	if (res == NULL)
		return -1;
	if (PQntuples(res) == 0) {
		PQclear(res);
		return 0;
	}
	count = strtoull(PQgetvalue(res, 0, 0), NULL, 10);
	if (j->o->replace) {
		j->st->replaced += count;
		PQclear(res);
		return 0;
	}
	brul_err_set(err, j->name, strtol(PQgetvalue(res, 0, 1), NULL, 10), 0,
	    "%" PRIu64 " %s from the database's (%s %s: %s is %s there, "
	    "%s here), as another fleet's would: nothing was replaced "
	    "(--replace replaces what differs)", count, count == 1 ?
	    "row differs" : "rows differ", j->k->key, PQgetvalue(res, 0, 2),
	    PQgetvalue(res, 0, 3), PQgetvalue(res, 0, 4),
	    PQgetisnull(res, 0, 5) ? "missing" : PQgetvalue(res, 0, 5));
	PQclear(res);
	return -1;
}

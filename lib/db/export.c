/*
 * export.c: see export.h.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timefmt.h"
#include "db/export.h"

#define ISO "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'"

struct kind {
	const char *name;
	const char *select;	/* the columns, as the stream has them */
	const char *from, *time, *order;
	int by_date;		/* time is a date column */
};

static const struct kind kinds[] = {
	{ "telemetry",
	  "to_char(ts, " ISO ") AS ts, battery_id, string_id, "
	  "round(voltage_v::numeric, 3) AS voltage_v, "
	  "round(current_a::numeric, 2) AS current_a, "
	  "round(temperature_c::numeric, 1) AS temperature_c, "
	  "round(resistance_mohm::numeric, 2) AS resistance_mohm",
	  "telemetry", "ts", "ts, battery_id", 0 },
	{ "predictions",
	  "battery_id, to_char(date, 'YYYY-MM-DD') AS date, "
	  "round(rul_days::numeric, 1) AS rul_days, "
	  "round(rul_p10_days::numeric, 1) AS rul_p10_days, "
	  "round(rul_p90_days::numeric, 1) AS rul_p90_days, "
	  "round(p_fail_30d::numeric, 4) AS p_fail_30d, "
	  "round(p_fail_90d::numeric, 4) AS p_fail_90d, "
	  "round(p_fail_180d::numeric, 4) AS p_fail_180d, risk, model_id",
	  "predictions", "date", "date, battery_id, model_id", 1 },
	{ "alerts",
	  "to_char(ts, " ISO ") AS ts, alert_id, event, kind, severity, "
	  "site_id, string_id, battery_id, value, threshold, "
	  "to_char(ts_open, " ISO ") AS ts_open, "
	  "to_char(ts_clear, " ISO ") AS ts_clear, message",
	  "alert_events", "ts", "ts, alert_id, event", 0 },
};

static const struct kind *
kind_find(const char *name)
{
	for (size_t i = 0; name && i < sizeof kinds / sizeof kinds[0]; i++)
		if (strcmp(kinds[i].name, name) == 0)
			return &kinds[i];
	return NULL;
}

int
brul_export_kind_known(const char *kind)
{
	return kind_find(kind) != NULL;
}

/* A time bound as an SQL literal of the kind's time column; for a date
 * column, the day that starts at or after t (rows "at or after t" and
 * "before t" are the days that start so). */
static void
bound(char *buf, size_t n, const struct kind *k, int64_t t)
{
	char s[BRUL_TIME_LEN + 1];

	if (k->by_date) {
		int64_t day = t >= 0 ? (t + BRUL_DAY - 1) / BRUL_DAY :
		    -(-t / BRUL_DAY);

		s[brul_date_format(s, day)] = '\0';
		snprintf(buf, n, "'%s'::date", s);
	} else {
		s[brul_time_format(s, t)] = '\0';
		snprintf(buf, n, "'%s'::timestamptz", s);
	}
}

int
brul_export(struct brul_db *db, const char *kind,
	    const struct brul_export_opts *o, struct brul_out *out,
	    uint64_t *rows, struct brul_err *err)
{
	const struct kind *k = kind_find(kind);
	PGconn *c = brul_db_conn(db);
	char *sql, *lit = NULL, since[64], until[64];
	const char *and = " WHERE ";
	PGresult *res;
	size_t len;
	char *row;
	int n, rc = 0;

	*rows = 0;
	if (k == NULL)
		return brul_err_set(err, NULL, 0, 0, "cannot export %s", kind);
	if (brul_db_schema_check(db, err) < 0)
		return -1;
	if (o->battery && (lit = PQescapeLiteral(c, o->battery,
						 strlen(o->battery))) == NULL)
		return brul_db_fail(db, NULL, err);
	len = strlen(k->select) + 512 + (lit ? strlen(lit) : 0);
	if ((sql = malloc(len)) == NULL) {
		PQfreemem(lit);
		return brul_err_set(err, NULL, 0, 0, "out of memory");
	}
	n = snprintf(sql, len, "COPY (SELECT %s FROM %s", k->select, k->from);
	if (o->has_since) {
		bound(since, sizeof since, k, o->since);
		n += snprintf(sql + n, len - (size_t)n, "%s%s >= %s", and,
			      k->time, since);
		and = " AND ";
	}
	if (o->has_until) {
		bound(until, sizeof until, k, o->until);
		n += snprintf(sql + n, len - (size_t)n, "%s%s < %s", and,
			      k->time, until);
		and = " AND ";
	}
	if (lit)
		n += snprintf(sql + n, len - (size_t)n, "%sbattery_id = %s",
			      and, lit);
	snprintf(sql + n, len - (size_t)n, " ORDER BY %s) TO STDOUT "
		 "(FORMAT csv, HEADER)", k->order);
	PQfreemem(lit);
	res = PQexec(c, sql);
	free(sql);
	if (res == NULL || PQresultStatus(res) != PGRES_COPY_OUT) {
		brul_db_fail(db, res, err);
		PQclear(res);
		return -1;
	}
	PQclear(res);
	while ((n = PQgetCopyData(c, &row, 0)) > 0) {
		if (rc == 0 && brul_out_write(out, row, (size_t)n, err) < 0)
			rc = -1;	/* drain the COPY, then fail */
		*rows += 1;
		PQfreemem(row);
	}
	if (n == -2)
		return brul_db_fail(db, NULL, err);
	while ((res = PQgetResult(c)) != NULL) {
		if (rc == 0 && PQresultStatus(res) != PGRES_COMMAND_OK)
			rc = brul_db_fail(db, res, err);
		PQclear(res);
	}
	if (*rows > 0)
		*rows -= 1;	/* the header */
	return rc;
}

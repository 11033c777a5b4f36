/*
 * export.h: streams back out of the database, as the tools write them, so
 * that what brul-load loaded comes out byte for byte (up to row order)
 * and flows into the next tool.
 *
 * Kinds (brul_export_kinds), each in an order of its own: sites, systems,
 * strings and batteries (by their id), events (by ts_start, scope, kind),
 * labels (by date, battery_id), telemetry (by ts, battery_id),
 * string_telemetry (by ts, string_id), features (by ts, window_s,
 * battery_id), predictions (by date, battery_id, model_id) and alerts
 * (the alert events, by ts, alert_id, event).  twin, whose columns depend
 * on how brul-twin was run, is not exported.
 *
 * The server sends the rows in binary COPY (no text made or parsed on
 * either side); they are written through core/writer.h, as CSV or NDJSON
 * with the columns of brul-formats(5) in its order: numbers with the
 * decimals it gives each column (alerts' value and threshold in their
 * shortest form), times and dates in ISO 8601 UTC, missing values empty or
 * null.  Columns a tool writes only when asked (brul-predict --explain's
 * reason_1 to reason_3) are written when a row selected has a value in
 * one of them, the header and the rows from one snapshot.  Memory does
 * not grow with the rows.
 *
 * Ownership: nothing to free; the brul_out stays the caller's.
 */
#ifndef BRUL_EXPORT_H
#define BRUL_EXPORT_H

#include <stdint.h>

#include "core/err.h"
#include "core/format.h"
#include "core/stream.h"
#include "db/db.h"

struct brul_export_opts {
	int64_t since, until;	/* [since, until) in Unix seconds, when set */
	int has_since, has_until;
	const char *battery;	/* only this battery, or NULL */
	enum brul_format format;	/* CSV (AUTO too) or NDJSON */
};

/* What a kind's rows can be selected by. */
#define BRUL_EXPORT_BY_TIME	1	/* --since, --until */
#define BRUL_EXPORT_BY_BATTERY	2	/* --battery */

/* The kinds, NULL-terminated. */
const char *const *brul_export_kinds(void);
/* 1 when kind can be exported. */
int brul_export_kind_known(const char *kind);
/* BRUL_EXPORT_BY_* flags: what kind's rows can be selected by (0 for an
 * unknown kind). */
int brul_export_kind_filters(const char *kind);

/* Writes kind's rows to out; *rows gets their count.  0 or -1. */
int brul_export(struct brul_db *db, const char *kind,
		const struct brul_export_opts *o, struct brul_out *out,
		uint64_t *rows, struct brul_err *err);

#endif

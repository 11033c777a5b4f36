/*
 * export.h: streams back out of the database (COPY TO STDOUT), as the
 * tools write them, so that what brul-load loaded comes out byte for byte
 * (up to row order) and flows into the next tool.
 *
 * Kinds: telemetry (ordered by ts, then battery_id), predictions (by date,
 * then battery_id, then model_id) and alerts (the alert events, by ts,
 * then alert_id).  Numbers are written with the decimals brul-formats(5)
 * gives each column; times in ISO 8601 UTC.  CSV only.
 *
 * Ownership: nothing to free; the brul_out stays the caller's.
 */
#ifndef BRUL_EXPORT_H
#define BRUL_EXPORT_H

#include <stdint.h>

#include "core/err.h"
#include "core/stream.h"
#include "db/db.h"

struct brul_export_opts {
	int64_t since, until;	/* [since, until) in Unix seconds, when set */
	int has_since, has_until;
	const char *battery;	/* only this battery, or NULL */
};

/* 1 when kind can be exported. */
int brul_export_kind_known(const char *kind);

/* Writes kind's rows to out; *rows gets their count.  0 or -1. */
int brul_export(struct brul_db *db, const char *kind,
		const struct brul_export_opts *o, struct brul_out *out,
		uint64_t *rows, struct brul_err *err);

#endif

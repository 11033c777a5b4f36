/*
 * load.h: streams into brul's PostgreSQL tables, idempotently and whole.
 *
 * Each stream kind (sites ... events, see brul_load_kinds) has a table
 * and a key.  A file is loaded in one transaction (or, with batch_rows, in
 * transactions of that many rows): rows whose key is already there replace
 * it, rows repeated in the file count once (the last wins), so loading a
 * file twice, or files that overlap, leaves the same rows.  Any error (a bad
 * field, an unknown battery, the server gone) rolls back the transaction in
 * progress: what was committed before it is in the stats.
 *
 * Columns are taken by name from the stream, for those the table has; the
 * key columns and the table's required ones must be there.  Every field is
 * checked against its column's type before it is sent, so a bad one is
 * reported with its file, line and column.  References the database would
 * reject (a battery it has not heard of) are reported with their line too.
 *
 * telemetry takes a faster road: rows newer than what the table holds for
 * their battery go in with binary COPY, grouped by battery in the primary
 * key's order (through a temporary file, in bounded memory); older ones
 * are merged like any other kind.  The hourly rollup is then made right
 * for every battery and hour the file touched, in the same transaction.
 * A telemetry row must name a battery of the batteries table and that
 * battery's string, and be no older than what retention dropped.
 *
 * A fleet file (sites, systems, strings, batteries) whose rows differ from
 * those the table holds under the same keys, as another fleet's would, is
 * refused unless replace is set (loadfleet.c says what differs).
 *
 * Loads of one kind take turns (a session advisory lock per kind): each
 * decides what is new from what was committed when it began.
 *
 * After each commit, NOTIFY brul_<kind> with a JSON payload
 * ({"kind":"telemetry","rows":N,"from":TS,"to":TS}; from and to only for
 * telemetry) tells listeners (brul-serve) that rows arrived.
 *
 * Memory grows with the number of batteries (and the chunk, which is
 * bounded), never with the number of rows.  Ownership: nothing to free.
 */
#ifndef BRUL_LOAD_H
#define BRUL_LOAD_H

#include <stdint.h>

#include "core/err.h"
#include "core/progress.h"
#include "core/reader.h"
#include "db/db.h"

struct brul_load_opts {
	enum brul_format format;	/* of the input; AUTO detects */
	long batch_rows;		/* rows per transaction; 0: the file */
	int replace;			/* fleet rows that differ: replace them
					 * (else refuse them) */
	struct brul_progress *progress;	/* NULL: none */
};

struct brul_load_stats {
	uint64_t rows;		/* records read and sent */
	uint64_t fresh;		/* telemetry: newer than the table's, COPY'd */
	uint64_t same;		/* telemetry: older, in hours found as the
				 * table has them, left alone */
	uint64_t committed;	/* rows in committed transactions */
	long committed_line;	/* input line of the last committed row;
				 * -1 when the rows committed are not a
				 * prefix (shards commit apart) */
	int commits;
	uint64_t uncertain;	/* rows of a transaction whose COMMIT lost the
				 * connection: committed or not, unknown */
	uint64_t replaced;	/* fleet rows that differed, replaced */
	int64_t from, to;	/* telemetry: the times committed span */
	int unreachable;	/* a shard could not be reached, or was lost */
};

/* The kinds, in the order a dataset is loaded (what others refer to
 * first), NULL-terminated. */
const char *const *brul_load_kinds(void);
/* 1 when kind is one of them. */
int brul_load_kind_known(const char *kind);

/* Loads the stream in path ("-" or NULL: stdin) as kind.  0, or -1 with
 * err set (file and line where there is one); *st says what was
 * committed in either case. */
int brul_load_file(struct brul_db *db, const char *kind, const char *path,
		   const struct brul_load_opts *o, struct brul_load_stats *st,
		   struct brul_err *err);

#endif

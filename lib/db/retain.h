/*
 * retain.h: retention: dropping whole month partitions of telemetry and
 * string_telemetry, as TimescaleDB's drop_chunks did.
 *
 * A partition goes when all of it lies before the cutoff (its upper bound
 * is at or before it); one that straddles the cutoff stays whole.  The
 * hourly rollup is a table of its own and keeps those hours.  All drops
 * happen in one transaction.
 *
 * Ownership: nothing to free.
 */
#ifndef BRUL_RETAIN_H
#define BRUL_RETAIN_H

#include <stdint.h>

#include "core/err.h"
#include "db/db.h"

/* Called for each partition dropped (or, dry, that would be): its table,
 * the partitioned table, and its range [lo, hi) in Unix seconds. */
typedef void brul_retain_fn(void *ctx, const char *name, const char *parent,
			    int64_t lo, int64_t hi);

/* Drops (unless dry) the partitions wholly before cutoff (Unix seconds).
 * The number of them, or -1. */
int brul_retain(struct brul_db *db, int64_t cutoff, int dry,
		brul_retain_fn *fn, void *ctx, struct brul_err *err);

#endif

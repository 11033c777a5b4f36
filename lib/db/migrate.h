/*
 * migrate.h: creating and upgrading brul's schema from the versioned SQL
 * files shipped in data/sql/.
 *
 * A migration is a file NNN-name.sql (NNN its version, from 1); the table
 * schema_migrations records each one run, with a checksum of its text.
 * brul_migrate runs, in order, each migration not recorded yet, each in its
 * own transaction with its record, so a failed one leaves the schema as the
 * previous one left it.  Running it again changes nothing.  A session-level
 * advisory lock keeps two migrating loaders from racing.  A recorded
 * migration whose file has changed since is an error: shipped migrations
 * are never edited, the next one is added.
 *
 * Ownership: nothing to free.
 */
#ifndef BRUL_MIGRATE_H
#define BRUL_MIGRATE_H

#include "core/err.h"
#include "db/db.h"

/* Called with the file name of each migration as it is applied. */
typedef void brul_migrate_fn(void *ctx, const char *name);

/* Runs the pending migrations of directory dir (NULL: data/sql found by
 * brul_data_path).  The number applied, or -1. */
int brul_migrate(struct brul_db *db, const char *dir, brul_migrate_fn *fn,
		 void *ctx, struct brul_err *err);

#endif

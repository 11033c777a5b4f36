/*
 * shard.h: sites whose telemetry lives on other PostgreSQL servers.
 *
 * A shard is a brul database of its own (the same schema, migrated by
 * brul_shard_add) that holds the telemetry and hourly rollup of the sites
 * given to it, in its telemetry_here and telemetry_hourly_here.  The
 * coordinator, the database everyone connects to, knows it in shards and
 * shard_sites, and reaches it through postgres_fdw: a foreign server
 * brul_shard_NAME, a user mapping, and two foreign tables attached as
 * partitions of telemetry and telemetry_hourly for the shard's sites, so
 * that reads of the parents see every site.  Loaders write to each
 * shard directly (load.c).
 *
 * Ownership: struct brul_shards is caller storage filled by
 * brul_shards_read and emptied by brul_shards_free.
 */
#ifndef BRUL_SHARD_H
#define BRUL_SHARD_H

#include <stdint.h>

#include "core/err.h"
#include "db/db.h"
#include "db/migrate.h"
#include "db/retain.h"

struct brul_shard {
	char *name;
	char *conninfo;		/* how loaders reach it */
	char **sites;
	int nsites;
};

struct brul_shards {
	struct brul_shard *v;
	int n;
};

/* The coordinator's shards, by name, each with its sites in order. */
int brul_shards_read(struct brul_db *db, struct brul_shards *s,
		     struct brul_err *err);
void brul_shards_free(struct brul_shards *s);
/* The shard holding site (n bytes), or -1 when the coordinator does. */
int brul_shards_find_site(const struct brul_shards *s, const char *site,
			  size_t n);

/* Adds shard name at conninfo with sites (or gives an existing shard
 * more sites): migrates it (fn told of each migration, as brul_migrate),
 * then, in one transaction on the coordinator, records it and attaches
 * its foreign partitions.  Refused: a site unknown, on another shard, or
 * whose telemetry the coordinator holds (it must be moved first); a
 * shard that is the coordinator itself.  0 or -1. */
int brul_shard_add(struct brul_db *db, const char *name,
		   const char *conninfo, const char *const *sites, int nsites,
		   brul_migrate_fn *fn, void *ctx, struct brul_err *err);

/* Brings every shard's schema to this build's (brul_migrate); fn is told
 * of each migration applied, as "FILE on shard NAME".  The first failure stops
 * it, with err naming the shard.  0 or -1. */
int brul_shards_migrate(struct brul_db *db, brul_migrate_fn *fn, void *ctx,
			struct brul_err *err);

/* Retention (brul_retain) on every shard: fn is told of each partition
 * with its parent as "PARENT on shard NAME"; when any was dropped, the
 * coordinator notifies brul_retention, for its listeners.  The number
 * dropped, or -1 with err naming the shard (those before it done). */
int brul_shards_retain(struct brul_db *db, int64_t cutoff, int dry,
		       brul_retain_fn *fn, void *ctx, struct brul_err *err);

/* What a server holds of telemetry: raw rows (the rollup's samples
 * since retention's cutoff) and bytes on disk of the raw rows, the
 * rollup and their indexes.  db: the coordinator or a shard. */
int brul_shard_usage(struct brul_db *db, int64_t *rows, int64_t *bytes,
		     struct brul_err *err);

#endif

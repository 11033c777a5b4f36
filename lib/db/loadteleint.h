/*
 * loadteleint.h: what the files of telemetry's fast way share: its state
 * (struct brul_load_tele), the rows of a chunk, the spills, the hours
 * summed.  loadtele.c reads, routes and commits; loadmarks.c holds what
 * the table already has (each battery's newest row, the partitions);
 * loadsort.c groups the fresh rows by battery through a temporary file;
 * loadspill.c writes COPY data to temporary files and sends it;
 * loadcheck.c checks older rows an hour at a time against the rollup;
 * loadrollup.c makes the hourly rollup right.  Not for tools:
 * brul_load_file is the API.
 */
#ifndef BRUL_LOADTELEINT_H
#define BRUL_LOADTELEINT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/err.h"
#include "core/idtab.h"
#include "db/loadint.h"
#include "db/pgcopy.h"
#include "db/shard.h"

enum { V, I, T, R, NV };	/* the readings: volts, amps, degC, mOhm */

struct trow {
	int64_t ts;
	double v[NV];
	long line;
	int32_t bat;		/* into ids */
	int32_t str;		/* into strs (the battery's); -1: missing */
	unsigned char have;	/* bit k: v[k] present */
};

/* Binary COPY data bound for a temporary file, to be sent later. */
struct spill {
	struct brul_pgcopy b;
	FILE *fp;
	uint64_t rows;
};

/* One battery's rows in the fresh spill: a segment per chunk. */
struct segs {
	uint64_t *off, *len;
	size_t n, cap;
};

/* An hour of one battery's rows, as brul_telemetry_hourly_of sums it. */
struct hour {
	int64_t start;
	int32_t n;		/* rows; 0: no hour open */
	int32_t cnt[3];		/* readings present, per V, I, T */
	double min[3], max[3], sum[3];
	double r;		/* the latest resistance, when has_r */
	int has_r;
	uint64_t digest;	/* the rows' hashes, XORed */
};

/* An hour of one battery's older rows (a reload, an overlap), checked
 * against the rollup's digest before any of them is merged. */
struct ohour {
	int64_t start;
	int64_t top;		/* the latest hour checked this transaction */
	uint64_t digest;
	uint32_t seq;		/* the check's number, in this transaction */
	int32_t n;		/* rows; 0: no hour open */
};

/* An older row as kept in the checks' file until its hour is judged. */
struct orow {
	struct trow w;
	uint32_t seq;
};

/* Made by brul_load_tele_new, freed by brul_load_telemetry_free (both
 * loadmarks.c); arrays indexed by battery have one slot more than ids. */
struct brul_load_tele {
	struct brul_idtab *ids;	/* the batteries the database knows */
	struct brul_idtab *strs;	/* the batteries' strings */
	int32_t *bstr;		/* each battery's, into strs */
	struct brul_idtab *sites;	/* the batteries' sites */
	int32_t *bsite;		/* each battery's, into sites */
	unsigned char *mine;	/* its site is the destination's */
	int64_t floor;		/* rows before it were dropped by retention */
	unsigned present;	/* bit i: the stream has tele_cols[i] */
	int64_t *latest;	/* newest ts the table holds, per battery */
	int64_t *base;		/* the same at the transaction's start */
	int64_t *dlo, *dhi;	/* rows whose hours are recomputed in SQL */
	struct hour *acc;	/* the hour being summed, per battery */
	struct trow *rows;	/* the chunk */
	size_t n, cap;
	uint32_t *order, *end;	/* rows grouped by battery; runs' ends */
	struct trow *run;	/* one battery's run, gathered */
	int64_t *months;	/* months with a partition (y * 12 + m - 1) */
	size_t nmonths, mcap;
	int64_t mlo, mhi;	/* the range of the month last asked about */
	struct brul_pgcopy out;	/* COPY data to send now */
	struct spill fresh;	/* rows to COPY, chunk by chunk */
	uint64_t fresh_bytes;	/* written to it so far */
	struct segs *segs;	/* where each battery's rows are in it */
	struct ohour *oacc;	/* the older rows' hour, per battery */
	unsigned char *tangled;	/* went back to an hour checked: merge all */
	FILE *ofp;		/* the older rows (struct orow) */
	uint64_t orows;		/* in it */
	struct spill checks;	/* the older rows' hours, to check */
	uint32_t nseq;		/* hours in it */
	struct spill old;	/* rows to merge */
	struct spill hourly;	/* rollup rows computed here */
	int64_t tmin, tmax;	/* of the transaction's rows */
	unsigned char *site_tx;	/* per site: rows of it in the transaction */
	unsigned char *site_done;	/* per site: rows of it committed */
};

static inline int
brul_load_oom(struct brul_err *err)
{
	return brul_err_set(err, NULL, 0, 0, "out of memory");
}

/* The start of the hour holding ts. */
static inline int64_t
brul_load_hour_of(int64_t ts)
{
	return ts - ((ts % 3600) + 3600) % 3600;
}

/* loadtele.c */
/* Where row w goes: the COPY (newer than the table's newest for its
 * battery, then *top = its ts) or the check; and its hour: summed here,
 * or recomputed. */
int brul_load_tele_route(struct brul_load_job *j, const struct trow *w,
			 int64_t *top, struct brul_err *err);
/* Row w in binary COPY into c, with its input line when with_line. */
void brul_load_tele_encode(struct brul_load_tele *t, struct brul_pgcopy *c,
			   const struct trow *w, int with_line);

/* loadmarks.c */
/* The batteries fleet (the coordinator) knows, those of the sites dest
 * holds (where: the shard's index in shards, -1 for the coordinator),
 * and the newest row dest has of each; NULL with err set. */
struct brul_load_tele *brul_load_tele_new(struct brul_db *fleet,
					  struct brul_db *dest,
					  const struct brul_shards *shards,
					  int where, struct brul_err *err);
/* Appends v to a text[] literal being built in s (more: not the first),
 * quoted. */
void brul_load_array_add(struct brul_sbuf *s, const char *v, int more);
/* The start of a transaction: what the table held is the base. */
void brul_load_tele_begin(struct brul_load_tele *t);
/* Makes sure the month partition holding ts exists. */
int brul_load_tele_partition(struct brul_load_job *j, int64_t ts,
			     struct brul_err *err);

/* loadsort.c */
/* Routes the chunk's rows, battery by battery, the last of repeated
 * instants winning; past a round's worth of fresh rows, sends them. */
int brul_load_tele_chunk(struct brul_load_job *j, struct brul_err *err);
/* The fresh rows, battery after battery in the primary key's order, in
 * one COPY; the fresh spill is then empty. */
int brul_load_fresh_send(struct brul_load_job *j, struct brul_err *err);

/* loadspill.c */
void brul_load_spill_free(struct spill *s);
/* Writes what s holds in memory to its temporary file (made on first
 * use) and empties the memory. */
int brul_load_spill_flush(struct spill *s, struct brul_err *err);
/* COPY what was spilled (binary, no header) with sql, then empty the
 * spill. */
int brul_load_spill_send(struct brul_load_job *j, struct spill *s,
			 const char *sql, struct brul_err *err);
/* Sends t->out (a COPY's header or trailer) and empties it. */
int brul_load_out_send(struct brul_load_job *j, struct brul_err *err);

/* loadrollup.c */
/* Row w's hash, as brul_telemetry_row_hash computes it in SQL. */
uint64_t brul_load_row_hash(const struct trow *w);
/* Adds row w to its battery's hour (start), the hour before emitted. */
void brul_load_hour_add(struct brul_load_tele *t, const struct trow *w,
			int64_t start);
/* The hours summed here, upserted. */
int brul_load_tele_hourly(struct brul_load_job *j, struct brul_err *err);
/* Recomputes in SQL the hours of rows that were merged, or that fell in
 * an hour the table already had rows in. */
int brul_load_tele_recompute(struct brul_load_job *j, struct brul_err *err);

/* loadcheck.c */
/* Keeps row w, older than the table's newest for its battery, until its
 * hour (start) is checked. */
int brul_load_check_add(struct brul_load_tele *t, const struct trow *w,
			int64_t start, struct brul_err *err);
/* The older rows' hours against the rollup: the rows of an hour that
 * differs from the table's go to the merge (t->old), and the hour to the
 * ones recomputed; the others are left alone. */
int brul_load_check_run(struct brul_load_job *j, struct brul_err *err);
/* The start of a transaction: nothing checked yet. */
void brul_load_check_begin(struct brul_load_tele *t);

#endif

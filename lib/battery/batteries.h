/*
 * batteries.h: the batteries stream (brul-formats(5)) in memory: every
 * battery of a fleet with its site, system, string, position, model,
 * rated capacity, install and removal dates and commissioning resistance.
 *
 * One reader for every tool that needs the fleet (brul-features, brul-twin,
 * brul-alert), so that the stream means the same to all of them.  Only
 * battery_id is always required; a caller names the other columns it
 * needs (the header must have them) and the values it needs (every row
 * must have them).  Whatever is present is checked: ids not empty,
 * capacities and resistances above zero, dates real, a position a whole
 * number from 1, a battery given once, a string at one site.  Errors
 * carry the stream's position ("batteries.csv:12: capacity_ah: not above
 * zero: -5"); brul_batteries_fail gives a caller's own check of a battery
 * the position of its row.
 *
 * Sites, systems, strings and models are interned: numbered 0, 1, 2 ...
 * in order of first sight, as are the batteries.  Memory grows with the
 * batteries, and is the table's.
 *
 * Ownership: brul_batteries_read returns a table freed by
 * brul_batteries_free; the batteries and names it hands out live as long
 * as the table.
 */
#ifndef BRUL_BATTERIES_H
#define BRUL_BATTERIES_H

#include <stddef.h>
#include <stdint.h>
#include "core/err.h"
#include "core/reader.h"

#define BRUL_NO_DAY INT64_MIN

/* The columns besides battery_id, as bits. */
enum {
	BRUL_BAT_SITE = 1 << 0,		/* site_id */
	BRUL_BAT_SYSTEM = 1 << 1,	/* system_id */
	BRUL_BAT_STRING = 1 << 2,	/* string_id */
	BRUL_BAT_POSITION = 1 << 3,	/* position */
	BRUL_BAT_MODEL = 1 << 4,	/* model */
	BRUL_BAT_CAPACITY = 1 << 5,	/* capacity_ah */
	BRUL_BAT_INSTALL = 1 << 6,	/* install_date */
	BRUL_BAT_REMOVED = 1 << 7,	/* removed_date */
	BRUL_BAT_BASELINE = 1 << 8	/* baseline_mohm */
};

struct brul_battery {
	const char *id;			/* NUL-terminated */
	size_t idn;
	int site, system, string, model;	/* numbers; -1: missing */
	long position;			/* 1-based; 0: missing */
	double capacity_ah, baseline_mohm;	/* NAN: missing */
	int64_t install_day, removed_day;	/* BRUL_NO_DAY: missing */
	long line;			/* of its row in the stream */
};

struct brul_batteries;

/* An empty table for the stream r, whose header is checked now.
 * columns: the columns the stream must have; values: those every row
 * must fill (implies the column).  NULL with err. */
struct brul_batteries *brul_batteries_new(struct brul_reader *r,
					  unsigned columns, unsigned values,
					  struct brul_err *err);
/* Reads r's next row into the table: 1 and *b, the battery (valid until
 * the next call); 0 at the end; -1 with err.  A caller can so act on
 * each battery as it comes, as a filter does. */
int brul_batteries_next(struct brul_batteries *t, struct brul_reader *r,
			const struct brul_battery **b, struct brul_err *err);
/* new, then next to the end: every row of r.  NULL with err. */
struct brul_batteries *brul_batteries_read(struct brul_reader *r,
					   unsigned columns, unsigned values,
					   struct brul_err *err);
void brul_batteries_free(struct brul_batteries *t);

/* How many, and battery i (0-based, in the stream's order). */
int brul_batteries_count(const struct brul_batteries *t);
const struct brul_battery *brul_batteries_get(const struct brul_batteries *t,
					      int i);
/* The number of battery id[0..n), or -1. */
int brul_batteries_find(const struct brul_batteries *t, const char *id,
			size_t n);
/* The names behind a battery's numbers (NULL for -1). */
const char *brul_batteries_site(const struct brul_batteries *t, int i);
const char *brul_batteries_system(const struct brul_batteries *t, int i);
const char *brul_batteries_string(const struct brul_batteries *t, int i);
const char *brul_batteries_model(const struct brul_batteries *t, int i);
/* How many sites, systems, strings and models were named. */
int brul_batteries_nsites(const struct brul_batteries *t);
int brul_batteries_nstrings(const struct brul_batteries *t);

/* Sets err to "STREAM:LINE: MSG" at battery b's row; returns -1. */
int brul_batteries_fail(const struct brul_batteries *t,
			const struct brul_battery *b, struct brul_err *err,
			const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif

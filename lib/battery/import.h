/*
 * import.h: a battery monitor's or a test bench's own CSV export read as
 * brul's telemetry (brul-import): its columns found by name below a
 * header of several lines, its units converted, its current signed as
 * brul signs it (discharge negative), its times made UTC; the values
 * checked against what a lead-acid block can read, so that a wrong unit
 * or sign is said, with the line, instead of written.
 *
 * A row at a time: memory does not grow with rows (one line, its fields,
 * a battery's rows of one second, at most 32, and what the checks carry
 * from one row to the next).  Local times are
 * read in the process's time zone (TZ), which the tool sets from --tz:
 * lib/ keeps no zone of its own.
 *
 * Ownership: brul_import_open returns an import freed by
 * brul_import_close; the options (and the strings they point to) must
 * outlive it.  A row's battery_id points into the import and lives until
 * the next call.
 */
#ifndef BRUL_IMPORT_H
#define BRUL_IMPORT_H

#include <stdint.h>

#include "core/err.h"

/* What a column of the export may be mapped to: brul's telemetry columns,
 * the two kinds of time, and an impedance spectrum's extra columns. */
enum brul_import_field {
	BRUL_IMP_TS,		/* an instant: local, or with Z or +hh:mm */
	BRUL_IMP_ELAPSED,	/* time since --start: seconds or h:mm:ss */
	BRUL_IMP_BATTERY,	/* battery_id */
	BRUL_IMP_VOLTAGE,	/* voltage_v */
	BRUL_IMP_CURRENT,	/* current_a */
	BRUL_IMP_TEMP,		/* temperature_c */
	BRUL_IMP_RES,		/* resistance_mohm */
	BRUL_IMP_REACT,		/* reactance_mohm (spectra only) */
	BRUL_IMP_FREQ,		/* frequency_hz (spectra only) */
	BRUL_IMP_NFIELDS
};

#define BRUL_IMPORT_MAX_CURRENT	1000.0	/* A, when no capacity is given */

struct brul_import_opts {
	/* The export's column for each field: a name, or several separated
	 * by '|' (the first the header has is taken); NULL: none. */
	const char *col[BRUL_IMP_NFIELDS];
	/* The unit of each field's column ("mV"), NULL for brul's own. */
	const char *unit[BRUL_IMP_NFIELDS];
	int discharge_positive;	/* the export's discharge current > 0 */
	int64_t start;		/* when elapsed time or row 1 begins */
	int has_start;
	int64_t interval;	/* seconds between rows with no time column */
	const char *battery_id;	/* NULL: from the header or the file name */
	long skip_lines;	/* lines before the header; -1: find it */
	int units_row;		/* a row of units follows the header */
	int cells;		/* 2 V cells the voltage is measured over */
	double capacity_ah;	/* 0: unknown */
	const char *where_col;	/* only rows whose column where_col */
	const char *where_val;	/* holds where_val; NULL: every row */
	const char *missing;	/* a cell holding this has no value */
	int drop_bad;		/* leave out rows no unit makes plausible */
	int keep_held;		/* keep a voltage held over a load step */
	/* From the preamble: the first field of the line (a trailing ':'
	 * dropped) whose second gives the start, or the battery's id. */
	const char *start_key;
	const char *id_key;
	/* The battery's id is the name's digits after this prefix. */
	const char *id_prefix;
};

/* One telemetry row; a missing value is NAN. */
struct brul_import_row {
	int64_t ts;
	const char *battery_id;
	double v[BRUL_IMP_NFIELDS];	/* by field; voltage_v onwards */
};

struct brul_import;

/* Options to their defaults: no columns, units as brul's, discharge
 * negative, 6 cells, the header found by its names. */
void brul_import_opts_init(struct brul_import_opts *o);
/* Applies preset name (digatron, digatron-eis, bboxx, tetra): 0, or -1
 * naming those there are.  Options given after it override it. */
int brul_import_preset(struct brul_import_opts *o, const char *name,
		       struct brul_err *e);
/* "FIELD=Column name" and "FIELD=UNIT": 0, or -1 saying what is wrong. */
int brul_import_set_column(struct brul_import_opts *o, const char *arg,
			   struct brul_err *e);
int brul_import_set_unit(struct brul_import_opts *o, const char *arg,
			 struct brul_err *e);
/* An instant as an export or --start writes it ("2024/03/04 10:49:14 AM",
 * "2017-03-25 07:00:06.900", ISO 8601 with Z or an offset): local times in
 * TZ, fractions of a second dropped.  0, or -1. */
int brul_import_time(const char *s, size_t n, int64_t *t);

/* The output's columns for o: ts, battery_id, voltage_v, current_a,
 * temperature_c, resistance_mohm, then reactance_mohm and frequency_hz
 * when mapped; fields[] says which field each column holds. */
int brul_import_columns(const struct brul_import_opts *o,
			const char **cols, int *fields);

/* Opens path ("-" or NULL: stdin; plain or gzip), reads up to its header
 * and checks that every column mapped is there: NULL with e set when not
 * (naming the missing ones and listing those the file has). */
struct brul_import *brul_import_open(const struct brul_import_opts *o,
				     const char *path, struct brul_err *e);
/* The next row into *row: 1, 0 at the end of the table, -1 with e set
 * (where, line) on a value that cannot be read or is implausible, on time
 * going backwards, or, at the end, on a sign the voltage contradicts.
 * A battery's rows within one second come in the order of the fractions
 * the export wrote, not of its lines. */
int brul_import_next(struct brul_import *im, struct brul_import_row *row,
		     struct brul_err *e);
/* Rows handed out, and rows passed over because they held no value. */
uint64_t brul_import_rows(const struct brul_import *im);
uint64_t brul_import_empty(const struct brul_import *im);
/* Rows whose voltage repeats, to the digit, one the current has stepped
 * away from off charge (by a twentieth of the capacity, or 5 A when it is
 * not given), and the rows after with the same value: a logger's held
 * reading, written empty unless keep_held.  How many, and the line of the
 * first. */
uint64_t brul_import_held(const struct brul_import *im, long *first);
/* Rows left out by drop_bad, and the line of the first. */
uint64_t brul_import_dropped(const struct brul_import *im, long *first);
void brul_import_close(struct brul_import *im);

#endif

/*
 * loadint.h: what load.c (every kind, the merge) and loadtele.c (the fast
 * way for telemetry; its parts share loadteleint.h) share.  Not for tools:
 * brul_load_file is the API.
 */
#ifndef BRUL_LOADINT_H
#define BRUL_LOADINT_H

#include <stdint.h>

#include "core/reader.h"
#include "core/sbuf.h"
#include "db/db.h"
#include "db/load.h"

#define STAGE		"brul_stage"	/* the temporary table merged from */
#define SEND_BYTES	(1 << 20)	/* COPY data sent in pieces of this */
#define MAX_COLS	64

struct ref {
	const char *col, *table;	/* col must be in table (same name) */
};

struct kind {
	const char *name, *table;
	const char *key;	/* the conflict target: "battery_id, ts" */
	const char *part;	/* the column partitioned by month, or NULL */
	struct ref refs[3];
	const char *after;	/* SQL run after the merge, or NULL */
	const char *when;	/* the column that dates a row, for the
				 * range a NOTIFY tells; or NULL */
	struct {
		const char *col;	/* a text column whose values are */
		const char *values;	/* these: "|open|update|clear|" */
	} only;
	int fleet;		/* rows that differ are another fleet's */
};

enum ctype { T_TEXT, T_NUM, T_INT2, T_INT4, T_INT8, T_DATE, T_TIME, T_BOOL };

struct column {
	char name[64];
	enum ctype type;
	int required;		/* NOT NULL without a default */
	int in;			/* the reader's column, or -1 */
};

struct brul_load_tele;

struct brul_load_job {
	struct brul_db *db;
	const struct kind *k;
	const struct brul_load_opts *o;
	struct brul_load_stats *st;
	struct brul_reader *r;
	const char *name;	/* the input's name, for messages */
	struct column col[MAX_COLS];
	int ncol;
	uint64_t batch;		/* rows in the open transaction */
	long line;		/* line of the last row read */
	struct brul_sbuf copy;	/* COPY text not sent yet */
	struct brul_load_tele *t;		/* telemetry's state, or NULL */
	int silent;		/* no NOTIFY at commit: a shard's */
};

/* 1 when name is one of the comma-separated key's columns. */
int brul_load_in_key(const char *key, const char *name);

/* CREATE TEMP TABLE brul_stage like the kind's table, plus brul_line
 * (the input line, which the merge and messages go by), dropped at
 * commit. */
int brul_load_stage_create(struct brul_load_job *j, struct brul_err *err);
/* INSERT the stage's columns c[0..n) into the kind's table, the last line
 * of a repeated key winning, ON CONFLICT replacing what differs. */
int brul_load_stage_merge(struct brul_load_job *j, const struct column *c,
			  int n, struct brul_err *err);
/* BEGIN; and NOTIFY + COMMIT, counting the rows as committed (range: more
 * JSON members for the payload, at most BRUL_LOAD_MEMBERS bytes with the
 * NUL, or NULL). */
#define BRUL_LOAD_MEMBERS 7680
#define BRUL_LOAD_PAYLOAD (BRUL_LOAD_MEMBERS + 128)	/* under 8000 */
int brul_load_tx_begin(struct brul_load_job *j, struct brul_err *err);
int brul_load_tx_commit(struct brul_load_job *j, const char *range,
			struct brul_err *err);

/* Counts the row read (progress too); 1 when it fills the transaction's
 * batch (--batch-rows), so that the caller commits. */
int brul_load_row_done(struct brul_load_job *j);
/* 0, or -1 when f, the value of column col, holds a NUL byte or is not
 * UTF-8 (err at the current line). */
int brul_load_check_text(struct brul_load_job *j, const char *col,
			 struct brul_field f, struct brul_err *err);

/* loadfleet.c: for a fleet kind, the staged rows (columns c[0..n))
 * that differ from the table's are refused (-1, err at the first one's
 * line), or counted in st->replaced when the load replaces them.  0 or
 * -1. */
int brul_load_fleet_check(struct brul_load_job *j, const struct column *c,
			  int n, struct brul_err *err);

/* loadtele.c */
int brul_load_telemetry(struct brul_load_job *j, struct brul_err *err);
/* loadmarks.c */
void brul_load_telemetry_free(struct brul_load_tele *t);

#endif

/*
 * featuresint.h: what the files of brul-features share: the object (struct
 * brul_features), each battery's state (struct bat) with its open window
 * (struct win) and trailing days, the batches of closed rows, the strings.
 * features.c holds the object, its batteries and each sample's update of
 * them; featwindow.c opens a battery's window and closes it into a row;
 * featbatch.c holds closed rows until their window is complete and makes
 * the string comparisons; featio.c reads samples from a reader and writes
 * rows.  Not for tools: features.h is the API.
 */
#ifndef BRUL_FEATURESINT_H
#define BRUL_FEATURESINT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/err.h"
#include "core/reader.h"
#include "ml/features.h"

struct brul_share;

#define GAPS	15		/* recent gaps kept for the sampling interval */
#define NTHR	3		/* temperature thresholds (features.c) */

/* One battery's open window. */
struct win {
	int64_t start, end;	/* [start, end) */
	int64_t rows, nv, ni, nt, nf, nfv, dis_count;
	int64_t above[NTHR];
	double v0, sv, svv, vmin, vmax;	/* sums of v - v0: no cancellation */
	double si, imin, imax;
	double st, tmin, tmax;
	double sfi, sfv;
	double dis_ah, dis_min_v, dis_r;
	double eq_start;
};

struct fday {			/* a day's float current */
	int64_t day, n;
	double s;
};

struct rday {			/* a day's resistance readings */
	int64_t day, n;
	double sx, sy, sxx, sxy;	/* x: days since r_origin */
};

struct bat {
	const char *id;		/* the table's (f->bids) */
	size_t idn;
	int string;		/* index into f->strs; -1: none */
	int64_t order;		/* first appearance; -1: not yet */
	struct bat *succ;	/* the battery whose row followed last time */

	/* from the fleet */
	double cap, baseline, life;
	int has_install;
	int64_t install_ts;
	double float_hi, dis_lo;	/* thresholds in A, from C */

	/* the last sample */
	int have_last, last_dis, dis;
	int64_t last_ts;
	double last_v, last_i;
	double last_t, w_t;	/* last known temperature, its Arrhenius
				 * weight */
	double eq_last;		/* equivalent age at last_ts, days */
	uint32_t gaps[GAPS];
	int ngaps, gap_pos;

	/* trailing state */
	double r_latest, r_first;
	int64_t r_origin;	/* day of the first reading */
	struct rday *rdays;	/* BRUL_FEATURES_R_DAYS, once there is a
				 * reading */
	struct fday fdays[BRUL_FEATURES_TREND_DAYS];
	int64_t fday_cur, fday_end;	/* the day of the last float sample */
	struct fday *fday;		/* and its slot */

	/* the window */
	int open;
	struct batch *batch;
	struct win w;
	int64_t closed_end;	/* end of the last window closed */
};

struct item {
	int64_t order;
	int string;
	struct brul_features_row row;
};

/* Closed rows of one window, waiting for the batteries still inside it. */
struct batch {
	int64_t start;
	int64_t open;		/* batteries with this window open */
	struct item *items;
	size_t n, cap;
	struct batch *next;
};

struct str {
	const char *s;		/* the table's (f->sids) */
	size_t n;
	double sv, st;		/* sums of the block means of a batch */
	int64_t nv, nt;
};

#define ARR_LO	(-400)
#define ARR_HI	800

struct brul_features {
	int64_t window;
	double float_v;

	struct bat **bats;	/* every battery, in order of creation */
	size_t nbats, bats_cap;
	struct brul_idtab *bids;	/* their ids, numbered as bats */
	int64_t nappeared;
	struct bat *prev;	/* the battery of the last sample */

	struct str *strs;
	size_t nstrs, strs_cap;
	struct brul_idtab *sids;	/* their ids, numbered as strs */

	struct batch *head;	/* pending, by ascending start */
	struct batch *spare;	/* emptied batches, for reuse */
	struct batch *ready;	/* being handed out */
	size_t ready_pos;
	int have_clock;
	int64_t clock;		/* the latest window start opened */
	int ended;

	/* the reader bound */
	int c_ts, c_id, c_str, c_v, c_i, c_t, c_r;
	char ts_text[64];
	size_t ts_n;
	int64_t ts_val;
	char i_text[32];	/* the current: one string's blocks share it */
	size_t i_n;
	double i_val;

	struct brul_blockmodel *models;	/* brul_features_load_models */
	int nmodels;
	struct brul_share *share;	/* NULL: every battery */

	/* brul_vrla_arrhenius at each tenth of a degree from ARR_LO / 10 to
	 * ARR_HI / 10 degC, as met (0: not yet): monitors report tenths, and
	 * exp2 per sample was a twentieth of brul-features' time. */
	double arr[ARR_HI - ARR_LO + 1];
};

static inline int64_t
floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static inline int64_t
mod(int64_t a, int64_t b)
{
	return a - floor_div(a, b) * b;
}

static inline int
oom(struct brul_err *err)
{
	return brul_err_set(err, NULL, 0, 0, "out of memory");
}

/* Byte equality of short keys without a call: ids and times are 5 to 30
 * bytes, and this runs twice per row. */
static inline int
same(const char *a, const char *b, size_t n)
{
	uint64_t x, y;

	if (n < 8) {
		uint32_t p, q, r, t;

		if (n < 4) {
			while (n--)
				if (*a++ != *b++)
					return 0;
			return 1;
		}
		/* Two loads that overlap cover 4 to 7 bytes. */
		memcpy(&p, a, 4);
		memcpy(&q, b, 4);
		memcpy(&r, a + n - 4, 4);
		memcpy(&t, b + n - 4, 4);
		return ((p ^ q) | (r ^ t)) == 0;
	}
	for (size_t i = 0; i + 8 <= n; i += 8) {
		memcpy(&x, a + i, 8);
		memcpy(&y, b + i, 8);
		if (x != y)
			return 0;
	}
	memcpy(&x, a + n - 8, 8);
	memcpy(&y, b + n - 8, 8);
	return x == y;
}

/* features.c */
/* The battery of an id from the input: first the one that followed the
 * previous battery last time; NULL: no memory. */
struct bat *brul_features_bat_of(struct brul_features *f, const char *s,
				 size_t n, struct brul_err *err);
/* A battery's first sample: its order, and its string when the sample
 * names one.  0 or -1. */
int brul_features_appear(struct brul_features *f, struct bat *b,
			 const char *str, size_t strn, struct brul_err *err);
/* A sample of b added to its window, the window moved on when the sample
 * is past its end; rd, when not NULL, gives errors a position.  0 or -1. */
int brul_features_add_to(struct brul_features *f, struct bat *b, int64_t ts,
			 double v, double i, double t, double r,
			 const struct brul_reader *rd, struct brul_err *err);

/* featwindow.c */
/* The battery's sampling interval: the median of its recent gaps; NAN
 * before its second sample. */
double brul_features_interval(const struct bat *b);
/* Opens b's window of start, in its batch.  0 or -1. */
int brul_features_open_window(struct brul_features *f, struct bat *b,
			      int64_t start, struct brul_err *err);
/* Closes b's open window into its batch.  0 or -1. */
int brul_features_close_window(struct brul_features *f, struct bat *b,
			       struct brul_err *err);
/* The newest window start moved to start: closes the windows of the
 * batteries fallen silent.  0 or -1. */
int brul_features_close_silent(struct brul_features *f, int64_t start,
			       struct brul_err *err);

/* featbatch.c */
/* The pending batch of window start, made when there is none; NULL: no
 * memory. */
struct batch *brul_features_batch_for(struct brul_features *f,
				      int64_t start);
/* Frees a list of batches. */
void brul_features_free_batches(struct batch *b);

#endif

/*
 * features.h: telemetry to one row of features per battery and window.
 *
 * A struct brul_features takes telemetry samples (brul_features_read from a
 * reader, or brul_features_add) and hands out finished rows
 * (brul_features_next), each the features of one battery over one window of
 * time aligned to UTC (a multiple of the window length since the epoch).
 * Every feature, its unit and its rule is documented in brul-features(1);
 * the comments of struct brul_features_row name them only.
 *
 * Streaming: state is kept per battery (window accumulators, the last
 * sample, 7 daily float-current means, 30 days of resistance readings),
 * never per row.  A battery's window closes when a later sample of that
 * battery falls past its end, when the newest time seen is a whole window
 * beyond it (a battery that fell silent), or at brul_features_end.  Closed
 * rows wait, grouped by window, until no battery is still inside that
 * window or an earlier one, because two features compare a block with its
 * string's other blocks over the same window; then they come out ordered by
 * battery first appearance.  With input ordered by ts across batteries (as
 * every brul stream is) rows come out ordered by window start, then first
 * appearance, and at most about two windows of rows are held.
 *
 * Input rules: per battery, ts must not go backwards (an error naming the
 * battery); a sample for a window already closed because the battery was
 * silent is an error too.  A battery's string is the one of its first
 * sample, else the one --fleet gives it; without either it is a string of
 * its own.
 *
 * Ownership: brul_features_new returns an object freed by
 * brul_features_free.  Rows returned by brul_features_next, and the ids they
 * point to, are the object's and live until the next call on it.  The
 * reader given to brul_features_bind stays the caller's; the object keeps
 * only its column numbers, valid for that reader.
 */
#ifndef BRUL_FEATURES_H
#define BRUL_FEATURES_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/reader.h"
#include "core/writer.h"

#define BRUL_FEATURES_C_AH	100.0	/* C without --fleet */
#define BRUL_FEATURES_FLOAT_C	0.05	/* float: 0 < I <= 0.05 C */
#define BRUL_FEATURES_DIS_C	0.05	/* discharge: I < -0.05 C */
#define BRUL_FEATURES_TREND_DAYS 7
#define BRUL_FEATURES_R_DAYS	30
#define BRUL_FEATURES_R_MEAN_DAYS 7
#define BRUL_FEATURES_MIN_DAYS	3	/* days with data for a slope */

struct brul_features_opts {
	int64_t window;		/* seconds, >= 1 */
	double float_v;		/* set point at 25 degC, V; 0: 13.59
				 * (BRUL_VRLA_FLOAT_V) */
	int share, nshares;	/* with nshares > 1, only the batteries of
				 * that share of the fleet's sites
				 * (battery/share.h): the fleet, loaded
				 * with its site_id, says which */
};

/* One telemetry sample.  Missing numbers are NAN.  The ids are copied. */
struct brul_features_sample {
	int64_t ts;
	const char *battery_id;
	size_t battery_len;	/* > 0 */
	const char *string_id;	/* NULL: none */
	size_t string_len;
	double voltage_v, current_a, temperature_c, resistance_mohm;
};

/* One battery of the fleet.  Missing numbers are NAN. */
struct brul_features_battery {
	const char *battery_id;
	size_t battery_len;	/* > 0 */
	const char *string_id;	/* NULL: none */
	size_t string_len;
	double capacity_ah, baseline_mohm;	/* > 0 when given */
	double life_days;	/* float life to 80 % at 25 degC; > 0 when known */
	int has_install;
	int64_t install_day;	/* days since 1970-01-01 */
};

/* A finished row: missing numbers are NAN. */
struct brul_features_row {
	const char *battery_id;	/* NUL-terminated */
	const char *string_id;	/* NUL-terminated; NULL: none */
	int64_t ts;		/* window start; date is its UTC day */
	int64_t window_s;
	int64_t samples;
	double coverage_pct;
	double v_mean_v, v_min_v, v_max_v, v_sd_v;
	double i_mean_a, i_min_a, i_max_a;
	double t_mean_c, t_min_c, t_max_c;
	double float_v_dev_v, float_i_a, float_i_trend_a_per_day;
	double t_above_30_h, t_above_35_h, t_above_40_h;
	double t_rise_c;
	double r_latest_mohm, r_ratio, r_slope_mohm_per_day;
	double age_days, eq_age_days;
	int64_t dis_count;
	double dis_ah, dis_depth_pct, dis_min_v, dis_r_mohm;
	double v_dev_string_v;
	double life_used_pct;
	double r_ratio_7d;
};

struct brul_features;

struct brul_features *brul_features_new(const struct brul_features_opts *o,
					 struct brul_err *err);
void brul_features_free(struct brul_features *f);

/* Adds a battery of the fleet: its string, capacity (C of the float and
 * discharge thresholds), baseline resistance and install date.  Before any
 * sample of it.  -1 when the id was given before. */
int brul_features_battery(struct brul_features *f,
			  const struct brul_features_battery *b,
			  struct brul_err *err);
/* The block models (battery/blockmodel.h; model and float_life_25c_years
 * required, as in data/models.csv), so that brul_features_load_fleet can
 * give each battery its rated float life.  Before brul_features_load_fleet.  0 or -1. */
int brul_features_load_models(struct brul_features *f,
			      struct brul_reader *r, struct brul_err *err);
/* Every row of a batteries stream, read by battery/batteries.h
 * (capacity_ah, install_date and baseline_mohm columns required, and
 * site_id with a share; string_id and model optional, a model not loaded
 * being an error), each added as it is read, those of other shares
 * noted and left out; errors with the reader's position.  0 or -1. */
int brul_features_load_fleet(struct brul_features *f, struct brul_reader *r,
			     struct brul_err *err);

/* Finds the telemetry columns of r: ts, battery_id, voltage_v, current_a
 * and temperature_c are required (an error names the one missing);
 * string_id and resistance_mohm are optional.  0 or -1. */
int brul_features_bind(struct brul_features *f, struct brul_reader *r,
		       struct brul_err *err);
/* Adds the current record of the reader last bound (with a share, passes
 * over another share's).  Errors carry the reader's position: a missing
 * or malformed ts or battery_id, a malformed number, time going
 * backwards, with a share a battery the fleet did not give.  0 or -1. */
int brul_features_read(struct brul_features *f, struct brul_reader *r,
		       struct brul_err *err);
/* The same for a sample given as values; errors have no position. */
int brul_features_add(struct brul_features *f,
		      const struct brul_features_sample *s,
		      struct brul_err *err);

/* End of input: closes every window, so that brul_features_next hands out
 * all that is left.  No samples may follow.  0, or -1 out of memory. */
int brul_features_end(struct brul_features *f, struct brul_err *err);

/* The next finished row, or NULL when none is ready yet. */
const struct brul_features_row *brul_features_next(struct brul_features *f);

/* The output columns, in order, and how many. */
const char *const *brul_features_columns(int *n);
/* Writes a row in those columns.  0, or -1 on a write error (see
 * brul_writer_err). */
int brul_features_put(struct brul_writer *w,
		      const struct brul_features_row *row);

/* Kernels, exposed for the unit tests. */
/* The least-squares slope of y on x from the sums of n points; NAN when
 * n < 2 or the x are all equal. */
double brul_features_slope(double n, double sx, double sy, double sxx,
			   double sxy);

#endif

/*
 * featio.c: brul-features' streams: a telemetry reader bound (its columns
 * found) and its records read as samples, the time and the current parsed
 * once for the rows that repeat their text; the output columns and a row
 * written in them.
 */
#include <math.h>
#include <string.h>

#include "battery/share.h"
#include "core/idtab.h"
#include "core/num.h"
#include "core/reader.h"
#include "core/timefmt.h"
#include "core/writer.h"
#include "ml/features.h"
#include "ml/featuresint.h"

int
brul_features_bind(struct brul_features *f, struct brul_reader *r,
    struct brul_err *err)
{
	if ((f->c_ts = brul_reader_require(r, "ts", err)) < 0 ||
	    (f->c_id = brul_reader_require(r, "battery_id", err)) < 0 ||
	    (f->c_v = brul_reader_require(r, "voltage_v", err)) < 0 ||
	    (f->c_i = brul_reader_require(r, "current_a", err)) < 0 ||
	    (f->c_t = brul_reader_require(r, "temperature_c", err)) < 0)
		return -1;
	f->c_str = brul_reader_col(r, "string_id");
	f->c_r = brul_reader_col(r, "resistance_mohm");
	f->ts_n = f->i_n = 0;	/* a new reader: forget the cached text */
	return 0;
}

/* A number of the current record: NAN when missing. */
static inline int
num(struct brul_reader *r, int col, double *v, struct brul_err *err)
{
	struct brul_field x = brul_reader_field(r, col);

	*v = NAN;
	if (x.s == NULL)
		return 0;
	if (brul_num_parse(x.s, x.n, v) == 0)
		return 0;
	/* The reader's accessor fails the same way, with the message. */
	return brul_reader_double(r, col, v, err) < 0 ? -1 : 0;
}

static int
missing(struct brul_reader *r, const char *col, struct brul_err *err)
{
	return brul_err_set(err, brul_reader_name(r), brul_reader_line(r), 0,
	    "%s: missing value", col);
}

int
brul_features_read(struct brul_features *f, struct brul_reader *r,
    struct brul_err *err)
{
	struct brul_field ts = brul_reader_field(r, f->c_ts);
	struct brul_field id = brul_reader_field(r, f->c_id);
	struct brul_field st = { NULL, 0 }, cur;
	double v, i, t, res = NAN;
	struct bat *b;

	if (f->ended)
		return brul_err_set(err, NULL, 0, 0, "sample after the end");
	if (ts.s == NULL)
		return missing(r, "ts", err);
	/* Rows of one instant share its text: parse it once. */
	if (ts.n == 0 || ts.n != f->ts_n || !same(ts.s, f->ts_text, ts.n)) {
		f->ts_n = 0;
		if (brul_time_parse(ts.s, ts.n, &f->ts_val) < 0 &&
		    brul_reader_time(r, f->c_ts, &f->ts_val, err) < 0)
			return -1;
		if (ts.n <= sizeof f->ts_text) {
			memcpy(f->ts_text, ts.s, ts.n);
			f->ts_n = ts.n;
		}
	}
	if (id.s == NULL || id.n == 0)
		return missing(r, "battery_id", err);
	if (f->share) {
		if (brul_share_other(f->share, id.s, id.n))
			return 0;
		if (brul_idtab_find(f->bids, id.s, id.n) < 0)
			return brul_err_set(err, brul_reader_name(r),
			    brul_reader_line(r), 0, "battery_id: %.*s is not "
			    "in --fleet, so its share is unknown",
			    (int)id.n, id.s);
	}
	cur = brul_reader_field(r, f->c_i);
	if (cur.s && cur.n && cur.n == f->i_n && same(cur.s, f->i_text, cur.n))
		i = f->i_val;
	else {
		if (num(r, f->c_i, &i, err) < 0)
			return -1;
		f->i_n = 0;
		if (cur.s && cur.n <= sizeof f->i_text) {
			memcpy(f->i_text, cur.s, cur.n);
			f->i_n = cur.n;
			f->i_val = i;
		}
	}
	if (num(r, f->c_v, &v, err) < 0 || num(r, f->c_t, &t, err) < 0 ||
	    (f->c_r >= 0 && num(r, f->c_r, &res, err) < 0))
		return -1;
	if ((b = brul_features_bat_of(f, id.s, id.n, err)) == NULL)
		return -1;
	if (b->order < 0) {
		if (f->c_str >= 0)
			st = brul_reader_field(r, f->c_str);
		if (brul_features_appear(f, b, st.s, st.n, err) < 0)
			return -1;
	}
	return brul_features_add_to(f, b, f->ts_val, v, i, t, res, r, err);
}

static const char *const columns[] = {
	"battery_id", "string_id", "date", "ts", "window_s", "samples",
	"coverage_pct", "v_mean_v", "v_min_v", "v_max_v", "v_sd_v",
	"i_mean_a", "i_min_a", "i_max_a", "t_mean_c", "t_min_c", "t_max_c",
	"float_v_dev_v", "float_i_a", "float_i_trend_a_per_day",
	"t_above_30_h", "t_above_35_h", "t_above_40_h", "t_rise_c",
	"r_latest_mohm", "r_ratio", "r_slope_mohm_per_day", "age_days",
	"eq_age_days", "dis_count", "dis_ah", "dis_depth_pct", "dis_min_v",
	"dis_r_mohm", "v_dev_string_v", "life_used_pct", "r_ratio_7d"
};

const char *const *
brul_features_columns(int *n)
{
	*n = (int)(sizeof columns / sizeof columns[0]);
	return columns;
}

int
brul_features_put(struct brul_writer *w, const struct brul_features_row *x)
{
	int rc = 0;

	rc |= brul_writer_cstr(w, x->battery_id);
	rc |= x->string_id ? brul_writer_cstr(w, x->string_id) :
	    brul_writer_null(w);
	rc |= brul_writer_date(w, floor_div(x->ts, BRUL_DAY));
	rc |= brul_writer_time(w, x->ts);
	rc |= brul_writer_int(w, x->window_s);
	rc |= brul_writer_int(w, x->samples);
	rc |= brul_writer_fixed(w, x->coverage_pct, 1);
	rc |= brul_writer_fixed(w, x->v_mean_v, 4);
	rc |= brul_writer_fixed(w, x->v_min_v, 3);
	rc |= brul_writer_fixed(w, x->v_max_v, 3);
	rc |= brul_writer_fixed(w, x->v_sd_v, 4);
	rc |= brul_writer_fixed(w, x->i_mean_a, 4);
	rc |= brul_writer_fixed(w, x->i_min_a, 3);
	rc |= brul_writer_fixed(w, x->i_max_a, 3);
	rc |= brul_writer_fixed(w, x->t_mean_c, 3);
	rc |= brul_writer_fixed(w, x->t_min_c, 2);
	rc |= brul_writer_fixed(w, x->t_max_c, 2);
	rc |= brul_writer_fixed(w, x->float_v_dev_v, 4);
	rc |= brul_writer_fixed(w, x->float_i_a, 4);
	rc |= brul_writer_fixed(w, x->float_i_trend_a_per_day, 5);
	rc |= brul_writer_fixed(w, x->t_above_30_h, 3);
	rc |= brul_writer_fixed(w, x->t_above_35_h, 3);
	rc |= brul_writer_fixed(w, x->t_above_40_h, 3);
	rc |= brul_writer_fixed(w, x->t_rise_c, 3);
	rc |= brul_writer_fixed(w, x->r_latest_mohm, 3);
	rc |= brul_writer_fixed(w, x->r_ratio, 4);
	rc |= brul_writer_fixed(w, x->r_slope_mohm_per_day, 5);
	rc |= brul_writer_fixed(w, x->age_days, 3);
	rc |= brul_writer_fixed(w, x->eq_age_days, 3);
	rc |= brul_writer_int(w, x->dis_count);
	rc |= brul_writer_fixed(w, x->dis_ah, 3);
	rc |= brul_writer_fixed(w, x->dis_depth_pct, 2);
	rc |= brul_writer_fixed(w, x->dis_min_v, 3);
	rc |= brul_writer_fixed(w, x->dis_r_mohm, 2);
	rc |= brul_writer_fixed(w, x->v_dev_string_v, 4);
	rc |= brul_writer_fixed(w, x->life_used_pct, 2);
	rc |= brul_writer_fixed(w, x->r_ratio_7d, 4);
	rc |= brul_writer_end(w);
	return rc ? -1 : 0;
}

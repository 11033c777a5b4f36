/* test-features.c: the feature kernels (features.h) against values computed
 * by hand: window statistics, float deviation with temperature
 * compensation (the set point itself: test-vrla.c), hours above thresholds, discharges, resistance slope and
 * ratio, Arrhenius equivalent age, the float-current trend, the string
 * comparisons, ordering and the errors. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "battery/vrla.h"
#include "core/timefmt.h"
#include "ml/features.h"
#include "tap.h"

#define T0	((int64_t)1767225600)	/* 2026-01-01T00:00:00Z */
#define H	3600
#define D	86400

struct rows {
	struct brul_features_row r[64];
	char id[64][16], str[64][16];
	int n;
};

static struct brul_features *
make(int64_t window)
{
	struct brul_features_opts o = { .window = window };
	struct brul_err e;
	struct brul_features *f = brul_features_new(&o, &e);

	if (f == NULL)
		abort();
	return f;
}

static int
sample(struct brul_features *f, const char *id, const char *str, int64_t ts,
    double v, double i, double t, double r)
{
	struct brul_features_sample s = {
		.ts = ts, .battery_id = id, .battery_len = strlen(id),
		.string_id = str, .string_len = str ? strlen(str) : 0,
		.voltage_v = v, .current_a = i, .temperature_c = t,
		.resistance_mohm = r,
	};
	struct brul_err e;

	return brul_features_add(f, &s, &e);
}

static void
fleet(struct brul_features *f, const char *id, double cap, double base,
    int64_t install_day)
{
	struct brul_features_battery b = {
		.battery_id = id, .battery_len = strlen(id),
		.capacity_ah = cap, .baseline_mohm = base,
		.has_install = install_day != INT64_MIN,
		.install_day = install_day,
	};
	struct brul_err e;

	if (brul_features_battery(f, &b, &e) < 0)
		abort();
}

/* Collects what is ready (copying the ids, which live only until the next
 * call). */
static void
collect(struct brul_features *f, struct rows *out)
{
	const struct brul_features_row *r;

	while ((r = brul_features_next(f)) != NULL && out->n < 64) {
		out->r[out->n] = *r;
		snprintf(out->id[out->n], sizeof out->id[0], "%s",
		    r->battery_id);
		snprintf(out->str[out->n], sizeof out->str[0], "%s",
		    r->string_id ? r->string_id : "");
		out->r[out->n].battery_id = out->id[out->n];
		out->r[out->n].string_id = r->string_id ? out->str[out->n] :
		    NULL;
		out->n++;
	}
}

static void
finish(struct brul_features *f, struct rows *out)
{
	struct brul_err e;

	collect(f, out);
	if (brul_features_end(f, &e) < 0)
		abort();
	collect(f, out);
	brul_features_free(f);
}

/* The row of battery id starting at ts, or NULL. */
static const struct brul_features_row *
find(const struct rows *rs, const char *id, int64_t ts)
{
	for (int k = 0; k < rs->n; k++)
		if (strcmp(rs->id[k], id) == 0 && rs->r[k].ts == ts)
			return &rs->r[k];
	return NULL;
}

static void
test_kernels(struct tap *t)
{
	/* y = 2x + 1 at x = 0, 1, 2 */
	tap_near(t, brul_features_slope(3, 3, 9, 5, 13), 2, 1e-12,
	    "least-squares slope");
	tap_ok(t, isnan(brul_features_slope(1, 1, 1, 1, 1)),
	    "no slope from one point");
	tap_ok(t, isnan(brul_features_slope(2, 2, 3, 2, 3)),
	    "no slope when every x is the same");
}

static void
test_window(struct tap *t)
{
	struct brul_features *f = make(H);
	struct rows rs = { 0 };
	const struct brul_features_row *r;
	static const double v[] = { 13.0, 13.2, 13.4, 13.6 };
	static const double tc[] = { 20, 30.5, 36, 41 };

	for (int k = 0; k < 4; k++)
		sample(f, "A", "S", T0 + 60 * k, v[k], 0.1 + 0.01 * k, tc[k],
		    NAN);
	sample(f, "A", "S", T0 + 240, NAN, NAN, NAN, NAN);	/* a dropout */
	finish(f, &rs);
	r = find(&rs, "A", T0);
	if (!tap_ok(t, rs.n == 1 && r != NULL, "one row for one window"))
		return;
	tap_streq(t, r->string_id, "S", "string id");
	tap_ok(t, r->samples == 5 && r->window_s == H, "samples and window_s");
	tap_near(t, r->coverage_pct, 4 * 60.0 / 3600 * 100, 1e-9,
	    "coverage: 4 voltages of 60 expected");
	tap_near(t, r->v_mean_v, 13.3, 1e-12, "v_mean");
	tap_near(t, r->v_min_v, 13.0, 0, "v_min");
	tap_near(t, r->v_max_v, 13.6, 0, "v_max");
	tap_near(t, r->v_sd_v, sqrt(0.2 / 3), 1e-12, "v_sd (n - 1)");
	tap_near(t, r->i_mean_a, 0.115, 1e-12, "i_mean");
	tap_near(t, r->i_min_a, 0.1, 0, "i_min");
	tap_near(t, r->i_max_a, 0.13, 0, "i_max");
	tap_near(t, r->t_mean_c, 31.875, 1e-12, "t_mean");
	tap_near(t, r->t_min_c, 20, 0, "t_min");
	tap_near(t, r->t_max_c, 41, 0, "t_max");
	/* 13.0 - 13.68, 13.2 - 13.491, 13.4 - 13.392, 13.6 - 13.32 (clamped) */
	tap_near(t, r->float_v_dev_v, (-0.68 - 0.291 + 0.008 + 0.28) / 4, 1e-12,
	    "float_v_dev: compensated, clamped at 40 degC");
	tap_near(t, r->float_i_a, 0.115, 1e-12, "float_i: every sample floats");
	tap_near(t, r->t_above_30_h, 3 * 60 / 3600.0, 1e-12, "t_above_30");
	tap_near(t, r->t_above_35_h, 2 * 60 / 3600.0, 1e-12, "t_above_35");
	tap_near(t, r->t_above_40_h, 1 * 60 / 3600.0, 1e-12, "t_above_40");
	tap_ok(t, r->dis_count == 0 && r->dis_ah == 0 && isnan(r->dis_min_v) &&
	    isnan(r->dis_r_mohm), "no discharge");
	tap_ok(t, isnan(r->age_days) && isnan(r->eq_age_days) &&
	    isnan(r->dis_depth_pct), "no fleet: no age, no depth");
	tap_ok(t, isnan(r->r_latest_mohm) && isnan(r->r_ratio),
	    "no resistance reading");
	tap_ok(t, isnan(r->v_dev_string_v) && isnan(r->t_rise_c),
	    "a string of one block: nothing to compare with");
}

static void
test_float_v(struct tap *t)
{
	struct brul_features_opts o = { .window = H, .float_v = 13.5 };
	struct brul_err e;
	struct brul_features *f = brul_features_new(&o, &e);
	struct rows rs = { 0 };

	sample(f, "A", NULL, T0, 13.5, 0.1, 25, NAN);
	sample(f, "A", NULL, T0 + 60, 13.6, 0, 25, NAN);	/* resting */
	sample(f, "A", NULL, T0 + 120, 13.7, 6, 25, NAN);	/* > 0.05 C */
	finish(f, &rs);
	tap_near(t, rs.r[0].float_v_dev_v, 0, 1e-12,
	    "--float-v sets the 25 degC set point");
	tap_near(t, rs.r[0].float_i_a, 0.1, 1e-12,
	    "float: 0 < I <= 0.05 C only (C = 100 Ah without a fleet)");
	tap_ok(t, rs.r[0].string_id == NULL, "no string id");
}

static void
test_discharge(struct tap *t)
{
	struct brul_features *f = make(H);
	struct rows rs = { 0 };
	const struct brul_features_row *r;
	static const double v[] = { 13.5, 12.5, 12.3, 12.2, 13.8, 13.6, 12.0,
	    13.7 };
	static const double i[] = { 0.2, -20, -20, -20, 10, -3, -10, 5 };

	fleet(f, "D", 120, NAN, INT64_MIN);
	for (int k = 0; k < 8; k++)
		sample(f, "D", NULL, T0 + 60 * k, v[k], i[k], 25, NAN);
	/* Across a window boundary: 30 s on each side. */
	fleet(f, "E", 100, NAN, INT64_MIN);
	sample(f, "E", NULL, T0 + H - 30, 12, -20, 25, NAN);
	sample(f, "E", NULL, T0 + H + 30, 12, -20, 25, NAN);
	finish(f, &rs);

	r = find(&rs, "D", T0);
	if (!tap_ok(t, r != NULL, "discharge row"))
		return;
	tap_ok(t, r->dis_count == 2,
	    "two discharges (-3 A is above -0.05 C = -6 A)");
	tap_near(t, r->dis_ah, 3 * 20 / 60.0 + 10 / 60.0, 1e-12,
	    "dis_ah: each sample holds until the next");
	tap_near(t, r->dis_depth_pct, (1 + 1 / 6.0) / 120 * 100, 1e-12,
	    "dis_depth: of 120 Ah");
	tap_near(t, r->dis_min_v, 12.0, 0, "dis_min_v");
	tap_near(t, r->dis_r_mohm, (13.6 - 12.0) / (-3 + 10.0) * 1000, 1e-9,
	    "dis_r of the latest discharge: dV/dI over its first step");
	r = find(&rs, "E", T0);
	tap_near(t, r ? r->dis_ah : -1, 20 * 30 / 3600.0, 1e-12,
	    "a held stretch is split at the window end (before)");
	r = find(&rs, "E", T0 + H);
	tap_near(t, r ? r->dis_ah : -1, 20 * 30 / 3600.0, 1e-12,
	    "... and after");
	tap_ok(t, r && r->dis_count == 0,
	    "a discharge goes on: no new start in the next window");
	tap_near(t, r ? r->dis_min_v : 0, 12, 0, "dis_min_v while it goes on");
}

static void
test_resistance(struct tap *t)
{
	struct brul_features *f = make(D);
	struct rows rs = { 0 };
	const struct brul_features_row *r;

	fleet(f, "R", 100, 4.0, INT64_MIN);
	for (int d = 0; d < 4; d++) {
		sample(f, "R", NULL, T0 + d * D, 13.5, 0.1, 25, NAN);
		sample(f, "R", NULL, T0 + d * D + 18 * H, 13.5, 0.1, 25,
		    4.0 + 0.1 * d);
		sample(f, "N", NULL, T0 + d * D + 18 * H, 13.5, 0.1, 25,
		    d == 0 ? 5.0 : NAN);
	}
	/* 41 days of daily readings: the first ten are far off, outside the
	 * trailing 30 days at day 40. */
	for (int d = 0; d <= 40; d++)
		sample(f, "L", NULL, T0 + d * D + 18 * H, 13.5, 0.1, 25,
		    d < 10 ? 10.0 : 3.0 + 0.05 * d);
	finish(f, &rs);

	r = find(&rs, "R", T0 + D);
	tap_ok(t, r && isnan(r->r_slope_mohm_per_day),
	    "no slope from readings on two days");
	r = find(&rs, "R", T0 + 2 * D);
	tap_near(t, r ? r->r_slope_mohm_per_day : 0, 0.1, 1e-9,
	    "slope from three days: 0.1 mOhm/day");
	r = find(&rs, "R", T0 + 3 * D);
	tap_near(t, r ? r->r_latest_mohm : 0, 4.3, 1e-12, "r_latest");
	tap_near(t, r ? r->r_ratio : 0, 4.3 / 4.0, 1e-12,
	    "r_ratio against the fleet's baseline");
	tap_near(t, r ? r->r_ratio_7d : 0, 4.15 / 4.0, 1e-12,
	    "r_ratio_7d: the mean of 4.0 4.1 4.2 4.3 against the baseline");
	r = find(&rs, "N", T0 + 3 * D);
	tap_near(t, r ? r->r_ratio_7d : 0, 1, 1e-12,
	    "r_ratio_7d: one reading, three days old");
	tap_near(t, r ? r->r_latest_mohm : 0, 5.0, 0,
	    "r_latest is carried across windows");
	tap_near(t, r ? r->r_ratio : 0, 1, 1e-12,
	    "r_ratio against the first reading without a baseline");
	r = find(&rs, "L", T0 + 40 * D);
	tap_near(t, r ? r->r_slope_mohm_per_day : 0, 0.05, 1e-9,
	    "slope over the trailing 30 days only");
	/* days 34..40: 3 + 0.05 d, mean 3 + 0.05 * 37 */
	tap_near(t, r ? r->r_ratio_7d : 0, (3 + 0.05 * 37) / 10.0, 1e-12,
	    "r_ratio_7d: the trailing 7 days only");
	r = find(&rs, "L", T0 + 12 * D);
	tap_ok(t, r && r->r_slope_mohm_per_day < 0,
	    "... which at day 12 still holds the old readings");
}

static void
test_age(struct tap *t)
{
	struct brul_features *f = make(D);
	struct rows rs = { 0 };
	const struct brul_features_row *r;
	int64_t day0 = T0 / D;

	fleet(f, "G", 100, NAN, day0 - 10);
	for (int h = 0; h < 24; h++)
		sample(f, "G", NULL, T0 + h * H, 13.5, 0.1, 35, NAN);
	sample(f, "G", NULL, T0 + D, 13.5, 0.1, 15, NAN);
	sample(f, "G", NULL, T0 + D + 12 * H, 13.5, 0.1, NAN, NAN);
	sample(f, "G", NULL, T0 + 2 * D, 13.5, 0.1, 25, NAN);
	finish(f, &rs);
	r = find(&rs, "G", T0);
	tap_near(t, r ? r->age_days : 0, 10, 1e-12, "age_days at the start");
	tap_near(t, r ? r->eq_age_days : 0, 10, 1e-12,
	    "eq_age: days before the first sample count at 25 degC");
	r = find(&rs, "G", T0 + D);
	tap_near(t, r ? r->age_days : 0, 11, 1e-12, "age_days a day later");
	tap_near(t, r ? r->eq_age_days : 0, 12, 1e-12,
	    "eq_age: a day at 35 degC counts two");
	r = find(&rs, "G", T0 + 2 * D);
	tap_near(t, r ? r->eq_age_days : 0, 12.5, 1e-12,
	    "a day at 15 degC counts half (a missing temperature holds the "
	    "last)");
	tap_near(t, r ? r->t_above_30_h : 0, 0, 0, "t_above at 25 degC: 0");
}

/* The Arrhenius weight comes from a table at tenths of a degree: the
 * weight must be exp2's, in the table's range, at its edges and off it. */
static void
test_age_weight(struct tap *t)
{
	static const double temps[] = {
		-40.0, -12.7, -0.1, 0.0, 26.4, 26.5, 79.9, 80.0, 26.45, 80.1,
		-40.1, 120.5
	};
	size_t n = sizeof temps / sizeof temps[0];
	struct brul_features *f = make(D);
	struct rows rs = { 0 };
	const struct brul_features_row *r;
	char id[16];
	int ok = 1;

	for (size_t k = 0; k < n; k++) {
		snprintf(id, sizeof id, "W%zu", k);
		fleet(f, id, 100, NAN, T0 / D - 10);
		sample(f, id, NULL, T0, 13.5, 0.1, temps[k], NAN);
		sample(f, id, NULL, T0 + D, 13.5, 0.1, 25, NAN);
		sample(f, id, NULL, T0 + 2 * D, 13.5, 0.1, 25, NAN);
	}
	finish(f, &rs);
	for (size_t k = 0; k < n; k++) {
		double want = 10 + brul_vrla_arrhenius(temps[k]);

		snprintf(id, sizeof id, "W%zu", k);
		r = find(&rs, id, T0 + D);
		if (r == NULL || fabs(r->eq_age_days - want) > 1e-12 * want) {
			ok = 0;
			printf("#   %g degC: eq_age %.17g, want %.17g\n",
			    temps[k], r ? r->eq_age_days : NAN, want);
		}
	}
	tap_ok(t, ok, "eq_age: a day at each temperature weighs exp2's "
	    "Arrhenius factor, in the table and out of it");
}

static void
test_trend(struct tap *t)
{
	struct brul_features *f = make(D);
	struct rows rs = { 0 };
	const struct brul_features_row *r;

	for (int d = 0; d < 10; d++) {
		double i = d < 3 ? 1.0 : 0.1 + 0.02 * d;

		if (d == 8)
			continue;
		sample(f, "F", NULL, T0 + d * D + 6 * H, 13.5, i, 25, NAN);
		sample(f, "F", NULL, T0 + d * D + 18 * H, 13.5, i, 25, NAN);
	}
	finish(f, &rs);
	r = find(&rs, "F", T0 + D);
	tap_ok(t, r && isnan(r->float_i_trend_a_per_day),
	    "no trend from two days");
	r = find(&rs, "F", T0 + 2 * D);
	tap_near(t, r ? r->float_i_trend_a_per_day : 1, 0, 1e-12,
	    "a flat trend over three days");
	r = find(&rs, "F", T0 + 9 * D);
	tap_near(t, r ? r->float_i_trend_a_per_day : 0, 0.02, 1e-12,
	    "trailing 7 days (3..9, 8 missing): 0.02 A/day");
	tap_near(t, r ? r->t_above_30_h : 1, 0, 0, "t_above: 0");
	tap_near(t, r ? r->coverage_pct : 0, 100, 1e-9,
	    "coverage: two samples 12 h apart fill a day");
}

static void
test_string(struct tap *t)
{
	struct brul_features *f = make(H);
	struct rows rs = { 0 };

	for (int k = 0; k < 3; k++) {
		sample(f, "A", "S", T0 + 60 * k, 13.0, 0.1, 25, NAN);
		sample(f, "B", "S", T0 + 60 * k, 13.4, 0.1, 27, NAN);
		sample(f, "C", NULL, T0 + 60 * k, 13.4, 0.1, 27, NAN);
	}
	sample(f, "A", "S", T0 + H, 13.0, 0.1, 25, NAN);
	/* Rows come out once every battery has left the window. */
	collect(f, &rs);
	tap_ok(t, rs.n == 0, "a window waits for every battery in it");
	sample(f, "B", "S", T0 + H, 13.0, 0.1, 25, NAN);
	sample(f, "C", NULL, T0 + H, 13.0, 0.1, 25, NAN);
	collect(f, &rs);
	tap_ok(t, rs.n == 3, "then it comes out whole");
	tap_ok(t, rs.n == 3 && strcmp(rs.id[0], "A") == 0 &&
	    strcmp(rs.id[1], "B") == 0 && strcmp(rs.id[2], "C") == 0,
	    "in order of first appearance");
	tap_near(t, rs.r[0].v_dev_string_v, -0.2, 1e-12,
	    "v_dev_string: below the string's mean");
	tap_near(t, rs.r[1].v_dev_string_v, 0.2, 1e-12,
	    "v_dev_string: above it");
	tap_near(t, rs.r[0].t_rise_c, -1, 1e-12, "t_rise: cooler");
	tap_near(t, rs.r[1].t_rise_c, 1, 1e-12, "t_rise: warmer");
	tap_ok(t, isnan(rs.r[2].v_dev_string_v), "no string: no comparison");
	finish(f, &rs);
	tap_ok(t, rs.n == 6, "and the last window at the end");
}

static void
test_silent(struct tap *t)
{
	struct brul_features *f = make(H);
	struct rows rs = { 0 };
	struct brul_features_sample s = { .battery_id = "A",
	    .battery_len = 1, .voltage_v = 13, .current_a = 0.1,
	    .temperature_c = 25, .resistance_mohm = NAN };
	struct brul_err e;

	sample(f, "A", NULL, T0, 13, 0.1, 25, NAN);
	sample(f, "B", NULL, T0, 13, 0.1, 25, NAN);
	sample(f, "B", NULL, T0 + H, 13, 0.1, 25, NAN);
	collect(f, &rs);
	tap_ok(t, rs.n == 0, "a battery a window behind is waited for");
	sample(f, "B", NULL, T0 + 2 * H, 13, 0.1, 25, NAN);
	collect(f, &rs);
	tap_ok(t, rs.n == 3 && strcmp(rs.id[0], "A") == 0 && rs.r[0].ts == T0 &&
	    rs.r[2].ts == T0 + H,
	    "two windows behind, it is closed and the rest follows");
	s.ts = T0 + 60;
	tap_ok(t, brul_features_add(f, &s, &e) < 0 &&
	    strstr(e.msg, "more than a window behind") != NULL,
	    "a sample for a window closed so is an error");
	s.battery_id = "B";
	s.ts = T0 + H;
	tap_ok(t, brul_features_add(f, &s, &e) < 0 &&
	    strcmp(e.msg, "ts goes back in time for B") == 0,
	    "time going backwards is an error naming the battery");
	s.ts = T0 + 2 * H;
	tap_ok(t, brul_features_add(f, &s, &e) == 0,
	    "the same ts again is not");
	finish(f, &rs);
}

static void
test_reader(struct tap *t)
{
	static const char good[] =
	    "ts,battery_id,voltage_v,current_a,temperature_c,extra\n"
	    "2026-01-01T00:00:00Z,A,13.5,0.1,25,x\n"
	    "2026-01-01T00:01:00Z,A,13.7,0.1,25,x\n";
	static const char bad[] =
	    "ts,battery_id,voltage_v,current_a,temperature_c\n"
	    "2026-01-01T00:00:00Z,A,13.5,0.1,25\n"
	    "2026-01-01T00:01:00Z,A,abc,0.1,25\n";
	static const char back[] =
	    "ts,battery_id,voltage_v,current_a,temperature_c\n"
	    "2026-01-01T00:01:00Z,A,13.5,0.1,25\n"
	    "2026-01-01T00:00:00Z,A,13.5,0.1,25\n";
	static const char noid[] =
	    "ts,battery_id,voltage_v,current_a,temperature_c\n"
	    "2026-01-01T00:01:00Z,,13.5,0.1,25\n";
	static const char nocol[] = "ts,battery_id,voltage_v,temperature_c\n";
	static const char nd[] =
	    "{\"ts\":\"2026-01-01T00:00:00Z\",\"battery_id\":\"A\","
	    "\"voltage_v\":13.5,\"current_a\":0.1,\"temperature_c\":25}\n"
	    "{\"ts\":\"2026-01-01T00:01:00Z\",\"battery_id\":\"A\","
	    "\"voltage_v\":13.7,\"current_a\":null,\"temperature_c\":25}\n";
	struct brul_features *f;
	struct brul_reader *r;
	struct brul_err e;
	struct rows rs = { 0 };
	char buf[1024];
	int rc;

	f = make(H);
	r = brul_reader_open_mem(good, sizeof good - 1, BRUL_FMT_AUTO, &e);
	rc = brul_features_bind(f, r, &e);
	while (rc == 0 && brul_reader_next(r, &e) == 1)
		rc = brul_features_read(f, r, &e);
	brul_reader_close(r);
	tap_ok(t, rc == 0, "a CSV stream with an unknown column reads");
	finish(f, &rs);
	tap_near(t, rs.n == 1 ? rs.r[0].v_mean_v : 0, 13.6, 1e-12,
	    "... and gives its mean");

	f = make(H);
	rs.n = 0;
	r = brul_reader_open_mem(nd, sizeof nd - 1, BRUL_FMT_AUTO, &e);
	rc = brul_features_bind(f, r, &e);
	while (rc == 0 && brul_reader_next(r, &e) == 1)
		rc = brul_features_read(f, r, &e);
	brul_reader_close(r);
	finish(f, &rs);
	tap_ok(t, rc == 0 && rs.n == 1 && rs.r[0].samples == 2 &&
	    fabs(rs.r[0].i_mean_a - 0.1) < 1e-12,
	    "NDJSON: the same, null is missing");

	f = make(H);
	r = brul_reader_open_mem(bad, sizeof bad - 1, BRUL_FMT_AUTO, &e);
	rc = brul_features_bind(f, r, &e);
	while (rc == 0 && brul_reader_next(r, &e) == 1)
		rc = brul_features_read(f, r, &e);
	brul_reader_close(r);
	tap_streq(t, brul_err_str(&e, buf, sizeof buf),
	    "<memory>:3: voltage_v: not a number: \"abc\"",
	    "a bad number with its position");
	brul_features_free(f);

	f = make(H);
	r = brul_reader_open_mem(back, sizeof back - 1, BRUL_FMT_AUTO, &e);
	rc = brul_features_bind(f, r, &e);
	while (rc == 0 && brul_reader_next(r, &e) == 1)
		rc = brul_features_read(f, r, &e);
	brul_reader_close(r);
	tap_streq(t, brul_err_str(&e, buf, sizeof buf),
	    "<memory>:3: ts goes back in time for A",
	    "time going backwards with its position");
	brul_features_free(f);

	f = make(H);
	r = brul_reader_open_mem(noid, sizeof noid - 1, BRUL_FMT_AUTO, &e);
	rc = brul_features_bind(f, r, &e);
	while (rc == 0 && brul_reader_next(r, &e) == 1)
		rc = brul_features_read(f, r, &e);
	brul_reader_close(r);
	tap_streq(t, brul_err_str(&e, buf, sizeof buf),
	    "<memory>:2: battery_id: missing value", "a missing battery id");
	brul_features_free(f);

	f = make(H);
	r = brul_reader_open_mem(nocol, sizeof nocol - 1, BRUL_FMT_AUTO, &e);
	rc = brul_features_bind(f, r, &e);
	brul_reader_close(r);
	tap_ok(t, rc < 0 && strstr(e.msg, "current_a") != NULL,
	    "a missing column is named");
	brul_features_free(f);
}

static void
test_fleet(struct tap *t)
{
	static const char csv[] =
	    "battery_id,string_id,capacity_ah,install_date,baseline_mohm\n"
	    "A,S1,120,2025-12-22,4.00\n"
	    "B,,,,\n"
	    "A,S1,120,2025-12-22,4.00\n";
	static const char neg[] =
	    "battery_id,capacity_ah,install_date,baseline_mohm\n"
	    "A,-5,2025-12-22,4.00\n";
	struct brul_features *f = make(D);
	struct brul_reader *r;
	struct brul_err e;
	struct rows rs = { 0 };
	char buf[1024];

	r = brul_reader_open_mem(csv, sizeof csv - 1, BRUL_FMT_AUTO, &e);
	tap_ok(t, brul_features_load_fleet(f, r, &e) < 0 &&
	    strcmp(brul_err_str(&e, buf, sizeof buf),
	    "<memory>:4: battery A given twice") == 0,
	    "a battery given twice in the fleet");
	brul_reader_close(r);
	sample(f, "A", NULL, T0, 13.5, -5.5, 25, 5.0);
	sample(f, "B", NULL, T0, 13.5, -5.5, 25, 5.0);
	finish(f, &rs);
	tap_ok(t, rs.n == 2 && rs.r[0].string_id &&
	    strcmp(rs.r[0].string_id, "S1") == 0,
	    "the fleet gives the string when the telemetry does not");
	tap_near(t, rs.r[0].age_days, 10, 1e-12, "age from install_date");
	tap_near(t, rs.r[0].r_ratio, 1.25, 1e-12, "ratio to baseline_mohm");
	tap_ok(t, rs.r[0].dis_count == 0 && rs.r[1].dis_count == 1,
	    "C from capacity_ah (-5.5 A is not below -6 A of 120 Ah), else "
	    "100 Ah");
	tap_ok(t, isnan(rs.r[1].age_days) && isnan(rs.r[1].dis_depth_pct),
	    "missing fleet values: missing features");

	f = make(D);
	r = brul_reader_open_mem(neg, sizeof neg - 1, BRUL_FMT_AUTO, &e);
	tap_ok(t, brul_features_load_fleet(f, r, &e) < 0 &&
	    strstr(brul_err_str(&e, buf, sizeof buf), "<memory>:2: "
	    "capacity_ah: not above zero") != NULL, "capacity must be positive");
	brul_reader_close(r);
	brul_features_free(f);
}

/* Rated life from the block model: life_used_pct = eq_age / life. */
static void
test_models(struct tap *t)
{
	static const char models[] =
	    "model,capacity_ah,float_life_25c_years\n"
	    "M4,100,4\n";
	static const char fleet_ok[] =
	    "battery_id,model,capacity_ah,install_date,baseline_mohm\n"
	    "A,M4,100,2025-12-22,4.00\n"
	    "B,,100,2025-12-22,4.00\n";
	static const char fleet_bad[] =
	    "battery_id,model,capacity_ah,install_date,baseline_mohm\n"
	    "A,M9,100,2025-12-22,4.00\n";
	struct brul_features *f = make(D);
	struct brul_reader *r;
	struct brul_err e;
	struct rows rs = { 0 };
	char buf[1024];

	r = brul_reader_open_mem(models, sizeof models - 1, BRUL_FMT_AUTO, &e);
	tap_ok(t, brul_features_load_models(f, r, &e) == 0, "models load");
	brul_reader_close(r);
	r = brul_reader_open_mem(fleet_ok, sizeof fleet_ok - 1, BRUL_FMT_AUTO,
	    &e);
	tap_ok(t, brul_features_load_fleet(f, r, &e) == 0, "fleet with models");
	brul_reader_close(r);
	sample(f, "A", NULL, T0, 13.5, 0.1, 25, NAN);
	sample(f, "B", NULL, T0, 13.5, 0.1, 25, NAN);
	finish(f, &rs);
	/* 10 days at 25 degC of 4 * 365.25 days */
	tap_near(t, rs.n ? rs.r[0].life_used_pct : 0, 1000 / 1461.0, 1e-12,
	    "life_used_pct: eq_age over the model's rated life");
	tap_ok(t, rs.n == 2 && isnan(rs.r[1].life_used_pct),
	    "no model: life_used_pct missing");

	f = make(D);
	r = brul_reader_open_mem(models, sizeof models - 1, BRUL_FMT_AUTO, &e);
	brul_features_load_models(f, r, &e);
	brul_reader_close(r);
	r = brul_reader_open_mem(fleet_bad, sizeof fleet_bad - 1,
	    BRUL_FMT_AUTO, &e);
	tap_ok(t, brul_features_load_fleet(f, r, &e) < 0 &&
	    strcmp(brul_err_str(&e, buf, sizeof buf),
	    "<memory>:2: model: unknown: \"M9\"") == 0,
	    "a model the models file does not list");
	brul_reader_close(r);
	brul_features_free(f);
}

/* Many batteries and strings: the hash tables grow. */
static void
test_many(struct tap *t)
{
	struct brul_features *f = make(H);
	const struct brul_features_row *r;
	struct brul_err e;
	char id[32], str[32];
	int n = 0, good = 1;

	for (int k = 0; k < 2 * 1000; k++) {
		snprintf(id, sizeof id, "B%05d", k);
		snprintf(str, sizeof str, "S%04d", k / 2);
		sample(f, id, str, T0, 13 + (k % 2) * 0.2, 0.1, 25, NAN);
	}
	if (brul_features_end(f, &e) < 0)
		abort();
	while ((r = brul_features_next(f)) != NULL) {
		snprintf(id, sizeof id, "B%05d", n);
		snprintf(str, sizeof str, "S%04d", n / 2);
		if (strcmp(r->battery_id, id) != 0 ||
		    strcmp(r->string_id, str) != 0 ||
		    fabs(r->v_dev_string_v - (n % 2 ? 0.1 : -0.1)) > 1e-9)
			good = 0;
		n++;
	}
	tap_ok(t, n == 2000 && good,
	    "2000 batteries in 1000 strings, each in its place");
	brul_features_free(f);
}

int
main(void)
{
	struct tap t = { 0 };

	test_kernels(&t);
	test_window(&t);
	test_float_v(&t);
	test_discharge(&t);
	test_resistance(&t);
	test_age(&t);
	test_age_weight(&t);
	test_trend(&t);
	test_string(&t);
	test_silent(&t);
	test_reader(&t);
	test_fleet(&t);
	test_models(&t);
	test_many(&t);
	return tap_done(&t);
}

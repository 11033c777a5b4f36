/* test-dist.c: the predictive distribution of the time to end of life
 * (wear-out and sudden failure competing) and the hazard of sudden
 * failures, against values worked out by hand: the median, percentiles
 * and probabilities read off one CDF, consistent as they are written,
 * and the hazard's scale fitted to events over exposure. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ml/calib.h"
#include "ml/dataset.h"
#include "ml/dist.h"
#include "ml/hazard.h"
#include "ml/risk.h"
#include "tap.h"

/* Residual percentiles (p - 50) * step in every band: the wear-out CDF
 * rises linearly, 0.01 / step per day, through 0.5 at the prediction. */
static void
linear(struct brul_calib *c, double step)
{
	memset(c, 0, sizeof *c);
	for (int b = 0; b < BRUL_BANDS; b++)
		for (int p = 1; p <= BRUL_CALIB_Q; p++)
			c->q[b][p - 1] = (p - 50) * step;
}

static void
test_wear(struct tap *t)
{
	struct brul_calib c;
	struct brul_dist d = { &c, 50, 0 };
	struct brul_rul r;
	struct brul_risk_opts risk = { 0.5, 0.5, 0.5 };

	linear(&c, 1);
	tap_near(t, brul_dist_cdf(&d, 30), 0.3, 1e-12, "dist: the wear-out "
	    "CDF alone without a hazard");
	brul_dist_read(&d, &r);
	tap_ok(t, r.median == 50 && r.p10 == 10 && r.p90 == 90,
	    "dist: median and percentiles");
	tap_near(t, r.p_fail[0], 0.3, 1e-12, "dist: P(fail within 30 d)");
	tap_near(t, r.p_fail[1], 0.9, 1e-12, "dist: P(fail within 90 d)");
	tap_ok(t, r.p_fail[2] == 1 && r.p_sudden_90d == 0,
	    "dist: past the last percentile; no sudden part");

	/* the median at 20: within 30 days more likely than not */
	d.pred = 20;
	brul_dist_read(&d, &r);
	tap_ok(t, r.median == 20 && r.p_fail[0] >= 0.5 &&
	    strcmp(brul_risk_level(&risk, r.p_fail[0], r.p_fail[1],
	    r.p_fail[2]), "critical") == 0, "dist: a median under 30 days "
	    "is critical");
}

static void
test_written(struct tap *t)
{
	struct brul_calib c;
	struct brul_dist d = { &c, 30.04, 0 };
	struct brul_rul r;

	/* written 30.0, the CDF at 30 just under one half: held at it */
	linear(&c, 1);
	brul_dist_read(&d, &r);
	tap_ok(t, r.median == 30.0 && r.p_fail[0] == 0.5,
	    "dist: a median written 30.0 has P(fail within 30 d) 0.5");
	/* written 30.1: below one half, as written too (0.4996) */
	d.pred = 30.06;
	brul_dist_read(&d, &r);
	tap_ok(t, fabs(r.median - 30.1) < 1e-9 && r.p_fail[0] < 0.49995,
	    "dist: a median written 30.1 has P(fail within 30 d) under 0.5");
	/* a flat CDF: 0.499994 would be written 0.5000 */
	linear(&c, 100);
	brul_dist_read(&d, &r);
	tap_ok(t, fabs(r.median - 30.1) < 1e-9 && r.p_fail[0] == 0.4999,
	    "dist: a probability that would round up to one half is held "
	    "under it");
}

static void
test_sudden(struct tap *t)
{
	struct brul_calib c;
	struct brul_dist d = { &c, 50, 0.001 };
	struct brul_rul r;
	double q;

	linear(&c, 1);
	tap_near(t, brul_dist_cdf(&d, 30), 1 - 0.7 * exp(-0.03), 1e-12,
	    "dist: 1 - (1 - Fw) exp(-rate t)");
	q = brul_dist_quantile(&d, 0.5);
	tap_ok(t, brul_dist_cdf(&d, q) >= 0.5 &&
	    brul_dist_cdf(&d, q - 1e-9) < 0.5 && q < 50,
	    "dist: the median is the CDF's, sooner than wear-out's");
	brul_dist_read(&d, &r);
	tap_near(t, r.p_sudden_90d, -expm1(-0.09), 1e-12,
	    "dist: the sudden part within 90 days");
	tap_ok(t, r.p_fail[1] >= r.p_sudden_90d && r.p10 <= r.median &&
	    r.median <= r.p90, "dist: the parts within the whole");
	/* no calibration: the prediction itself, nothing else known */
	d.wear = NULL;
	d.pred = 123.456;
	brul_dist_read(&d, &r);
	tap_ok(t, fabs(r.median - 123.5) < 1e-9 && isnan(r.p10) &&
	    isnan(r.p_fail[0]), "dist: without a calibration");
}

static void
test_censored(struct tap *t)
{
	struct brul_calib c;
	struct brul_dist d = { &c, 50, 0 };
	struct brul_rul r;

	/* censoring hides the top 20 percentiles */
	linear(&c, 1);
	for (int b = 0; b < BRUL_BANDS; b++)
		for (int p = 81; p <= BRUL_CALIB_Q; p++)
			c.q[b][p - 1] = INFINITY;
	brul_dist_read(&d, &r);
	tap_ok(t, r.median == 50 && r.p10 == 10 && isinf(r.p90) &&
	    isnan(r.p_fail[1]) && r.p_fail[0] >= 0.3 - 1e-12,
	    "dist: what censoring hides is unknown, the rest known");

	/* only 40 % known, the residuals 1 to 40 days: the median is past
	 * day 90, the last known; the model's own RUL, 50, is sooner */
	for (int b = 0; b < BRUL_BANDS; b++)
		for (int p = 1; p <= BRUL_CALIB_Q; p++)
			c.q[b][p - 1] = p <= 40 ? p : INFINITY;
	brul_dist_read(&d, &r);
	tap_ok(t, r.median == 90 && r.p_fail[0] == 0 &&
	    isnan(r.p_fail[1]), "dist: a median censoring hides is no "
	    "sooner than the last day known");
	tap_ok(t, r.p10 == 60 && isinf(r.p90), "dist: a percentile inside "
	    "what is known is found, one past it is not");
	/* known up to a residual of -10 days: the model's own RUL is later */
	for (int b = 0; b < BRUL_BANDS; b++)
		for (int p = 1; p <= 40; p++)
			c.q[b][p - 1] = p - 50;
	brul_dist_read(&d, &r);
	tap_ok(t, r.median == 50 && fabs(r.p_fail[0] - 0.3) < 1e-12,
	    "dist: and else the model's own RUL");
}

static void
test_hazard(struct tap *t)
{
	static const char *const names[] = { "t_mean_c", "life_used_pct",
	    "r_ratio", "r_ratio_7d", NULL };
	float x[] = { 25, 0, 1, 1, 35, 0, 1, 1 };
	int battery[] = { 0, 1 };
	struct brul_label l[] = {
		{ .rul_days = 9.5, .sudden = 1 },	/* 10 days, an event */
		{ .rul_days = 1000 },		/* followed 365 days */
	};
	struct brul_dataset d = { .names = (char **)names, .nfeat = 4,
	    .n = 2, .x = x, .battery = battery, .label = l };
	struct brul_hazard h, back;
	struct brul_err e;
	int idx[4];
	char *json;

	brul_hazard_index(idx, names, 4);
	tap_ok(t, brul_hazard_fit(&h, &d, l, NULL, -1, &e) == 0 &&
	    h.events == 1 && h.exposure_days == 375, "hazard: events and "
	    "exposure");
	/* the second row at 35 degC counts twice: 1 / (10 + 2 * 365) */
	tap_near(t, brul_hazard_rate(&h, idx, x), 1.0 / 740, 1e-12,
	    "hazard: the scale by maximum likelihood");
	tap_near(t, brul_hazard_rate(&h, idx, x + 4), 2.0 / 740, 1e-12,
	    "hazard: doubles per 10 degC");
	x[3] = 0.9;		/* a jump of 0.1 in a week */
	tap_near(t, brul_hazard_rate(&h, idx, x), 2.0 / 740, 1e-9,
	    "hazard: doubles with a jump of 0.1");
	x[3] = 1;
	json = brul_hazard_json(&h);
	tap_ok(t, json && brul_hazard_parse(&back, json, &e) == 0 &&
	    memcmp(back.coef, h.coef, sizeof h.coef) == 0 &&
	    back.events == 1, "hazard: through JSON and back");
	free(json);
	l[0].sudden = 0;
	tap_ok(t, brul_hazard_fit(&h, &d, l, NULL, -1, &e) == 0 &&
	    brul_hazard_rate(&h, idx, x) == 0, "hazard: no event, no rate");
	tap_ok(t, brul_hazard_parse(&back, "{\"coef\":[1]}", &e) < 0,
	    "hazard: a bad attribute is an error");
}

int
main(void)
{
	struct tap t = { 0, 0 };

	test_wear(&t);
	test_written(&t);
	test_sudden(&t);
	test_censored(&t);
	test_hazard(&t);
	return tap_done(&t);
}

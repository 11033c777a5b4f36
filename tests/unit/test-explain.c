/* test-explain.c: a prediction's reasons (ml/explain.h) against values
 * worked out by hand: a contribution in days, the three largest (ties,
 * zeros), the phrases of the features and their values, the reason's
 * text; and, through XGBoost, that the contributions of a trained model
 * are real: for each row, of either objective, the features' and the
 * bias sum to the model's margin, log(1 + RUL). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ml/explain.h"
#include "ml/model.h"
#include "tap.h"

static void
test_days(struct tap *t)
{
	/* 1 + RUL = 101: a factor of 2 halves it without the feature,
	 * a factor of 1/2 doubles it */
	tap_near(t, brul_explain_days(log(101), log(2)), 50.5, 1e-9,
	    "days: a feature that doubles 1 + RUL gives half of it");
	tap_near(t, brul_explain_days(log(101), -log(2)), -101, 1e-9,
	    "days: one that halves it takes as much again");
	tap_near(t, brul_explain_days(log(11), 0), 0, 0,
	    "days: no contribution, no days");
	tap_near(t, brul_explain_days(log(1001), 1e-9), 1001e-9, 1e-15,
	    "days: a tiny contribution without cancellation");
	tap_near(t, brul_explain_days(0, log(4)), 0.75, 1e-12,
	    "days: RUL 0 from 3 days, exp(0) - exp(-log 4)");
}

static void
test_top(struct tap *t)
{
	/* margin 0.1 - 0.3 + 0.3 + 0.05 + 4.5 = 4.65: the -0.3 weighs more
	 * in days than the +0.3 (e^0.3 - 1 > 1 - e^-0.3) */
	float phi[] = { 0.1f, -0.3f, 0, 0.3f, 0.05f, 4.5f };
	float tie[] = { 0.2f, 0.2f, 0.2f, 0.2f, 1 };
	float few[] = { 0, 0, -0.1f, 0, 2 };
	double days[3], m = 0.1 + -0.3 + 0.3 + 0.05 + 4.5;
	int top[3], n;

	n = brul_explain_top(phi, 5, top, days);
	tap_ok(t, n == 3 && top[0] == 1 && top[1] == 3 && top[2] == 0,
	    "top: by |days|, largest first");
	tap_near(t, days[0], exp(m) - exp(m + 0.3), 1e-3 * exp(m),
	    "top: the days of the first");
	tap_ok(t, days[0] < 0 && days[1] > 0 && days[2] > 0,
	    "top: signs as the contributions'");
	n = brul_explain_top(tie, 4, top, days);
	tap_ok(t, n == 3 && top[0] == 0 && top[1] == 1 && top[2] == 2,
	    "top: of equal ones, the lower index first");
	n = brul_explain_top(few, 4, top, days);
	tap_ok(t, n == 1 && top[0] == 2 && days[0] < 0,
	    "top: a contribution of 0 is no reason");
}

static void
phrase(struct tap *t, const char *name, double v, const char *want)
{
	char buf[BRUL_EXPLAIN_TEXT], what[160];

	brul_explain_phrase(buf, sizeof buf, name, v);
	snprintf(what, sizeof what, "phrase: %s", want);
	tap_streq(t, buf, want, what);
}

static void
test_phrase(struct tap *t)
{
	char buf[BRUL_EXPLAIN_TEXT];
	size_t n;

	phrase(t, "r_ratio", 1.38f, "resistance +38 % over baseline");
	phrase(t, "r_ratio", 0.95f, "resistance 5 % under baseline");
	phrase(t, "r_ratio", 1.004f, "resistance at baseline");
	phrase(t, "r_ratio_7d", 1.5f, "7-day resistance +50 % over baseline");
	phrase(t, "t_mean_c", 31.24f, "mean temperature 31.2 degC");
	phrase(t, "t_max_c", 40.25f, "highest temperature 40.3 degC");
	phrase(t, "age_days", 1234.567f, "age 1235 days");
	phrase(t, "eq_age_days", 2000.4f, "equivalent age 2000 days at 25 degC");
	phrase(t, "life_used_pct", 62.4f, "62 % of rated life used");
	phrase(t, "t_above_35_h", 5.25f, "5.3 h above 35 degC");
	phrase(t, "float_v_dev_v", -0.0321f,
	    "float voltage -0.032 V off its set point");
	phrase(t, "float_v_dev_v", 0.0321f,
	    "float voltage +0.032 V off its set point");
	phrase(t, "float_v_dev_v", -0.0001f,
	    "float voltage 0.000 V off its set point");
	phrase(t, "t_rise_c", 1.26f, "temperature +1.3 degC vs its string");
	phrase(t, "r_slope_mohm_per_day", 0.01234f,
	    "resistance trend +0.0123 mohm/day");
	phrase(t, "dis_depth_pct", 12.5f, "discharge depth 12.5 %");
	phrase(t, "dis_count", 2, "discharge count 2");
	phrase(t, "v_mean_v", 13.5234f, "mean voltage 13.52 V");
	phrase(t, "age_days", NAN, "age_days missing");
	phrase(t, "some_new_feature", 1.38f, "some_new_feature = 1.38");
	phrase(t, "some_new_feature", -2.0f, "some_new_feature = -2");
	phrase(t, "some_new_feature", 1e-7f, "some_new_feature = 0.0000001");

	brul_explain_reason(buf, sizeof buf, "r_ratio", 1.38f, -210.4);
	tap_streq(t, buf, "resistance +38 % over baseline: -210 days",
	    "reason: the phrase, then the days with their sign");
	brul_explain_reason(buf, sizeof buf, "t_mean_c", 31.2f, 45.5);
	tap_streq(t, buf, "mean temperature 31.2 degC: +46 days",
	    "reason: days rounded half away from zero");
	brul_explain_reason(buf, sizeof buf, "age_days", NAN, -0.2);
	tap_streq(t, buf, "age_days missing: -0 days",
	    "reason: a missing value, and a sign kept below a day");
	n = brul_explain_reason(buf, 12, "r_ratio", 1.38f, 1);
	tap_ok(t, n == 11 && strcmp(buf, "resistance ") == 0,
	    "reason: cut short to its buffer, NUL-terminated");
}

/* Trains a model of the objective on rows where the RUL rises with a and
 * falls with b; c is constant, so that no tree splits on it.  Then the
 * contributions of every row must sum to its margin, c's be 0, and the
 * reasons be the largest in days. */
static void
test_contrib(struct tap *t, enum brul_objective obj)
{
	enum { N = 400, NF = 3 };
	struct brul_train_params p = {
		.objective = obj, .rounds = 30, .depth = 3,
		.eta = 0.3, .threads = 1, .seed = 1,
	};
	const char *names[NF] = { "r_ratio", "t_mean_c", "c" };
	static float x[N * NF], phi[N * (NF + 1)];
	static struct brul_label l[N];
	static double rul[N];
	struct brul_explain ex;
	struct brul_model m;
	struct brul_err e;
	const char *reason[BRUL_EXPLAIN_TOP];
	double worst = 0;
	int zero = 1, rows = 0, c_named = 0, days_ok = 1;
	char what[120];
	const char *on = brul_objective_name(obj);

	for (int i = 0; i < N; i++) {
		float a = 1 + (float)(i % 20) / 40, b = 20 + (float)(i % 17);

		x[NF * i] = a;
		x[NF * i + 1] = i % 11 ? b : NAN;
		x[NF * i + 2] = 7;
		l[i].rul_days = 3000 / (a * a) / (1 + (b - 20) / 10);
		l[i].censored = obj == BRUL_OBJ_SURVIVAL && i % 9 == 0;
	}
	snprintf(what, sizeof what, "contrib (%s): the model trains", on);
	if (!tap_ok(t, brul_model_train(&m, &p, x, N, NF, names, l, &e) ==
	    0, what)) {
		printf("# %s\n", e.msg);
		return;
	}
	brul_model_predict(&m, x, N, rul, &e);
	snprintf(what, sizeof what, "contrib (%s): XGBoost gives them", on);
	tap_ok(t, brul_model_contrib(&m, x, N, phi, &e) == 0, what);
	for (int i = 0; i < N; i++) {
		const float *r = phi + i * (NF + 1);
		double sum = 0;

		for (int k = 0; k <= NF; k++)
			sum += r[k];
		zero &= r[2] == 0;
		if (rul[i] <= 0)	/* clamped: its margin is not known */
			continue;
		rows++;
		if (fabs(sum - log1p(rul[i])) > worst)
			worst = fabs(sum - log1p(rul[i]));
	}
	snprintf(what, sizeof what, "contrib (%s): every row's features and "
	    "bias sum to log(1 + RUL) (%d rows)", on, rows);
	tap_ok(t, rows > N / 2 && worst < 1e-4, what);
	printf("#   largest difference %g\n", worst);
	snprintf(what, sizeof what, "contrib (%s): a feature no tree uses "
	    "contributes 0", on);
	tap_ok(t, zero, what);

	brul_explain_init(&ex, &m);
	snprintf(what, sizeof what, "explain (%s): a batch", on);
	tap_ok(t, brul_explain_batch(&ex, x, N, &e) == 0, what);
	for (int i = 0; i < N; i++) {
		const float *r = phi + i * (NF + 1);
		double margin = (double)r[0] + r[1] + r[2] + r[3];
		int n = brul_explain_row(&ex, (size_t)i, x + i * NF, reason);
		char want[BRUL_EXPLAIN_TEXT];

		for (int k = 0; k < n; k++)
			c_named |= strncmp(reason[k], "c = ", 4) == 0;
		/* r_ratio's reason, in days as the formula gives them */
		if (r[0] == 0 || n == 0)
			continue;
		brul_explain_reason(want, sizeof want, "r_ratio", x[i * NF],
		    exp(margin) - exp(margin - r[0]));
		for (int k = 0; k < n; k++)
			if (strncmp(reason[k], "resistance", 10) == 0)
				days_ok &= strcmp(reason[k], want) == 0;
		days_ok &= n <= 2 && reason[2] == NULL;
	}
	snprintf(what, sizeof what, "explain (%s): reasons in days as "
	    "exp(margin) - exp(margin - phi), two at most of two features",
	    on);
	tap_ok(t, days_ok, what);
	snprintf(what, sizeof what, "explain (%s): the unused feature is "
	    "never a reason", on);
	tap_ok(t, !c_named, what);
	brul_explain_release(&ex);
	brul_model_release(&m);
}

int
main(void)
{
	struct tap t = { 0, 0 };

	test_days(&t);
	test_top(&t);
	test_phrase(&t);
	test_contrib(&t, BRUL_OBJ_REGRESSION);
	test_contrib(&t, BRUL_OBJ_SURVIVAL);
	return tap_done(&t);
}

/* explain.c: see explain.h. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/grow.h"
#include "core/num.h"
#include "ml/explain.h"

enum how {
	PLAIN,		/* before, the value, after */
	SIGNED,		/* the same with a + on a positive value */
	RATIO		/* a ratio to a baseline as "+38 % over baseline" */
};

/* brul-features(1)'s columns, as people say them. */
static const struct phrase {
	const char *name, *before, *after;
	int decimals;
	enum how how;
} phrases[] = {
	{ "samples", "", " samples", 0, PLAIN },
	{ "coverage_pct", "data coverage ", " %", 1, PLAIN },
	{ "v_mean_v", "mean voltage ", " V", 2, PLAIN },
	{ "v_min_v", "lowest voltage ", " V", 2, PLAIN },
	{ "v_max_v", "highest voltage ", " V", 2, PLAIN },
	{ "v_sd_v", "voltage spread ", " V", 3, PLAIN },
	{ "i_mean_a", "mean current ", " A", 2, PLAIN },
	{ "i_min_a", "lowest current ", " A", 2, PLAIN },
	{ "i_max_a", "highest current ", " A", 2, PLAIN },
	{ "t_mean_c", "mean temperature ", " degC", 1, PLAIN },
	{ "t_min_c", "lowest temperature ", " degC", 1, PLAIN },
	{ "t_max_c", "highest temperature ", " degC", 1, PLAIN },
	{ "float_v_dev_v", "float voltage ", " V off its set point", 3,
	    SIGNED },
	{ "float_i_a", "float current ", " A", 3, PLAIN },
	{ "float_i_trend_a_per_day", "float current trend ", " A/day", 4,
	    SIGNED },
	{ "t_above_30_h", "", " h above 30 degC", 1, PLAIN },
	{ "t_above_35_h", "", " h above 35 degC", 1, PLAIN },
	{ "t_above_40_h", "", " h above 40 degC", 1, PLAIN },
	{ "t_rise_c", "temperature ", " degC vs its string", 1, SIGNED },
	{ "r_latest_mohm", "resistance ", " mohm", 2, PLAIN },
	{ "r_ratio", "resistance ", NULL, 0, RATIO },
	{ "r_slope_mohm_per_day", "resistance trend ", " mohm/day", 4,
	    SIGNED },
	{ "age_days", "age ", " days", 0, PLAIN },
	{ "eq_age_days", "equivalent age ", " days at 25 degC", 0, PLAIN },
	{ "dis_count", "discharge count ", "", 0, PLAIN },
	{ "dis_ah", "discharged ", " Ah", 1, PLAIN },
	{ "dis_depth_pct", "discharge depth ", " %", 1, PLAIN },
	{ "dis_min_v", "lowest discharge voltage ", " V", 2, PLAIN },
	{ "dis_r_mohm", "discharge resistance ", " mohm", 1, PLAIN },
	{ "v_dev_string_v", "voltage ", " V vs its string", 3, SIGNED },
	{ "life_used_pct", "", " % of rated life used", 0, PLAIN },
	{ "r_ratio_7d", "7-day resistance ", NULL, 0, RATIO },
};

/* Text appended to buf[0..size), cut short and kept NUL-terminated. */
struct text {
	char *buf;
	size_t size, len;
};

static void
put(struct text *t, const char *s, size_t n)
{
	if (t->size == 0)
		return;
	if (n > t->size - 1 - t->len)
		n = t->size - 1 - t->len;
	memcpy(t->buf + t->len, s, n);
	t->len += n;
	t->buf[t->len] = '\0';
}

static void
put_str(struct text *t, const char *s)
{
	put(t, s, strlen(s));
}

/* Whether the number text s[0..n) is zero once rounded ("0.000"). */
static int
is_zero(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] >= '1' && s[i] <= '9')
			return 0;
	return 1;
}

/* v with its decimals, and a + before it when it is positive once
 * rounded. */
static void
put_signed(struct text *t, double v, int decimals)
{
	char num[BRUL_NUM_MAX];
	size_t n = brul_num_fixed(num, v, decimals);

	if (num[0] != '-' && !is_zero(num, n))
		put(t, "+", 1);
	put(t, num, n);
}

/* The fewest decimals that give v back as a float: the text a reader of
 * the features stream wrote, not the float's binary tail. */
static size_t
float_text(char *buf, double v)
{
	float f = (float)v;
	double back;
	size_t n;

	for (int d = 0; d <= 9; d++) {
		n = brul_num_fixed(buf, f, d);
		if (brul_num_parse(buf, n, &back) == 0 && (float)back == f)
			return n;
	}
	return brul_num_shortest(buf, f);
}

static const struct phrase *
phrase_of(const char *name)
{
	for (size_t i = 0; i < sizeof phrases / sizeof phrases[0]; i++)
		if (strcmp(phrases[i].name, name) == 0)
			return &phrases[i];
	return NULL;
}

static void
put_phrase(struct text *t, const char *name, double v)
{
	const struct phrase *p = phrase_of(name);
	char num[BRUL_NUM_MAX];
	size_t n;

	if (isnan(v)) {
		put_str(t, name);
		put_str(t, " missing");
		return;
	}
	if (p == NULL) {
		put_str(t, name);
		put_str(t, " = ");
		put(t, num, float_text(num, v));
		return;
	}
	put_str(t, p->before);
	switch (p->how) {
	case PLAIN:
		put(t, num, brul_num_fixed(num, v, p->decimals));
		put_str(t, p->after);
		break;
	case SIGNED:
		put_signed(t, v, p->decimals);
		put_str(t, p->after);
		break;
	case RATIO:
		n = brul_num_fixed(num, fabs(v - 1) * 100, 0);
		if (is_zero(num, n)) {
			put_str(t, "at baseline");
			break;
		}
		if (v > 1)
			put(t, "+", 1);
		put(t, num, n);
		put_str(t, v > 1 ? " % over baseline" : " % under baseline");
		break;
	}
}

size_t
brul_explain_phrase(char *buf, size_t size, const char *name, double v)
{
	struct text t = { buf, size, 0 };

	if (size)
		buf[0] = '\0';
	put_phrase(&t, name, v);
	return t.len;
}

size_t
brul_explain_reason(char *buf, size_t size, const char *name, double v,
    double days)
{
	struct text t = { buf, size, 0 };
	char num[BRUL_NUM_MAX];

	if (size)
		buf[0] = '\0';
	put_phrase(&t, name, v);
	put_str(&t, days < 0 ? ": -" : ": +");
	put(&t, num, brul_num_fixed(num, fabs(days), 0));
	put_str(&t, " days");
	return t.len;
}

double
brul_explain_days(double margin, double phi)
{
	/* exp(margin) - exp(margin - phi), without the cancellation of a
	 * small phi */
	return -exp(margin) * expm1(-phi);
}

int
brul_explain_top(const float *phi, int nfeat, int top[BRUL_EXPLAIN_TOP],
    double days[BRUL_EXPLAIN_TOP])
{
	double margin = 0;
	int n = 0;

	for (int k = 0; k <= nfeat; k++)
		margin += phi[k];
	for (int k = 0; k < nfeat; k++) {
		double d;
		int j;

		if (phi[k] == 0)
			continue;
		d = brul_explain_days(margin, phi[k]);
		/* after those as large: the lower index first */
		for (j = n; j > 0 && fabs(d) > fabs(days[j - 1]); j--)
			if (j < BRUL_EXPLAIN_TOP) {
				top[j] = top[j - 1];
				days[j] = days[j - 1];
			}
		if (j < BRUL_EXPLAIN_TOP) {
			top[j] = k;
			days[j] = d;
			if (n < BRUL_EXPLAIN_TOP)
				n++;
		}
	}
	return n;
}

void
brul_explain_init(struct brul_explain *e, const struct brul_model *m)
{
	memset(e, 0, sizeof *e);
	e->m = m;
}

void
brul_explain_release(struct brul_explain *e)
{
	free(e->phi);
	memset(e, 0, sizeof *e);
}

int
brul_explain_batch(struct brul_explain *e, const float *x, size_t n,
    struct brul_err *err)
{
	size_t w = (size_t)e->m->nfeat + 1;

	if (n > SIZE_MAX / w ||
	    brul_grow(&e->phi, &e->cap, n * w, sizeof *e->phi) < 0)
		return brul_err_set(err, NULL, 0, 0, "out of memory");
	return brul_model_contrib(e->m, x, n, e->phi, err);
}

int
brul_explain_row(struct brul_explain *e, size_t i, const float *x,
    const char *reason[BRUL_EXPLAIN_TOP])
{
	int nfeat = e->m->nfeat, top[BRUL_EXPLAIN_TOP], n;
	double days[BRUL_EXPLAIN_TOP];

	n = brul_explain_top(e->phi + i * ((size_t)nfeat + 1), nfeat, top,
	    days);
	for (int j = 0; j < BRUL_EXPLAIN_TOP; j++) {
		reason[j] = NULL;
		if (j >= n)
			continue;
		brul_explain_reason(e->text[j], sizeof e->text[j],
		    e->m->features[top[j]], x[top[j]], days[j]);
		reason[j] = e->text[j];
	}
	return n;
}

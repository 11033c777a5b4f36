/* train.c: see train.h. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/hash.h"
#include "core/reader.h"
#include "core/timefmt.h"
#include "ml/baseline.h"
#include "ml/cv.h"
#include "ml/train.h"

/* The labels stream path, named by opt in messages. */
static struct brul_labels *
load_labels(const char *path, const char *opt, struct brul_err *e)
{
	struct brul_reader *r = brul_reader_open(path, BRUL_FMT_AUTO, e);
	struct brul_labels *l;

	if (r == NULL)
		return NULL;
	brul_reader_expect(r, opt, "labels");
	l = brul_reader_check_kind(r, e) < 0 ? NULL : brul_labels_load(r, e);
	brul_reader_close(r);
	return l;
}

/* The rows of the features files (NULL: stdin), named by opt in
 * messages, that have labels. */
static int
load_rows(struct brul_dataset *d, char **paths, int n, const char *opt,
    const struct brul_labels *l, struct brul_err *e)
{
	int i = 0;

	do {
		struct brul_reader *r = brul_reader_open(n ? paths[i] : NULL,
		    BRUL_FMT_AUTO, e);
		int rc;

		if (r == NULL)
			return -1;
		brul_reader_expect(r, opt, "features");
		rc = brul_reader_check_kind(r, e) < 0 ? -1 :
		    brul_dataset_read(d, r, l, e);
		brul_reader_close(r);
		if (rc < 0)
			return -1;
	} while (++i < n);
	if (d->n == 0 && d->skipped == 0)
		return brul_err_set(e, n ? paths[0] : "<stdin>", 0, 0,
		    "0 rows: nothing but a header");
	if (d->n == 0)
		return brul_err_set(e, n ? paths[0] : "<stdin>", 0, 0,
		    "no feature row has a label (%ld rows skipped)",
		    d->skipped);
	return 0;
}

/* The evaluation rows of a dataset's predictions against its true
 * labels. */
static struct brul_eval_row *
eval_rows(const struct brul_dataset *d, const struct brul_rul *r)
{
	struct brul_eval_row *v = malloc((d->n ? d->n : 1) * sizeof *v);

	for (size_t i = 0; v && i < d->n; i++) {
		v[i].truth = d->label[i].rul_days;
		v[i].censored = d->label[i].censored;
		v[i].sudden = d->label[i].sudden;
		v[i].pred = r[i].median;
		v[i].p10 = r[i].p10;
		v[i].p90 = r[i].p90;
		for (int k = 0; k < 3; k++)
			v[i].p_fail[k] = r[i].p_fail[k];
		v[i].p_sudden = r[i].p_sudden_90d;
		v[i].battery = d->battery[i];
	}
	return v;
}

static int
judge(struct brul_eval *ev, const struct brul_dataset *d,
    const struct brul_rul *r, struct brul_err *e)
{
	struct brul_eval_row *v = eval_rows(d, r);
	int rc = v ? brul_evaluate(ev, v, d->n) : -1;

	free(v);
	if (rc < 0)
		return brul_err_set(e, NULL, 0, 0, "out of memory");
	return 0;
}

static double *
alloc_rows(size_t n)
{
	return malloc((n ? n : 1) * sizeof(double));
}

static struct brul_rul *
alloc_ruls(size_t n)
{
	return malloc((n ? n : 1) * sizeof(struct brul_rul));
}

/* Cross-validates one objective: out-of-fold predictions, their
 * cross-conformal distributions, and the figures against the true
 * labels. */
static int
cross_validate(struct brul_train_run *run, const struct brul_dataset *d,
    const struct brul_label *train, const int *fold, int k,
    struct brul_train_params p, struct brul_err *e)
{
	p.objective = run->objective;
	if ((run->oof = alloc_rows(d->n)) == NULL ||
	    (run->dist = alloc_ruls(d->n)) == NULL)
		return brul_err_set(e, NULL, 0, 0, "out of memory");
	if (brul_cv_predict(d, train, fold, k, &p, run->oof, e) < 0 ||
	    brul_cv_dists(d, train, fold, k, run->oof, run->dist, e) < 0)
		return -1;
	return judge(&run->eval, d, run->dist, e);
}

static void
run_free(struct brul_train_run *run)
{
	free(run->oof);
	free(run->dist);
}

/* The physics baseline of every row. */
static double *
baseline_rows(const struct brul_dataset *d)
{
	double *b = alloc_rows(d->n);
	int idx[6];

	brul_baseline_index(idx, (const char *const *)d->names, d->nfeat);
	for (size_t i = 0; b && i < d->n; i++)
		b[i] = brul_baseline_row(idx, d->x + i * (size_t)d->nfeat);
	return b;
}

static json_t *
cv_json(const struct brul_eval *model, const struct brul_eval *base)
{
	return json_pack("{s:o,s:o}", "model", brul_eval_json(model),
	    "baseline", brul_eval_json(base));
}

/* The model's id: its data and everything that shapes its trees and its
 * calibration. */
static void
model_id(char *buf, size_t n, uint64_t fingerprint,
    const struct brul_train_params *p, int folds)
{
	uint64_t h = fingerprint;

	h = brul_fnv(h, &folds, sizeof folds);
	h = brul_fnv(h, &p->objective, sizeof p->objective);
	h = brul_fnv(h, &p->rounds, sizeof p->rounds);
	h = brul_fnv(h, &p->depth, sizeof p->depth);
	h = brul_fnv(h, &p->eta, sizeof p->eta);
	h = brul_fnv(h, &p->seed, sizeof p->seed);
	if (p->objective == BRUL_OBJ_REGRESSION)	/* survival ignores it */
		h = brul_fnv(h, &p->short_weight, sizeof p->short_weight);
	snprintf(buf, n, "%012llx", (unsigned long long)(h >> 16));
}

void
brul_train_init(struct brul_train_job *j, const struct brul_train_opts *o)
{
	memset(j, 0, sizeof *j);
	j->o = *o;
}

void
brul_train_release(struct brul_train_job *j)
{
	brul_model_release(&j->m);
	free(j->base);
	free(j->bdist);
	free(j->fold);
	free(j->train);
	for (int r = 0; r < 2; r++)
		run_free(&j->runs[r]);
	brul_dataset_release(&j->d);
	brul_labels_free(j->labels);
}

uint64_t
brul_train_rounds(const struct brul_train_opts *o, int fit)
{
	return (uint64_t)o->p.rounds * (uint64_t)(o->folds *
	    (o->has_until ? 2 : 1) + (fit ? 1 : 0));
}

/* The labelled rows, the labels training sees, and the folds. */
int
brul_train_load(struct brul_train_job *j, char **paths, int n,
    struct brul_err *e)
{
	if ((j->labels = load_labels(j->o.labels, j->o.names.labels,
	    e)) == NULL || brul_dataset_init(&j->d, e) < 0 ||
	    load_rows(&j->d, paths, n, j->o.names.features, j->labels, e) < 0)
		return -1;
	j->nb = brul_idtab_count(j->d.ids);
	if (j->nb < j->o.folds)
		return brul_err_set(e, NULL, 0, 0, "%d batteries with labels: "
		    "too few for %d folds", j->nb, j->o.folds);
	if ((j->train = malloc(j->d.n * sizeof *j->train)) == NULL ||
	    (j->fold = malloc((size_t)j->nb * sizeof *j->fold)) == NULL)
		return brul_err_set(e, NULL, 0, 0, "out of memory");
	/* the labels, or an operator's view of them */
	for (size_t i = 0; i < j->d.n; i++)
		j->train[i] = j->o.has_until ?
		    brul_label_observed(&j->d.label[i], j->d.day[i],
		    j->o.until) : j->d.label[i];
	brul_folds_assign(j->fold, j->nb, j->o.folds, j->o.p.seed);
	snprintf(j->fingerprint, sizeof j->fingerprint, "%016llx",
	    (unsigned long long)brul_dataset_fingerprint(&j->d, j->train));
	return 0;
}

/* Out-of-fold figures: both objectives under censoring, else the one
 * asked for; and the baseline, which needs no training, with the same
 * cross-conformal distributions. */
int
brul_train_validate(struct brul_train_job *j, struct brul_err *e)
{
	const struct brul_dataset *d = &j->d;

	j->nruns = j->o.has_until ? 2 : 1;
	j->runs[0].objective = j->o.p.objective;
	j->runs[1].objective = j->o.p.objective == BRUL_OBJ_REGRESSION ?
	    BRUL_OBJ_SURVIVAL : BRUL_OBJ_REGRESSION;
	for (int r = 0; r < j->nruns; r++)
		if (cross_validate(&j->runs[r], d, j->train, j->fold,
		    j->o.folds, j->o.p, e) < 0)
			return -1;
	if ((j->base = baseline_rows(d)) == NULL ||
	    (j->bdist = alloc_ruls(d->n)) == NULL)
		return brul_err_set(e, NULL, 0, 0, "out of memory");
	if (brul_cv_dists(d, j->train, j->fold, j->o.folds, j->base,
	    j->bdist, e) < 0)
		return -1;
	return judge(&j->ev_base, d, j->bdist, e);
}

/* Days to 0.1, in JSON; null for an unknown (+inf) interval end. */
static json_t *
days(double v)
{
	return isfinite(v) ? json_real(round(v * 10) / 10) : json_null();
}

/* brul_oof: a sample of the first run's out-of-fold predictions and their
 * intervals, the rows and figures behind brul_cv's "model", for plots of
 * predicted against true RUL and of coverage by band (brul_cv_sample says
 * which rows).  NULL out of memory. */
static char *
oof_json(const struct brul_train_job *j)
{
	enum { MAX_ROWS = 1000 };	/* about 30 kB of text */
	const struct brul_train_run *run = &j->runs[0];
	size_t *rows = malloc(MAX_ROWS * sizeof *rows), band[BRUL_BANDS], n,
	    total = 0;
	json_t *o, *truth, *pred, *p10, *p90, *nb;
	char *text;

	if (rows == NULL)
		return NULL;
	n = brul_cv_sample(&j->d, run->oof, MAX_ROWS, rows, band);
	nb = json_array();
	for (int b = 0; b < BRUL_BANDS; b++) {
		json_array_append_new(nb, json_integer((json_int_t)band[b]));
		total += band[b];
	}
	truth = json_array();
	pred = json_array();
	p10 = json_array();
	p90 = json_array();
	for (size_t k = 0; k < n; k++) {
		size_t i = rows[k];

		json_array_append_new(truth, days(j->d.label[i].rul_days));
		json_array_append_new(pred, days(run->dist[i].median));
		json_array_append_new(p10, days(run->dist[i].p10));
		json_array_append_new(p90, days(run->dist[i].p90));
	}
	free(rows);
	o = json_pack("{s:I,s:I,s:o,s:o,s:o,s:o,s:o}",
	    "rows", (json_int_t)total, "sampled", (json_int_t)n,
	    "band_rows", nb, "rul_true_days", truth, "rul_pred_days", pred,
	    "p10_days", p10, "p90_days", p90);
	text = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(8) |
	    JSON_PRESERVE_ORDER);
	json_decref(o);
	return text;
}

/* The model of all rows, its calibrations and metadata. */
/* brul_coverage: each feature's share of the rows that have a value, so
 * that a stream without what the model learned from is refused. */
static char *
coverage_json(const struct brul_dataset *d)
{
	json_t *a = json_array();
	char *text;

	for (int k = 0; a && k < d->nfeat; k++) {
		size_t have = 0;

		for (size_t i = 0; i < d->n; i++)
			have += !isnan(d->x[i * (size_t)d->nfeat + (size_t)k]);
		json_array_append_new(a, json_real(d->n ? round(1e4 *
		    (double)have / (double)d->n) / 1e4 : 0));
	}
	text = a ? json_dumps(a, JSON_COMPACT | JSON_REAL_PRECISION(6)) : NULL;
	json_decref(a);
	return text;
}

int
brul_train_fit(struct brul_train_job *j, struct brul_err *e)
{
	struct brul_model *m = &j->m;
	json_t *cv;
	char *text, seed[32], window[32];
	int rc;

	if (brul_model_train(m, &j->o.p, j->d.x, j->d.n, j->d.nfeat,
	    (const char *const *)j->d.names, j->train, e) < 0 ||
	    brul_cv_calibrate(&j->d, j->train, j->runs[0].oof, &m->calib,
	    e) < 0 ||
	    brul_cv_calibrate(&j->d, j->train, j->base, &m->base_calib,
	    e) < 0 ||
	    brul_hazard_fit(&m->hazard, &j->d, j->train, j->fold, -1, e) < 0)
		return -1;
	m->has_calib = m->has_base_calib = m->has_hazard = 1;
	model_id(m->id, sizeof m->id, strtoull(j->fingerprint, NULL, 16),
	    &j->o.p, j->o.folds);
	snprintf(seed, sizeof seed, "%llu", (unsigned long long)j->o.p.seed);
	snprintf(window, sizeof window, "%lld", (long long)j->d.window_s);
	cv = cv_json(&j->runs[0].eval, &j->ev_base);
	text = json_dumps(cv, JSON_COMPACT | JSON_REAL_PRECISION(6) |
	    JSON_PRESERVE_ORDER);
	json_decref(cv);
	if (text == NULL)
		return brul_err_set(e, NULL, 0, 0, "out of memory");
	rc = brul_model_set_attr(m, "brul_cv", text, e);
	free(text);
	if (rc < 0)
		return -1;
	if ((text = oof_json(j)) == NULL)
		return brul_err_set(e, NULL, 0, 0, "out of memory");
	rc = brul_model_set_attr(m, "brul_oof", text, e);
	free(text);
	if (rc < 0 ||
	    brul_model_set_attr(m, "brul_fingerprint", j->fingerprint, e) < 0 ||
	    brul_model_set_attr(m, "brul_seed", seed, e) < 0 ||
	    (j->d.window_s && brul_model_set_attr(m, "brul_window_s", window,
	    e) < 0))
		return -1;
	if ((text = coverage_json(&j->d)) == NULL)
		return brul_err_set(e, NULL, 0, 0, "out of memory");
	rc = brul_model_set_attr(m, "brul_coverage", text, e);
	free(text);
	return rc;
}

/* A test row's place, for finding it by battery and day. */
struct rowkey {
	int battery;
	int64_t day;
	size_t i;
};

static int
cmp_rowkey(const void *a, const void *b)
{
	const struct rowkey *x = a, *y = b;

	if (x->battery != y->battery)
		return (x->battery > y->battery) - (x->battery < y->battery);
	return (x->day > y->day) - (x->day < y->day);
}

/* One row of the peer's file into r, where the test set has its battery
 * and day. */
static int
peer_row(struct brul_reader *rd, const int *c, const struct brul_dataset *t,
    const struct rowkey *keys, struct brul_rul *r, struct brul_err *e)
{
	struct brul_field id;
	struct rowkey k, *hit;
	double v[7];
	int rc;

	if (brul_reader_id(rd, c[0], &id, e) < 0)
		return -1;
	if ((rc = brul_reader_date(rd, c[1], &k.day, e)) <= 0)
		return rc < 0 ? -1 : brul_err_set(e, brul_reader_name(rd),
		    brul_reader_line(rd), 0, "date: missing value");
	if ((k.battery = brul_idtab_find(t->ids, id.s, id.n)) < 0 ||
	    (hit = bsearch(&k, keys, t->n, sizeof *keys, cmp_rowkey)) == NULL)
		return 0;	/* a row the test set does not have */
	for (int m = 0; m < 7; m++) {
		v[m] = NAN;
		if (brul_reader_double(rd, c[2 + m], &v[m], e) < 0)
			return -1;
	}
	r += hit->i;
	r->median = v[0];
	r->p10 = v[1];
	r->p90 = v[2];
	for (int m = 0; m < 3; m++)
		r->p_fail[m] = v[3 + m];
	r->p_sudden_90d = v[6];
	return 0;
}

/* The peer's predictions of the test rows (--peer): rul_days is its
 * median, and its interval and probabilities count where it has those
 * columns; a row it does not predict is unpredicted. */
static int
peer_ruls(const struct brul_train_job *j, const struct brul_dataset *t,
    struct brul_rul *r, struct brul_err *e)
{
	static const char *const cols[] = { "battery_id", "date", "rul_days",
		"rul_p10_days", "rul_p90_days", "p_fail_30d", "p_fail_90d",
		"p_fail_180d", "p_sudden_90d"
	};
	struct rowkey *keys = malloc((t->n ? t->n : 1) * sizeof *keys);
	struct brul_reader *rd = NULL;
	int c[9], rc = -1;

	if (keys == NULL)
		return brul_err_set(e, NULL, 0, 0, "out of memory");
	for (size_t i = 0; i < t->n; i++) {
		struct rowkey k = { t->battery[i], t->day[i], i };

		keys[i] = k;
		r[i].median = r[i].p10 = r[i].p90 = r[i].p_sudden_90d = NAN;
		for (int m = 0; m < 3; m++)
			r[i].p_fail[m] = NAN;
	}
	qsort(keys, t->n, sizeof *keys, cmp_rowkey);
	if ((rd = brul_reader_open(j->o.peer, BRUL_FMT_AUTO, e)) == NULL)
		goto out;
	brul_reader_expect(rd, j->o.names.peer, "predictions");
	if (brul_reader_check_kind(rd, e) < 0)
		goto out;
	for (int m = 0; m < 9; m++)
		if ((c[m] = m < 3 ? brul_reader_require(rd, cols[m], e) :
		    brul_reader_has_col(rd, cols[m])) < 0 && m < 3)
			goto out;
	while ((rc = brul_reader_next(rd, e)) > 0)
		if (peer_row(rd, c, t, keys, r, e) < 0) {
			rc = -1;
			break;
		}
out:
	brul_reader_close(rd);
	free(keys);
	return rc < 0 ? -1 : 0;
}

/* The held-out set: same features, its own labels, judged by the final
 * model and the calibrations fitted on the training rows, and with a peer
 * the peer's predictions of it. */
int
brul_train_test(struct brul_train_job *j, struct brul_err *e)
{
	const struct brul_dataset *train = &j->d;
	const struct brul_model *m = &j->m;
	struct brul_labels *l;
	struct brul_dataset t;
	double *pred = NULL, *b = NULL;
	struct brul_rul *r = NULL, *br = NULL;
	int idx[4];
	char *paths[1] = { (char *)j->o.test };
	int rc = -1;

	if ((l = j->o.test_labels ? load_labels(j->o.test_labels,
	    j->o.names.test_labels, e) : load_labels(j->o.labels,
	    j->o.names.labels, e)) == NULL)
		return -1;
	if (brul_dataset_init(&t, e) < 0)
		goto out;
	/* the training columns, in the training order, and window */
	t.nfeat = train->nfeat;
	t.window_s = train->window_s;
	if ((t.names = calloc((size_t)t.nfeat + 1, sizeof *t.names)) == NULL)
		goto oom;
	for (int k = 0; k < t.nfeat; k++)
		if ((t.names[k] = strdup(train->names[k])) == NULL)
			goto oom;
	if (load_rows(&t, paths, 1, j->o.names.test, l, e) < 0)
		goto out;
	if ((pred = alloc_rows(t.n)) == NULL || (r = alloc_ruls(t.n)) ==
	    NULL || (br = alloc_ruls(t.n)) == NULL ||
	    (b = baseline_rows(&t)) == NULL)
		goto oom;
	if (brul_model_predict(m, t.x, t.n, pred, e) < 0)
		goto out;
	brul_hazard_index(idx, (const char *const *)t.names, t.nfeat);
	for (size_t i = 0; i < t.n; i++) {
		double rate = brul_hazard_rate(&m->hazard, idx,
		    t.x + i * (size_t)t.nfeat);
		struct brul_dist dm = { &m->calib, pred[i], rate },
		    db = { &m->base_calib, b[i], rate };

		brul_dist_read(&dm, &r[i]);
		brul_dist_read(&db, &br[i]);
	}
	if (judge(&j->ev_test, &t, r, e) < 0 ||
	    judge(&j->ev_test_base, &t, br, e) < 0)
		goto out;
	if (j->o.peer && (peer_ruls(j, &t, br, e) < 0 ||
	    judge(&j->ev_test_peer, &t, br, e) < 0))
		goto out;
	j->test_rows = (long)t.n;
	j->test_batteries = brul_idtab_count(t.ids);
	rc = 0;
	goto out;
oom:
	brul_err_set(e, NULL, 0, 0, "out of memory");
out:
	free(pred);
	free(r);
	free(b);
	free(br);
	brul_dataset_release(&t);
	brul_labels_free(l);
	return rc;
}

json_t *
brul_train_report(const struct brul_train_job *j)
{
	json_t *r, *names = json_array();

	r = json_pack("{s:s,s:s,s:i,s:I,s:I,s:I,s:I,s:s}",
	    "brul_version", BRUL_VERSION,
	    "objective", brul_objective_name(j->o.p.objective),
	    "folds", j->o.folds, "seed", (json_int_t)j->o.p.seed,
	    "rows", (json_int_t)j->d.n, "batteries", (json_int_t)j->nb,
	    "skipped", (json_int_t)j->d.skipped,
	    "fingerprint", j->fingerprint);
	for (int k = 0; k < j->d.nfeat; k++)
		json_array_append_new(names, json_string(j->d.names[k]));
	json_object_set_new(r, "features", names);
	if (j->m.booster)
		json_object_set_new(r, "model_id", json_string(j->m.id));
	json_object_set_new(r, "cv", cv_json(&j->runs[0].eval, &j->ev_base));
	if (j->o.test)
		json_object_set_new(r, "test", json_pack("{s:I,s:I,s:o,s:o}",
		    "rows", (json_int_t)j->test_rows,
		    "batteries", (json_int_t)j->test_batteries,
		    "model", brul_eval_json(&j->ev_test),
		    "baseline", brul_eval_json(&j->ev_test_base)));
	if (j->o.test && j->o.peer)
		json_object_set_new(json_object_get(r, "test"), "peer",
		    brul_eval_json(&j->ev_test_peer));
	if (j->m.has_hazard) {
		char *h = brul_hazard_json(&j->m.hazard);

		json_object_set_new(r, "hazard", h ? json_loads(h, 0, NULL) :
		    json_null());
		free(h);
	}
	if (j->o.has_until) {
		int ir = j->runs[0].objective == BRUL_OBJ_REGRESSION ? 0 : 1;
		char date[16];

		date[brul_date_format(date, j->o.until)] = '\0';
		json_object_set_new(r, "censoring", json_pack("{s:s,s:o,s:o}",
		    "observed_until", date,
		    "regression", brul_eval_json(&j->runs[ir].eval),
		    "survival", brul_eval_json(&j->runs[1 - ir].eval)));
	}
	return r;
}

/* cv.c: see cv.h. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"
#include "ml/cv.h"

void
brul_folds_assign(int *fold, int nb, int k, uint64_t seed)
{
	struct brul_rng r;
	int *order = malloc((size_t)(nb ? nb : 1) * sizeof *order);

	if (order == NULL) {	/* still grouped, only not shuffled */
		for (int b = 0; b < nb; b++)
			fold[b] = b % k;
		return;
	}
	brul_rng_init(&r, brul_rng_key(seed, 0x666f6c6473ULL, 0, 0), 0);
	for (int b = 0; b < nb; b++)
		order[b] = b;
	for (int b = nb - 1; b > 0; b--) {	/* Fisher-Yates */
		int j = (int)(brul_rng_u64(&r) % (uint64_t)(b + 1));
		int t = order[b];

		order[b] = order[j];
		order[j] = t;
	}
	for (int i = 0; i < nb; i++)
		fold[order[i]] = i % k;
	free(order);
}

int
brul_cv_predict(const struct brul_dataset *d, const struct brul_label *labels,
    const int *fold, int k, const struct brul_train_params *p, double *oof,
    struct brul_err *err)
{
	size_t nf = (size_t)d->nfeat;
	float *x = malloc((d->n ? d->n : 1) * nf * sizeof *x);
	struct brul_label *l = malloc((d->n ? d->n : 1) * sizeof *l);
	size_t *rows = malloc((d->n ? d->n : 1) * sizeof *rows);
	double *pred = malloc((d->n ? d->n : 1) * sizeof *pred);
	int rc = -1;

	if (x == NULL || l == NULL || rows == NULL || pred == NULL) {
		brul_err_set(err, NULL, 0, 0, "out of memory");
		goto out;
	}
	for (int f = 0; f < k; f++) {
		struct brul_model m;
		size_t nt = 0, nv = 0;

		/* the training rows first, then the fold's */
		for (size_t i = 0; i < d->n; i++)
			if (fold[d->battery[i]] != f) {
				memcpy(x + nt * nf, d->x + i * nf,
				    nf * sizeof *x);
				l[nt++] = labels[i];
			}
		for (size_t i = 0; i < d->n; i++)
			if (fold[d->battery[i]] == f) {
				memcpy(x + (nt + nv) * nf, d->x + i * nf,
				    nf * sizeof *x);
				rows[nv++] = i;
			}
		if (nv == 0)
			continue;
		if (brul_model_train(&m, p, x, nt, d->nfeat,
		    (const char *const *)d->names, l, err) < 0)
			goto out;
		rc = brul_model_predict(&m, x + nt * nf, nv, pred, err);
		brul_model_release(&m);
		if (rc < 0)
			goto out;
		rc = -1;
		for (size_t j = 0; j < nv; j++)
			oof[rows[j]] = pred[j];
	}
	rc = 0;
out:
	free(x);
	free(l);
	free(rows);
	free(pred);
	return rc;
}

/* Fits c on the rows outside fold f (f < 0: all rows).  A sudden failure
 * ends the block before it wears out: its wear-out time is only known to
 * be later, a censored residual. */
static int
fit(const struct brul_dataset *d, const struct brul_label *labels,
    const int *fold, int f, const double *pred, struct brul_calib *c,
    struct brul_err *err)
{
	double *p = malloc((d->n ? d->n : 1) * sizeof *p);
	double *t = malloc((d->n ? d->n : 1) * sizeof *t);
	int *ex = malloc((d->n ? d->n : 1) * sizeof *ex);
	size_t m = 0;
	int rc = -1;

	if (p == NULL || t == NULL || ex == NULL)
		brul_err_set(err, NULL, 0, 0, "out of memory");
	else {
		for (size_t i = 0; i < d->n; i++) {
			if (f >= 0 && fold[d->battery[i]] == f)
				continue;
			p[m] = pred[i];
			t[m] = labels[i].rul_days;
			ex[m++] = !labels[i].censored && !labels[i].sudden;
		}
		rc = brul_calib_fit(c, p, t, ex, m, err);
	}
	free(p);
	free(t);
	free(ex);
	return rc;
}

int
brul_cv_dists(const struct brul_dataset *d, const struct brul_label *labels,
    const int *fold, int k, const double *pred, struct brul_rul *out,
    struct brul_err *err)
{
	int idx[4];

	brul_hazard_index(idx, (const char *const *)d->names, d->nfeat);
	for (int f = 0; f < k; f++) {
		struct brul_calib c;
		struct brul_hazard h;

		if (fit(d, labels, fold, f, pred, &c, err) < 0 ||
		    brul_hazard_fit(&h, d, labels, fold, f, err) < 0)
			return -1;
		for (size_t i = 0; i < d->n; i++)
			if (fold[d->battery[i]] == f) {
				struct brul_dist x = { &c, pred[i],
				    brul_hazard_rate(&h, idx, d->x + i *
				    (size_t)d->nfeat) };

				brul_dist_read(&x, &out[i]);
			}
	}
	return 0;
}

int
brul_cv_calibrate(const struct brul_dataset *d,
    const struct brul_label *labels, const double *pred,
    struct brul_calib *c, struct brul_err *err)
{
	return fit(d, labels, NULL, -1, pred, c, err);
}

/* Counted by the evaluation's errors and coverage (evaluate.c). */
static int
judged(const struct brul_label *l, double pred)
{
	return !l->censored && isfinite(l->rul_days) && isfinite(pred);
}

size_t
brul_cv_sample(const struct brul_dataset *d, const double *pred, size_t cap,
    size_t *rows, size_t band_rows[BRUL_BANDS])
{
	size_t quota[BRUL_BANDS], seen[BRUL_BANDS] = { 0 }, left = cap, m = 0;
	int order[BRUL_BANDS];

	for (int b = 0; b < BRUL_BANDS; b++)
		band_rows[b] = 0;
	for (size_t i = 0; i < d->n; i++)
		if (judged(&d->label[i], pred[i]))
			band_rows[brul_band(d->label[i].rul_days)]++;
	/* equal shares, the smallest band first, so that what one cannot
	 * use goes to those after it */
	for (int b = 0; b < BRUL_BANDS; b++) {
		int k = b;

		while (k > 0 && band_rows[order[k - 1]] > band_rows[b]) {
			order[k] = order[k - 1];
			k--;
		}
		order[k] = b;
	}
	for (int k = 0; k < BRUL_BANDS; k++) {
		size_t share = left / (size_t)(BRUL_BANDS - k),
		    c = band_rows[order[k]];

		quota[order[k]] = c < share ? c : share;
		left -= quota[order[k]];
	}
	/* of a band's c rows, the j-th (from 0) is taken where
	 * floor(j * q / c) steps up by j + 1: q of them, evenly spread */
	for (size_t i = 0; i < d->n; i++) {
		size_t b, j;

		if (!judged(&d->label[i], pred[i]))
			continue;
		b = (size_t)brul_band(d->label[i].rul_days);
		j = seen[b]++;
		if ((j + 1) * quota[b] / band_rows[b] > j * quota[b] /
		    band_rows[b])
			rows[m++] = i;
	}
	return m;
}

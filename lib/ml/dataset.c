/* dataset.c: see dataset.h. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/hash.h"
#include "ml/dataset.h"
#include "ml/featmap.h"

int
brul_dataset_init(struct brul_dataset *d, struct brul_err *err)
{
	memset(d, 0, sizeof *d);
	if ((d->ids = brul_idtab_new()) == NULL)
		return brul_err_set(err, NULL, 0, 0, "out of memory");
	return 0;
}

void
brul_dataset_release(struct brul_dataset *d)
{
	brul_featmap_names_free(d->names);
	free(d->x);
	free(d->battery);
	free(d->day);
	free(d->label);
	brul_idtab_free(d->ids);
	memset(d, 0, sizeof *d);
}

/* Room for one more row. */
static int
reserve(struct brul_dataset *d)
{
	size_t cap = d->cap ? d->cap * 2 : 4096;
	void *p;

	if (d->n < d->cap)
		return 0;
	if (cap > SIZE_MAX / sizeof(float) / (size_t)d->nfeat)
		return -1;
	if ((p = realloc(d->x, cap * (size_t)d->nfeat * sizeof *d->x)) == NULL)
		return -1;
	d->x = p;
	if ((p = realloc(d->battery, cap * sizeof *d->battery)) == NULL)
		return -1;
	d->battery = p;
	if ((p = realloc(d->day, cap * sizeof *d->day)) == NULL)
		return -1;
	d->day = p;
	if ((p = realloc(d->label, cap * sizeof *d->label)) == NULL)
		return -1;
	d->label = p;
	d->cap = cap;
	return 0;
}

/* The row's window_s, which must be the dataset's. */
static int
same_window(struct brul_dataset *d, struct brul_reader *r, int col,
    struct brul_err *err)
{
	int64_t w;
	int rc = brul_reader_int(r, col, &w, err);

	if (rc <= 0)
		return rc;
	if (d->window_s == 0)
		d->window_s = w;
	else if (w != d->window_s)
		return brul_err_set(err, brul_reader_name(r),
		    brul_reader_line(r), 0, "window_s: %lld, but the training "
		    "rows have %lld: one window length only",
		    (long long)w, (long long)d->window_s);
	return 0;
}

int
brul_dataset_read(struct brul_dataset *d, struct brul_reader *r,
    const struct brul_labels *labels, struct brul_err *err)
{
	struct brul_featmap m = { 0 };
	int c_id, c_date, c_win, rc;

	if ((c_id = brul_reader_require(r, "battery_id", err)) < 0 ||
	    (c_date = brul_reader_require(r, "date", err)) < 0)
		return -1;
	c_win = brul_reader_col(r, "window_s");
	if (d->names == NULL &&
	    (d->names = brul_featmap_columns(r, &d->nfeat, err)) == NULL)
		return -1;
	if (brul_featmap_bind(&m, (const char *const *)d->names, d->nfeat, r,
	    err) < 0)
		return -1;
	while ((rc = brul_reader_next(r, err)) == 1) {
		struct brul_field id;
		const struct brul_label *lab;
		int64_t day;
		int k;

		if ((rc = brul_reader_id(r, c_id, &id, err)) < 0)
			break;
		if ((rc = brul_reader_date(r, c_date, &day, err)) <= 0) {
			if (rc == 0)
				rc = brul_err_set(err, brul_reader_name(r),
				    brul_reader_line(r), 0, "date: missing "
				    "value");
			break;
		}
		if (c_win >= 0 && (rc = same_window(d, r, c_win, err)) < 0)
			break;
		if ((lab = brul_labels_find(labels, id.s, id.n, day)) == NULL) {
			d->skipped++;
			continue;
		}
		if (reserve(d) < 0 ||
		    (k = brul_idtab_intern(d->ids, id.s, id.n)) < 0) {
			rc = brul_err_set(err, NULL, 0, 0, "out of memory");
			break;
		}
		if ((rc = brul_featmap_read(&m, r, d->x + d->n *
		    (size_t)d->nfeat, err)) < 0)
			break;
		d->battery[d->n] = k;
		d->day[d->n] = day;
		d->label[d->n] = *lab;
		d->n++;
	}
	brul_featmap_release(&m);
	return rc < 0 ? -1 : 0;
}

int
brul_dataset_feature(const struct brul_dataset *d, const char *name)
{
	for (int j = 0; j < d->nfeat; j++)
		if (strcmp(d->names[j], name) == 0)
			return j;
	return -1;
}

uint64_t
brul_dataset_fingerprint(const struct brul_dataset *d,
    const struct brul_label *labels)
{
	uint64_t h = BRUL_FNV_OFFSET;

	for (int j = 0; j < d->nfeat; j++)
		h = brul_fnv(h, d->names[j], strlen(d->names[j]) + 1);
	for (size_t i = 0; i < d->n; i++) {
		const struct brul_label *l = &labels[i];
		const char *id = brul_idtab_name(d->ids, d->battery[i]);

		/* NANs of any payload hash alike */
		for (int j = 0; j < d->nfeat; j++) {
			float v = d->x[i * (size_t)d->nfeat + (size_t)j];

			if (isnan(v))
				v = NAN;
			h = brul_fnv(h, &v, sizeof v);
		}
		h = brul_fnv(h, id, strlen(id) + 1);
		h = brul_fnv(h, &l->rul_days, sizeof l->rul_days);
		h = brul_fnv(h, &l->censored, sizeof l->censored);
	}
	return h;
}

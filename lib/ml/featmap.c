/* featmap.c: see featmap.h. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ml/featmap.h"

static const char *const keys[] = {
	"battery_id", "string_id", "date", "ts", "window_s"
};

static int
is_key(const char *name)
{
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (strcmp(name, keys[i]) == 0)
			return 1;
	return 0;
}

void
brul_featmap_names_free(char **names)
{
	if (names == NULL)
		return;
	for (char **p = names; *p; p++)
		free(*p);
	free(names);
}

char **
brul_featmap_columns(struct brul_reader *r, int *n, struct brul_err *err)
{
	int nc = brul_reader_ncols(r), k = 0;
	char **names = calloc((size_t)nc + 1, sizeof *names);

	if (names == NULL)
		goto oom;
	for (int c = 0; c < nc; c++) {
		const char *name = brul_reader_colname(r, c);

		if (is_key(name))
			continue;
		if ((names[k++] = strdup(name)) == NULL)
			goto oom;
	}
	if (k == 0) {
		brul_err_set(err, brul_reader_name(r), 0, 0, "no feature "
		    "columns (only %d key columns)", nc);
		brul_featmap_names_free(names);
		return NULL;
	}
	*n = k;
	return names;
oom:
	brul_featmap_names_free(names);
	brul_err_set(err, NULL, 0, 0, "out of memory");
	return NULL;
}

void
brul_featmap_index(int *idx, const char *const *want, int nwant,
    const char *const *names, int n)
{
	for (int k = 0; k < nwant; k++) {
		idx[k] = -1;
		for (int j = 0; j < n; j++)
			if (strcmp(names[j], want[k]) == 0)
				idx[k] = j;
	}
}

int
brul_featmap_bind(struct brul_featmap *m, const char *const *names, int n,
    struct brul_reader *r, struct brul_err *err)
{
	char list[sizeof err->msg - 32];
	size_t len = 0;
	int missing = 0;

	m->n = n;
	if ((m->col = malloc((size_t)(n ? n : 1) * sizeof *m->col)) == NULL)
		return brul_err_set(err, NULL, 0, 0, "out of memory");
	list[0] = '\0';
	for (int i = 0; i < n; i++) {
		if ((m->col[i] = brul_reader_has_col(r, names[i])) >= 0)
			continue;
		if (len < sizeof list) {
			int w = snprintf(list + len, sizeof list - len, "%s%s",
			    missing ? ", " : "", names[i]);

			len += w > 0 ? (size_t)w : 0;
		}
		missing++;
	}
	if (missing == 0)
		return 0;
	brul_featmap_release(m);
	return brul_err_set(err, brul_reader_name(r), 0, 0,
	    "missing column%s: %s", missing > 1 ? "s" : "", list);
}

void
brul_featmap_release(struct brul_featmap *m)
{
	free(m->col);
	m->col = NULL;
	m->n = 0;
}

int
brul_featmap_read(const struct brul_featmap *m, struct brul_reader *r,
    float *out, struct brul_err *err)
{
	for (int i = 0; i < m->n; i++) {
		double v;
		int rc = brul_reader_double(r, m->col[i], &v, err);

		if (rc < 0)
			return -1;
		/* a float is what XGBoost takes */
		if (rc && !(fabs(v) <= FLT_MAX))
			return brul_err_set(err, brul_reader_name(r),
			    brul_reader_line(r), 0, "%s: out of range: %g",
			    brul_reader_colname(r, m->col[i]), v);
		out[i] = rc ? (float)v : NAN;
	}
	return 0;
}

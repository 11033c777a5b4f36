/*
 * fuzz-labels.c: libFuzzer target for the readers of training data: the
 * labels loader, and the same bytes read as a features stream joined with
 * those labels.
 *
 * Beyond "no crash, no leak, no hang": every label loaded is found again
 * under its battery and date; a row joined carries the label found for
 * it; a censored label never has an end-of-life day.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/reader.h"
#include "ml/dataset.h"
#include "ml/labels.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct brul_err err;
	struct brul_reader *r;
	struct brul_labels *l;
	struct brul_dataset d;

	if ((r = brul_reader_open_mem(data, size, BRUL_FMT_AUTO, &err)) ==
	    NULL)
		return 0;
	l = brul_labels_load(r, &err);
	brul_reader_close(r);
	if (l == NULL)
		return 0;
	if (brul_dataset_init(&d, &err) < 0)
		abort();
	r = brul_reader_open_mem(data, size, BRUL_FMT_AUTO, &err);
	if (r != NULL && brul_dataset_read(&d, r, l, &err) == 0) {
		for (size_t i = 0; i < d.n; i++) {
			const char *id = brul_idtab_name(d.ids, d.battery[i]);
			const struct brul_label *x = brul_labels_find(l, id,
			    strlen(id), d.day[i]);

			if (x == NULL || memcmp(x, &d.label[i], sizeof *x) != 0)
				abort();
			if (x->censored && x->eol_day != INT64_MIN)
				abort();
			if (isnan(x->rul_days) || x->rul_days < 0)
				abort();
		}
	}
	brul_reader_close(r);
	brul_dataset_release(&d);
	brul_labels_free(l);
	return 0;
}

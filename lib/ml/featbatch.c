/*
 * featbatch.c: closed rows waiting, a batch per window, until no battery
 * is still inside that window or an earlier one; then the string
 * comparisons (each block's mean voltage and temperature against its
 * string's over the same window) and the rows handed out in order of
 * first appearance.
 */
#include <stdlib.h>

#include "ml/features.h"
#include "ml/featuresint.h"

struct batch *
brul_features_batch_for(struct brul_features *f, int64_t start)
{
	struct batch **pp = &f->head, *b;

	while (*pp && (*pp)->start < start)
		pp = &(*pp)->next;
	if (*pp && (*pp)->start == start)
		return *pp;
	if (f->spare) {
		b = f->spare;
		f->spare = b->next;
	} else if ((b = calloc(1, sizeof *b)) == NULL)
		return NULL;
	b->start = start;
	b->open = 0;
	b->n = 0;
	b->next = *pp;
	*pp = b;
	return b;
}

void
brul_features_free_batches(struct batch *b)
{
	while (b) {
		struct batch *next = b->next;

		free(b->items);
		free(b);
		b = next;
	}
}

static int
cmp_item(const void *a, const void *b)
{
	const struct item *x = a, *y = b;

	return (x->order > y->order) - (x->order < y->order);
}

/* A batch complete: each block against its string's blocks, then the rows
 * in order of first appearance. */
static void
finish_batch(struct brul_features *f, struct batch *bt)
{
	int sorted = 1;

	for (size_t k = 0; k < bt->n; k++) {
		struct item *it = &bt->items[k];
		struct str *a;

		if (k > 0 && it->order < bt->items[k - 1].order)
			sorted = 0;
		if (it->string < 0)
			continue;
		a = &f->strs[it->string];
		if (it->row.v_mean_v == it->row.v_mean_v) {
			a->sv += it->row.v_mean_v;
			a->nv++;
		}
		if (it->row.t_mean_c == it->row.t_mean_c) {
			a->st += it->row.t_mean_c;
			a->nt++;
		}
	}
	for (size_t k = 0; k < bt->n; k++) {
		struct item *it = &bt->items[k];
		const struct str *a;

		if (it->string < 0)
			continue;
		a = &f->strs[it->string];
		if (a->nv > 1)
			it->row.v_dev_string_v = it->row.v_mean_v -
			    a->sv / (double)a->nv;
		if (a->nt > 1)
			it->row.t_rise_c = it->row.t_mean_c -
			    a->st / (double)a->nt;
	}
	for (size_t k = 0; k < bt->n; k++)
		if (bt->items[k].string >= 0) {
			struct str *a = &f->strs[bt->items[k].string];

			a->sv = a->st = 0;
			a->nv = a->nt = 0;
		}
	if (!sorted)
		qsort(bt->items, bt->n, sizeof *bt->items, cmp_item);
}

const struct brul_features_row *
brul_features_next(struct brul_features *f)
{
	for (;;) {
		struct batch *h;

		if (f->ready) {
			if (f->ready_pos < f->ready->n)
				return &f->ready->items[f->ready_pos++].row;
			f->ready->next = f->spare;
			f->spare = f->ready;
			f->ready = NULL;
		}
		if ((h = f->head) == NULL || h->open > 0)
			return NULL;
		f->head = h->next;
		h->next = NULL;
		finish_batch(f, h);
		f->ready = h;
		f->ready_pos = 0;
	}
}

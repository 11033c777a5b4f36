/*
 * fuzz-import.c: libFuzzer target for brul-import's reader of vendor
 * exports (lib/battery/import.c): header found by names, a preamble's
 * keys, units, times, the plausibility checks, the sign vote and the held
 * voltages.
 *
 * The first byte picks the layout (a preset or a mapping of its own) and
 * the options; the rest is the file.  Beyond "no crash, no leak", each
 * input is read twice, with keep_held and without: the two must hand out
 * the same rows, differing only in a voltage the second leaves empty, as
 * many as it counts; a time never goes back for a battery; every id is
 * one.
 */
#include <sys/mman.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "battery/import.h"
#include "core/id.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const presets[] = {
	"digatron", "digatron-eis", "bboxx", "tetra"
};

static void
options(struct brul_import_opts *o, unsigned k)
{
	struct brul_err e;

	brul_import_opts_init(o);
	if ((k & 7) < 4) {
		if (brul_import_preset(o, presets[k & 3], &e) < 0)
			abort();
	} else {
		o->col[BRUL_IMP_TS] = "t";
		o->col[BRUL_IMP_VOLTAGE] = "v";
		o->col[BRUL_IMP_CURRENT] = "i";
		o->col[BRUL_IMP_TEMP] = "T";
		o->col[BRUL_IMP_RES] = "r";
		o->col[BRUL_IMP_BATTERY] = (k & 7) == 5 ? "id" : NULL;
		o->unit[BRUL_IMP_VOLTAGE] = (k & 7) == 6 ? "mV" : NULL;
		o->missing = (k & 7) == 7 ? "-999" : NULL;
	}
	o->battery_id = "F1";
	o->start = 1700000000;
	o->has_start = 1;
	o->interval = 60;
	o->capacity_ah = k & 8 ? 9 : 0;
	o->drop_bad = !!(k & 16);
	o->discharge_positive ^= !!(k & 32);
}

/* The rows of the file, each into rows[] (voltage, current, time); the
 * count, or -1 when it cannot be opened.  *held: the import's count. */
static long
read_all(const struct brul_import_opts *o, const char *path, double *rows,
	 long max, uint64_t *held)
{
	struct brul_import_row row;
	struct brul_import *im;
	struct brul_err e;
	char prev[BRUL_ID_MAX + 1] = "";
	int64_t prev_ts = INT64_MIN;
	long n = 0;
	long first;

	*held = 0;
	if ((im = brul_import_open(o, path, &e)) == NULL)
		return -1;
	while (brul_import_next(im, &row, &e) == 1) {
		if (!brul_id_ok(row.battery_id, strlen(row.battery_id),
		    BRUL_ID_MAX))
			abort();
		if (strcmp(prev, row.battery_id) == 0 && row.ts < prev_ts)
			abort();
		snprintf(prev, sizeof prev, "%s", row.battery_id);
		prev_ts = row.ts;
		if (n < max) {
			rows[3 * n] = row.v[BRUL_IMP_VOLTAGE];
			rows[3 * n + 1] = row.v[BRUL_IMP_CURRENT];
			rows[3 * n + 2] = (double)row.ts;
		}
		n++;
	}
	*held = brul_import_held(im, &first);
	if (*held > (uint64_t)n)
		abort();
	brul_import_close(im);
	return n;
}

static int
same(double a, double b)
{
	return isnan(a) ? isnan(b) : a == b;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum { MAX = 512 };
	static double kept[3 * MAX], left[3 * MAX];
	struct brul_import_opts o;
	uint64_t held_k, held_l, diff = 0;
	char path[64];
	long nk, nl;
	int fd;

	if (size < 1)
		return 0;
	setenv("TZ", "UTC", 1);
	if ((fd = memfd_create("fuzz-import", 0)) == -1)
		abort();
	if (write(fd, data + 1, size - 1) != (ssize_t)(size - 1))
		abort();
	snprintf(path, sizeof path, "/dev/fd/%d", fd);
	options(&o, data[0]);
	o.keep_held = 1;
	nk = read_all(&o, path, kept, MAX, &held_k);
	o.keep_held = 0;
	nl = read_all(&o, path, left, MAX, &held_l);
	close(fd);
	if (nk != nl || held_k != held_l)
		abort();
	for (long r = 0; r < nk && r < MAX; r++) {
		if (!same(kept[3 * r + 1], left[3 * r + 1]) ||
		    kept[3 * r + 2] != left[3 * r + 2])
			abort();
		if (same(kept[3 * r], left[3 * r]))
			continue;
		if (!isnan(left[3 * r]))
			abort();
		diff++;
	}
	if (nk <= MAX && diff != held_l)
		abort();
	return 0;
}

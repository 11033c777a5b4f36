/* fleet.c: see fleet.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/datadir.h"
#include "core/reader.h"
#include "core/rng.h"
#include "sim/fleet.h"
#include "sim/rngkey.h"

/* Opens data file name, the stream of brul-formats(5) it is (NULL: none
 * of them), with its required columns; cols[i] receives the index of
 * names[i]. */
static struct brul_reader *
open_data(const char *name, const char *stream, const char *const *names,
	  int *cols, int n, struct brul_err *err)
{
	char path[4096];
	struct brul_reader *r;

	if (brul_data_path(name, path, sizeof path, err) < 0)
		return NULL;
	if ((r = brul_reader_open(path, BRUL_FMT_CSV, err)) == NULL)
		return NULL;
	brul_reader_expect(r, NULL, stream);
	for (int i = 0; i < n; i++)
		if ((cols[i] = brul_reader_require(r, names[i], err)) < 0) {
			brul_reader_close(r);
			return NULL;
		}
	return r;
}

/* A text field into dst of n bytes; -1 with the position when it does
 * not fit: an id cut short would name another site, silently. */
static int
copy_field(struct brul_reader *r, int col, char *dst, size_t n,
	   struct brul_err *err)
{
	struct brul_field f = brul_reader_field(r, col);
	size_t len = f.s ? f.n : 0;

	if (len > n - 1)
		return brul_err_set(err, brul_reader_name(r),
		    brul_reader_line(r), 0, "%s: longer than %zu bytes",
		    brul_reader_colname(r, col), n - 1);
	if (len)
		memcpy(dst, f.s, len);
	dst[len] = '\0';
	return 0;
}

/* A required number; -1 with the position when missing or malformed. */
static int
num(struct brul_reader *r, int col, double *v, struct brul_err *err)
{
	int rc = brul_reader_double(r, col, v, err);

	if (rc == 0)
		return brul_err_set(err, brul_reader_name(r),
		    brul_reader_line(r), 0, "%s: missing value",
		    brul_reader_colname(r, col));
	return rc < 0 ? -1 : 0;
}

static void *
grow(void *p, int n, size_t size)
{
	/* Doubles at powers of two; n is the count before adding one. */
	if (n == 0 || (n & (n - 1)) == 0)
		return realloc(p, (size_t)(n ? 2 * n : 8) * size);
	return p;
}

static int
load_regions(struct brul_fleet *f, struct brul_err *err)
{
	static const char *const names[] = { "region", "t_jan", "t_feb",
	    "t_mar", "t_apr", "t_may", "t_jun", "t_jul", "t_aug", "t_sep",
	    "t_oct", "t_nov", "t_dec", "diurnal_c", "outages_per_year",
	    "outage_median_min", "hvac_faults_per_year" };
	int cols[17], rc;
	struct brul_reader *r = open_data("regions.csv", NULL, names, cols, 17,
	    err);

	if (!r)
		return -1;
	while ((rc = brul_reader_next(r, err)) == 1) {
		struct brul_region *g;
		void *p = grow(f->regions, f->nregions, sizeof *g);

		if (!p)
			goto nomem;
		f->regions = p;
		g = &f->regions[f->nregions++];
		if (copy_field(r, cols[0], g->name, sizeof g->name, err) < 0)
			goto fail;
		for (int m = 0; m < 12; m++)
			if (num(r, cols[1 + m], &g->t_month[m], err) < 0)
				goto fail;
		if (num(r, cols[13], &g->diurnal_c, err) < 0 ||
		    num(r, cols[14], &g->outages_per_year, err) < 0 ||
		    num(r, cols[15], &g->outage_median_min, err) < 0 ||
		    num(r, cols[16], &g->hvac_faults_per_year, err) < 0)
			goto fail;
	}
	brul_reader_close(r);
	return rc;
nomem:
	brul_err_set(err, NULL, 0, 0, "out of memory");
fail:
	brul_reader_close(r);
	return -1;
}

static int
load_models(struct brul_fleet *f, struct brul_err *err)
{
	int n = brul_blockmodels_load(NULL, BRUL_BM_ALL, &f->models, err);

	if (n < 0)
		return -1;
	f->nmodels = n;
	return 0;
}

static int
load_sites(struct brul_fleet *f, struct brul_err *err)
{
	static const char *const names[] = { "site_id", "name", "province",
	    "region", "latitude", "longitude", "ups_systems",
	    "hvac_setpoint_c" };
	int cols[8], rc;
	struct brul_reader *r = open_data("sites.csv", "sites", names, cols, 8,
	    err);

	if (!r)
		return -1;
	while ((rc = brul_reader_next(r, err)) == 1) {
		struct brul_site *s;
		char region[16];
		double ups;
		void *p = grow(f->sites, f->nsites, sizeof *s);

		if (!p) {
			brul_reader_close(r);
			return brul_err_set(err, NULL, 0, 0, "out of memory");
		}
		f->sites = p;
		s = &f->sites[f->nsites++];
		memset(s, 0, sizeof *s);
		if (copy_field(r, cols[0], s->id, sizeof s->id, err) < 0 ||
		    copy_field(r, cols[1], s->name, sizeof s->name, err) < 0 ||
		    copy_field(r, cols[2], s->province, sizeof s->province,
		    err) < 0 ||
		    copy_field(r, cols[3], region, sizeof region, err) < 0) {
			brul_reader_close(r);
			return -1;
		}
		s->region = -1;
		for (int i = 0; i < f->nregions; i++)
			if (strcmp(f->regions[i].name, region) == 0)
				s->region = i;
		if (s->region < 0) {
			brul_err_set(err, brul_reader_name(r),
			    brul_reader_line(r), 0,
			    "region: unknown region: \"%s\"", region);
			brul_reader_close(r);
			return -1;
		}
		if (num(r, cols[4], &s->latitude, err) < 0 ||
		    num(r, cols[5], &s->longitude, err) < 0 ||
		    num(r, cols[6], &ups, err) < 0 ||
		    num(r, cols[7], &s->setpoint_c, err) < 0) {
			brul_reader_close(r);
			return -1;
		}
		s->ups_systems = (int)ups;
	}
	brul_reader_close(r);
	return rc;
}

/* Draws systems and strings for every site, in fleet order. */
static int
draw_fleet(struct brul_fleet *f, int64_t start_day, struct brul_err *err)
{
	int nsys = 0, nstr = 0;

	for (int i = 0; i < f->nsites; i++) {
		nsys += 1 + f->sites[i].ups_systems;
		nstr += BRUL_REC_STRINGS +
		    BRUL_UPS_STRINGS * f->sites[i].ups_systems;
	}
	f->systems = calloc((size_t)nsys, sizeof *f->systems);
	f->strings = calloc((size_t)nstr, sizeof *f->strings);
	if (!f->systems || !f->strings)
		return brul_err_set(err, NULL, 0, 0, "out of memory");

	for (int i = 0; i < f->nsites; i++) {
		struct brul_site *site = &f->sites[i];

		site->first_system = f->nsystems;
		site->nsystems = 1 + site->ups_systems;
		for (int k = 0; k < site->nsystems; k++) {
			int si = f->nsystems++;
			struct brul_system *sys = &f->systems[si];
			struct brul_rng g;

			brul_rng_init(&g, brul_rng_key(f->seed, BRUL_KEY_SYSTEM,
			    (uint64_t)si, 0), 0);
			sys->site = i;
			sys->kind = k == 0 ? BRUL_RECTIFIER : BRUL_UPS;
			snprintf(sys->id, sizeof sys->id, "%s-%s%d", site->id,
			    k == 0 ? "REC" : "UPS", k == 0 ? 1 : k);
			sys->nstrings = k == 0 ? BRUL_REC_STRINGS :
			    BRUL_UPS_STRINGS;
			sys->first_string = f->nstrings;
			/* 2.26-2.27 V/cell float, 2.35-2.40 V/cell boost */
			sys->float_v = 6 * (2.260 + 0.010 * brul_rng_uniform(&g));
			sys->boost_v = 6 * (2.350 + 0.050 * brul_rng_uniform(&g));
			/* UPS strings carry a heavier share of load than a
			 * telecom rectifier plant's. */
			sys->load_c = sys->kind == BRUL_UPS ?
			    0.15 + 0.15 * brul_rng_uniform(&g) :
			    0.05 + 0.10 * brul_rng_uniform(&g);
			/* Rectifier rooms are cooled less than UPS rooms. */
			sys->room_offset_c = (sys->kind == BRUL_RECTIFIER ?
			    1.5 : 0.0) + 1.0 * brul_rng_uniform(&g);
			sys->leak = 0.05 + 0.07 * brul_rng_uniform(&g);
			sys->equalize_days = brul_rng_uniform(&g) < 0.5 ? 0 :
			    90 + (int)(90 * brul_rng_uniform(&g));
			for (int s = 0; s < sys->nstrings; s++) {
				int ti = f->nstrings++;
				struct brul_string *str = &f->strings[ti];
				struct brul_rng h;
				double u;
				int m;

				brul_rng_init(&h, brul_rng_key(f->seed,
				    BRUL_KEY_STRING, (uint64_t)ti, 0), 0);
				str->system = si;
				str->site = i;
				snprintf(str->id, sizeof str->id, "%s-S%d",
				    sys->id, s + 1);
				u = brul_rng_uniform(&h);
				for (m = 0; m < f->nmodels - 1; m++) {
					if (u < f->models[m].share)
						break;
					u -= f->models[m].share;
				}
				str->model = m;
				/* Installed 0.3-5 years before the start (the string life
				 * limit is 5-6.5 years, so none is due yet). */
				str->install_day = start_day - (int64_t)(365.25 *
				    (0.3 + 4.7 * brul_rng_uniform(&h)));
				str->life_limit_years = 5.0 +
				    1.5 * brul_rng_uniform(&h);
				str->ohmic_minute = 17 * 60 +
				    (int)(240 * brul_rng_uniform(&h));
			}
		}
	}
	return 0;
}

int
brul_fleet_load(struct brul_fleet *f, uint64_t seed, int64_t start_day,
		struct brul_err *err)
{
	memset(f, 0, sizeof *f);
	f->seed = seed;
	if (load_regions(f, err) < 0 || load_models(f, err) < 0 ||
	    load_sites(f, err) < 0 || draw_fleet(f, start_day, err) < 0) {
		brul_fleet_release(f);
		return -1;
	}
	if (f->nsites == 0 || f->nmodels == 0 || f->nregions == 0) {
		brul_fleet_release(f);
		return brul_err_set(err, NULL, 0, 0,
		    "data files describe no sites, regions or models");
	}
	return 0;
}

void
brul_fleet_release(struct brul_fleet *f)
{
	free(f->regions);
	free(f->models);
	free(f->sites);
	free(f->systems);
	free(f->strings);
	memset(f, 0, sizeof *f);
}

int
brul_fleet_site(const struct brul_fleet *f, const char *id)
{
	for (int i = 0; i < f->nsites; i++)
		if (strcmp(f->sites[i].id, id) == 0)
			return i;
	return -1;
}

int
brul_fleet_string(const struct brul_fleet *f, const char *id)
{
	for (int i = 0; i < f->nstrings; i++)
		if (strcmp(f->strings[i].id, id) == 0)
			return i;
	return -1;
}

/* engine.c: see engine.h. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert/engine.h"
#include "alert/reading.h"
#include "battery/batteries.h"
#include "battery/vrla.h"
#include "core/grow.h"
#include "core/idtab.h"
#include "core/timefmt.h"

#define SLOTS 16		/* columns read per source */
#define NONE INT64_MIN

/* Metrics computed here rather than read: negative slot numbers. */
enum {
	D_FLOAT_DEV = -1, D_AMBIENT = -2, D_OVER_AMBIENT = -3,
	D_OVER_STRING = -4, D_FLOAT_I25 = -5, D_SILENCE = -6
};
static const struct {
	const char *name;
	int code;
	unsigned sources;	/* mask of enum brul_source */
	int strings;		/* needs the string stream */
} derived[] = {
	{ "float_deviation_v", D_FLOAT_DEV, 1u << BRUL_SRC_TELEMETRY, 0 },
	{ "ambient_c", D_AMBIENT, 1u << BRUL_SRC_TELEMETRY, 1 },
	{ "over_ambient_c", D_OVER_AMBIENT, 1u << BRUL_SRC_TELEMETRY, 1 },
	{ "over_string_c", D_OVER_STRING, 1u << BRUL_SRC_TELEMETRY, 0 },
	{ "float_current_25_a", D_FLOAT_I25,
	    1u << BRUL_SRC_TELEMETRY | 1u << BRUL_SRC_STRINGS, 0 },
	{ "silence_min", D_SILENCE, 1u << BRUL_SRC_TELEMETRY, 0 },
};

/* Fixed slots of the telemetry and string sources. */
enum { T_V, T_I, T_T, T_R };
enum { S_I, S_AMB };

struct block {
	int string, site, system;	/* system -1: unknown */
	double base_mohm, float_v, cap_ah;
	int64_t removed;	/* NONE: in service */
	int64_t last_seen;	/* NONE: never */
};

struct string {
	int site;
	int mode;		/* -1 unknown */
	int64_t last_in[BRUL_MODE_COUNT];	/* last instant in each mode */
	double ambient;		/* NAN unknown */
	double t_mean;		/* last instant's mean block temperature */
	double t_median;	/* this instant's median; NAN without one */
	int64_t tick;		/* the instant t_median belongs to */
	double *temps;		/* this instant's block temperatures */
	int ntemps;		/* -1: done with this instant */
	size_t captemps;
};

struct row {
	int64_t ts;
	int ent;		/* block, or string for the string source */
	int mode;
	double v[SLOTS];
};

struct source {
	struct brul_reader *r;
	int cid, cts, cdate, cmode;
	int nslot;
	int col[SLOTS];
	char name[SLOTS][BRUL_NAME_MAX];
	int64_t last_ts;
	struct row next;
	int has_next;
	struct row *tick;
	size_t ntick, cap;
};

/* Folding a string's or site's rows into one value. */
struct acc {
	int n;
	int rows;
	double sum, min, max;
};

struct rrule {
	const struct brul_rule *r;
	int active;
	int slot;			/* of the metric */
	int cslot[BRUL_RULE_CONDS];
	int nent, nm;		/* entities; metrics each (1 + conds) */
	struct brul_alert_state *st;
	struct brul_reading *ms;
	struct acc *acc;
	int *touched, ntouched;
};

struct brul_alert_engine {
	const struct brul_rules *rules;
	struct brul_alert_engine_opts o;
	brul_alert_emit emit;
	void *arg;
	struct brul_idtab *blocks, *strings, *sites, *systems;
	struct block *b;
	size_t capb;
	struct string *s;
	size_t caps;
	double *sys_float;
	size_t capsys;
	struct source src[BRUL_SRC_COUNT];
	struct rrule *rr;
	int *seen, nseen;		/* blocks seen, for silence_min */
	int *retire, nretire, iretire;	/* blocks removed, in that order */
	int started;
	int64_t now;
	char id[160], msg[400], ent[96];
};

struct brul_alert_engine *
brul_alert_engine_new(const struct brul_rules *rules,
		      const struct brul_alert_engine_opts *opts)
{
	struct brul_alert_engine *w = calloc(1, sizeof *w);

	if (w == NULL)
		return NULL;
	w->rules = rules;
	w->o = *opts;
	if (w->o.float_v <= 0)
		w->o.float_v = BRUL_VRLA_FLOAT_V;
	w->blocks = brul_idtab_new();
	w->strings = brul_idtab_new();
	w->sites = brul_idtab_new();
	w->systems = brul_idtab_new();
	w->rr = calloc((size_t)rules->n + 1, sizeof *w->rr);
	if (!w->blocks || !w->strings || !w->sites || !w->systems || !w->rr) {
		brul_alert_engine_free(w);
		return NULL;
	}
	for (int i = 0; i < BRUL_SRC_COUNT; i++)
		w->src[i].cid = -1;
	return w;
}

void
brul_alert_engine_free(struct brul_alert_engine *w)
{
	if (w == NULL)
		return;
	for (int i = 0; i < BRUL_SRC_COUNT; i++) {
		if (w->src[i].r)
			brul_reader_close(w->src[i].r);
		free(w->src[i].tick);
	}
	if (w->rr)
		for (int i = 0; i < w->rules->n; i++) {
			free(w->rr[i].st);
			free(w->rr[i].ms);
			free(w->rr[i].acc);
			free(w->rr[i].touched);
		}
	for (int k = 0; w->s && k < brul_idtab_count(w->strings); k++)
		free(w->s[k].temps);
	brul_idtab_free(w->blocks);
	brul_idtab_free(w->strings);
	brul_idtab_free(w->sites);
	brul_idtab_free(w->systems);
	free(w->b);
	free(w->s);
	free(w->sys_float);
	free(w->rr);
	free(w->seen);
	free(w->retire);
	free(w);
}

static int
oom(struct brul_err *err)
{
	return brul_err_set(err, NULL, 0, 0, "out of memory");
}

/* Adds battery b of the fleet t. */
static int
add_block(struct brul_alert_engine *w, const struct brul_batteries *t,
	  const struct brul_battery *bat, struct brul_err *err)
{
	const char *st = brul_batteries_string(t, bat->string);
	const char *site = brul_batteries_site(t, bat->site);
	const char *sys = brul_batteries_system(t, bat->system);
	struct block *b;
	int k, ks, kt, ky = -1, nstr = brul_idtab_count(w->strings);

	if (sys) {
		if ((ky = brul_idtab_intern(w->systems, sys, strlen(sys))) < 0 ||
		    brul_grow(&w->sys_float, &w->capsys, (size_t)ky + 1,
		    sizeof(double)) < 0)
			return oom(err);
		if (ky == brul_idtab_count(w->systems) - 1)
			w->sys_float[ky] = NAN;
	}
	if ((k = brul_idtab_intern(w->blocks, bat->id, bat->idn)) < 0 ||
	    (ks = brul_idtab_intern(w->strings, st, strlen(st))) < 0 ||
	    (kt = brul_idtab_intern(w->sites, site, strlen(site))) < 0 ||
	    brul_grow(&w->b, &w->capb, (size_t)k + 1, sizeof *w->b) < 0 ||
	    brul_grow(&w->s, &w->caps, (size_t)ks + 1, sizeof *w->s) < 0)
		return oom(err);
	if (ks == nstr) {
		memset(&w->s[ks], 0, sizeof w->s[ks]);
		w->s[ks].site = kt;
		w->s[ks].mode = -1;
		w->s[ks].ambient = w->s[ks].t_mean = NAN;
		w->s[ks].t_median = NAN;
		w->s[ks].tick = NONE;
		for (int m = 0; m < BRUL_MODE_COUNT; m++)
			w->s[ks].last_in[m] = NONE;
	}
	b = &w->b[k];
	b->string = ks;
	b->site = kt;
	b->base_mohm = bat->baseline_mohm;
	b->cap_ah = bat->capacity_ah;
	b->system = ky;
	b->removed = bat->removed_day == BRUL_NO_DAY ? NONE :
	    bat->removed_day * 86400;
	b->last_seen = NONE;
	return 0;
}

int
brul_alert_engine_fleet(struct brul_alert_engine *w, struct brul_reader *r,
			struct brul_err *err)
{
	unsigned need = BRUL_BAT_STRING | BRUL_BAT_SITE;
	struct brul_batteries *t = brul_batteries_read(r, need, need, err);
	int rc = t ? 0 : -1;

	for (int i = 0; rc == 0 && i < brul_batteries_count(t); i++)
		rc = add_block(w, t, brul_batteries_get(t, i), err);
	brul_batteries_free(t);
	return rc;
}

int
brul_alert_engine_systems(struct brul_alert_engine *w, struct brul_reader *r,
			  struct brul_err *err)
{
	int cid, cf, rc;

	if ((cid = brul_reader_require(r, "system_id", err)) < 0 ||
	    (cf = brul_reader_require(r, "float_v", err)) < 0)
		return -1;
	while ((rc = brul_reader_next(r, err)) == 1) {
		struct brul_field id;
		double v;
		int k;

		if (brul_reader_id(r, cid, &id, err) < 0)
			return -1;
		if ((k = brul_idtab_find(w->systems, id.s, id.n)) < 0)
			continue;
		if (brul_reader_double(r, cf, &v, err) <= 0 || v < 10 ||
		    v > 16)
			return brul_err_set(err, brul_reader_name(r),
			    brul_reader_line(r), 0, "float_v: expected a "
			    "block's float voltage, 10 to 16 V");
		w->sys_float[k] = v;
	}
	return rc;
}

/* The slot of column name in source s, added when new. */
static int
slot(struct source *s, const char *name, struct brul_err *err)
{
	for (int i = 0; i < s->nslot; i++)
		if (strcmp(s->name[i], name) == 0)
			return i;
	if (s->nslot == SLOTS)
		return brul_err_set(err, NULL, 0, 0, "rules: more than %d "
		    "columns of one stream", SLOTS);
	snprintf(s->name[s->nslot], BRUL_NAME_MAX, "%s", name);
	s->col[s->nslot] = -1;
	return s->nslot++;
}

int
brul_alert_engine_source(struct brul_alert_engine *w, enum brul_source kind,
			 struct brul_reader *r, struct brul_err *err)
{
	struct source *s = &w->src[kind];
	static const char *const fixed_t[] = { "voltage_v", "current_a",
		"temperature_c", "resistance_mohm" };
	static const char *const fixed_s[] = { "current_a", "ambient_c" };

	if (s->r) {
		brul_reader_close(r);
		return brul_err_set(err, NULL, 0, 0, "%s given twice",
		    brul_source_name(kind));
	}
	s->r = r;
	s->cts = brul_reader_has_col(r, "ts");
	s->cdate = brul_reader_has_col(r, "date");
	s->cmode = -1;
	if (s->cts < 0 && s->cdate < 0)
		return brul_reader_require(r, "ts", err);
	if (kind == BRUL_SRC_STRINGS) {
		if ((s->cid = brul_reader_require(r, "string_id", err)) < 0 ||
		    (s->cmode = brul_reader_require(r, "mode", err)) < 0)
			return -1;
		for (int i = 0; i < 2; i++)
			if (slot(s, fixed_s[i], err) < 0 ||
			    (s->col[i] = brul_reader_require(r, fixed_s[i],
			    err)) < 0)
				return -1;
	} else {
		if ((s->cid = brul_reader_require(r, "battery_id", err)) < 0)
			return -1;
		if (kind == BRUL_SRC_TELEMETRY)
			for (int i = 0; i < 4; i++) {
				if (slot(s, fixed_t[i], err) < 0)
					return -1;
				/* Resistance readings are optional. */
				s->col[i] = i == T_R ?
				    brul_reader_has_col(r, fixed_t[i]) :
				    brul_reader_require(r, fixed_t[i], err);
				if (s->col[i] < 0 && i != T_R)
					return -1;
			}
	}
	return 0;
}

static int
derived_code(const char *name, enum brul_source src, int *strings)
{
	for (size_t i = 0; i < sizeof derived / sizeof derived[0]; i++)
		if (strcmp(derived[i].name, name) == 0 &&
		    (derived[i].sources & 1u << src)) {
			*strings = derived[i].strings;
			return derived[i].code;
		}
	return 0;
}

/* A rule's metric as a slot of its source (a column, required now) or a
 * derived code; 0 with *ok = 0 when the sources given cannot feed it. */
static int
resolve(struct brul_alert_engine *w, const struct brul_rule *r,
	const struct brul_metric *m, int *slotp, int *ok,
	struct brul_err *err)
{
	struct source *s = &w->src[r->source];
	int strings = 0, code = derived_code(m->name, r->source, &strings),
	    k;

	if (s->r == NULL || (strings && w->src[BRUL_SRC_STRINGS].r == NULL)) {
		*ok = 0;
		return 0;
	}
	if (code == D_SILENCE && (r->scope != BRUL_SCOPE_BLOCK ||
	    m != &r->m || r->nwhen > 0))
		return brul_err_set(err, NULL, 0, 0, "rule %s: silence_min "
		    "is a block's, without conditions, and no condition's",
		    r->name);
	if (code) {
		*slotp = code;
		return 0;
	}
	if ((k = slot(s, m->name, err)) < 0)
		return -1;
	if (s->col[k] < 0 &&
	    (s->col[k] = brul_reader_has_col(s->r, m->name)) < 0)
		return brul_err_set(err, brul_reader_name(s->r), 0, 0,
		    "rule %s: no column \"%s\" in the %s stream", r->name,
		    m->name, brul_source_name(r->source));
	*slotp = k;
	return 0;
}

static int
prepare(struct brul_alert_engine *w, struct brul_err *err)
{
	int nb = brul_idtab_count(w->blocks);

	if (w->src[BRUL_SRC_TELEMETRY].r == NULL)
		return brul_err_set(err, NULL, 0, 0, "no telemetry");
	if (nb == 0)
		return brul_err_set(err, NULL, 0, 0, "the fleet has no "
		    "batteries");
	for (int k = 0; k < nb; k++) {
		int y = w->b[k].system;

		w->b[k].float_v = y >= 0 && !isnan(w->sys_float[y]) ?
		    w->sys_float[y] : w->o.float_v;
	}
	if ((w->seen = malloc((size_t)nb * sizeof *w->seen)) == NULL ||
	    (w->retire = malloc((size_t)nb * sizeof *w->retire)) == NULL)
		return oom(err);
	/* The removed blocks, by date of removal (insertion: few). */
	for (int k = 0; k < nb; k++) {
		int j = w->nretire++;

		if (w->b[k].removed == NONE) {
			w->nretire--;
			continue;
		}
		for (; j > 0 && w->b[w->retire[j - 1]].removed >
		    w->b[k].removed; j--)
			w->retire[j] = w->retire[j - 1];
		w->retire[j] = k;
	}
	for (int i = 0; i < w->rules->n; i++) {
		struct rrule *x = &w->rr[i];
		const struct brul_rule *r = &w->rules->v[i];
		int ok = 1;

		x->r = r;
		if (resolve(w, r, &r->m, &x->slot, &ok, err) < 0)
			return -1;
		for (int c = 0; c < r->nwhen && ok; c++)
			if (resolve(w, r, &r->when[c].m, &x->cslot[c], &ok,
			    err) < 0)
				return -1;
		if (!(x->active = ok))
			continue;
		x->nent = brul_idtab_count(r->scope == BRUL_SCOPE_BLOCK ?
		    w->blocks : r->scope == BRUL_SCOPE_STRING ? w->strings :
		    w->sites);
		x->nm = 1 + r->nwhen;
		x->st = malloc((size_t)x->nent * sizeof *x->st);
		x->ms = malloc((size_t)x->nent * (size_t)x->nm *
		    sizeof *x->ms);
		x->acc = calloc((size_t)x->nent * (size_t)x->nm,
		    sizeof *x->acc);
		x->touched = malloc((size_t)x->nent * sizeof *x->touched);
		if (!x->st || !x->ms || !x->acc || !x->touched)
			return oom(err);
		for (int e = 0; e < x->nent; e++) {
			brul_alert_reset(&x->st[e]);
			for (int m = 0; m < x->nm; m++)
				brul_reading_reset(&x->ms[e * x->nm + m]);
		}
	}
	return 0;
}

int
brul_alert_engine_rule_active(const struct brul_alert_engine *w, int i)
{
	return w->rr[i].active;
}

/* Reads the next row of source k into s->next; 0 at the end. */
static int
read_row(struct brul_alert_engine *w, enum brul_source k, struct brul_err *err)
{
	struct source *s = &w->src[k];
	struct brul_reader *r = s->r;
	struct row *x = &s->next;
	struct brul_field id;
	int rc;

	s->has_next = 0;
	if ((rc = brul_reader_next(r, err)) <= 0)
		return rc;
	if (s->cts >= 0) {
		if (brul_reader_time(r, s->cts, &x->ts, err) <= 0)
			return brul_err_set(err, brul_reader_name(r),
			    brul_reader_line(r), 0, "ts: missing value");
	} else {
		if (brul_reader_date(r, s->cdate, &x->ts, err) <= 0)
			return brul_err_set(err, brul_reader_name(r),
			    brul_reader_line(r), 0, "date: missing value");
		x->ts *= 86400;
	}
	if (s->last_ts != NONE && x->ts < s->last_ts) {
		char a[32], b[32];

		a[brul_time_format(a, x->ts)] = '\0';
		b[brul_time_format(b, s->last_ts)] = '\0';
		return brul_err_set(err, brul_reader_name(r),
		    brul_reader_line(r), 0, "%s comes after %s: rows must be "
		    "in time order across the fleet, as brul-gen writes them",
		    a, b);
	}
	s->last_ts = x->ts;
	if (brul_reader_id(r, s->cid, &id, err) < 0)
		return -1;
	x->ent = brul_idtab_find(k == BRUL_SRC_STRINGS ? w->strings :
	    w->blocks, id.s, id.n);
	if (x->ent < 0)
		return brul_err_set(err, brul_reader_name(r),
		    brul_reader_line(r), 0, "%s: \"%.*s\" is not in the fleet",
		    k == BRUL_SRC_STRINGS ? "string_id" : "battery_id",
		    (int)id.n, id.s);
	x->mode = -1;
	if (s->cmode >= 0) {
		struct brul_field f = brul_reader_field(r, s->cmode);

		if (f.s)
			x->mode = brul_mode_parse(f.s, f.n);
	}
	for (int i = 0; i < s->nslot; i++) {
		x->v[i] = NAN;
		if (s->col[i] >= 0 &&
		    brul_reader_double(r, s->col[i], &x->v[i], err) < 0)
			return -1;
	}
	s->has_next = 1;
	return 1;
}

/* Sorts a string's few temperatures (insertion: 24 of them, mostly in
 * order already). */
static void
sort_small(double *v, int n)
{
	for (int i = 1; i < n; i++) {
		double x = v[i];
		int j = i;

		for (; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

/* What the instant's string rows and blocks' rows say about each string:
 * mode, ambient, ohmic tests, block temperatures. */
static int
absorb(struct brul_alert_engine *w, int64_t t, struct brul_err *err)
{
	struct source *ss = &w->src[BRUL_SRC_STRINGS],
	    *ts = &w->src[BRUL_SRC_TELEMETRY];

	for (size_t i = 0; i < ss->ntick; i++) {
		struct string *s = &w->s[ss->tick[i].ent];

		s->mode = ss->tick[i].mode;
		if (s->mode >= 0)
			s->last_in[s->mode] = t;
		s->ambient = ss->tick[i].v[S_AMB];
	}
	for (size_t i = 0; i < ts->ntick; i++) {
		const struct row *x = &ts->tick[i];
		struct block *b = &w->b[x->ent];
		struct string *s = &w->s[b->string];

		if (!isnan(x->v[T_V]) || !isnan(x->v[T_T])) {
			if (b->last_seen == NONE)
				w->seen[w->nseen++] = x->ent;
			b->last_seen = t;
		}
		if (!isnan(x->v[T_R]))
			s->last_in[BRUL_MODE_OHMIC] = t;
		if (s->tick != t) {
			s->tick = t;
			s->ntemps = 0;
			if (ss->r == NULL && !isnan(x->v[T_I])) {
				double c = isnan(b->cap_ah) ? 100 : b->cap_ah;

				s->mode = x->v[T_I] < -0.5 ? BRUL_MODE_DISCHARGE
				    : x->v[T_I] > 0.02 * c ? BRUL_MODE_BOOST :
				    BRUL_MODE_FLOAT;
				s->last_in[s->mode] = t;
			}
		}
		if (!isnan(x->v[T_T])) {
			if (brul_grow(&s->temps, &s->captemps,
			    (size_t)s->ntemps + 1, sizeof *s->temps) < 0)
				return oom(err);
			s->temps[s->ntemps++] = x->v[T_T];
		}
	}
	/* Each string's median and mean block temperature now. */
	for (size_t i = 0; i < ts->ntick; i++) {
		struct string *s = &w->s[w->b[ts->tick[i].ent].string];
		double sum = 0;

		if (s->tick != t || s->ntemps < 0)
			continue;
		if (s->ntemps >= 3) {
			for (int j = 0; j < s->ntemps; j++)
				sum += s->temps[j];
			s->t_mean = sum / s->ntemps;
			sort_small(s->temps, s->ntemps);
			s->t_median = s->ntemps % 2 ? s->temps[s->ntemps / 2] :
			    (s->temps[s->ntemps / 2 - 1] +
			    s->temps[s->ntemps / 2]) / 2;
		} else
			s->t_median = NAN;
		s->ntemps = -1;		/* done for this instant */
	}
	return 0;
}

/* The reading of metric slot k in a row of source src. */
static double
value(const struct brul_alert_engine *w, enum brul_source src,
      const struct row *x, int k, int64_t t)
{
	const struct block *b;
	const struct string *s;
	double probe, tm;

	if (k >= 0)
		return x->v[k];
	if (src == BRUL_SRC_STRINGS) {
		s = &w->s[x->ent];
		tm = isnan(s->t_mean) ? s->ambient : s->t_mean;
		return brul_vrla_float_current_25(x->v[S_I], tm);
	}
	b = &w->b[x->ent];
	s = &w->s[b->string];
	switch (k) {
	case D_FLOAT_DEV:
		probe = isnan(s->ambient) ? x->v[T_T] : s->ambient;
		return x->v[T_V] - brul_vrla_float_setpoint(b->float_v, probe);
	case D_AMBIENT:
		return s->ambient;
	case D_OVER_AMBIENT:
		return x->v[T_T] - s->ambient;
	case D_OVER_STRING:
		return s->tick == t ? x->v[T_T] - s->t_median : NAN;
	case D_FLOAT_I25:
		return brul_vrla_float_current_25(x->v[T_I], s->t_mean);
	}
	return NAN;
}

/* Whether rule r says nothing about string k now. */
static int
suppressed(const struct brul_rule *r, const struct string *s, int64_t t)
{
	if (s->mode >= 0 && (r->during & 1u << s->mode))
		return 1;
	for (unsigned a = r->after; a; a &= a - 1) {
		int m = __builtin_ctz(a);

		if (s->last_in[m] != NONE && t - s->last_in[m] <= r->after_s[m])
			return 1;
	}
	return 0;
}

/* How entity e of a rule's scope is called in messages, and its ids. */
static void
names(struct brul_alert_engine *w, const struct brul_rule *r, int e,
      struct brul_alert_change *ev)
{
	const char *what;
	int site, str = -1;

	ev->battery_id = ev->string_id = NULL;
	if (r->scope == BRUL_SCOPE_BLOCK) {
		ev->battery_id = brul_idtab_name(w->blocks, e);
		str = w->b[e].string;
		site = w->b[e].site;
		what = "block";
	} else if (r->scope == BRUL_SCOPE_STRING) {
		str = e;
		site = w->s[e].site;
		what = "string";
	} else {
		site = e;
		what = "site";
	}
	if (str >= 0)
		ev->string_id = brul_idtab_name(w->strings, str);
	ev->site_id = brul_idtab_name(w->sites, site);
	snprintf(w->ent, sizeof w->ent, "%s %s", what,
	    ev->battery_id ? ev->battery_id : ev->string_id ? ev->string_id :
	    ev->site_id);
}

/* Says what happened to rule x's alert on entity e at t: event what, at
 * value v crossing thr (NAN, NAN: the block was removed from service),
 * the alert having had severity sev0 before. */
static int
tell(struct brul_alert_engine *w, struct rrule *x, int e, int64_t t,
     enum brul_alert_event what, double v, double thr, int sev0,
     struct brul_err *err)
{
	struct brul_alert_state *st = &x->st[e];
	struct brul_alert_change ev;

	names(w, x->r, e, &ev);
	brul_alert_id(w->id, sizeof w->id, x->r->name,
	    ev.battery_id ? ev.battery_id : ev.string_id ? ev.string_id :
	    ev.site_id, st->ts_open);
	ev.ts = t;
	ev.event = what;
	ev.rule = x->r;
	ev.severity = what == BRUL_ALERT_CLEAR ? sev0 : st->severity;
	ev.alert_id = w->id;
	ev.value = isnan(v) ? v : brul_alert_round(x->r, v, thr);
	ev.threshold = thr;
	ev.ts_open = st->ts_open;
	ev.ts_clear = what == BRUL_ALERT_CLEAR ? t : NONE;
	if (isnan(v))
		snprintf(w->msg, sizeof w->msg, "%s cleared: %s removed from "
		    "service", x->r->label, w->ent);
	else
		brul_alert_message(w->msg, sizeof w->msg, x->r, what,
		    ev.severity, w->ent, v, thr);
	ev.message = w->msg;
	return w->emit(w->arg, &ev, err) ? -1 : 0;
}

/* Value v of rule x for entity e at t, after the metric's steps. */
static int
judge(struct brul_alert_engine *w, struct rrule *x, int e, int64_t t, double v,
      struct brul_err *err)
{
	double thr = NAN;
	int sev0 = x->st[e].severity;
	enum brul_alert_event what = brul_alert_step(x->r, &x->st[e], t, v,
	    &thr);

	return what == BRUL_ALERT_NONE ? 0 :
	    tell(w, x, e, t, what, v, thr, sev0, err);
}

/* Blocks removed from service by t: their open alerts clear, since no
 * reading will ever clear them (retire[] is in order of removal). */
static int
retire(struct brul_alert_engine *w, int64_t t, struct brul_err *err)
{
	for (; w->iretire < w->nretire &&
	    w->b[w->retire[w->iretire]].removed <= t; w->iretire++) {
		int k = w->retire[w->iretire];

		for (int i = 0; i < w->rules->n; i++) {
			struct rrule *x = &w->rr[i];
			int sev0;

			if (!x->active || x->r->scope != BRUL_SCOPE_BLOCK ||
			    (sev0 = x->st[k].severity) == 0)
				continue;
			x->st[k].severity = 0;
			x->st[k].pending = NONE;
			if (tell(w, x, k, t, BRUL_ALERT_CLEAR, NAN, NAN, sev0,
			    err) < 0)
				return -1;
		}
	}
	return 0;
}

/* Feeds entity e of rule x: readings raw[0] (the metric) and raw[1..]
 * (conditions), or hold when suppressed. */
static int
feed(struct brul_alert_engine *w, struct rrule *x, int e, int64_t t,
     const double *raw, int hold, double fleet_base, struct brul_err *err)
{
	struct brul_reading *ms = &x->ms[e * x->nm];
	const struct brul_rule *r = x->r;
	double v;

	if (hold) {
		brul_alert_hold(&x->st[e]);
		return 0;
	}
	v = brul_reading_step(&r->m, &ms[0], t, raw[0], fleet_base);
	for (int c = 0; c < r->nwhen; c++) {
		const struct brul_cond *k = &r->when[c];
		double y = brul_reading_step(&k->m, &ms[1 + c], t, raw[1 + c],
		    NAN);

		if (isnan(y) || (k->above ? !(y > k->at) : !(y < k->at)))
			hold = 1;
	}
	if (isnan(v))
		return 0;
	if (hold) {
		brul_alert_hold(&x->st[e]);
		return 0;
	}
	return judge(w, x, e, t, v, err);
}

static void
fold(struct acc *a, double v)
{
	if (isnan(v))
		return;
	if (a->n++ == 0)
		a->sum = a->min = a->max = v;
	else {
		a->sum += v;
		a->min = v < a->min ? v : a->min;
		a->max = v > a->max ? v : a->max;
	}
}

static double
folded(const struct acc *a, enum brul_agg g)
{
	if (a->n == 0)
		return NAN;
	switch (g) {
	case BRUL_AGG_MAX:
		return a->max;
	case BRUL_AGG_MIN:
		return a->min;
	case BRUL_AGG_MEAN:
		return a->sum / a->n;
	case BRUL_AGG_SPREAD:
		return a->max - a->min;
	}
	return NAN;
}

/* Rule x over this instant's rows of its source. */
static int
apply(struct brul_alert_engine *w, struct rrule *x, int64_t t,
      struct brul_err *err)
{
	const struct brul_rule *r = x->r;
	const struct source *s = &w->src[r->source];
	double raw[1 + BRUL_RULE_CONDS];

	x->ntouched = 0;
	for (size_t i = 0; i < s->ntick; i++) {
		const struct row *row = &s->tick[i];
		int str = r->source == BRUL_SRC_STRINGS ? row->ent :
		    w->b[row->ent].string;
		int hold = suppressed(r, &w->s[str], t), e;

		/* A block removed from service says nothing any more. */
		if (r->source != BRUL_SRC_STRINGS &&
		    w->b[row->ent].removed != NONE &&
		    t >= w->b[row->ent].removed)
			continue;

		raw[0] = value(w, r->source, row, x->slot, t);
		for (int c = 0; c < r->nwhen; c++)
			raw[1 + c] = value(w, r->source, row, x->cslot[c], t);
		if (r->scope == BRUL_SCOPE_BLOCK) {
			if (feed(w, x, row->ent, t, raw, hold,
			    w->b[row->ent].base_mohm, err) < 0)
				return -1;
			continue;
		}
		e = r->scope == BRUL_SCOPE_STRING ? str : w->s[str].site;
		if (x->acc[e * x->nm].rows++ == 0)
			x->touched[x->ntouched++] = e;
		if (hold)
			continue;
		for (int m = 0; m < x->nm; m++)
			fold(&x->acc[e * x->nm + m], raw[m]);
	}
	for (int i = 0; i < x->ntouched; i++) {
		int e = x->touched[i];
		struct acc *a = &x->acc[e * x->nm];

		for (int m = 0; m < x->nm; m++)
			raw[m] = folded(&a[m], r->agg);
		if (feed(w, x, e, t, raw, a[0].n == 0, NAN, err) < 0)
			return -1;
		memset(a, 0, (size_t)x->nm * sizeof *a);
	}
	return 0;
}

/* silence_min: every block seen so far and still in service. */
static int
silence(struct brul_alert_engine *w, struct rrule *x, int64_t t,
	struct brul_err *err)
{
	for (int i = 0; i < w->nseen; i++) {
		int k = w->seen[i];
		const struct block *b = &w->b[k];
		double raw = (double)(t - b->last_seen) / 60;

		if (b->removed != NONE && t >= b->removed)
			continue;
		if (raw == 0 && x->st[k].severity == 0 &&
		    x->st[k].pending == NONE)
			continue;	/* the common case, quickly */
		if (feed(w, x, k, t, &raw, suppressed(x->r,
		    &w->s[b->string], t), NAN, err) < 0)
			return -1;
	}
	return 0;
}

static int
instant(struct brul_alert_engine *w, int64_t t, struct brul_err *err)
{
	if (absorb(w, t, err) < 0 || retire(w, t, err) < 0)
		return -1;
	for (int i = 0; i < w->rules->n; i++) {
		struct rrule *x = &w->rr[i];

		if (!x->active)
			continue;
		if (x->slot == D_SILENCE) {
			if (silence(w, x, t, err) < 0)
				return -1;
		} else if (w->src[x->r->source].ntick > 0 &&
		    apply(w, x, t, err) < 0)
			return -1;
	}
	return 0;
}

int
brul_alert_engine_run(struct brul_alert_engine *w, brul_alert_emit emit,
		      void *arg, struct brul_err *err)
{
	int64_t t;

	w->emit = emit;
	w->arg = arg;
	if (prepare(w, err) < 0)
		return -1;
	for (int k = 0; k < BRUL_SRC_COUNT; k++) {
		w->src[k].last_ts = NONE;
		if (w->src[k].r && read_row(w, (enum brul_source)k, err) < 0)
			return -1;
	}
	for (;;) {
		t = NONE;
		for (int k = 0; k < BRUL_SRC_COUNT; k++)
			if (w->src[k].has_next && (t == NONE ||
			    w->src[k].next.ts < t))
				t = w->src[k].next.ts;
		if (t == NONE)
			break;
		/* Gather the instant t from every source. */
		for (int k = 0; k < BRUL_SRC_COUNT; k++) {
			struct source *s = &w->src[k];

			s->ntick = 0;
			while (s->has_next && s->next.ts == t) {
				if (brul_grow(&s->tick, &s->cap, s->ntick + 1,
				    sizeof *s->tick) < 0)
					return oom(err);
				s->tick[s->ntick++] = s->next;
				if (read_row(w, (enum brul_source)k, err) < 0)
					return -1;
			}
		}
		w->now = t;
		if (instant(w, t, err) < 0)
			return -1;
	}
	return 0;
}

int
brul_alert_engine_open(const struct brul_alert_engine *w, int min)
{
	int n = 0;

	for (int i = 0; i < w->rules->n; i++)
		for (int e = 0; w->rr[i].active && e < w->rr[i].nent; e++)
			n += w->rr[i].st[e].severity >= min;
	return n;
}

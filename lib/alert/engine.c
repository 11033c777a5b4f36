/*
 * engine.c: the alert engine (engine.h): the object, the fleet and the
 * systems it is given, the rules made ready (each metric a column of its
 * source or a derived metric, each entity's state), and the run loop:
 * the sources merged by time, each instant's rows gathered whole.
 * sources.c reads the sources' rows and what an instant says of each
 * string; apply.c applies the rules to an instant (engineint.h).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "alert/engineint.h"
#include "battery/batteries.h"
#include "battery/share.h"
#include "battery/vrla.h"
#include "core/grow.h"
#include "core/idtab.h"

/* The derived metrics (engineint.h), by name; apply.c computes them. */
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
	if (w->o.nshares > 1 && (w->o.share < 0 ||
	    w->o.share >= w->o.nshares ||
	    (w->share = brul_share_new(w->o.share, w->o.nshares)) == NULL)) {
		brul_alert_engine_free(w);
		return NULL;
	}
	for (int i = 0; i < BRUL_SRC_COUNT; i++)
		w->src[i].cid = -1;
	w->day = NONE;
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
			free(w->rr[i].grouped);
			free(w->rr[i].group);
			free(w->rr[i].last);
			free(w->rr[i].sgrouped);
			free(w->rr[i].sgroup);
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
	brul_share_free(w->share);
	free(w->seen);
	free(w->retire);
	free(w->pend);
	free(w->stouch);
	free(w);
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
		if ((ky = brul_idtab_intern(w->systems, sys,
		    strlen(sys))) < 0 ||
		    brul_grow(&w->sys_float, &w->capsys, (size_t)ky + 1,
		    sizeof(double)) < 0)
			return brul_engine_oom(err);
		if (ky == brul_idtab_count(w->systems) - 1)
			w->sys_float[ky] = NAN;
	}
	if ((k = brul_idtab_intern(w->blocks, bat->id, bat->idn)) < 0 ||
	    (ks = brul_idtab_intern(w->strings, st, strlen(st))) < 0 ||
	    (kt = brul_idtab_intern(w->sites, site, strlen(site))) < 0 ||
	    brul_grow(&w->b, &w->capb, (size_t)k + 1, sizeof *w->b) < 0 ||
	    brul_grow(&w->s, &w->caps, (size_t)ks + 1, sizeof *w->s) < 0)
		return brul_engine_oom(err);
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
	b->installed = bat->install_day == BRUL_NO_DAY ? NONE :
	    bat->install_day * 86400;
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

	for (int i = 0; rc == 0 && i < brul_batteries_count(t); i++) {
		const struct brul_battery *b = brul_batteries_get(t, i);
		int k = w->share ? brul_share_note(w->share, t, b, err) : 1;

		rc = k <= 0 ? k : add_block(w, t, b, err);
	}
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
	if ((k = brul_engine_slot(s, m->name, err)) < 0)
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
	int nb = brul_idtab_count(w->blocks), ns = brul_idtab_count(w->strings);

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
	    (w->retire = malloc((size_t)nb * sizeof *w->retire)) == NULL ||
	    (w->stouch = malloc(((size_t)ns + 1) * sizeof *w->stouch)) ==
	    NULL)
		return brul_engine_oom(err);
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
		if (r->digest || r->scope == BRUL_SCOPE_STRING)
			x->last = malloc((size_t)x->nent * sizeof *x->last);
		if (r->scope == BRUL_SCOPE_STRING && !r->digest) {
			x->sgrouped = calloc((size_t)x->nent, 1);
			x->sgroup = calloc((size_t)brul_idtab_count(w->sites) +
			    1, sizeof *x->sgroup);
		}
		if (!x->st || !x->ms || !x->acc || !x->touched ||
		    ((r->digest || r->scope == BRUL_SCOPE_STRING) &&
		    !x->last) || (r->scope == BRUL_SCOPE_STRING &&
		    !r->digest && (!x->sgrouped || !x->sgroup)))
			return brul_engine_oom(err);
		if (r->scope == BRUL_SCOPE_BLOCK &&
		    ((x->grouped = calloc((size_t)nb, 1)) == NULL ||
		    (x->group = calloc((size_t)ns + 1, sizeof *x->group)) ==
		    NULL))
			return brul_engine_oom(err);
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

void
brul_alert_engine_digest(struct brul_alert_engine *w, brul_digest_emit fn,
			 void *arg)
{
	w->digest = fn;
	w->digest_arg = arg;
}

int
brul_alert_engine_run(struct brul_alert_engine *w, brul_alert_emit emit,
		      void *arg, struct brul_err *err)
{
	int64_t t, day;

	w->emit = emit;
	w->arg = arg;
	if (prepare(w, err) < 0)
		return -1;
	for (int k = 0; k < BRUL_SRC_COUNT; k++) {
		w->src[k].last_ts = NONE;
		if (w->src[k].r && brul_engine_read_row(w,
		    (enum brul_source)k, err) < 0)
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
		/* A new day: the last one's maintenance items first. */
		day = t - (t % 86400 + 86400) % 86400;
		if (w->day != NONE && day != w->day &&
		    brul_engine_digest(w, w->day, err) < 0)
			return -1;
		w->day = day;
		/* Gather the instant t from every source. */
		for (int k = 0; k < BRUL_SRC_COUNT; k++) {
			struct source *s = &w->src[k];

			s->ntick = 0;
			while (s->has_next && s->next.ts == t) {
				if (brul_grow(&s->tick, &s->cap, s->ntick + 1,
				    sizeof *s->tick) < 0)
					return brul_engine_oom(err);
				s->tick[s->ntick++] = s->next;
				if (brul_engine_read_row(w, (enum brul_source)k,
				    err) < 0)
					return -1;
			}
		}
		w->now = t;
		if (brul_engine_instant(w, t, err) < 0)
			return -1;
	}
	return w->day == NONE ? 0 : brul_engine_digest(w, w->day, err);
}

unsigned
brul_alert_engine_unseen(const struct brul_alert_engine *w)
{
	unsigned blind = 1u << BRUL_MODE_REST | 1u << BRUL_MODE_EQUALIZE,
	    m = 0;

	if (w->src[BRUL_SRC_STRINGS].r != NULL)
		return 0;
	for (int i = 0; w->rr && i < w->rules->n; i++)
		if (w->rr[i].active)
			m |= (w->rules->v[i].during | w->rules->v[i].after) &
			    blind;
	return m;
}

int
brul_alert_engine_open(const struct brul_alert_engine *w, int min)
{
	int n = 0;

	for (int i = 0; i < w->rules->n; i++)
		for (int e = 0; w->rr[i].active && !w->rules->v[i].digest &&
		    e < w->rr[i].nent; e++)
			n += w->rr[i].st[e].severity >= min;
	return n;
}

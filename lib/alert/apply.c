/*
 * apply.c: the alert engine's rules (engine.h) over an instant: each
 * row's value (a column or a derived metric), suppression by the string's
 * modes and after ohmic tests, a string's or site's rows folded into one
 * value, each entity's readings and alert stepped, the changes told to
 * the caller (a block rule's through group.c, at the instant's end);
 * blocks removed from service retired, silent blocks found.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "alert/engineint.h"
#include "battery/vrla.h"
#include "core/idtab.h"

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

		if (s->last_in[m] != NONE && t - s->last_in[m] < r->after_s[m])
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

int
brul_engine_emit(struct brul_alert_engine *w, const struct rrule *x,
		 struct brul_alert_change *ev, const char *idname,
		 int64_t ts_open, int64_t t, enum brul_alert_event what,
		 int severity, double v, double thr, const char *why,
		 struct brul_err *err)
{
	if (brul_alert_id(w->id, sizeof w->id, x->r->name, idname,
	    ts_open) < 0)
		return brul_err_set(err, NULL, 0, 0, "rule %s: the id of an "
		    "alert on %s would be longer than %d bytes", x->r->name,
		    w->ent, BRUL_ALERT_ID_MAX);
	ev->ts = t;
	ev->event = what;
	ev->rule = x->r;
	ev->severity = severity;
	ev->priority = brul_alert_priority(x->r, severity);
	ev->alert_id = w->id;
	ev->value = isnan(v) ? v : brul_alert_round(x->r, v, thr);
	ev->threshold = thr;
	ev->ts_open = ts_open;
	ev->ts_clear = what == BRUL_ALERT_CLEAR ? t : NONE;
	if (isnan(v))
		snprintf(w->msg, sizeof w->msg, "cleared: %s %s", w->ent,
		    why ? why : "removed from service");
	else
		brul_alert_message(w->msg, sizeof w->msg, x->r, what,
		    severity, w->ent, v, thr);
	ev->message = w->msg;
	return w->emit(w->arg, ev, err) ? -1 : 0;
}

int
brul_engine_tell(struct brul_alert_engine *w, struct rrule *x, int e,
		 int64_t t, enum brul_alert_event what, double v, double thr,
		 int sev0, struct brul_err *err)
{
	struct brul_alert_state *st = &x->st[e];
	struct brul_alert_change ev;

	names(w, x->r, e, &ev);
	return brul_engine_emit(w, x, &ev, ev.battery_id ? ev.battery_id :
	    ev.string_id ? ev.string_id : ev.site_id, st->ts_open, t, what,
	    what == BRUL_ALERT_CLEAR ? sev0 : st->severity, v, thr, NULL,
	    err);
}

int
brul_engine_digest(struct brul_alert_engine *w, int64_t day,
		   struct brul_err *err)
{
	struct brul_digest_item it;
	struct brul_alert_change ev;

	for (int i = 0; w->digest && i < w->rules->n; i++) {
		struct rrule *x = &w->rr[i];

		if (!x->active || !x->r->digest)
			continue;
		for (int e = 0; e < x->nent; e++) {
			const struct brul_alert_state *st = &x->st[e];

			if (st->severity == 0)
				continue;
			names(w, x->r, e, &ev);
			it.day = day;
			it.rule = x->r;
			it.severity = st->severity;
			it.site_id = ev.site_id;
			it.string_id = ev.string_id;
			it.battery_id = ev.battery_id;
			it.threshold = st->severity == 2 ? x->r->critical :
			    x->r->warning;
			it.value = brul_alert_round(x->r, x->last[e],
			    it.threshold);
			it.since = st->ts_open;
			brul_alert_message(w->msg, sizeof w->msg, x->r,
			    BRUL_ALERT_OPEN, st->severity, w->ent, it.value,
			    it.threshold);
			it.message = w->msg;
			if (w->digest(w->digest_arg, &it, err))
				return -1;
		}
	}
	return 0;
}

/* Value v of rule x for entity e at t, after the metric's steps.  A
 * block rule's events wait for the instant's end (group.c). */
static int
judge(struct brul_alert_engine *w, struct rrule *x, int e, int64_t t, double v,
      struct brul_err *err)
{
	double thr = NAN;
	int sev0 = x->st[e].severity;
	enum brul_alert_event what = brul_alert_step(x->r, &x->st[e], t, v,
	    &thr);

	if (x->r->digest) {
		/* A maintenance item: told with the day's digest. */
		x->last[e] = v;
		return 0;
	}
	if (what == BRUL_ALERT_NONE)
		return 0;
	if (x->r->scope == BRUL_SCOPE_BLOCK)
		return brul_group_defer(w, e, what, v, thr, sev0, err);
	if (x->r->scope == BRUL_SCOPE_STRING)
		return brul_group_site(w, x, e, t, what, v, thr, sev0, err);
	return brul_engine_tell(w, x, e, t, what, v, thr, sev0, err);
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
			if (x->r->digest)
				continue;
			if (brul_group_defer(w, k, BRUL_ALERT_CLEAR, NAN, NAN,
			    sev0, err) < 0 ||
			    brul_group_flush(w, x, t, err) < 0)
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

int
brul_engine_instant(struct brul_alert_engine *w, int64_t t,
		    struct brul_err *err)
{
	if (brul_engine_absorb(w, t, err) < 0 || retire(w, t, err) < 0)
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
		if (w->npend > 0 && brul_group_flush(w, x, t, err) < 0)
			return -1;
	}
	return 0;
}

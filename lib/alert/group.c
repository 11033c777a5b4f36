/*
 * group.c: a block rule's alerts grouped into one alert of their string.
 *
 * When a rule on blocks opens at one instant on nearly every block of a
 * string in service, the string is the cause (its charger's equalize
 * charge, its room), not each block: a technician needs one alert that
 * says so, not 24.  The block rule's events of an instant are therefore
 * held (brul_group_defer) and told at its end (brul_group_flush), in
 * order: when the opens on a string's blocks reach GROUP_PCT of the
 * string's blocks in service (GROUP_MIN at least), they become the
 * members of one alert of the string, of the rule's kind, at the worst
 * of their severities and values.  While it is open, the rule's opens on
 * the string's other blocks join it, its members' updates change its
 * severity when its worst changes, and it clears when its last member
 * clears, the blocks' hysteresis thus its own.  Blocks whose alert was
 * open before it keep their own.  The blocks' states stay theirs
 * (state.h): only what is told changes.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "alert/engineint.h"
#include "core/grow.h"
#include "core/idtab.h"

int
brul_group_defer(struct brul_alert_engine *w, int e,
		 enum brul_alert_event what, double v, double thr, int sev0,
		 struct brul_err *err)
{
	struct pending *p;

	if (brul_grow(&w->pend, &w->cappend, w->npend + 1, sizeof *w->pend) <
	    0)
		return brul_engine_oom(err);
	p = &w->pend[w->npend++];
	p->e = e;
	p->what = what;
	p->v = v;
	p->thr = thr;
	p->sev0 = sev0;
	return 0;
}

/* The blocks of string s in service at t. */
static int
in_service(const struct brul_alert_engine *w, int s, int64_t t)
{
	int n = 0, nb = brul_idtab_count(w->blocks);

	for (int k = 0; k < nb; k++) {
		const struct block *b = &w->b[k];

		n += b->string == s && (b->installed == NONE ||
		    b->installed <= t) && (b->removed == NONE ||
		    t < b->removed);
	}
	return n;
}

/* Tells what happened at t to rule x's alert of string s, of members
 * blocks: at value v crossing thr (v NAN: its last member was removed
 * from service). */
static int
tell_string(struct brul_alert_engine *w, struct rrule *x, int s, int members,
	    int64_t t, enum brul_alert_event what, double v, double thr,
	    int sev0, struct brul_err *err)
{
	struct group *g = &x->group[s];
	struct brul_alert_change ev;

	ev.battery_id = NULL;
	ev.string_id = brul_idtab_name(w->strings, s);
	ev.site_id = brul_idtab_name(w->sites, w->s[s].site);
	if (isnan(v))
		snprintf(w->ent, sizeof w->ent, "the last block in alert of "
		    "string %s", ev.string_id);
	else
		snprintf(w->ent, sizeof w->ent, "string %s (%d of %d blocks)",
		    ev.string_id, members, g->blocks);
	return brul_engine_emit(w, x, &ev, ev.string_id, g->ts_open, t, what,
	    what == BRUL_ALERT_CLEAR ? sev0 : g->severity, v, thr, err);
}

/* The string's alert at the worst of its members now: an update when
 * that changed. */
static int
regrade(struct brul_alert_engine *w, struct rrule *x, int s, int64_t t,
	double v, double thr, struct brul_err *err)
{
	struct group *g = &x->group[s];
	int sev = g->open[2] > 0 ? 2 : 1;

	if (sev == g->severity)
		return 0;
	g->severity = sev;
	return tell_string(w, x, s, g->members, t, BRUL_ALERT_UPDATE, v, thr,
	    0, err);
}

/* Tells one held event p of rule x at t. */
static int
tell(struct brul_alert_engine *w, struct rrule *x, const struct pending *p,
     int64_t t, struct brul_err *err)
{
	int e = p->e, s = w->b[e].string, sev = x->st[e].severity, sev0;
	struct group *g = &x->group[s];

	if (p->what == BRUL_ALERT_OPEN && (g->severity > 0 || g->opening)) {
		x->grouped[e] = 1;
		g->members++;
		g->open[sev]++;
		if (!g->opening)
			return regrade(w, x, s, t, p->v, p->thr, err);
		if (g->told)
			return 0;
		/* The first member tells the string's alert, at the worst
		 * of this instant's opens. */
		g->told = 1;
		g->severity = g->sev;
		g->ts_open = t;
		return tell_string(w, x, s, g->n, t, BRUL_ALERT_OPEN, g->v,
		    g->thr, 0, err);
	}
	if (!x->grouped[e])
		return brul_engine_tell(w, x, e, t, p->what, p->v, p->thr,
		    p->sev0, err);
	/* A member's update or clear. */
	g->open[p->sev0]--;
	if (p->what == BRUL_ALERT_CLEAR)
		x->grouped[e] = 0;
	else
		g->open[sev]++;
	if (g->open[1] + g->open[2] > 0)
		return regrade(w, x, s, t, p->v, p->thr, err);
	sev0 = g->severity;
	if (tell_string(w, x, s, g->members, t, BRUL_ALERT_CLEAR, p->v,
	    p->thr, sev0, err) < 0)
		return -1;
	g->severity = 0;
	g->members = 0;
	return 0;
}

int
brul_group_flush(struct brul_alert_engine *w, struct rrule *x, int64_t t,
		 struct brul_err *err)
{
	const struct brul_rule *r = x->r;
	int rc = 0;

	/* This instant's opens by string, and the worst of them: the
	 * highest severity, and at it the value furthest past its
	 * threshold. */
	w->nstouch = 0;
	for (size_t i = 0; i < w->npend; i++) {
		const struct pending *p = &w->pend[i];
		int s = w->b[p->e].string, sev = x->st[p->e].severity;
		struct group *g = &x->group[s];

		if (p->what != BRUL_ALERT_OPEN)
			continue;
		if (g->n++ == 0) {
			w->stouch[w->nstouch++] = s;
			g->sev = 0;
		}
		if (sev > g->sev || (sev == g->sev &&
		    (r->above ? p->v > g->v : p->v < g->v))) {
			g->sev = sev;
			g->v = p->v;
			g->thr = p->thr;
		}
	}
	/* The strings on nearly all of whose blocks the rule's alert opens
	 * now. */
	for (int k = 0; k < w->nstouch; k++) {
		struct group *g = &x->group[w->stouch[k]];
		int in;

		if (g->severity > 0 || g->n < GROUP_MIN)
			continue;
		in = in_service(w, w->stouch[k], t);
		if (g->n >= (GROUP_PCT * in + 99) / 100) {
			g->opening = 1;
			g->blocks = in;
		}
	}
	for (size_t i = 0; rc == 0 && i < w->npend; i++)
		rc = tell(w, x, &w->pend[i], t, err);
	for (int k = 0; k < w->nstouch; k++) {
		struct group *g = &x->group[w->stouch[k]];

		g->n = g->opening = g->told = 0;
	}
	w->npend = 0;
	return rc;
}

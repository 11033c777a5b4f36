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
 *
 * A rule on strings does the same one floor up: when its alert opens on
 * a string while another string of the same site has it open, the site
 * is the cause (an outage that takes its strings to cut-off, a room, the
 * rectifiers).  One alert of the site opens, with those strings as its
 * members (listed in its message), and the strings' own alerts clear,
 * saying they joined it: an operator has one alert to act on, told at
 * once, not one per string.  The site's strings that open the rule later
 * join it; it clears when its last member clears.
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
	    what == BRUL_ALERT_CLEAR ? sev0 : g->severity, v, thr, NULL, err);
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

/* How site i's alert of rule x is called: "site PKT (2 of 6 strings:
 * PKT-UPS1-S1, PKT-UPS1-S4)", its members those open now, and string
 * also (-1: none), the last to clear. */
static void
site_name(struct brul_alert_engine *w, const struct rrule *x, int i,
	  int also)
{
	int ns = brul_idtab_count(w->strings), in = 0, n = 0;
	size_t at;

	for (int k = 0; k < ns; k++)
		if (w->s[k].site == i) {
			in++;
			n += x->sgrouped[k] && (x->st[k].severity > 0 ||
			    k == also);
		}
	at = (size_t)snprintf(w->ent, sizeof w->ent, "site %s (%d of %d "
	    "strings", brul_idtab_name(w->sites, i), n, in);
	for (int k = 0, j = 0; k < ns && at < sizeof w->ent; k++)
		if (w->s[k].site == i && x->sgrouped[k] &&
		    (x->st[k].severity > 0 || k == also))
			at += (size_t)snprintf(w->ent + at, sizeof w->ent - at,
			    "%s%s", j++ ? ", " : ": ",
			    brul_idtab_name(w->strings, k));
	if (at < sizeof w->ent)
		snprintf(w->ent + at, sizeof w->ent - at, ")");
}

static int
tell_site(struct brul_alert_engine *w, struct rrule *x, int i, int also,
	  int64_t t, enum brul_alert_event what, int severity, double v,
	  double thr, struct brul_err *err)
{
	struct brul_alert_change ev;
	const char *site = brul_idtab_name(w->sites, i);

	ev.battery_id = ev.string_id = NULL;
	ev.site_id = site;
	site_name(w, x, i, also);
	return brul_engine_emit(w, x, &ev, site, x->sgroup[i].ts_open, t,
	    what, severity, v, thr, NULL, err);
}

/* Whether string k's value v is worse than string j's u for rule r. */
static int
worse(const struct brul_rule *r, double v, double u)
{
	return r->above ? v > u : v < u;
}

/* The member of site i's alert of rule x at the highest severity and,
 * at it, with the value furthest past its threshold. */
static int
worst_member(const struct brul_alert_engine *w, const struct rrule *x, int i)
{
	int worst = -1;

	for (int k = 0; k < brul_idtab_count(w->strings); k++) {
		int sk = x->st[k].severity;

		if (w->s[k].site != i || !x->sgrouped[k] || sk == 0)
			continue;
		if (worst < 0 || sk > x->st[worst].severity ||
		    (sk == x->st[worst].severity && worse(x->r, x->last[k],
		    x->last[worst])))
			worst = k;
	}
	return worst;
}

/* Opens site i's alert of rule x at t for string e and the site's other
 * strings whose own alert is open: the site's at the worst of them, then
 * theirs cleared as joined. */
static int
merge(struct brul_alert_engine *w, struct rrule *x, int e, int i, int64_t t,
      struct brul_err *err)
{
	struct sgroup *g = &x->sgroup[i];
	int ns = brul_idtab_count(w->strings), worst;
	char why[160];

	for (int k = 0; k < ns; k++) {
		int sk = x->st[k].severity;

		if (w->s[k].site != i || sk == 0 || (x->sgrouped[k] && k != e))
			continue;
		x->sgrouped[k] = 1;
		g->open[sk]++;
	}
	worst = worst_member(w, x, i);
	g->severity = g->open[2] > 0 ? 2 : 1;
	g->ts_open = t;
	if (tell_site(w, x, i, -1, t, BRUL_ALERT_OPEN, g->severity,
	    x->last[worst], x->st[worst].severity == 2 ? x->r->critical :
	    x->r->warning, err) < 0)
		return -1;
	snprintf(why, sizeof why, "joins the alert of site %s",
	    brul_idtab_name(w->sites, i));
	for (int k = 0; k < ns; k++) {
		struct brul_alert_change ev;

		if (k == e || w->s[k].site != i || !x->sgrouped[k])
			continue;
		ev.battery_id = NULL;
		ev.string_id = brul_idtab_name(w->strings, k);
		ev.site_id = brul_idtab_name(w->sites, i);
		snprintf(w->ent, sizeof w->ent, "string %s", ev.string_id);
		if (brul_engine_emit(w, x, &ev, ev.string_id,
		    x->st[k].ts_open, t, BRUL_ALERT_CLEAR, x->st[k].severity,
		    NAN, NAN, why, err) < 0)
			return -1;
	}
	return 0;
}

int
brul_group_site(struct brul_alert_engine *w, struct rrule *x, int e,
		int64_t t, enum brul_alert_event what, double v, double thr,
		int sev0, struct brul_err *err)
{
	int i = w->s[e].site, sev = x->st[e].severity;
	struct sgroup *g = &x->sgroup[i];

	x->last[e] = v;
	if (what == BRUL_ALERT_OPEN) {
		int others = 0;

		for (int k = 0; g->severity == 0 &&
		    k < brul_idtab_count(w->strings); k++)
			others += k != e && w->s[k].site == i &&
			    x->st[k].severity > 0;
		if (g->severity == 0 && others == 0)
			return brul_engine_tell(w, x, e, t, what, v, thr,
			    sev0, err);
		if (g->severity == 0)
			return merge(w, x, e, i, t, err);
		x->sgrouped[e] = 1;
		g->open[sev]++;
	} else if (!x->sgrouped[e]) {
		return brul_engine_tell(w, x, e, t, what, v, thr, sev0, err);
	} else {
		g->open[sev0]--;
		if (what == BRUL_ALERT_CLEAR)
			x->sgrouped[e] = 0;
		else
			g->open[sev]++;
		if (g->open[1] + g->open[2] == 0) {
			/* Its last member: the site's alert clears with it,
			 * named by the string that leaves last. */
			int was = g->severity;

			x->sgrouped[e] = 1;
			g->severity = 0;
			if (tell_site(w, x, i, e, t, BRUL_ALERT_CLEAR, was, v,
			    thr, err) < 0)
				return -1;
			x->sgrouped[e] = 0;
			return 0;
		}
	}
	/* The site's alert at the worst of its members now, and with them
	 * all in its message: an update when a string joins too. */
	sev = g->open[2] > 0 ? 2 : 1;
	if (sev == g->severity && what != BRUL_ALERT_OPEN)
		return 0;
	g->severity = sev;
	e = worst_member(w, x, i);
	return tell_site(w, x, i, -1, t, BRUL_ALERT_UPDATE, sev, x->last[e],
	    sev == 2 ? x->r->critical : x->r->warning, err);
}

/* state.c: see state.h. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "alert/state.h"
#include "core/num.h"
#include "core/timefmt.h"

const char *const brul_alert_event_names[4] = {
	"", "open", "update", "clear"
};
const char *const brul_severity_names[3] = { "", "warning", "critical" };

void
brul_alert_reset(struct brul_alert_state *s)
{
	s->pending = INT64_MIN;
	s->severity = 0;
	s->ts_open = INT64_MIN;
}

void
brul_alert_hold(struct brul_alert_state *s)
{
	s->pending = INT64_MIN;
}

/* x >= t, to within 1e-9: 37.9 - 29.9 is 8, not 7.999999999999996, for
 * a threshold of 8. */
static int
reaches(double x, double t)
{
	return x >= t - 1e-9 * (fabs(t) + 1);
}

/* Whether the level has now held for the rule's duration (starting the
 * count when it has just been reached). */
static int
held(const struct brul_rule *r, struct brul_alert_state *s, int64_t ts)
{
	if (s->pending == INT64_MIN)
		s->pending = ts;
	if (ts - s->pending < r->for_s)
		return 0;
	s->pending = INT64_MIN;
	return 1;
}

enum brul_alert_event
brul_alert_step(const struct brul_rule *r, struct brul_alert_state *s,
		int64_t ts, double v, double *threshold)
{
	/* Compare as if high values were bad: mirror a "below" rule. */
	double m = r->above ? 1 : -1, x = m * v;
	int level = !isnan(r->critical) && reaches(x, m * r->critical) ? 2 :
	    !isnan(r->warning) && reaches(x, m * r->warning) ? 1 : 0;

	/* A latched critical alert (a runaway, a failed cell) outlives its
	 * reading, which fades as the filter or the baseline adapts to the
	 * failed block: only leaving service ends it. */
	if (r->latch && s->severity == 2)
		return BRUL_ALERT_NONE;
	if (s->severity == 0) {
		if (level == 0) {
			s->pending = INT64_MIN;
			return BRUL_ALERT_NONE;
		}
		if (!held(r, s, ts))
			return BRUL_ALERT_NONE;
		s->severity = level;
		s->ts_open = ts;
		*threshold = level == 2 ? r->critical : r->warning;
		return BRUL_ALERT_OPEN;
	}
	if (!reaches(x, m * r->clear)) {
		s->severity = 0;
		s->pending = INT64_MIN;
		*threshold = r->clear;
		return BRUL_ALERT_CLEAR;
	}
	if (s->severity == 1) {
		if (level < 2) {
			s->pending = INT64_MIN;
			return BRUL_ALERT_NONE;
		}
		if (!held(r, s, ts))
			return BRUL_ALERT_NONE;
		s->severity = 2;
		*threshold = r->critical;
		return BRUL_ALERT_UPDATE;
	}
	if (!isnan(r->warning) && !reaches(x, m * r->critical_clear)) {
		s->severity = 1;
		*threshold = r->critical_clear;
		return BRUL_ALERT_UPDATE;
	}
	return BRUL_ALERT_NONE;
}

int
brul_alert_id(char *buf, size_t n, const char *rule, const char *entity,
	      int64_t ts_open)
{
	char t[32];
	size_t k = brul_time_format(t, ts_open), j = 0;

	/* 2026-01-02T12:00:00Z as 20260102T1200Z: no ':' or '/', so the
	 * id sits in a URL path or a file name as it is. */
	for (size_t i = 0; i < k; i++)
		if (t[i] != '-' && t[i] != ':')
			t[j++] = t[i];
	t[j] = '\0';
	if (j == 16 && memcmp(t + 13, "00Z", 3) == 0)
		memcpy(t + 13, "Z", 2);
	k = (size_t)snprintf(buf, n, "%s.%s.%s", rule, entity, t);
	return k < n ? 0 : -1;
}

double
brul_alert_round(const struct brul_rule *r, double v, double threshold)
{
	for (int d = r->decimals; ; d++) {
		double x = round(v * pow(10, d)) / pow(10, d);

		/* Rounding must not land on the threshold it crossed. */
		if (x != threshold || v == threshold || d == 6)
			return x;
	}
}

int
brul_alert_priority(const struct brul_rule *r, int severity)
{
	/* safety, load, data, ageing: critical then warning. */
	static const int p[BRUL_THREAT_COUNT][2] = {
		{ 1, 2 }, { 2, 3 }, { 3, 3 }, { 3, 4 }
	};

	return p[r->threat][severity == 2 ? 0 : 1];
}

/* Whether a rule's numbers read best as sizes: a "below" rule whose
 * thresholds are all negative (its says reads "0.35 V under float", not
 * "-0.35 V under"). */
static int
magnitude(const struct brul_rule *r)
{
	return !r->above && !(r->warning > 0) && !(r->critical > 0) &&
	    !(r->clear > 0);
}

/* The reading in words: the rule's says with {entity} and {value}
 * filled in, else "label: entity at value"; cleared, "cleared: says" or
 * "label cleared: ...". */
static size_t
reading(char *buf, size_t n, const struct brul_rule *r, int cleared,
	const char *entity, const char *v)
{
	const char *p = r->says, *q;
	size_t at;

	if (*p == '\0')
		return (size_t)snprintf(buf, n, "%s%s: %s at %s%s", r->label,
		    cleared ? " cleared" : "", entity, v, r->unit);
	at = (size_t)snprintf(buf, n, "%s", cleared ? "cleared: " : "");
	for (; (q = strchr(p, '{')) != NULL && at < n; p = strchr(q, '}') + 1)
		at += (size_t)snprintf(buf + at, n - at, "%.*s%s%s",
		    (int)(q - p), p, q[1] == 'e' ? entity : v,
		    q[1] == 'e' ? "" : r->unit);
	if (at < n)
		at += (size_t)snprintf(buf + at, n - at, "%s", p);
	return at < n ? at : n - 1;
}

void
brul_alert_message(char *buf, size_t n, const struct brul_rule *r,
		   enum brul_alert_event ev, int severity, const char *entity,
		   double value, double threshold)
{
	char v[40], t[40];
	int mag = r->says[0] != '\0' && magnitude(r);
	/* Rising to a level, a high value is over its threshold; falling
	 * back, under. */
	int rising = ev == BRUL_ALERT_OPEN ||
	    (ev == BRUL_ALERT_UPDATE && severity == 2);
	const char *side = r->above == rising ? "over" : "under";
	double x = brul_alert_round(r, value, threshold);
	size_t at;

	if (mag)
		side = rising ? "over" : "under";
	v[brul_num_shortest(v, mag ? fabs(x) : x)] = '\0';
	t[brul_num_shortest(t, mag ? fabs(threshold) : threshold)] = '\0';
	if (ev == BRUL_ALERT_CLEAR && strcmp(r->m.name, "silence_min") == 0) {
		snprintf(buf, n, "cleared: %s reports again", entity);
		return;
	}
	at = reading(buf, n, r, ev == BRUL_ALERT_CLEAR, entity, v);
	if (at >= n - 1)
		return;
	if (ev == BRUL_ALERT_CLEAR)
		snprintf(buf + at, n - at, " (back %s %s%s)", side, t,
		    r->unit);
	else if (ev == BRUL_ALERT_UPDATE && severity == 1)
		snprintf(buf + at, n - at, " (warning again, %s %s%s)",
		    side, t, r->unit);
	else
		snprintf(buf + at, n - at, " (%s limit %s%s)",
		    brul_severity_names[severity], t, r->unit);
}

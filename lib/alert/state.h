/*
 * state.h: one rule's alert on one entity, as a state machine over the
 * rule's values: closed, pending (a threshold is crossed, but not yet for
 * the rule's minimum duration), open at warning or critical.  It turns
 * values into events: open when a level has held long enough, update when
 * the severity changes (up after the same minimum duration, down when the
 * value passes critical_clear), clear when it passes the clear threshold.
 * The gaps between the thresholds are the hysteresis: a value wandering
 * around one threshold gives one alert, not one per sample.
 *
 * Also the alert's identifier and its message.
 *
 * Ownership: plain storage of the caller's.
 */
#ifndef BRUL_STATE_H
#define BRUL_STATE_H

#include <stddef.h>
#include <stdint.h>
#include "alert/rules.h"

enum brul_alert_event {
	BRUL_ALERT_NONE, BRUL_ALERT_OPEN, BRUL_ALERT_UPDATE, BRUL_ALERT_CLEAR
};
extern const char *const brul_alert_event_names[4];	/* "open" ... */
extern const char *const brul_severity_names[3];	/* "", "warning", ... */

struct brul_alert_state {
	int64_t pending;	/* since when a level has held; INT64_MIN: not */
	int severity;		/* 0 closed, 1 warning, 2 critical */
	int64_t ts_open;
};

void brul_alert_reset(struct brul_alert_state *s);
/* The rule is suppressed for this entity now: a pending level is
 * forgotten; an open alert stays as it is. */
void brul_alert_hold(struct brul_alert_state *s);
/* Feeds value v at time ts (ascending; v not NAN) and says what happened;
 * *threshold is then the threshold crossed. */
enum brul_alert_event brul_alert_step(const struct brul_rule *r,
				      struct brul_alert_state *s, int64_t ts,
				      double v, double *threshold);

/* The identifier of the alert of rule on entity opened at ts_open:
 * "temperature_high.B0003-1.20260102T1200Z", the same in every run over
 * the same data, never another alert's.  Into buf: 0, or -1 when it
 * would not fit in n bytes (never cut short: two alerts of one entity
 * would share the part that fits). */
int brul_alert_id(char *buf, size_t n, const char *rule, const char *entity,
		  int64_t ts_open);
/* v rounded to the rule's decimals, or more when that would make it equal
 * to the threshold it crossed: what events and messages show. */
double brul_alert_round(const struct brul_rule *r, double v,
			double threshold);
/* The priority of rule r's alert at severity, 1 (act first) to 4: from
 * what the rule threatens (safety, then load, data, ageing) and the
 * severity.  An operator's lists also raise it while it waits
 * unacknowledged (brul-serve), which a stream cannot know. */
int brul_alert_priority(const struct brul_rule *r, int severity);
/* What a technician reads: the reading in the rule's words (its says,
 * else "label: entity at value") and against what: "block B0010-1 is
 * 4.2 °C hotter than its string's median (critical limit 4 °C)";
 * "cleared: ... 1.2 °C ... (back under 1.5 °C)"; a critical alert back
 * to warning "(warning again, under 3 °C)".  A "below" rule with
 * negative thresholds prints sizes (0.35 V under float).  entity is how
 * the entity is called ("block B0003-1"); numbers have the rule's
 * decimals. */
void brul_alert_message(char *buf, size_t n, const struct brul_rule *r,
			enum brul_alert_event ev, int severity,
			const char *entity, double value, double threshold);

#endif

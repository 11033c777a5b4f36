/*
 * test-alert.c: the alert state machine (minimum duration, hysteresis,
 * severity changes both ways, rules on low values), the metric pipeline
 * (exponential mean over irregular samples, learned and given baselines),
 * identifiers and messages, and the rules parser's checks and merging.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "alert/reading.h"
#include "alert/rules.h"
#include "alert/state.h"
#include "tap.h"

static struct brul_rule
rule(int above, double warning, double critical, double clear,
     int64_t for_s)
{
	struct brul_rule r;

	memset(&r, 0, sizeof r);
	snprintf(r.name, sizeof r.name, "temperature_high");
	snprintf(r.label, sizeof r.label, "block temperature high");
	snprintf(r.unit, sizeof r.unit, " °C");
	r.above = above;
	r.warning = warning;
	r.critical = critical;
	r.clear = clear;
	r.critical_clear = critical - (warning - clear);
	r.for_s = for_s;
	r.decimals = 1;
	return r;
}

/* Feeds values one a minute from t = 0; returns the events as letters
 * (o open, u update, c clear, . nothing). */
static const char *
run(const struct brul_rule *r, const double *v, int n, int *sev)
{
	static char out[64];
	struct brul_alert_state s;
	double thr;

	brul_alert_reset(&s);
	for (int i = 0; i < n; i++)
		out[i] = ".ouc"[brul_alert_step(r, &s, 60 * i, v[i], &thr)];
	out[n] = '\0';
	*sev = s.severity;
	return out;
}

static void
test_state(struct tap *t)
{
	struct brul_rule r = rule(1, 35, 40, 33, 120);
	struct brul_alert_state s;
	double thr = 0;
	int sev;

	/* Opens after the level has held 2 min (3 samples), not before. */
	tap_streq(t, run(&r, (double[]){ 36, 36, 34, 36, 36, 36, 36 }, 7,
	    &sev), ".....o.", "open only after the minimum duration, "
	    "restarted by a dip");
	/* Hysteresis: 34 keeps it open, 32.9 clears. */
	tap_streq(t, run(&r, (double[]){ 36, 36, 36, 34, 33.5, 35, 32.9,
	    34 }, 8, &sev), "..o...c.", "stays open until under clear");
	tap_ok(t, sev == 0, "closed after clear");
	/* Up to critical after its own duration, back down under
	 * critical_clear (38), then clear. */
	tap_streq(t, run(&r, (double[]){ 36, 36, 36, 41, 41, 41, 39, 37.9,
	    32 }, 9, &sev), "..o..u.uc", "critical after holding, warning "
	    "under critical_clear");
	/* Straight to critical when the value jumps there. */
	tap_streq(t, run(&r, (double[]){ 45, 45, 45 }, 3, &sev), "..o",
	    "opens at the level reached");
	tap_ok(t, sev == 2, "opened critical");
	/* A rule on low values mirrors it. */
	r = rule(0, -0.3, -0.6, -0.2, 0);
	tap_streq(t, run(&r, (double[]){ -0.1, -0.35, -0.25, -0.7, -0.45,
	    -0.1 }, 6, &sev), ".o.uuc", "below: open, critical, back, clear");
	brul_alert_reset(&s);
	brul_alert_step(&r, &s, 0, -0.7, &thr);
	tap_near(t, thr, -0.6, 0, "below: the threshold crossed");
	/* Suppression forgets a pending level but keeps an open alert. */
	r = rule(1, 35, 40, 33, 120);
	brul_alert_reset(&s);
	brul_alert_step(&r, &s, 0, 36, &thr);
	brul_alert_step(&r, &s, 60, 36, &thr);
	brul_alert_hold(&s);
	tap_ok(t, brul_alert_step(&r, &s, 120, 36, &thr) == BRUL_ALERT_NONE,
	    "held: the duration starts again");
	/* Only a critical threshold. */
	r = rule(1, NAN, 40, 38, 0);
	tap_streq(t, run(&r, (double[]){ 39, 41, 39, 37 }, 4, &sev), ".o.c",
	    "critical only");
	/* A latched rule: a warning comes and goes, a critical alert stays
	 * whatever the value does. */
	r = rule(1, 35, 40, 33, 0);
	r.latch = 1;
	tap_streq(t, run(&r, (double[]){ 36, 30, 41, 41, 30, 20 }, 6, &sev),
	    "oco...", "latch: a warning clears, a critical alert holds");
	tap_ok(t, sev == 2, "latch: still critical");
	/* Priority: what the rule threatens, then the severity. */
	r.threat = BRUL_THREAT_SAFETY;
	tap_ok(t, brul_alert_priority(&r, 2) == 1 &&
	    brul_alert_priority(&r, 1) == 2, "priority: safety 1 and 2");
	r.threat = BRUL_THREAT_LOAD;
	tap_ok(t, brul_alert_priority(&r, 2) == 2 &&
	    brul_alert_priority(&r, 1) == 3, "priority: load 2 and 3");
	r.threat = BRUL_THREAT_DATA;
	tap_ok(t, brul_alert_priority(&r, 1) == 3, "priority: data 3");
	r.threat = BRUL_THREAT_AGEING;
	tap_ok(t, brul_alert_priority(&r, 2) == 3 &&
	    brul_alert_priority(&r, 1) == 4, "priority: ageing 3 and 4");
}

static void
test_metric(struct tap *t)
{
	struct brul_metric m = { .smooth_s = 600 };
	struct brul_reading s;
	double v;

	brul_reading_reset(&s);
	tap_near(t, brul_reading_step(&m, &s, 0, 10, NAN), 10, 0,
	    "smooth: starts at the first value");
	v = brul_reading_step(&m, &s, 600, 20, NAN);
	tap_near(t, v, 10 + 10 * (1 - exp(-1)), 1e-12,
	    "smooth: weight 1 - exp(-dt / tau)");
	tap_ok(t, isnan(brul_reading_step(&m, &s, 700, NAN, NAN)),
	    "missing reading: NAN");
	tap_near(t, brul_reading_step(&m, &s, 60000, 30, NAN), 30, 1e-9,
	    "smooth: a long gap forgets");
	/* Learned baseline: the mean over the first hour. */
	m = (struct brul_metric){ .relative = BRUL_REL_DIFF,
	    .baseline_s = 3600 };
	brul_reading_reset(&s);
	tap_ok(t, isnan(brul_reading_step(&m, &s, 0, 1, NAN)) &&
	    isnan(brul_reading_step(&m, &s, 1800, 3, NAN)),
	    "baseline: nothing while learning");
	tap_near(t, brul_reading_step(&m, &s, 3600, 5, NAN), 3, 0,
	    "baseline: then the difference from the mean (2)");
	m.relative = BRUL_REL_PCT;
	m.baseline_fleet = 1;
	brul_reading_reset(&s);
	tap_near(t, brul_reading_step(&m, &s, 0, 6, 4), 50, 1e-12,
	    "fleet baseline: percent over it");
	m.abs = 1;
	m.baseline_fleet = 0;
	m.relative = BRUL_REL_NONE;
	tap_near(t, brul_reading_step(&m, &s, 0, -2.5, NAN), 2.5, 0, "abs");
}

static void
test_text(struct tap *t)
{
	struct brul_rule r = rule(1, 35, 40, 33, 0);
	char buf[200];

	brul_alert_id(buf, sizeof buf, "temperature_high", "B0003-1",
	    1767355200);
	tap_streq(t, buf, "temperature_high.B0003-1.20260102T1200Z",
	    "id: rule, entity, opening minute");
	/* Issue 15, item 12: a 151-byte battery id in a 160-byte buffer
	 * made alerts opened at 00:10 and 01:10 one id. */
	{
		char a[160], b[160], ent[152];
		int ra, rb;

		memset(ent, 'B', 151);
		ent[151] = '\0';
		ra = brul_alert_id(a, sizeof a, "resistance_high", ent,
		    1767226200);
		rb = brul_alert_id(b, sizeof b, "resistance_high", ent,
		    1767229800);
		tap_ok(t, ra == -1 && rb == -1,
		    "id: one too long for its buffer is refused, never cut");
		tap_ok(t, brul_alert_id(a, sizeof a, "resistance_high", ent +
		    23, 1767226200) == 0 && strlen(a) == 159,
		    "id: one that fits to the last byte is whole");
	}
	brul_alert_message(buf, sizeof buf, &r, BRUL_ALERT_OPEN, 2,
	    "block B0003-1", 41.04, 40);
	tap_streq(t, buf, "block temperature high: block B0003-1 at 41 °C "
	    "(critical limit 40 °C)", "message: open");
	brul_alert_message(buf, sizeof buf, &r, BRUL_ALERT_UPDATE, 1,
	    "block B0003-1", 37.7, 38);
	tap_streq(t, buf, "block temperature high: block B0003-1 at 37.7 °C "
	    "(warning again, under 38 °C)", "message: back to warning");
	brul_alert_message(buf, sizeof buf, &r, BRUL_ALERT_CLEAR, 1,
	    "block B0003-1", 32.96, 33);
	tap_streq(t, buf, "block temperature high cleared: block B0003-1 "
	    "at 32.96 °C (back under 33 °C)",
	    "message: a value is never rounded onto its threshold");
	/* In the rule's words, against what it was measured. */
	snprintf(r.says, sizeof r.says, "{entity} is {value} hotter than "
	    "its string's median");
	brul_alert_message(buf, sizeof buf, &r, BRUL_ALERT_OPEN, 2,
	    "block B0010-1", 4.2, 4);
	tap_streq(t, buf, "block B0010-1 is 4.2 °C hotter than its string's "
	    "median (critical limit 4 °C)", "message: says");
	brul_alert_message(buf, sizeof buf, &r, BRUL_ALERT_CLEAR, 2,
	    "block B0010-1", 1.2, 1.5);
	tap_streq(t, buf, "cleared: block B0010-1 is 1.2 °C hotter than its "
	    "string's median (back under 1.5 °C)", "message: says, cleared");
	/* A rule on low values with negative thresholds says sizes. */
	r = rule(0, -0.3, -0.6, -0.2, 0);
	snprintf(r.unit, sizeof r.unit, " V");
	r.decimals = 2;
	snprintf(r.says, sizeof r.says, "{entity} floats {value} under its "
	    "float voltage");
	brul_alert_message(buf, sizeof buf, &r, BRUL_ALERT_OPEN, 1,
	    "block B0001-1", -0.354, -0.3);
	tap_streq(t, buf, "block B0001-1 floats 0.35 V under its float "
	    "voltage (warning limit 0.3 V)", "message: sizes below zero");
	brul_alert_message(buf, sizeof buf, &r, BRUL_ALERT_CLEAR, 1,
	    "block B0001-1", -0.15, -0.2);
	tap_streq(t, buf, "cleared: block B0001-1 floats 0.15 V under its "
	    "float voltage (back under 0.2 V)", "message: sizes, cleared");
	/* A message longer than its buffer is cut, never overrun. */
	brul_alert_message(buf, 20, &r, BRUL_ALERT_OPEN, 1,
	    "block B0001-1", -0.354, -0.3);
	tap_streq(t, buf, "block B0001-1 float", "message: cut to fit");
}

static int
bad(const char *json, const char *want)
{
	struct brul_rules rs;
	struct brul_err e;
	char msg[1024];

	if (brul_rules_load_mem(&rs, json, strlen(json), &e) == 0) {
		brul_rules_release(&rs);
		return 0;
	}
	if (strstr(brul_err_str(&e, msg, sizeof msg), want) == NULL) {
		printf("# got \"%s\"\n", msg);
		return 0;
	}
	return 1;
}

static void
test_rules(struct tap *t)
{
	static const char good[] = "{\"rules\": [{\"name\": \"hot\", "
	    "\"metric\": \"temperature_c\", \"warning\": 35, \"critical\": 40, "
	    "\"clear\": 33, \"for\": \"10m\", \"suppress\": {\"during\": "
	    "[\"discharge\"], \"after\": {\"ohmic_test\": \"30m\"}}, \"when\": "
	    "[{\"metric\": \"current_a\", \"smooth\": \"1h\", \"relative\": "
	    "\"percent\", \"above\": 0}]}]}";
	struct brul_rules rs;
	struct brul_err e;

	tap_ok(t, brul_rules_load_mem(&rs, good, strlen(good), &e) == 0 &&
	    rs.n == 1 && rs.v[0].for_s == 600 && rs.v[0].nwhen == 1 &&
	    rs.v[0].when[0].m.baseline_s == 86400 &&
	    rs.v[0].during == 1u << BRUL_MODE_DISCHARGE &&
	    rs.v[0].after_s[BRUL_MODE_OHMIC] == 1800 &&
	    rs.v[0].critical_clear == 38, "a rule and its defaults");
	brul_rules_release(&rs);
	tap_ok(t, bad("{\"rules\": [{\"name\": \"hot\", \"metric\": \"t\", "
	    "\"warning\": 35, \"clear\": 36}]}", "rule 1 (hot): clear: must "
	    "lie at or below warning"), "clear above warning");
	tap_ok(t, bad("{\"rules\": [{\"name\": \"hot\", \"metric\": \"t\", "
	    "\"warnng\": 35}]}", "unknown key \"warnng\""), "a typo");
	tap_ok(t, bad("{\"rules\": [{\"name\": \"hot\", \"metric\": \"t\"}]}",
	    "needs a warning or a critical"), "no threshold");
	tap_ok(t, bad("{\"rules\": [{\"name\": \"x\", \"metric\": \"t\", "
	    "\"critical\": 1, \"for\": \"soon\"}]}", "for: expected a "
	    "duration"), "a bad duration");
	tap_ok(t, bad("{\"rules\": [{\"name\": \"x\", \"metric\": \"t\", "
	    "\"critical\": 1, \"suppress\": {\"during\": [\"idle\"]}}]}",
	    "expected float, discharge"), "an unknown mode");
	tap_ok(t, bad("{\"rules\": [{\"name\": \"x\", \"metric\": \"t\", "
	    "\"critical\": 1}, {\"name\": \"x\", \"metric\": \"t\", "
	    "\"critical\": 2}]}", "rule 2 (x): name: a second rule"),
	    "a name twice");
	tap_ok(t, bad("{\"rules\": [{\"name\": \"x\", \"metric\": \"t\", "
	    "\"critical\": 1, \"scope\": \"rack\"}]}", "scope: expected "
	    "block, string or site"), "an unknown scope");
	tap_ok(t, bad("{\"rules\": [{\"name\": \"x\", \"metric\": \"t\", "
	    "\"critical\": 1, \"relative\": \"percent\", \"baseline\": "
	    "\"fleet\"}]}", "baseline_mohm"), "fleet baseline of another "
	    "metric");
	tap_ok(t, bad("{\"rules\": [{\"name\": \"x\"", "<memory>"),
	    "broken JSON");
	tap_ok(t, bad("{\"rules\": [{\"name\": \"x\", \"enabled\": false}]}",
	    "no such rule to disable"), "disabling what is not there");
	tap_ok(t, bad("{\"rules\": [{\"name\": \"x\", \"metric\": \"v\", "
	    "\"warning\": 1, \"says\": \"{entity} at {val}\"}]}",
	    "says: only {entity} and {value} are filled in"),
	    "says: an unknown placeholder");
	tap_ok(t, bad("{\"rules\": [{\"name\": \"x\", \"metric\": \"v\", "
	    "\"warning\": 1, \"says\": \"{value} and {value}\"}]}",
	    "says: needs {entity} and {value}, once each"),
	    "says: each placeholder once");
	tap_ok(t, bad("{\"rules\": [{\"name\": \"x\", \"metric\": \"v\", "
	    "\"warning\": 1, \"threat\": \"fire\"}]}",
	    "threat: expected safety, load, data or ageing"),
	    "threat: one of four");
	tap_ok(t, bad("{\"rules\": [{\"name\": \"x\", \"metric\": \"v\", "
	    "\"warning\": 1, \"digest\": true, \"latch\": true}]}",
	    "latch: a digest rule opens no alert to hold"),
	    "latch: not on a digest rule");
	tap_ok(t, bad("{\"rules\": [{\"name\": \"x\", \"metric\": \"v\", "
	    "\"warning\": 1, \"digest\": 1}]}",
	    "digest: expected true or false"), "digest: a boolean");
}

int
main(void)
{
	struct tap t = { 0 };

	test_state(&t);
	test_metric(&t);
	test_text(&t);
	test_rules(&t);
	return tap_done(&t);
}

/*
 * rules.h: alert rules, as read from a JSON rules file.
 *
 * A rule watches one metric of one source (telemetry, the string stream,
 * the twin's, predictions or features) at one scope (a block, a string or
 * a site), with a warning, a critical and a clear threshold, a minimum
 * duration before it opens, conditions that must hold ("when") and
 * conditions under which it says nothing ("suppress").  The metric may be
 * smoothed and taken relative to the entity's baseline.  The file format
 * is in brul-alert(1); data/alert-rules.json holds the defaults.
 *
 * A file either replaces the defaults or, with "extends": "default",
 * amends them: a rule of the same name replaces the default one (or, with
 * "enabled": false, removes it), others are added.
 *
 * Ownership: brul_rules_load fills a caller-owned struct brul_rules whose
 * array it allocates; brul_rules_release frees it.
 */
#ifndef BRUL_RULES_H
#define BRUL_RULES_H

#include <stddef.h>
#include <stdint.h>
#include "core/err.h"

enum brul_source {
	BRUL_SRC_TELEMETRY, BRUL_SRC_STRINGS, BRUL_SRC_TWIN,
	BRUL_SRC_PREDICTIONS, BRUL_SRC_FEATURES, BRUL_SRC_COUNT
};
enum brul_scope { BRUL_SCOPE_BLOCK, BRUL_SCOPE_STRING, BRUL_SCOPE_SITE };
enum brul_agg { BRUL_AGG_MAX, BRUL_AGG_MIN, BRUL_AGG_MEAN, BRUL_AGG_SPREAD };
enum brul_relative { BRUL_REL_NONE, BRUL_REL_DIFF, BRUL_REL_PCT };
/* What a rule's alert threatens, most urgent first: a block's safety (a
 * runaway, an open or shorted cell, heat), a string's holding its load,
 * the data itself (a block unheard), a block's ageing. */
enum brul_threat {
	BRUL_THREAT_SAFETY, BRUL_THREAT_LOAD, BRUL_THREAT_DATA,
	BRUL_THREAT_AGEING, BRUL_THREAT_COUNT
};
extern const char *const brul_threat_names[BRUL_THREAT_COUNT];

/* A string's operating modes, as the string stream names them, and the
 * pseudo-event of an ohmic test: bits of a mode mask. */
enum brul_mode {
	BRUL_MODE_FLOAT, BRUL_MODE_DISCHARGE, BRUL_MODE_REST, BRUL_MODE_BOOST,
	BRUL_MODE_EQUALIZE, BRUL_MODE_OHMIC, BRUL_MODE_COUNT
};
extern const char *const brul_mode_names[BRUL_MODE_COUNT];
/* The mode named s[0..n), or -1. */
int brul_mode_parse(const char *s, size_t n);

#define BRUL_NAME_MAX 48

/* How a reading becomes the number compared with thresholds. */
struct brul_metric {
	char name[BRUL_NAME_MAX];	/* a column, or a derived metric */
	int abs;			/* take |x| */
	int64_t smooth_s;		/* exponential mean over this, or 0 */
	enum brul_relative relative;	/* to the entity's baseline */
	int baseline_fleet;		/* baseline_mohm of the batteries stream */
	int64_t baseline_s;		/* else learned over the first this long */
};

struct brul_cond {
	struct brul_metric m;
	int above;			/* 1: holds when x > at; 0: x < at */
	double at;
};

#define BRUL_RULE_CONDS 4

struct brul_rule {
	char name[BRUL_NAME_MAX];	/* the alerts' kind */
	char label[96];			/* what a technician calls it */
	char says[128];			/* the reading in words, or "" */
	char unit[16];			/* printed after numbers in messages */
	enum brul_source source;
	enum brul_scope scope;
	enum brul_agg agg;		/* over a string's or site's rows */
	struct brul_metric m;
	int above;			/* 1: high values are bad */
	double warning, critical;	/* NAN: that level is not used */
	double clear;			/* leaves an open alert */
	double critical_clear;		/* critical back to warning */
	int64_t for_s;			/* held this long before opening */
	int decimals;			/* of values in messages and output */
	struct brul_cond when[BRUL_RULE_CONDS];
	int nwhen;
	unsigned during;		/* mode mask: suppressed meanwhile */
	unsigned after;			/* mode mask: and for a while after */
	int64_t after_s[BRUL_MODE_COUNT];	/* that long */
	enum brul_threat threat;
	int digest;		/* a maintenance item, not an alert */
	int latch;		/* critical holds until out of service */
};

struct brul_rules {
	struct brul_rule *v;
	int n;
	size_t cap;
};

/* Reads a rules file (path NULL: the shipped data/alert-rules.json) into
 * r.  Errors name the file and the rule: "rules.json: rule 3
 * (temperature_high): clear: must lie below warning".  0 or -1. */
int brul_rules_load(struct brul_rules *r, const char *path,
		    struct brul_err *err);
/* The same from n bytes of JSON in memory, named "<memory>" (tests and
 * fuzzing). */
int brul_rules_load_mem(struct brul_rules *r, const void *buf, size_t n,
			struct brul_err *err);
void brul_rules_release(struct brul_rules *r);

/* The rules as brul-serve's /api/v1/alert-rules gives them, compact
 * JSON ({"rules": [{"name": ..., "warning": ..., ...}]}), the caller's to
 * free(), its length in *n; NULL out of memory. */
char *brul_rules_json(const struct brul_rules *rs, size_t *n);

/* The source named s, or -1; and the name of a source. */
int brul_source_parse(const char *s);
const char *brul_source_name(enum brul_source s);

#endif

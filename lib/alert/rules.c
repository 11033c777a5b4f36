/* rules.c: see rules.h. */
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert/rules.h"
#include "core/datadir.h"
#include "core/grow.h"
#include "core/timefmt.h"

const char *const brul_mode_names[BRUL_MODE_COUNT] = {
	"float", "discharge", "rest", "boost", "equalize", "ohmic_test"
};

const char *const brul_threat_names[BRUL_THREAT_COUNT] = {
	"safety", "load", "data", "ageing"
};

static const char *const source_names[BRUL_SRC_COUNT] = {
	"telemetry", "strings", "twin", "predictions", "features"
};

int
brul_mode_parse(const char *s, size_t n)
{
	for (int m = 0; m < BRUL_MODE_COUNT; m++)
		if (strlen(brul_mode_names[m]) == n &&
		    memcmp(brul_mode_names[m], s, n) == 0)
			return m;
	return -1;
}

int
brul_source_parse(const char *s)
{
	for (int i = 0; i < BRUL_SRC_COUNT; i++)
		if (strcmp(source_names[i], s) == 0)
			return i;
	return -1;
}

const char *
brul_source_name(enum brul_source s)
{
	return source_names[s];
}

/* Where messages point: the file and the rule being read. */
struct ctx {
	const char *path;
	int index;
	const char *rule;
	struct brul_err *err;
};

static int __attribute__((format(printf, 2, 3)))
fail(const struct ctx *c, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (c->index < 0)
		return brul_err_set(c->err, c->path, 0, 0, "%s", msg);
	return brul_err_set(c->err, c->path, 0, 0, "rule %d (%s): %s",
	    c->index + 1, c->rule ? c->rule : "unnamed", msg);
}

static int
get_text(const struct ctx *c, json_t *o, const char *key, char *buf,
	 size_t n, int required)
{
	json_t *v = json_object_get(o, key);

	if (v == NULL) {
		if (required)
			return fail(c, "%s: missing", key);
		return 0;
	}
	if (!json_is_string(v) || json_string_length(v) == 0 ||
	    json_string_length(v) >= n)
		return fail(c, "%s: expected a string of 1 to %zu bytes", key,
		    n - 1);
	memcpy(buf, json_string_value(v), json_string_length(v) + 1);
	return 1;
}

static int
get_number(const struct ctx *c, json_t *o, const char *key, double *x)
{
	json_t *v = json_object_get(o, key);

	if (v == NULL)
		return 0;
	if (!json_is_number(v) || !isfinite(json_number_value(v)))
		return fail(c, "%s: expected a number", key);
	*x = json_number_value(v);
	return 1;
}

static int
get_duration(const struct ctx *c, json_t *v, const char *key, int64_t *s)
{
	if (!json_is_string(v) ||
	    brul_duration_parse(json_string_value(v), s) < 0 || *s < 0)
		return fail(c, "%s: expected a duration (0, 90s, 10m, 2h, 1d)",
		    key);
	return 1;
}

static int
one_of(const struct ctx *c, json_t *o, const char *key,
       const char *const *names, int n, int dflt)
{
	json_t *v = json_object_get(o, key);

	if (v == NULL)
		return dflt;
	if (json_is_string(v))
		for (int i = 0; i < n; i++)
			if (strcmp(json_string_value(v), names[i]) == 0)
				return i;
	{
		char list[160] = "";
		size_t at = 0;

		for (int i = 0; i < n && at < sizeof list; i++)
			at += (size_t)snprintf(list + at, sizeof list - at,
			    "%s%s", i == 0 ? "" : i == n - 1 ? " or " : ", ",
			    names[i]);
		return fail(c, "%s: expected %s", key, list);
	}
}

/* Fails on a key not in keys[]: a typo must not silently change a rule. */
static int
known_keys(const struct ctx *c, json_t *o, const char *const *keys)
{
	const char *k;
	json_t *v;

	json_object_foreach(o, k, v) {
		int i;

		for (i = 0; keys[i]; i++)
			if (strcmp(k, keys[i]) == 0)
				break;
		if (keys[i] == NULL)
			return fail(c, "unknown key \"%s\"", k);
	}
	return 0;
}

static int
metric(const struct ctx *c, json_t *o, struct brul_metric *m)
{
	static const char *const rel[] = { "none", "difference", "percent" };
	json_t *v;
	int r;

	memset(m, 0, sizeof *m);
	if (get_text(c, o, "metric", m->name, sizeof m->name, 1) < 0)
		return -1;
	if ((v = json_object_get(o, "abs")) != NULL) {
		if (!json_is_boolean(v))
			return fail(c, "abs: expected true or false");
		m->abs = json_is_true(v);
	}
	if ((v = json_object_get(o, "smooth")) != NULL &&
	    get_duration(c, v, "smooth", &m->smooth_s) < 0)
		return -1;
	if ((r = one_of(c, o, "relative", rel, 3, 0)) < 0)
		return -1;
	m->relative = (enum brul_relative)r;
	if ((v = json_object_get(o, "baseline")) != NULL) {
		if (m->relative == BRUL_REL_NONE)
			return fail(c, "baseline: needs \"relative\"");
		if (json_is_string(v) &&
		    strcmp(json_string_value(v), "fleet") == 0)
			m->baseline_fleet = 1;
		else if (get_duration(c, v, "baseline", &m->baseline_s) < 0)
			return -1;
		else if (m->baseline_s == 0)
			return fail(c, "baseline: \"fleet\" or a duration to "
			    "learn it over");
	} else if (m->relative != BRUL_REL_NONE)
		m->baseline_s = 86400;
	return 0;
}

static int
modes(const struct ctx *c, json_t *a, const char *key, unsigned *mask)
{
	size_t i;
	json_t *v;

	if (!json_is_array(a))
		return fail(c, "%s: expected an array of modes", key);
	json_array_foreach(a, i, v) {
		int m = json_is_string(v) ? brul_mode_parse(json_string_value(v),
		    json_string_length(v)) : -1;

		if (m < 0 || m == BRUL_MODE_OHMIC)
			return fail(c, "%s: expected float, discharge, rest, "
			    "boost or equalize", key);
		*mask |= 1u << m;
	}
	return 0;
}

static int
suppress(const struct ctx *c, json_t *o, struct brul_rule *r)
{
	static const char *const keys[] = { "during", "after", NULL };
	json_t *v, *d;
	const char *k;

	if (!json_is_object(o))
		return fail(c, "suppress: expected an object");
	if (known_keys(c, o, keys) < 0)
		return -1;
	if ((v = json_object_get(o, "during")) != NULL &&
	    modes(c, v, "suppress.during", &r->during) < 0)
		return -1;
	if ((v = json_object_get(o, "after")) == NULL)
		return 0;
	if (!json_is_object(v))
		return fail(c, "suppress.after: expected an object of mode: "
		    "duration");
	json_object_foreach(v, k, d) {
		int m = brul_mode_parse(k, strlen(k));

		if (m < 0)
			return fail(c, "suppress.after: \"%s\": expected a "
			    "mode or ohmic_test", k);
		if (get_duration(c, d, "suppress.after", &r->after_s[m]) < 0)
			return -1;
		if (r->after_s[m] > 0)
			r->after |= 1u << m;
	}
	return 0;
}

static int
conditions(const struct ctx *c, json_t *a, struct brul_rule *r)
{
	static const char *const keys[] = { "metric", "abs", "smooth",
		"relative", "baseline", "above", "below", NULL };
	size_t i;
	json_t *o;

	if (!json_is_array(a))
		return fail(c, "when: expected an array of conditions");
	json_array_foreach(a, i, o) {
		struct brul_cond *w = &r->when[r->nwhen];
		int ha, hb;

		if (r->nwhen == BRUL_RULE_CONDS)
			return fail(c, "when: at most %d conditions",
			    BRUL_RULE_CONDS);
		if (!json_is_object(o) || known_keys(c, o, keys) < 0 ||
		    metric(c, o, &w->m) < 0)
			return json_is_object(o) ? -1 :
			    fail(c, "when: expected objects");
		if ((ha = get_number(c, o, "above", &w->at)) < 0 ||
		    (hb = get_number(c, o, "below", &w->at)) < 0)
			return -1;
		if (ha + hb != 1)
			return fail(c, "when: each condition needs one of "
			    "\"above\" or \"below\"");
		w->above = ha;
		r->nwhen++;
	}
	return 0;
}

/* The thresholds in order, for a rule whose high values are bad (low ones
 * are mirrored): clear < warning <= critical, critical_clear between. */
static int
thresholds(const struct ctx *c, json_t *o, struct brul_rule *r)
{
	double s = r->above ? 1 : -1, lo;
	int hw, hc, hk, hq;

	r->warning = r->critical = r->clear = r->critical_clear = NAN;
	if ((hw = get_number(c, o, "warning", &r->warning)) < 0 ||
	    (hc = get_number(c, o, "critical", &r->critical)) < 0 ||
	    (hk = get_number(c, o, "clear", &r->clear)) < 0 ||
	    (hq = get_number(c, o, "critical_clear", &r->critical_clear)) < 0)
		return -1;
	if (!hw && !hc)
		return fail(c, "needs a warning or a critical threshold");
	if (hw && hc && s * r->critical < s * r->warning)
		return fail(c, "critical: must lie %s warning",
		    r->above ? "at or above" : "at or below");
	lo = hw ? r->warning : r->critical;
	if (!hk)
		r->clear = lo;
	if (s * r->clear > s * lo)
		return fail(c, "clear: must lie %s %s", r->above ? "at or "
		    "below" : "at or above", hw ? "warning" : "critical");
	if (hc && hw) {
		if (!hq)
			r->critical_clear = r->critical - (r->warning -
			    r->clear);
		if (s * r->critical_clear > s * r->critical ||
		    s * r->critical_clear < s * r->clear)
			return fail(c, "critical_clear: must lie between clear "
			    "and critical");
	} else if (hq)
		return fail(c, "critical_clear: needs both warning and "
		    "critical");
	return 0;
}

/* A true or false key, false when absent. */
static int
flag(const struct ctx *c, json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	if (v == NULL)
		return 0;
	if (!json_is_boolean(v))
		return fail(c, "%s: expected true or false", key);
	return json_is_true(v);
}

/* The reading in words: {entity} and {value} once each, nothing else in
 * braces, so that a message can never print a stray placeholder. */
static int
says(const struct ctx *c, json_t *o, struct brul_rule *r)
{
	int ent = 0, val = 0, k;

	if ((k = get_text(c, o, "says", r->says, sizeof r->says, 0)) <= 0)
		return k;
	for (const char *p = r->says; (p = strchr(p, '{')) != NULL; p++) {
		if (strncmp(p, "{entity}", 8) == 0)
			ent++;
		else if (strncmp(p, "{value}", 7) == 0)
			val++;
		else
			return fail(c, "says: only {entity} and {value} "
			    "are filled in");
	}
	if (ent != 1 || val != 1)
		return fail(c, "says: needs {entity} and {value}, once each");
	return 0;
}

static int
rule(const struct ctx *c, json_t *o, struct brul_rule *r)
{
	static const char *const keys[] = { "name", "label", "unit",
		"source", "scope", "aggregate", "metric", "abs", "smooth",
		"relative", "baseline", "direction", "warning", "critical",
		"clear", "critical_clear", "for", "decimals", "when",
		"suppress", "enabled", "says", "threat", "digest", "latch",
		NULL };
	static const char *const scopes[] = { "block", "string", "site" };
	static const char *const aggs[] = { "max", "min", "mean", "spread" };
	static const char *const dirs[] = { "above", "below" };
	json_t *v;
	int x;

	memset(r, 0, sizeof *r);
	snprintf(r->name, sizeof r->name, "%s", c->rule);
	if (known_keys(c, o, keys) < 0 || metric(c, o, &r->m) < 0)
		return -1;
	for (const char *p = r->name; *p; p++)
		if (!(*p >= 'a' && *p <= 'z') && !(*p >= '0' && *p <= '9') &&
		    *p != '_')
			return fail(c, "name: lowercase letters, digits and _ "
			    "only");
	if (get_text(c, o, "label", r->label, sizeof r->label, 0) < 0 ||
	    get_text(c, o, "unit", r->unit, sizeof r->unit, 0) < 0)
		return -1;
	if (r->label[0] == '\0')
		snprintf(r->label, sizeof r->label, "%s", r->name);
	if (says(c, o, r) < 0)
		return -1;
	if ((x = one_of(c, o, "threat", brul_threat_names,
	    BRUL_THREAT_COUNT, BRUL_THREAT_LOAD)) < 0)
		return -1;
	r->threat = (enum brul_threat)x;
	if ((r->digest = flag(c, o, "digest")) < 0 ||
	    (r->latch = flag(c, o, "latch")) < 0)
		return -1;
	if (r->digest && r->latch)
		return fail(c, "latch: a digest rule opens no alert to hold");
	if ((v = json_object_get(o, "source")) != NULL &&
	    (!json_is_string(v) ||
	     (x = brul_source_parse(json_string_value(v))) < 0))
		return fail(c, "source: expected telemetry, strings, twin, "
		    "predictions or features");
	r->source = v ? (enum brul_source)x : BRUL_SRC_TELEMETRY;
	if ((x = one_of(c, o, "scope", scopes, 3, 0)) < 0)
		return -1;
	r->scope = (enum brul_scope)x;
	if ((x = one_of(c, o, "direction", dirs, 2, 0)) < 0)
		return -1;
	r->above = x == 0;
	if ((x = one_of(c, o, "aggregate", aggs, 4, r->above ? 0 : 1)) < 0)
		return -1;
	r->agg = (enum brul_agg)x;
	if (r->source == BRUL_SRC_STRINGS && r->scope == BRUL_SCOPE_BLOCK)
		return fail(c, "scope: the strings source has no blocks");
	if (r->source > BRUL_SRC_STRINGS && r->scope != BRUL_SCOPE_BLOCK &&
	    r->m.relative != BRUL_REL_NONE && r->m.baseline_fleet)
		return fail(c, "baseline: \"fleet\" is a block's");
	if (r->m.baseline_fleet && (r->scope != BRUL_SCOPE_BLOCK ||
	    strcmp(r->m.name, "resistance_mohm") != 0))
		return fail(c, "baseline: \"fleet\" is the batteries "
		    "stream's baseline_mohm: for a block's resistance_mohm");
	if (thresholds(c, o, r) < 0)
		return -1;
	if ((v = json_object_get(o, "for")) != NULL &&
	    get_duration(c, v, "for", &r->for_s) < 0)
		return -1;
	r->decimals = 2;
	if ((v = json_object_get(o, "decimals")) != NULL) {
		if (!json_is_integer(v) || json_integer_value(v) < 0 ||
		    json_integer_value(v) > 6)
			return fail(c, "decimals: expected 0 to 6");
		r->decimals = (int)json_integer_value(v);
	}
	if ((v = json_object_get(o, "when")) != NULL &&
	    conditions(c, v, r) < 0)
		return -1;
	if ((v = json_object_get(o, "suppress")) != NULL &&
	    suppress(c, v, r) < 0)
		return -1;
	return 0;
}

static int
find(const struct brul_rules *rs, const char *name)
{
	for (int i = 0; i < rs->n; i++)
		if (strcmp(rs->v[i].name, name) == 0)
			return i;
	return -1;
}

static int parse_file(struct brul_rules *rs, const char *path, int depth,
		      struct brul_err *err);

/* The rules of a parsed file (path names it in messages); root is
 * released. */
static int
parse_root(struct brul_rules *rs, json_t *root, const char *path, int depth,
	   struct brul_err *err)
{
	static const char *const keys[] = { "extends", "rules", NULL };
	struct ctx c = { path, -1, NULL, err };
	char dflt[4096];
	json_t *a, *o, *v;
	size_t i;
	int rc = -1, own;

	if (!json_is_object(root)) {
		fail(&c, "expected an object with \"rules\"");
		goto out;
	}
	if (known_keys(&c, root, keys) < 0)
		goto out;
	if ((v = json_object_get(root, "extends")) != NULL) {
		if (!json_is_string(v) ||
		    strcmp(json_string_value(v), "default") != 0 || depth > 0) {
			fail(&c, "extends: only \"default\" (the shipped "
			    "rules) can be extended");
			goto out;
		}
		if (brul_data_path("alert-rules.json", dflt, sizeof dflt,
		    err) < 0 || parse_file(rs, dflt, 1, err) < 0)
			goto out;
	}
	own = rs->n;	/* rules from here on are this file's */
	if (!json_is_array(a = json_object_get(root, "rules"))) {
		fail(&c, "rules: expected an array");
		goto out;
	}
	json_array_foreach(a, i, o) {
		struct brul_rule r;
		json_t *on, *nm;
		int k;

		c.index = (int)i;
		c.rule = NULL;
		if (!json_is_object(o)) {
			fail(&c, "expected an object");
			goto out;
		}
		if (json_is_string(nm = json_object_get(o, "name")))
			c.rule = json_string_value(nm);
		on = json_object_get(o, "enabled");
		if (on && !json_is_boolean(on)) {
			fail(&c, "enabled: expected true or false");
			goto out;
		}
		if (on && json_is_false(on)) {
			if (c.rule == NULL) {
				fail(&c, "name: missing");
				goto out;
			}
			if ((k = find(rs, c.rule)) < 0) {
				fail(&c, "enabled: no such rule to disable");
				goto out;
			}
			memmove(&rs->v[k], &rs->v[k + 1],
			    (size_t)(rs->n - k - 1) * sizeof *rs->v);
			rs->n--;
			continue;
		}
		if (c.rule == NULL) {
			fail(&c, "name: missing");
			goto out;
		}
		if (strlen(c.rule) >= BRUL_NAME_MAX) {
			fail(&c, "name: longer than %d bytes", BRUL_NAME_MAX - 1);
			goto out;
		}
		if (rule(&c, o, &r) < 0)
			goto out;
		if ((k = find(rs, r.name)) >= 0) {
			if (k >= own) {
				fail(&c, "name: a second rule of that name");
				goto out;
			}
			rs->v[k] = r;
			continue;
		}
		if (brul_grow(&rs->v, &rs->cap, (size_t)rs->n + 1,
		    sizeof *rs->v) < 0) {
			brul_err_set(err, NULL, 0, 0, "out of memory");
			goto out;
		}
		rs->v[rs->n++] = r;
	}
	rc = 0;
out:
	json_decref(root);
	return rc;
}

static int
parse_file(struct brul_rules *rs, const char *path, int depth,
	   struct brul_err *err)
{
	json_error_t je;
	json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);

	if (root == NULL)
		return brul_err_set(err, path, je.line > 0 ? je.line : 0,
		    je.column > 0 ? je.column : 0, "%s", je.text);
	return parse_root(rs, root, path, depth, err);
}

int
brul_rules_load_mem(struct brul_rules *rs, const void *buf, size_t n,
		    struct brul_err *err)
{
	json_error_t je;
	json_t *root;

	rs->v = NULL;
	rs->n = 0;
	rs->cap = 0;
	root = json_loadb(buf, n, JSON_REJECT_DUPLICATES, &je);
	if (root == NULL)
		return brul_err_set(err, "<memory>", je.line > 0 ? je.line : 0,
		    je.column > 0 ? je.column : 0, "%s", je.text);
	if (parse_root(rs, root, "<memory>", 0, err) < 0) {
		brul_rules_release(rs);
		return -1;
	}
	return 0;
}

int
brul_rules_load(struct brul_rules *rs, const char *path,
		struct brul_err *err)
{
	char dflt[4096];

	rs->v = NULL;
	rs->n = 0;
	rs->cap = 0;
	if (path == NULL) {
		if (brul_data_path("alert-rules.json", dflt, sizeof dflt,
		    err) < 0)
			return -1;
		path = dflt;
	}
	if (parse_file(rs, path, 0, err) < 0) {
		brul_rules_release(rs);
		return -1;
	}
	return 0;
}

void
brul_rules_release(struct brul_rules *rs)
{
	free(rs->v);
	rs->v = NULL;
	rs->n = rs->cap = 0;
}

/* A threshold for JSON: null when the level is not used. */
static json_t *
threshold(double v)
{
	return isnan(v) ? json_null() : json_real(v);
}

char *
brul_rules_json(const struct brul_rules *rs, size_t *n)
{
	static const char *const scopes[] = { "block", "string", "site" };
	static const char *const aggs[] = { "max", "min", "mean", "spread" };
	static const char *const rel[] = { "none", "difference", "percent" };
	json_t *a = json_array(), *o;
	char *text;

	for (int i = 0; a && i < rs->n; i++) {
		const struct brul_rule *x = &rs->v[i];

		o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:o,s:I,s:I,"
		    "s:s,s:o,s:o,s:o,s:o,s:I}",
		    "name", x->name, "label", x->label, "unit", x->unit,
		    "source", brul_source_name(x->source),
		    "scope", scopes[x->scope], "aggregate", aggs[x->agg],
		    "metric", x->m.name, "relative", rel[x->m.relative],
		    "baseline", x->m.relative == BRUL_REL_NONE ? json_null() :
		    x->m.baseline_fleet ? json_string("fleet") :
		    json_integer(x->m.baseline_s),
		    "smooth_s", (json_int_t)x->m.smooth_s,
		    "for_s", (json_int_t)x->for_s,
		    "direction", x->above ? "above" : "below",
		    "warning", threshold(x->warning),
		    "critical", threshold(x->critical),
		    "clear", threshold(x->clear),
		    "critical_clear", threshold(x->critical_clear),
		    "decimals", (json_int_t)x->decimals);
		if (o != NULL && json_object_update_new(o, json_pack(
		    "{s:s,s:b,s:b}", "threat", brul_threat_names[x->threat],
		    "digest", x->digest, "latch", x->latch)) < 0) {
			json_decref(o);
			o = NULL;
		}
		if (o == NULL || json_array_append_new(a, o) < 0) {
			json_decref(a);
			a = NULL;
		}
	}
	o = a ? json_pack("{s:o}", "rules", a) : NULL;
	/* 15 digits give back what a person wrote in the rules file. */
	text = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER |
	    JSON_REAL_PRECISION(15)) : NULL;
	json_decref(o);
	if (text)
		*n = strlen(text);
	return text;
}

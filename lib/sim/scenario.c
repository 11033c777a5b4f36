/* scenario.c: see scenario.h. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/num.h"
#include "core/timefmt.h"
#include "sim/scenario.h"

const struct brul_incident *
brul_scenario_block(const struct brul_world *w, int slot, int64_t day)
{
	for (int i = 0; i < w->nscenarios; i++) {
		const struct brul_incident *s = &w->scenarios[i];

		if (s->slot == slot && s->start >= day * BRUL_DAY &&
		    s->start < (day + 1) * BRUL_DAY)
			return s;
	}
	return NULL;
}

/* A spec's key=value pairs. */
struct kv {
	char buf[512];
	char *key[8], *val[8];
	int n;
};

/* The value of key, or NULL. */
static const char *
value(const struct kv *kv, const char *key)
{
	for (int i = 0; i < kv->n; i++)
		if (strcmp(kv->key[i], key) == 0)
			return kv->val[i];
	return NULL;
}

/* -1 unless every key is one of those the kind takes (" site start "). */
static int
keys_known(const struct kv *kv, const char *spec, const char *kind,
	   const char *takes, struct brul_err *err)
{
	char k[64], list[128];
	size_t at = 0;

	for (int i = 0; i < kv->n; i++) {
		snprintf(k, sizeof k, " %s ", kv->key[i]);
		if (strstr(takes, k) != NULL)
			continue;
		/* " site start " as "site=, start=" */
		for (const char *p = takes + 1; *p && at < sizeof list; ) {
			size_t n = strcspn(p, " ");

			at += (size_t)snprintf(list + at, sizeof list - at,
			    "%s%.*s=", at ? ", " : "", (int)n, p);
			p += n + (p[n] == ' ');
		}
		return brul_err_set(err, NULL, 0, 0, "scenario \"%s\": %s "
		    "takes %s; not %s=", spec, kind, list, kv->key[i]);
	}
	return 0;
}

/* A time of the spec, to its minute: 1 and *t, 0 when absent, -1. */
static int
when(const struct kv *kv, const char *key, const char *spec, int64_t *t,
     struct brul_err *err)
{
	const char *v = value(kv, key);

	if (v == NULL)
		return 0;
	if (brul_time_parse(v, strlen(v), t) < 0)
		return brul_err_set(err, NULL, 0, 0, "scenario \"%s\": %s: "
		    "expected YYYY-MM-DDTHH:MM:SSZ, not \"%s\"", spec, key, v);
	*t -= (*t % 60 + 60) % 60;
	return 1;
}

/* The site of a site's scenario. */
static int
site_of(const struct brul_fleet *f, const struct kv *kv, const char *spec,
	struct brul_err *err)
{
	const char *v = value(kv, "site");
	char ids[200];
	size_t at = 0;
	int s;

	if (v && (s = brul_fleet_site(f, v)) >= 0)
		return s;
	for (int i = 0; i < f->nsites && at < sizeof ids; i++)
		at += (size_t)snprintf(ids + at, sizeof ids - at, "%s%s",
		    i ? ", " : "", f->sites[i].id);
	if (v == NULL)
		return brul_err_set(err, NULL, 0, 0, "scenario \"%s\": needs "
		    "site=ID (%s)", spec, ids);
	return brul_err_set(err, NULL, 0, 0, "scenario \"%s\": no site %s in "
	    "the fleet (%s)", spec, v, ids);
}

/* The slot (0-based) of a block's scenario: slot=N, or battery=ID whose
 * number is its slot (B0005-2 is slot 5). */
static int
slot_of(const struct brul_fleet *f, const struct kv *kv, const char *spec,
	struct brul_err *err)
{
	const char *v, *key = "slot", *num;
	int nslots = brul_fleet_nslots(f);
	int64_t slot;
	size_t n;

	if ((v = value(kv, "slot")) != NULL)
		num = v;
	else if ((v = value(kv, "battery")) != NULL) {
		key = "battery";
		num = v + (v[0] == 'B');
	} else
		return brul_err_set(err, NULL, 0, 0, "scenario \"%s\": needs "
		    "slot=N (1-%d) or battery=ID (B0001-1 ...)", spec, nslots);
	n = strcspn(num, "-");
	if ((key[0] == 'b' && (v[0] != 'B' || num[n] != '-' ||
	    strspn(num + n + 1, "0123456789") != strlen(num + n + 1) ||
	    num[n + 1] == '\0')) || (key[0] == 's' && num[n] != '\0') ||
	    brul_int_parse(num, n, &slot) < 0)
		return brul_err_set(err, NULL, 0, 0, "scenario \"%s\": %s: "
		    "expected %s, not \"%s\"", spec, key, key[0] == 'b' ?
		    "a battery id (B0005-2 is the second block of slot 5)" :
		    "a whole number", v);
	if (slot < 1 || slot > nslots)
		return brul_err_set(err, NULL, 0, 0, "scenario \"%s\": %s %s "
		    "is not in the fleet (slots 1-%d)", spec, key[0] == 'b' ?
		    "battery" : "slot", v, nslots);
	return (int)slot - 1;
}

int
brul_scenario_add(struct brul_world *w, const char *spec, struct brul_err *err)
{
	const struct brul_fleet *f = w->fleet;
	struct brul_incident s = { .slot = -1, .strength = 0.9 };
	struct kv kv = { .n = 0 };
	const char *v, *kind;
	char *p, *save = NULL;
	int64_t dur = 0, t;
	int rc;

	if (w->nscenarios >= BRUL_MAX_SCENARIOS)
		return brul_err_set(err, NULL, 0, 0, "too many scenarios");
	if (strlen(spec) >= sizeof kv.buf)
		return brul_err_set(err, NULL, 0, 0, "scenario too long");
	memcpy(kv.buf, spec, strlen(spec) + 1);
	if ((kind = strtok_r(kv.buf, ",", &save)) == NULL)
		return brul_err_set(err, NULL, 0, 0, "empty scenario");
	while ((p = strtok_r(NULL, ",", &save)) != NULL) {
		char *eq = strchr(p, '=');

		if (!eq || kv.n == 8)
			return brul_err_set(err, NULL, 0, 0,
			    "scenario \"%s\": expected key=value, not \"%s\"",
			    spec, p);
		*eq = '\0';
		kv.key[kv.n] = p;
		kv.val[kv.n++] = eq + 1;
	}
	if (strcmp(kind, "hvac") == 0 || strcmp(kind, "outage") == 0) {
		s.kind = kind[0] == 'h' ? BRUL_INC_HVAC_FAULT : BRUL_INC_OUTAGE;
		if (keys_known(&kv, spec, kind, kind[0] == 'h' ?
		    " site start duration strength " :
		    " site start duration ", err) < 0 ||
		    (s.site = site_of(f, &kv, spec, err)) < 0 ||
		    (rc = when(&kv, "start", spec, &s.start, err)) < 0)
			return -1;
		if (rc == 0)
			return brul_err_set(err, NULL, 0, 0, "scenario \"%s\": "
			    "needs start=YYYY-MM-DDTHH:MM:SSZ", spec);
		if ((v = value(&kv, "duration")) == NULL ||
		    brul_duration_parse(v, &dur) < 0 || dur < 60)
			return brul_err_set(err, NULL, 0, 0,
			    "scenario \"%s\": needs duration=DURATION of a "
			    "minute or more (90m, 12h, 3d)", spec);
		s.end = s.start + 60 * ((dur + 59) / 60);
		if ((v = value(&kv, "strength")) != NULL &&
		    (brul_num_parse(v, strlen(v), &s.strength) < 0 ||
		    !(s.strength > 0 && s.strength <= 1)))
			return brul_err_set(err, NULL, 0, 0,
			    "scenario \"%s\": strength is a share in (0, 1]",
			    spec);
	} else if (strcmp(kind, "runaway") == 0 ||
	    strcmp(kind, "failure") == 0) {
		int runaway = kind[0] == 'r';

		s.kind = runaway ? BRUL_INC_RUNAWAY : BRUL_INC_FAILURE;
		s.failure = runaway ? BRUL_FAIL_THERMAL_RUNAWAY :
		    BRUL_FAIL_OPEN_CELL;
		if (keys_known(&kv, spec, kind, runaway ?
		    " slot battery start fail " : " slot battery fail mode ",
		    err) < 0 || (s.slot = slot_of(f, &kv, spec, err)) < 0 ||
		    (rc = when(&kv, "fail", spec, &s.start, err)) < 0)
			return -1;
		/* A runaway may be given by when it begins: it heats the
		 * block for BRUL_RUNAWAY_LEAD_S, then the block fails. */
		if (runaway && value(&kv, "start") != NULL) {
			if (rc == 1)
				return brul_err_set(err, NULL, 0, 0,
				    "scenario \"%s\": start= (when the "
				    "runaway begins) or fail= (when the block "
				    "fails), not both", spec);
			if ((rc = when(&kv, "start", spec, &t, err)) < 0)
				return -1;
			s.start = t + BRUL_RUNAWAY_LEAD_S;
		}
		if (rc == 0)
			return brul_err_set(err, NULL, 0, 0, "scenario \"%s\": "
			    "needs fail=YYYY-MM-DDTHH:MM:SSZ, when the block "
			    "fails%s", spec, runaway ? " (or start=, when the "
			    "runaway begins, 36 hours before)" : "");
		s.site = f->strings[s.slot / BRUL_BLOCKS_PER_STRING].site;
		s.end = s.start;
		if ((v = value(&kv, "mode")) != NULL) {
			if (strcmp(v, "short_cell") == 0)
				s.failure = BRUL_FAIL_SHORT_CELL;
			else if (strcmp(v, "open_cell") != 0)
				return brul_err_set(err, NULL, 0, 0,
				    "scenario \"%s\": mode is open_cell or "
				    "short_cell", spec);
		}
	} else
		return brul_err_set(err, NULL, 0, 0,
		    "scenario \"%s\": unknown kind \"%s\" (hvac, outage, "
		    "runaway, failure)", spec, kind);
	s.scenario = 1;
	w->scenarios[w->nscenarios++] = s;
	return 0;
}

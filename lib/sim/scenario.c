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

/* Splits "k=v" pairs of a spec; returns the value for key or NULL. */
static const char *
value(char *const *keys, char *const *vals, int n, const char *key)
{
	for (int i = 0; i < n; i++)
		if (strcmp(keys[i], key) == 0)
			return vals[i];
	return NULL;
}

int
brul_scenario_add(struct brul_world *w, const char *spec, struct brul_err *err)
{
	const struct brul_fleet *f = w->fleet;
	struct brul_incident s = { .slot = -1, .strength = 0.9 };
	char buf[512], *keys[8], *vals[8], *p, *save = NULL;
	const char *v;
	int n = 0, nslots = brul_fleet_nslots(f);
	int64_t dur = 0;

	if (w->nscenarios >= BRUL_MAX_SCENARIOS)
		return brul_err_set(err, NULL, 0, 0, "too many scenarios");
	if (strlen(spec) >= sizeof buf)
		return brul_err_set(err, NULL, 0, 0, "scenario too long");
	memcpy(buf, spec, strlen(spec) + 1);
	p = strtok_r(buf, ",", &save);
	if (!p)
		return brul_err_set(err, NULL, 0, 0, "empty scenario");
	if (strcmp(p, "hvac") == 0)
		s.kind = BRUL_INC_HVAC_FAULT;
	else if (strcmp(p, "outage") == 0)
		s.kind = BRUL_INC_OUTAGE;
	else if (strcmp(p, "runaway") == 0)
		s.kind = BRUL_INC_RUNAWAY;
	else if (strcmp(p, "failure") == 0)
		s.kind = BRUL_INC_FAILURE;
	else
		return brul_err_set(err, NULL, 0, 0,
		    "scenario \"%s\": unknown kind \"%s\" (hvac, outage, "
		    "runaway, failure)", spec, p);
	while ((p = strtok_r(NULL, ",", &save)) != NULL) {
		char *eq = strchr(p, '=');

		if (!eq || n == 8)
			return brul_err_set(err, NULL, 0, 0,
			    "scenario \"%s\": expected key=value, not \"%s\"",
			    spec, p);
		*eq = '\0';
		keys[n] = p;
		vals[n++] = eq + 1;
	}
	if ((v = value(keys, vals, n, "start")) == NULL ||
	    brul_time_parse(v, strlen(v), &s.start) < 0)
		return brul_err_set(err, NULL, 0, 0,
		    "scenario \"%s\": needs start=YYYY-MM-DDTHH:MM:SSZ", spec);
	s.start -= (s.start % 60 + 60) % 60;	/* to its minute */
	if (s.kind == BRUL_INC_HVAC_FAULT || s.kind == BRUL_INC_OUTAGE) {
		if ((v = value(keys, vals, n, "site")) == NULL ||
		    (s.site = brul_fleet_site(f, v)) < 0)
			return brul_err_set(err, NULL, 0, 0,
			    "scenario \"%s\": needs site=ID of a fleet site",
			    spec);
		if ((v = value(keys, vals, n, "duration")) == NULL ||
		    brul_duration_parse(v, &dur) < 0 || dur < 60)
			return brul_err_set(err, NULL, 0, 0,
			    "scenario \"%s\": needs duration=DURATION "
			    "(e.g. 90m, 12h, 3d)", spec);
		s.end = s.start + 60 * ((dur + 59) / 60);
		if ((v = value(keys, vals, n, "strength")) != NULL) {
			if (brul_num_parse(v, strlen(v), &s.strength) < 0 ||
			    !(s.strength > 0 && s.strength <= 1))
				return brul_err_set(err, NULL, 0, 0,
				    "scenario \"%s\": strength is a share "
				    "in (0, 1]", spec);
		}
	} else {
		long slot = 0;
		char *end;

		if ((v = value(keys, vals, n, "slot")) != NULL)
			slot = strtol(v, &end, 10);
		else if ((v = value(keys, vals, n, "battery")) != NULL &&
		    v[0] == 'B')
			slot = strtol(v + 1, &end, 10);
		else
			end = NULL;
		if (!v || !end || (*end && *end != '-') || slot < 1 ||
		    slot > nslots)
			return brul_err_set(err, NULL, 0, 0,
			    "scenario \"%s\": needs slot=N (1-%d) or "
			    "battery=ID", spec, nslots);
		s.slot = (int)slot - 1;
		s.site = f->strings[s.slot / BRUL_BLOCKS_PER_STRING].site;
		s.end = s.start;
		s.failure = s.kind == BRUL_INC_RUNAWAY ?
		    BRUL_FAIL_THERMAL_RUNAWAY : BRUL_FAIL_OPEN_CELL;
		if ((v = value(keys, vals, n, "mode")) != NULL) {
			if (s.kind == BRUL_INC_FAILURE &&
			    strcmp(v, "short_cell") == 0)
				s.failure = BRUL_FAIL_SHORT_CELL;
			else if (s.kind != BRUL_INC_FAILURE ||
			    strcmp(v, "open_cell") != 0)
				return brul_err_set(err, NULL, 0, 0,
				    "scenario \"%s\": mode is open_cell or "
				    "short_cell", spec);
		}
	}
	s.scenario = 1;
	w->scenarios[w->nscenarios++] = s;
	return 0;
}

/*
 * incident.h: what happens to a site or a block from outside: grid outages
 * and HVAC faults, and the world they happen in.
 *
 * Outages and HVAC faults are Poisson processes in time: for each site and
 * day, arrivals are drawn as exponential gaps at the region's yearly rate
 * from a stream keyed by (site, day), so any day can be generated alone, in
 * any order, and counts follow the rate in short runs as in long ones.
 * Outage durations are log-normal around the region's median (spread 0.9),
 * HVAC faults around 6 hours; all times fall on whole minutes.
 *
 * A struct brul_world is the fleet plus the user's scenarios (scenario.h):
 * everything the simulated world depends on besides the seed.  Nothing
 * here allocates.
 */
#ifndef BRUL_INCIDENT_H
#define BRUL_INCIDENT_H

#include <stdint.h>
#include "core/err.h"
#include "sim/ageing.h"
#include "sim/fleet.h"

enum brul_incident_kind {
	BRUL_INC_OUTAGE,	/* the site's grid supply fails */
	BRUL_INC_HVAC_FAULT,	/* battery-room cooling fails */
	BRUL_INC_RUNAWAY,	/* scenario: thermal runaway of one block */
	BRUL_INC_FAILURE	/* scenario: early failure of one block */
};

struct brul_incident {
	enum brul_incident_kind kind;
	int site;
	int slot;		/* RUNAWAY, FAILURE: fleet slot; else -1 */
	int64_t start, end;	/* seconds since epoch; end exclusive */
	double strength;	/* HVAC: share of the gap to outdoor air */
	enum brul_failure failure;	/* FAILURE: its kind */
	int scenario;		/* 1 when asked for by the user */
};

#define BRUL_MAX_SCENARIOS 64

struct brul_world {
	const struct brul_fleet *fleet;
	struct brul_incident scenarios[BRUL_MAX_SCENARIOS];
	int nscenarios;
};

/* The outages and HVAC faults of `site` that start on `day`, including
 * site-wide scenarios, ordered by start; at most max (more are dropped,
 * which at these rates does not happen).  Returns the count. */
int brul_incidents_day(const struct brul_world *w, int site, int64_t day,
		       struct brul_incident *out, int max);

#endif

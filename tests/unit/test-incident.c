/* test-incident.c: outages and HVAC faults as Poisson processes in time,
 * and the scenario syntax. */
#include <math.h>
#include <string.h>

#include "core/timefmt.h"
#include "sim/fleet.h"
#include "sim/incident.h"
#include "sim/scenario.h"
#include "tap.h"

int
main(void)
{
	struct tap t = { 0 };
	struct brul_region reg = { .name = "test", .outages_per_year = 6,
	    .outage_median_min = 60, .hvac_faults_per_year = 2 };
	struct brul_site site = { .id = "TST", .region = 0 };
	struct brul_string str = { .id = "TST-UPS1-S1", .site = 0 };
	struct brul_fleet f = { .regions = &reg, .sites = &site,
	    .strings = &str, .nregions = 1, .nsites = 1, .nstrings = 1,
	    .seed = 3 };
	struct brul_world w = { .fleet = &f };
	struct brul_incident inc[64];
	int outages = 0, hvac = 0, n90 = 0, ordered = 1, minutes = 1;
	double dur[20000];
	int nd = 0;
	struct brul_err e;

	/* 1000 years of one site. */
	for (int64_t day = 0; day < 365250; day++) {
		int n = brul_incidents_day(&w, 0, day, inc, 64);

		for (int i = 0; i < n; i++) {
			if (i > 0 && inc[i].start < inc[i - 1].start)
				ordered = 0;
			if (inc[i].start % 60 || inc[i].end % 60 ||
			    inc[i].start / 86400 != day)
				minutes = 0;
			if (inc[i].kind == BRUL_INC_OUTAGE) {
				outages++;
				if (nd < 20000)
					dur[nd++] = (double)(inc[i].end -
					    inc[i].start) / 60;
				if (day < 90)
					n90++;
			} else
				hvac++;
		}
	}
	tap_near(&t, outages, 6000, 4 * sqrt(6000),
	    "outages arrive at the region's rate");
	tap_near(&t, hvac, 2000, 4 * sqrt(2000), "HVAC faults at theirs");
	tap_ok(&t, ordered, "a day's incidents are ordered by start");
	tap_ok(&t, minutes, "incidents start and end on whole minutes of their day");
	{
		int below = 0;

		for (int i = 0; i < nd; i++)
			below += dur[i] <= 60;
		tap_near(&t, (double)below / nd, 0.5, 0.03,
		    "half the outages last at most the median (60 min)");
	}
	/* The same day twice gives the same incidents. */
	{
		struct brul_incident a[64], b[64];
		int na = brul_incidents_day(&w, 0, 12345, a, 64);
		int nb = brul_incidents_day(&w, 0, 12345, b, 64);

		tap_ok(&t, na == nb && memcmp(a, b, sizeof a[0] * (size_t)na) == 0,
		    "a day's incidents are a pure function of the day");
	}

	tap_ok(&t, brul_scenario_add(&w, "hvac,site=TST,start=2026-02-01T06:00:30Z,"
	    "duration=12h,strength=0.8", &e) == 0, "an HVAC scenario parses");
	tap_ok(&t, w.scenarios[0].start % 60 == 0 &&
	    w.scenarios[0].end - w.scenarios[0].start == 12 * 3600 &&
	    fabs(w.scenarios[0].strength - 0.8) < 1e-12,
	    "its start, duration and strength");
	{
		int64_t day = brul_days_from_civil(2026, 2, 1);
		int n = brul_incidents_day(&w, 0, day, inc, 64), found = 0;

		for (int i = 0; i < n; i++)
			found += inc[i].scenario;
		tap_ok(&t, found == 1, "the scenario joins that day's incidents");
	}
	tap_ok(&t, brul_scenario_add(&w, "failure,battery=B0007-3,"
	    "fail=2026-02-03T10:00:00Z,mode=short_cell", &e) == 0 &&
	    w.scenarios[1].slot == 6 &&
	    w.scenarios[1].failure == BRUL_FAIL_SHORT_CELL,
	    "a failure scenario names its slot and mode");
	tap_ok(&t, brul_scenario_block(&w, 6,
	    brul_days_from_civil(2026, 2, 3)) == &w.scenarios[1] &&
	    brul_scenario_block(&w, 6, brul_days_from_civil(2026, 2, 4)) == NULL,
	    "and strikes on its day only");
	tap_ok(&t, brul_scenario_add(&w, "hvac,site=NOPE,start=2026-02-01T00:00:00Z,"
	    "duration=1h", &e) < 0 && strstr(e.msg, "no site NOPE in the fleet "
	    "(TST)") != NULL, "an unknown site is refused, naming the sites");
	tap_ok(&t, brul_scenario_add(&w, "runaway,slot=99,fail=2026-02-01T00:00:00Z",
	    &e) < 0 && strstr(e.msg, "slot 99 is not in the fleet (slots 1-24)") !=
	    NULL, "a slot outside the fleet is refused");
	tap_ok(&t, brul_scenario_add(&w, "runaway,battery=B9999-1,"
	    "fail=2026-02-01T00:00:00Z", &e) < 0 && strstr(e.msg, "battery "
	    "B9999-1 is not in the fleet (slots 1-24)") != NULL,
	    "a battery outside the fleet is said to be so, not to be missing");
	tap_ok(&t, brul_scenario_add(&w, "runaway,battery=B0003,"
	    "fail=2026-02-01T00:00:00Z", &e) < 0 && strstr(e.msg, "battery: "
	    "expected a battery id") != NULL, "a malformed battery id");
	tap_ok(&t, brul_scenario_add(&w, "runaway,battery=B0003-1,"
	    "start=2026-02-01T00:00:00Z", &e) == 0 && w.scenarios[2].start ==
	    brul_days_from_civil(2026, 2, 1) * BRUL_DAY + 36 * 3600,
	    "a runaway's start is when it begins: it fails 36 h later");
	tap_ok(&t, brul_scenario_add(&w, "runaway,battery=B0003-1,"
	    "start=2026-02-01T00:00:00Z,fail=2026-02-02T00:00:00Z", &e) < 0 &&
	    strstr(e.msg, "not both") != NULL, "start= or fail=, not both");
	tap_ok(&t, brul_scenario_add(&w, "failure,slot=3,"
	    "start=2026-02-01T00:00:00Z", &e) < 0 && strstr(e.msg, "failure "
	    "takes slot=, battery=, fail=, mode=; not start=") != NULL,
	    "a failure is given by when it fails");
	tap_ok(&t, brul_scenario_add(&w, "outage,site=TST,start=2026-02-01T00:00:00Z,"
	    "duraton=3h", &e) < 0 && strstr(e.msg, "; not duraton=") != NULL,
	    "a misspelt key is refused, not passed over");
	tap_ok(&t, brul_scenario_add(&w, "flood,site=TST", &e) < 0 &&
	    strstr(e.msg, "unknown kind") != NULL, "an unknown kind is refused");
	tap_ok(&t, brul_scenario_add(&w, "outage,site=TST,start=2026-02-01T00:00:00Z",
	    &e) < 0 && strstr(e.msg, "duration") != NULL,
	    "an outage needs a duration");
	return tap_done(&t);
}

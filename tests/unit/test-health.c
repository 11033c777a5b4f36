/* test-health.c: the state of health from the ohmic resistance against
 * the block's baseline (twin/health.h): the published relation's points,
 * the standard deviation's parts, fusion with a discharge's capacity, and
 * when a band is unknown. */
#include <math.h>
#include <string.h>

#include "tap.h"
#include "twin/health.h"

int
main(void)
{
	struct tap t = { 0 };
	double soh, sd, osd;

	tap_ok(&t, brul_health_ohmic(4, 0, 4, &soh, &sd) == 0,
	    "a reading and a baseline: an estimate");
	tap_near(&t, soh, 100, 1e-12, "no rise: rated capacity");
	tap_near(&t, sd, hypot(BRUL_HEALTH_NEW_SD_PCT, 40 * 0.02), 1e-9,
	    "no rise: the new blocks' spread and the baseline's noise");
	brul_health_ohmic(6, 0, 4, &soh, &sd);
	tap_near(&t, soh, 80, 1e-9,
	    "a rise of 50 % is the end of life, 80 % (IEEE 1188)");
	tap_near(&t, sd, sqrt(pow(BRUL_HEALTH_NEW_SD_PCT, 2) + 16 +
	    pow(40.0 / 4 * 0.02 * 6, 2)), 1e-9,
	    "at the end of life: the slope's 20 % of the 20-point loss too");
	brul_health_ohmic(4.8, 0, 4, &soh, &sd);
	tap_near(&t, soh, 92, 1e-9, "a rise of 20 % is 8 points: linear");
	brul_health_ohmic(3.8, 0, 4, &soh, &sd);
	tap_near(&t, soh, 100, 1e-12,
	    "under the baseline is noise, not better than new");
	brul_health_ohmic(40, 0, 4, &soh, &sd);
	tap_near(&t, soh, 0, 1e-12, "a failed block's estimate stops at 0");
	brul_health_ohmic(4, 1.2, 4, &soh, &sd);
	tap_ok(&t, sd > 10, "an uncertain reading (30 %): over 10 points");
	tap_ok(&t, brul_health_ohmic(NAN, 0, 4, &soh, &sd) == -1 &&
	    isnan(soh) && isnan(sd), "no reading: -1, NaN");
	tap_ok(&t, brul_health_ohmic(4, 0, 0, &soh, &sd) == -1,
	    "no baseline: -1");

	brul_health_ohmic(5, 0, 4, &soh, &osd);
	brul_health_estimate(5, 0, 4, NAN, NAN, &soh, &sd);
	tap_near(&t, soh, 90, 1e-9, "no discharge: the ohmic estimate");
	tap_near(&t, sd, osd, 1e-12, "no discharge: its standard deviation");
	brul_health_estimate(5, 0, 4, 84, osd, &soh, &sd);
	tap_near(&t, soh, 87, 1e-9, "equal variances: the mean");
	tap_near(&t, sd, osd / sqrt(2), 1e-9, "and sd over root 2");
	brul_health_estimate(NAN, 0, 4, 84, 1, &soh, &sd);
	tap_near(&t, soh, 84, 1e-12, "no reading: the discharge's capacity");
	brul_health_estimate(4, 0, 4, 150, 1, &soh, &sd);
	tap_ok(&t, soh <= 110, "never far over rated");

	tap_ok(&t, brul_health_known(92, 5), "sd 5: the band is known");
	tap_ok(&t, !brul_health_known(92, 5.01), "over 5: unknown");
	tap_ok(&t, brul_health_known(60, 15),
	    "surely below 80, however wide: known");
	tap_ok(&t, !brul_health_known(70, 10.5), "may be 80 or over: unknown");
	tap_ok(&t, !brul_health_known(NAN, 1), "no estimate: unknown");
	tap_streq(&t, BRUL_HEALTH_KNOWN_SQL("w"),
	    "(w.soh_pct IS NOT NULL AND w.soh_sd_pct IS NOT NULL AND "
	    "(w.soh_sd_pct <= 5.0 OR w.soh_pct + w.soh_sd_pct < 80.0))",
	    "the SQL says the same");
	return tap_done(&t);
}

/*
 * health.c: see health.h.
 */
#include <math.h>

#include "twin/fusion.h"
#include "twin/health.h"

#define SOH_MIN	0.0
#define SOH_MAX	110.0	/* new blocks give a few % over rated */

int
brul_health_ohmic(double r25, double r25_sd, double base, double *soh,
		  double *sd)
{
	double rise, loss, meas, slope;

	*soh = *sd = NAN;
	if (!(r25 > 0) || !(base > 0) || !(r25_sd >= 0))
		return -1;
	/* A reading under the baseline is the tester's noise, not a block
	 * better than new. */
	rise = r25 / base - 1;
	if (rise < 0)
		rise = 0;
	loss = BRUL_HEALTH_PTS_PER_RISE * rise;
	/* The reading's and the baseline's noise, through the slope. */
	meas = BRUL_HEALTH_PTS_PER_RISE / base *
	    hypot(r25_sd, BRUL_HEALTH_BASE_SD * r25);
	slope = BRUL_HEALTH_SLOPE_SD * loss;
	*soh = 100 - loss;
	if (*soh < SOH_MIN)
		*soh = SOH_MIN;
	*sd = sqrt(BRUL_HEALTH_NEW_SD_PCT * BRUL_HEALTH_NEW_SD_PCT +
	    slope * slope + meas * meas);
	return 0;
}

void
brul_health_estimate(double r25, double r25_sd, double base, double cap_soh,
		     double cap_sd, double *soh, double *sd)
{
	double o, osd;

	brul_health_ohmic(r25, r25_sd, base, &o, &osd);
	brul_fuse(o, osd, cap_soh, cap_sd, soh, sd);
	if (*soh > SOH_MAX)
		*soh = SOH_MAX;
}

int
brul_health_known(double soh, double sd)
{
	return !isnan(soh) && !isnan(sd) &&
	    (sd <= BRUL_HEALTH_UNKNOWN_SD_PCT ||
	     soh + sd < BRUL_VRLA_EOL_SOH_PCT);
}

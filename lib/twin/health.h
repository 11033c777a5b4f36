/*
 * health.h: a block's state of health from what is measured every day,
 * its ohmic resistance against its own commissioning baseline, combined
 * with the capacity a discharge showed when there was one.
 *
 * Resistance and capacity are tied by the relation published for VRLA
 * blocks and used by IEEE 1188 and IEEE 1491: capacity falls as the
 * ohmic resistance rises over the block's baseline, about linearly (the
 * correlation studies of conductance and resistance against capacity
 * tests), and a rise of 50 % (BRUL_VRLA_EOL_R_RATIO) means about the end
 * of life, 80 % of rated (BRUL_VRLA_EOL_SOH_PCT).  So each point of
 * resistance rise is BRUL_HEALTH_PTS_PER_RISE points of capacity; the
 * slope differs from block to block and type to type (the guidance's
 * 20-50 % band), which the standard deviation carries.
 *
 * Ownership: plain functions of their arguments; nothing is kept.
 */
#ifndef BRUL_HEALTH_H
#define BRUL_HEALTH_H

#include "battery/vrla.h"

/* Points of state of health lost per unit of resistance rise (R over
 * baseline, minus 1): 20 points at a rise of 0.5. */
#define BRUL_HEALTH_PTS_PER_RISE \
	((100 - BRUL_VRLA_EOL_SOH_PCT) / (BRUL_VRLA_EOL_R_RATIO - 1))
/* A block with no rise: rated capacity, give or take the spread of new
 * blocks (points). */
#define BRUL_HEALTH_NEW_SD_PCT	1.5
/* The slope's relative standard deviation, block to block. */
#define BRUL_HEALTH_SLOPE_SD	0.2
/* The ohmic tester's repeatability, of the reading, that the baseline
 * carries too. */
#define BRUL_HEALTH_BASE_SD	0.02
/* Over this standard deviation (points) the estimate cannot tell a block's
 * 5-point band: its band is unknown, unless it is below the end of life
 * even at one standard deviation above. */
#define BRUL_HEALTH_UNKNOWN_SD_PCT 5.0

/* The same rule as brul_health_known, in SQL over the columns soh_pct and
 * soh_sd_pct of alias A: the API's bands go by it. */
#define BRUL_HEALTH_STR_(x)	#x
#define BRUL_HEALTH_STR(x)	BRUL_HEALTH_STR_(x)
#define BRUL_HEALTH_KNOWN_SQL(A) \
	"(" A ".soh_pct IS NOT NULL AND " A ".soh_sd_pct IS NOT NULL AND (" \
	A ".soh_sd_pct <= " BRUL_HEALTH_STR(BRUL_HEALTH_UNKNOWN_SD_PCT) \
	" OR " A ".soh_pct + " A ".soh_sd_pct < " \
	BRUL_HEALTH_STR(BRUL_VRLA_EOL_SOH_PCT) "))"

/* The state of health (percent of rated) and its standard deviation from
 * r25 (the block's ohmic resistance at 25 degC, mOhm, standard deviation
 * r25_sd) against its commissioning baseline base (mOhm at 25 degC): 0;
 * -1 (both NaN) when a value is missing or not above 0. */
int brul_health_ohmic(double r25, double r25_sd, double base, double *soh,
		      double *sd);
/* The ohmic estimate fused by inverse variance with a discharge's
 * capacity estimate cap_soh (sd cap_sd; NaN when no discharge told it). */
void brul_health_estimate(double r25, double r25_sd, double base,
			  double cap_soh, double cap_sd, double *soh,
			  double *sd);
/* Whether the estimate tells the block's band: 1, or 0 (unknown). */
int brul_health_known(double soh, double sd);

#endif

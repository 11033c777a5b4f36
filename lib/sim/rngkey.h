/*
 * rngkey.h: the purposes of the simulator's random streams.
 *
 * Each draw is brul_rng_at(brul_rng_key(seed, purpose, entity, generation),
 * counter): one stream per purpose and entity, so that adding a draw for one
 * purpose never shifts another.  Values are part of the output's definition:
 * changing one changes every dataset.
 */
#ifndef BRUL_RNGKEY_H
#define BRUL_RNGKEY_H

enum brul_key {
	BRUL_KEY_SYSTEM = 1,	/* system set points and loads */
	BRUL_KEY_STRING,	/* string install date, model, test time */
	BRUL_KEY_BLOCK,		/* a block's manufacturing and life parameters */
	BRUL_KEY_HAZARD,	/* a block's sudden failures, per day */
	BRUL_KEY_REPLACE,	/* operator delays */
	BRUL_KEY_OUTAGE,	/* grid outages of a site, per day */
	BRUL_KEY_WEATHER,	/* daily weather anomaly of a region */
	BRUL_KEY_HVAC,		/* HVAC faults of a site, per day */
	BRUL_KEY_SENSOR,	/* dropouts and stuck sensors, per block and day */
	BRUL_KEY_NOISE,		/* measurement noise, per block and minute */
	BRUL_KEY_STRING_NOISE	/* string-level measurement noise */
};

#endif

/*
 * climate.h: outdoor temperature at the fleet's sites.
 *
 * Outdoor temperature = the region's monthly normal (interpolated between
 * mid-month values) + a daily weather anomaly shared by the region's sites
 * (a moving average of seeded normals: smooth, stateless, about 1.3 degC sd)
 * + a diurnal cycle peaking at 15:00 local time (UTC+7).  Stateless: any
 * time can be asked in any order, which is what lets the simulator run the
 * same weather before, inside and after the emitted window.
 */
#ifndef BRUL_CLIMATE_H
#define BRUL_CLIMATE_H

#include <stdint.h>
#include "sim/fleet.h"

#define BRUL_UTC_OFFSET (7 * 3600)	/* Asia/Bangkok, no DST */

/* Daily mean outdoor temperature of region r on day (days since epoch). */
double brul_climate_day_mean(const struct brul_fleet *f, int region,
			     int64_t day);
/* Outdoor temperature of region r at time t (seconds since epoch). */
double brul_climate_outdoor(const struct brul_fleet *f, int region, int64_t t);

#endif

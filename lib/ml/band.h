/*
 * band.h: the bands of remaining useful life that brul reports and
 * calibrates by: 0-90, 90-180, 180-365 and over 365 days.
 *
 * A band holds its lower bound, not its upper: 90 days is in 90-180.
 */
#ifndef BRUL_BAND_H
#define BRUL_BAND_H

#define BRUL_BANDS 4

/* The band of a RUL in days (a negative one is in the first). */
static inline int
brul_band(double rul_days)
{
	return rul_days < 90 ? 0 : rul_days < 180 ? 1 : rul_days < 365 ? 2 : 3;
}

/* "0-90", "90-180", "180-365", "365+" */
const char *brul_band_name(int band);

#endif

/* test-climate.c: outdoor temperature by region, season and hour. */
#include <math.h>

#include "core/timefmt.h"
#include "sim/climate.h"
#include "tap.h"

int
main(void)
{
	struct tap t = { 0 };
	struct brul_region reg = { .name = "central",
	    .t_month = { 27.0, 28.5, 29.5, 30.5, 30.0, 29.5, 29.0, 29.0, 28.5,
	    28.0, 27.5, 26.5 }, .diurnal_c = 4.5 };
	struct brul_fleet f = { .regions = &reg, .nregions = 1, .seed = 11 };
	int64_t jan = brul_days_from_civil(2026, 1, 1);
	double sum = 0, sum2 = 0, hot = 0, cool = 0, warmest_h = -1, warmest = -99;
	int n = 0;

	/* Over ten years the daily means follow the monthly normals and the
	 * weather anomaly has about 1.3 degC spread. */
	for (int64_t d = jan; d < jan + 3652; d++) {
		int64_t y; int m, dd;
		double x = brul_climate_day_mean(&f, 0, d);

		brul_civil_from_days(d, &y, &m, &dd);
		if (dd == 15) {
			double a = x - reg.t_month[m - 1];

			sum += a;
			sum2 += a * a;
			n++;
		}
		if (m == 4)
			hot += x / 300.0;
		if (m == 12)
			cool += x / 310.0;
	}
	tap_near(&t, sum / n, 0, 0.5, "mid-month means match the normals");
	tap_near(&t, sqrt(sum2 / n), 1.3, 0.4, "the weather anomaly spreads about 1.3 degC");
	tap_ok(&t, hot > cool + 3, "April is hotter than December");

	/* The daily cycle peaks mid-afternoon, Bangkok time (08:00 UTC). */
	for (int h = 0; h < 24; h++) {
		double s = 0;

		for (int64_t d = jan; d < jan + 365; d++)
			s += brul_climate_outdoor(&f, 0, d * BRUL_DAY + h * 3600);
		if (s > warmest) {
			warmest = s;
			warmest_h = h;
		}
	}
	tap_near(&t, warmest_h, 8, 0.5, "the warmest hour is 15:00 local, 08:00 UTC");
	/* Continuity: no jumps between minutes, across midnight either. */
	{
		double worst = 0, prev = brul_climate_outdoor(&f, 0, jan * BRUL_DAY);

		for (int64_t s = jan * BRUL_DAY + 60; s < (jan + 30) * BRUL_DAY; s += 60) {
			double x = brul_climate_outdoor(&f, 0, s);

			if (fabs(x - prev) > worst)
				worst = fabs(x - prev);
			prev = x;
		}
		tap_ok(&t, worst < 0.05, "temperature moves less than 0.05 degC a minute");
	}
	tap_near(&t, brul_climate_outdoor(&f, 0, 1800000000),
	    brul_climate_outdoor(&f, 0, 1800000000), 0, "a pure function of time");
	return tap_done(&t);
}

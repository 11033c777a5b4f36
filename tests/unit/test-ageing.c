/* test-ageing.c: the block ageing model (ageing.h) against its rules:
 * Arrhenius, end of life at a = L, resistance near +50 % at end of life,
 * hazards per unit of time. */
#include <math.h>
#include <stdlib.h>

#include "sim/ageing.h"
#include "tap.h"

static struct brul_block
block(void)
{
	struct brul_block b = {
		.model = 0, .wear = BRUL_WEAR_CORROSION, .c0 = 1.02,
		.life_years = 7.0, .theta_c = 8.5, .p = 1.8,
		.rbase_mohm = 3.6, .k_r = 0.5, .float_mult = 1,
		.t_offset_c = 0.5,
	};

	return b;
}

static double
years_to_eol(const struct brul_block *b, double temp_c)
{
	struct brul_age a = { 0 };
	int days = 0;

	while (brul_block_capacity(b, &a) >= 0.80 && days < 40 * 366) {
		brul_block_age_day(b, &a, temp_c, 0, 0.2);
		days++;
	}
	return days / 365.25;
}

int
main(void)
{
	struct tap t = { 0 };
	struct brul_block b = block();
	struct brul_age a = { 0 };
	double y25, y33, y35;

	tap_near(&t, brul_block_capacity(&b, &a), 1.02, 1e-12,
	    "a new block has its manufactured capacity");
	tap_near(&t, brul_block_r0(&b, &a), 3.6, 1e-12,
	    "a new block has its baseline resistance");
	a.a_eq = b.life_years;
	tap_near(&t, brul_block_capacity(&b, &a), 0.80, 1e-12,
	    "capacity is 80 % exactly at the float life");
	tap_near(&t, brul_block_r0(&b, &a) / 3.6, 1.5, 1e-9,
	    "resistance is +50 % at end of life (corrosion)");

	y25 = years_to_eol(&b, 25.0);
	y33 = years_to_eol(&b, 33.0);
	y35 = years_to_eol(&b, 35.0);
	tap_near(&t, y25, 7.0, 0.01, "at 25 degC the block lasts its float life");
	tap_near(&t, y25 / y33, exp2(8.0 / 8.5), 0.01,
	    "8 degC hotter: life shortened by 2^(8/theta)");
	tap_ok(&t, y25 / y35 > 2.0 && y25 / y35 < 2.4,
	    "10 degC hotter: life about halved or less (theta 8.5)");

	/* Cycling wears: a day with a full-depth discharge adds L/300. */
	{
		struct brul_age x = { 0 }, y = { 0 };

		brul_block_age_day(&b, &x, 25, 0, 0.2);
		brul_block_age_day(&b, &y, 25, 10, 0.2);
		tap_near(&t, (y.a_eq - x.a_eq) / (b.life_years / 300),
		    pow(0.9, 1.3), 1e-9,
		    "a discharge to autonomy (90 % DoD) costs 0.9^1.3 cycles");
	}

	/* Dry-out shows in float current, sulfation in float voltage. */
	{
		struct brul_block d = block(), s = block();
		struct brul_age half = { .a_eq = 7.0 };	/* end of life */

		d.wear = BRUL_WEAR_DRY_OUT;
		s.wear = BRUL_WEAR_SULFATION;
		tap_ok(&t, brul_block_float_mult(&d, &half) >
		    1.5 * brul_block_float_mult(&b, &half),
		    "dry-out raises float current more than corrosion");
		tap_ok(&t, brul_block_float_offset(&s, &half) < -0.03 &&
		    brul_block_float_offset(&b, &half) == 0,
		    "sulfation lowers float voltage");
	}

	/* Hazards: per day, so the yearly count follows the rate.  A fleet
	 * of 20000 block-years at 25 degC, new: open 0.4 %, short 0.2 %,
	 * runaway 0.05 % a year. */
	{
		struct brul_fleet f = { .seed = 42 };
		struct brul_age n = { 0 };
		int counts[4] = { 0 };
		int64_t when, bad_time = 0;

		for (int slot = 0; slot < 20000; slot++)
			for (int64_t day = 20000; day < 20365; day++) {
				enum brul_failure k = brul_block_hazard(&b, &n,
				    &f, slot, 1, day, 25.0, &when);

				counts[k]++;
				if (k != BRUL_FAIL_NONE && (when / 86400 != day ||
				    when % 60 != 0))
					bad_time++;
			}
		tap_near(&t, counts[BRUL_FAIL_OPEN_CELL], 80, 4 * sqrt(80),
		    "open cells at 0.4 %/year");
		tap_near(&t, counts[BRUL_FAIL_SHORT_CELL], 40, 4 * sqrt(40),
		    "shorted cells at 0.2 %/year");
		tap_near(&t, counts[BRUL_FAIL_THERMAL_RUNAWAY], 10,
		    4 * sqrt(10), "thermal runaways at 0.05 %/year at 25 degC");
		tap_ok(&t, bad_time == 0,
		    "a failure falls on a whole minute of its own day");
	}
	return tap_done(&t);
}

/*
 * ecmfit.h: identifying a block's circuit (ecm.h) from its discharges, by
 * least squares on the voltage under load.
 *
 * With the two time constants fixed, the circuit's voltage is linear in
 * seven unknowns: the rest voltage empty (a), its rise to full (b) and the
 * curve's bow (w), R0, the two polarisation resistances R1 and R2, and the
 * end-of-discharge coefficient k:
 *
 *   v = a + b soc + w 4 soc (1 - soc) + R0 i + R1 g1 + R2 g2 - k c / soc^2
 *       (+ k_T (T - 25))
 *
 * where g1 and g2 are the current filtered through each time constant and
 * soc is counted down from where the discharge started: full (it follows
 * float; what a charger puts back is counted back), or, after a rest of
 * half an hour or more, the rest voltage on the prior's open-circuit curve
 * (a log may start part-charged) down to the usable capacity, which is not
 * known either.  A discharge the log begins in, with nothing before it
 * (float, a charge, a rest) to say where it started, is left out.  The
 * capacity is tried on a grid too, and the end-of-discharge knee tells it.
 * The bow is fitted only where the discharges crossed 70 % of the rated
 * capacity (half a discharge cannot tell a bow from the knee and the
 * line); otherwise the prior's, the model's, holds.  Until a discharge
 * reached the knee (1.8 V a cell under load), the curve's span and the
 * capacity trade off, only their ratio showing: the span is the model's
 * unless no physical circuit holds it.  The time constants
 * tried are the prior's, a third of it and three times it.  R0 is fitted
 * only when the current varies enough to tell it from the rest voltage (a
 * constant-power discharge does not); otherwise it is held at the block's
 * latest ohmic reading, else at the baseline it was given.  The normal
 * equations are summed as the samples stream by, for each pair of time
 * constants on a grid, and the pair with the least squared error wins:
 * memory per battery, never per sample.  A logger's glitch under load
 * (glitch.h) is left out, as a missing voltage is.
 *
 * Ownership: struct brul_ecmfit is plain storage.
 */
#ifndef BRUL_ECMFIT_H
#define BRUL_ECMFIT_H

#include <stdint.h>

#include "twin/ecm.h"
#include "twin/glitch.h"

#define BRUL_FIT_TAU1 3
#define BRUL_FIT_TAU2 3
#define BRUL_FIT_CAP 21		/* capacities tried: 60 % to 110 % of rated */
#define BRUL_FIT_P 7
#define BRUL_FIT_REST_S 1800	/* a rest this long before a discharge
				 * tells where it starts */

struct brul_ecmfit {
	const struct brul_ecm *prior;	/* temperature terms, charge_eff */
	double cap_ah;			/* rated capacity */
	double xtx[BRUL_FIT_TAU1][BRUL_FIT_TAU2][BRUL_FIT_CAP][BRUL_FIT_P]
	    [BRUL_FIT_P];
	double xty[BRUL_FIT_TAU1][BRUL_FIT_TAU2][BRUL_FIT_CAP][BRUL_FIT_P];
	double yty[BRUL_FIT_TAU1][BRUL_FIT_TAU2][BRUL_FIT_CAP];
	double g1[BRUL_FIT_TAU1], g2[BRUL_FIT_TAU2];
	double ah;			/* removed since full, at 25 degC */
	char short_of[BRUL_FIT_CAP];	/* a discharge went past it */
	long nq[BRUL_FIT_CAP];		/* samples summed for each */
	double smin, smax;		/* the charge they span, at the rated
					 * capacity */
	int knee_seen;			/* a discharge reached the knee */
	double last_i, last_t;		/* stand-ins for missing values */
	struct brul_glitch glitch;	/* the logger's, under load */
	double r0_mohm;			/* the reading or baseline held */
	double si, sii;			/* of the discharge current */
	double rest_v, rest_s;		/* the last rest voltage (25 degC), and
					 * for how long the block has rested */
	double soc0, ah_dis;		/* where this discharge started (NaN:
					 * counted from full), and removed
					 * since, at 25 degC */
	int64_t ts;
	int in_discharge;
	int blind;			/* in a discharge the log began in */
	long n;				/* samples used */
	int discharges;
};

/* Starts a fit for a block of rated capacity cap_ah and baseline R0 (25
 * degC), whose other parameters come from prior. */
void brul_ecmfit_init(struct brul_ecmfit *f, const struct brul_ecm *prior,
		      double cap_ah, double r0_mohm);
/* One sample (ascending time; current > 0 charges; NaN voltage skipped;
 * r_mohm an ohmic reading at temp_c, or NaN). */
void brul_ecmfit_add(struct brul_ecmfit *f, int64_t ts, double i_a,
		     double v, double temp_c, double r_mohm);
/* The fitted circuit into *out (prior's for what is not fitted), R0 at
 * 25 degC (mOhm) and the usable capacity (Ah), with the voltage RMSE of
 * the fit.  0; -1 when there
 * were too few discharge samples (fewer than 30); -2 when no pair of time
 * constants gave a physical circuit (a resistance or the knee below 0,
 * the rest voltage not rising with charge); -3 when a discharge took
 * more than the largest capacity tried (110 % of rated): the rated
 * capacity it was given is too small. */
int brul_ecmfit_solve(const struct brul_ecmfit *f, struct brul_ecm *out,
		      double *r0_mohm, double *cap_ah, double *rmse_v);

#endif

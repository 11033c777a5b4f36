/*
 * twin.h: one block's digital twin: its equivalent circuit (ecm.h) tracked
 * by an extended Kalman filter (ekf.h) over voltage, current and
 * temperature, with the daily ohmic readings when there are some.
 *
 * The state: state of charge, the two RC voltages, R0 at 25 degC (mOhm)
 * and the usable capacity at 25 degC (Ah), estimated jointly, so that the
 * state of health (capacity over rated) comes out of the data: it moves
 * when a discharge shows how many ampere-hours a fall in voltage took.
 * Before any discharge it stays at its prior, rated capacity, with a wide
 * standard deviation that says so; the state of health a step reports is
 * then the ohmic resistance's against the baseline (health.h), fused with
 * the capacity once a discharge has told it.
 *
 * The voltage is a measurement of the circuit only when the battery drives
 * it: discharging, or at rest.  While a charger holds the string (float,
 * boost, equalize), the block's voltage is the charger's, not the
 * circuit's: then the twin counts charge in (boost) or lets the state of
 * charge settle to full (float), and makes no voltage update; nor for a
 * logger's glitch under load (glitch.h).
 *
 * At the end of each discharge (when a charger takes the voltage back) the
 * state of health is a point of the block's health trend (fusion.h); two
 * such points a month or more apart give a remaining useful life.
 *
 * Ownership: struct brul_twin is plain storage.
 */
#ifndef BRUL_TWIN_H
#define BRUL_TWIN_H

#include <stdint.h>

#include "twin/ecm.h"
#include "twin/ekf.h"
#include "twin/fusion.h"
#include "twin/glitch.h"

enum { BRUL_TW_SOC, BRUL_TW_V1, BRUL_TW_V2, BRUL_TW_R0, BRUL_TW_Q, BRUL_TW_N };

struct brul_twin {
	const struct brul_ecm *m;
	double cap_rated_ah;
	double r0_base;		/* the commissioning baseline, mOhm */
	struct brul_ekf f;
	int64_t ts;		/* of the last step; INT64_MIN before any */
	double last_i, last_t;	/* the last current and temperature read */
	struct brul_trend trend;	/* its health after each discharge */
	int driving, discharged;	/* the battery sets the voltage; and
					 * has discharged since it took over */
	int cap_fitted;		/* its capacity comes from a --fit of its
				 * own discharges, not from the rating */
	int ts_first;		/* no sample yet: the first may set the
				 * state of charge (a log may start
				 * part-charged) */
	double relax_v;		/* the overpotential the last discharge
				 * ended with, fading over the rest: how
				 * far the rest voltage may yet be from
				 * the curve, V */
	struct brul_glitch glitch;	/* the logger's, under load */
	double misfit_v2;	/* the circuit's misfit while the block
				 * discharges: a running mean of the
				 * innovations' square beyond their
				 * predicted variance, V^2; the float
				 * forgets it as it fills the block */
};

/* What one step says about the block. */
struct brul_twin_out {
	/* soc_sd_pct: the filter's, with what the circuit's misfit leaves
	 * unknown (brul_twin_soc_var). */
	double soc_pct, soc_sd_pct, soh_pct, soh_sd_pct;
	double r0_mohm;		/* at the block's present temperature */
	double v_pred_v;	/* the circuit's voltage before the update;
				 * NaN while a charger holds the voltage */
	double residual_v;	/* measured minus predicted, or NaN */
	double score;		/* the residual over its predicted standard
				 * deviation (normalised innovation), or NaN */
	double rul_days, rul_sd_days;	/* along the health trend, or NaN */
};

/* A fresh twin: full (until its first sample, when the block drives its
 * voltage then, reads the state of charge off the open-circuit curve), no
 * polarisation, R0 from r0_mohm (the commissioning
 * baseline at 25 degC; +-30 %), capacity rated (+-15 %). */
void brul_twin_init(struct brul_twin *t, const struct brul_ecm *m,
		    double cap_rated_ah, double r0_mohm);
/* One sample at ts: the string current (A, > 0 charges), the block's
 * voltage and temperature (NaN when missing: the last current and
 * temperature read stand in, and a sample without current or voltage
 * updates nothing) and an ohmic reading (mOhm at the block's temperature;
 * NaN when none; not above 0 is passed over).  Samples must come in
 * ascending time; a repeated instant is ignored (returns 0).  1, with out
 * filled. */
int brul_twin_step(struct brul_twin *t, int64_t ts, double i_a, double v,
		   double temp_c, double r_mohm, struct brul_twin_out *out);

/* The variance of t's state of charge: the filter's, and what the
 * circuit's misfit during discharges leaves unknown (fraction^2). */
double brul_twin_soc_var(const struct brul_twin *t);

/* P = F P F' + diag(q) for the twin's F: the identity but for F[SOC][SOC]
 * = f00, F[SOC][Q] = f04, F[V1][V1] = e1, F[V1][R0] = f13, F[V2][V2] =
 * e2, F[V2][R0] = f23.  brul_ekf_predict's result, in a tenth of the
 * work (exposed for the tests that say so). */
void brul_twin_predict_cov(double P[][BRUL_EKF_MAX], double f00, double f04,
			   double e1, double f13, double e2, double f23,
			   const double *q);

#endif

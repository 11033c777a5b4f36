/*
 * twin.c: see twin.h.
 */
#include <math.h>
#include <string.h>

#include "twin/glitch.h"
#include "twin/health.h"
#include "twin/twin.h"

/* Process noise per minute (standard deviations), and measurement noise. */
#define Q_SOC	2e-4		/* fraction */
#define Q_RC	2e-3		/* V */
#define Q_R0	2e-3		/* mOhm */
#define Q_CAP	1e-4		/* of the rated capacity: a 9 Ah block
				 * drifts no faster, in share, than a 100 Ah one */
#define R_V	0.004		/* V: sensor and model together */
#define R_REST	0.1		/* V: at rest, the block's own OCV offset and
				 * the slow relaxation dominate */
#define RELAX_TAU_S	14400.0	/* the four hours' rest a rest voltage
				 * wants before it tells the charge */
#define RELAX_GONE_V	1e-6	/* beneath any voltmeter's notice */
#define MISFIT_TAU_S	3600.0	/* of discharge: the misfit's memory */
#define SOC_VAR_MAX	(1.0 / 12)	/* uniform from empty to full */
#define R_OHM	0.02		/* of the reading: the tester's repeatability */

#define GATE_Z		6.0	/* at rest, a residual beyond this many
				 * standard deviations is not the circuit's */
#define DISCHARGE_A	(-0.2)	/* below: the battery drives the load */
#define BOOST_C		0.02	/* above, of C: a charger recharging it */
#define FLOAT_TAU_S	21600.0	/* float brings a block back to full */
#define CAP_MAX		1.2	/* of rated: a new block's most */
#define MAX_DT_S	3600	/* longer gaps: the state has settled */

static double
clampd(double x, double lo, double hi)
{
	return x < lo ? lo : x > hi ? hi : x;
}

void
brul_twin_init(struct brul_twin *t, const struct brul_ecm *m,
	       double cap_rated_ah, double r0_mohm)
{
	struct brul_ekf *f = &t->f;

	memset(t, 0, sizeof *t);
	t->m = m;
	t->cap_rated_ah = cap_rated_ah;
	t->r0_base = r0_mohm;
	t->ts = INT64_MIN;
	t->ts_first = 1;
	t->last_i = 0;
	t->last_t = 25;
	brul_glitch_init(&t->glitch);
	f->n = BRUL_TW_N;
	f->x[BRUL_TW_SOC] = 1;
	f->x[BRUL_TW_R0] = r0_mohm;
	f->x[BRUL_TW_Q] = cap_rated_ah;
	f->P[BRUL_TW_SOC][BRUL_TW_SOC] = 0.05 * 0.05;
	f->P[BRUL_TW_V1][BRUL_TW_V1] = 0.01 * 0.01;
	f->P[BRUL_TW_V2][BRUL_TW_V2] = 0.01 * 0.01;
	f->P[BRUL_TW_R0][BRUL_TW_R0] = 0.09 * r0_mohm * r0_mohm;
	f->P[BRUL_TW_Q][BRUL_TW_Q] = 0.0225 * cap_rated_ah * cap_rated_ah;
}

void
brul_twin_predict_cov(double P[][BRUL_EKF_MAX], double f00, double f04,
		      double e1, double f13, double e2, double f23,
		      const double *q)
{
	double A[BRUL_TW_N][BRUL_TW_N];

	/* A = F P, then P = A F' + Q, F's pattern written out: the filter
	 * runs this for every sample. */
	for (int j = 0; j < BRUL_TW_N; j++) {
		A[0][j] = f00 * P[0][j] + f04 * P[4][j];
		A[1][j] = e1 * P[1][j] + f13 * P[3][j];
		A[2][j] = e2 * P[2][j] + f23 * P[3][j];
		A[3][j] = P[3][j];
		A[4][j] = P[4][j];
	}
	for (int i = 0; i < BRUL_TW_N; i++) {
		double r[BRUL_TW_N];

		r[0] = f00 * A[i][0] + f04 * A[i][4];
		r[1] = e1 * A[i][1] + f13 * A[i][3];
		r[2] = e2 * A[i][2] + f23 * A[i][3];
		r[3] = A[i][3];
		r[4] = A[i][4];
		for (int j = 0; j <= i; j++)
			P[i][j] = P[j][i] = r[j] + (i == j ? q[i] : 0);
	}
}

/*
 * A twin's first sample, at rest below full: a log or a feed may start
 * part-charged, so the state of charge is read off the open-circuit curve
 * (v less what the sensor's current drops across R0), as uncertain as the
 * curve's own spread (R_REST) over its slope.  Under load the
 * polarisation's history is unknown: the prior stays, and the voltage
 * updates move it.
 */
static void
init_from_rest(struct brul_twin *t, double i, double v, double temp,
	       double gr)
{
	const struct brul_ecm *m = t->m;
	double *x = t->f.x, sd;

	x[BRUL_TW_SOC] = clampd(brul_ecm_soc_at(m, v - i * x[BRUL_TW_R0] *
	    gr / 1000, temp), 0, 1);
	sd = R_REST / brul_ecm_ocv_slope(m, x[BRUL_TW_SOC]);
	t->f.P[BRUL_TW_SOC][BRUL_TW_SOC] = sd * sd;
}

/*
 * A circuit that fits the block leaves innovations of the size the filter
 * predicts; one that does not (a real block's polarisation and curve are
 * never quite the model's) leaves more, and the filter, trusting its
 * circuit, stays as sure of the state of charge as on the simulator.
 * What the innovations exceed their predicted variance by, on average
 * over the last hour or so of discharge, is the circuit's misfit: the
 * state of charge read through it is that much less certain.
 */
static void
track_misfit(struct brul_twin *t, double excess_v2, double dt)
{
	double w = dt / MISFIT_TAU_S;

	t->misfit_v2 += (w < 1 ? w : 1) * (excess_v2 - t->misfit_v2);
}

double
brul_twin_soc_var(const struct brul_twin *t)
{
	const struct brul_ecm *m = t->m;
	double mis = t->misfit_v2 > 0 ? t->misfit_v2 : 0;
	double span = m->ocv_full_v - m->ocv_empty_v;
	double slope = brul_ecm_ocv_slope(m, t->f.x[BRUL_TW_SOC]);
	double var;

	/* A bowed curve flattens towards its ends; the misfit is read
	 * through no less than half the straight line's slope. */
	if (!(slope > span / 2))
		slope = span / 2;
	var = t->f.P[BRUL_TW_SOC][BRUL_TW_SOC] + mis / (slope * slope);
	/* No more unknown than a charge anywhere from empty to full. */
	return var < SOC_VAR_MAX ? var : SOC_VAR_MAX;
}

int
brul_twin_step(struct brul_twin *t, int64_t ts, double i, double v,
	       double temp, double r_meas, struct brul_twin_out *out)
{
	const struct brul_ecm *m = t->m;
	struct brul_ekf *f = &t->f;
	double *x = f->x;
	double F[BRUL_EKF_MAX][BRUL_EKF_MAX] = { { 0 } }, q[BRUL_TW_N];
	double dt, e1, e2, gr, fc, a, soc0, H[BRUL_TW_N] = { 0 };
	int drives;

	if (ts <= t->ts)
		return 0;
	dt = t->ts == INT64_MIN ? 60 : (double)(ts - t->ts);
	if (dt > MAX_DT_S)
		dt = MAX_DT_S;
	t->ts = ts;
	if (isnan(temp))
		temp = t->last_t;
	t->last_t = temp;
	/* A logger's glitch is no reading of the block's (glitch.h). */
	if (brul_glitch_is(&t->glitch, i, v, dt))
		v = NAN;
	/* Without the current the voltage cannot be read as the circuit's:
	 * the last current carries the count, and nothing is updated. */
	if (isnan(i)) {
		i = t->last_i;
		v = NAN;
	}
	t->last_i = i;
	gr = brul_ecm_r0_factor(m, temp);
	fc = brul_ecm_cap_factor(m, temp);
	/* Who sets the voltage: the battery (discharging, or at rest below
	 * its full OCV, the current then only the sensor's noise), or a
	 * charger (above it). */
	drives = i < DISCHARGE_A ||
	    (fabs(i) < -DISCHARGE_A && !isnan(v) &&
	     v < brul_ecm_ocv(m, 1, temp) + 0.05);

	if (t->ts_first && drives && !isnan(v) && i >= DISCHARGE_A)
		init_from_rest(t, i, v, temp, gr);
	t->ts_first = 0;

	/* Predict. */
	for (int k = 0; k < BRUL_TW_N; k++)
		F[k][k] = 1;
	soc0 = x[BRUL_TW_SOC];
	if (drives || isnan(v) || i > BOOST_C * t->cap_rated_ah) {
		/* Coulomb counting: discharging, at rest or charging. */
		a = (i > 0 ? m->charge_eff : 1) * dt / 3600 / fc;
		x[BRUL_TW_SOC] = soc0 + a * i / x[BRUL_TW_Q];
		F[BRUL_TW_SOC][BRUL_TW_Q] = -a * i /
		    (x[BRUL_TW_Q] * x[BRUL_TW_Q]);
		/* A charge past full is gassing, not stored. */
		if (i > 0 && x[BRUL_TW_SOC] > 1) {
			x[BRUL_TW_SOC] = 1;
			F[BRUL_TW_SOC][BRUL_TW_Q] = 0;
		}
	} else {
		/* Float: the charger tops the block up. */
		double k = exp(-dt / FLOAT_TAU_S);

		x[BRUL_TW_SOC] = 1 - (1 - soc0) * k;
		F[BRUL_TW_SOC][BRUL_TW_SOC] = k;
		/* A block back to full is known full, however the circuit
		 * read it on the way down. */
		t->misfit_v2 *= k * k;
	}
	e1 = exp(-dt / m->tau1_s);
	e2 = exp(-dt / m->tau2_s);
	x[BRUL_TW_V1] = x[BRUL_TW_V1] * e1 +
	    m->r1_ratio * x[BRUL_TW_R0] * gr / 1000 * i * (1 - e1);
	x[BRUL_TW_V2] = x[BRUL_TW_V2] * e2 +
	    m->r2_ratio * x[BRUL_TW_R0] * gr / 1000 * i * (1 - e2);
	F[BRUL_TW_V1][BRUL_TW_V1] = e1;
	F[BRUL_TW_V1][BRUL_TW_R0] = m->r1_ratio * gr / 1000 * i * (1 - e1);
	F[BRUL_TW_V2][BRUL_TW_V2] = e2;
	F[BRUL_TW_V2][BRUL_TW_R0] = m->r2_ratio * gr / 1000 * i * (1 - e2);
	q[BRUL_TW_SOC] = Q_SOC * Q_SOC * dt / 60;
	q[BRUL_TW_V1] = Q_RC * Q_RC * dt / 60;
	q[BRUL_TW_V2] = Q_RC * Q_RC * dt / 60;
	q[BRUL_TW_R0] = Q_R0 * Q_R0 * dt / 60;
	q[BRUL_TW_Q] = Q_CAP * Q_CAP * t->cap_rated_ah * t->cap_rated_ah *
	    dt / 60;
	brul_twin_predict_cov(f->P, F[BRUL_TW_SOC][BRUL_TW_SOC],
			      F[BRUL_TW_SOC][BRUL_TW_Q], e1,
			      F[BRUL_TW_V1][BRUL_TW_R0], e2,
			      F[BRUL_TW_V2][BRUL_TW_R0], q);

	/* The exp only while there is something left to fade: a block on
	 * float for days pays nothing. */
	if (i >= DISCHARGE_A && t->relax_v > 0) {
		t->relax_v *= exp(-dt / RELAX_TAU_S);
		if (t->relax_v < RELAX_GONE_V)
			t->relax_v = 0;
	}

	/* Update with the voltage, when the circuit sets it. */
	out->v_pred_v = out->residual_v = out->score = NAN;
	if (drives && !isnan(v)) {
		double c = i < 0 ? -i / t->cap_rated_ah : 0, deod = 0;
		double eod = c > 0 ? brul_ecm_eod(m, c, x[BRUL_TW_SOC], &deod) :
		    0;
		double vp = brul_ecm_ocv(m, x[BRUL_TW_SOC], temp) +
		    i * x[BRUL_TW_R0] * gr / 1000 + x[BRUL_TW_V1] +
		    x[BRUL_TW_V2] - eod, S, r;

		H[BRUL_TW_SOC] = brul_ecm_ocv_slope(m, x[BRUL_TW_SOC]) - deod;
		H[BRUL_TW_V1] = 1;
		H[BRUL_TW_V2] = 1;
		H[BRUL_TW_R0] = i * gr / 1000;
		H[BRUL_TW_Q] = 0;
		/* After a discharge the rest voltage recovers for hours
		 * (the acid in the plates' pores evens out), slower than the
		 * circuit's pairs: as uncertain as the overpotential the
		 * discharge ended with, fading over the rest. */
		if (i < DISCHARGE_A) {
			t->relax_v = fabs(v - brul_ecm_ocv(m, x[BRUL_TW_SOC],
			    temp));
			r = R_V * R_V;
		} else {
			r = R_REST * R_REST + t->relax_v * t->relax_v;
		}
		S = r;
		for (int j = 0; j < BRUL_TW_N; j++)
			for (int k = 0; k < BRUL_TW_N; k++)
				S += H[j] * f->P[j][k] * H[k];
		if (i < DISCHARGE_A)
			track_misfit(t, (v - vp) * (v - vp) - S, dt);
		/* At rest a block's voltage cannot move by many standard
		 * deviations without charge going in or out: one that does
		 * has failed (a shorted or open cell), and taking it as the
		 * circuit's would drag the estimates into nonsense.  The
		 * state stays; the score says it, and stays high. */
		if (i < DISCHARGE_A || fabs(v - vp) <= GATE_Z * sqrt(S))
			brul_ekf_update(f, v - vp, H, r);
		out->v_pred_v = vp;
		out->residual_v = v - vp;
		out->score = (v - vp) / sqrt(S);
	}
	/* And with the ohmic test. */
	if (r_meas > 0) {
		double h[BRUL_TW_N] = { 0 }, pred = x[BRUL_TW_R0] * gr;
		double sd = R_OHM * pred > 0.01 ? R_OHM * pred : 0.01;

		/* The noise is the tester's, relative to what it should read:
		 * a reading of nothing does not make R0 certain. */
		h[BRUL_TW_R0] = gr;
		brul_ekf_update(f, r_meas - pred, h, sd * sd);
	}
	/* A charger taking the voltage back ends a discharge: what it
	 * told of the block's health is a point of the trend. */
	if (drives && i < DISCHARGE_A)
		t->discharged = 1;
	if (!drives && t->driving && t->discharged) {
		brul_trend_add(&t->trend, (double)ts / 86400,
		    100 * x[BRUL_TW_Q] / t->cap_rated_ah,
		    100 * sqrt(f->P[BRUL_TW_Q][BRUL_TW_Q]) / t->cap_rated_ah);
		t->discharged = 0;
	}
	t->driving = drives;
	x[BRUL_TW_SOC] = clampd(x[BRUL_TW_SOC], 0, 1.05);
	x[BRUL_TW_R0] = clampd(x[BRUL_TW_R0], 0.1, 1000);
	/* A block holds at most a little over its rated capacity. */
	x[BRUL_TW_Q] = clampd(x[BRUL_TW_Q], 0.2 * t->cap_rated_ah,
			      CAP_MAX * t->cap_rated_ah);

	out->soc_pct = 100 * x[BRUL_TW_SOC];
	out->soc_sd_pct = 100 * sqrt(brul_twin_soc_var(t));
	/* Health from the resistance every day; the capacity only once a
	 * discharge (this one, or those --fit read) has moved it off its
	 * prior. */
	brul_health_estimate(x[BRUL_TW_R0], sqrt(f->P[BRUL_TW_R0][BRUL_TW_R0]),
	    t->r0_base, t->trend.n > 0 || t->discharged || t->cap_fitted ?
	    100 * x[BRUL_TW_Q] / t->cap_rated_ah : NAN,
	    100 * sqrt(f->P[BRUL_TW_Q][BRUL_TW_Q]) / t->cap_rated_ah,
	    &out->soh_pct, &out->soh_sd_pct);
	out->r0_mohm = x[BRUL_TW_R0] * gr;
	if (brul_trend_rul(&t->trend, out->soh_pct, out->soh_sd_pct,
			   &out->rul_days, &out->rul_sd_days) < 0)
		out->rul_days = out->rul_sd_days = NAN;
	return 1;
}

/*
 * runtime.c: see runtime.h.
 */
#include <math.h>

#include "twin/runtime.h"

#define DISCHARGE_A	(-0.2)	/* as twin.c: below, the battery drives */
#define STEP_SHARE	0.002	/* of the capacity per step of the run */

/* Minutes from state of charge soc until the circuit's voltage at current
 * i (< 0) reaches cutoff, the polarisation starting at v1, v2. */
static double
run_down(const struct brul_twin *t, double soc, double i, double temp,
	 double cutoff, double v1, double v2)
{
	const struct brul_ecm *m = t->m;
	const double *x = t->f.x;
	double gr = brul_ecm_r0_factor(m, temp);
	double q = x[BRUL_TW_Q] * brul_ecm_cap_factor(m, temp);
	double r0 = x[BRUL_TW_R0] * gr / 1000, c = -i / t->cap_rated_ah;
	double d, v, pv, dt, e1, e2, min = 0;

	/* Steps of a fixed share of the capacity: the same count for a
	 * short discharge and a long one, and fine enough at the knee. */
	dt = STEP_SHARE * q * 3600 / -i;
	e1 = exp(-dt / m->tau1_s);
	e2 = exp(-dt / m->tau2_s);
	pv = brul_ecm_ocv(m, soc, temp) + i * r0 + v1 + v2 -
	    brul_ecm_eod(m, c, soc, &d);
	if (pv <= cutoff)
		return 0;
	while (min < BRUL_RUNTIME_MAX_MIN) {
		double ps = soc;

		soc += i * dt / 3600 / q;
		v1 = v1 * e1 + m->r1_ratio * r0 * i * (1 - e1);
		v2 = v2 * e2 + m->r2_ratio * r0 * i * (1 - e2);
		if (soc <= 0)
			return min + dt / 60 * ps / (ps - soc);
		v = brul_ecm_ocv(m, soc, temp) + i * r0 + v1 + v2 -
		    brul_ecm_eod(m, c, soc, &d);
		if (v <= cutoff)
			return min + dt / 60 * (pv - cutoff) / (pv - v);
		pv = v;
		min += dt / 60;
	}
	return BRUL_RUNTIME_MAX_MIN;
}

int
brul_twin_runtime(const struct brul_twin *t, double cutoff_v, double load_a,
		  struct brul_runtime *rt)
{
	const double *x = t->f.x;
	double i = t->last_i, s = x[BRUL_TW_SOC], q = x[BRUL_TW_Q], sd;
	double v1 = x[BRUL_TW_V1], v2 = x[BRUL_TW_V2];

	rt->min = rt->lo_min = rt->hi_min = NAN;
	if (t->ts == INT64_MIN)
		return 0;
	if (!t->driving || !(i < DISCHARGE_A)) {
		if (!(load_a > -DISCHARGE_A))
			return 0;
		/* A load yet to come starts from rest: what a charger left
		 * in the RC pairs is taken as gone by then. */
		i = -load_a;
		v1 = v2 = 0;
	}
	/* The remaining ampere-hours s q: their variance, first order (the
	 * state of charge's with the circuit's misfit). */
	sd = q * q * brul_twin_soc_var(t) +
	    s * s * t->f.P[BRUL_TW_Q][BRUL_TW_Q] +
	    2 * s * q * t->f.P[BRUL_TW_SOC][BRUL_TW_Q];
	sd = sqrt((sd > 0 ? sd : 0) / (q * q) +
	    BRUL_RUNTIME_KNEE_SD * BRUL_RUNTIME_KNEE_SD);
	rt->min = run_down(t, s, i, t->last_t, cutoff_v, v1, v2);
	sd *= 1.645;
	rt->lo_min = run_down(t, s - sd, i, t->last_t, cutoff_v, v1, v2);
	rt->hi_min = run_down(t, s + sd, i, t->last_t, cutoff_v, v1, v2);
	return 1;
}

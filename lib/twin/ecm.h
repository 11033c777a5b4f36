/*
 * ecm.h: the equivalent circuit of a 12 V VRLA block, as the digital twin
 * sees it: an open-circuit voltage source that depends on the state of
 * charge and the temperature, the ohmic resistance R0, two RC pairs (charge
 * transfer, tens of seconds; diffusion, tens of minutes: both matter at a
 * 60 s sampling interval) and an end-of-discharge overpotential that grows
 * as the acid near the plates runs out:
 *
 *   v = OCV(soc, T) + i R0(T) + v1 + v2 - eod(c, soc)      (i > 0 charges)
 *   OCV(soc, T) = ocv_empty + (ocv_full - ocv_empty) soc
 *                 + ocv_bow 4 soc (1 - soc) + k_T (T - 25)
 *   dv_k/dt = (r_k R0 i - v_k) / tau_k,   k = 1, 2
 *   eod = min(eod_v c / soc^2, eod_max)  while discharging at c = |i| / C
 *   R0(T) = R0_25 (1 + r0_temp (T - 25)),  C(T) = C_25 (1 + cap_temp (T - 25))
 *
 * The rest voltage of a real block is not a straight line of its state of
 * charge: ocv_bow is how far it lies above the line at half charge (below,
 * when negative), a parabola that keeps the curve's ends where they were
 * measured.  The curve must rise all the way (|ocv_bow| below a quarter of
 * the span); beyond 0 and 1 it goes on along its end slopes, so that an
 * estimate a little out of range still has a voltage and a gradient.
 *
 * Parameters per block model come from data/ecm.csv (sources in
 * brul-twin(1)); brul-twin --fit identifies them from a block's discharges
 * and writes rows of the same form with a battery_id: a row with one is
 * that battery's own circuit, and wins over its model's.
 *
 * Ownership: struct brul_ecm is plain storage; brul_ecm_load and
 * brul_ecm_read return a malloc'd array the caller frees.
 */
#ifndef BRUL_ECM_H
#define BRUL_ECM_H

#include "core/err.h"
#include "core/id.h"

struct brul_ecm {
	char model[32];
	char battery[BRUL_ID_MAX + 1];	/* "" for a model's row */
	double ocv_empty_v, ocv_full_v, ocv_temp_v_per_c;
	double ocv_bow_v;		/* optional column; 0 when absent */
	double r1_ratio, tau1_s, r2_ratio, tau2_s;	/* r_k: of R0 */
	double eod_v, eod_max_v;
	double r0_temp_per_c, cap_temp_per_c;
	double charge_eff;
	/* What --fit found for a battery's own row (columns r0_mohm, at 25
	 * degC, and capacity_ah, usable at 25 degC): the twin starts from
	 * them.  NaN when the row or the file has none. */
	double r0_mohm, capacity_ah;
};

/* Reads path (NULL: data/ecm.csv) into *e (malloc'd); the count, or -1. */
int brul_ecm_load(const char *path, struct brul_ecm **e, struct brul_err *err);
/* The same from r, a circuits stream, which stays the caller's. */
struct brul_reader;
int brul_ecm_read(struct brul_reader *r, struct brul_ecm **e,
		  struct brul_err *err);
/* The circuit of battery (its own row), else of model; NULL when none. */
const struct brul_ecm *brul_ecm_find(const struct brul_ecm *e, int n,
				     const char *battery, const char *model);
/* The columns of ecm.csv, in order; and e's values for them, written to w
 * without ending the row (0 or -1).  ocv_bow_v, last, may be missing from
 * a file written before it (read as 0); the fitted r0_mohm and
 * capacity_ah are optional columns after them, which --fit writes
 * itself. */
extern const char *const brul_ecm_columns[];
#define BRUL_ECM_NCOLS 15
struct brul_writer;
int brul_ecm_put(struct brul_writer *w, const struct brul_ecm *e);

/* A model's circuit from n (>= 1) circuits of its blocks, e[0..n) (as
 * --fit found them): each parameter their median, so that a block the fit
 * read badly does not move it; the model's name from e[0], no battery,
 * no fitted R0 or capacity.  0, or -1 when out of memory. */
int brul_ecm_median(const struct brul_ecm *e, int n, struct brul_ecm *out);

double brul_ecm_ocv(const struct brul_ecm *e, double soc, double temp_c);
/* The state of charge (unclamped) whose OCV at temp_c is v. */
double brul_ecm_soc_at(const struct brul_ecm *e, double v, double temp_c);
/* d OCV / d soc at soc. */
double brul_ecm_ocv_slope(const struct brul_ecm *e, double soc);
/* The bow's shape at soc, 4 soc (1 - soc) within [0, 1] (what ocv_bow_v
 * multiplies), for a fit that is linear in it. */
double brul_ecm_bow_shape(double soc);
/* The end-of-discharge overpotential (>= 0) at C-rate c (a fraction of
 * the rated capacity per hour, >= 0), and its derivative by soc. */
double brul_ecm_eod(const struct brul_ecm *e, double c, double soc,
		    double *d_dsoc);
/* R0 and capacity at temp_c, as multiples of their 25 degC values. */
double brul_ecm_r0_factor(const struct brul_ecm *e, double temp_c);
double brul_ecm_cap_factor(const struct brul_ecm *e, double temp_c);

#endif

/*
 * test-ekf.c: the Kalman filter's steps against the closed forms of the
 * linear case, and a covariance that stays symmetric and positive
 * definite through many updates with nearly singular measurements; the
 * runtime at a design load against the circuit's closed form; the
 * circuits file read with its names whole.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/reader.h"
#include "twin/ecm.h"
#include "twin/ecmfit.h"
#include "twin/ekf.h"
#include "twin/fusion.h"
#include "twin/glitch.h"
#include "twin/runtime.h"
#include "twin/twin.h"
#include "tap.h"

/* 1 when the symmetric matrix P (n x n) is positive definite (Cholesky). */
static int
pos_def(const struct brul_ekf *k)
{
	double L[BRUL_EKF_MAX][BRUL_EKF_MAX] = { { 0 } };

	for (int i = 0; i < k->n; i++)
		for (int j = 0; j <= i; j++) {
			double s = k->P[i][j];

			for (int m = 0; m < j; m++)
				s -= L[i][m] * L[j][m];
			if (i == j) {
				if (!(s > 0))
					return 0;
				L[i][i] = sqrt(s);
			} else {
				L[i][j] = s / L[j][j];
			}
		}
	return 1;
}

/* The generic VRLA circuit of data/ecm.csv. */
static const struct brul_ecm generic = {
	.ocv_empty_v = 11.70, .ocv_full_v = 13.02, .ocv_temp_v_per_c = 0.0012,
	.r1_ratio = 0.6, .tau1_s = 90, .r2_ratio = 1.0, .tau2_s = 1800,
	.eod_v = 0.24, .eod_max_v = 1.6, .charge_eff = 0.97
};

/* A block rated 100 Ah whose circuit is the generic one but for its
 * curve's bow and its slow pair: R0 (Ohm), the slow pair's resistance as
 * a multiple of it and its time constant (s), the bow (V); and the
 * current filtered through each pair so far. */
struct synth {
	double r0, r2, tau2, bow;
	double g1, g2;
};

/* The voltage a minute of current i leaves s at, at charge soc, exactly
 * as its circuit says. */
static double
synth_v(struct synth *s, double i, double soc)
{
	s->g1 = s->g1 * exp(-60 / 90.0) + i * (1 - exp(-60 / 90.0));
	s->g2 = s->g2 * exp(-60 / s->tau2) + i * (1 - exp(-60 / s->tau2));
	return 11.70 + 1.32 * soc + s->bow * brul_ecm_bow_shape(soc) +
	    s->r0 * i + 0.6 * s->r0 * s->g1 + s->r2 * s->r0 * s->g2 -
	    0.24 * (-i / 100) / (soc * soc);
}

/* Feeds f a charge, then a discharge from full of a block of cap Ah
 * (rated 100) whose circuit is the generic one with a bow, at 10 and 20 A
 * by turns, exactly as the circuit says, down to soc_end; the reading of
 * minute odd_at is off by odd_v (NaN: missing). */
static void
synth_discharge_odd(struct brul_ecmfit *f, double cap, double bow,
		    double soc_end, int odd_at, double odd_v)
{
	struct synth s = { .r0 = 0.005, .r2 = 1.0, .tau2 = 1800, .bow = bow };
	double ah = 0;

	brul_ecmfit_add(f, -60, 1.0, NAN, 25, NAN);
	for (int j = 0; ; j++) {
		double i = (j / 10) % 2 ? -20 : -10, soc;

		ah -= i / 60;
		soc = 1 - ah / cap;
		if (soc < soc_end)
			break;
		brul_ecmfit_add(f, 60 * (int64_t)j, i, synth_v(&s, i, soc) +
				(j == odd_at ? odd_v : 0), 25, NAN);
	}
}

static void
synth_discharge(struct brul_ecmfit *f, double cap, double bow,
		double soc_end)
{
	synth_discharge_odd(f, cap, bow, soc_end, -1, 0);
}

int
main(void)
{
	struct tap t = { 0 };
	struct brul_ekf k = { .n = 1 };
	double F[BRUL_EKF_MAX][BRUL_EKF_MAX] = { { 0 } }, q[BRUL_EKF_MAX];
	double H[BRUL_EKF_MAX] = { 1 }, S;

	/* A scalar random walk: P- = P + q; K = P- / (P- + r). */
	k.x[0] = 2;
	k.P[0][0] = 4;
	F[0][0] = 1;
	q[0] = 1;
	brul_ekf_predict(&k, F, q);
	tap_near(&t, k.P[0][0], 5, 1e-15, "predict: P + q");
	S = brul_ekf_update(&k, 3 - k.x[0], H, 5);
	tap_near(&t, S, 10, 1e-15, "update: S = P + r");
	tap_near(&t, k.x[0], 2.5, 1e-15, "update: x + K y with K = 1/2");
	tap_near(&t, k.P[0][0], 2.5, 1e-15, "update: (1 - K) P");

	/* Two states, position and velocity, seen through position only:
	 * after one update the cross-covariance moves the velocity. */
	k.n = 2;
	k.x[0] = 0, k.x[1] = 1;
	k.P[0][0] = 1, k.P[0][1] = k.P[1][0] = 0, k.P[1][1] = 1;
	F[0][0] = 1, F[0][1] = 1, F[1][0] = 0, F[1][1] = 1;
	q[0] = q[1] = 0;
	k.x[0] += k.x[1];
	brul_ekf_predict(&k, F, q);
	tap_ok(&t, k.P[0][0] == 2 && k.P[0][1] == 1 && k.P[1][1] == 1,
	       "predict: F P F' of a constant-velocity model");
	H[0] = 1, H[1] = 0;
	brul_ekf_update(&k, 3 - k.x[0], H, 1);
	/* K = P H' / S = (2/3, 1/3). */
	tap_near(&t, k.x[0], 1 + 2.0 / 3 * 2, 1e-15, "position moved by K0 y");
	tap_near(&t, k.x[1], 1 + 1.0 / 3 * 2, 1e-15, "velocity moved by K1 y");
	tap_near(&t, k.P[0][0], 2.0 / 3, 1e-15, "P00 = P00 - P00^2 / S");
	tap_near(&t, k.P[1][1], 1 - 1.0 / 3, 1e-15, "P11 = P11 - P01^2 / S");

	/* Many updates with tiny noise, through the same direction: the
	 * Joseph form keeps P symmetric and positive definite. */
	{
		struct brul_ekf b = { .n = 5 };
		double G[BRUL_EKF_MAX][BRUL_EKF_MAX] = { { 0 } };
		double qq[BRUL_EKF_MAX] = { 1e-12, 1e-12, 1e-12, 1e-12, 1e-12 };
		double h[BRUL_EKF_MAX] = { 1.32, 1, 1, 0.01, 0 };
		int pd = 1;

		for (int i = 0; i < 5; i++) {
			b.P[i][i] = 1;
			G[i][i] = 1;
		}
		G[0][4] = -1e-3;
		G[1][1] = 0.5;
		G[2][2] = 0.97;
		for (int n = 0; n < 100000; n++) {
			brul_ekf_predict(&b, G, qq);
			brul_ekf_update(&b, 0.001 * (n % 7 - 3), h, 1e-10);
			pd &= pos_def(&b);
		}
		tap_ok(&t, pd, "100000 updates: P positive definite");
	}

	/* The twin's written-out prediction equals the general one. */
	{
		struct brul_ekf a = { .n = 5 }, b;
		double G[BRUL_EKF_MAX][BRUL_EKF_MAX] = { { 0 } };
		double qq[BRUL_EKF_MAX] = { 1e-8, 4e-6, 4e-6, 4e-6, 1e-4 };
		double worst = 0;

		for (int i = 0; i < 5; i++)
			for (int j = 0; j <= i; j++)
				a.P[i][j] = a.P[j][i] = (i == j ? 2.0 : 0.3) /
				    (1 + i + j);
		for (int i = 0; i < 5; i++)
			G[i][i] = 1;
		G[0][0] = 0.999, G[0][4] = -3e-4;
		G[1][1] = 0.51, G[1][3] = -0.002;
		G[2][2] = 0.967, G[2][3] = -0.0004;
		b = a;
		brul_ekf_predict(&a, G, qq);
		brul_twin_predict_cov(b.P, G[0][0], G[0][4], G[1][1], G[1][3],
				      G[2][2], G[2][3], qq);
		for (int i = 0; i < 5; i++)
			for (int j = 0; j < 5; j++)
				if (fabs(a.P[i][j] - b.P[i][j]) > worst)
					worst = fabs(a.P[i][j] - b.P[i][j]);
		tap_ok(&t, worst < 1e-15, "the twin's F P F' + Q equals the general one");
	}

	/* The runtime at a design load, from rest, full: over 20 hours the
	 * RC pairs settle, so the ampere-hours to the cut-off are the
	 * capacity down to the charge s where 11.70 + 1.32 s - i R0 (1 +
	 * 0.6 + 1.0) - 0.24 (i / 100) / s^2 = 10.5 (bisection). */
	{
		struct brul_twin tw;
		struct brul_twin_out o;
		struct brul_runtime rt, fast;
		double lo = 0.03, hi = 1, i = 5, r0 = 0.005;

		for (int n = 0; n < 60; n++) {
			double s = (lo + hi) / 2;

			if (11.70 + 1.32 * s - i * r0 * 2.6 -
			    0.24 * (i / 100) / (s * s) > 10.5)
				hi = s;
			else
				lo = s;
		}
		brul_twin_init(&tw, &generic, 100, 1000 * r0);
		brul_twin_step(&tw, 0, 0, 13.02, 25, NAN, &o);
		tap_ok(&t, brul_twin_runtime(&tw, 10.5, NAN, &rt) == 0 &&
		       isnan(rt.min), "at rest, no load: no runtime");
		tap_ok(&t, brul_twin_runtime(&tw, 10.5, i, &rt) == 1,
		       "at rest, a design load: a runtime");
		tap_near(&t, rt.min * i / 60, 100 * (1 - lo), 0.05,
			 "5 A from full: the Ah to the cut-off, as the circuit says");
		tap_ok(&t, rt.lo_min < rt.min && rt.min < rt.hi_min,
		       "its interval holds it");
		brul_twin_runtime(&tw, 10.5, 50, &fast);
		tap_ok(&t, fast.min * 50 < rt.min * i,
		       "ten times the load: fewer ampere-hours (the knee)");
	}

	/* The health trend and the fusion. */
	{
		struct brul_trend tr = { 0 };
		double rul, sd, m, s2;

		brul_trend_add(&tr, 0, 90, 1);
		tap_ok(&t, brul_trend_rul(&tr, 90, 1, &rul, &sd) < 0,
		       "one point: no trend");
		brul_trend_add(&tr, 20, 89, 1);
		tap_ok(&t, brul_trend_rul(&tr, 89, 1, &rul, &sd) < 0,
		       "two points 20 days apart: no trend yet");
		brul_trend_add(&tr, 100, 85, 1);
		/* Weighted alike: the least-squares line through (0, 90),
		 * (20, 89), (100, 85) falls 0.05 points a day. */
		tap_ok(&t, brul_trend_rul(&tr, 85, 0, &rul, &sd) == 0,
		       "three points over 100 days: a trend");
		tap_near(&t, rul, 5 / 0.05, 1e-9, "life: 5 points at 0.05 a day");
		{
			struct brul_trend up = { 0 };

			brul_trend_add(&up, 0, 85, 1);
			brul_trend_add(&up, 100, 90, 1);
			tap_ok(&t, brul_trend_rul(&up, 90, 1, &rul, &sd) < 0,
			       "health rising: no life");
		}
		brul_fuse(100, 10, 200, 10, &m, &s2);
		tap_near(&t, m, 150, 1e-12, "equal variances: the mean");
		tap_near(&t, s2, 10 / sqrt(2), 1e-12, "and sd over root 2");
		brul_fuse(100, 10, 200, 20, &m, &s2);
		tap_near(&t, m, (100 / 100.0 + 200 / 400.0) / (1 / 100.0 + 1 / 400.0),
			 1e-12, "weights 1/variance");
		brul_fuse(NAN, NAN, 200, 20, &m, &s2);
		tap_ok(&t, m == 200 && s2 == 20, "one unknown: the other");
		brul_fuse(100, NAN, NAN, 5, &m, &s2);
		tap_ok(&t, isnan(m) && isnan(s2), "no sd for one, no value for the other: unknown");
	}

	/* The circuit's pieces. */
	{
		struct brul_ecm e = {
			.ocv_empty_v = 11.70, .ocv_full_v = 13.02,
			.ocv_temp_v_per_c = 0.0012, .eod_v = 0.24,
			.eod_max_v = 1.6, .r0_temp_per_c = -0.008,
			.cap_temp_per_c = 0.006
		};
		double d;

		tap_near(&t, brul_ecm_ocv(&e, 0.5, 35), 12.36 + 0.012, 1e-12,
			 "OCV: linear in soc, +1.2 mV/degC");
		tap_near(&t, brul_ecm_eod(&e, 0.1, 0.5, &d), 0.096, 1e-12,
			 "eod at C/10, half full");
		tap_near(&t, d, -2 * 0.096 / 0.5, 1e-12, "its derivative");
		tap_near(&t, brul_ecm_eod(&e, 0.1, 0.1, &d), 1.6, 1e-12,
			 "eod capped near empty");
		tap_near(&t, brul_ecm_r0_factor(&e, 35), 0.92, 1e-12,
			 "R0 falls 0.8 %/degC");
		tap_near(&t, brul_ecm_cap_factor(&e, 15), 0.94, 1e-12,
			 "capacity falls 0.6 %/degC below 25");
	}

	/* The capacity's drift is a share of the block's: a 9 Ah block on
	 * float for a day is no less sure of its health, in points, than a
	 * 100 Ah one. */
	{
		struct brul_ecm e = generic;
		struct brul_twin small, big;
		struct brul_twin_out o;
		double a, b;

		brul_twin_init(&small, &e, 9, 20);
		brul_twin_init(&big, &e, 100, 4);
		for (int j = 0; j < 1440; j++) {
			brul_twin_step(&small, 60 * (int64_t)j, 0.009, 13.62,
				       25, NAN, &o);
			brul_twin_step(&big, 60 * (int64_t)j, 0.1, 13.62, 25,
				       NAN, &o);
		}
		a = sqrt(small.f.P[BRUL_TW_Q][BRUL_TW_Q]) / 9;
		b = sqrt(big.f.P[BRUL_TW_Q][BRUL_TW_Q]) / 100;
		tap_near(&t, a, b, 1e-9 * b,
			 "capacity drift on float: the same share at 9 Ah as at 100 Ah");
	}

	/* The stated state of charge is as uncertain as the circuit's misfit
	 * makes it.  On a block that follows the circuit the misfit adds
	 * nothing to the filter's own sd.  On one whose slow polarisation is
	 * three times the circuit's and five times quicker, under a load
	 * that steps between 10 and 20 A, the filter alone is sure to a few
	 * tenths of a point and wrong by several of its sds; the statement
	 * holds the error within a few of its own. */
	for (int odd = 0; odd < 2; odd++) {
		struct brul_twin tw;
		struct brul_twin_out o;
		struct synth s = { .r0 = 0.005, .r2 = odd ? 3.0 : 1.0,
				   .tau2 = odd ? 360 : 1800 };
		const double cap = 100, r2 = s.r2, tau2 = s.tau2;
		double ah = 0, soc = 1, filt, said, err;

		brul_twin_init(&tw, &generic, cap, 1000 * s.r0);
		brul_twin_step(&tw, -60, 0, 13.02, 25, NAN, &o);
		for (int j = 0; soc > 0.4; j++) {
			double i = (j / 10) % 2 ? -20 : -10;

			ah -= i / 60;
			soc = 1 - ah / cap;
			brul_twin_step(&tw, 60 * (int64_t)j, i,
			    synth_v(&s, i, soc), 25, NAN, &o);
		}
		filt = 100 * sqrt(tw.f.P[BRUL_TW_SOC][BRUL_TW_SOC]);
		said = 100 * sqrt(brul_twin_soc_var(&tw));
		err = fabs(o.soc_pct - 100 * soc);
		printf("# polarisation x%.0f, tau %.0f s: error %.2f points, "
		    "the filter's sd %.2f, stated %.2f\n", r2, tau2, err, filt,
		    said);
		tap_near(&t, o.soc_sd_pct, said, 1e-12,
			 "the step states the state of charge's variance");
		if (!odd)
			tap_ok(&t, said - filt < 0.01 && err < 0.5,
			    "a block that follows the circuit: a true "
			    "estimate, and no misfit added to its sd");
		else
			tap_ok(&t, err > 5 * filt && said > 3 * filt &&
			    err < 3 * said, "a block that does not: wrong "
			    "by many of the filter's sds, by a few stated");
	}

	/* After a discharge the rest voltage recovers for hours: a block
	 * that rests 0.6 V under the curve in the hour after a 20 A
	 * discharge is relaxing, not failing; the same block there without
	 * a discharge before is unlike its circuit. */
	{
		struct brul_twin a, b;
		struct brul_twin_out o;
		struct synth s = { .r0 = 0.005, .r2 = 1.0, .tau2 = 1800 };
		const double low = 11.70 + 1.32 * 0.4 - 0.6;
		double za = 0, zb;
		int64_t ts = 0;

		brul_twin_init(&a, &generic, 100, 1000 * s.r0);
		brul_twin_step(&a, ts, 0, 13.02, 25, NAN, &o);
		for (int j = 1; j <= 180; j++) {
			const double soc = 1 - 20.0 * j / 60 / 100;

			ts += 60;
			brul_twin_step(&a, ts, -20, synth_v(&s, -20, soc), 25,
				       NAN, &o);
		}
		for (int j = 0; j < 60; j++) {
			ts += 60;
			brul_twin_step(&a, ts, 0, low, 25, NAN, &o);
			za = fmax(za, fabs(o.score));
		}
		brul_twin_init(&b, &generic, 100, 1000 * s.r0);
		brul_twin_step(&b, 0, 0, 11.70 + 1.32 * 0.4, 25, NAN, &o);
		brul_twin_step(&b, 60, 0, low, 25, NAN, &o);
		zb = fabs(o.score);
		printf("# 0.6 V under the curve at rest: |z| at most %.2f in "
		    "the hour after a discharge, %.2f without one\n", za, zb);
		tap_ok(&t, za < 3 && zb > 3,
		    "a rest voltage still recovering from a discharge is "
		    "not an anomaly; without the discharge it is");
	}

	/* A curved rest voltage: the ends stay, the middle rises by the
	 * bow, the slope follows, and the inverse is exact. */
	{
		struct brul_ecm e = {
			.ocv_empty_v = 11.70, .ocv_full_v = 13.02,
			.ocv_temp_v_per_c = 0.0012, .ocv_bow_v = 0.15
		};
		double worst = 0;

		tap_near(&t, brul_ecm_ocv(&e, 0, 25), 11.70, 1e-12,
			 "bowed OCV: empty where it was");
		tap_near(&t, brul_ecm_ocv(&e, 1, 25), 13.02, 1e-12,
			 "bowed OCV: full where it was");
		tap_near(&t, brul_ecm_ocv(&e, 0.5, 35), 12.36 + 0.15 + 0.012,
			 1e-12, "bowed OCV: the bow at half charge");
		tap_near(&t, brul_ecm_ocv_slope(&e, 0.25), 1.32 + 0.3, 1e-12,
			 "bowed OCV: the slope at a quarter");
		tap_near(&t, brul_ecm_ocv(&e, -0.1, 25), 11.70 - 0.1 * 1.92,
			 1e-12, "bowed OCV: straight on below empty");
		for (int j = -20; j <= 120; j++) {
			double soc = j / 100.0;
			double back = brul_ecm_soc_at(&e,
			    brul_ecm_ocv(&e, soc, 5), 5);

			worst = fmax(worst, fabs(back - soc));
		}
		tap_ok(&t, worst < 1e-12,
		    "bowed OCV: soc_at inverts it from -20 % to 120 %");
		e.ocv_bow_v = -0.15;
		tap_near(&t, brul_ecm_soc_at(&e, brul_ecm_ocv(&e, 0.3, 25), 25),
			 0.3, 1e-12, "a negative bow inverts too");
	}

	/* --fit finds a bow where the discharges cross the curve, and
	 * keeps the model's where they cross half of it. */
	{
		struct brul_ecm prior = generic, got;
		struct brul_ecmfit *f = malloc(sizeof *f);
		const double cap = 100, bow = 0.12;

		for (int half = 0; half < 2 && f; half++) {
			double r0_mohm, cap_ah, rmse;
			int rc;

			brul_ecmfit_init(f, &prior, cap, 5);
			synth_discharge(f, cap, bow, half ? 0.55 : 0.1);
			rc = brul_ecmfit_solve(f, &got, &r0_mohm, &cap_ah,
					       &rmse);
			if (!half) {
				printf("# bow %.4f V, empty %.4f V, %.1f Ah\n",
				    got.ocv_bow_v, got.ocv_empty_v, cap_ah);
				tap_ok(&t, rc == 0 && fabs(got.ocv_bow_v -
				    bow) < 0.005 && fabs(got.ocv_empty_v -
				    11.70) < 0.01 && fabs(cap_ah - cap) < 1,
				    "fit: a bow of 0.12 V found, and the "
				    "curve's ends and the capacity");
			} else
				tap_ok(&t, rc == 0 && got.ocv_bow_v == 0,
				    "fit: half a discharge keeps the "
				    "model's bow");
		}
		free(f);
	}

	/* Half a discharge, never at the knee, shows only the ratio of the
	 * curve's span to the capacity: with the model's span held, a block
	 * of 90 Ah (rated 100) is found at 90. */
	{
		struct brul_ecm prior = generic, got;
		struct brul_ecmfit *f = malloc(sizeof *f);
		double r0_mohm, cap_ah, rmse;
		const double cap = 90;

		if (f) {
			brul_ecmfit_init(f, &prior, 100, 5);
			synth_discharge(f, cap, 0, 0.5);
			tap_ok(&t, brul_ecmfit_solve(f, &got, &r0_mohm,
			    &cap_ah, &rmse) == 0 && fabs(cap_ah - cap) < 1 &&
			    fabs(got.ocv_full_v - got.ocv_empty_v - 1.32) <
			    1e-9, "fit: half a discharge holds the model's "
			    "span, and finds the capacity");
		}
		free(f);
	}

	/* A log that begins under load says nothing of where the block
	 * started: that discharge is left out of the fit; the next, after
	 * a charge, is counted from full. */
	{
		struct brul_ecm prior = generic, got;
		struct brul_ecmfit *f = malloc(sizeof *f);
		double r0_mohm, cap_ah, rmse;
		int64_t ts = 0;

		if (f) {
			brul_ecmfit_init(f, &prior, 100, 5);
			for (int j = 0; j < 100; j++, ts += 60)
				brul_ecmfit_add(f, ts, -10, 12.6, 25, NAN);
			tap_ok(&t, f->n == 0 && brul_ecmfit_solve(f, &got,
			    &r0_mohm, &cap_ah, &rmse) == -1,
			    "fit: a log's first discharge, its start unknown, "
			    "is left out");
			for (int j = 0; j < 30; j++, ts += 60)
				brul_ecmfit_add(f, ts, 5, 14.1, 25, NAN);
			for (int j = 0; j < 40; j++, ts += 60)
				brul_ecmfit_add(f, ts, -10, 12.6, 25, NAN);
			tap_ok(&t, f->n == 40 && f->discharges == 1,
			    "fit: the discharge after a charge is counted");
		}
		free(f);
	}

	/* A logger's glitch under load: a volt up while the load holds
	 * (as in the tubular logs) is left out, as a missing reading would
	 * be, by the twin and by the fit; a volt back when the load halves
	 * near empty is the block's, and so is a fourth such reading in a
	 * row, or one after a gap; one reading too low does not make the
	 * next good ones glitches. */
	{
		struct brul_glitch g;
		struct brul_twin a, b;
		struct brul_twin_out oa, ob;
		struct synth s = { .r0 = 0.005, .r2 = 1.0, .tau2 = 1800 };
		struct brul_ecmfit *f = malloc(2 * sizeof *f);
		struct brul_ecm fa, fb;
		double r0a, r0b, capa, capb, rmsea, rmseb;
		int same = 1, seen = 0;

		brul_glitch_init(&g);
		tap_ok(&t, !brul_glitch_is(&g, -20, 11.92, 60) &&
		    brul_glitch_is(&g, -20, 12.92, 60) &&
		    !brul_glitch_is(&g, -20, 11.91, 60),
		    "glitch: a volt up under a held load");
		brul_glitch_init(&g);
		brul_glitch_is(&g, -6.8, 10.35, 60);
		tap_ok(&t, !brul_glitch_is(&g, -3.4, 11.11, 60),
		    "glitch: not when the load halves");
		brul_glitch_init(&g);
		brul_glitch_is(&g, -20, 11.9, 60);
		for (int j = 0; j < 4; j++)
			seen += brul_glitch_is(&g, -20, 12.9, 60);
		tap_ok(&t, seen == 3, "glitch: three in a row, not four");
		brul_glitch_is(&g, 0, 12.5, 60);
		tap_ok(&t, !brul_glitch_is(&g, -20, 13.5, 60),
		    "glitch: the first reading under load is the block's");
		tap_ok(&t, !brul_glitch_is(&g, -20, 14.1, 3600) &&
		    !brul_glitch_is(&g, NAN, 15, 60) &&
		    !brul_glitch_is(&g, -20, 15.6, 60),
		    "glitch: not after a gap, nor a reading without a "
		    "current");
		brul_glitch_init(&g);
		brul_glitch_is(&g, -20, 11.9, 60);
		brul_glitch_is(&g, -20, 10.9, 60);
		tap_ok(&t, !brul_glitch_is(&g, -20, 11.88, 60),
		    "glitch: one reading too low leaves the next good");

		brul_twin_init(&a, &generic, 100, 1000 * s.r0);
		brul_twin_init(&b, &generic, 100, 1000 * s.r0);
		brul_twin_step(&a, 0, 0, 13.02, 25, NAN, &oa);
		brul_twin_step(&b, 0, 0, 13.02, 25, NAN, &ob);
		for (int j = 1; j <= 120; j++) {
			double v = synth_v(&s, -20, 1 - 20.0 * j / 60 / 100);

			brul_twin_step(&a, 60 * j, -20, j == 60 ? v + 1 : v,
			    25, NAN, &oa);
			brul_twin_step(&b, 60 * j, -20, j == 60 ? NAN : v,
			    25, NAN, &ob);
			same &= oa.soc_pct == ob.soc_pct &&
			    oa.r0_mohm == ob.r0_mohm &&
			    isnan(oa.score) == isnan(ob.score) &&
			    (isnan(oa.score) || oa.score == ob.score);
		}
		tap_ok(&t, same, "twin: a glitch is left out as a missing "
		    "reading is");
		if (f) {
			brul_ecmfit_init(&f[0], &generic, 100, 5);
			brul_ecmfit_init(&f[1], &generic, 100, 5);
			synth_discharge_odd(&f[0], 90, 0, 0.1, 205, 1);
			synth_discharge_odd(&f[1], 90, 0, 0.1, 205, NAN);
			tap_ok(&t, brul_ecmfit_solve(&f[0], &fa, &r0a, &capa,
			    &rmsea) == 0 && brul_ecmfit_solve(&f[1], &fb,
			    &r0b, &capb, &rmseb) == 0 && capa == capb &&
			    r0a == r0b && rmsea == rmseb &&
			    fa.ocv_empty_v == fb.ocv_empty_v,
			    "fit: a glitch is left out as a missing reading "
			    "is");
		}
		free(f);
	}

	/* Circuits are found by battery id and model name, whole: a
	 * 64-byte id (the longest, brul-formats(5)) is kept, a model name
	 * too long to keep is refused rather than cut. */
	{
		static const char nums[] = ",11.70,13.02,0.0012,0.6,90,1.0,"
		    "1800,0.24,1.6,-0.008,0.006,0.97\n";
		char id[65], csv[1024];
		struct brul_ecm *e = NULL;
		struct brul_reader *r;
		struct brul_err err;
		int n;

		memset(id, '7', 64);
		id[64] = '\0';
		snprintf(csv, sizeof csv, "model,battery_id,ocv_empty_v,"
		    "ocv_full_v,ocv_temp_v_per_c,r1_ratio,tau1_s,r2_ratio,"
		    "tau2_s,eod_v,eod_max_v,r0_temp_per_c,cap_temp_per_c,"
		    "charge_eff\nM,%s%sM,%.63s8%s", id, nums, id, nums);
		r = brul_reader_open_mem(csv, strlen(csv), BRUL_FMT_CSV,
		    &err);
		n = r ? brul_ecm_read(r, &e, &err) : -1;
		tap_ok(&t, n == 2 && brul_ecm_find(e, n, id, "M") == &e[0],
		    "ecm: a 64-byte battery id is found whole");
		brul_reader_close(r);
		free(e);
		snprintf(csv, sizeof csv, "model,ocv_empty_v,"
		    "ocv_full_v,ocv_temp_v_per_c,r1_ratio,tau1_s,r2_ratio,"
		    "tau2_s,eod_v,eod_max_v,r0_temp_per_c,cap_temp_per_c,"
		    "charge_eff\nVRLA-12V100-THE-LONG-NAME-OF-A-MODEL%s", nums);
		r = brul_reader_open_mem(csv, strlen(csv), BRUL_FMT_CSV,
		    &err);
		n = r ? brul_ecm_read(r, &e, &err) : 0;
		tap_ok(&t, n == -1, "ecm: a model name too long is refused");
		tap_streq(&t, err.msg, "model: longer than 31 bytes",
		    "ecm: and the message says so");
		brul_reader_close(r);
	}
	return tap_done(&t);
}

/*
 * ecmfit.c: see ecmfit.h.
 */
#include <math.h>
#include <string.h>

#include "twin/ecmfit.h"

/* The time constants tried: the prior's, a third of it and three times
 * it; index 1 is the prior's. */
static double
tau_at(double prior, int k)
{
	return k == 0 ? prior / 3 : k == 1 ? prior : prior * 3;
}

/* The capacity tried at index q, as a share of rated. */
static double
cap_share(int q)
{
	return 0.6 + 0.025 * q;
}

#define DISCHARGE_A (-0.2)
#define BOW_SPAN 0.7		/* of charge at the rated capacity (the
				 * same for every capacity tried), to fit a
				 * curve's bow */
#define RATED 16		/* the capacity tried that is the rated */
#define KNEE_V 10.8		/* 1.8 V a cell: a discharge that took a
				 * 12 V block there under load reached its
				 * knee */

void
brul_ecmfit_init(struct brul_ecmfit *f, const struct brul_ecm *prior,
		 double cap_ah, double r0_mohm)
{
	memset(f, 0, sizeof *f);
	f->prior = prior;
	f->cap_ah = cap_ah;
	f->r0_mohm = r0_mohm;
	f->ts = INT64_MIN;
	f->last_t = 25;
	f->soc0 = NAN;
	brul_glitch_init(&f->glitch);
}

void
brul_ecmfit_add(struct brul_ecmfit *f, int64_t ts, double i, double v,
		double temp, double r_mohm)
{
	const struct brul_ecm *m = f->prior;
	double dt = f->ts == INT64_MIN ? 60 : (double)(ts - f->ts);
	double x[BRUL_FIT_P], y, c, s, gr;
	int glitch;

	if (ts <= f->ts)
		return;
	/* A log that begins under load says nothing of where the block
	 * started: that discharge is not the circuit's evidence. */
	if (f->ts == INT64_MIN && i < DISCHARGE_A)
		f->blind = 1;
	f->ts = ts;
	if (dt > 3600)
		dt = 3600;
	if (isnan(temp))
		temp = f->last_t;
	f->last_t = temp;
	glitch = brul_glitch_is(&f->glitch, i, v, dt);
	if (isnan(i))
		i = f->last_i;	/* a gap in the current: the last carries on */
	f->last_i = i;
	gr = brul_ecm_r0_factor(m, temp);
	if (!isnan(r_mohm) && r_mohm > 0)
		f->r0_mohm = r_mohm / gr;
	/* The polarisation follows the current through R0(T), as the
	 * circuit drives it. */
	for (int a = 0; a < BRUL_FIT_TAU1; a++) {
		double e = exp(-dt / tau_at(m->tau1_s, a));

		f->g1[a] = f->g1[a] * e + gr * i * (1 - e);
	}
	for (int b = 0; b < BRUL_FIT_TAU2; b++) {
		double e = exp(-dt / tau_at(m->tau2_s, b));

		f->g2[b] = f->g2[b] * e + gr * i * (1 - e);
	}
	if (i >= DISCHARGE_A) {
		/* At rest the voltage relaxes towards the open-circuit
		 * curve: long enough, and it tells where a discharge starts. */
		if (i < -DISCHARGE_A && !isnan(v)) {
			f->rest_v = v - m->ocv_temp_v_per_c * (temp - 25);
			f->rest_s += dt;
		} else
			f->rest_s = 0;
		/* Not discharging: what a charger puts back is counted back,
		 * so that the next discharge starts from where this one left
		 * the block (full, after float). */
		if (i > 0) {
			f->ah -= m->charge_eff * i * dt / 3600 /
			    brul_ecm_cap_factor(m, temp);
			if (f->ah < 0)
				f->ah = 0;
		}
		f->in_discharge = 0;
		f->blind = 0;
		return;
	}
	/* Nor is it counted: where it left the block is as unknown as where
	 * it found it, and a charge after it says full, as after float. */
	if (f->blind)
		return;
	if (!f->in_discharge) {
		f->in_discharge = 1;
		f->discharges++;
		/* After a long rest the block need not be full (a log may
		 * start part-charged, a rest may follow a discharge): the
		 * rest voltage on the prior's curve says where it starts. */
		f->soc0 = NAN;
		if (f->rest_s >= BRUL_FIT_REST_S)
			f->soc0 = fmin(fmax(brul_ecm_soc_at(m, f->rest_v,
			    25), 0), 1);
		f->ah_dis = 0;
		f->rest_s = 0;
	}
	f->ah -= i * dt / 3600 / brul_ecm_cap_factor(m, temp);
	f->ah_dis -= i * dt / 3600 / brul_ecm_cap_factor(m, temp);
	if (isnan(v) || glitch)
		return;
	if (v <= KNEE_V)
		f->knee_seen = 1;
	c = -i / f->cap_ah;
	y = v - m->ocv_temp_v_per_c * (temp - 25);
	x[0] = 1;
	x[2] = i * gr;
	for (int q = 0; q < BRUL_FIT_CAP; q++) {
		s = isnan(f->soc0) ? 1 - f->ah / (cap_share(q) * f->cap_ah) :
		    f->soc0 - f->ah_dis / (cap_share(q) * f->cap_ah);
		if (s < 0) {
			f->short_of[q] = 1;	/* emptied before the end */
			continue;
		}
		/* Where the knee may have reached its cap (which the line
		 * does not model), the sample says nothing linear. */
		if (m->eod_v * c / (s * s) > 0.8 * m->eod_max_v)
			continue;
		x[1] = s;
		x[5] = -c / (s * s);
		x[6] = brul_ecm_bow_shape(s);
		if (q == RATED) {
			f->smin = f->nq[q] ? fmin(f->smin, s) : s;
			f->smax = f->nq[q] ? fmax(f->smax, s) : s;
		}
		for (int a = 0; a < BRUL_FIT_TAU1; a++)
			for (int b = 0; b < BRUL_FIT_TAU2; b++) {
				double (*X)[BRUL_FIT_P] = f->xtx[a][b][q];

				x[3] = f->g1[a];
				x[4] = f->g2[b];
				for (int p = 0; p < BRUL_FIT_P; p++) {
					for (int r = 0; r <= p; r++)
						X[p][r] += x[p] * x[r];
					f->xty[a][b][q][p] += x[p] * y;
				}
				f->yty[a][b][q] += y * y;
			}
		f->nq[q]++;
	}
	f->si += i;
	f->sii += i * i;
	f->n++;
}

/* Solves A t = r (n x n, A symmetric from its lower triangle) by Gaussian
 * elimination with partial pivoting; 0, or -1 when singular. */
static int
solve(double L[][BRUL_FIT_P], const double *r, double *t, int n)
{
	double A[BRUL_FIT_P][BRUL_FIT_P + 1];

	for (int p = 0; p < n; p++) {
		for (int q = 0; q < n; q++)
			A[p][q] = q <= p ? L[p][q] : L[q][p];
		/* A whisper of ridge keeps near-collinear columns (g1, i)
		 * solvable. */
		A[p][p] *= 1 + 1e-9;
		A[p][n] = r[p];
	}
	for (int c = 0; c < n; c++) {
		int piv = c;

		for (int p = c + 1; p < n; p++)
			if (fabs(A[p][c]) > fabs(A[piv][c]))
				piv = p;
		if (fabs(A[piv][c]) < 1e-300)
			return -1;
		if (piv != c)
			for (int q = 0; q <= n; q++) {
				double tmp = A[c][q];

				A[c][q] = A[piv][q];
				A[piv][q] = tmp;
			}
		for (int p = c + 1; p < n; p++) {
			double k = A[p][c] / A[c][c];

			for (int q = c; q <= n; q++)
				A[p][q] -= k * A[c][q];
		}
	}
	for (int p = n - 1; p >= 0; p--) {
		double s = A[p][n];

		for (int q = p + 1; q < n; q++)
			s -= A[p][q] * t[q];
		t[p] = s / A[p][p];
	}
	return 0;
}

/* The least squares for time constants (a, b) and capacity k over the
 * free columns,
 * those whose coefficient in held[] is NaN, with the others held: y less
 * the held columns times their coefficients.  The coefficients into t and
 * the residual sum of squares into *rss; 0, or -1. */
static int
fit_one(const struct brul_ecmfit *f, int a, int b, int k,
	const double *held, double *t, double *rss)
{
	const double (*X)[BRUL_FIT_P] = f->xtx[a][b][k];
	const double *xy = f->xty[a][b][k];
	double L[BRUL_FIT_P][BRUL_FIT_P], r[BRUL_FIT_P], u[BRUL_FIT_P];
	double yy = f->yty[a][b][k];
	int use[BRUL_FIT_P], np = 0;

#define XX(p, q) ((p) >= (q) ? X[p][q] : X[q][p])
	for (int p = 0; p < BRUL_FIT_P; p++)
		if (isnan(held[p]))
			use[np++] = p;
	for (int h = 0; h < BRUL_FIT_P; h++) {
		if (isnan(held[h]))
			continue;
		yy -= 2 * held[h] * xy[h];
		for (int g = 0; g < BRUL_FIT_P; g++)
			if (!isnan(held[g]))
				yy += held[h] * held[g] * XX(h, g);
	}
	for (int p = 0; p < np; p++) {
		for (int q = 0; q <= p; q++)
			L[p][q] = XX(use[p], use[q]);
		r[p] = xy[use[p]];
		for (int h = 0; h < BRUL_FIT_P; h++)
			if (!isnan(held[h]))
				r[p] -= held[h] * XX(use[p], h);
	}
	if (solve(L, r, u, np) < 0)
		return -1;
	*rss = yy;
	for (int p = 0; p < np; p++) {
		double xu = 0;

		for (int q = 0; q < np; q++)
			xu += XX(use[p], use[q]) * u[q];
		*rss += u[p] * xu - 2 * u[p] * r[p];
	}
#undef XX
	for (int p = 0; p < BRUL_FIT_P; p++)
		t[p] = held[p];
	for (int p = 0; p < np; p++)
		t[use[p]] = u[p];
	return 0;
}

int
brul_ecmfit_solve(const struct brul_ecmfit *f, struct brul_ecm *out,
		  double *r0_mohm, double *cap_ah, double *rmse_v)
{
	const struct brul_ecm *m = f->prior;
	double best = INFINITY, bt[BRUL_FIT_P] = { 0 }, mean, sd;
	double held[BRUL_FIT_P];
	int ba = -1, bb = -1, bq = -1, varies, k;

	if (f->n < 30)
		return -1;
	/* Every capacity tried one a discharge went past: the block holds
	 * more than the grid's top, and no circuit of it can be told. */
	for (k = 0; k < BRUL_FIT_CAP && f->short_of[k]; k++)
		;
	if (k == BRUL_FIT_CAP)
		return -3;
	/* The resistances apart from the rest voltage need the current to
	 * vary; a constant-power discharge leaves them (and the time
	 * constants) to the ohmic test and the prior. */
	mean = f->si / (double)f->n;
	sd = sqrt(fmax(f->sii / (double)f->n - mean * mean, 0));
	varies = sd > 0.2 * fabs(mean);
	for (int p = 0; p < BRUL_FIT_P; p++)
		held[p] = NAN;
	if (!varies) {
		held[2] = f->r0_mohm / 1000;
		held[3] = m->r1_ratio * held[2];
		held[4] = m->r2_ratio * held[2];
	}
	/* Until a discharge reached the knee, the curve's span and the
	 * capacity trade off (only their ratio shows): the model's span
	 * first, free only when no physical circuit holds it.  Under a
	 * varying current: both RC pairs, then the slow one dropped, then
	 * both (a real block's slow relaxation may not be an RC pair's). */
	for (int pass = f->knee_seen; pass < 2 && ba < 0; pass++)
	for (int bow = 0; bow < 2; bow++)
	for (int drop = 0; drop < (varies ? 3 : 1); drop++)
	for (int a = 0; a < BRUL_FIT_TAU1; a++)
	for (int b = 0; b < BRUL_FIT_TAU2; b++)
	for (int q = 0; q < BRUL_FIT_CAP; q++) {
		double t[BRUL_FIT_P], rss;

		if (varies) {
			held[4] = drop >= 1 ? 0 : NAN;
			held[3] = drop >= 2 ? 0 : NAN;
		}
		/* The curve's bow, where the discharges crossed enough of
		 * it to tell it from the knee and the line; else the
		 * prior's (the model's, from rests across the curve). */
		held[6] = bow || f->smax - f->smin < BOW_SPAN ?
		    m->ocv_bow_v : NAN;
		held[1] = pass ? NAN : m->ocv_full_v - m->ocv_empty_v;

		/* A capacity the discharge went past cannot be the block's. */
		if (f->short_of[q])
			continue;
		if (!varies && (a != 1 || b != 1))
			continue;
		if (f->nq[q] < 30)
			continue;
		if (fit_one(f, a, b, q, held, t, &rss) < 0)
			continue;
		/* Physical: resistances and the knee not negative, the rest
		 * voltage rising with charge. */
		if (t[1] <= 4 * fabs(t[6]) || t[2] <= 0 || t[3] < 0 ||
		    t[4] < 0 || t[5] < 0)
			continue;
		/* Capacities keep different samples (the knee's): compare
		 * the mean square. */
		rss /= (double)f->nq[q];
		if (rss < best) {
			best = rss;
			ba = a;
			bb = b;
			bq = q;
			memcpy(bt, t, sizeof bt);
		}
	}
	if (ba < 0)
		return -2;
	*out = *m;
	out->ocv_empty_v = bt[0];
	out->ocv_full_v = bt[0] + bt[1];
	out->r1_ratio = bt[3] / bt[2];
	out->r2_ratio = bt[4] / bt[2];
	out->tau1_s = tau_at(m->tau1_s, ba);
	out->tau2_s = tau_at(m->tau2_s, bb);
	out->eod_v = bt[5];
	out->ocv_bow_v = bt[6];
	*r0_mohm = 1000 * bt[2];
	*cap_ah = cap_share(bq) * f->cap_ah;
	*rmse_v = sqrt(best > 0 ? best : 0);
	return 0;
}

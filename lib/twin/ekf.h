/*
 * ekf.h: the extended Kalman filter's two steps, for small states (at most
 * BRUL_EKF_MAX), with scalar measurements.
 *
 * The caller computes the model: the new state and the Jacobian F for the
 * prediction, the innovation y = z - h(x) and the row H = dh/dx for an
 * update.  The covariance is updated in Joseph form,
 * P = (I - K H) P (I - K H)' + K r K', and made exactly symmetric, so that
 * it stays symmetric and positive definite whatever the rounding.
 *
 * Ownership: struct brul_ekf is plain storage.
 */
#ifndef BRUL_EKF_H
#define BRUL_EKF_H

#define BRUL_EKF_MAX 6

struct brul_ekf {
	int n;
	double x[BRUL_EKF_MAX];
	double P[BRUL_EKF_MAX][BRUL_EKF_MAX];
};

/* P = F P F' + diag(q).  The caller has already moved x. */
void brul_ekf_predict(struct brul_ekf *k, double F[][BRUL_EKF_MAX],
		      const double *q);
/* One scalar measurement with innovation y, row H and noise variance r:
 * x += K y.  Returns the innovation's variance S = H P H' + r. */
double brul_ekf_update(struct brul_ekf *k, double y, const double *H,
		       double r);

#endif

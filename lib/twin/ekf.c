/*
 * ekf.c: see ekf.h.
 */
#include <string.h>

#include "twin/ekf.h"

void
brul_ekf_predict(struct brul_ekf *k, double F[][BRUL_EKF_MAX],
		 const double *q)
{
	double FP[BRUL_EKF_MAX][BRUL_EKF_MAX];
	int nz[BRUL_EKF_MAX][BRUL_EKF_MAX], cnt[BRUL_EKF_MAX];
	int n = k->n;

	/* A model's F is mostly the identity: go by its nonzero entries. */
	for (int i = 0; i < n; i++) {
		cnt[i] = 0;
		for (int m = 0; m < n; m++)
			if (F[i][m] != 0)
				nz[i][cnt[i]++] = m;
	}
	for (int i = 0; i < n; i++)
		for (int j = 0; j < n; j++) {
			double s = 0;

			for (int c = 0; c < cnt[i]; c++)
				s += F[i][nz[i][c]] * k->P[nz[i][c]][j];
			FP[i][j] = s;
		}
	for (int i = 0; i < n; i++)
		for (int j = 0; j <= i; j++) {
			double s = 0;

			for (int c = 0; c < cnt[j]; c++)
				s += FP[i][nz[j][c]] * F[j][nz[j][c]];
			if (i == j)
				s += q[i];
			k->P[i][j] = k->P[j][i] = s;
		}
}

double
brul_ekf_update(struct brul_ekf *k, double y, const double *H, double r)
{
	double PH[BRUL_EKF_MAX], K[BRUL_EKF_MAX], S = r;
	double A[BRUL_EKF_MAX][BRUL_EKF_MAX], AP[BRUL_EKF_MAX][BRUL_EKF_MAX];
	int n = k->n;

	for (int i = 0; i < n; i++) {
		double s = 0;

		for (int j = 0; j < n; j++)
			s += k->P[i][j] * H[j];
		PH[i] = s;
		S += H[i] * s;
	}
	for (int i = 0; i < n; i++) {
		K[i] = PH[i] / S;
		k->x[i] += K[i] * y;
	}
	/* Joseph form: A = I - K H; P = A P A' + r K K'. */
	for (int i = 0; i < n; i++)
		for (int j = 0; j < n; j++)
			A[i][j] = (i == j) - K[i] * H[j];
	for (int i = 0; i < n; i++)
		for (int j = 0; j < n; j++) {
			double s = 0;

			for (int m = 0; m < n; m++)
				s += A[i][m] * k->P[m][j];
			AP[i][j] = s;
		}
	for (int i = 0; i < n; i++)
		for (int j = 0; j <= i; j++) {
			double s = r * K[i] * K[j];

			for (int m = 0; m < n; m++)
				s += AP[i][m] * A[j][m];
			k->P[i][j] = k->P[j][i] = s;
		}
	return S;
}

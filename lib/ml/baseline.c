/* baseline.c: see baseline.h. */
#include <math.h>

#include "battery/vrla.h"
#include "ml/baseline.h"
#include "ml/featmap.h"

const char *const brul_baseline_columns[6] = {
	"life_used_pct", "eq_age_days", "t_mean_c",
	"r_ratio", "r_latest_mohm", "r_slope_mohm_per_day"
};

double
brul_baseline_rul(const struct brul_baseline_in *in)
{
	double arr = NAN, res = NAN, rul;

	if (in->life_used_pct > 0 && in->eq_age_days > 0) {
		double life = in->eq_age_days * 100 / in->life_used_pct;
		double left = life * (100 - in->life_used_pct) / 100;
		double rate = isnan(in->t_mean_c) ? 1 :
		    brul_vrla_arrhenius(in->t_mean_c);

		arr = left / rate;
	}
	if (in->r_ratio > 0 && in->r_latest_mohm > 0) {
		double base = in->r_latest_mohm / in->r_ratio;

		if (in->r_ratio >= BRUL_BASELINE_R_END)
			res = 0;
		else if (in->r_slope_mohm_per_day > 0)
			res = (BRUL_BASELINE_R_END - in->r_ratio) * base /
			    in->r_slope_mohm_per_day;
	}
	rul = isnan(arr) ? res : isnan(res) ? arr : fmin(arr, res);
	return rul < 0 ? 0 : rul;
}

void
brul_baseline_index(int idx[6], const char *const *names, int n)
{
	brul_featmap_index(idx, brul_baseline_columns, 6, names, n);
}

double
brul_baseline_row(const int idx[6], const float *row)
{
	double v[6];
	struct brul_baseline_in in;

	for (int k = 0; k < 6; k++)
		v[k] = idx[k] >= 0 ? row[idx[k]] : NAN;
	in.life_used_pct = v[0];
	in.eq_age_days = v[1];
	in.t_mean_c = v[2];
	in.r_ratio = v[3];
	in.r_latest_mohm = v[4];
	in.r_slope_mohm_per_day = v[5];
	return brul_baseline_rul(&in);
}

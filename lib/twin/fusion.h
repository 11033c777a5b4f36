/*
 * fusion.h: a block's health trend, the remaining useful life it implies,
 * and that life fused with a model's prediction.
 *
 * The trend is a weighted least-squares line through the block's state of
 * health at the moments a discharge told it (each weighted by the inverse
 * of its variance), summed as points come: memory per battery.  Its life is
 * the time for the line to fall from the present state of health to 80 %,
 * with a standard deviation from both (the delta method).  Fusion is the
 * inverse-variance weighted mean of two estimates, with the combined
 * standard deviation.
 *
 * Ownership: plain storage.
 */
#ifndef BRUL_FUSION_H
#define BRUL_FUSION_H

struct brul_trend {
	double w, wx, wy, wxx, wxy;	/* sums of 1/sd^2 times 1, x, y ... */
	double first, last;		/* days of the first and last point */
	int n;
};

/* A point: state of health soh_pct (standard deviation sd) on day. */
void brul_trend_add(struct brul_trend *t, double day, double soh_pct,
		    double sd);
/* The days until the state of health, soh_pct now (sd), reaches 80 %
 * along the trend, and its standard deviation: 0; or -1 when the trend
 * does not say (fewer than two points 30 days apart, or health not
 * falling). */
int brul_trend_rul(const struct brul_trend *t, double soh_pct, double sd,
		   double *rul_days, double *rul_sd);
/* The inverse-variance weighted mean of a (sd sa) and b (sd sb), into *m
 * and *s; an estimate that is NaN or has no finite positive sd is left
 * out (both out: NaN). */
void brul_fuse(double a, double sa, double b, double sb, double *m,
	       double *s);

#endif

/*
 * risk.h: a prediction as a risk level an operator acts on.
 *
 * critical: P(end of life within 30 days) >= critical; else high:
 * P(within 90 days) >= high; else medium: P(within 180 days) >= medium;
 * else low.  The thresholds are the user's (brul-predict --critical ...).
 */
#ifndef BRUL_RISK_H
#define BRUL_RISK_H

#define BRUL_RISK_DEFAULT	0.5

struct brul_risk_opts {
	double critical, high, medium;	/* probabilities, 0..1 */
};

/* The horizons, in days, of the three probabilities. */
#define BRUL_RISK_H30	30
#define BRUL_RISK_H90	90
#define BRUL_RISK_H180	180

/* "critical", "high", "medium", "low"; NULL when the probabilities known
 * reach no threshold and one is missing (never "low" for lack of
 * knowledge). */
const char *brul_risk_level(const struct brul_risk_opts *o, double p30,
			    double p90, double p180);

#endif

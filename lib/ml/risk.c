/* risk.c: see risk.h. */
#include <math.h>
#include <stddef.h>

#include "ml/risk.h"

const char *
brul_risk_level(const struct brul_risk_opts *o, double p30, double p90,
    double p180)
{
	/* a known probability may raise the level; only all three known
	 * may call it low */
	if (p30 >= o->critical)
		return "critical";
	if (p90 >= o->high)
		return "high";
	if (p180 >= o->medium)
		return "medium";
	if (isnan(p30) || isnan(p90) || isnan(p180))
		return NULL;
	return "low";
}

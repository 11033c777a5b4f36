/* glitch.c: see glitch.h. */
#include <math.h>

#include "twin/glitch.h"

#define LOAD_A		0.2	/* as the twin's: above, a load */
#define GLITCH_V	0.5	/* a rise no load held can make */
#define HELD		0.9	/* of the last load: a load that held */
#define GLITCH_MAX	3	/* in a row; more are the block's */
#define GAP_S		600	/* longer: the block may have rested */

void
brul_glitch_init(struct brul_glitch *g)
{
	g->v[0] = g->v[1] = NAN;
	g->load_a = 0;
	g->run = 0;
}

int
brul_glitch_is(struct brul_glitch *g, double i, double v, double dt)
{
	double a = -i, top;

	if (!(a > LOAD_A) || dt > GAP_S) {
		brul_glitch_init(g);
		if (!(a > LOAD_A))
			return 0;
	}
	if (isnan(v))
		return 0;
	/* fmax of a NaN is the other: one reading taken is enough */
	top = fmax(g->v[0], g->v[1]);
	if (!isnan(top) && g->run < GLITCH_MAX && a >= HELD * g->load_a &&
	    v - top > GLITCH_V) {
		g->run++;
		return 1;
	}
	g->v[1] = g->v[0];
	g->v[0] = v;
	g->load_a = a;
	g->run = 0;
	return 0;
}

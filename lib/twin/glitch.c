/* glitch.c: see glitch.h. */
#include <math.h>

#include "twin/glitch.h"

#define LOAD_A		0.2	/* as the twin's: above, a load */
#define GLITCH_V	0.5	/* a rise no load held can make */
#define HELD		0.9	/* of the last load: a load that held */
#define GLITCH_MAX	3	/* in a row; more are the block's */

void
brul_glitch_init(struct brul_glitch *g)
{
	g->v = NAN;
	g->load_a = 0;
	g->run = 0;
}

int
brul_glitch_is(struct brul_glitch *g, double i, double v)
{
	double a = -i;

	if (isnan(v))
		return 0;
	if (!(a > LOAD_A)) {
		brul_glitch_init(g);
		return 0;
	}
	if (!isnan(g->v) && g->run < GLITCH_MAX && a >= HELD * g->load_a &&
	    v - g->v > GLITCH_V) {
		g->run++;
		return 1;
	}
	g->v = v;
	g->load_a = a;
	g->run = 0;
	return 0;
}

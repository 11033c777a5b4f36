/*
 * glitch.h: a logger's glitch under load, told from the readings alone.
 * A block driving a load that holds cannot read half a volt higher than
 * it did a reading before (only a falling load gives voltage back; near
 * empty, a halved load gives back most of a volt): a reading that does is
 * the logger's (the tubular logs have a volt's digit off by one now and
 * then), and taken as the block's it would throw the state of charge, or
 * a fit, up for good.  A few such readings in a row are let pass as
 * glitches; more are the block's own.
 *
 * Ownership: struct brul_glitch is plain storage.
 */
#ifndef BRUL_GLITCH_H
#define BRUL_GLITCH_H

struct brul_glitch {
	double v, load_a;	/* the last reading under load taken, and
				 * its load (A); v NaN when there is none
				 * since the load began */
	int run;		/* readings in a row taken for glitches */
};

void brul_glitch_init(struct brul_glitch *g);
/* 1 when the reading (current i in brul's sign, discharge negative, and
 * voltage v) is a glitch, to be left out; else 0, and it is the one the
 * next reading is held against.  A reading not under load ends the load's
 * run; one without a voltage changes nothing. */
int brul_glitch_is(struct brul_glitch *g, double i, double v);

#endif

/*
 * glitch.h: a logger's glitch under load, told from the readings alone.
 * A block driving a load that holds (no more than 10 % lighter) cannot
 * read half a volt higher than it did a reading before (only a lighter
 * load gives voltage back; near empty, a halved load gives back most of
 * a volt): a reading that does is the logger's (the tubular logs have a
 * volt's digit off by one now and then), and taken as the block's it
 * would throw the state of charge, or a fit, up for good.  A few such
 * readings in a row are let pass as glitches; more are the block's own.
 * A reading is held against the higher of the two taken before it, so
 * that one reading too low does not make the next good ones look high;
 * a gap, a reading not under load or one without a current starts over.
 *
 * Ownership: struct brul_glitch is plain storage.
 */
#ifndef BRUL_GLITCH_H
#define BRUL_GLITCH_H

struct brul_glitch {
	double v[2], load_a;	/* the last two readings under load taken
				 * (v[0] the last; NaN: none), and the
				 * last's load (A) */
	int run;		/* readings in a row taken for glitches */
};

void brul_glitch_init(struct brul_glitch *g);
/* 1 when the reading (current i in brul's sign, discharge negative, NaN
 * when missing; voltage v; dt seconds after the last reading) is a
 * glitch, to be left out; else 0, and it is one the next reading is
 * held against.  One without a voltage changes nothing but the time. */
int brul_glitch_is(struct brul_glitch *g, double i, double v, double dt);

#endif

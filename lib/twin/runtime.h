/*
 * runtime.h: how long a discharging block has left: the minutes until its
 * voltage falls to a cut-off at the present load, the question an operator
 * asks during an outage; and, between outages, how long it would hold a
 * given load (the autonomy at the design load; times that current, the
 * capacity at its rate, what a capacity test measures).  The twin's
 * circuit (ecm.h) is run forward from its present state at the last
 * current (or the load given) and temperature it read, until the terminal
 * voltage (knee included) reaches the cut-off or the charge runs out.
 * The interval moves the starting charge by 1.645 standard
 * deviations of the remaining ampere-hours either way, a 90 % interval:
 * what the filter knows (state of charge and capacity together, with
 * their covariance) and what it cannot, where this block's knee lies
 * against its type's circuit (BRUL_RUNTIME_KNEE_SD of the capacity); the
 * load is taken as it is now.
 *
 * Ownership: struct brul_runtime is plain storage; the twin stays the
 * caller's and is not changed.
 */
#ifndef BRUL_RUNTIME_H
#define BRUL_RUNTIME_H

#include "twin/twin.h"

#define BRUL_RUNTIME_CUTOFF_V	10.5	/* per 12 V block: 1.75 V a cell */
#define BRUL_RUNTIME_MAX_MIN	(7 * 24 * 60)	/* beyond: reported as it */
/* Blocks of one type reach their knee this share of their capacity apart
 * (seven aged 9 Ah AGM blocks, each under a circuit fitted on the six
 * others: up to 3 %); a filter that has tracked the voltage all along
 * still cannot tell where this block's lies until it is there. */
#define BRUL_RUNTIME_KNEE_SD	0.015

struct brul_runtime {
	double min, lo_min, hi_min;	/* minutes; NaN when not known */
};

/* The runtime of twin t to cutoff_v (V per block): while the block drives
 * a discharge, at its present load; otherwise, when load_a (A) is above
 * 0.2, at a constant discharge of load_a starting now, from rest.  1 with
 * *rt filled, else 0 with NaN in it (no sample yet; or no discharge and
 * no load_a: pass NAN or 0). */
int brul_twin_runtime(const struct brul_twin *t, double cutoff_v,
		      double load_a, struct brul_runtime *rt);

#endif

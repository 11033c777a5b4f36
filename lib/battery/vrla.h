/*
 * vrla.h: the physics of a 12 V valve-regulated lead-acid block that the
 * simulator, the features, the twin and the alert rules all rely on, in
 * one place.  The numbers are the manufacturers' datasheet values that
 * the documents brul-gen(1) cites rest on (IEEE 1188, IEEE 1635, IEC
 * 60896-21).
 *
 * Everything here is a constant or a pure function of its arguments.
 */
#ifndef BRUL_VRLA_H
#define BRUL_VRLA_H

#include <math.h>

#define BRUL_VRLA_CELLS		6
#define BRUL_VRLA_NOMINAL_V	12.0	/* per block: 2 V per cell */
#define BRUL_VRLA_REF_C		25.0	/* the datasheets' temperature */

/* Float charge: 2.25-2.27 V per cell at 25 degC, compensated by -3 mV per
 * degC and cell between 5 and 40 degC (the charger's probe is clamped
 * there).  13.59 V is the middle of the range: what a string floats at
 * when its charger's set point is not known. */
#define BRUL_VRLA_FLOAT_V	13.59	/* V per block at 25 degC */
#define BRUL_VRLA_TCOMP_V_PER_C	(-0.018)	/* V per degC per block */
#define BRUL_VRLA_TCOMP_LO_C	5.0
#define BRUL_VRLA_TCOMP_HI_C	40.0
/* A new block's float current at 25 degC, per 100 Ah of capacity. */
#define BRUL_VRLA_FLOAT_A_PER_100AH 0.10

/* Arrhenius: life halves, and float current doubles, for every 10 degC
 * above 25 degC. */
#define BRUL_VRLA_DOUBLING_C	10.0

/* End of life: capacity below 80 % of rated (IEEE 1188).  Resistance
 * 50 % over the commissioning baseline means about the same. */
#define BRUL_VRLA_EOL_SOH_PCT	80.0
#define BRUL_VRLA_EOL_R_RATIO	1.5

/* A few hundred full-depth cycles. */
#define BRUL_VRLA_FULL_CYCLES	300.0

/* What a temperature-compensating charger adds to its 25 degC set point
 * (float, boost or equalize) at temperature t, degC. */
static inline double
brul_vrla_tcomp(double t)
{
	if (t < BRUL_VRLA_TCOMP_LO_C)
		t = BRUL_VRLA_TCOMP_LO_C;
	else if (t > BRUL_VRLA_TCOMP_HI_C)
		t = BRUL_VRLA_TCOMP_HI_C;
	return BRUL_VRLA_TCOMP_V_PER_C * (t - BRUL_VRLA_REF_C);
}

/* The float set point at temperature t of a charger set to v25 at 25
 * degC. */
static inline double
brul_vrla_float_setpoint(double v25, double t)
{
	return v25 + brul_vrla_tcomp(t);
}

/* Days of calendar ageing per day at temperature t: 2^((t - 25) / 10). */
static inline double
brul_vrla_arrhenius(double t)
{
	return exp2((t - BRUL_VRLA_REF_C) / BRUL_VRLA_DOUBLING_C);
}

/* A float current measured at t, as it would be at 25 degC. */
static inline double
brul_vrla_float_current_25(double i, double t)
{
	return i * exp2((BRUL_VRLA_REF_C - t) / BRUL_VRLA_DOUBLING_C);
}

#endif

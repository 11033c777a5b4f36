/* test-vrla.c: the battery physics every layer shares (battery/vrla.h):
 * the temperature-compensated float set point, Arrhenius ageing and the
 * float current brought to 25 degC. */
#include <math.h>

#include "battery/vrla.h"
#include "tap.h"

int
main(void)
{
	struct tap t = { 0 };

	tap_near(&t, brul_vrla_float_setpoint(13.59, 25), 13.59, 1e-12,
	    "set point at 25 degC");
	tap_near(&t, brul_vrla_float_setpoint(13.59, 35), 13.41, 1e-12,
	    "set point -18 mV/degC");
	tap_near(&t, brul_vrla_float_setpoint(13.59, 50), 13.32, 1e-12,
	    "set point clamped at 40 degC");
	tap_near(&t, brul_vrla_float_setpoint(13.59, 0), 13.95, 1e-12,
	    "set point clamped at 5 degC");
	tap_near(&t, brul_vrla_tcomp(30) * 1000 / BRUL_VRLA_CELLS, -15, 1e-9,
	    "compensation: -3 mV/degC per cell, 5 degC over 25");
	tap_ok(&t, isnan(brul_vrla_tcomp(NAN)),
	    "no temperature: no compensation, not a clamped one");
	tap_near(&t, brul_vrla_arrhenius(35), 2, 1e-12,
	    "Arrhenius: 10 degC hotter ages twice as fast");
	tap_near(&t, brul_vrla_arrhenius(15), 0.5, 1e-12,
	    "Arrhenius: 10 degC cooler, half as fast");
	tap_near(&t, brul_vrla_float_current_25(0.4, 35), 0.2, 1e-12,
	    "float current at 35 degC is twice that at 25");
	tap_near(&t, BRUL_VRLA_EOL_SOH_PCT / 100, 0.8, 0,
	    "end of life at 80 % of rated capacity");
	tap_ok(&t, BRUL_VRLA_EOL_SOH_PCT / 100 == 0.80,
	    "the fraction is exactly the literal 0.80 the simulator used");
	return tap_done(&t);
}

/* band.c: see band.h. */
#include "ml/band.h"

const char *
brul_band_name(int band)
{
	static const char *const names[BRUL_BANDS] = {
		"0-90", "90-180", "180-365", "365+"
	};

	return band >= 0 && band < BRUL_BANDS ? names[band] : "?";
}

/*
 * fuzz-calib.c: libFuzzer target for the calibration a model file carries
 * (brul_calibration, JSON from a file anyone may edit).
 *
 * Beyond "no crash, no leak": what parses is ascending in every band,
 * gives intervals with p10 <= p90 and probabilities in [0, 1] that grow
 * with the horizon until they become unknown, and writes back to JSON that parses to the same.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ml/calib.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct brul_calib c, back;
	struct brul_err err;
	char *text = malloc(size + 1), *json;
	static const double preds[] = { 0, 45, 90, 200, 365, 1000, 1e9 };

	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (brul_calib_parse(&c, text, &err) < 0) {
		free(text);
		return 0;
	}
	for (size_t k = 0; k < sizeof preds / sizeof preds[0]; k++) {
		double p = preds[k], lo = brul_calib_quantile(&c, p, 10),
		    hi = brul_calib_quantile(&c, p, 90), last = 0;

		if (!(lo <= hi) || lo < 0)
			abort();
		int unknown = 0;

		for (double h = -10; h < 2000; h += 37) {
			double f = brul_calib_pfail(&c, p, h);

			/* unknown past what the labels showed, and from
			 * there on */
			if (isnan(f)) {
				unknown = 1;
				continue;
			}
			if (unknown || !(f >= 0 && f <= 1) || f < last)
				abort();
			last = f;
		}
	}
	if ((json = brul_calib_json(&c)) == NULL ||
	    brul_calib_parse(&back, json, &err) < 0 ||
	    memcmp(&back, &c, sizeof c) != 0)
		abort();
	free(json);
	free(text);
	return 0;
}

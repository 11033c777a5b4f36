/*
 * fuzz-rules.c: libFuzzer target for alert rules files (JSON anyone may
 * edit).  Beyond "no crash, no leak": every rule that parses has its
 * thresholds in order (clear, then critical_clear, then critical, from the
 * good side), so that the state machine's hysteresis holds.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "alert/rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct brul_rules rs;
	struct brul_err err;

	if (brul_rules_load_mem(&rs, data, size, &err) < 0)
		return 0;
	for (int i = 0; i < rs.n; i++) {
		const struct brul_rule *r = &rs.v[i];
		double m = r->above ? 1 : -1;
		double lo = isnan(r->warning) ? r->critical : r->warning;

		if (isnan(lo) || !(m * r->clear <= m * lo) ||
		    (!isnan(r->warning) && !isnan(r->critical) &&
		     (!(m * r->warning <= m * r->critical) ||
		      !(m * r->critical_clear <= m * r->critical) ||
		      !(m * r->critical_clear >= m * r->clear))) ||
		    r->for_s < 0 || r->nwhen > BRUL_RULE_CONDS)
			abort();
	}
	brul_rules_release(&rs);
	return 0;
}

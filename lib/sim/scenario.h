/*
 * scenario.h: the incidents a user asks for (brul-gen --scenario): an
 * outage or an HVAC fault at a site, the thermal runaway or the early
 * failure of one block, at a time of the user's choosing.  They join the
 * world's random incidents (incident.h).  Nothing here allocates.
 */
#ifndef BRUL_SCENARIO_H
#define BRUL_SCENARIO_H

#include <stdint.h>
#include "core/err.h"
#include "sim/incident.h"

/* Parses a --scenario spec into w->scenarios:
 *   hvac,site=ID,start=TS,duration=DUR[,strength=0.9]
 *   outage,site=ID,start=TS,duration=DUR
 *   runaway,slot=N|battery=ID,start=TS
 *   failure,slot=N|battery=ID,start=TS[,mode=open_cell|short_cell]
 * Slots are 1-based in fleet order; a battery id B0005-2 names slot 5.
 * 0, or -1 with err saying what is wrong. */
int brul_scenario_add(struct brul_world *w, const char *spec,
		      struct brul_err *err);

/* The scenario of kind RUNAWAY or FAILURE for slot that strikes between
 * day's start and its end, or NULL. */
const struct brul_incident *brul_scenario_block(const struct brul_world *w,
						int slot, int64_t day);

#endif

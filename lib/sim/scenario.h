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

/* A thermal runaway heats its block this long before the block fails. */
#define BRUL_RUNAWAY_LEAD_S (36 * 3600)

/* Parses a --scenario spec into w->scenarios:
 *   hvac,site=ID,start=TS,duration=DUR[,strength=0.9]
 *   outage,site=ID,start=TS,duration=DUR
 *   runaway,slot=N|battery=ID,start=TS|fail=TS
 *   failure,slot=N|battery=ID,fail=TS[,mode=open_cell|short_cell]
 * Slots are 1-based in fleet order; a battery id B0005-2 names slot 5.  A
 * runaway's start= is when it begins, its fail= when the block fails,
 * BRUL_RUNAWAY_LEAD_S later; a failure's fail= is when the block fails
 * (its resistance rises for a week or two before).  The incident's start
 * is the moment of failure for both.  A key the kind does not take is an
 * error.  0, or -1 with err saying what is wrong. */
int brul_scenario_add(struct brul_world *w, const char *spec,
		      struct brul_err *err);

/* The scenario of kind RUNAWAY or FAILURE for slot that strikes between
 * day's start and its end, or NULL. */
const struct brul_incident *brul_scenario_block(const struct brul_world *w,
						int slot, int64_t day);

#endif

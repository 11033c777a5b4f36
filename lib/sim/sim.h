/*
 * sim.h: the fleet simulator behind brul-gen.
 *
 * The world (fleet, weather, incidents, block ageing; see fleet.h,
 * climate.h, incident.h, ageing.h) is simulated on a fixed one-minute step;
 * the output interval only chooses which minutes are written, so events,
 * labels and every written value are the same at any interval.  Before the
 * window, each slot is aged day by day from its string's install date
 * (blocks reaching end of life are replaced one by one); at each block's
 * installation, or at the start for blocks already in service, its ageing is
 * carried forward day by day (same weather, outages and hazards) until end
 * of life, which gives its exact RUL labels.
 *
 * Streams are written in the order of brul-formats(5): per minute, strings
 * in fleet order, blocks by position; events and labels a day at a time,
 * the fleet files first (batteries last: its removals are known only then).
 *
 * The driver is sim.c; the rest is a slot's life (slot.c), a string's
 * electrical model (electric.c), the days blocks age by (daytab.c) and the
 * streams' names, columns and rows (output.c), joined by simint.h.
 *
 * Ownership: brul_sim_new returns a simulator freed by brul_sim_free; the
 * world and the writers stay the caller's and must outlive it.
 */
#ifndef BRUL_SIM_H
#define BRUL_SIM_H

#include <stdint.h>
#include "core/err.h"
#include "core/progress.h"
#include "core/writer.h"
#include "sim/incident.h"

enum brul_sim_stream {
	BRUL_SIM_TELEMETRY,
	BRUL_SIM_STRING_TELEMETRY,
	BRUL_SIM_TRUTH,
	BRUL_SIM_LABELS,
	BRUL_SIM_EVENTS,
	BRUL_SIM_SITES,
	BRUL_SIM_SYSTEMS,
	BRUL_SIM_STRINGS,
	BRUL_SIM_BATTERIES,
	BRUL_SIM_NSTREAMS
};

/* "telemetry", ...; and the stream for a name, or -1. */
const char *brul_sim_stream_name(enum brul_sim_stream s);
int brul_sim_stream_parse(const char *name);
/* The columns of stream s, in order; *n is set to their count. */
const char *const *brul_sim_stream_columns(enum brul_sim_stream s, int *n);

struct brul_sim_opts {
	int64_t start;		/* first sample, seconds since epoch */
	int64_t minutes;	/* length of the window; 0 with live: no end */
	int interval;		/* output interval, seconds, multiple of 60 */
	int max_batteries;	/* the first N slots of the selection; 0: all */
	const unsigned char *sites;	/* per site: selected; NULL: all */
	int shard, nshards;	/* this share of the selected strings */
	int horizon_days;	/* labels are censored this far past the end */
	/* Called after each written minute in live mode (and never
	 * otherwise) with the minute's time; nonzero stops the run. */
	int (*tick)(void *ctx, int64_t t);
	void *tick_ctx;
};

struct brul_sim_stats {
	uint64_t rows[BRUL_SIM_NSTREAMS];
	int batteries, strings;
	int outages, hvac_faults, failures, replacements, cutoffs;
	int soh_bins[5];	/* at the start: <80, 80-85, 85-90, 90-95, >=95 */
};

struct brul_sim;

struct brul_sim *brul_sim_new(const struct brul_world *w,
			      const struct brul_sim_opts *o,
			      struct brul_err *err);
/* Runs the window, writing into w[s] for each stream s that is not NULL.
 * 0 or -1 (a write error; err set). */
int brul_sim_run(struct brul_sim *s, struct brul_writer *const *w,
		 struct brul_progress *p, struct brul_err *err);
const struct brul_sim_stats *brul_sim_stats(const struct brul_sim *s);
/* Rows of telemetry the window holds (for progress and ETA). */
uint64_t brul_sim_rows(const struct brul_sim *s);
void brul_sim_free(struct brul_sim *s);

#endif

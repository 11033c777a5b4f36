/*
 * engine.h: the alert engine behind brul-alert: rules applied to streams.
 * engine.c implements it, sources.c reads the sources, apply.c applies
 * the rules to each instant (engineint.h is what they share).
 *
 * Sources: telemetry, and optionally the string stream (ambient
 * temperature and each string's mode), the twin's stream, predictions and
 * features.  Each must be in time order across the fleet (the order
 * brul-gen and a live monitor write); the engine merges them by time and
 * takes each instant as a whole: string rows first (modes, ambient), then
 * the blocks' rows, from which it also knows each string's median and mean
 * block temperature at that instant, then the others.  Each rule's value
 * is computed per row, or per string or site over its rows (max, min,
 * mean or spread), and fed to the entity's alert (state.h).
 *
 * Metrics: any numeric column of the rule's source, and, for telemetry,
 *   float_deviation_v  voltage over the temperature-compensated float
 *                      (the system's float_v at 25 degC, -18 mV/degC,
 *                      at the string's ambient, clamped to 5-40 degC)
 *   ambient_c          the string's ambient (string stream)
 *   over_ambient_c     block temperature over it
 *   over_string_c      block temperature over its string's median
 *   float_current_25_a the string current scaled to 25 degC (float
 *                      current doubles per 10 degC: x 2^((25 - T) / 10),
 *                      T the string's mean block temperature)
 *   silence_min        minutes since the block's last voltage or
 *                      temperature reading (a block that stops
 *                      reporting); evaluated at every instant
 * and float_current_25_a for the string stream (T its mean block
 * temperature, or its ambient).
 *
 * A string's mode comes from the string stream; without it, from the
 * current: below -0.5 A discharge, above 0.02 C boost, else float.  An
 * ohmic test is a block's resistance reading.
 *
 * A block rule whose alerts open at one instant on at least 90 % of the
 * blocks of a string in service (4 at least) opens one alert of the
 * string instead, which the later events of those blocks update and
 * clear (group.c): its changes have the string's id and a NULL
 * battery_id.
 *
 * A digest rule's levels are maintenance items, not alerts: the engine
 * judges them as alerts' (thresholds, hysteresis) but tells them once a
 * day, each item held at the day's end (brul_alert_engine_digest).
 *
 * Ownership: brul_alert_engine_new returns an engine freed by
 * brul_alert_engine_free; it keeps a pointer to the rules (which must
 * outlive it) and takes the readers given to brul_alert_engine_source.
 * Changes passed to the callback point into the engine's storage, valid
 * during the call.
 */
#ifndef BRUL_ENGINE_H
#define BRUL_ENGINE_H

#include <stdint.h>
#include "alert/rules.h"
#include "alert/state.h"
#include "core/progress.h"
#include "core/reader.h"

struct brul_alert_change {
	int64_t ts;
	enum brul_alert_event event;
	const struct brul_rule *rule;
	int severity;			/* 1 warning, 2 critical */
	int priority;			/* 1 (first) to 4: state.h */
	const char *alert_id;
	const char *site_id, *string_id, *battery_id;	/* NULL: not concerned */
	double value, threshold;
	int64_t ts_open, ts_clear;	/* ts_clear INT64_MIN unless cleared */
	const char *message;
};

/* Called for each event, in time order; non-zero stops the run (the
 * callback sets err). */
typedef int (*brul_alert_emit)(void *arg, const struct brul_alert_change *ev,
			       struct brul_err *err);

/* A maintenance item of a digest rule (an ageing trend: resistance over
 * baseline, health, remaining life) on a day: the rule's level held at
 * the day's end (UTC), since when, at what value. */
struct brul_digest_item {
	int64_t day;			/* its midnight, UTC */
	const struct brul_rule *rule;
	int severity;			/* 1 warning, 2 critical */
	const char *site_id, *string_id, *battery_id;	/* as alerts' */
	double value, threshold;
	int64_t since;			/* when the level was first held */
	const char *message;
};

/* Called for each item, a day at a time, in order of rule and entity;
 * non-zero stops the run (the callback sets err). */
typedef int (*brul_digest_emit)(void *arg, const struct brul_digest_item *it,
				struct brul_err *err);

struct brul_alert_engine_opts {
	double float_v;		/* float set point at 25 degC when the fleet
				 * gives none, V per block; 0: 13.59 */
	/* counts the telemetry rows read; NULL: none */
	struct brul_progress *progress;
	/* with nshares > 1, only the blocks of that share of the fleet's
	 * sites (battery/share.h); the others' rows are passed over */
	int share, nshares;
};

struct brul_alert_engine;

struct brul_alert_engine *brul_alert_engine_new(
    const struct brul_rules *rules, const struct brul_alert_engine_opts *opts);
void brul_alert_engine_free(struct brul_alert_engine *w);

/* The batteries stream, read by battery/batteries.h (string_id and
 * site_id required in every row; system_id, capacity_ah, baseline_mohm
 * and removed_date used when given): required, before the run. */
int brul_alert_engine_fleet(struct brul_alert_engine *w,
			    struct brul_reader *r, struct brul_err *err);
/* The systems stream (system_id, float_v): each system's float set point.
 * Optional; after the fleet. */
int brul_alert_engine_systems(struct brul_alert_engine *w,
			      struct brul_reader *r, struct brul_err *err);
/* A source, its reader taken (closed even on failure).  Telemetry is
 * required; one reader per kind. */
int brul_alert_engine_source(struct brul_alert_engine *w,
			     enum brul_source kind, struct brul_reader *r,
			     struct brul_err *err);

/* Whether rule i can run with the sources given (its source, and the
 * string stream for ambient_c and over_ambient_c).  After the sources. */
int brul_alert_engine_rule_active(const struct brul_alert_engine *w, int i);

/* Where digest rules' items go ("digest": true in the rules): told at
 * the end of each day the sources reach, and of the last.  Without it
 * they are judged but told to no one.  Before the run. */
void brul_alert_engine_digest(struct brul_alert_engine *w,
			      brul_digest_emit fn, void *arg);

/* Reads every source to its end, passing each event to emit.  0 or -1. */
int brul_alert_engine_run(struct brul_alert_engine *w, brul_alert_emit emit,
			  void *arg, struct brul_err *err);

/* The modes (a mask of enum brul_mode) during or after which active rules
 * are suppressed but which the engine cannot see: without the string
 * stream, a mode is judged from the current, which tells discharge,
 * boost and float but not rest or equalize.  After the run. */
unsigned brul_alert_engine_unseen(const struct brul_alert_engine *w);

/* How many alerts are open now at severity >= min (1 or 2); digest
 * rules' items are not alerts. */
int brul_alert_engine_open(const struct brul_alert_engine *w, int min);

#endif

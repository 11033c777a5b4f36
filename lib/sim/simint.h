/*
 * simint.h: what the files of the fleet simulator share: its state (struct
 * brul_sim), each selected string's and slot's, the events and batteries
 * held until they are written.  sim.c drives the window (setting up, a
 * day, a minute); daytab.c holds the days the blocks age by; slot.c a
 * slot's blocks over their lives; electric.c a string minute by minute;
 * output.c the streams' names, columns and rows.  Not for tools: sim.h is
 * the API.
 */
#ifndef BRUL_SIMINT_H
#define BRUL_SIMINT_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/timefmt.h"
#include "core/writer.h"
#include "sim/ageing.h"
#include "sim/fleet.h"
#include "sim/incident.h"
#include "sim/sim.h"

#define DT 60			/* the simulation step, seconds */

enum mode { M_FLOAT, M_DISCHARGE, M_REST, M_BOOST, M_EQUALIZE };

/* One block slot of a selected string: the block in it, its life, and its
 * electrical, thermal and sensor state. */
struct slot {
	int slot, pos, gen;
	char id[32];
	size_t idlen;
	struct brul_block b;
	struct brul_age a;
	int64_t install_day;
	double baseline_mohm;	/* as measured at commissioning */
	int emit;		/* written to the streams */
	int record;		/* index into the batteries list */

	/* life, from the forward run at installation */
	int64_t eol_day;	/* INT64_MAX: beyond the horizon */
	enum brul_failure eol_fail;
	int64_t fail_t;		/* time of a sudden failure */
	int64_t replace_day;	/* INT64_MAX: none scheduled */
	int failed;
	double precursor;	/* R0 multiplier before an open/short cell */

	/* of the day */
	double cap_ah, r0_25, lnm, voff;

	/* of the minute */
	double soc, vrc1, vrc2, v, temp, r0;
	double runaway_c;

	/* sensors */
	int64_t drop_from, drop_until, stuck_from, stuck_until;
	double stuck_c;
	int pending_r;
	double meas_r;
	uint64_t noise_key;
};

struct strstate {
	int string;
	const struct brul_string *def;
	const struct brul_system *sys;
	struct slot *slots;	/* BRUL_BLOCKS_PER_STRING */
	int emit_blocks;	/* the first n are written */
	size_t idlen;		/* of def->id */
	enum mode mode;
	double current, voltage, t_lag, heat, room;
	double power;		/* constant-power load while discharging, W */
	double cv_soc;		/* mean SOC when boost reached its voltage */
	int in_cv;
	int64_t mode_since, eq_from, eq_until, replace_day;
	int64_t life_cycle;
	uint64_t noise_key;
};

struct sitestate {
	int site;
	int64_t grid_down_from, grid_down_until;
	struct brul_incident hvac[16];	/* faults that may still matter */
	int nhvac;
	double outdoor;
};

struct dayrow {
	float room_c;		/* daily mean room air of the system */
	float outage_h;		/* hours of outage starting that day */
};

struct event {
	int64_t start, end;
	char scope[48], kind[20], detail[96];
	int order;		/* tie-break: fleet order of emission */
};

struct record {			/* one line of the batteries stream */
	char id[32];
	int slot, model;
	int64_t install_day, removed_day;
	double baseline_mohm;
};

struct brul_sim {
	const struct brul_world *w;
	const struct brul_fleet *f;
	struct brul_sim_opts o;
	int64_t start_day, end_day, horizon_day, tab_day0, tab_days;
	struct dayrow *tab;	/* [system][day] */
	struct strstate *strs;
	int nstrs;
	struct sitestate *sites;	/* by site; only the selected used */
	unsigned char *site_used;
	/* A site's or system's own rows and events are written by the shard
	 * holding its first selected string, so that shards never repeat
	 * them. */
	unsigned char *site_own, *sys_own, *site_seen, *sys_seen;
	struct slot *slots;
	struct event *ev;
	int nev, cap_ev;
	struct record *rec;
	int nrec, cap_rec;
	struct brul_sim_stats st;
	uint64_t rows;
};

/* The day holding t (days before 1970 too); x within [lo, hi]; a block's
 * open-circuit voltage at a state of charge and a temperature. */
static inline int64_t
floor_day(int64_t t)
{
	return t >= 0 ? t / BRUL_DAY : -((-t + BRUL_DAY - 1) / BRUL_DAY);
}

static inline double
clampd(double x, double lo, double hi)
{
	return x < lo ? lo : x > hi ? hi : x;
}

static inline double
ocv(const struct slot *k, double soc, double temp)
{
	return 11.70 + 1.32 * soc + 0.0012 * (temp - 25) + k->b.ocv_offset_v;
}

/* daytab.c */
/* The table of room air and outages per selected system and day, from
 * before the oldest string's installation to past the horizon. */
int brul_sim_daytab_build(struct brul_sim *s, struct brul_err *err);
/* A system's day; days outside the table read its nearest. */
const struct dayrow *brul_sim_dayrow(const struct brul_sim *s, int system,
				     int64_t day);

/* slot.c */
void brul_sim_advance(const struct brul_sim *s, struct slot *k,
		      int64_t from, int64_t to);
int64_t brul_sim_replace_delay(const struct brul_sim *s,
			       const struct slot *k);
void brul_sim_refresh_day(const struct brul_sim *s, struct slot *k,
			  int64_t d);
void brul_sim_prehistory(struct brul_sim *s, struct slot *k,
			 int64_t install_day);
/* A new block in k on day: the old one's record closed, the new one's
 * added, its replacement event (why) collected. */
int brul_sim_replace(struct brul_sim *s, struct slot *k, int64_t day,
		     const char *why);
int brul_sim_sensor_day(struct brul_sim *s, struct slot *k, int64_t day);
int brul_sim_failure_events(struct brul_sim *s, struct slot *k,
			    int64_t day);

/* electric.c */
/* The room air of system sys at site at time t. */
double brul_sim_room_temp(const struct brul_sim *s,
			  const struct sitestate *site,
			  const struct brul_system *sys, int64_t t);
double brul_sim_read_temp(const struct slot *k, int64_t t);
/* String ss's minute t: its mode, current, voltages and temperatures;
 * -1: out of memory (an event). */
int brul_sim_string_minute(struct brul_sim *s, struct strstate *ss,
			   int64_t t);

/* output.c */
/* Collects an event, written by brul_sim_flush_events; -1: out of
 * memory. */
int brul_sim_add_event(struct brul_sim *s, int64_t start, int64_t end,
		       const char *scope, const char *kind,
		       const char *detail);
int brul_sim_flush_events(struct brul_sim *s, struct brul_writer *w,
			  int64_t upto);
/* Adds k's block to the batteries stream, written at the end; -1: out of
 * memory. */
int brul_sim_add_record(struct brul_sim *s, struct slot *k);
/* The sites, systems and strings streams, the selected strings' rows. */
int brul_sim_write_fleet(struct brul_sim *s, struct brul_writer *const *w);
int brul_sim_write_batteries(struct brul_sim *s, struct brul_writer *w);
/* The labels of day: one per written block. */
int brul_sim_write_labels(struct brul_sim *s, struct brul_writer *const *w,
			  int64_t day);
/* The rows of minute t: telemetry, string telemetry, truth. */
int brul_sim_write_minute(struct brul_sim *s, struct brul_writer *const *w,
			  int64_t t);

#endif

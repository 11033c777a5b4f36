/* sim.c: see sim.h.  The physics of a string in its modes is described in
 * brul-gen(1); the numbers below are the datasheet and standard values it
 * cites. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "battery/vrla.h"
#include "core/rng.h"
#include "core/timefmt.h"
#include "sim/ageing.h"
#include "sim/climate.h"
#include "sim/rngkey.h"
#include "sim/scenario.h"
#include "sim/sim.h"

#define DT 60			/* the simulation step, seconds */
#define TAFEL_B 0.05		/* V per e-fold of float current, per block */
#define CHARGE_C 0.10		/* charger current limit, fraction of C */
#define CHARGE_EFF 0.97
#define TAU_ROOM_S 7200.0	/* block temperature lags the room air */
#define TAU_RC1_S 90.0		/* charge transfer */
#define TAU_RC2_S 1800.0	/* diffusion */
#define TAU_HEAT_S 3600.0
#define K_HEAT 0.3		/* degC per W of I^2 R */
#define HVAC_UP_S 5400.0	/* room air follows a failed HVAC */
#define HVAC_DOWN_S 3600.0
#define RUNAWAY_S (8 * 3600.0)	/* e-folding of a thermal runaway */
#define RUNAWAY_LEAD_S (36 * 3600)

enum mode { M_FLOAT, M_DISCHARGE, M_REST, M_BOOST, M_EQUALIZE };
static const char *const mode_names[] = { "float", "discharge", "rest",
	"boost", "equalize" };

static const char *const stream_names[BRUL_SIM_NSTREAMS] = { "telemetry",
	"string_telemetry", "truth", "labels", "events", "sites", "systems",
	"strings", "batteries" };

static const char *const cols_telemetry[] = { "ts", "battery_id",
	"string_id", "voltage_v", "current_a", "temperature_c",
	"resistance_mohm" };
static const char *const cols_string[] = { "ts", "string_id", "voltage_v",
	"current_a", "mode", "ambient_c" };
static const char *const cols_truth[] = { "ts", "battery_id", "soc_pct",
	"soh_pct", "capacity_ah", "r0_mohm", "ocv_v", "mode" };
static const char *const cols_labels[] = { "date", "battery_id", "soh_pct",
	"rul_days", "eol_date", "censored", "failure_mode" };
static const char *const cols_events[] = { "ts_start", "ts_end", "scope",
	"kind", "detail" };
static const char *const cols_sites[] = { "site_id", "name", "province",
	"region", "latitude", "longitude", "timezone" };
static const char *const cols_systems[] = { "system_id", "site_id", "kind",
	"strings", "float_v", "boost_v", "load_c_rate" };
static const char *const cols_strings[] = { "string_id", "system_id",
	"site_id", "blocks", "model", "capacity_ah", "install_date" };
static const char *const cols_batteries[] = { "battery_id", "site_id",
	"system_id", "string_id", "position", "model", "capacity_ah",
	"install_date", "removed_date", "baseline_mohm" };

#define COLS(a) { a, (int)(sizeof a / sizeof a[0]) }
static const struct {
	const char *const *cols;
	int n;
} stream_cols[BRUL_SIM_NSTREAMS] = { COLS(cols_telemetry), COLS(cols_string),
	COLS(cols_truth), COLS(cols_labels), COLS(cols_events),
	COLS(cols_sites), COLS(cols_systems), COLS(cols_strings),
	COLS(cols_batteries) };

const char *
brul_sim_stream_name(enum brul_sim_stream s)
{
	return stream_names[s];
}

int
brul_sim_stream_parse(const char *name)
{
	for (int i = 0; i < BRUL_SIM_NSTREAMS; i++)
		if (strcmp(name, stream_names[i]) == 0)
			return i;
	return -1;
}

const char *const *
brul_sim_stream_columns(enum brul_sim_stream s, int *n)
{
	*n = stream_cols[s].n;
	return stream_cols[s].cols;
}

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
	struct sitestate *sites;	/* indexed by site; only selected used */
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

/* ---- helpers ---------------------------------------------------------- */

static int64_t
floor_day(int64_t t)
{
	return t >= 0 ? t / BRUL_DAY : -((-t + BRUL_DAY - 1) / BRUL_DAY);
}

static double
clampd(double x, double lo, double hi)
{
	return x < lo ? lo : x > hi ? hi : x;
}

static double
ocv(const struct slot *k, double soc, double temp)
{
	return 11.70 + 1.32 * soc + 0.0012 * (temp - 25) + k->b.ocv_offset_v;
}

static const struct dayrow *
dayrow(const struct brul_sim *s, int system, int64_t day)
{
	int64_t i = day - s->tab_day0;

	if (i < 0)
		i = 0;
	if (i >= s->tab_days)
		i = s->tab_days - 1;
	return &s->tab[(size_t)system * (size_t)s->tab_days + (size_t)i];
}

static void
fmt_id(struct slot *k)
{
	k->idlen = (size_t)snprintf(k->id, sizeof k->id, "B%04d-%d",
	    k->slot + 1, k->gen);
}

static int
add_event(struct brul_sim *s, int64_t start, int64_t end, const char *scope,
	  const char *kind, const char *detail)
{
	struct event *e;

	if (s->nev == s->cap_ev) {
		int n = s->cap_ev ? 2 * s->cap_ev : 256;
		void *p = realloc(s->ev, (size_t)n * sizeof *s->ev);

		if (!p)
			return -1;
		s->ev = p;
		s->cap_ev = n;
	}
	e = &s->ev[s->nev];
	e->start = start;
	e->end = end;
	e->order = s->nev++;
	snprintf(e->scope, sizeof e->scope, "%s", scope);
	snprintf(e->kind, sizeof e->kind, "%s", kind);
	snprintf(e->detail, sizeof e->detail, "%s", detail);
	return 0;
}

/* ---- the daily world: room air and outages per system and day ---------- */

static int
build_table(struct brul_sim *s, struct brul_err *err)
{
	const struct brul_fleet *f = s->f;
	int64_t d0 = s->start_day, d1 = s->horizon_day + 2;
	struct brul_incident inc[64];
	float *hvac;

	for (int i = 0; i < s->nstrs; i++)
		if (s->strs[i].def->install_day - 8 < d0)
			d0 = s->strs[i].def->install_day - 8;
	s->tab_day0 = d0;
	s->tab_days = d1 - d0;
	s->tab = calloc((size_t)f->nsystems * (size_t)s->tab_days,
	    sizeof *s->tab);
	hvac = calloc((size_t)s->tab_days, sizeof *hvac);
	if (!s->tab || !hvac) {
		free(hvac);
		return brul_err_set(err, NULL, 0, 0, "out of memory");
	}
	for (int site = 0; site < f->nsites; site++) {
		const struct brul_site *st = &f->sites[site];
		int region = st->region;

		if (!s->site_used[site])
			continue;
		memset(hvac, 0, (size_t)s->tab_days * sizeof *hvac);
		/* Outage hours on their first day; HVAC faults spread over
		 * the days they cover, as a share of the day. */
		for (int64_t d = d0; d < d1; d++) {
			int n = brul_incidents_day(s->w, site, d, inc, 64);

			for (int j = 0; j < n; j++) {
				double h = (double)(inc[j].end - inc[j].start) /
				    3600.0;

				if (inc[j].kind == BRUL_INC_OUTAGE) {
					for (int y = 0; y < st->nsystems; y++)
						s->tab[(size_t)(st->first_system
						    + y) * (size_t)s->tab_days +
						    (size_t)(d - d0)].outage_h +=
						    (float)h;
					continue;
				}
				for (int64_t t = inc[j].start; t < inc[j].end;
				    t += 3600) {
					int64_t dd = floor_day(t) - d0;

					if (dd < s->tab_days)
						hvac[dd] += (float)(inc[j].strength
						    / 24.0);
				}
			}
		}
		for (int y = 0; y < st->nsystems; y++) {
			const struct brul_system *sys =
			    &f->systems[st->first_system + y];
			double base = st->setpoint_c + sys->room_offset_c;

			for (int64_t d = d0; d < d1; d++) {
				double out = brul_climate_day_mean(f, region, d);
				double room = base + sys->leak * (out - base);
				double share = hvac[d - d0] > 1 ? 1 : hvac[d - d0];

				room += share * (out - room);
				s->tab[(size_t)(st->first_system + y) *
				    (size_t)s->tab_days + (size_t)(d - d0)].room_c =
				    (float)room;
			}
		}
	}
	free(hvac);
	return 0;
}

/* ---- a block's life ----------------------------------------------------- */

static int
system_of(const struct brul_sim *s, const struct slot *k)
{
	return s->f->strings[k->slot / BRUL_BLOCKS_PER_STRING].system;
}

/* Age k from the start of day `from` to the start of day `to`. */
static void
advance(const struct brul_sim *s, struct slot *k, int64_t from, int64_t to)
{
	int sys = system_of(s, k);
	double load = s->f->systems[sys].load_c;

	for (int64_t d = from; d < to; d++) {
		const struct dayrow *r = dayrow(s, sys, d);

		brul_block_age_day(&k->b, &k->a, r->room_c + k->b.t_offset_c,
		    r->outage_h, load);
	}
}

/* Carries k's ageing forward from day `from` (its state now) until its
 * capacity falls below 80 % or a sudden failure (drawn, or a user's
 * scenario) strikes; sets eol_day, eol_fail and fail_t. */
static void
find_eol(const struct brul_sim *s, struct slot *k, int64_t from)
{
	struct brul_age a = k->a;
	int sys = system_of(s, k);
	double load = s->f->systems[sys].load_c;

	k->eol_day = INT64_MAX;
	k->eol_fail = BRUL_FAIL_NONE;
	for (int64_t d = from; d < s->horizon_day; d++) {
		const struct dayrow *r = dayrow(s, sys, d);
		double temp = r->room_c + k->b.t_offset_c;
		const struct brul_incident *sc;
		enum brul_failure fk;
		int64_t t;

		if (brul_block_capacity(&k->b, &a) <
		    BRUL_VRLA_EOL_SOH_PCT / 100) {
			k->eol_day = d;
			return;
		}
		if ((sc = brul_scenario_block(s->w, k->slot, d)) != NULL) {
			k->eol_day = d;
			k->eol_fail = sc->failure;
			k->fail_t = sc->start;
			return;
		}
		fk = brul_block_hazard(&k->b, &a, s->f, k->slot, k->gen, d,
		    temp, &t);
		if (fk != BRUL_FAIL_NONE) {
			k->eol_day = d;
			k->eol_fail = fk;
			k->fail_t = t;
			return;
		}
		brul_block_age_day(&k->b, &a, temp, r->outage_h, load);
	}
}

/* Days an operator takes to replace a block: a dead one within days, one
 * found below 80 % within weeks. */
static int64_t
replace_delay(const struct brul_sim *s, const struct slot *k)
{
	uint64_t x = brul_rng_at(brul_rng_key(s->f->seed, BRUL_KEY_REPLACE,
	    (uint64_t)k->slot, (uint64_t)k->gen), 0);
	double u = brul_u64_uniform(x);

	return k->eol_fail != BRUL_FAIL_NONE ? 1 + (int64_t)(4 * u) :
	    3 + (int64_t)(27 * u);
}

static void
install(struct brul_sim *s, struct slot *k, int64_t day)
{
	int model = s->f->strings[k->slot / BRUL_BLOCKS_PER_STRING].model;
	struct brul_rng g;

	k->gen++;
	fmt_id(k);
	brul_block_draw(&k->b, s->f, k->slot, k->gen, model);
	k->a.a_eq = 0;
	k->install_day = day;
	k->failed = 0;
	k->replace_day = INT64_MAX;
	k->soc = 1;
	k->vrc1 = k->vrc2 = 0;
	k->runaway_c = 0;
	/* The commissioning measurement, at the room's temperature. */
	brul_rng_init(&g, brul_rng_key(s->f->seed, BRUL_KEY_BLOCK,
	    (uint64_t)k->slot, (uint64_t)k->gen), 100);
	k->baseline_mohm = round(100 * k->b.rbase_mohm *
	    (1 + 0.01 * brul_rng_normal(&g))) / 100;
	find_eol(s, k, day);
}

/* The block's state for day d: capacity, R0, float signature. */
static void
refresh_day(const struct brul_sim *s, struct slot *k, int64_t d)
{
	const struct brul_blockmodel *m = &s->f->models[k->b.model];

	k->cap_ah = m->capacity_ah * brul_block_capacity(&k->b, &k->a);
	k->r0_25 = brul_block_r0(&k->b, &k->a);
	k->lnm = log(brul_block_float_mult(&k->b, &k->a));
	k->voff = brul_block_float_offset(&k->b, &k->a);
	k->precursor = 1;
	/* An open or shorted cell announces itself: impedance climbs over
	 * the last one to two weeks. */
	if (k->eol_fail == BRUL_FAIL_OPEN_CELL ||
	    k->eol_fail == BRUL_FAIL_SHORT_CELL) {
		int64_t lead = 7 + (k->slot + k->gen) % 8;
		int64_t into = d - (k->eol_day - lead);

		if (into >= 0 && d <= k->eol_day) {
			double x = (double)into / (double)lead;

			k->precursor = 1 + 1.5 * x * x;
		}
	}
	k->r0_25 *= k->precursor;
}

static int
add_record(struct brul_sim *s, struct slot *k)
{
	struct record *r;

	if (s->nrec == s->cap_rec) {
		int n = s->cap_rec ? 2 * s->cap_rec : 64;
		void *p = realloc(s->rec, (size_t)n * sizeof *s->rec);

		if (!p)
			return -1;
		s->rec = p;
		s->cap_rec = n;
	}
	r = &s->rec[s->nrec];
	memcpy(r->id, k->id, sizeof r->id);
	r->slot = k->slot;
	r->model = k->b.model;
	r->install_day = k->install_day;
	r->removed_day = INT64_MAX;
	r->baseline_mohm = k->baseline_mohm;
	k->record = s->nrec++;
	return 0;
}

/* The slot's history up to the window: installed with its string, replaced
 * one by one as blocks reach end of life or fail, aged day by day. */
static void
prehistory(struct brul_sim *s, struct slot *k, int64_t install_day)
{
	int64_t day = install_day;

	k->gen = 0;
	for (;;) {
		install(s, k, day);
		if (k->eol_day >= s->start_day)
			break;
		k->replace_day = k->eol_day + replace_delay(s, k);
		if (k->replace_day >= s->start_day) {
			/* Dead or worn out, awaiting its replacement. */
			k->failed = k->eol_fail != BRUL_FAIL_NONE;
			break;
		}
		advance(s, k, day, k->replace_day);
		day = k->replace_day;
	}
	advance(s, k, k->install_day, s->start_day);
}

/* ---- setting up --------------------------------------------------------- */

struct brul_sim *
brul_sim_new(const struct brul_world *w, const struct brul_sim_opts *o,
	     struct brul_err *err)
{
	const struct brul_fleet *f = w->fleet;
	struct brul_sim *s = calloc(1, sizeof *s);
	int nsel = 0, left;

	if (!s) {
		brul_err_set(err, NULL, 0, 0, "out of memory");
		return NULL;
	}
	s->w = w;
	s->f = f;
	s->o = *o;
	if (s->o.nshards < 1)
		s->o.nshards = 1;
	s->start_day = floor_day(o->start);
	s->end_day = floor_day(o->start + (o->minutes ? o->minutes :
	    3653LL * 1440) * 60 - 1) + 1;
	s->horizon_day = s->end_day + (o->horizon_days > 0 ? o->horizon_days :
	    3650);
	s->strs = calloc((size_t)f->nstrings, sizeof *s->strs);
	s->slots = calloc((size_t)f->nstrings * BRUL_BLOCKS_PER_STRING,
	    sizeof *s->slots);
	s->sites = calloc((size_t)f->nsites, sizeof *s->sites);
	s->site_used = calloc((size_t)f->nsites, 1);
	s->site_own = calloc((size_t)f->nsites, 1);
	s->site_seen = calloc((size_t)f->nsites, 1);
	s->sys_own = calloc((size_t)f->nsystems, 1);
	s->sys_seen = calloc((size_t)f->nsystems, 1);
	if (!s->strs || !s->slots || !s->sites || !s->site_used ||
	    !s->site_own || !s->site_seen || !s->sys_own || !s->sys_seen)
		goto nomem;

	/* Selection: sites, then the first N slots, then this shard's
	 * strings.  A string partly inside the first N is simulated whole
	 * (its blocks share one current) but written in part. */
	left = o->max_batteries > 0 ? o->max_batteries : INT32_MAX;
	for (int i = 0; i < f->nstrings && left > 0; i++) {
		const struct brul_string *def = &f->strings[i];
		struct strstate *ss;

		int mine;

		if (o->sites && !o->sites[def->site])
			continue;
		nsel++;
		mine = (nsel - 1) % s->o.nshards == s->o.shard;
		if (!s->site_seen[def->site]++)
			s->site_own[def->site] = (unsigned char)mine;
		if (!s->sys_seen[def->system]++)
			s->sys_own[def->system] = (unsigned char)mine;
		if (!mine) {
			left -= BRUL_BLOCKS_PER_STRING;
			continue;
		}
		ss = &s->strs[s->nstrs++];
		ss->string = i;
		ss->def = def;
		ss->idlen = strlen(def->id);
		ss->sys = &f->systems[def->system];
		ss->emit_blocks = left < BRUL_BLOCKS_PER_STRING ? left :
		    BRUL_BLOCKS_PER_STRING;
		left -= ss->emit_blocks;
		ss->slots = &s->slots[(size_t)(s->nstrs - 1) *
		    BRUL_BLOCKS_PER_STRING];
		ss->noise_key = brul_rng_key(f->seed, BRUL_KEY_STRING_NOISE,
		    (uint64_t)i, 0);
		s->site_used[def->site] = 1;
	}
	if (s->nstrs == 0) {
		brul_err_set(err, NULL, 0, 0, "the selection holds no battery");
		brul_sim_free(s);
		return NULL;
	}
	if (build_table(s, err) < 0) {
		brul_sim_free(s);
		return NULL;
	}
	for (int i = 0; i < s->nstrs; i++) {
		struct strstate *ss = &s->strs[i];

		ss->replace_day = ss->def->install_day +
		    (int64_t)(365.25 * ss->def->life_limit_years);
		s->st.strings++;
		for (int p = 0; p < BRUL_BLOCKS_PER_STRING; p++) {
			struct slot *k = &ss->slots[p];

			k->slot = ss->string * BRUL_BLOCKS_PER_STRING + p;
			k->pos = p;
			k->emit = p < ss->emit_blocks;
			k->noise_key = brul_rng_key(f->seed, BRUL_KEY_NOISE,
			    (uint64_t)k->slot, 0);
			prehistory(s, k, ss->def->install_day);
			if (k->emit) {
				double soh = 100 * brul_block_capacity(&k->b,
				    &k->a);

				if (add_record(s, k) < 0)
					goto nomem;
				s->st.batteries++;
				s->st.soh_bins[soh < 80 ? 0 : soh < 85 ? 1 :
				    soh < 90 ? 2 : soh < 95 ? 3 : 4]++;
			}
		}
	}
	return s;
nomem:
	brul_err_set(err, NULL, 0, 0, "out of memory");
	brul_sim_free(s);
	return NULL;
}

void
brul_sim_free(struct brul_sim *s)
{
	if (!s)
		return;
	free(s->tab);
	free(s->strs);
	free(s->slots);
	free(s->sites);
	free(s->site_used);
	free(s->site_own);
	free(s->site_seen);
	free(s->sys_own);
	free(s->sys_seen);
	free(s->ev);
	free(s->rec);
	free(s);
}

const struct brul_sim_stats *
brul_sim_stats(const struct brul_sim *s)
{
	return &s->st;
}

uint64_t
brul_sim_rows(const struct brul_sim *s)
{
	uint64_t per = 0;

	for (int i = 0; i < s->nstrs; i++)
		per += (uint64_t)s->strs[i].emit_blocks;
	return per * (uint64_t)((s->o.minutes * 60 + s->o.interval - 1) /
	    s->o.interval);
}

/* ---- writing ------------------------------------------------------------ */

static int
by_time(const void *a, const void *b)
{
	const struct event *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->order - y->order;
}

/* Events are collected over a day and written sorted by start, those that
 * start by `upto` (live mode writes none before its time). */
static int
flush_events(struct brul_sim *s, struct brul_writer *w, int64_t upto)
{
	int i = 0;

	if (s->nev > 1)
		qsort(s->ev, (size_t)s->nev, sizeof *s->ev, by_time);
	for (; i < s->nev && s->ev[i].start <= upto; i++) {
		if (w) {
			const struct event *e = &s->ev[i];

			brul_writer_time(w, e->start);
			if (e->end > e->start)
				brul_writer_time(w, e->end);
			else
				brul_writer_null(w);
			brul_writer_cstr(w, e->scope);
			brul_writer_cstr(w, e->kind);
			brul_writer_cstr(w, e->detail);
			if (brul_writer_end(w) < 0)
				return -1;
			s->st.rows[BRUL_SIM_EVENTS]++;
		}
	}
	if (i > 0) {
		memmove(s->ev, s->ev + i, (size_t)(s->nev - i) * sizeof *s->ev);
		s->nev -= i;
	}
	return 0;
}

static int
write_fleet(struct brul_sim *s, struct brul_writer *const *w)
{
	const struct brul_fleet *f = s->f;
	struct brul_writer *ws = w[BRUL_SIM_SITES], *wy = w[BRUL_SIM_SYSTEMS];
	struct brul_writer *wt = w[BRUL_SIM_STRINGS];
	int last_site = -1, last_sys = -1;

	for (int i = 0; i < s->nstrs; i++) {
		const struct strstate *ss = &s->strs[i];
		const struct brul_site *site = &f->sites[ss->def->site];
		const struct brul_system *sys = ss->sys;
		const struct brul_blockmodel *m = &f->models[ss->def->model];

		if (ws && ss->def->site != last_site &&
		    s->site_own[ss->def->site]) {
			brul_writer_cstr(ws, site->id);
			brul_writer_cstr(ws, site->name);
			brul_writer_cstr(ws, site->province);
			brul_writer_cstr(ws, f->regions[site->region].name);
			brul_writer_fixed(ws, site->latitude, 3);
			brul_writer_fixed(ws, site->longitude, 3);
			brul_writer_cstr(ws, "Asia/Bangkok");
			if (brul_writer_end(ws) < 0)
				return -1;
			s->st.rows[BRUL_SIM_SITES]++;
		}
		if (wy && ss->def->system != last_sys &&
		    s->sys_own[ss->def->system]) {
			brul_writer_cstr(wy, sys->id);
			brul_writer_cstr(wy, site->id);
			brul_writer_cstr(wy, sys->kind == BRUL_UPS ? "ups" :
			    "rectifier");
			brul_writer_int(wy, sys->nstrings);
			brul_writer_fixed(wy, sys->float_v, 3);
			brul_writer_fixed(wy, sys->boost_v, 3);
			brul_writer_fixed(wy, sys->load_c, 3);
			if (brul_writer_end(wy) < 0)
				return -1;
			s->st.rows[BRUL_SIM_SYSTEMS]++;
		}
		last_site = ss->def->site;
		last_sys = ss->def->system;
		if (wt) {
			brul_writer_cstr(wt, ss->def->id);
			brul_writer_cstr(wt, sys->id);
			brul_writer_cstr(wt, site->id);
			brul_writer_int(wt, BRUL_BLOCKS_PER_STRING);
			brul_writer_cstr(wt, m->name);
			brul_writer_fixed(wt, m->capacity_ah, 0);
			brul_writer_date(wt, ss->def->install_day);
			if (brul_writer_end(wt) < 0)
				return -1;
			s->st.rows[BRUL_SIM_STRINGS]++;
		}
	}
	return 0;
}

static int
write_batteries(struct brul_sim *s, struct brul_writer *w)
{
	const struct brul_fleet *f = s->f;

	if (!w)
		return 0;
	for (int i = 0; i < s->nrec; i++) {
		const struct record *r = &s->rec[i];
		const struct brul_string *str =
		    &f->strings[r->slot / BRUL_BLOCKS_PER_STRING];

		brul_writer_cstr(w, r->id);
		brul_writer_cstr(w, f->sites[str->site].id);
		brul_writer_cstr(w, f->systems[str->system].id);
		brul_writer_cstr(w, str->id);
		brul_writer_int(w, r->slot % BRUL_BLOCKS_PER_STRING + 1);
		brul_writer_cstr(w, f->models[r->model].name);
		brul_writer_fixed(w, f->models[r->model].capacity_ah, 0);
		brul_writer_date(w, r->install_day);
		if (r->removed_day != INT64_MAX)
			brul_writer_date(w, r->removed_day);
		else
			brul_writer_null(w);
		brul_writer_fixed(w, r->baseline_mohm, 2);
		if (brul_writer_end(w) < 0)
			return -1;
		s->st.rows[BRUL_SIM_BATTERIES]++;
	}
	return 0;
}

/* ---- a day ------------------------------------------------------------- */

static int
replace(struct brul_sim *s, struct slot *k, int64_t day, const char *why)
{
	char detail[96];
	int64_t t = day * BRUL_DAY;

	if (k->emit)
		s->rec[k->record].removed_day = day;
	snprintf(detail, sizeof detail, "replaces %s (%s)", k->id, why);
	install(s, k, day);
	refresh_day(s, k, day);
	if (!k->emit)
		return 0;
	s->st.replacements++;
	if (add_record(s, k) < 0 || add_event(s, t, t, k->id, "replacement",
	    detail) < 0)
		return -1;
	s->st.batteries++;
	return 0;
}

/* Sensor faults of a slot's monitor on one day: dropouts (no voltage or
 * temperature) about once in two years, stuck temperature readings about
 * once in three; a Poisson process per day like every hazard. */
static int
sensor_day(struct brul_sim *s, struct slot *k, int64_t day)
{
	struct brul_rng g;
	double at;

	brul_rng_init(&g, brul_rng_key(s->f->seed, BRUL_KEY_SENSOR,
	    (uint64_t)k->slot, 0), (uint64_t)day << 6);
	for (int kind = 0; kind < 2; kind++) {
		double rate = (kind == 0 ? 0.5 : 0.33) / 365.25;

		at = brul_rng_exp(&g) / rate;
		if (at < 1.0) {
			int64_t t0 = day * BRUL_DAY + 60 * (int64_t)(at * 1440);
			double med = kind == 0 ? 1800 : 4 * 3600;
			int64_t len = 60 * (int64_t)ceil(clampd(med *
			    exp(1.0 * brul_rng_normal(&g)), 300, 12 * 3600) /
			    60);

			if (kind == 0) {
				k->drop_from = t0;
				k->drop_until = t0 + len;
			} else {
				k->stuck_from = t0;
				k->stuck_until = t0 + len;
			}
			if (k->emit && add_event(s, t0, t0 + len, k->id,
			    "sensor_fault", kind == 0 ? "dropout" :
			    "stuck temperature") < 0)
				return -1;
		}
	}
	return 0;
}

/* A sudden failure as an operator sees it: a thermal runaway announces
 * itself 36 h ahead (its event starts then), then the block fails. */
static int
failure_events(struct brul_sim *s, struct slot *k, int64_t day)
{
	char detail[96];
	const char *scen = brul_scenario_block(s->w, k->slot, k->eol_day) ?
	    "; scenario" : "";

	if (k->eol_fail == BRUL_FAIL_NONE || k->eol_day == INT64_MAX)
		return 0;
	if (k->eol_fail == BRUL_FAIL_THERMAL_RUNAWAY &&
	    floor_day(k->fail_t - RUNAWAY_LEAD_S) == day) {
		snprintf(detail, sizeof detail,
		    "temperature and float current rising together%s", scen);
		if (add_event(s, k->fail_t - RUNAWAY_LEAD_S, k->fail_t, k->id,
		    "thermal_runaway", detail) < 0)
			return -1;
	}
	if (day != k->eol_day)
		return 0;
	s->st.failures++;
	snprintf(detail, sizeof detail, "%s%s", brul_failure_name(k->eol_fail),
	    scen);
	return add_event(s, k->fail_t, k->fail_t, k->id, "failure", detail);
}

static int
begin_day(struct brul_sim *s, int64_t day, struct brul_writer *const *w,
	  int first)
{
	const struct brul_fleet *f = s->f;
	struct brul_incident inc[64];
	char detail[96];
	int last_sys = -1;

	/* Site incidents that start today. */
	for (int site = 0; site < f->nsites; site++) {
		struct sitestate *ss = &s->sites[site];
		int n, m = 0;

		if (!s->site_used[site])
			continue;
		ss->site = site;
		/* Keep HVAC faults whose effect has not yet faded. */
		for (int j = 0; j < ss->nhvac; j++)
			if (ss->hvac[j].end + 6 * 3600 > day * BRUL_DAY)
				ss->hvac[m++] = ss->hvac[j];
		ss->nhvac = m;
		n = brul_incidents_day(s->w, site, day, inc, 64);
		for (int j = 0; j < n; j++) {
			const struct brul_incident *x = &inc[j];
			int hvac = x->kind == BRUL_INC_HVAC_FAULT;

			if (hvac) {
				if (ss->nhvac < 16)
					ss->hvac[ss->nhvac++] = *x;
				snprintf(detail, sizeof detail,
				    "room cooling lost (the room drifts %.0f %% "
				    "of the way to outdoor air)%s", 100 * x->strength,
				    x->scenario ? "; scenario" : "");
			} else {
				if (x->start < ss->grid_down_until)
					ss->grid_down_until = x->end >
					    ss->grid_down_until ? x->end :
					    ss->grid_down_until;
				else {
					ss->grid_down_from = x->start;
					ss->grid_down_until = x->end;
				}
				snprintf(detail, sizeof detail,
				    "grid supply lost for %lld min%s",
				    (long long)(x->end - x->start) / 60,
				    x->scenario ? "; scenario" : "");
			}
			if (!s->site_own[site])
				continue;
			if (hvac)
				s->st.hvac_faults++;
			else
				s->st.outages++;
			if (add_event(s, x->start, x->end, f->sites[site].id,
			    hvac ? "hvac_fault" : "outage", detail) < 0)
				return -1;
		}
	}
	for (int i = 0; i < s->nstrs; i++) {
		struct strstate *ss = &s->strs[i];
		int eqd = ss->sys->equalize_days;

		/* Some plants equalize on a schedule: 8 h from 03:00 UTC. */
		if (eqd > 0 && (day + ss->def->system * 37) % eqd == 0) {
			int64_t t0 = day * BRUL_DAY + 3 * 3600;

			ss->eq_from = t0;
			ss->eq_until = t0 + 8 * 3600;
			if (ss->def->system != last_sys &&
			    s->sys_own[ss->def->system] && add_event(s, t0,
			    t0 + 8 * 3600, ss->sys->id, "equalize",
			    "scheduled equalize charge, 8 h") < 0)
				return -1;
		}
		last_sys = ss->def->system;
		if (day == ss->replace_day) {
			for (int p = 0; p < BRUL_BLOCKS_PER_STRING; p++)
				if (replace(s, &ss->slots[p], day,
				    "string replaced at end of service life")
				    < 0)
					return -1;
			ss->replace_day = day + (int64_t)(365.25 *
			    ss->def->life_limit_years);
		}
		for (int p = 0; p < BRUL_BLOCKS_PER_STRING; p++) {
			struct slot *k = &ss->slots[p];

			if (day == k->replace_day) {
				if (replace(s, k, day, k->eol_fail ==
				    BRUL_FAIL_NONE ? "below 80 % capacity" :
				    brul_failure_name(k->eol_fail)) < 0)
					return -1;
			} else {
				if (!first && day > k->install_day)
					advance(s, k, day - 1, day);
				refresh_day(s, k, day);
			}
			if (day == k->eol_day && k->replace_day == INT64_MAX)
				k->replace_day = day + replace_delay(s, k) +
				    (k->eol_fail != BRUL_FAIL_NONE);
			if (k->emit && failure_events(s, k, day) < 0)
				return -1;
			if (sensor_day(s, k, day) < 0)
				return -1;
		}
	}
	/* Labels: one per written block and day. */
	if (w[BRUL_SIM_LABELS]) {
		struct brul_writer *wl = w[BRUL_SIM_LABELS];

		for (int i = 0; i < s->nstrs; i++)
			for (int p = 0; p < s->strs[i].emit_blocks; p++) {
				const struct slot *k = &s->strs[i].slots[p];
				int censored = k->eol_day == INT64_MAX;
				int64_t rul = censored ? s->horizon_day - day :
				    k->eol_day > day ? k->eol_day - day : 0;

				brul_writer_date(wl, day);
				brul_writer_cstr(wl, k->id);
				brul_writer_fixed(wl, 100 *
				    brul_block_capacity(&k->b, &k->a), 2);
				brul_writer_int(wl, rul);
				if (censored)
					brul_writer_null(wl);
				else
					brul_writer_date(wl, k->eol_day);
				brul_writer_int(wl, censored);
				if (censored)
					brul_writer_null(wl);
				else
					brul_writer_cstr(wl, k->eol_fail !=
					    BRUL_FAIL_NONE ?
					    brul_failure_name(k->eol_fail) :
					    brul_wear_name(k->b.wear));
				if (brul_writer_end(wl) < 0)
					return -1;
				s->st.rows[BRUL_SIM_LABELS]++;
			}
	}
	return 0;
}

/* ---- a minute ----------------------------------------------------------- */

static double
room_temp(const struct brul_sim *s, const struct sitestate *site,
	  const struct brul_system *sys, int64_t t)
{
	double base = s->f->sites[site->site].setpoint_c + sys->room_offset_c;
	double normal = base + sys->leak * (site->outdoor - base);
	double share = 0;

	/* A failed HVAC lets the room drift toward outdoor air, and it
	 * recovers as fast once repaired. */
	for (int j = 0; j < site->nhvac; j++) {
		const struct brul_incident *h = &site->hvac[j];
		double up;

		if (t < h->start)
			continue;
		up = -expm1(-(double)((t < h->end ? t : h->end) - h->start) /
		    HVAC_UP_S);
		if (t >= h->end)
			up *= exp(-(double)(t - h->end) / HVAC_DOWN_S);
		share += h->strength * up;
	}
	return normal + (share > 1 ? 1 : share) * (site->outdoor - normal);
}

/* What the block's own sensor reads now (before dropouts). */
static double
read_temp(const struct slot *k, int64_t t)
{
	uint64_t x = brul_rng_at(k->noise_key, (uint64_t)(t / 60) * 4 + 1);

	return round(10 * (k->temp + 0.1 * brul_u64_normal_fast(x))) / 10;
}

static void
block_temps(struct strstate *ss, int64_t t)
{
	for (int p = 0; p < BRUL_BLOCKS_PER_STRING; p++) {
		struct slot *k = &ss->slots[p];

		if (k->eol_fail == BRUL_FAIL_THERMAL_RUNAWAY && !k->failed &&
		    t >= k->fail_t - RUNAWAY_LEAD_S)
			k->runaway_c = 20 * exp((double)(t - k->fail_t) /
			    RUNAWAY_S);
		else
			k->runaway_c *= exp(-DT / 3600.0);
		if (!k->failed && k->eol_fail != BRUL_FAIL_NONE &&
		    t >= k->fail_t)
			k->failed = 1;
		k->temp = ss->t_lag + k->b.t_offset_c + ss->heat + k->runaway_c;
		k->r0 = k->r0_25 * clampd(1 - 0.008 * (k->temp - 25), 0.7, 1.3);
		if (k->failed && k->eol_fail == BRUL_FAIL_OPEN_CELL)
			k->r0 *= 20;
		if (t == k->stuck_from)
			k->stuck_c = read_temp(k, t);
	}
}

/* Voltage-controlled modes (float, equalize, boost at its voltage): the
 * charger holds the string; the blocks share its voltage by their float
 * current demand (Tafel: a block that draws more sits lower). */
static void
held_voltage(struct strstate *ss, double vset, double c_rated, int mode_cv)
{
	double lsum = 0, osum = 0, ssum = 0, ifloat, vsum = 0;
	int n = 0;

	for (int p = 0; p < BRUL_BLOCKS_PER_STRING; p++) {
		struct slot *k = &ss->slots[p];

		if (k->failed)
			continue;
		lsum += k->lnm + 0.0693 * (k->temp - 25) + k->runaway_c / 3;
		osum += k->voff;
		ssum += k->soc;
		n++;
	}
	if (n == 0)
		n = 1;
	ifloat = c_rated / 100 * BRUL_VRLA_FLOAT_A_PER_100AH *
	    exp(lsum / n);
	if (ss->mode == M_EQUALIZE)
		ss->current = 5 * ifloat;
	else if (mode_cv) {
		double i = CHARGE_C * c_rated * (1 - ssum / n) /
		    (1 - ss->cv_soc + 1e-9);

		ss->current = i > ifloat ? i : ifloat;
	} else
		ss->current = ifloat;
	for (int p = 0; p < BRUL_BLOCKS_PER_STRING; p++) {
		struct slot *k = &ss->slots[p];
		double l = k->lnm + 0.0693 * (k->temp - 25) + k->runaway_c / 3;

		k->vrc1 *= exp(-DT / TAU_RC1_S);
		k->vrc2 *= exp(-DT / TAU_RC2_S);
		if (k->failed) {
			k->v = k->eol_fail == BRUL_FAIL_SHORT_CELL ?
			    vset * 5 / 6 : ocv(k, 0.1, k->temp);
		} else {
			k->v = vset + TAFEL_B * (lsum / n - l) + k->voff -
			    osum / n;
			if (mode_cv && k->soc < 1)
				k->soc += CHARGE_EFF * ss->current * DT /
				    3600 / k->cap_ah;
			else
				k->soc += (1 - k->soc) * (DT / 21600.0);
			if (k->soc > 1)
				k->soc = 1;
		}
		vsum += k->v;
	}
	ss->voltage = vsum;
}

/* Current-driven modes: discharge into the load, rest after cut-off,
 * charge at the charger's current limit. */
static void
driven_current(struct strstate *ss, double c_rated)
{
	double e1 = exp(-DT / TAU_RC1_S), e2 = exp(-DT / TAU_RC2_S);
	double i = ss->current, c = fabs(i) / c_rated, vsum = 0;

	for (int p = 0; p < BRUL_BLOCKS_PER_STRING; p++) {
		struct slot *k = &ss->slots[p];
		double r = k->r0 / 1000, cap, v;

		if (k->failed) {
			k->v = k->eol_fail == BRUL_FAIL_SHORT_CELL ?
			    ocv(k, k->soc, k->temp) * 5 / 6 :
			    ocv(k, 0.1, k->temp) + i * r;
			vsum += k->v;
			continue;
		}
		cap = k->cap_ah * clampd(1 + 0.006 * (k->temp - 25), 0.7, 1.1);
		k->soc += (i > 0 ? CHARGE_EFF : 1) * i * DT / 3600 / cap;
		k->soc = clampd(k->soc, 0, 1);
		k->vrc1 = k->vrc1 * e1 + 0.6 * r * i * (1 - e1);
		k->vrc2 = k->vrc2 * e2 + 1.0 * r * i * (1 - e2);
		v = ocv(k, k->soc, k->temp) + i * r + k->vrc1 + k->vrc2;
		if (i < 0) {
			/* End of discharge: acid depletion near empty, the
			 * sooner the higher the rate (Peukert). */
			double s = k->soc > 0.03 ? k->soc : 0.03;
			double eod = 0.24 * c / (s * s);

			v -= eod < 1.6 ? eod : 1.6;
		} else if (i > 0) {
			/* Charge overvoltage rising toward full. */
			v += c * (2.5 + 12 * pow(k->soc, 6));
		}
		k->v = v;
		vsum += v;
	}
	ss->voltage = vsum;
}

static int
string_minute(struct brul_sim *s, struct strstate *ss, int64_t t)
{
	const struct brul_system *sys = ss->sys;
	double c_rated = s->f->models[ss->def->model].capacity_ah;
	struct sitestate *site = &s->sites[ss->def->site];
	int down = t >= site->grid_down_from && t < site->grid_down_until;
	double comp, r_mean = 0;

	ss->room = room_temp(s, site, sys, t);
	ss->t_lag += (1 - exp(-DT / TAU_ROOM_S)) * (ss->room - ss->t_lag);
	for (int p = 0; p < BRUL_BLOCKS_PER_STRING; p++)
		r_mean += ss->slots[p].r0 / BRUL_BLOCKS_PER_STRING;
	ss->heat += (1 - exp(-DT / TAU_HEAT_S)) * (K_HEAT * ss->current *
	    ss->current * r_mean / 1000 - ss->heat);
	block_temps(ss, t);

	if (down) {
		if (ss->mode != M_DISCHARGE && ss->mode != M_REST) {
			ss->mode = M_DISCHARGE;
			ss->mode_since = t;
			/* A UPS draws constant power. */
			ss->power = sys->load_c * c_rated * BRUL_VRLA_NOMINAL_V *
			    BRUL_BLOCKS_PER_STRING;
		}
	} else if (ss->mode == M_DISCHARGE || ss->mode == M_REST) {
		ss->mode = M_BOOST;
		ss->in_cv = 0;
		ss->mode_since = t;
	} else if (ss->mode == M_FLOAT && t >= ss->eq_from && t < ss->eq_until) {
		ss->mode = M_EQUALIZE;
		ss->mode_since = t;
	} else if (ss->mode == M_EQUALIZE && t >= ss->eq_until) {
		ss->mode = M_FLOAT;
		ss->mode_since = t;
	}

	comp = brul_vrla_tcomp(ss->room);
	switch (ss->mode) {
	case M_FLOAT:
		held_voltage(ss, sys->float_v + comp, c_rated, 0);
		break;
	case M_EQUALIZE:
		held_voltage(ss, sys->boost_v + comp, c_rated, 0);
		break;
	case M_DISCHARGE: {
		double c, cut;

		ss->current = -ss->power / (ss->voltage > 100 ? ss->voltage :
		    100);
		driven_current(ss, c_rated);
		c = -ss->current / c_rated;
		/* The UPS stops at 1.75 V/cell at low rates, lower at
		 * high rates. */
		cut = BRUL_BLOCKS_PER_STRING * (10.5 - 0.9 * clampd((c - 0.1) /
		    0.9, 0, 1));
		if (ss->voltage <= cut) {
			char detail[96];

			ss->mode = M_REST;
			ss->current = 0;
			s->st.cutoffs += ss->emit_blocks > 0;
			snprintf(detail, sizeof detail,
			    "discharge stopped at cut-off, %.1f V after %lld min",
			    ss->voltage, (long long)(t - ss->mode_since) / 60);
			if (add_event(s, t, t, ss->def->id, "cutoff",
			    detail) < 0)
				return -1;
		}
		break;
	}
	case M_REST:
		ss->current = 0;
		driven_current(ss, c_rated);
		break;
	case M_BOOST:
		if (ss->in_cv) {
			double mean = 0;

			held_voltage(ss, sys->boost_v + comp, c_rated, 1);
			for (int p = 0; p < BRUL_BLOCKS_PER_STRING; p++)
				mean += ss->slots[p].soc / BRUL_BLOCKS_PER_STRING;
			if ((mean >= 0.998 && t - ss->mode_since >= 7200) ||
			    t - ss->mode_since >= 24 * 3600) {
				ss->mode = M_FLOAT;
				ss->mode_since = t;
			}
		} else {
			ss->current = CHARGE_C * c_rated;
			driven_current(ss, c_rated);
			if (ss->voltage >= BRUL_BLOCKS_PER_STRING *
			    (sys->boost_v + comp)) {
				ss->in_cv = 1;
				ss->cv_soc = 0;
				for (int p = 0; p < BRUL_BLOCKS_PER_STRING; p++)
					ss->cv_soc += ss->slots[p].soc /
					    BRUL_BLOCKS_PER_STRING;
				if (ss->cv_soc > 0.999)
					ss->cv_soc = 0.999;
				ss->mode_since = t;
			}
		}
		break;
	}

	/* The daily ohmic test, in float only. */
	if (ss->mode == M_FLOAT &&
	    (t - floor_day(t) * BRUL_DAY) / 60 == ss->def->ohmic_minute) {
		for (int p = 0; p < BRUL_BLOCKS_PER_STRING; p++) {
			struct slot *k = &ss->slots[p];
			uint64_t x = brul_rng_at(k->noise_key,
			    (uint64_t)(t / 60) * 4 + 3);

			k->pending_r = 1;
			k->meas_r = k->r0 * (1 + 0.015 *
			    brul_u64_normal_fast(x));
		}
		if (ss->emit_blocks > 0 && add_event(s, t, t + 60, ss->def->id,
		    "ohmic_test", "daily ohmic resistance test") < 0)
			return -1;
	}
	return 0;
}

static int
write_minute(struct brul_sim *s, struct brul_writer *const *w, int64_t t)
{
	struct brul_writer *wt = w[BRUL_SIM_TELEMETRY], *wr = w[BRUL_SIM_TRUTH];
	struct brul_writer *ws = w[BRUL_SIM_STRING_TELEMETRY];
	uint64_t minute = (uint64_t)(t / 60);
	char ts[BRUL_TIME_LEN];

	/* Formatted once a minute, not once a row. */
	brul_time_format(ts, t);
	for (int i = 0; i < s->nstrs; i++) {
		struct strstate *ss = &s->strs[i];
		uint64_t xs = brul_rng_at(ss->noise_key, minute * 4);
		double amps = round(100 * (ss->current + 0.02 *
		    brul_u64_normal_fast(xs))) / 100;

		if (ws) {
			uint64_t xv = brul_rng_at(ss->noise_key, minute * 4 + 1);
			uint64_t xa = brul_rng_at(ss->noise_key, minute * 4 + 2);

			brul_writer_token(ws, ts, sizeof ts);
			brul_writer_token(ws, ss->def->id, ss->idlen);
			brul_writer_fixed(ws, ss->voltage + 0.02 *
			    brul_u64_normal_fast(xv), 2);
			brul_writer_fixed(ws, amps, 2);
			brul_writer_cstr(ws, mode_names[ss->mode]);
			brul_writer_fixed(ws, ss->room + 0.1 *
			    brul_u64_normal_fast(xa), 1);
			if (brul_writer_end(ws) < 0)
				return -1;
			s->st.rows[BRUL_SIM_STRING_TELEMETRY]++;
		}
		for (int p = 0; p < ss->emit_blocks; p++) {
			struct slot *k = &ss->slots[p];
			int drop = t >= k->drop_from && t < k->drop_until;

			if (wt) {
				uint64_t x = brul_rng_at(k->noise_key,
				    minute * 4);

				brul_writer_token(wt, ts, sizeof ts);
				brul_writer_token(wt, k->id, k->idlen);
				brul_writer_token(wt, ss->def->id, ss->idlen);
				if (drop) {
					brul_writer_null(wt);
					brul_writer_fixed(wt, amps, 2);
					brul_writer_null(wt);
				} else {
					brul_writer_fixed(wt, k->v + 0.003 *
					    brul_u64_normal_fast(x), 3);
					brul_writer_fixed(wt, amps, 2);
					brul_writer_fixed(wt, t >= k->stuck_from &&
					    t < k->stuck_until ? k->stuck_c :
					    read_temp(k, t), 1);
				}
				if (k->pending_r)
					brul_writer_fixed(wt, k->meas_r, 2);
				else
					brul_writer_null(wt);
				if (brul_writer_end(wt) < 0)
					return -1;
				s->st.rows[BRUL_SIM_TELEMETRY]++;
			}
			k->pending_r = 0;
			if (wr) {
				brul_writer_token(wr, ts, sizeof ts);
				brul_writer_token(wr, k->id, k->idlen);
				brul_writer_fixed(wr, 100 * k->soc, 2);
				brul_writer_fixed(wr, 100 *
				    brul_block_capacity(&k->b, &k->a), 2);
				brul_writer_fixed(wr, k->cap_ah, 2);
				brul_writer_fixed(wr, k->r0, 3);
				brul_writer_fixed(wr, ocv(k, k->soc, k->temp), 3);
				brul_writer_cstr(wr, k->failed ? "failed" :
				    mode_names[ss->mode]);
				if (brul_writer_end(wr) < 0)
					return -1;
				s->st.rows[BRUL_SIM_TRUTH]++;
			}
		}
	}
	return 0;
}

/* Incidents that began in the days before the window still matter: a
 * continuing outage or a room still hot. */
static void
carry_in(struct brul_sim *s)
{
	struct brul_incident inc[64];

	for (int site = 0; site < s->f->nsites; site++) {
		struct sitestate *ss = &s->sites[site];

		if (!s->site_used[site])
			continue;
		ss->site = site;
		for (int64_t d = s->start_day - 3; d < s->start_day; d++) {
			int n = brul_incidents_day(s->w, site, d, inc, 64);

			for (int j = 0; j < n; j++) {
				if (inc[j].kind == BRUL_INC_HVAC_FAULT &&
				    ss->nhvac < 16)
					ss->hvac[ss->nhvac++] = inc[j];
				else if (inc[j].kind == BRUL_INC_OUTAGE &&
				    inc[j].end > ss->grid_down_until) {
					ss->grid_down_from = inc[j].start;
					ss->grid_down_until = inc[j].end;
				}
			}
		}
		ss->outdoor = brul_climate_outdoor(s->f,
		    s->f->sites[site].region, s->o.start);
	}
	for (int i = 0; i < s->nstrs; i++) {
		struct strstate *ss = &s->strs[i];

		ss->mode = M_FLOAT;
		ss->room = room_temp(s, &s->sites[ss->def->site], ss->sys,
		    s->o.start);
		ss->t_lag = ss->room;
		ss->voltage = BRUL_BLOCKS_PER_STRING * ss->sys->float_v;
		for (int p = 0; p < BRUL_BLOCKS_PER_STRING; p++)
			refresh_day(s, &ss->slots[p], s->start_day);
	}
}

int
brul_sim_run(struct brul_sim *s, struct brul_writer *const *w,
	     struct brul_progress *p, struct brul_err *err)
{
	int64_t t = s->o.start, day = s->start_day, steps = s->o.minutes;
	int per = s->o.interval / DT;

	if (write_fleet(s, w) < 0)
		goto werr;
	carry_in(s);
	if (steps == 0)
		steps = INT64_MAX;
	for (int64_t i = 0; i < steps; i++, t += DT) {
		if (i == 0 || floor_day(t) != day) {
			if (i > 0 && flush_events(s, w[BRUL_SIM_EVENTS],
			    s->o.tick ? t : INT64_MAX) < 0)
				goto werr;
			day = floor_day(t);
			if (begin_day(s, day, w, i == 0) < 0)
				goto werr;
		}
		for (int site = 0; site < s->f->nsites; site++)
			if (s->site_used[site])
				s->sites[site].outdoor = brul_climate_outdoor(
				    s->f, s->f->sites[site].region, t);
		for (int j = 0; j < s->nstrs; j++)
			if (string_minute(s, &s->strs[j], t) < 0)
				goto werr;
		if (i % per == 0) {
			if (write_minute(s, w, t) < 0)
				goto werr;
			if (p)
				brul_progress_update(p,
				    s->st.rows[BRUL_SIM_TELEMETRY]);
			if (s->o.tick) {
				if (flush_events(s, w[BRUL_SIM_EVENTS], t) < 0)
					goto werr;
				if (s->o.tick(s->o.tick_ctx, t))
					break;
			}
		}
	}
	if (flush_events(s, w[BRUL_SIM_EVENTS], s->o.tick ? t : INT64_MAX) < 0 ||
	    write_batteries(s, w[BRUL_SIM_BATTERIES]) < 0)
		goto werr;
	return 0;
werr:
	for (int i = 0; i < BRUL_SIM_NSTREAMS; i++)
		if (w[i] && brul_writer_err(w[i]) &&
		    brul_writer_err(w[i])->msg[0]) {
			*err = *brul_writer_err(w[i]);
			return -1;
		}
	return brul_err_set(err, NULL, 0, 0, "out of memory");
}

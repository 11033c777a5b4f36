/*
 * slot.c: a slot's blocks over their lives: each one drawn and installed,
 * aged day by day before the window, carried forward at its installation
 * to its end of life (below 80 %, a drawn sudden failure or a user's
 * scenario) for the labels, and replaced; the events of its failures and
 * of its monitor's faults.
 */
#include <math.h>
#include <stdio.h>

#include "battery/vrla.h"
#include "core/rng.h"
#include "sim/rngkey.h"
#include "sim/scenario.h"
#include "sim/simint.h"

static void
fmt_id(struct slot *k)
{
	k->idlen = (size_t)snprintf(k->id, sizeof k->id, "B%04d-%d",
	    k->slot + 1, k->gen);
}

static int
system_of(const struct brul_sim *s, const struct slot *k)
{
	return s->f->strings[k->slot / BRUL_BLOCKS_PER_STRING].system;
}

/* Age k from the start of day `from` to the start of day `to`. */
void
brul_sim_advance(const struct brul_sim *s, struct slot *k, int64_t from,
		 int64_t to)
{
	int sys = system_of(s, k);
	double load = s->f->systems[sys].load_c;

	for (int64_t d = from; d < to; d++) {
		const struct dayrow *r = brul_sim_dayrow(s, sys, d);

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
		const struct dayrow *r = brul_sim_dayrow(s, sys, d);
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
int64_t
brul_sim_replace_delay(const struct brul_sim *s, const struct slot *k)
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
void
brul_sim_refresh_day(const struct brul_sim *s, struct slot *k, int64_t d)
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

/* The slot's history up to the window: installed with its string, replaced
 * one by one as blocks reach end of life or fail, aged day by day. */
void
brul_sim_prehistory(struct brul_sim *s, struct slot *k, int64_t install_day)
{
	int64_t day = install_day;

	k->gen = 0;
	for (;;) {
		install(s, k, day);
		if (k->eol_day >= s->start_day)
			break;
		k->replace_day = k->eol_day + brul_sim_replace_delay(s, k);
		if (k->replace_day >= s->start_day) {
			/* Dead or worn out, awaiting its replacement. */
			k->failed = k->eol_fail != BRUL_FAIL_NONE;
			break;
		}
		brul_sim_advance(s, k, day, k->replace_day);
		day = k->replace_day;
	}
	brul_sim_advance(s, k, k->install_day, s->start_day);
}

int
brul_sim_replace(struct brul_sim *s, struct slot *k, int64_t day,
		 const char *why)
{
	char detail[96];
	int64_t t = day * BRUL_DAY;

	if (k->emit)
		s->rec[k->record].removed_day = day;
	snprintf(detail, sizeof detail, "replaces %s (%s)", k->id, why);
	install(s, k, day);
	brul_sim_refresh_day(s, k, day);
	if (!k->emit)
		return 0;
	s->st.replacements++;
	if (brul_sim_add_record(s, k) < 0 || brul_sim_add_event(s, t, t,
	    k->id, "replacement", detail) < 0)
		return -1;
	s->st.batteries++;
	return 0;
}

/* Sensor faults of a slot's monitor on one day: dropouts (no voltage or
 * temperature) about once in two years, stuck temperature readings about
 * once in three; a Poisson process per day like every hazard. */
int
brul_sim_sensor_day(struct brul_sim *s, struct slot *k, int64_t day)
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
			if (k->emit && brul_sim_add_event(s, t0, t0 + len,
			    k->id, "sensor_fault", kind == 0 ? "dropout" :
			    "stuck temperature") < 0)
				return -1;
		}
	}
	return 0;
}

/* A sudden failure as an operator sees it: a thermal runaway announces
 * itself 36 h ahead (its event starts then), then the block fails. */
int
brul_sim_failure_events(struct brul_sim *s, struct slot *k, int64_t day)
{
	char detail[96];
	const char *scen = brul_scenario_block(s->w, k->slot, k->eol_day) ?
	    "; scenario" : "";

	if (k->eol_fail == BRUL_FAIL_NONE || k->eol_day == INT64_MAX)
		return 0;
	if (k->eol_fail == BRUL_FAIL_THERMAL_RUNAWAY &&
	    floor_day(k->fail_t - BRUL_RUNAWAY_LEAD_S) == day) {
		snprintf(detail, sizeof detail,
		    "temperature and float current rising together%s", scen);
		if (brul_sim_add_event(s, k->fail_t - BRUL_RUNAWAY_LEAD_S,
		    k->fail_t, k->id, "thermal_runaway", detail) < 0)
			return -1;
	}
	if (day != k->eol_day)
		return 0;
	s->st.failures++;
	snprintf(detail, sizeof detail, "%s%s", brul_failure_name(k->eol_fail),
	    scen);
	return brul_sim_add_event(s, k->fail_t, k->fail_t, k->id, "failure",
	    detail);
}

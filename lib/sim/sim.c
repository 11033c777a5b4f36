/*
 * sim.c: the fleet simulator's driver (see sim.h): the strings selected
 * and this shard's share, each slot's history up to the window, then the
 * window a day and a minute at a time.  Its parts share simint.h: the
 * days the blocks age by (daytab.c), a slot's life (slot.c), a string's
 * electrical model (electric.c), the streams (output.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "battery/share.h"
#include "core/rng.h"
#include "sim/climate.h"
#include "sim/rngkey.h"
#include "sim/simint.h"

/* ---- setting up --------------------------------------------------------- */

struct brul_sim *
brul_sim_new(const struct brul_world *w, const struct brul_sim_opts *o,
	     struct brul_err *err)
{
	const struct brul_fleet *f = w->fleet;
	struct brul_sim *s = calloc(1, sizeof *s);
	int nsel = 0, nsites = 0, left;

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
	 * sites (battery/share.h).  A string partly inside the first N is
	 * simulated whole (its blocks share one current) but written in
	 * part. */
	left = o->max_batteries > 0 ? o->max_batteries : INT32_MAX;
	for (int i = 0; i < f->nstrings && left > 0; i++) {
		const struct brul_string *def = &f->strings[i];
		const char *site = f->sites[def->site].id;
		struct strstate *ss;
		int mine;

		if (o->sites && !o->sites[def->site])
			continue;
		nsel++;
		mine = brul_share_of_site(site, strlen(site),
		    s->o.nshards) == s->o.shard;
		if (!s->site_seen[def->site]++) {
			s->site_own[def->site] = (unsigned char)mine;
			nsites++;
		}
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
	if (s->nstrs == 0 && nsel > 0)
		brul_err_set(err, NULL, 0, 0, "--shard %d/%d: share %d holds "
		    "none of the selection's %d site%s (shares are of whole "
		    "sites, by a hash of their ids)", s->o.shard,
		    s->o.nshards, s->o.shard, nsites, nsites == 1 ? "" : "s");
	else if (s->nstrs == 0)
		brul_err_set(err, NULL, 0, 0, "the selection holds no battery");
	if (s->nstrs == 0) {
		brul_sim_free(s);
		return NULL;
	}
	if (brul_sim_daytab_build(s, err) < 0) {
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
			brul_sim_prehistory(s, k, ss->def->install_day);
			if (k->emit) {
				double soh = 100 * brul_block_capacity(&k->b,
				    &k->a);

				if (brul_sim_add_record(s, k) < 0)
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

/* ---- a day ------------------------------------------------------------- */

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
				    "room cooling lost (the room drifts %.0f "
				    "%% of the way to outdoor air)%s",
				    100 * x->strength,
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
			if (brul_sim_add_event(s, x->start, x->end,
			    f->sites[site].id, hvac ? "hvac_fault" : "outage",
			    detail) < 0)
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
			    s->sys_own[ss->def->system] &&
			    brul_sim_add_event(s, t0, t0 + 8 * 3600,
			    ss->sys->id, "equalize",
			    "scheduled equalize charge, 8 h") < 0)
				return -1;
		}
		last_sys = ss->def->system;
		if (day == ss->replace_day) {
			for (int p = 0; p < BRUL_BLOCKS_PER_STRING; p++)
				if (brul_sim_replace(s, &ss->slots[p], day,
				    "string replaced at end of service life")
				    < 0)
					return -1;
			ss->replace_day = day + (int64_t)(365.25 *
			    ss->def->life_limit_years);
		}
		for (int p = 0; p < BRUL_BLOCKS_PER_STRING; p++) {
			struct slot *k = &ss->slots[p];

			if (day == k->replace_day) {
				if (brul_sim_replace(s, k, day, k->eol_fail ==
				    BRUL_FAIL_NONE ? "below 80 % capacity" :
				    brul_failure_name(k->eol_fail)) < 0)
					return -1;
			} else {
				if (!first && day > k->install_day)
					brul_sim_advance(s, k, day - 1, day);
				brul_sim_refresh_day(s, k, day);
			}
			if (day == k->eol_day && k->replace_day == INT64_MAX)
				k->replace_day = day +
				    brul_sim_replace_delay(s, k) +
				    (k->eol_fail != BRUL_FAIL_NONE);
			if (k->emit && brul_sim_failure_events(s, k, day) < 0)
				return -1;
			if (brul_sim_sensor_day(s, k, day) < 0)
				return -1;
		}
	}
	return brul_sim_write_labels(s, w, day);
}

/* ---- running ---------------------------------------------------------- */

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
		ss->room = brul_sim_room_temp(s, &s->sites[ss->def->site],
		    ss->sys, s->o.start);
		ss->t_lag = ss->room;
		ss->voltage = BRUL_BLOCKS_PER_STRING * ss->sys->float_v;
		for (int p = 0; p < BRUL_BLOCKS_PER_STRING; p++)
			brul_sim_refresh_day(s, &ss->slots[p], s->start_day);
	}
}

int
brul_sim_run(struct brul_sim *s, struct brul_writer *const *w,
	     struct brul_progress *p, struct brul_err *err)
{
	int64_t t = s->o.start, day = s->start_day, steps = s->o.minutes;
	int per = s->o.interval / DT;

	if (brul_sim_write_fleet(s, w) < 0)
		goto werr;
	carry_in(s);
	if (steps == 0)
		steps = INT64_MAX;
	for (int64_t i = 0; i < steps; i++, t += DT) {
		if (i == 0 || floor_day(t) != day) {
			if (i > 0 && brul_sim_flush_events(s,
			    w[BRUL_SIM_EVENTS], s->o.tick ? t : INT64_MAX) < 0)
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
			if (brul_sim_string_minute(s, &s->strs[j], t) < 0)
				goto werr;
		if (i % per == 0) {
			if (brul_sim_write_minute(s, w, t) < 0)
				goto werr;
			if (p)
				brul_progress_update(p,
				    s->st.rows[BRUL_SIM_TELEMETRY]);
			if (s->o.tick) {
				if (brul_sim_flush_events(s,
				    w[BRUL_SIM_EVENTS], t) < 0)
					goto werr;
				if (s->o.tick(s->o.tick_ctx, t))
					break;
			}
		}
	}
	if (brul_sim_flush_events(s, w[BRUL_SIM_EVENTS],
	    s->o.tick ? t : INT64_MAX) < 0 ||
	    brul_sim_write_batteries(s, w[BRUL_SIM_BATTERIES]) < 0)
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

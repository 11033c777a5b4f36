/*
 * output.c: the simulator's streams: their names and columns, and their
 * rows: a minute's telemetry, string telemetry and truth, a day's labels,
 * the events collected and written sorted by start, the fleet files, and
 * the batteries kept until the end (their removals are known only then).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"
#include "core/timefmt.h"
#include "sim/simint.h"

/* ---- the streams' names and columns -------------------------------------- */

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

/* ---- events, collected over a day ---------------------------------------- */

int
brul_sim_add_event(struct brul_sim *s, int64_t start, int64_t end,
		   const char *scope, const char *kind, const char *detail)
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
int
brul_sim_flush_events(struct brul_sim *s, struct brul_writer *w, int64_t upto)
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

/* ---- the fleet files ----------------------------------------------------- */

int
brul_sim_write_fleet(struct brul_sim *s, struct brul_writer *const *w)
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

int
brul_sim_add_record(struct brul_sim *s, struct slot *k)
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

int
brul_sim_write_batteries(struct brul_sim *s, struct brul_writer *w)
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

/* ---- a day's labels, a minute's rows ------------------------------------- */

int
brul_sim_write_labels(struct brul_sim *s, struct brul_writer *const *w,
		      int64_t day)
{
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

int
brul_sim_write_minute(struct brul_sim *s, struct brul_writer *const *w,
		      int64_t t)
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
			uint64_t xv = brul_rng_at(ss->noise_key,
			    minute * 4 + 1);
			uint64_t xa = brul_rng_at(ss->noise_key,
			    minute * 4 + 2);

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
					brul_writer_fixed(wt,
					    t >= k->stuck_from &&
					    t < k->stuck_until ? k->stuck_c :
					    brul_sim_read_temp(k, t), 1);
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
				brul_writer_fixed(wr, ocv(k, k->soc, k->temp),
				    3);
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

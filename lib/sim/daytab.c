/*
 * daytab.c: the days the blocks age by: each selected system's mean room
 * air (the climate, the room's leak, HVAC faults) and hours of outage, day
 * by day, from before the oldest string's installation to past the
 * labels' horizon.
 */
#include <stdlib.h>
#include <string.h>

#include "sim/climate.h"
#include "sim/simint.h"

int
brul_sim_daytab_build(struct brul_sim *s, struct brul_err *err)
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
						    (size_t)(d - d0)]
						    .outage_h += (float)h;
					continue;
				}
				for (int64_t t = inc[j].start; t < inc[j].end;
				    t += 3600) {
					int64_t dd = floor_day(t) - d0;

					if (dd < s->tab_days)
						hvac[dd] += (float)
						    (inc[j].strength / 24.0);
				}
			}
		}
		for (int y = 0; y < st->nsystems; y++) {
			const struct brul_system *sys =
			    &f->systems[st->first_system + y];
			double base = st->setpoint_c + sys->room_offset_c;

			for (int64_t d = d0; d < d1; d++) {
				double out = brul_climate_day_mean(f, region,
				    d);
				double room = base + sys->leak * (out - base);
				double share = hvac[d - d0] > 1 ? 1 :
				    hvac[d - d0];

				room += share * (out - room);
				s->tab[(size_t)(st->first_system + y) *
				    (size_t)s->tab_days +
				    (size_t)(d - d0)].room_c = (float)room;
			}
		}
	}
	free(hvac);
	return 0;
}

const struct dayrow *
brul_sim_dayrow(const struct brul_sim *s, int system, int64_t day)
{
	int64_t i = day - s->tab_day0;

	if (i < 0)
		i = 0;
	if (i >= s->tab_days)
		i = s->tab_days - 1;
	return &s->tab[(size_t)system * (size_t)s->tab_days + (size_t)i];
}

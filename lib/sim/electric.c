/*
 * electric.c: a string minute by minute: the room air, the blocks'
 * temperatures, the charger's modes (float, boost, equalize), the UPS's
 * constant-power discharge to cut-off and rest, each block's voltage and
 * state of charge, the string's current, the daily ohmic test.  The
 * physics of a string in its modes is described in brul-gen(1); the
 * numbers below are the datasheet and standard values it cites.
 */
#include <math.h>
#include <stdio.h>

#include "battery/vrla.h"
#include "core/rng.h"
#include "sim/scenario.h"
#include "sim/simint.h"

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

double
brul_sim_room_temp(const struct brul_sim *s, const struct sitestate *site,
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
double
brul_sim_read_temp(const struct slot *k, int64_t t)
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
		    t >= k->fail_t - BRUL_RUNAWAY_LEAD_S)
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
			k->stuck_c = brul_sim_read_temp(k, t);
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

int
brul_sim_string_minute(struct brul_sim *s, struct strstate *ss, int64_t t)
{
	const struct brul_system *sys = ss->sys;
	double c_rated = s->f->models[ss->def->model].capacity_ah;
	struct sitestate *site = &s->sites[ss->def->site];
	int down = t >= site->grid_down_from && t < site->grid_down_until;
	double comp, r_mean = 0;

	ss->room = brul_sim_room_temp(s, site, sys, t);
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
			ss->power = sys->load_c * c_rated *
			    BRUL_VRLA_NOMINAL_V * BRUL_BLOCKS_PER_STRING;
		}
	} else if (ss->mode == M_DISCHARGE || ss->mode == M_REST) {
		ss->mode = M_BOOST;
		ss->in_cv = 0;
		ss->mode_since = t;
	} else if (ss->mode == M_FLOAT && t >= ss->eq_from &&
	    t < ss->eq_until) {
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
			snprintf(detail, sizeof detail, "discharge stopped "
			    "at cut-off, %.1f V after %lld min", ss->voltage,
			    (long long)(t - ss->mode_since) / 60);
			if (brul_sim_add_event(s, t, t, ss->def->id, "cutoff",
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
				mean += ss->slots[p].soc /
				    BRUL_BLOCKS_PER_STRING;
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
		if (ss->emit_blocks > 0 && brul_sim_add_event(s, t, t + 60,
		    ss->def->id, "ohmic_test",
		    "daily ohmic resistance test") < 0)
			return -1;
	}
	return 0;
}

/*
 * fleet.h: the fleet: sites, systems, strings and block slots.
 *
 * The static part comes from data/ (sites.csv, regions.csv, models.csv);
 * the rest (which systems a site has, string install dates, set points,
 * loads) is drawn from the seed, so a fleet is a pure function of the data
 * files and the seed.  Fleet order, which every stream follows: sites in
 * sites.csv order; in a site its rectifier plant (3 strings), then its UPS
 * systems (6 strings each); in a string, positions 1-24.  A slot is one
 * position in one string; the blocks that occupy it over time are its
 * generations.
 *
 * Ownership: brul_fleet_load fills a caller-owned struct brul_fleet whose
 * arrays it allocates; brul_fleet_release frees them.
 */
#ifndef BRUL_FLEET_H
#define BRUL_FLEET_H

#include <stdint.h>
#include "battery/blockmodel.h"
#include "core/err.h"

#define BRUL_BLOCKS_PER_STRING 24
#define BRUL_REC_STRINGS 3
#define BRUL_UPS_STRINGS 6

struct brul_region {
	char name[16];
	double t_month[12];	/* mean outdoor temperature, degC, per month */
	double diurnal_c;	/* half the daily range */
	double outages_per_year;
	double outage_median_min;
	double hvac_faults_per_year;
};

struct brul_site {
	char id[8], name[40], province[32];
	int region;		/* index into regions */
	double latitude, longitude;
	int ups_systems;
	double setpoint_c;	/* battery-room HVAC set point */
	int first_system, nsystems;
};

enum brul_system_kind { BRUL_RECTIFIER, BRUL_UPS };

struct brul_system {
	char id[32];
	int site;
	enum brul_system_kind kind;
	int first_string, nstrings;
	double float_v;		/* per block at 25 degC */
	double boost_v;		/* per block, boost and equalize */
	double load_c;		/* discharge load per string, fraction of C */
	double room_offset_c;	/* this room against the site set point */
	double leak;		/* share of outdoor swing reaching the room */
	int equalize_days;	/* days between equalize charges; 0: never */
};

struct brul_string {
	char id[48];
	int system, site, model;
	int64_t install_day;	/* days since 1970-01-01 */
	double life_limit_years;	/* the operator replaces the whole string then */
	int ohmic_minute;	/* minute of the day (UTC) of the daily ohmic test */
};

struct brul_fleet {
	struct brul_region *regions;
	struct brul_blockmodel *models;
	struct brul_site *sites;
	struct brul_system *systems;
	struct brul_string *strings;
	int nregions, nmodels, nsites, nsystems, nstrings;
	uint64_t seed;
};

/* Loads data files and draws the fleet for seed, with strings installed
 * over the years before start_day.  0 or -1. */
int brul_fleet_load(struct brul_fleet *f, uint64_t seed, int64_t start_day,
		    struct brul_err *err);
void brul_fleet_release(struct brul_fleet *f);

static inline int brul_fleet_nslots(const struct brul_fleet *f)
{
	return f->nstrings * BRUL_BLOCKS_PER_STRING;
}

/* Index of the site, system or string with that id, or -1. */
int brul_fleet_site(const struct brul_fleet *f, const char *id);
int brul_fleet_string(const struct brul_fleet *f, const char *id);

#endif

/* test-batteries.c: the one reader of the batteries stream and of the
 * block models (battery/batteries.h, battery/blockmodel.h): values,
 * names interned in order, what a caller requires, and every refusal
 * with its position. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "battery/batteries.h"
#include "battery/blockmodel.h"
#include "tap.h"

static struct brul_batteries *
read_mem(const char *text, unsigned cols, unsigned vals, struct brul_err *e)
{
	struct brul_reader *r = brul_reader_open_mem(text, strlen(text),
	    BRUL_FMT_AUTO, e);
	struct brul_batteries *t = r ? brul_batteries_read(r, cols, vals, e) :
	    NULL;

	brul_reader_close(r);
	return t;
}

/* The message of a read that must fail, or "" when it did not. */
static const char *
refusal(const char *text, unsigned cols, unsigned vals, char *buf, size_t n)
{
	struct brul_err e;
	struct brul_batteries *t;

	brul_err_clear(&e);
	if ((t = read_mem(text, cols, vals, &e)) != NULL) {
		brul_batteries_free(t);
		return "";
	}
	return brul_err_str(&e, buf, n);
}

static void
test_values(struct tap *t)
{
	static const char csv[] =
	    "battery_id,site_id,system_id,string_id,position,model,"
	    "capacity_ah,install_date,removed_date,baseline_mohm,extra\n"
	    "B0001-1,CMI,CMI-REC1,CMI-REC1-S1,1,VRLA-12V100,100,2022-11-08,,"
	    "4.45,x\n"
	    "B0002-1,CMI,CMI-REC1,CMI-REC1-S1,2,VRLA-12V100,100,2022-11-08,"
	    "2026-02-26,3.70,y\n"
	    "B0025-1,BRK,BRK-UPS1,BRK-UPS1-S1,1,VRLA-12V120,120,,,,\n";
	struct brul_err e;
	struct brul_batteries *bt = read_mem(csv, BRUL_BAT_STRING,
	    BRUL_BAT_SITE, &e);
	const struct brul_battery *b;

	if (!tap_ok(t, bt != NULL, "a batteries stream reads"))
		return;
	tap_ok(t, brul_batteries_count(bt) == 3, "three batteries");
	b = brul_batteries_get(bt, 1);
	tap_ok(t, strcmp(b->id, "B0002-1") == 0 && b->idn == 7 &&
	    b->position == 2 && b->line == 3, "id, position and line");
	tap_near(t, b->capacity_ah, 100, 0, "capacity");
	tap_near(t, b->baseline_mohm, 3.70, 0, "baseline resistance");
	tap_ok(t, b->install_day == 19304 && b->removed_day == 20510,
	    "install and removal days");
	tap_ok(t, strcmp(brul_batteries_string(bt, b->string),
	    "CMI-REC1-S1") == 0 && strcmp(brul_batteries_site(bt, b->site),
	    "CMI") == 0 && strcmp(brul_batteries_system(bt, b->system),
	    "CMI-REC1") == 0 && strcmp(brul_batteries_model(bt, b->model),
	    "VRLA-12V100") == 0, "names behind the numbers");
	b = brul_batteries_get(bt, 2);
	tap_ok(t, b->site == 1 && b->string == 1 && b->model == 1,
	    "names numbered in order of first sight");
	tap_ok(t, isnan(b->baseline_mohm) && b->install_day == BRUL_NO_DAY &&
	    b->removed_day == BRUL_NO_DAY, "missing values are missing");
	tap_ok(t, brul_batteries_find(bt, "B0025-1", 7) == 2 &&
	    brul_batteries_find(bt, "B0025", 5) == -1, "found by id");
	tap_ok(t, brul_batteries_nsites(bt) == 2 &&
	    brul_batteries_nstrings(bt) == 2, "sites and strings counted");
	tap_ok(t, brul_batteries_site(bt, -1) == NULL, "no name for -1");
	brul_batteries_fail(bt, b, &e, "model: no circuit for %s", "X");
	{
		char buf[256];

		tap_streq(t, brul_err_str(&e, buf, sizeof buf),
		    "<memory>:4: model: no circuit for X",
		    "a caller's refusal at the battery's row");
	}
	brul_batteries_free(bt);
}

static void
test_ndjson(struct tap *t)
{
	static const char nd[] =
	    "{\"battery_id\":\"A\",\"string_id\":\"S\",\"capacity_ah\":120}\n"
	    "{\"battery_id\":\"B\",\"string_id\":null,\"capacity_ah\":null}\n";
	struct brul_err e;
	struct brul_batteries *bt = read_mem(nd, BRUL_BAT_CAPACITY, 0, &e);

	if (!tap_ok(t, bt != NULL, "NDJSON reads too"))
		return;
	tap_ok(t, brul_batteries_get(bt, 0)->capacity_ah == 120 &&
	    isnan(brul_batteries_get(bt, 1)->capacity_ah) &&
	    brul_batteries_get(bt, 1)->string == -1, "nulls are missing");
	brul_batteries_free(bt);
}

static void
test_refusals(struct tap *t)
{
	char buf[512];

	tap_streq(t, refusal("battery_id,capacity_ah\nA,120\nA,100\n", 0, 0,
	    buf, sizeof buf), "<memory>:3: battery A given twice",
	    "a battery given twice");
	tap_streq(t, refusal("battery_id,capacity_ah\nA,-5\n", 0, 0, buf,
	    sizeof buf), "<memory>:2: capacity_ah: not above zero: -5",
	    "a capacity below zero");
	tap_streq(t, refusal("battery_id,baseline_mohm\nA,0\n", 0, 0, buf,
	    sizeof buf), "<memory>:2: baseline_mohm: not above zero: 0",
	    "a resistance of zero");
	tap_streq(t, refusal("battery_id,capacity_ah\nA,abc\n", 0, 0, buf,
	    sizeof buf), "<memory>:2: capacity_ah: not a number: \"abc\"",
	    "a capacity that is not a number");
	tap_streq(t, refusal("battery_id,install_date\nA,2026-02-30\n", 0, 0,
	    buf, sizeof buf), "<memory>:2: install_date: not a date: "
	    "\"2026-02-30\"", "a day that does not exist");
	tap_streq(t, refusal("battery_id,position\nA,0\n", 0, 0, buf,
	    sizeof buf), "<memory>:2: position: expected a whole number "
	    "from 1, not 0", "a position of 0");
	tap_streq(t, refusal("battery_id\nA\n", BRUL_BAT_MODEL, 0, buf,
	    sizeof buf), "<memory>: missing column \"model\"",
	    "a column the caller requires");
	tap_streq(t, refusal("battery_id,model\nA,M\nB,\n", 0, BRUL_BAT_MODEL,
	    buf, sizeof buf), "<memory>:3: model: missing value",
	    "a value the caller requires");
	tap_streq(t, refusal("battery_id,model\nA,M\n,M\n", 0, 0, buf,
	    sizeof buf), "<memory>:3: battery_id: missing value",
	    "a row without its id");
	tap_streq(t, refusal("capacity_ah\n120\n", 0, 0, buf, sizeof buf),
	    "<memory>: missing column \"battery_id\"", "no battery_id column");
	tap_streq(t, refusal("battery_id,site_id,string_id\nA,X,S\nB,Y,S\n",
	    0, 0, buf, sizeof buf), "<memory>:3: string_id: S is at two sites",
	    "a string at two sites");
	tap_streq(t, refusal("battery_id,capacity_ah\nA,1,2\n", 0, 0, buf,
	    sizeof buf), "<memory>:2: expected 2 fields, found 3",
	    "a malformed row, with the reader's own message");
}

static void
test_models(struct tap *t)
{
	static const char csv[] =
	    "model,capacity_ah,design_life_years,float_life_25c_years,"
	    "baseline_mohm,fleet_share\n"
	    "VRLA-12V120,120,10,7.0,3.6,0.8\n"
	    "VRLA-12V100,100,8,5.6,4.2,0\n";
	static const char some[] = "model,float_life_25c_years\nM4,4\n";
	struct brul_blockmodel *m;
	struct brul_reader *r;
	struct brul_err e;
	char buf[256];
	int n;

	r = brul_reader_open_mem(csv, sizeof csv - 1, BRUL_FMT_AUTO, &e);
	n = brul_blockmodels_read(r, BRUL_BM_ALL, &m, &e);
	brul_reader_close(r);
	if (!tap_ok(t, n == 2, "two models"))
		return;
	tap_ok(t, strcmp(m[0].name, "VRLA-12V120") == 0 &&
	    m[0].capacity_ah == 120 && m[0].design_life_years == 10 &&
	    m[0].float_life_years == 7.0 && m[0].baseline_mohm == 3.6 &&
	    m[0].share == 0.8, "every column");
	tap_ok(t, m[1].share == 0, "a share may be zero");
	tap_ok(t, brul_blockmodel_find(m, n, "VRLA-12V100", 11) == &m[1] &&
	    brul_blockmodel_find(m, n, "VRLA-12V10", 10) == NULL,
	    "found by name, whole");
	free(m);

	r = brul_reader_open_mem(some, sizeof some - 1, BRUL_FMT_AUTO, &e);
	n = brul_blockmodels_read(r, BRUL_BM_FLOAT_LIFE, &m, &e);
	brul_reader_close(r);
	tap_ok(t, n == 1 && isnan(m[0].capacity_ah) &&
	    m[0].float_life_years == 4, "columns not asked for may be absent");
	free(m);

	r = brul_reader_open_mem(some, sizeof some - 1, BRUL_FMT_AUTO, &e);
	n = brul_blockmodels_read(r, BRUL_BM_ALL, &m, &e);
	brul_reader_close(r);
	tap_ok(t, n < 0 && strcmp(brul_err_str(&e, buf, sizeof buf),
	    "<memory>: missing column \"capacity_ah\"") == 0,
	    "columns asked for must be there");

	r = brul_reader_open_mem("model,float_life_25c_years\nM4,-1\n", 34,
	    BRUL_FMT_AUTO, &e);
	n = brul_blockmodels_read(r, BRUL_BM_FLOAT_LIFE, &m, &e);
	brul_reader_close(r);
	tap_ok(t, n < 0 && strcmp(brul_err_str(&e, buf, sizeof buf),
	    "<memory>:2: float_life_25c_years: not above zero: -1") == 0,
	    "a life below zero");
}

int
main(void)
{
	struct tap t = { 0 };

	test_values(&t);
	test_ndjson(&t);
	test_refusals(&t);
	test_models(&t);
	return tap_done(&t);
}

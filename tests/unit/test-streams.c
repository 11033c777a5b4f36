/* test-streams.c: every stream's header is recognised as that stream
 * (core/streams.h), the writers' columns and the recogniser held
 * together; and a missing column says what the stream was given for and
 * what it is (core/reader.h). */
#include <stdio.h>
#include <string.h>

#include "core/reader.h"
#include "core/streams.h"
#include "ml/features.h"
#include "ml/predict.h"
#include "sim/sim.h"
#include "tap.h"
#include "twin/ecm.h"

static int
is(const char *header, const char *want)
{
	char buf[1024], *cols[64], *save = NULL;
	int n = 0;
	const char *got;

	snprintf(buf, sizeof buf, "%s", header);
	for (char *p = strtok_r(buf, ",", &save); p && n < 64;
	    p = strtok_r(NULL, ",", &save))
		cols[n++] = p;
	got = brul_stream_kind((const char *const *)cols, n);
	return want ? got && strcmp(got, want) == 0 : got == NULL;
}

static const char *
refusal(const char *text, const char *opt, const char *stream,
	const char *col, char *buf, size_t n)
{
	struct brul_err e;
	struct brul_reader *r = brul_reader_open_mem(text, strlen(text),
	    BRUL_FMT_AUTO, &e);

	brul_err_clear(&e);
	brul_reader_expect(r, opt, stream);
	if (brul_reader_require(r, col, &e) >= 0)
		snprintf(buf, n, "found");
	else
		brul_err_str(&e, buf, n);
	brul_reader_close(r);
	return buf;
}

/* What brul_reader_check_kind says of text given as opt for stream. */
static const char *
kinded(const char *text, const char *opt, const char *stream, char *buf,
       size_t n)
{
	struct brul_err e;
	struct brul_reader *r = brul_reader_open_mem(text, strlen(text),
	    BRUL_FMT_AUTO, &e);

	brul_err_clear(&e);
	brul_reader_expect(r, opt, stream);
	if (brul_reader_check_kind(r, &e) == 0)
		snprintf(buf, n, "taken");
	else
		brul_err_str(&e, buf, n);
	brul_reader_close(r);
	return buf;
}

int
main(void)
{
	struct tap t = { 0 };
	char buf[512];
	int n;

	for (int s = 0; s < BRUL_SIM_NSTREAMS; s++) {
		const char *const *cols = brul_sim_stream_columns(s, &n);
		const char *name = brul_sim_stream_name(s), *got;

		got = brul_stream_kind(cols, n);
		snprintf(buf, sizeof buf, "brul-gen's %s is recognised", name);
		tap_ok(&t, got && strcmp(got, name) == 0, buf);
	}
	{
		const char *const *cols = brul_features_columns(&n);
		struct brul_predict_opts po = { .baseline = 1 };
		struct brul_predictor *pr = brul_predictor_new(&po, NULL);

		tap_ok(&t, strcmp(brul_stream_kind(cols, n), "features") == 0,
		    "brul-features' rows are features");
		cols = brul_predictor_columns(pr, &n);
		tap_ok(&t, strcmp(brul_stream_kind(cols, n), "predictions") ==
		    0, "brul-predict's rows are predictions");
		brul_predictor_free(pr);
		tap_ok(&t, strcmp(brul_stream_kind(brul_ecm_columns,
		    BRUL_ECM_NCOLS), "circuits") == 0,
		    "data/ecm.csv's rows are circuits");
	}
	tap_ok(&t, is("ts,alert_id,event,kind,severity,priority,site_id,"
	    "string_id,battery_id,value,threshold,ts_open,ts_clear,message",
	    "alerts"), "brul-alert's events are alerts");
	tap_ok(&t, is("ts,alert_id,event,kind,severity,site_id,string_id,"
	    "battery_id,value,threshold,ts_open,ts_clear,message", "alerts"),
	    "and those written before priorities");
	tap_ok(&t, is("date,kind,severity,site_id,string_id,battery_id,value,"
	    "threshold,since,message", "maintenance"),
	    "brul-alert's digest is maintenance");
	tap_ok(&t, is("ts,battery_id,soc_pct,soc_sd_pct,soh_pct,soh_sd_pct,"
	    "r0_mohm,v_pred_v,residual_v,innovation_z", "twin"),
	    "brul-twin's rows are the twin's");
	tap_ok(&t, is("model,capacity_ah,design_life_years,"
	    "float_life_25c_years,baseline_mohm,fleet_share", "models"),
	    "data/models.csv is models");
	tap_ok(&t, is("time,voltage,current,temperature", NULL),
	    "a vendor's export is no brul stream");
	tap_ok(&t, is("ts,battery_id", NULL), "too little to tell");

	tap_streq(&t, refusal("string_id,system_id,site_id,blocks,model,"
	    "capacity_ah,install_date\n", "--strings", "string_telemetry",
	    "ts", buf, sizeof buf), "<memory>: missing column \"ts\": "
	    "--strings takes a string_telemetry stream, and this is a "
	    "strings stream", "a file in the wrong place says what it is");
	tap_streq(&t, refusal("ts,battery_id,string_id,voltage_v,current_a,"
	    "temperature_c,resistance_mohm\n", "--fleet", "batteries",
	    "site_id", buf, sizeof buf), "<memory>: missing column "
	    "\"site_id\": --fleet takes a batteries stream, and this is a "
	    "telemetry stream", "telemetry given as the fleet");
	tap_streq(&t, refusal("ts,string_id,voltage_v\n", "--strings",
	    "string_telemetry", "mode", buf, sizeof buf), "<memory>: missing "
	    "column \"mode\": --strings takes a string_telemetry stream",
	    "an unknown header: only what was expected");
	tap_streq(&t, refusal("a,b\n", NULL, NULL, "ts", buf, sizeof buf),
	    "<memory>: missing column \"ts\"", "no expectation: the column");
	tap_streq(&t, refusal("{\"ts\":\"2026-01-01T00:00:00Z\","
	    "\"string_id\":\"S\",\"mode\":\"float\",\"ambient_c\":25}\n",
	    "--fleet", "batteries", "battery_id", buf, sizeof buf),
	    "<memory>: missing column \"battery_id\": --fleet takes a "
	    "batteries stream, and this is a string_telemetry stream",
	    "NDJSON too");

	tap_streq(&t, kinded("date,battery_id,soh_pct,rul_days,eol_date,"
	    "censored,failure_mode\n", "--features", "features", buf,
	    sizeof buf), "<memory>: --features takes a features stream, and "
	    "this is a labels stream", "another stream, though it lacks no "
	    "column read, is refused");
	tap_streq(&t, kinded("model,ocv_empty_v,ocv_full_v\n", NULL,
	    "models", buf, sizeof buf), "<memory>: expected a models stream, "
	    "and this is a circuits stream", "a data file too");
	tap_streq(&t, kinded("date,battery_id,soh_pct,rul_days,eol_date,"
	    "censored,failure_mode\n", "--labels", "labels", buf,
	    sizeof buf), "taken", "the stream it takes is taken");
	tap_streq(&t, kinded("battery_id,date,rul_days\n", "--predictions",
	    "predictions", buf, sizeof buf), "taken",
	    "a header too short to tell is taken");
	tap_streq(&t, kinded("ts,string_id,voltage_v,current_a,mode,"
	    "ambient_c\n", NULL, NULL, buf, sizeof buf), "taken",
	    "no expectation, no refusal");
	return tap_done(&t);
}

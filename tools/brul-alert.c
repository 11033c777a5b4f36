/*
 * brul-alert: telemetry in (with the string stream, the twin's,
 * predictions and features when given), alert events out: one open,
 * update or clear per change, from rules in JSON.  See brul-alert(1).
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "alert/engine.h"
#include "alert/rules.h"
#include "core/num.h"
#include "core/reader.h"
#include "core/stream.h"
#include "core/writer.h"

static const char synopsis[] =
    "usage: brul-alert --fleet FILE [--shard I/N] [--systems FILE]\n"
    "                  [--string-telemetry FILE] [--twin FILE]\n"
    "                  [--predictions FILE] [--features FILE]\n"
    "                  [--rules FILE] [--float-v V] [--fail-on SEVERITY]\n"
    "                  [--digest FILE]\n"
    "                  [--format csv|ndjson] [-z] [-o FILE]\n"
    "                  [--progress | --quiet] [FILE]\n"
    "       brul-alert --list-rules [--rules FILE] [--format csv|ndjson]\n";

struct options {
	const char *fleet, *systems, *rules, *digest;
	const char *source[BRUL_SRC_COUNT];	/* telemetry: the operand */
	const char *opt[BRUL_SRC_COUNT];	/* what named each one */
	double float_v;
	int list, fail_on;
	int shard, nshards;
	struct brul_cli_stream out;
};

/* The stream each source takes (brul-formats(5)), by enum brul_source. */
static const char *const streams[BRUL_SRC_COUNT] = {
	"telemetry", "string_telemetry", "twin", "predictions", "features"
};

static const char *const columns[] = {
	"ts", "alert_id", "event", "kind", "severity", "priority", "site_id",
	"string_id", "battery_id", "value", "threshold", "ts_open", "ts_clear",
	"message"
};

/* The maintenance stream (--digest). */
static const char *const digest_columns[] = {
	"date", "kind", "severity", "site_id", "string_id", "battery_id",
	"value", "threshold", "since", "message"
};

static const char help[] =
"Reads telemetry (CSV or NDJSON, plain or gzip; a file or stdin; in time\n"
"order across the fleet) and writes alert events: open when a rule's\n"
"condition has held long enough, update when its severity changes, clear\n"
"when the reading passes the clear threshold.\n"
"\n"
"  --fleet FILE        the batteries stream: each block's string and site\n"
"  --shard I/N         only the I-th of N shares of the fleet's sites (0-based),\n"
"                      as brul-gen --shard writes them\n"
"  --systems FILE      the systems stream: float set points\n"
"  --string-telemetry FILE\n"
"                      the string_telemetry stream: ambient temperature and\n"
"                      modes (--strings FILE, its old name, works too)\n"
"  --twin FILE         brul-twin's stream: rules on state of health, anomaly\n"
"  --predictions FILE  brul-predict's stream: rules on remaining life\n"
"  --features FILE     brul-features' stream: rules on any feature\n"
"  --rules FILE        rules instead of data/alert-rules.json (a file with\n"
"                      \"extends\": \"default\" amends them instead)\n"
"  --list-rules        print the rules and exit\n"
"  --float-v V         float set point at 25 degC without --systems (13.59)\n"
"  --fail-on SEVERITY  exit 3 when an alert of SEVERITY (warning or\n"
"                      critical) or worse is open at the end\n"
"  --digest FILE       write digest rules' daily maintenance items (ageing:\n"
"                      resistance, health, remaining life) to FILE\n"
"  --format FMT        output csv (default) or ndjson\n"
"  -z, --gzip          compress (also implied by -o NAME.gz)\n"
"  --force             write gzip to a terminal anyway\n"
"  -o, --output FILE   write to FILE instead of stdout\n"
"  --progress          show progress on stderr, even off a terminal\n"
"  -q, --quiet         show no progress, no notes (\"FILE: 0 rows\", modes\n"
"                      unknown without --string-telemetry)\n"
"  --help, --version\n";

static const struct brul_cli cli = { "brul-alert",
    "--fleet FILE [options] [FILE]", synopsis, help };

enum {
	OPT_DIGEST = 256, OPT_FAIL_ON, OPT_FEATURES, OPT_FLEET, OPT_FLOAT_V, OPT_LIST,
	OPT_PREDICTIONS, OPT_RULES, OPT_STRING_TELEMETRY, OPT_STRINGS,
	OPT_SHARD, OPT_SYSTEMS, OPT_TWIN
};

static const struct option longopts[] = {
	BRUL_CLI_OPTIONS,
	BRUL_CLI_STREAM_OPTIONS,
	BRUL_CLI_PROGRESS_OPTIONS,
	{ "digest", required_argument, NULL, OPT_DIGEST },
	{ "fail-on", required_argument, NULL, OPT_FAIL_ON },
	{ "features", required_argument, NULL, OPT_FEATURES },
	{ "fleet", required_argument, NULL, OPT_FLEET },
	{ "float-v", required_argument, NULL, OPT_FLOAT_V },
	{ "list-rules", no_argument, NULL, OPT_LIST },
	{ "predictions", required_argument, NULL, OPT_PREDICTIONS },
	{ "rules", required_argument, NULL, OPT_RULES },
	{ "shard", required_argument, NULL, OPT_SHARD },
	{ "string-telemetry", required_argument, NULL,
	    OPT_STRING_TELEMETRY },
	/* its old name, kept */
	{ "strings", required_argument, NULL, OPT_STRINGS },
	{ "systems", required_argument, NULL, OPT_SYSTEMS },
	{ "twin", required_argument, NULL, OPT_TWIN },
	{ NULL, 0, NULL, 0 }
};

static void
parse(int argc, char **argv, struct options *o)
{
	int ch;

	while ((ch = getopt_long(argc, argv, "o:qz", longopts, NULL)) != -1) {
		if (brul_cli_option(&cli, &o->out, ch, optarg))
			continue;
		switch (ch) {
		case OPT_DIGEST:
			o->digest = optarg;
			break;
		case OPT_FAIL_ON:
			if (strcmp(optarg, "warning") == 0)
				o->fail_on = 1;
			else if (strcmp(optarg, "critical") == 0)
				o->fail_on = 2;
			else
				brul_cli_bad(&cli, "--fail-on",
				    "warning or critical", optarg);
			break;
		case OPT_FEATURES:
			o->source[BRUL_SRC_FEATURES] = optarg;
			o->opt[BRUL_SRC_FEATURES] = "--features";
			break;
		case OPT_FLEET:
			o->fleet = optarg;
			break;
		case OPT_FLOAT_V:
			o->float_v = brul_cli_double(&cli, "--float-v", optarg,
			    10, 16, "a block's float voltage, 10 to 16");
			break;
		case OPT_LIST:
			o->list = 1;
			break;
		case OPT_PREDICTIONS:
			o->source[BRUL_SRC_PREDICTIONS] = optarg;
			o->opt[BRUL_SRC_PREDICTIONS] = "--predictions";
			break;
		case OPT_RULES:
			o->rules = optarg;
			break;
		case OPT_STRING_TELEMETRY:
			o->source[BRUL_SRC_STRINGS] = optarg;
			o->opt[BRUL_SRC_STRINGS] = "--string-telemetry";
			break;
		case OPT_STRINGS:
			o->source[BRUL_SRC_STRINGS] = optarg;
			o->opt[BRUL_SRC_STRINGS] = "--strings";
			break;
		case OPT_SHARD:
			brul_cli_share(&cli, "--shard", optarg, &o->shard,
			    &o->nshards);
			break;
		case OPT_SYSTEMS:
			o->systems = optarg;
			break;
		case OPT_TWIN:
			o->source[BRUL_SRC_TWIN] = optarg;
			o->opt[BRUL_SRC_TWIN] = "--twin";
			break;
		default:
			brul_cli_usage(&cli);
		}
	}
	if (argc - optind > 1)
		brul_cli_misuse(&cli, "one telemetry stream at a time");
	o->source[BRUL_SRC_TELEMETRY] = optind < argc ? argv[optind] : NULL;
	o->opt[BRUL_SRC_TELEMETRY] = "brul-alert's input";
	if (o->list) {
		const char *given = o->fleet ? "--fleet" : o->systems ?
		    "--systems" : o->nshards > 1 ? "--shard" : o->digest ?
		    "--digest" : NULL;

		for (int k = 0; given == NULL && k < BRUL_SRC_COUNT; k++)
			if (o->source[k])
				given = k == BRUL_SRC_TELEMETRY ? "an input" :
				    o->opt[k];
		if (given)
			brul_cli_misuse(&cli, "--list-rules prints the rules "
			    "and reads no data: not with %s", given);
	}
	if (o->digest && o->out.output &&
	    strcmp(o->digest, o->out.output) == 0)
		brul_cli_misuse(&cli, "--digest and -o name the same file");
	if (o->fleet == NULL && !o->list)
		brul_cli_misuse(&cli, "--fleet FILE is required (the "
		    "batteries stream: each block's string and site)");
}

/* A text column, missing when s is NULL (a site's alert has no string). */
static void
text(struct brul_writer *w, const char *s)
{
	s ? brul_writer_cstr(w, s) : brul_writer_null(w);
}

/* The row ended, an error of the writer's the engine's. */
static int
end(struct brul_writer *w, struct brul_err *err)
{
	if (brul_writer_end(w) < 0) {
		*err = *brul_writer_err(w);
		return -1;
	}
	return 0;
}

static int
emit(void *arg, const struct brul_alert_change *ev, struct brul_err *err)
{
	struct brul_writer *w = arg;

	brul_writer_time(w, ev->ts);
	brul_writer_token(w, ev->alert_id, strlen(ev->alert_id));
	brul_writer_cstr(w, brul_alert_event_names[ev->event]);
	brul_writer_cstr(w, ev->rule->name);
	brul_writer_cstr(w, brul_severity_names[ev->severity]);
	brul_writer_int(w, ev->priority);
	brul_writer_cstr(w, ev->site_id);
	text(w, ev->string_id);
	text(w, ev->battery_id);
	brul_writer_double(w, ev->value);
	brul_writer_double(w, ev->threshold);
	brul_writer_time(w, ev->ts_open);
	ev->ts_clear == INT64_MIN ? brul_writer_null(w) :
	    brul_writer_time(w, ev->ts_clear);
	brul_writer_cstr(w, ev->message);
	return end(w, err);
}

static int
digest(void *arg, const struct brul_digest_item *it, struct brul_err *err)
{
	struct brul_writer *w = arg;

	brul_writer_date(w, it->day / 86400);
	brul_writer_cstr(w, it->rule->name);
	brul_writer_cstr(w, brul_severity_names[it->severity]);
	brul_writer_cstr(w, it->site_id);
	text(w, it->string_id);
	text(w, it->battery_id);
	brul_writer_double(w, it->value);
	brul_writer_double(w, it->threshold);
	brul_writer_time(w, it->since);
	brul_writer_cstr(w, it->message);
	return end(w, err);
}

static int
read_into(struct brul_alert_engine *wt, const char *path, const char *opt,
	  const char *stream, int quiet,
	  int (*fn)(struct brul_alert_engine *, struct brul_reader *,
		    struct brul_err *), struct brul_err *e)
{
	struct brul_reader *r = brul_cli_open(path, opt, stream, e);
	int rc;

	if (r == NULL)
		return -1;
	if ((rc = fn(wt, r, e)) == 0)
		brul_cli_rows(&cli, r, quiet);
	brul_reader_close(r);
	return rc;
}

/* Says once that rules meant to keep quiet during charger modes could
 * not: without --string-telemetry an equalize charge looks like float. */
static void
note_unseen(const struct brul_alert_engine *wt)
{
	unsigned m = brul_alert_engine_unseen(wt);
	char modes[64] = "";
	size_t n = 0;

	if (m == 0)
		return;
	for (int k = 0; k < BRUL_MODE_COUNT; k++)
		if (m & 1u << k) {
			m &= ~(1u << k);
			n += (size_t)snprintf(modes + n, sizeof modes - n,
			    "%s%s", n == 0 ? "" : m ? ", " : " and ",
			    brul_mode_names[k]);
		}
	fprintf(stderr, "brul-alert: without --string-telemetry the "
	    "charger's modes %s are unknown: rules cannot be suppressed "
	    "during them\n", modes);
}

/* --list-rules: the rules as a table. */
static int
list(const struct brul_rules *rs, struct brul_writer *w)
{
	static const char *const scopes[] = { "block", "string", "site" };

	for (int i = 0; i < rs->n; i++) {
		const struct brul_rule *r = &rs->v[i];

		brul_writer_cstr(w, r->name);
		brul_writer_cstr(w, brul_source_name(r->source));
		brul_writer_cstr(w, scopes[r->scope]);
		brul_writer_cstr(w, r->m.name);
		brul_writer_cstr(w, r->above ? "above" : "below");
		brul_writer_double(w, r->warning);
		brul_writer_double(w, r->critical);
		brul_writer_double(w, r->clear);
		brul_writer_int(w, r->for_s);
		brul_writer_cstr(w, brul_threat_names[r->threat]);
		brul_writer_bool(w, r->digest);
		brul_writer_cstr(w, r->label);
		if (brul_writer_end(w) < 0)
			return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	static const char *const list_columns[] = { "name", "source", "scope",
		"metric", "direction", "warning", "critical", "clear", "for_s",
		"threat", "digest", "label" };
	struct options o = { .out.format = BRUL_FMT_CSV, .nshards = 1 };
	struct brul_rules rules = { 0 };
	struct brul_alert_engine_opts wo = { 0 };
	struct brul_out_opts oo;
	struct brul_alert_engine *wt = NULL;
	struct brul_out *out = NULL, *dout = NULL;
	struct brul_writer *w = NULL, *dw = NULL;
	struct brul_reader *src[BRUL_SRC_COUNT] = { 0 };
	struct brul_progress prog;
	struct brul_err e;
	int status = 0;

	brul_err_clear(&e);
	parse(argc, argv, &o);
	brul_cli_out_opts(&o.out, &oo);
	if (brul_rules_load(&rules, o.rules, &e) < 0)
		goto fail;
	if (o.list) {
		if ((out = brul_out_open(o.out.output, &oo, &e)) == NULL ||
		    (w = brul_writer_new(out, o.out.format, list_columns, 12,
		    &e)) == NULL || list(&rules, w) < 0)
			goto fail;
		goto done;
	}
	wo.float_v = o.float_v;
	wo.share = o.shard;
	wo.nshares = o.nshards;
	wo.progress = &prog;
	if ((wt = brul_alert_engine_new(&rules, &wo)) == NULL) {
		brul_err_set(&e, NULL, 0, 0, "out of memory");
		goto fail;
	}
	if (read_into(wt, o.fleet, "--fleet", "batteries", o.out.quiet,
	    brul_alert_engine_fleet, &e) < 0 ||
	    (o.systems && read_into(wt, o.systems, "--systems", "systems",
	    o.out.quiet, brul_alert_engine_systems, &e) < 0))
		goto fail;
	for (int k = 0; k < BRUL_SRC_COUNT; k++) {
		struct brul_reader *r;

		if (k != BRUL_SRC_TELEMETRY && o.source[k] == NULL)
			continue;
		if ((r = brul_cli_open(o.source[k], o.opt[k], streams[k],
		    &e)) == NULL || brul_alert_engine_source(wt,
		    (enum brul_source)k, r, &e) < 0)
			goto fail;
		src[k] = r;	/* the engine's, until it is freed */
	}
	if ((out = brul_out_open(o.out.output, &oo, &e)) == NULL ||
	    (w = brul_writer_new(out, o.out.format, columns,
	    (int)(sizeof columns / sizeof columns[0]), &e)) == NULL)
		goto fail;
	if (o.digest) {
		struct brul_out_opts doo = oo;

		doo.gzip = 0;	/* unless its name ends in .gz */
		if ((dout = brul_out_open(o.digest, &doo, &e)) == NULL ||
		    (dw = brul_writer_new(dout, o.out.format, digest_columns,
		    (int)(sizeof digest_columns / sizeof digest_columns[0]),
		    &e)) == NULL)
			goto fail;
		brul_alert_engine_digest(wt, digest, dw);
	}
	brul_progress_init(&prog, stderr, o.out.progress, "brul-alert", "rows",
	    0);
	if (brul_alert_engine_run(wt, emit, w, &e) < 0)
		goto fail;
	brul_progress_end(&prog, (uint64_t)brul_reader_records(
	    src[BRUL_SRC_TELEMETRY]));
	for (int k = 0; k < BRUL_SRC_COUNT; k++)
		if (src[k])
			brul_cli_rows(&cli, src[k], o.out.quiet);
	if (o.fail_on && brul_alert_engine_open(wt, o.fail_on) > 0)
		status = 3;
done:
	brul_writer_free(w);
	brul_writer_free(dw);
	w = dw = NULL;
	/* The digest first: when it cannot be made whole, neither is the
	 * alerts stream published. */
	if (dout && brul_out_close(dout, &e) < 0) {
		dout = NULL;
		goto fail;
	}
	dout = NULL;
	if (brul_out_close(out, &e) < 0) {
		out = NULL;
		goto fail;
	}
	/* After the output is whole, so that an error is said alone; and
	 * only when there were readings to judge. */
	if (wt && !o.out.quiet &&
	    brul_reader_records(src[BRUL_SRC_TELEMETRY]) > 0)
		note_unseen(wt);
	brul_alert_engine_free(wt);
	brul_rules_release(&rules);
	return status;
fail:
	brul_cli_error(&cli, &e);
	brul_writer_free(w);
	brul_writer_free(dw);
	if (dout)
		brul_out_abort(dout);
	if (out)
		brul_out_abort(out);
	brul_alert_engine_free(wt);
	brul_rules_release(&rules);
	return 1;
}

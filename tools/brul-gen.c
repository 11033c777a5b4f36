/*
 * brul-gen: simulates the battery fleet and writes its streams.
 * See brul-gen(1).
 */
#include <errno.h>
#include <float.h>
#include <limits.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "core/progress.h"
#include "core/reader.h"
#include "core/stream.h"
#include "core/timefmt.h"
#include "core/writer.h"
#include "sim/fleet.h"
#include "sim/scenario.h"
#include "sim/sim.h"

static const char synopsis[] =
    "usage: brul-gen [-z] [--start DATE] [--days N] [--interval SECONDS]\n"
    "                [--batteries N] [--site ID]... [--seed N] [--format csv|ndjson]\n"
    "                [--emit STREAM | --dataset DIR] [--shard I/N] [--scenario SPEC]...\n"
    "                [--live [--speed X]] [--horizon DAYS] [--threads N] [--level N]\n"
    "                [--force] [--progress | --quiet] [-o FILE]\n";

struct options {
	int64_t start_day;
	int start_given;
	long days;
	int days_given;
	long interval;
	long batteries;
	unsigned char *sites;
	uint64_t seed;
	int threads, level;
	int emit;
	const char *dataset;
	int shard, nshards;
	int live;
	double speed;
	int speed_given;
	long horizon;
	struct brul_cli_stream out;
};

/* Set by SIGINT/SIGTERM in live mode: the only state a handler may touch. */
static volatile sig_atomic_t stop_requested;

static void
on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static const char help[] =
"Simulates 2,376 VRLA blocks in 9 Thai data centres and writes their streams.\n"
"\n"
"  --start DATE        first day, UTC (default 2026-01-01)\n"
"  --days N            days to simulate (default 1)\n"
"  --interval SECONDS  output interval, a multiple of 60 (default 60)\n"
"  --batteries N       the first N blocks in fleet order (24 = one string)\n"
"  --site ID           only this site (repeatable)\n"
"  --seed N            random seed (default 1)\n"
"  --emit STREAM       telemetry (default), string_telemetry, truth, labels,\n"
"                      events, sites, systems, strings, batteries\n"
"  --dataset DIR       every stream into its own file in DIR\n"
"  --format FMT        csv (default) or ndjson\n"
"  -z, --gzip          compress (also implied by -o NAME.gz)\n"
"  -o, --output FILE   write to FILE instead of stdout\n"
"  --shard I/N         the I-th of N shares of the sites (0-based)\n"
"  --scenario SPEC     hvac,site=ID,start=TS,duration=DUR\n"
"                      outage,site=ID,start=TS,duration=DUR\n"
"                      runaway,battery=ID,fail=TS (or start=TS, 36 h before)\n"
"                      failure,battery=ID,fail=TS[,mode=open_cell|short_cell]\n"
"  --live              emit in real time until stopped; --speed X runs faster\n"
"  --horizon DAYS      labels are censored this far past the end (3650)\n"
"  --threads N         compressing threads (default: all cores)\n"
"  --level N           gzip level, 1 (fastest) to 9 (smallest); default 5\n"
"  --progress          show progress on stderr, even off a terminal\n"
"  -q, --quiet         show no progress, and no summary of --dataset\n"
"  --force             write gzip to a terminal anyway\n"
"  --help, --version\n";

static const struct brul_cli cli = { "brul-gen",
    "[options] [-o FILE]", synopsis, help };

enum {
	OPT_START = 256, OPT_DAYS, OPT_INTERVAL, OPT_BATTERIES, OPT_SITE,
	OPT_SEED, OPT_EMIT, OPT_DATASET, OPT_SHARD, OPT_LIVE, OPT_SPEED,
	OPT_SCENARIO, OPT_THREADS, OPT_HORIZON, OPT_LEVEL
};

static const struct option longopts[] = {
	BRUL_CLI_OPTIONS,
	BRUL_CLI_STREAM_OPTIONS,
	BRUL_CLI_PROGRESS_OPTIONS,
	{ "batteries", required_argument, NULL, OPT_BATTERIES },
	{ "dataset", required_argument, NULL, OPT_DATASET },
	{ "days", required_argument, NULL, OPT_DAYS },
	{ "emit", required_argument, NULL, OPT_EMIT },
	{ "horizon", required_argument, NULL, OPT_HORIZON },
	{ "interval", required_argument, NULL, OPT_INTERVAL },
	{ "level", required_argument, NULL, OPT_LEVEL },
	{ "live", no_argument, NULL, OPT_LIVE },
	{ "scenario", required_argument, NULL, OPT_SCENARIO },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "shard", required_argument, NULL, OPT_SHARD },
	{ "site", required_argument, NULL, OPT_SITE },
	{ "speed", required_argument, NULL, OPT_SPEED },
	{ "start", required_argument, NULL, OPT_START },
	{ "threads", required_argument, NULL, OPT_THREADS },
	{ NULL, 0, NULL, 0 }
};

/* Options that need the fleet (sites, scenarios) are kept as text until it
 * is loaded. */
#define MAX_SITES	64

struct deferred {
	const char *sites[MAX_SITES], *scenarios[BRUL_MAX_SCENARIOS];
	int nsites, nscenarios;
};

static void
parse(int argc, char **argv, struct options *o, struct deferred *d)
{
	int ch;

	while ((ch = getopt_long(argc, argv, "o:qz", longopts, NULL)) != -1) {
		if (brul_cli_option(&cli, &o->out, ch, optarg))
			continue;
		switch (ch) {
		case OPT_BATTERIES:
			o->batteries = brul_cli_long(&cli, "--batteries",
			    optarg, 1, 1000000);
			break;
		case OPT_DATASET:
			o->dataset = optarg;
			break;
		case OPT_DAYS:
			o->days = brul_cli_long(&cli, "--days", optarg, 1,
			    36500);
			o->days_given = 1;
			break;
		case OPT_EMIT:
			if ((o->emit = brul_sim_stream_parse(optarg)) < 0)
				brul_cli_bad(&cli, "--emit", "a stream (see "
				    "--help)", optarg);
			break;
		case OPT_HORIZON:
			o->horizon = brul_cli_long(&cli, "--horizon", optarg, 1,
			    36500);
			break;
		case OPT_INTERVAL:
			o->interval = brul_cli_long(&cli, "--interval", optarg,
			    60, 86400);
			if (o->interval % 60)
				brul_cli_bad(&cli, "--interval",
				    "a multiple of " "60 seconds", optarg);
			break;
		case OPT_LEVEL:
			o->level = (int)brul_cli_long(&cli, "--level", optarg,
			    1, 9);
			break;
		case OPT_LIVE:
			o->live = 1;
			break;
		case OPT_SCENARIO:
			if (d->nscenarios == BRUL_MAX_SCENARIOS)
				brul_cli_misuse(&cli, "--scenario: at most %d",
				    BRUL_MAX_SCENARIOS);
			d->scenarios[d->nscenarios++] = optarg;
			break;
		case OPT_SEED:
			o->seed = (uint64_t)brul_cli_long(&cli, "--seed",
			    optarg, 0, LONG_MAX);
			break;
		case OPT_SHARD:
			brul_cli_share(&cli, "--shard", optarg, &o->shard,
			    &o->nshards);
			break;
		case OPT_SITE:
			if (d->nsites == MAX_SITES)
				brul_cli_misuse(&cli, "--site: at most %d",
				    MAX_SITES);
			d->sites[d->nsites++] = optarg;
			break;
		case OPT_SPEED:
			o->speed = brul_cli_double(&cli, "--speed", optarg,
			    DBL_MIN, 1e6, "a factor above 0, at most 1e6");
			o->speed_given = 1;
			break;
		case OPT_START:
			o->start_day = brul_cli_date(&cli, "--start", optarg);
			o->start_given = 1;
			break;
		case OPT_THREADS:
			o->threads = (int)brul_cli_long(&cli, "--threads",
			    optarg, 1, 256);
			break;
		default:
			brul_cli_usage(&cli);
		}
	}
	if (optind < argc)
		brul_cli_misuse(&cli, "unexpected argument \"%s\"",
		    argv[optind]);
	if (o->dataset && (o->out.output || o->emit >= 0))
		brul_cli_misuse(&cli, "--dataset writes every stream; it "
		    "takes neither -o nor --emit");
	if (o->live && o->dataset)
		brul_cli_misuse(&cli, "--live writes one stream");
	if (o->speed_given && !o->live)
		brul_cli_misuse(&cli, "--speed goes with --live");
}

/* Live mode: after each minute, push what was written and wait for the
 * clock (scaled by --speed). */
struct live {
	struct brul_out *outs[BRUL_SIM_NSTREAMS];
	int64_t start;
	double speed;
	struct timespec wall0;
	struct brul_err err;
	int failed;
};

static int
live_tick(void *ctx, int64_t t)
{
	struct live *l = ctx;
	struct timespec now;
	double due, elapsed;

	for (int i = 0; i < BRUL_SIM_NSTREAMS; i++)
		if (l->outs[i] && brul_out_flush(l->outs[i], &l->err) < 0) {
			l->failed = 1;
			return 1;
		}
	due = (double)(t + 60 - l->start) / l->speed;
	for (;;) {
		if (stop_requested)
			return 1;
		clock_gettime(CLOCK_MONOTONIC, &now);
		elapsed = (double)(now.tv_sec - l->wall0.tv_sec) +
		    (double)(now.tv_nsec - l->wall0.tv_nsec) / 1e9;
		if (elapsed >= due)
			return 0;
		if (due - elapsed > 0.2) {
			struct timespec ts = { 0, 200000000 };

			nanosleep(&ts, NULL);
		} else {
			struct timespec ts = { 0, (long)((due - elapsed) *
			    1e9) };

			nanosleep(&ts, NULL);
		}
	}
}

/* A scenario that starts outside the simulated window would never
 * happen: refused, saying the window. */
static void
in_window(int64_t t, int64_t start, int64_t minutes, const char *spec)
{
	char a[BRUL_TIME_LEN + 1], b[BRUL_TIME_LEN + 1];
	int64_t end = start + minutes * 60;

	if (t >= start && (minutes == 0 || t < end))
		return;
	a[brul_time_format(a, start)] = '\0';
	b[brul_time_format(b, end)] = '\0';
	if (minutes == 0)
		brul_cli_misuse(&cli, "--scenario: %s: starts before the "
		    "simulated window, which begins at %s (--start)", spec, a);
	brul_cli_misuse(&cli, "--scenario: %s: starts outside the simulated "
	    "window, %s to %s (--start, --days)", spec, a, b);
}

static const char *
extension(const struct options *o)
{
	if (o->out.format == BRUL_FMT_NDJSON)
		return o->out.gzip ? ".ndjson.gz" : ".ndjson";
	return o->out.gzip ? ".csv.gz" : ".csv";
}

int
main(int argc, char **argv)
{
	struct options o = { .days = 1, .interval = 60, .seed = 1,
	    .out.format = BRUL_FMT_CSV, .emit = -1, .nshards = 1, .speed = 1 };
	struct deferred d = { 0 };
	struct brul_fleet fleet;
	struct brul_world *world;
	struct brul_sim_opts so = { 0 };
	struct brul_sim *sim = NULL;
	struct brul_out_opts oo;
	struct brul_out *outs[BRUL_SIM_NSTREAMS] = { 0 };
	struct brul_writer *ws[BRUL_SIM_NSTREAMS] = { 0 };
	struct brul_progress prog;
	int summary;
	struct brul_err e;
	struct live live = { 0 };
	static const struct brul_err oom = { .msg = "out of memory" };
	int rc = 0;

	brul_err_clear(&e);
	o.start_day = brul_days_from_civil(2026, 1, 1);
	parse(argc, argv, &o, &d);
	if (o.emit < 0 && !o.dataset)
		o.emit = BRUL_SIM_TELEMETRY;
	if (o.live && !o.start_given) {
		int64_t now = (int64_t)time(NULL);

		so.start = now - now % o.interval;
	} else
		so.start = o.start_day * BRUL_DAY;

	if (brul_fleet_load(&fleet, o.seed, so.start / BRUL_DAY, &e) < 0)
		brul_cli_die(&cli, &e);
	if ((world = calloc(1, sizeof *world)) == NULL ||
	    (d.nsites && (o.sites = calloc((size_t)fleet.nsites, 1)) == NULL))
		brul_cli_die(&cli, &oom);
	world->fleet = &fleet;
	for (int i = 0; i < d.nsites; i++) {
		int s = brul_fleet_site(&fleet, d.sites[i]);

		if (s < 0)
			brul_cli_bad(&cli, "--site", "a site of the fleet",
			    d.sites[i]);
		o.sites[s] = 1;
	}
	so.minutes = o.live && !o.days_given ? 0 : o.days * 1440;
	for (int i = 0; i < d.nscenarios; i++) {
		if (brul_scenario_add(world, d.scenarios[i], &e) < 0)
			brul_cli_refuse(&cli, "--scenario", e.msg);
		in_window(world->scenarios[world->nscenarios - 1].start,
		    so.start, so.minutes, d.scenarios[i]);
	}
	so.interval = (int)o.interval;
	so.max_batteries = (int)o.batteries;
	so.sites = o.sites;
	so.shard = o.shard;
	so.nshards = o.nshards;
	so.horizon_days = (int)o.horizon;

	brul_cli_out_opts(&o.out, &oo);
	oo.level = o.level;
	oo.threads = o.threads;
	if (o.dataset && mkdir(o.dataset, 0777) < 0 && errno != EEXIST) {
		brul_err_set(&e, o.dataset, 0, 0, "%s", strerror(errno));
		brul_cli_die(&cli, &e);
	}
	/* A dataset's files appear whole once all are written, or not. */
	for (int s = 0; s < BRUL_SIM_NSTREAMS; s++) {
		int ncols;
		const char *const *cols;
		char name[4096];

		if (!o.dataset && s != o.emit)
			continue;
		if (o.dataset)
			snprintf(name, sizeof name, "%s/%s%s", o.dataset,
			    brul_sim_stream_name(s), extension(&o));
		outs[s] = brul_out_open(o.dataset ? name : o.out.output, &oo,
		    &e);
		if (!outs[s])
			goto fail;
		cols = brul_sim_stream_columns(s, &ncols);
		if ((ws[s] = brul_writer_new(outs[s], o.out.format, cols, ncols,
		    &e)) == NULL)
			goto fail;
	}

	if (o.live) {
		struct sigaction sa;

		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_signal;
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
		memcpy(live.outs, outs, sizeof outs);
		live.start = so.start;
		live.speed = o.speed;
		clock_gettime(CLOCK_MONOTONIC, &live.wall0);
		so.tick = live_tick;
		so.tick_ctx = &live;
	}
	if ((sim = brul_sim_new(world, &so, &e)) == NULL)
		goto fail;
	brul_progress_init(&prog, stderr, o.out.progress, "brul-gen", "rows",
	    so.minutes ? brul_sim_rows(sim) : 0);
	if (brul_sim_run(sim, ws, &prog, &e) < 0)
		goto fail;
	if (live.failed) {
		e = live.err;
		goto fail;
	}
	/* progress_end turns the meter off; the summary shows where it was on */
	summary = o.dataset && prog.on;
	brul_progress_end(&prog, brul_sim_stats(sim)->rows[BRUL_SIM_TELEMETRY]);
	/* Every file complete and on disk before any takes its name. */
	for (int s = 0; s < BRUL_SIM_NSTREAMS; s++) {
		if (!outs[s])
			continue;
		brul_writer_free(ws[s]);
		ws[s] = NULL;
		if (brul_out_finish(outs[s], &e) < 0)
			goto fail;
	}
	for (int s = 0; s < BRUL_SIM_NSTREAMS; s++) {
		int r = brul_out_close(outs[s], &e);

		outs[s] = NULL;
		if (r < 0)
			goto fail;
	}
	if (summary) {
		const struct brul_sim_stats *st = brul_sim_stats(sim);

		fprintf(stderr, "brul-gen: %s: telemetry rows %llu, strings %d, "
		    "blocks %d (with replacements), outages %d, cut-offs %d, "
		    "hvac faults %d, failures %d, replacements %d\n", o.dataset,
		    (unsigned long long)st->rows[BRUL_SIM_TELEMETRY],
		    st->strings, st->batteries, st->outages, st->cutoffs,
		    st->hvac_faults, st->failures, st->replacements);
	}
	goto out;
fail:
	brul_cli_error(&cli, &e);
	for (int s = 0; s < BRUL_SIM_NSTREAMS; s++) {
		brul_writer_free(ws[s]);
		brul_out_abort(outs[s]);
	}
	rc = 1;
out:
	brul_sim_free(sim);
	brul_fleet_release(&fleet);
	free(world);
	free(o.sites);
	return rc;
}

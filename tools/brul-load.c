/*
 * brul-load: streams into PostgreSQL and back out; the schema, retention.
 * See brul-load(1).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "core/num.h"
#include "core/progress.h"
#include "core/stream.h"
#include "core/timefmt.h"
#include "db/db.h"
#include "db/export.h"
#include "db/load.h"
#include "db/migrate.h"
#include "db/retain.h"
#include "db/shard.h"

static const char synopsis[] =
    "usage: brul-load [--db CONNINFO] --migrate [--create-db]\n"
    "       brul-load [--db CONNINFO] [--batch-rows N] [--replace]\n"
    "                 [--progress | --quiet] KIND [FILE ...]\n"
    "       brul-load [--db CONNINFO] [--batch-rows N] [--replace]\n"
    "                 --dataset DIR\n"
    "       brul-load [--db CONNINFO] --retain DURATION [--now TS]\n"
    "                 [--dry-run]\n"
    "       brul-load [--db CONNINFO] --export KIND [--since TS] [--until TS]\n"
    "                 [--battery ID] [--format csv|ndjson] [-z] [-o FILE]\n"
    "       brul-load [--db CONNINFO] --add-shard CONNINFO --sites LIST\n"
    "                 [--name NAME]\n"
    "       brul-load [--db CONNINFO] --shards\n";

/* Exit statuses: 1 for bad data and other errors, 3 when the database
 * cannot be reached or goes away (a cron job may retry later). */
#define EXIT_DB 3

struct options {
	const char *db, *dataset, *export, *retain;
	const char *add_shard, *sites, *name;	/* --add-shard */
	int shards;
	const char *mode;	/* the option that chose what to do, or NULL */
	int migrate, create_db, dry_run;
	struct brul_cli_stream out;	/* -o, -z, --format, --progress, -q */
	struct brul_load_opts load;
	struct brul_export_opts ex;
	int64_t now;
	int has_now;
};

static const char help[] =
"Loads brul's streams (CSV or NDJSON, detected, plain or gzip; files in\n"
"order, or stdin) into PostgreSQL, each file whole or not at all; reloading\n"
"changes nothing.  KIND: sites, systems, strings, batteries, events, labels,\n"
"telemetry, string_telemetry, features, predictions, twin, alerts.  Exports\n"
"them back (all but twin) as they were loaded.\n"
"\n"
"  --db CONNINFO       libpq connection string or URI (default: DATABASE_URL,\n"
"                      else PGHOST, PGPORT, PGDATABASE, PGUSER ...)\n"
"  --migrate           create or upgrade the schema (data/sql)\n"
"  --create-db         with --migrate, create the database when it is missing\n"
"  --dataset DIR       load a brul-gen dataset directory, fleet first\n"
"  --batch-rows N      commit every N rows instead of once per file\n"
"  --add-shard CONNINFO  keep the telemetry of --sites on the database at\n"
"                      CONNINFO, a shard, migrated and attached here\n"
"  --sites LIST        the shard's sites, comma-separated (BRK,CMI)\n"
"  --name NAME         the shard's name (default: shard1, shard2 ...)\n"
"  --shards            list the shards: sites, rows, bytes on disk\n"
"  --replace           load fleet rows that differ from the database's (as\n"
"                      another fleet's would) over them, instead of refusing\n"
"  --retain DURATION   drop telemetry partitions wholly older than DURATION\n"
"                      (90d, 12w ...) before now; the rollups stay\n"
"  --now TS            retention counts back from TS instead of now\n"
"  --dry-run           say which partitions --retain would drop\n"
"  --export KIND       write KIND's rows to stdout\n"
"  --since TS          export from TS (a time or a date)\n"
"  --until TS          export up to TS, not included\n"
"  --battery ID        export only this battery\n"
"  --format FMT        export as csv (default) or ndjson\n"
"  -z, --gzip          compress the export (also implied by -o NAME.gz)\n"
"  --force             write gzip to a terminal anyway\n"
"  -o, --output FILE   export to FILE instead of stdout\n"
"  --progress          show progress on stderr\n"
"  -q, --quiet         say nothing on success\n"
"  --help, --version\n";

static const struct brul_cli cli = { "brul-load",
    "[--db CONNINFO] KIND [FILE ...]", synopsis, help };

/* A unit is required: a bare 90 would be seconds, and drop every month
 * but this one. */
#define RETAIN "a duration (90d, 12w, 36h)"

enum {
	OPT_ADD_SHARD = 256, OPT_BATCH, OPT_BATTERY, OPT_CREATE_DB,
	OPT_DATASET, OPT_DB, OPT_DRY_RUN, OPT_EXPORT, OPT_MIGRATE, OPT_NAME,
	OPT_NOW, OPT_REPLACE, OPT_RETAIN, OPT_SHARDS, OPT_SINCE, OPT_SITES,
	OPT_UNTIL
};

static const struct option longopts[] = {
	BRUL_CLI_OPTIONS,
	BRUL_CLI_STREAM_OPTIONS,
	BRUL_CLI_PROGRESS_OPTIONS,
	{ "add-shard", required_argument, NULL, OPT_ADD_SHARD },
	{ "batch-rows", required_argument, NULL, OPT_BATCH },
	{ "battery", required_argument, NULL, OPT_BATTERY },
	{ "create-db", no_argument, NULL, OPT_CREATE_DB },
	{ "dataset", required_argument, NULL, OPT_DATASET },
	{ "db", required_argument, NULL, OPT_DB },
	{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
	{ "export", required_argument, NULL, OPT_EXPORT },
	{ "migrate", no_argument, NULL, OPT_MIGRATE },
	{ "name", required_argument, NULL, OPT_NAME },
	{ "now", required_argument, NULL, OPT_NOW },
	{ "replace", no_argument, NULL, OPT_REPLACE },
	{ "retain", required_argument, NULL, OPT_RETAIN },
	{ "shards", no_argument, NULL, OPT_SHARDS },
	{ "since", required_argument, NULL, OPT_SINCE },
	{ "sites", required_argument, NULL, OPT_SITES },
	{ "until", required_argument, NULL, OPT_UNTIL },
	{ NULL, 0, NULL, 0 }
};

/* "a, b, c or d", from a NULL-terminated list, for messages. */
static const char *
one_of(char *buf, size_t n, const char *const *names)
{
	size_t k = 0;

	buf[0] = '\0';
	for (int i = 0; names[i] && k < n; i++)
		k += (size_t)snprintf(buf + k, n - k, "%s%s", i == 0 ? "" :
		    names[i + 1] ? ", " : " or ", names[i]);
	return buf;
}

/* What to do is chosen by one option at most. */
static void
choose(struct options *o, const char *opt)
{
	if (o->mode && strcmp(o->mode, opt) != 0)
		brul_cli_refusef(&cli, opt, "not with %s: --migrate, "
		    "--dataset, --retain, --export, --add-shard and --shards "
		    "go one at a time", o->mode);
	o->mode = opt;
}

/* Options that go with one mode only, refused with the others. */
static void
check(const struct options *o, int argc, char **argv)
{
	char kinds[512];
	int load = o->mode == NULL || o->dataset;

	if (o->mode == NULL && optind >= argc)
		brul_cli_refuse(&cli, "KIND", "missing: say what to load "
		    "(KIND [FILE ...]), or --migrate, --dataset, --retain, "
		    "--export, --add-shard or --shards");
	if (o->mode == NULL && !brul_load_kind_known(argv[optind]))
		brul_cli_bad(&cli, "KIND", one_of(kinds, sizeof kinds,
		    brul_load_kinds()), argv[optind]);
	if (o->mode && optind < argc)
		brul_cli_refusef(&cli, o->mode, "takes no KIND or FILE, not \"%s\"",
		    argv[optind]);
	if ((o->sites || o->name) && !o->add_shard)
		brul_cli_refuse(&cli, o->sites ? "--sites" : "--name",
		    "goes with --add-shard");
	if (o->add_shard && !o->sites)
		brul_cli_refuse(&cli, "--add-shard", "needs --sites (the "
		    "sites whose telemetry the shard keeps)");
	if (o->create_db && !o->migrate)
		brul_cli_refuse(&cli, "--create-db", "goes with --migrate");
	if (o->dry_run || o->has_now)
		if (!o->retain)
			brul_cli_refuse(&cli, o->dry_run ? "--dry-run" :
			    "--now", "goes with --retain");
	if (!o->export) {
		const char *opt = o->ex.has_since ? "--since" :
		    o->ex.has_until ? "--until" : o->ex.battery ?
		    "--battery" : o->out.output ? "--output" : o->out.gzip ?
		    "--gzip" : o->out.format ? "--format" : NULL;

		if (opt && strcmp(opt, "--format") == 0)
			brul_cli_refuse(&cli, opt, "goes with --export (a "
			    "load detects its input's format)");
		if (opt)
			brul_cli_refuse(&cli, opt, "goes with --export");
	} else {
		int by = brul_export_kind_filters(o->export);

		if (!(by & BRUL_EXPORT_BY_TIME) &&
		    (o->ex.has_since || o->ex.has_until))
			brul_cli_refusef(&cli, o->ex.has_since ? "--since" : "--until",
			    "%s rows have no time to select by", o->export);
		if (!(by & BRUL_EXPORT_BY_BATTERY) && o->ex.battery)
			brul_cli_refusef(&cli, "--battery", "%s rows have no battery to "
			    "select by", o->export);
	}
	if (!load && (o->load.batch_rows > 0 || o->load.replace))
		brul_cli_refuse(&cli, o->load.replace ? "--replace" :
		    "--batch-rows", "goes with a load (KIND [FILE ...] or "
		    "--dataset)");
}

static void
parse(int argc, char **argv, struct options *o)
{
	char kinds[512];
	int ch;

	while ((ch = getopt_long(argc, argv, "o:qz", longopts, NULL)) != -1) {
		if (brul_cli_option(&cli, &o->out, ch, optarg))
			continue;
		switch (ch) {
		case 'q':
			o->out.progress = BRUL_PROGRESS_QUIET;
			o->out.quiet = 1;
			break;
		case OPT_ADD_SHARD:
			choose(o, "--add-shard");
			o->add_shard = optarg;
			break;
		case OPT_NAME:
			o->name = optarg;
			break;
		case OPT_SHARDS:
			choose(o, "--shards");
			o->shards = 1;
			break;
		case OPT_SITES:
			o->sites = optarg;
			break;
		case OPT_BATCH:
			o->load.batch_rows = brul_cli_long(&cli, "--batch-rows",
			    optarg, 1, LONG_MAX);
			break;
		case OPT_BATTERY:
			o->ex.battery = optarg;
			break;
		case OPT_CREATE_DB:
			o->create_db = 1;
			break;
		case OPT_DATASET:
			choose(o, "--dataset");
			o->dataset = optarg;
			break;
		case OPT_DB:
			o->db = optarg;
			break;
		case OPT_DRY_RUN:
			o->dry_run = 1;
			break;
		case OPT_EXPORT:
			choose(o, "--export");
			if (!brul_export_kind_known(optarg))
				brul_cli_bad(&cli, "--export", one_of(kinds,
				    sizeof kinds, brul_export_kinds()), optarg);
			o->export = optarg;
			break;
		case OPT_MIGRATE:
			choose(o, "--migrate");
			o->migrate = 1;
			break;
		case OPT_NOW:
			o->now = brul_cli_time(&cli, "--now", optarg);
			o->has_now = 1;
			break;
		case OPT_REPLACE:
			o->load.replace = 1;
			break;
		case OPT_RETAIN:
			choose(o, "--retain");
			brul_cli_duration(&cli, "--retain", optarg, 1,
			    INT64_MAX, RETAIN);
			if (!strchr("smhdw", optarg[strlen(optarg) - 1]))
				brul_cli_bad(&cli, "--retain", RETAIN, optarg);
			o->retain = optarg;
			break;
		case OPT_SINCE:
			o->ex.since = brul_cli_time(&cli, "--since", optarg);
			o->ex.has_since = 1;
			break;
		case OPT_UNTIL:
			o->ex.until = brul_cli_time(&cli, "--until", optarg);
			o->ex.has_until = 1;
			break;
		default:
			brul_cli_usage(&cli);
		}
	}
	check(o, argc, argv);
	o->ex.format = o->out.format;
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
fail(struct brul_db *db, const struct brul_err *e)
{
	brul_cli_error(&cli, e);
	return db && brul_db_lost(db) ? EXIT_DB : 1;
}

static void
applied(void *ctx, const char *name)
{
	const struct options *o = ctx;

	if (!o->out.quiet)
		fprintf(stderr, "brul-load: applied %s\n", name);
}

/* --create-db: the database, before anything connects to it. */
static int
create_db(const struct options *o)
{
	struct brul_err e;
	char name[256];
	int rc;

	brul_err_clear(&e);
	rc = brul_db_create(o->db, "brul-load", name, sizeof name, &e);
	if (rc < 0) {
		brul_cli_error(&cli, &e);
		return rc == -1 ? EXIT_DB : 1;
	}
	if (rc == 1 && !o->out.quiet)
		fprintf(stderr, "brul-load: created the database %s\n", name);
	return 0;
}

static int
migrate(struct brul_db *db, const struct options *o)
{
	struct brul_err e;
	int n, v;

	brul_err_clear(&e);
	if ((n = brul_migrate(db, NULL, applied, (void *)o, &e)) < 0 ||
	    brul_db_schema_version(db, &v, &e) < 0 ||
	    brul_db_schema_check(db, &e) < 0 ||
	    brul_shards_migrate(db, applied, (void *)o, &e) < 0)
		return fail(db, &e);
	if (!o->out.quiet && n == 0)
		fprintf(stderr, "brul-load: the schema is up to date "
		    "(version %d)\n", v);
	return 0;
}

/* One file of one kind; 0, or an exit status. */
static int
load(struct brul_db *db, const struct options *o, const char *kind,
     const char *path)
{
	struct brul_load_opts lo = o->load;
	struct brul_load_stats st;
	struct brul_progress prog;
	struct brul_err e;
	const char *name = path && strcmp(path, "-") ? path : "<stdin>";
	double t0 = now_s(), dt;

	brul_err_clear(&e);
	brul_progress_init(&prog, stderr, o->out.progress, "brul-load", "rows",
	    0);
	lo.progress = &prog;
	if (brul_load_file(db, kind, path, &lo, &st, &e) < 0) {
		int rc;

		if (prog.on)	/* end the progress line */
			fputc('\n', stderr);
		rc = fail(db, &e);
		if (st.unreachable)
			rc = EXIT_DB;
		if (st.uncertain > 0)
			fprintf(stderr, "brul-load: %s: the connection was "
			    "lost while committing %" PRIu64 " rows: they may "
			    "or may not be in; run the same load again to be "
			    "sure (rows already there are replaced, never "
			    "doubled)\n", name, st.uncertain);
		if (st.committed > 0 && st.committed_line < 0)
			fprintf(stderr, "brul-load: %s: %" PRIu64 " rows were "
			    "committed, on the servers whose transactions "
			    "ended; run the same load again to finish (rows "
			    "already there are left alone)\n", name,
			    st.committed);
		else if (st.committed > 0)
			fprintf(stderr, "brul-load: %s: the first %" PRIu64
			    " rows, to line %ld, were committed; run the "
			    "same load again to finish (rows already there "
			    "are replaced, never doubled)\n", name,
			    st.committed, st.committed_line);
		else if (st.uncertain == 0)
			fprintf(stderr, "brul-load: %s: nothing was loaded\n",
			    name);
		return rc;
	}
	brul_progress_end(&prog, st.rows);
	dt = now_s() - t0;
	if (!o->out.quiet) {
		fprintf(stderr, "brul-load: %s: %" PRIu64 " %s rows", name,
		    st.rows, kind);
		if (strcmp(kind, "telemetry") == 0)
			fprintf(stderr, " (%" PRIu64 " new, %" PRIu64
			    " merged, %" PRIu64 " unchanged)", st.fresh,
			    st.rows - st.fresh - st.same, st.same);
		if (st.replaced > 0)
			fprintf(stderr, " (%" PRIu64 " that differed "
			    "replaced)", st.replaced);
		fprintf(stderr, " in %.2f s\n", dt);
	}
	return 0;
}

/* 1 when path is a directory, else 0 with e saying what it is. */
static int
is_dir(const char *path, struct brul_err *e)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return brul_err_set(e, path, 0, 0, "%s", errno == ENOENT ?
		    "no such directory" : strerror(errno)), 0;
	if (!S_ISDIR(st.st_mode))
		return brul_err_set(e, path, 0, 0, "not a directory (--dataset "
		    "takes brul-gen --dataset's directory)"), 0;
	return 1;
}

/* A dataset directory's streams, in the order their references need. */
static int
dataset(struct brul_db *db, const struct options *o)
{
	static const char *const ext[] = {
		".csv.gz", ".csv", ".ndjson.gz", ".ndjson"
	};
	const char *const *kinds = brul_load_kinds();
	char path[PATH_MAX];
	int found = 0, rc;

	for (int k = 0; kinds[k]; k++) {
		for (size_t x = 0; x < sizeof ext / sizeof ext[0]; x++) {
			snprintf(path, sizeof path, "%s/%s%s", o->dataset,
			    kinds[k], ext[x]);
			if (access(path, F_OK) != 0)
				continue;
			found++;
			if ((rc = load(db, o, kinds[k], path)) != 0)
				return rc;
			break;
		}
	}
	if (found == 0) {
		struct brul_err e;

		brul_err_set(&e, o->dataset, 0, 0, "no stream files "
		    "(sites.csv.gz, telemetry.csv.gz ...)");
		return fail(NULL, &e);
	}
	return 0;
}

static void
dropped(void *ctx, const char *name, const char *parent, int64_t lo,
	int64_t hi)
{
	const struct options *o = ctx;
	char a[BRUL_DATE_LEN + 1], b[BRUL_DATE_LEN + 1];

	a[brul_date_format(a, lo / BRUL_DAY)] = '\0';
	b[brul_date_format(b, hi / BRUL_DAY)] = '\0';
	if (o->dry_run || !o->out.quiet)
		fprintf(o->dry_run ? stdout : stderr, "%s%s (%s, %s to %s)\n",
		    o->dry_run ? "would drop " : "brul-load: dropped ", name,
		    parent, a, b);
}

static int
retain(struct brul_db *db, const struct options *o)
{
	struct brul_err e;
	int64_t keep, cutoff;
	char c[BRUL_TIME_LEN + 1];
	int n, m;

	brul_err_clear(&e);
	brul_duration_parse(o->retain, &keep);
	cutoff = (o->has_now ? o->now : (int64_t)time(NULL)) - keep;
	if ((n = brul_retain(db, cutoff, o->dry_run, dropped, (void *)o,
	    &e)) < 0 || (m = brul_shards_retain(db, cutoff, o->dry_run,
	    dropped, (void *)o, &e)) < 0)
		return fail(db, &e);
	n += m;
	c[brul_time_format(c, cutoff)] = '\0';
	if (n == 0 && !o->out.quiet)
		fprintf(stderr, "brul-load: no partition lies wholly before "
		    "%s\n", c);
	return 0;
}

/* --add-shard: the sites of --sites, their shard at its address. */
static int
add_shard(struct brul_db *db, const struct options *o)
{
	struct brul_shards have;
	struct brul_err e;
	char *list, *tok, *save = NULL, name[40];
	const char **sites;
	int n = 0, rc;

	brul_err_clear(&e);
	list = strdup(o->sites);
	sites = calloc(strlen(o->sites) / 2 + 1, sizeof *sites);
	if (list == NULL || sites == NULL) {
		brul_err_set(&e, NULL, 0, 0, "out of memory");
		return fail(NULL, &e);
	}
	for (tok = strtok_r(list, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save))
		sites[n++] = tok;
	if (n == 0)
		brul_cli_bad(&cli, "--sites", "site ids, comma-separated",
		    o->sites);
	/* The first name free, shard1, shard2 ... */
	if (o->name == NULL) {
		if (brul_shards_read(db, &have, &e) < 0)
			return fail(db, &e);
		for (int k = 1;; k++) {
			snprintf(name, sizeof name, "shard%d", k);
			int used = 0;

			for (int i = 0; i < have.n; i++)
				used |= strcmp(have.v[i].name, name) == 0;
			if (!used)
				break;
		}
		brul_shards_free(&have);
	}
	rc = brul_shard_add(db, o->name ? o->name : name, o->add_shard,
	    sites, n, applied, (void *)o, &e);
	if (rc == 0 && !o->out.quiet)
		fprintf(stderr, "brul-load: shard %s keeps the telemetry of "
		    "%s\n", o->name ? o->name : name, o->sites);
	free(sites);
	free(list);
	return rc < 0 ? fail(db, &e) : 0;
}

/* --shards: the coordinator and each shard, what it holds, as CSV. */
static int
shards(struct brul_db *db, const struct options *o)
{
	struct brul_shards s;
	struct brul_err e;
	int64_t rows, bytes;
	int bad = 0;

	(void)o;
	brul_err_clear(&e);
	if (brul_shards_read(db, &s, &e) < 0 ||
	    brul_shard_usage(db, &rows, &bytes, &e) < 0)
		return fail(db, &e);
	printf("shard,sites,rows,bytes,status\n");
	printf("here,,%" PRId64 ",%" PRId64 ",ok\n", rows, bytes);
	for (int i = 0; i < s.n; i++) {
		struct brul_db *h = brul_db_open(s.v[i].conninfo, "brul-load",
						 &e);

		printf("%s,", s.v[i].name);
		for (int k = 0; k < s.v[i].nsites; k++)
			printf("%s%s", k ? " " : "", s.v[i].sites[k]);
		if (h == NULL || brul_shard_usage(h, &rows, &bytes, &e) < 0) {
			/* The status is CSV: the message without quotes. */
			for (char *c = e.msg; *c; c++)
				if (*c == '"' || *c == ',' || *c == '\n')
					*c = ' ';
			printf(",,,\"unreachable: %s\"\n", e.msg);
			bad = 1;
		} else {
			printf(",%" PRId64 ",%" PRId64 ",ok\n", rows, bytes);
		}
		brul_db_close(h);
		brul_err_clear(&e);
	}
	brul_shards_free(&s);
	return bad ? EXIT_DB : 0;
}

static int
export(struct brul_db *db, const struct options *o)
{
	struct brul_out_opts oo;
	struct brul_out *out;
	struct brul_err e;
	uint64_t rows;

	brul_cli_out_opts(&o->out, &oo);
	brul_err_clear(&e);
	if ((out = brul_out_open(o->out.output, &oo, &e)) == NULL)
		return fail(NULL, &e);
	if (brul_export(db, o->export, &o->ex, out, &rows, &e) < 0) {
		brul_out_abort(out);
		return fail(db, &e);
	}
	if (brul_out_close(out, &e) < 0)
		return fail(NULL, &e);
	return 0;
}

int
main(int argc, char **argv)
{
	struct options o = { 0 };
	struct brul_db *db;
	struct brul_err e;
	int rc = 0;

	brul_err_clear(&e);
	parse(argc, argv, &o);
	argc -= optind;
	argv += optind;
	/* a file or directory that is not there is said before the
	 * database is: the database may be fine */
	if (o.dataset && !is_dir(o.dataset, &e))
		return fail(NULL, &e);
	for (int i = 1; o.mode == NULL && i < argc; i++)
		if (strcmp(argv[i], "-") != 0 && access(argv[i], R_OK) < 0) {
			brul_err_set(&e, argv[i], 0, 0, "cannot open: %s",
			    strerror(errno));
			return fail(NULL, &e);
		}
	if (o.create_db && (rc = create_db(&o)) != 0)
		return rc;
	if ((db = brul_db_open(o.db, "brul-load", &e)) == NULL) {
		fail(NULL, &e);
		return EXIT_DB;
	}
	if (o.migrate)
		rc = migrate(db, &o);
	else if (o.dataset)
		rc = dataset(db, &o);
	else if (o.retain)
		rc = retain(db, &o);
	else if (o.export)
		rc = export(db, &o);
	else if (o.add_shard)
		rc = add_shard(db, &o);
	else if (o.shards)
		rc = shards(db, &o);
	else {
		int i = 1;

		do
			rc = load(db, &o, argv[0], argc > 1 ? argv[i] : NULL);
		while (rc == 0 && ++i < argc);
	}
	brul_db_close(db);
	return rc;
}

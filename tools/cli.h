/*
 * cli.h: what the tools' command lines share.  This is the tools' side
 * (it prints and exits, which lib/ never does): the tool's name in
 * messages, the usage line and --help, --version, a value refused, the
 * options of a tool that writes a stream (-o, -z, --format, --force), and
 * those every tool takes (--progress, --quiet and -q); the temporaries of
 * its outputs, removed when a signal ends it.
 *
 * A tool lists BRUL_CLI_OPTIONS and BRUL_CLI_PROGRESS_OPTIONS (and
 * BRUL_CLI_STREAM_OPTIONS when it writes a stream) in its long options,
 * "q" (and "o:z") in its short ones, numbers its own from 256, and
 * offers each option to brul_cli_option before its own switch.
 */
#ifndef BRUL_CLI_H
#define BRUL_CLI_H

#include <getopt.h>
#include <stdint.h>

#include "core/progress.h"
#include "core/reader.h"
#include "core/stream.h"

struct brul_cli {
	const char *name;	/* "brul-features", in messages */
	const char *args;	/* "[options] [FILE ...]", for the usage line */
	const char *synopsis;	/* the usage lines, for --help */
	const char *help;	/* what --help says after them */
};

/* Where a tool writes its stream (or brul-train its model: -o alone),
 * and how; and what it says on stderr besides its errors. */
struct brul_cli_stream {
	const char *output;		/* -o; NULL: stdout */
	int gzip;			/* -z */
	int force;			/* --force: gzip to a terminal too */
	enum brul_format format;	/* --format csv (default) or ndjson */
	enum brul_progress_mode progress;	/* --progress, --quiet */
	int quiet;			/* --quiet (or -q) given last: no
					 * progress and no notes */
};

enum {
	BRUL_OPT_HELP = 200, BRUL_OPT_VERSION, BRUL_OPT_FORMAT,
	BRUL_OPT_PROGRESS, BRUL_OPT_FORCE
};

#define BRUL_CLI_OPTIONS \
	{ "help", no_argument, NULL, BRUL_OPT_HELP }, \
	{ "version", no_argument, NULL, BRUL_OPT_VERSION }
#define BRUL_CLI_STREAM_OPTIONS \
	{ "force", no_argument, NULL, BRUL_OPT_FORCE }, \
	{ "format", required_argument, NULL, BRUL_OPT_FORMAT }, \
	{ "gzip", no_argument, NULL, 'z' }, \
	{ "output", required_argument, NULL, 'o' }
#define BRUL_CLI_PROGRESS_OPTIONS \
	{ "progress", no_argument, NULL, BRUL_OPT_PROGRESS }, \
	{ "quiet", no_argument, NULL, 'q' }

/* "usage: NAME ARGS (NAME --help lists them)" on stderr; exit 2. */
void brul_cli_usage(const struct brul_cli *c) __attribute__((noreturn));
/* The synopsis and the help on stdout; brul_cli_exit(c, 0). */
void brul_cli_help(const struct brul_cli *c) __attribute__((noreturn));
/* Exits with status once stdout is written and closed (fflush, ferror,
 * fclose), for a tool that printf's to it (--help, --version, brul-serve
 * --routes); a write error there (a full disk) is said, "NAME: <stdout>:
 * write error: WHY", and exits 1 (or status, when not 0). */
void brul_cli_exit(const struct brul_cli *c, int status)
	__attribute__((noreturn));
/* "NAME: OPT: expected WHAT, not "S"", then the usage; exit 2. */
void brul_cli_bad(const struct brul_cli *c, const char *opt,
		  const char *what, const char *s) __attribute__((noreturn));
/* "NAME: OPT: MSG" (a value refused, said by lib/), then the usage;
 * exit 2. */
void brul_cli_refuse(const struct brul_cli *c, const char *opt,
		     const char *msg) __attribute__((noreturn));
/* The same with a message formatted as printf does. */
void brul_cli_refusef(const struct brul_cli *c, const char *opt,
		      const char *fmt, ...)
	__attribute__((noreturn, format(printf, 3, 4)));
/* "NAME: " and what fmt says (an operand, a combination of options or a
 * required option refused), then the usage; exit 2.  Every usage error
 * goes through it, brul_cli_bad or brul_cli_refuse: one message, then
 * the usage line.  brul_cli_usage alone follows getopt's own message. */
void brul_cli_misuse(const struct brul_cli *c, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 2, 3)));

/* Values from the command line, parsed with lib's locale-free parsers
 * and bounded (as OpenBSD's strtonum): the value, or brul_cli_bad's
 * message ("expected a whole number from 1 to 256, not "x"") and exit 2.
 * what says what brul_cli_double and brul_cli_duration expect, for the
 * message: "a voltage from 12 to 15". */
long brul_cli_long(const struct brul_cli *c, const char *opt, const char *s,
		   long lo, long hi);
double brul_cli_double(const struct brul_cli *c, const char *opt,
		       const char *s, double lo, double hi, const char *what);
/* "2w", "30d", "12h", "90m", "45s" or seconds: in [lo, hi] seconds. */
int64_t brul_cli_duration(const struct brul_cli *c, const char *opt,
			  const char *s, int64_t lo, int64_t hi,
			  const char *what);
/* "YYYY-MM-DD": days since 1970-01-01. */
int64_t brul_cli_date(const struct brul_cli *c, const char *opt,
		      const char *s);
/* An ISO 8601 UTC time, or a date for its midnight: seconds since
 * 1970-01-01T00:00:00Z. */
int64_t brul_cli_time(const struct brul_cli *c, const char *opt,
		      const char *s);
/* --shard I/N (battery/share.h) into *i and *n, or brul_cli_bad. */
void brul_cli_share(const struct brul_cli *c, const char *opt, const char *s,
		    int *i, int *n);

/* Opens path (NULL or "-": stdin), its header read, as brul_reader_open
 * does: NULL with e set when it cannot, an empty input among the errors
 * ("FILE: empty: no header row (did the command before it fail?)": what
 * a failed command leaves in a pipe).  A tool opens its inputs, or the
 * first of them, before its output, so that a missing or empty one
 * leaves nothing written.
 *
 * opt and stream say what the file was given for (brul_reader_expect),
 * so that a missing column names them, and what the file is when it is
 * plainly another stream, which is refused at once
 * (brul_reader_check_kind): opt the option ("--fleet"), or for an operand
 * the tool's input ("brul-twin's input"), or NULL for a data file;
 * stream the stream of brul-formats(5) it takes ("batteries").  Both
 * must outlive the reader: literals. */
struct brul_reader *brul_cli_open(const char *path, const char *opt,
				  const char *stream, struct brul_err *e);
/* After r's last row: "NAME: FILE: 0 rows" on stderr when it handed out
 * none (a header alone is a valid stream, but seldom what was meant),
 * unless quiet. */
void brul_cli_rows(const struct brul_cli *c, const struct brul_reader *r,
		   int quiet);

/* "NAME: what e says" on stderr (a runtime or data error); brul_cli_die
 * then exits 1. */
void brul_cli_error(const struct brul_cli *c, const struct brul_err *e);
void brul_cli_die(const struct brul_cli *c, const struct brul_err *e)
	__attribute__((noreturn));

/* Takes option ch (with arg) when it is --help, --version or, with s not
 * NULL, -o, -z, --format, --force, --progress or --quiet (-q): 1; else 0,
 * for the tool's own switch.  Of --progress and --quiet, the last given wins. */
int brul_cli_option(const struct brul_cli *c, struct brul_cli_stream *s,
		    int ch, const char *arg);

/* The output options s asks for (gzip, force_tty) and brul_cli_temp as
 * the note, the rest zero: a tool sets its own (level, threads) after. */
void brul_cli_out_opts(const struct brul_cli_stream *s,
		       struct brul_out_opts *oo);

/* A brul_publish_note (core/publish.h): remembers a temporary an output
 * is written to until it is renamed or removed, and from the first one
 * on, catches SIGHUP, SIGINT and SIGTERM (those not ignored when the tool
 * started) to remove them before dying of the signal, so that an
 * interrupted run leaves the old file and no temporary.  Up to 16 at
 * once (brul-gen --dataset has 9); beyond, one is not removed. */
void brul_cli_temp(const char *tmp, int made);

#endif

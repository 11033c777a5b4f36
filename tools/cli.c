/* cli.c: what the tools' command lines share (cli.h). */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "battery/share.h"
#include "core/num.h"
#include "core/timefmt.h"

/*
 * The temporaries being written (brul_cli_temp), for the signal handler:
 * the one mutable state of the tools, kept here so that lib/ has none.
 * A slot's path is written before it is armed and rewritten only while
 * disarmed; the flags are atomic because a signal may land on any thread
 * (gzip's, XGBoost's).
 */
#define MAX_TEMPS	16
static char temps[MAX_TEMPS][PATH_MAX];
static atomic_int armed[MAX_TEMPS];
static int catching;	/* the handler is installed */

static const int fatal[] = { SIGHUP, SIGINT, SIGTERM };

/* Removes the temporaries, then dies of sig as if uncaught (the handler
 * was reset on entry), so that the caller sees the signal.  unlink(2)
 * and raise(3) are async-signal-safe. */
static void
on_fatal(int sig)
{
	for (int i = 0; i < MAX_TEMPS; i++)
		if (atomic_load(&armed[i]))
			unlink(temps[i]);
	raise(sig);
}

static void
catch_fatal(void)
{
	struct sigaction sa, old;

	catching = 1;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_fatal;
	sa.sa_flags = SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof fatal / sizeof fatal[0]; i++)
		sigaddset(&sa.sa_mask, fatal[i]);
	for (size_t i = 0; i < sizeof fatal / sizeof fatal[0]; i++) {
		/* A signal ignored when the tool started (nohup, a
		 * background job's SIGINT) stays ignored. */
		if (sigaction(fatal[i], NULL, &old) == 0 &&
		    old.sa_handler == SIG_IGN)
			continue;
		sigaction(fatal[i], &sa, NULL);
	}
}

void
brul_cli_temp(const char *tmp, int made)
{
	for (int i = 0; i < MAX_TEMPS; i++) {
		if (made && !atomic_load(&armed[i])) {
			snprintf(temps[i], sizeof temps[i], "%s", tmp);
			atomic_store(&armed[i], 1);
			if (!catching)
				catch_fatal();
			return;
		}
		if (!made && atomic_load(&armed[i]) &&
		    strcmp(temps[i], tmp) == 0) {
			atomic_store(&armed[i], 0);
			return;
		}
	}
}

void
brul_cli_usage(const struct brul_cli *c)
{
	fprintf(stderr, "usage: %s %s (%s --help lists them)\n", c->name,
	    c->args, c->name);
	exit(2);
}

void
brul_cli_help(const struct brul_cli *c)
{
	printf("%s\n", c->synopsis);
	fputs(c->help, stdout);
	brul_cli_exit(c, 0);
}

void
brul_cli_exit(const struct brul_cli *c, int status)
{
	int e = 0;

	/* fflush says why; ferror remembers a failure of an earlier flush
	 * (whose errno is gone); fclose, one the file system reports late. */
	errno = 0;
	if (fflush(stdout) == EOF)
		e = errno ? errno : EIO;
	if (ferror(stdout) && e == 0)
		e = EIO;
	if (fclose(stdout) == EOF && e == 0)
		e = errno ? errno : EIO;
	if (e != 0) {
		fprintf(stderr, "%s: <stdout>: write error: %s\n", c->name,
		    strerror(e));
		exit(status ? status : 1);
	}
	exit(status);
}

void
brul_cli_bad(const struct brul_cli *c, const char *opt, const char *what,
	     const char *s)
{
	brul_cli_misuse(c, "%s: expected %s, not \"%s\"", opt, what, s);
}

void
brul_cli_refuse(const struct brul_cli *c, const char *opt, const char *msg)
{
	brul_cli_misuse(c, "%s: %s", opt, msg);
}

void
brul_cli_refusef(const struct brul_cli *c, const char *opt, const char *fmt,
		 ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	brul_cli_refuse(c, opt, msg);
}

void
brul_cli_misuse(const struct brul_cli *c, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", c->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	brul_cli_usage(c);
}

long
brul_cli_long(const struct brul_cli *c, const char *opt, const char *s,
	      long lo, long hi)
{
	int64_t v;

	if (brul_int_parse(s, strlen(s), &v) < 0 || v < lo || v > hi) {
		char what[80];

		snprintf(what, sizeof what, "a whole number from %ld to %ld",
		    lo, hi);
		brul_cli_bad(c, opt, what, s);
	}
	return (long)v;
}

void
brul_cli_share(const struct brul_cli *c, const char *opt, const char *s,
	       int *i, int *n)
{
	if (brul_share_parse(s, i, n) < 0)
		brul_cli_bad(c, opt, "I/N, the I-th of N shares of the sites "
		    "(0-based, N from 1 to 10000)", s);
}

double
brul_cli_double(const struct brul_cli *c, const char *opt, const char *s,
		double lo, double hi, const char *what)
{
	double v;

	if (brul_num_parse(s, strlen(s), &v) < 0 || !(v >= lo && v <= hi))
		brul_cli_bad(c, opt, what, s);
	return v;
}

int64_t
brul_cli_duration(const struct brul_cli *c, const char *opt, const char *s,
		  int64_t lo, int64_t hi, const char *what)
{
	int64_t v;

	if (brul_duration_parse(s, &v) < 0 || v < lo || v > hi)
		brul_cli_bad(c, opt, what, s);
	return v;
}

int64_t
brul_cli_date(const struct brul_cli *c, const char *opt, const char *s)
{
	int64_t day;

	if (brul_date_parse(s, strlen(s), &day) < 0)
		brul_cli_bad(c, opt, "a date (YYYY-MM-DD)", s);
	return day;
}

int64_t
brul_cli_time(const struct brul_cli *c, const char *opt, const char *s)
{
	int64_t t;

	if (brul_time_parse(s, strlen(s), &t) == 0)
		return t;
	if (brul_date_parse(s, strlen(s), &t) == 0)
		return t * BRUL_DAY;
	brul_cli_bad(c, opt, "a time (2026-01-01T00:00:00Z) or a date "
	    "(2026-01-01)", s);
}

struct brul_reader *
brul_cli_open(const char *path, const char *opt, const char *stream,
	      struct brul_err *e)
{
	struct brul_reader *r = brul_reader_open(path, BRUL_FMT_AUTO, e);

	if (r == NULL)
		return NULL;
	brul_reader_expect(r, opt, stream);
	if (brul_reader_check_kind(r, e) < 0) {
		brul_reader_close(r);
		return NULL;
	}
	return r;
}

void
brul_cli_rows(const struct brul_cli *c, const struct brul_reader *r,
	      int quiet)
{
	if (!quiet && brul_reader_records(r) == 0)
		fprintf(stderr, "%s: %s: 0 rows\n", c->name,
		    brul_reader_name(r));
}

void
brul_cli_error(const struct brul_cli *c, const struct brul_err *e)
{
	char buf[1024];

	fprintf(stderr, "%s: %s\n", c->name, brul_err_str(e, buf, sizeof buf));
}

void
brul_cli_die(const struct brul_cli *c, const struct brul_err *e)
{
	brul_cli_error(c, e);
	exit(1);
}

int
brul_cli_option(const struct brul_cli *c, struct brul_cli_stream *s, int ch,
		const char *arg)
{
	int f;

	switch (ch) {
	case BRUL_OPT_HELP:
		brul_cli_help(c);
	case BRUL_OPT_VERSION:
		printf("%s %s\n", c->name, BRUL_VERSION);
		brul_cli_exit(c, 0);
	}
	if (s == NULL)
		return 0;
	switch (ch) {
	case 'o':
		s->output = arg;
		return 1;
	case 'z':
		s->gzip = 1;
		return 1;
	case BRUL_OPT_FORCE:
		s->force = 1;
		return 1;
	case BRUL_OPT_FORMAT:
		if ((f = brul_format_parse(arg)) < 0 || f == BRUL_FMT_AUTO)
			brul_cli_bad(c, "--format", "csv or ndjson", arg);
		s->format = (enum brul_format)f;
		return 1;
	case BRUL_OPT_PROGRESS:
		s->progress = BRUL_PROGRESS_FORCE;
		s->quiet = 0;
		return 1;
	case 'q':
		s->progress = BRUL_PROGRESS_QUIET;
		s->quiet = 1;
		return 1;
	}
	return 0;
}

void
brul_cli_out_opts(const struct brul_cli_stream *s, struct brul_out_opts *oo)
{
	memset(oo, 0, sizeof(*oo));
	oo->gzip = s->gzip;
	oo->force_tty = s->force;
	oo->note = brul_cli_temp;
}

/* cli.c: what the tools' command lines share (cli.h). */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

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
	exit(0);
}

void
brul_cli_bad(const struct brul_cli *c, const char *opt, const char *what,
	     const char *s)
{
	fprintf(stderr, "%s: %s: expected %s, not \"%s\"\n", c->name, opt,
	    what, s);
	brul_cli_usage(c);
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
		exit(0);
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
	case BRUL_OPT_FORMAT:
		if ((f = brul_format_parse(arg)) < 0 || f == BRUL_FMT_AUTO)
			brul_cli_bad(c, "--format", "csv or ndjson", arg);
		s->format = (enum brul_format)f;
		return 1;
	case BRUL_OPT_PROGRESS:
		s->progress = BRUL_PROGRESS_FORCE;
		return 1;
	case BRUL_OPT_QUIET:
		s->progress = BRUL_PROGRESS_QUIET;
		s->quiet = 1;
		return 1;
	}
	return 0;
}

/*
 * progress.c: one status line, rewritten in place.
 *
 * On a terminal the line ends with "erase to end of line"; a forced stream
 * that is not a terminal (a log file) gets the line padded with spaces
 * instead of escape codes.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/progress.h"

#define INTERVAL 0.25	/* seconds between two lines */
#define WIDTH 72	/* padding when not on a terminal */

static double
now(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1)
		return 0;
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* "999", "12.3 k", "3.12 M": three significant digits. */
static void
human(char *buf, size_t n, double v)
{
	static const char *const prefix[] = { "k", "M", "G", "T", "P" };
	int i = -1;

	if (v < 999.5) {
		snprintf(buf, n, "%.0f", v);
		return;
	}
	while (v >= 999.5 && i < 4) {
		v /= 1000;
		i++;
	}
	snprintf(buf, n, "%.*f %s", v < 9.995 ? 2 : v < 99.95 ? 1 : 0, v,
	    prefix[i]);
}

/* "0:00:12" */
static void
hms(char *buf, size_t n, double s)
{
	unsigned long t;

	if (!(s >= 0))
		s = 0;
	if (s > 359999999)
		s = 359999999;
	t = (unsigned long)(s + 0.5);
	snprintf(buf, n, "%lu:%02lu:%02lu", t / 3600, t / 60 % 60, t % 60);
}

static void
emit(struct brul_progress *p, const char *line, int final)
{
	int tty = isatty(fileno(p->fp));
	int len = (int)strlen(line);

	if (tty)
		fprintf(p->fp, "\r%s\033[K", line);
	else
		fprintf(p->fp, "\r%s%*s", line, len < WIDTH ? WIDTH - len : 0,
		    "");
	if (final)
		fputc('\n', p->fp);
	fflush(p->fp);
}

void
brul_progress_init(struct brul_progress *p, FILE *fp,
    enum brul_progress_mode mode, const char *prog, const char *unit,
    uint64_t total)
{
	p->fp = fp;
	p->prog = prog != NULL ? prog : "brul";
	p->unit = unit != NULL ? unit : "rows";
	p->total = total;
	p->tick = 0;
	if (fp == NULL || mode == BRUL_PROGRESS_QUIET)
		p->on = 0;
	else if (mode == BRUL_PROGRESS_FORCE)
		p->on = 1;
	else
		p->on = isatty(fileno(fp));
	p->t0 = p->on ? now() : 0;
	p->next = p->t0 + INTERVAL;
}

void
brul_progress_update(struct brul_progress *p, uint64_t done)
{
	char line[256], rows[32], rate[32], eta[32];
	double t, el;
	int n;

	if (!p->on || (++p->tick & 4095) != 0)
		return;
	t = now();
	if (t < p->next)
		return;
	p->next = t + INTERVAL;
	el = t - p->t0;
	human(rows, sizeof(rows), (double)done);
	human(rate, sizeof(rate), el > 0 ? (double)done / el : 0);
	n = snprintf(line, sizeof(line), "%s: %s %s, %s %s/s", p->prog, rows,
	    p->unit, rate, p->unit);
	if (p->total > 0 && n > 0 && (size_t)n < sizeof(line)) {
		double frac = (double)done / (double)p->total;

		if (frac > 1)
			frac = 1;
		if (done > 0 && el > 0) {
			hms(eta, sizeof(eta), el * (1 - frac) / frac);
			snprintf(line + n, sizeof(line) - (size_t)n,
			    ", %d %%, ETA %s", (int)(frac * 100), eta);
		} else
			snprintf(line + n, sizeof(line) - (size_t)n, ", %d %%",
			    (int)(frac * 100));
	}
	emit(p, line, 0);
}

void
brul_progress_end(struct brul_progress *p, uint64_t done)
{
	char line[256], rate[32], el_s[32];
	double el;

	if (!p->on)
		return;
	el = now() - p->t0;
	human(rate, sizeof(rate), el > 0 ? (double)done / el : 0);
	if (el < 60)
		snprintf(el_s, sizeof(el_s), "%.1f s", el);
	else
		hms(el_s, sizeof(el_s), el);
	snprintf(line, sizeof(line), "%s: %" PRIu64 " %s in %s, %s %s/s",
	    p->prog, done, p->unit, el_s, rate, p->unit);
	emit(p, line, 1);
	p->on = 0;
}

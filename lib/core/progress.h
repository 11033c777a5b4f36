/*
 * progress.h: progress of long work on a terminal.
 *
 * Prints "brul-gen: 1.23 M rows, 3.12 M rows/s, 42 %, ETA 0:00:12" on one
 * line of the given stream (stderr), rewritten in place at most four times
 * a second, and a final line by brul_progress_end:
 * "brul-gen: 3110400 rows in 2.5 s, 1.24 M rows/s".  Silent unless the stream
 * is a terminal, or forced.  Holds no global state.
 */
#ifndef BRUL_PROGRESS_H
#define BRUL_PROGRESS_H

#include <stdint.h>
#include <stdio.h>

enum brul_progress_mode {
	BRUL_PROGRESS_AUTO = 0,	/* when fp is a terminal */
	BRUL_PROGRESS_FORCE,	/* --progress */
	BRUL_PROGRESS_QUIET	/* --quiet */
};

struct brul_progress {
	FILE *fp;
	int on;
	const char *prog, *unit;
	uint64_t total;		/* 0: unknown, no ETA */
	double t0, next;
	unsigned tick;
};

void brul_progress_init(struct brul_progress *p, FILE *fp,
			enum brul_progress_mode mode, const char *prog,
			const char *unit, uint64_t total);
/* Cheap to call per row: it looks at the clock every 4096 calls. */
void brul_progress_update(struct brul_progress *p, uint64_t done);
void brul_progress_end(struct brul_progress *p, uint64_t done);

#endif

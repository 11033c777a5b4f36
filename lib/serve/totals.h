/*
 * totals.h: the totals of lists, remembered: counting the fleet for every
 * page of a list costs as much as the page.
 *
 * A total is good while no load has changed what it counts (the live hub
 * counts such loads: brul-load's NOTIFY on batteries and predictions) and
 * for at most a minute.  Keys are the statement and its filters; a fixed
 * table of slots, the newest total of a slot wins.  Safe to share
 * between threads.
 *
 * Ownership: struct brul_totals is the caller's storage, set up by
 * brul_totals_init and emptied by brul_totals_release.
 */
#ifndef BRUL_TOTALS_H
#define BRUL_TOTALS_H

#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#define BRUL_TOTALS 64
#define BRUL_TOTAL_TTL 60	/* seconds */
#define BRUL_TOTAL_KEY 200	/* bytes of a key, with its NUL */

struct brul_totals {
	pthread_mutex_t mu;
	const atomic_uint *changes;	/* loads seen; the owner counts */
	struct {
		char key[BRUL_TOTAL_KEY];	/* "": free */
		long long total;
		unsigned changes;
		time_t at;
	} slot[BRUL_TOTALS];
};

void brul_totals_init(struct brul_totals *t, const atomic_uint *changes);
void brul_totals_release(struct brul_totals *t);
/* The loads seen so far: take it before counting a total to remember. */
unsigned brul_totals_changes(const struct brul_totals *t);
/* The total remembered for key: 1 and *total set, or 0. */
int brul_totals_get(struct brul_totals *t, const char *key,
		    long long *total);
/* Remembers total for key, as counted when brul_totals_changes said
 * changes. */
void brul_totals_put(struct brul_totals *t, const char *key,
		     long long total, unsigned changes);

#endif

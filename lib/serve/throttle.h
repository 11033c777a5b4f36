/*
 * throttle.h: login failures counted per key (a user name, an address),
 * in a fixed table, so that guessing passwords is slow and memory stays
 * bounded whatever an attacker sends.
 *
 * A key that has failed `max` times within `window` seconds is refused
 * for `window` seconds from its last failure; a success forgets it.  Keys
 * are kept as 64-bit hashes in 4,096 slots; when all are taken the oldest
 * is forgotten.
 *
 * Ownership: brul_throttle_new returns a table freed by brul_throttle_free;
 * it is safe to share between threads.
 */
#ifndef BRUL_THROTTLE_H
#define BRUL_THROTTLE_H

#include <time.h>

struct brul_throttle;

struct brul_throttle *brul_throttle_new(void);
void brul_throttle_free(struct brul_throttle *t);

/* 0 when key may try now, else the seconds until it may. */
int brul_throttle_wait(struct brul_throttle *t, const char *key, int max,
		       int window, time_t now);
void brul_throttle_fail(struct brul_throttle *t, const char *key, int window,
			time_t now);
void brul_throttle_forget(struct brul_throttle *t, const char *key);

#endif

/*
 * throttle.h: login failures counted per key (a user name, an address),
 * in a fixed table, so that guessing passwords is slow and memory stays
 * bounded whatever an attacker sends.
 *
 * A key that has failed `max` times within `window` seconds is refused
 * for `window` seconds from its last failure; a success forgets it.  Keys
 * are kept as SipHash-2-4 values under a key drawn for each table, so
 * that no one outside the process can choose names that share a slot.
 * The table has 4,096 slots, a key one of 8 of them; a key's failures are
 * never forgotten while it is refused: when every slot a new key may take
 * holds a refused key, the new key is refused too (until one of those
 * ends) rather than forget one.
 *
 * Ownership: brul_throttle_new returns a table freed by brul_throttle_free;
 * it is safe to share between threads.
 */
#ifndef BRUL_THROTTLE_H
#define BRUL_THROTTLE_H

#include <time.h>

struct brul_throttle;

/* NULL when out of memory or libsodium cannot start. */
struct brul_throttle *brul_throttle_new(void);
void brul_throttle_free(struct brul_throttle *t);

/* 0 when key may try now, else the seconds until it may. */
int brul_throttle_wait(struct brul_throttle *t, const char *key, time_t now);
/* A failure of key: refused once it has `max` within `window` seconds. */
void brul_throttle_fail(struct brul_throttle *t, const char *key, int max,
			int window, time_t now);
void brul_throttle_forget(struct brul_throttle *t, const char *key);

#endif

/* test-throttle.c: failed sign-ins counted per key (serve/throttle.h):
 * a key that failed max times within the window waits until the window
 * has passed since its last failure; a success forgets it; keys do not
 * share counts; and no flood of other keys forgets a key that waits:
 * when there is no room left, new keys wait instead. */
#include <stdio.h>

#include "serve/throttle.h"
#include "tap.h"

#define MAX 5
#define WINDOW 900
#define T0 ((time_t)1767225600)

int
main(void)
{
	struct tap t = { 0 };
	struct brul_throttle *th = brul_throttle_new();
	int w, refused;

	if (th == NULL)
		return 1;
	tap_ok(&t, brul_throttle_wait(th, "u:somchai", T0) == 0,
	    "a key never seen may try");
	for (int i = 0; i < MAX - 1; i++)
		brul_throttle_fail(th, "u:somchai", MAX, WINDOW, T0 + i);
	tap_ok(&t, brul_throttle_wait(th, "u:somchai", T0 + 10) == 0,
	    "four failures: may still try");
	brul_throttle_fail(th, "u:somchai", MAX, WINDOW, T0 + 10);
	w = brul_throttle_wait(th, "u:somchai", T0 + 20);
	tap_ok(&t, w == WINDOW - 10, "the fifth: a wait of the window from "
	    "the last failure");
	tap_ok(&t, brul_throttle_wait(th, "u:other", T0 + 20) == 0,
	    "another key is not held");
	tap_ok(&t, brul_throttle_wait(th, "u:somchai", T0 + 10 + WINDOW + 1) ==
	    0, "the window over, it may try again");

	for (int i = 0; i < MAX; i++)
		brul_throttle_fail(th, "a:10.0.0.1", MAX, WINDOW, T0 + i);
	tap_ok(&t, brul_throttle_wait(th, "a:10.0.0.1", T0 + 5) > 0,
	    "an address held");
	brul_throttle_forget(th, "a:10.0.0.1");
	tap_ok(&t, brul_throttle_wait(th, "a:10.0.0.1", T0 + 5) == 0,
	    "a success forgets it");

	/* Failures a window apart are not a run. */
	for (int i = 0; i < MAX; i++)
		brul_throttle_fail(th, "u:slow", MAX, WINDOW,
		    T0 + (time_t)i * (WINDOW + 1));
	tap_ok(&t, brul_throttle_wait(th, "u:slow",
	    T0 + (MAX - 1) * (WINDOW + 1)) == 0,
	    "one failure a window: never held");

	/* A key held, then a flood of other keys within its window: it is
	 * still held, however many there are. */
	for (int i = 0; i < MAX; i++)
		brul_throttle_fail(th, "u:victim", MAX, WINDOW, T0 + 5000);
	for (int i = 0; i < 20000; i++) {
		char k[32];

		snprintf(k, sizeof k, "u:user%d", i);
		brul_throttle_fail(th, k, MAX, WINDOW, T0 + 5001);
	}
	tap_ok(&t, brul_throttle_wait(th, "u:victim", T0 + 5002) ==
	    WINDOW - 2, "after 20,000 other keys, a held key is still held");
	for (int i = 0; i < MAX; i++)
		brul_throttle_fail(th, "u:late", MAX, WINDOW, T0 + 5003);
	tap_ok(&t, brul_throttle_wait(th, "u:late", T0 + 5004) > 0,
	    "after 20,000 keys, a new run is still held");

	/* Every slot held: nothing is forgotten, new keys wait instead
	 * until the first holds end, and then may try. */
	for (int i = 0; i < 20000; i++) {
		char k[32];

		snprintf(k, sizeof k, "a:10.1.%d.%d", i / 256, i % 256);
		for (int j = 0; j < MAX; j++)
			brul_throttle_fail(th, k, MAX, WINDOW, T0 + 5100);
	}
	refused = 0;
	for (int i = 0; i < 20000; i++) {
		char k[32];

		snprintf(k, sizeof k, "a:10.2.%d.%d", i / 256, i % 256);
		refused += brul_throttle_wait(th, k, T0 + 5101) > 0;
	}
	tap_ok(&t, brul_throttle_wait(th, "u:victim", T0 + 5101) ==
	    WINDOW - 101, "a full table: the held key is still held");
	tap_ok(&t, refused == 20000, "a full table: new keys wait");
	tap_ok(&t, brul_throttle_wait(th, "a:10.2.0.1", T0 + 5100 + WINDOW) ==
	    0, "the holds over, new keys may try again");
	brul_throttle_free(th);
	return tap_done(&t);
}

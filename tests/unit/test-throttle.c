/* test-throttle.c: failed sign-ins (serve/throttle.h), on a clock of the
 * test's own: the waits a user from one address, an address and a user
 * from every address earn, as the header's table gives them; what a
 * success resets and what it leaves; a user's known address; counts
 * forgotten after an hour; and no flood of other counts forgets one that
 * makes attempts wait: when there is no room left, new ones wait too. */
#include <stdio.h>

#include "serve/throttle.h"
#include "tap.h"

#define T0 ((time_t)1767225600)

/* n failures of user from addr at now. */
static void
fail(struct brul_throttle *th, const char *user, const char *addr, int n,
     time_t now)
{
	while (n-- > 0)
		brul_throttle_fail(th, user, addr, now);
}

static int
wait_(struct brul_throttle *th, const char *user, const char *addr,
      time_t now)
{
	return brul_throttle_wait(th, user, addr, now);
}

int
main(void)
{
	struct tap t = { 0 };
	struct brul_throttle *th = brul_throttle_new();
	char a[32];
	int ok, refused;
	time_t now;

	if (th == NULL)
		return 1;

	/* One user from one address: 5 free, then 30 s doubling to 15 min,
	 * each wait from the last failure. */
	tap_ok(&t, wait_(th, "u:1", "10.0.0.1", T0) == 0, "never seen: may "
	    "try");
	fail(th, "u:1", "10.0.0.1", 4, T0);
	tap_ok(&t, wait_(th, "u:1", "10.0.0.1", T0) == 0, "4 failures: may "
	    "try");
	fail(th, "u:1", "10.0.0.1", 1, T0 + 10);
	tap_ok(&t, wait_(th, "u:1", "10.0.0.1", T0 + 10) == 30 &&
	    wait_(th, "u:1", "10.0.0.1", T0 + 25) == 15 &&
	    wait_(th, "u:1", "10.0.0.1", T0 + 40) == 0,
	    "the 5th: 30 s from the last failure");
	ok = 1;
	now = T0 + 40;
	for (int i = 0, want = 60; i < 8; i++, want *= 2) {
		fail(th, "u:1", "10.0.0.1", 1, now);
		if (want > 900)
			want = 900;
		if (wait_(th, "u:1", "10.0.0.1", now) != want) {
			printf("# failure %d: wait %d, want %d\n", 6 + i,
			    wait_(th, "u:1", "10.0.0.1", now), want);
			ok = 0;
		}
		now += want;
	}
	tap_ok(&t, ok, "then 60, 120, 240, 480 s, and 900 s (15 min) from "
	    "the 10th on");
	tap_ok(&t, wait_(th, "u:1", "10.0.0.2", now - 1) == 0,
	    "the same user from another address signs in");
	tap_ok(&t, wait_(th, "u:2", "10.0.0.1", now - 1) == 0,
	    "another user from the same address too");

	/* A success resets the pair, not the address's count. */
	fail(th, "u:3", "10.0.1.1", 4, T0);
	brul_throttle_pass(th, "u:3", "10.0.1.1", T0 + 1);
	fail(th, "u:3", "10.0.1.1", 4, T0 + 2);
	tap_ok(&t, wait_(th, "u:3", "10.0.1.1", T0 + 2) == 0,
	    "4 failures, a success, 4 failures: may try");
	fail(th, "u:3", "10.0.1.1", 1, T0 + 3);
	tap_ok(&t, wait_(th, "u:3", "10.0.1.1", T0 + 3) == 30,
	    "the 5th since the success waits");

	/* One address, many users: 20 free, then 30 s doubling. */
	for (int i = 0; i < 20; i++) {
		snprintf(a, sizeof a, "n:user%d", i);
		fail(th, a, "10.0.2.1", 1, T0);
	}
	tap_ok(&t, wait_(th, "n:someone", "10.0.2.1", T0) == 30,
	    "20 failures from an address, each for another user: it waits "
	    "30 s, for anyone");
	brul_throttle_pass(th, "u:4", "10.0.2.1", T0 + 1);
	tap_ok(&t, wait_(th, "n:someone", "10.0.2.1", T0 + 1) == 29,
	    "a success of its own buys it nothing");
	tap_ok(&t, wait_(th, "n:someone", "10.0.2.2", T0 + 1) == 0,
	    "another address may try");

	/* One user, many addresses: 20 free, then 30 s doubling to 5 min,
	 * but never from an address the user signed in from. */
	brul_throttle_pass(th, "u:5", "10.0.3.1", T0 - 86400);
	for (int i = 0; i < 20; i++) {
		snprintf(a, sizeof a, "10.5.0.%d", i);
		fail(th, "u:5", a, 1, T0);
	}
	tap_ok(&t, wait_(th, "u:5", "10.0.4.1", T0) == 30,
	    "20 failures for a user from 20 addresses: a new address waits "
	    "30 s");
	tap_ok(&t, wait_(th, "u:5", "10.0.3.1", T0) == 0,
	    "the user's known address does not");
	for (int i = 20; i < 40; i++) {
		snprintf(a, sizeof a, "10.5.0.%d", i);
		fail(th, "u:5", a, 1, T0 + 1);
	}
	tap_ok(&t, wait_(th, "u:5", "10.0.4.1", T0 + 1) == 300,
	    "40 failures: a user's wait is at most 5 min");
	tap_ok(&t, wait_(th, "u:5", "10.0.3.1", T0 + 1) == 0,
	    "and the known address still signs in");
	fail(th, "u:6", "10.6.0.1", 1, T0);
	brul_throttle_pass(th, "u:6", "10.6.0.1", T0);
	for (int i = 0; i < 20; i++) {
		snprintf(a, sizeof a, "10.6.1.%d", i);
		fail(th, "u:6", a, 1, T0 + BRUL_THROTTLE_KNOWN + 100);
	}
	tap_ok(&t, wait_(th, "u:6", "10.6.0.1", T0 + BRUL_THROTTLE_KNOWN +
	    100) == 30, "after 30 days an address is no longer known");

	/* Forgotten an hour after the last failure. */
	fail(th, "u:7", "10.7.0.1", 5, T0);
	tap_ok(&t, wait_(th, "u:7", "10.7.0.1", T0 + 29) == 1,
	    "5 failures: held");
	fail(th, "u:7", "10.7.0.1", 1, T0 + 3601);
	tap_ok(&t, wait_(th, "u:7", "10.7.0.1", T0 + 3601) == 0,
	    "an hour later the count starts again");

	/* Counts for change-password are the caller's own keys. */
	fail(th, "c:8", "c:10.8.0.1", 5, T0);
	tap_ok(&t, wait_(th, "u:8", "10.8.0.1", T0) == 0 &&
	    wait_(th, "c:8", "c:10.8.0.1", T0) == 30,
	    "other keys, other counts");

	/* A pair held, then a flood of other counts within its wait: it is
	 * still held, however many there are. */
	fail(th, "u:victim", "10.9.0.1", 5, T0 + 5000);
	for (int i = 0; i < 40000; i++) {
		snprintf(a, sizeof a, "n:user%d", i);
		fail(th, a, "10.9.0.2", 1, T0 + 5001);
	}
	tap_ok(&t, wait_(th, "u:victim", "10.9.0.1", T0 + 5002) == 28,
	    "after 40,000 other counts, a held one is still held");

	/* Every slot held: nothing is forgotten, new counts wait instead
	 * until the first holds end, and then may try. */
	for (int i = 0; i < 2 * BRUL_THROTTLE_SLOTS; i++) {
		snprintf(a, sizeof a, "10.10.%d.%d", i / 256, i % 256);
		fail(th, "n:x", a, BRUL_THROTTLE_ADDRESS, T0 + 5010);
	}
	refused = 0;
	for (int i = 0; i < 1000; i++) {
		snprintf(a, sizeof a, "10.11.%d.%d", i / 256, i % 256);
		refused += wait_(th, "n:y", a, T0 + 5011) > 0;
	}
	/* (longer when its other counts had to go, and there is no room
	 * to count them again) */
	tap_ok(&t, wait_(th, "u:victim", "10.9.0.1", T0 + 5011) >= 19,
	    "a full table: the held count is still held");
	tap_ok(&t, refused == 1000, "a full table: new counts wait");
	tap_ok(&t, wait_(th, "n:y", "10.11.0.1", T0 + 5010 +
	    BRUL_THROTTLE_LONGEST) == 0, "the holds over, they may try");
	brul_throttle_free(th);
	return tap_done(&t);
}

/* test-replay.c: the live stream's window of last events
 * (serve/replay.h): events numbered from 1, kept whole (items and
 * strings copied), the oldest dropped past max_events or max_bytes, one
 * too big kept not at all and the window starting after it; ids written
 * and read back for this run's key only. */
#include <stdio.h>
#include <string.h>

#include "serve/replay.h"
#include "tap.h"

#define KEY 0x5f0c2a9eu

/* An event of one item about battery b of site CMI. */
static unsigned long long
add1(struct brul_replay *r, const char *b, const char *json)
{
	struct brul_replay_item it = { "CMI", b, json };

	return brul_replay_add(r, "alert_opened", 0, &it, 1);
}

int
main(void)
{
	struct tap t = { 0 };
	struct brul_replay r;
	const struct brul_replay_event *e;
	char id[BRUL_REPLAY_ID_MAX], json[96];
	unsigned long long seq;

	if (brul_replay_init(&r, KEY, 4, 1 << 20) < 0)
		return 1;
	tap_ok(&t, brul_replay_since(&r, 0), "empty: nothing missed after 0");
	tap_ok(&t, brul_replay_get(&r, 1) == NULL, "empty: no event 1");

	/* An array event: its items and strings are copies. */
	{
		char site[8] = "CMI", bat[16] = "B0003-1";
		char js[32] = "{\"v\":13.571}";
		struct brul_replay_item it[2] = { { site, bat, js },
		    { "BKK", "B0030-1", "{\"v\":13.56}" } };

		seq = brul_replay_add(&r, "telemetry", 1, it, 2);
		strcpy(site, "XXX");
		strcpy(bat, "XXX");
		strcpy(js, "XXX");
	}
	tap_ok(&t, seq == 1, "the first event is 1");
	e = brul_replay_get(&r, 1);
	tap_ok(&t, e && e->seq == 1 && e->array == 1 && e->n == 2,
	    "event 1: an array of two");
	tap_streq(&t, e ? e->name : "", "telemetry", "its name");
	tap_streq(&t, e ? e->it[0].site : "", "CMI", "an item's site, copied");
	tap_streq(&t, e ? e->it[0].battery : "", "B0003-1",
	    "its battery, copied");
	tap_streq(&t, e ? e->it[0].json : "", "{\"v\":13.571}",
	    "its JSON, copied");
	tap_streq(&t, e ? e->it[1].json : "", "{\"v\":13.56}",
	    "the second item's");

	/* NULL filters stay NULL: every client's. */
	{
		struct brul_replay_item it = { NULL, NULL, "{\"x\":1}" };

		seq = brul_replay_add(&r, "reload", 0, &it, 1);
	}
	e = brul_replay_get(&r, seq);
	tap_ok(&t, seq == 2 && e && e->it[0].site == NULL &&
	    e->it[0].battery == NULL, "an item for any client keeps NULL");

	/* Past max_events (4), the oldest go. */
	for (int i = 3; i <= 6; i++) {
		snprintf(json, sizeof json, "{\"n\":%d}", i);
		seq = add1(&r, "B0001-1", json);
	}
	tap_ok(&t, seq == 6 && r.n == 4 && r.first == 3,
	    "six events, four kept: 3 to 6");
	tap_ok(&t, brul_replay_get(&r, 2) == NULL, "event 2 dropped");
	e = brul_replay_get(&r, 3);
	tap_streq(&t, e ? e->it[0].json : "", "{\"n\":3}", "event 3 kept");
	e = brul_replay_get(&r, 6);
	tap_streq(&t, e ? e->it[0].json : "", "{\"n\":6}", "event 6 kept");
	tap_ok(&t, brul_replay_get(&r, 7) == NULL, "no event 7 yet");
	tap_ok(&t, brul_replay_since(&r, 2), "a client at 2 misses 3..6: held");
	tap_ok(&t, !brul_replay_since(&r, 1), "a client at 1 missed 2: not");
	tap_ok(&t, brul_replay_since(&r, 6), "a client at 6 missed nothing");
	tap_ok(&t, !brul_replay_since(&r, 7), "7 was never given");
	brul_replay_release(&r);

	/* Past max_bytes, the oldest go; one over it alone is not kept. */
	if (brul_replay_init(&r, KEY, 100, 400) < 0)
		return 1;
	for (int i = 1; i <= 10; i++) {
		snprintf(json, sizeof json, "{\"n\":%d,\"pad\":\"%040d\"}", i,
		    0);
		add1(&r, "B0001-1", json);
	}
	tap_ok(&t, r.bytes <= 400 && r.n >= 1 && r.n < 10,
	    "ten events of about 150 bytes in 400: the newest kept");
	tap_ok(&t, r.first + r.n - 1 == 10 && brul_replay_get(&r, 10) != NULL,
	    "held: a run that ends with the newest");
	{
		char big[600];

		memset(big, 'x', sizeof big - 1);
		big[sizeof big - 1] = '\0';
		seq = add1(&r, "B0001-1", big);
	}
	tap_ok(&t, seq == 11 && r.n == 0 && r.first == 12,
	    "an event over max_bytes: numbered, not kept, the window after it");
	tap_ok(&t, !brul_replay_since(&r, 10), "a client at 10 missed it");
	tap_ok(&t, brul_replay_since(&r, 11), "a client at 11 did not");
	seq = add1(&r, "B0001-1", "{}");
	tap_ok(&t, seq == 12 && r.n == 1 && brul_replay_get(&r, 12) != NULL,
	    "the next is kept");
	tap_ok(&t, brul_replay_since(&r, 11), "from 11, all is held again");

	/* Ids. */
	brul_replay_id(&r, 12, id);
	tap_streq(&t, id, "5f0c2a9e-12", "an id: the key, a dash, the number");
	tap_ok(&t, brul_replay_parse(&r, id, &seq) == 0 && seq == 12,
	    "read back");
	tap_ok(&t, brul_replay_parse(&r, "5f0c2a9e-0", &seq) == 0 && seq == 0,
	    "0, the place before any event");
	tap_ok(&t, brul_replay_parse(&r, "5f0c2a9e-13", &seq) < 0,
	    "a number not given yet");
	tap_ok(&t, brul_replay_parse(&r, "5f0c2a9f-3", &seq) < 0,
	    "another run's key");
	tap_ok(&t, brul_replay_parse(&r, "5F0C2A9E-3", &seq) < 0,
	    "upper case: not as written");
	tap_ok(&t, brul_replay_parse(&r, "5f0c2a9e-", &seq) < 0, "no number");
	tap_ok(&t, brul_replay_parse(&r, "5f0c2a9e-+3", &seq) < 0, "a sign");
	tap_ok(&t, brul_replay_parse(&r, "5f0c2a9e-3 ", &seq) < 0,
	    "trailing text");
	tap_ok(&t, brul_replay_parse(&r, "5f0c2a9e-99999999999999999999",
	    &seq) < 0, "a number past 64 bits");
	tap_ok(&t, brul_replay_parse(&r, "", &seq) < 0, "empty");
	tap_ok(&t, brul_replay_parse(&r, "5f0c2a9-3", &seq) < 0,
	    "a short key");
	brul_replay_release(&r);
	return tap_done(&t);
}

/*
 * test-share.c: a share of the fleet's sites (battery/share.h): I/N as the
 * tools take it, the site's share by its id's FNV-1a hash, and which
 * batteries and strings a share leaves to the others.
 */
#include <stdint.h>
#include <string.h>

#include "battery/batteries.h"
#include "battery/share.h"
#include "core/hash.h"
#include "core/reader.h"
#include "tap.h"

static int
parses(const char *arg, int want_i, int want_n)
{
	int i = -7, n = -7;

	if (brul_share_parse(arg, &i, &n) < 0)
		return want_n == 0;
	return i == want_i && n == want_n;
}

int
main(void)
{
	static const char fleet[] =
	    "battery_id,site_id,string_id\n"
	    "B1,CMI,CMI-S1\n"
	    "B2,CMI,CMI-S1\n"
	    "B3,SRC,SRC-S1\n"
	    "B4,KKN,KKN-S1\n";
	static const char *const bad[] = {
		"", "1", "/", "1/", "/2", "2/2", "-1/2", "1/0", "0/10001",
		"a/2", "1/b", " 1/2", "1/2 ", "1//2", "0x1/2"
	};
	struct tap t = { 0 };
	struct brul_reader *r;
	struct brul_batteries *b;
	struct brul_share *s;
	struct brul_err err;
	int ok = 1, k[4];

	tap_ok(&t, parses("0/1", 0, 1) && parses("3/4", 3, 4) &&
	    parses("9999/10000", 9999, 10000), "I/N parsed, 0 <= I < N");
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (!parses(bad[i], 0, 0)) {
			ok = 0;
			printf("#   \"%s\" taken\n", bad[i]);
		}
	tap_ok(&t, ok, "not I/N, I out of range, N over 10000: refused");

	/* The hash is FNV-1a's, so that any tool, in any language, can place
	 * a site as brul does. */
	tap_ok(&t, brul_share_of_site("CMI", 3, 4) ==
	    (int)(brul_fnv(BRUL_FNV_OFFSET, "CMI", 3) % 4) &&
	    brul_fnv(BRUL_FNV_OFFSET, "", 0) == 14695981039346656037ULL &&
	    brul_fnv(BRUL_FNV_OFFSET, "a", 1) == 0xaf63dc4c8601ec8cULL,
	    "a site's share is its id's FNV-1a hash modulo N");
	tap_ok(&t, brul_share_of_site("CMI", 3, 4) == 0 &&
	    brul_share_of_site("SRC", 3, 4) == 1 &&
	    brul_share_of_site("BRK", 3, 4) == 2 &&
	    brul_share_of_site("KKN", 3, 4) == 3,
	    "this fleet's CMI, SRC, BRK, KKN: shares 0 to 3 of 4");
	tap_ok(&t, brul_share_of_site("CMI", 3, 1) == 0, "one share: all");

	/* Share 1 of 4 (SRC): CMI's and KKN's blocks and strings are the
	 * others'. */
	r = brul_reader_open_mem(fleet, sizeof fleet - 1, BRUL_FMT_CSV, &err);
	b = r ? brul_batteries_new(r, BRUL_BAT_SITE | BRUL_BAT_STRING, 0,
	    &err) : NULL;
	s = brul_share_new(1, 4);
	for (int i = 0; i < 4; i++) {
		const struct brul_battery *bat;

		k[i] = b && brul_batteries_next(b, r, &bat, &err) == 1 && s ?
		    brul_share_note(s, b, bat, &err) : -9;
	}
	tap_ok(&t, k[0] == 0 && k[1] == 0 && k[2] == 1 && k[3] == 0,
	    "noted: SRC's block the share's, the others not");
	tap_ok(&t, s && brul_share_other(s, "B1", 2) &&
	    brul_share_other(s, "B4", 2) && !brul_share_other(s, "B3", 2) &&
	    !brul_share_other(s, "B9", 2),
	    "other shares' batteries known; the share's and unknown ones not");
	tap_ok(&t, s && brul_share_other_string(s, "CMI-S1", 6) &&
	    !brul_share_other_string(s, "SRC-S1", 6),
	    "... and their strings");
	brul_share_free(s);
	brul_batteries_free(b);
	brul_reader_close(r);
	return tap_done(&t);
}

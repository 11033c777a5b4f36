/* test-args.c: the checks behind a request's query arguments
 * (serve/args.h): integers in range, times and dates, one of a list,
 * identifiers; what the 400 says was expected, and how it quotes what
 * was sent. */
#include <string.h>

#include "serve/args.h"
#include "tap.h"

int
main(void)
{
	struct tap t = { 0 };
	static const char *const risks[] = { "low", "medium", "high",
		"critical" };
	char want[200], out[32], id[200], q[4 * BRUL_ARG_QUOTE + 1];
	long v = -1;
	int k = -1;

	tap_ok(&t, brul_arg_parse_int("50", 1, 1000, &v, want, sizeof want) ==
	    0 && v == 50, "an integer in range");
	tap_ok(&t, brul_arg_parse_int("0", 1, 1000, &v, want, sizeof want) <
	    0 && strcmp(want, "an integer from 1 to 1000") == 0,
	    "below the range, and what was expected");
	tap_ok(&t, brul_arg_parse_int("1001", 1, 1000, &v, want,
	    sizeof want) < 0, "above the range");
	tap_ok(&t, brul_arg_parse_int("1e3", 1, 1000, &v, want, sizeof want) <
	    0 && brul_arg_parse_int("", 1, 1000, &v, want, sizeof want) < 0 &&
	    brul_arg_parse_int(" 5", 1, 1000, &v, want, sizeof want) < 0 &&
	    brul_arg_parse_int("99999999999999999999", 0, 1000, &v, want,
	    sizeof want) < 0, "not integers");

	tap_ok(&t, brul_arg_parse_time("2026-03-01", out) == 0 &&
	    strcmp(out, "2026-03-01T00:00:00Z") == 0, "a date is its midnight");
	tap_ok(&t, brul_arg_parse_time("2026-03-01T12:34:56Z", out) == 0 &&
	    strcmp(out, "2026-03-01T12:34:56Z") == 0, "a time");
	tap_ok(&t, brul_arg_parse_time("0000-12-31T23:59:59Z", out) < 0 &&
	    brul_arg_parse_time("0000-01-01", out) < 0,
	    "year 0, which PostgreSQL has not");
	tap_ok(&t, brul_arg_parse_time("0001-01-01", out) == 0 &&
	    strcmp(out, "0001-01-01T00:00:00Z") == 0 &&
	    brul_arg_parse_time("9999-12-31T23:59:59Z", out) == 0 &&
	    strcmp(out, "9999-12-31T23:59:59Z") == 0, "years 1 and 9999");
	tap_ok(&t, brul_arg_time_add(out, "2026-03-01T00:00:00Z", -86400) ==
	    0 && strcmp(out, "2026-02-28T00:00:00Z") == 0, "a time moved");
	tap_ok(&t, brul_arg_time_add(out, "9999-12-31T00:00:00Z", 86400) ==
	    1 && strcmp(out, "9999-12-31T23:59:59Z") == 0 &&
	    brul_arg_time_add(out, "0001-01-02T00:00:00Z", -7 * 86400) ==
	    1 && strcmp(out, "0001-01-01T00:00:00Z") == 0,
	    "kept within years 0001-9999");
	tap_ok(&t, brul_arg_parse_time("notadate", out) < 0 &&
	    brul_arg_parse_time("2026-02-30", out) < 0,
	    "not a time, not a real day");

	tap_ok(&t, brul_arg_parse_enum("high", risks, 4, &k, want,
	    sizeof want) == 0 && k == 2, "one of a list");
	tap_ok(&t, brul_arg_parse_enum("severe", risks, 4, &k, want,
	    sizeof want) < 0 && strcmp(want, "low, medium, high or critical") ==
	    0, "not in the list, and the list said");

	tap_ok(&t, brul_arg_parse_id("B0001-1") == 0 &&
	    brul_arg_parse_id("thermal_runaway.B0010-1.20260103T0807Z") == 0,
	    "identifiers");
	tap_ok(&t, brul_arg_parse_id("") < 0 && brul_arg_parse_id("a/b") < 0 &&
	    brul_arg_parse_id("a b") < 0 && brul_arg_parse_id("\xc3\xa9") < 0,
	    "empty, a slash, a space, non-ASCII: refused");
	memset(id, 'a', 128);
	id[128] = '\0';
	tap_ok(&t, brul_arg_parse_id(id) == 0, "128 bytes will do");
	id[128] = 'a';
	id[129] = '\0';
	tap_ok(&t, brul_arg_parse_id(id) < 0, "129 will not");

	/* The arguments a route takes, and no others. */
	{
		const char *takes = "limit offset site";
		unsigned long seen = 0;
		char msg[400];

		tap_ok(&t, brul_arg_check(takes, "site", "CMI", &seen, msg,
		    sizeof msg) == 0 && brul_arg_check(takes, "limit", "5",
		    &seen, msg, sizeof msg) == 0 && seen == 5,
		    "arguments the route takes");
		tap_ok(&t, brul_arg_check(takes, "since", "x", &seen, msg,
		    sizeof msg) < 0 && strcmp(msg, "since: not an argument of "
		    "this route, which takes limit, offset and site") == 0,
		    "one it does not, named, and those it takes");
		tap_ok(&t, brul_arg_check("", "x\xff", "1", &seen, msg,
		    sizeof msg) < 0 && strcmp(msg, "x\\xFF: not an argument of "
		    "this route, which takes none") == 0,
		    "a route that takes none; the name quoted");
		tap_ok(&t, brul_arg_check("from", "x", "1", &seen, msg,
		    sizeof msg) < 0 && strcmp(msg, "x: not an argument of this "
		    "route, which takes from") == 0, "a route that takes one");
		tap_ok(&t, brul_arg_check(takes, "limit", "6", &seen, msg,
		    sizeof msg) < 0 && strcmp(msg, "limit: given twice") == 0,
		    "one given twice");
		tap_ok(&t, brul_arg_check(takes, "offset", NULL, &seen, msg,
		    sizeof msg) < 0 && strcmp(msg, "offset: expected "
		    "offset=VALUE") == 0, "one without a value");
		tap_ok(&t, brul_arg_check(takes, "", "1", &seen, msg,
		    sizeof msg) < 0 && brul_arg_check(takes, "limi", "1",
		    &seen, msg, sizeof msg) < 0 && brul_arg_check(takes,
		    "limits", "1", &seen, msg, sizeof msg) < 0,
		    "no name, a prefix, a longer name");
	}

	/* What a 400 quotes of an argument: text, whatever was sent. */
	brul_arg_quote(q, "notadate");
	tap_streq(&t, q, "notadate", "an argument quoted");
	brul_arg_quote(q, "\xff");
	tap_streq(&t, q, "\\xFF", "a byte that is not UTF-8, as its value");
	brul_arg_quote(q, "a\xc3\xa9\xfe\xc3(\xed\xa0\x80");
	tap_streq(&t, q, "a\xc3\xa9\\xFE\\xC3(\\xED\\xA0\\x80",
	    "characters kept, stray bytes and surrogates not");
	memset(id, 'a', 63);
	strcpy(id + 63, "\xc3\xa9zzz");
	tap_ok(&t, brul_arg_quote(q, id) == 63 && strspn(q, "a") == 63,
	    "a character cut by the limit is left out whole");
	memset(id, 'a', 62);
	strcpy(id + 62, "\xc3\xa9zzz");
	tap_ok(&t, brul_arg_quote(q, id) == 64 &&
	    strcmp(q + 62, "\xc3\xa9") == 0, "one that fits is kept");
	memset(id, 0xff, 100);
	id[100] = '\0';
	tap_ok(&t, brul_arg_quote(q, id) == 4 * BRUL_ARG_QUOTE &&
	    strncmp(q, "\\xFF\\xFF", 8) == 0, "the longest quote");
	return tap_done(&t);
}

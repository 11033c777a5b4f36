/*
 * test-id.c: identifiers as brul-formats(5) defines them: which columns
 * hold them, what is one and what the refusal says.
 */
#include <string.h>

#include "core/id.h"
#include "tap.h"

/* Why s is not an id of at most max bytes, or "ok". */
static const char *
why(const char *s, size_t max)
{
	static char buf[160];

	if (brul_id_check(s, strlen(s), max, buf, sizeof buf) == 0)
		return "ok";
	return buf;
}

int
main(void)
{
	struct tap t = { 0 };
	char id64[65], id65[66];

	memset(id64, 'B', 64);
	id64[64] = '\0';
	memset(id65, 'B', 65);
	id65[65] = '\0';
	tap_streq(&t, why("B0001-1", BRUL_ID_MAX), "ok", "a battery id");
	tap_streq(&t, why("CMI-UPS1-S4", BRUL_ID_MAX), "ok", "a string id");
	tap_streq(&t, why("T1", BRUL_ID_MAX), "ok", "a short id");
	tap_streq(&t, why("rack_3.b7", BRUL_ID_MAX), "ok", "_ and . inside");
	tap_streq(&t, why("7", BRUL_ID_MAX), "ok", "a digit alone");
	tap_streq(&t, why(id64, BRUL_ID_MAX), "ok", "64 bytes");
	tap_streq(&t, why(id65, BRUL_ID_MAX),
	    "65 bytes: an id has at most 64", "65 bytes");
	tap_streq(&t, why("temperature_high.B0003-1.20260102T1200Z",
	    BRUL_ALERT_ID_MAX), "ok", "an alert id");
	tap_streq(&t, why("", BRUL_ID_MAX), "empty", "empty");
	tap_streq(&t, why("B0001-1\",\"soc_pct\":\"999", BRUL_ID_MAX),
	    "'\"' at byte 8: an id holds ASCII letters, digits, '-', '_' "
	    "and '.'", "a quote, which would end a JSON string");
	tap_streq(&t, why("B0001-1,999", BRUL_ID_MAX),
	    "',' at byte 8: an id holds ASCII letters, digits, '-', '_' "
	    "and '.'", "a comma, which would end a CSV field");
	tap_streq(&t, why("B 1", BRUL_ID_MAX),
	    "' ' at byte 2: an id holds ASCII letters, digits, '-', '_' "
	    "and '.'", "a space");
	tap_streq(&t, why("B1\n", BRUL_ID_MAX),
	    "0x0a at byte 3: an id holds ASCII letters, digits, '-', '_' "
	    "and '.'", "a line feed, shown as its byte");
	tap_streq(&t, why("caf\xc3\xa9", BRUL_ID_MAX),
	    "0xc3 at byte 4: an id holds ASCII letters, digits, '-', '_' "
	    "and '.'", "UTF-8 beyond ASCII");
	tap_streq(&t, why("../x", BRUL_ID_MAX),
	    "'.' first: an id begins with a letter or a digit",
	    "a path upward");
	tap_streq(&t, why("-B1", BRUL_ID_MAX),
	    "'-' first: an id begins with a letter or a digit",
	    "what a command line takes for an option");
	tap_streq(&t, why("a/b", BRUL_ID_MAX),
	    "'/' at byte 2: an id holds ASCII letters, digits, '-', '_' "
	    "and '.'", "a slash");

	/* Every byte, first and after: the fast check and the one that says
	 * why agree with the character set of brul-formats(5). */
	{
		int agree = 1;

		for (int c = 0; c < 256; c++) {
			int alnum = (c >= '0' && c <= '9') ||
			    (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
			int inner = alnum || c == '-' || c == '_' || c == '.';
			char first[2] = { (char)c, 'x' }, later[2] = { 'x',
			    (char)c };
			char b[160];

			agree &= brul_id_ok(first, 2, 64) == alnum;
			agree &= (brul_id_check(first, 2, 64, b, sizeof b) ==
			    0) == alnum;
			agree &= brul_id_ok(later, 2, 64) == inner;
			agree &= (brul_id_check(later, 2, 64, b, sizeof b) ==
			    0) == inner;
		}
		tap_ok(&t, agree, "every byte, first and after: letters and "
		    "digits, then also - _ .");
		tap_ok(&t, brul_id_ok(id64, 64, 64) &&
		    !brul_id_ok(id65, 65, 64) && !brul_id_ok("", 0, 64),
		    "the fast check: length");
	}

	tap_ok(&t, brul_id_column("battery_id") == BRUL_ID_MAX &&
	    brul_id_column("string_id") == BRUL_ID_MAX &&
	    brul_id_column("site_id") == BRUL_ID_MAX &&
	    brul_id_column("system_id") == BRUL_ID_MAX &&
	    brul_id_column("model_id") == BRUL_ID_MAX &&
	    brul_id_column("scope") == BRUL_ID_MAX,
	    "the id columns of brul-formats(5)");
	tap_ok(&t, brul_id_column("alert_id") == BRUL_ALERT_ID_MAX,
	    "alert_id is longer");
	tap_ok(&t, brul_id_column("model") == 0 &&
	    brul_id_column("message") == 0 &&
	    brul_id_column("work_order_id") == 0,
	    "other columns hold no id, unknown ones passed over");
	return tap_done(&t);
}

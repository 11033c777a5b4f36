/*
 * test-err.c: filling and formatting struct brul_err.
 */
#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "tap.h"

int
main(void)
{
	struct tap t = { 0, 0 };
	struct brul_err e;
	char buf[1024], small[8], longw[400];

	memset(&e, 'x', sizeof(e));
	brul_err_clear(&e);
	tap_ok(&t, e.where[0] == '\0' && e.msg[0] == '\0' && e.line == 0 &&
	    e.col == 0, "clear");
	brul_err_clear(NULL);
	tap_ok(&t, brul_err_set(NULL, "f", 1, 2, "x %d", 3) == -1,
	    "NULL err: still -1");

	tap_ok(&t, brul_err_set(&e, "telemetry.csv.gz", 1234, 0,
	    "%s: not a number: \"%s\"", "voltage_v", "abc") == -1, "set is -1");
	tap_streq(&t, brul_err_str(&e, buf, sizeof(buf)),
	    "telemetry.csv.gz:1234: voltage_v: not a number: \"abc\"",
	    "where:line: msg");
	brul_err_set(&e, "t.csv", 3, 7, "bad");
	tap_streq(&t, brul_err_str(&e, buf, sizeof(buf)), "t.csv:3:7: bad",
	    "where:line:col: msg");
	brul_err_set(&e, "model.json", 0, 0, "no trees");
	tap_streq(&t, brul_err_str(&e, buf, sizeof(buf)),
	    "model.json: no trees", "where: msg");
	brul_err_set(&e, "model.json", 0, 5, "no trees");
	tap_streq(&t, brul_err_str(&e, buf, sizeof(buf)),
	    "model.json: no trees", "col without line is not shown");
	brul_err_set(&e, NULL, 12, 0, "out of memory");
	tap_streq(&t, brul_err_str(&e, buf, sizeof(buf)), "out of memory",
	    "NULL where: msg only");
	brul_err_set(&e, "", 12, 3, "out of memory");
	tap_streq(&t, brul_err_str(&e, buf, sizeof(buf)), "out of memory",
	    "empty where: msg only");

	/* Truncation, always terminated. */
	memset(longw, 'w', sizeof(longw) - 1);
	longw[sizeof(longw) - 1] = '\0';
	brul_err_set(&e, longw, 1, 0, "%s%s", longw, longw);
	tap_ok(&t, strlen(e.where) == sizeof(e.where) - 1 &&
	    strlen(e.msg) == sizeof(e.msg) - 1, "long where and msg truncated");
	brul_err_str(&e, small, sizeof(small));
	tap_streq(&t, small, "wwwwwww", "brul_err_str truncates to n");
	tap_ok(&t, brul_err_str(&e, buf, 0) == buf, "n = 0 writes nothing");

	/* Re-raising an error with its own text as an argument. */
	brul_err_set(&e, "a.csv", 2, 0, "bad value");
	brul_err_set(&e, e.where, e.line, 0, "column x: %s", e.msg);
	tap_streq(&t, brul_err_str(&e, buf, sizeof(buf)),
	    "a.csv:2: column x: bad value", "arguments may point into e");

	brul_err_clear(&e);
	tap_streq(&t, brul_err_str(&e, buf, sizeof(buf)), "unknown error",
	    "a cleared error formats as unknown");
	tap_streq(&t, brul_err_str(NULL, buf, sizeof(buf)), "",
	    "NULL err formats as empty");
	return tap_done(&t);
}

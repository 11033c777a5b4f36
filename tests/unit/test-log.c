/* test-log.c: brul-serve's log lines (serve/log.h): a client's bytes
 * escaped in every field, so that each line is one JSON object however
 * hostile the request; a failure on its request's line; lines cut to
 * fit, never dropped. */
#include <string.h>

#include "serve/log.h"
#include "tap.h"

int
main(void)
{
	struct tap t = { 0 };
	struct brul_req r = { 0 };
	struct brul_err e;
	char s[64], line[BRUL_LOG_LINE], big[6000];
	size_t n;

	brul_log_str(s, sizeof s, "GE\"T,\"x\":\"y");
	tap_streq(&t, s, "GE\\\"T,\\\"x\\\":\\\"y", "quotes escaped");
	brul_log_str(s, sizeof s, "G\x01" "ET\\");
	tap_streq(&t, s, "G\\u0001ET\\\\", "a control byte and a backslash");
	brul_log_str(s, sizeof s, "\xff\n{\"ts\":1}\xc3\xa9");
	tap_streq(&t, s, "\\u00ff\\u000a{\\\"ts\\\":1}\\u00c3\\u00a9",
	    "a newline and bytes above ASCII, one \\u00XX each");
	n = brul_log_str(s, 9, "ab\x01" "cd");
	tap_ok(&t, n == 8 && strcmp(s, "ab\\u0001") == 0, "cut to fit");
	n = brul_log_str(s, 8, "ab\x01" "cd");
	tap_ok(&t, n == 2 && strcmp(s, "ab") == 0,
	    "never inside an escape");

	strcpy(r.remote, "127.0.0.1");
	r.method = "GE\"T,\"x\":\"y";
	r.path = "/api/v1/batteries/\xff\n{\"ts\":\"forged\"}\n";
	r.pattern = "/api/v1/batteries/{battery_id}";
	r.status = 404;
	r.bytes = 70;
	n = brul_log_access_line(line, &r, 86400, 1.25);
	tap_streq(&t, line, "{\"ts\":\"1970-01-02T00:00:00Z\","
	    "\"remote\":\"127.0.0.1\",\"method\":\"GE\\\"T,\\\"x\\\":\\\"y\","
	    "\"path\":\"/api/v1/batteries/\\u00ff\\u000a{\\\"ts\\\":"
	    "\\\"forged\\\"}\\u000a\",\"route\":"
	    "\"/api/v1/batteries/{battery_id}\",\"status\":404,\"bytes\":70,"
	    "\"ms\":1.250,\"user\":null}\n", "an access line, every field");
	tap_ok(&t, n == strlen(line), "its length");

	r.method = "G\x01" "ET";
	r.who.user_id = 7;
	strcpy(r.who.name, "a\"b");
	brul_log_access_line(line, &r, 0, -1);
	tap_ok(&t, strstr(line, "\"method\":\"G\\u0001ET\"") != NULL &&
	    strstr(line, "\"ms\":0.000,\"user\":\"a\\\"b\"}\n") != NULL,
	    "a control byte in the method; a user; no negative time");

	brul_err_set(&e, NULL, 0, 0, "PostgreSQL: invalid byte sequence for "
	    "encoding \"UTF8\": 0xff\n{\"ts\":\"forged\"}");
	r.who.user_id = 0;
	r.status = 500;
	brul_log_failure(&r, &e);
	brul_err_set(&e, NULL, 0, 0, "a second failure");
	brul_log_failure(&r, &e);
	n = brul_log_access_line(line, &r, 0, 2);
	tap_streq(&t, line, "{\"ts\":\"1970-01-01T00:00:00Z\","
	    "\"remote\":\"127.0.0.1\",\"method\":\"G\\u0001ET\","
	    "\"path\":\"/api/v1/batteries/\\u00ff\\u000a{\\\"ts\\\":"
	    "\\\"forged\\\"}\\u000a\",\"route\":"
	    "\"/api/v1/batteries/{battery_id}\",\"status\":500,\"bytes\":70,"
	    "\"ms\":2.000,\"user\":null,\"error\":\"PostgreSQL: "
	    "invalid byte sequence for encoding \\\"UTF8\\\": 0xff\\u000a"
	    "{\\\"ts\\\":\\\"forged\\\"}\"}\n",
	    "a failure on its request's line, the first one");

	/* The longest request: its fields cut, the line whole. */
	memset(big, 0xff, sizeof big - 1);
	big[sizeof big - 1] = '\0';
	r.method = big;
	r.path = big;
	r.pattern = "";
	strcpy(r.remote, "::1");
	memset(r.who.name, '"', sizeof r.who.name - 1);
	r.who.name[sizeof r.who.name - 1] = '\0';
	n = brul_log_access_line(line, &r, 0, 1e300);
	tap_ok(&t, n < BRUL_LOG_LINE && n == strlen(line) &&
	    memchr(line, '\n', n) == line + n - 1 &&
	    strstr(line, "\"ms\":1000000000.000,") != NULL &&
	    strcmp(line + n - 3, "\"}\n") == 0,
	    "a long access line cut to fit");
	memset(r.error, 0x01, sizeof r.error - 1);
	r.error[sizeof r.error - 1] = '\0';
	r.who.user_id = 1;
	n = brul_log_access_line(line, &r, 0, 1);
	tap_ok(&t, n < BRUL_LOG_LINE && n == strlen(line) &&
	    memchr(line, '\n', n) == line + n - 1 &&
	    strcmp(line + n - 3, "\"}\n") == 0,
	    "with a long user and error too");
	return tap_done(&t);
}

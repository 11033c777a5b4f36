/* test-reply.c: the body of an error answer (serve/reply.h): always
 * made, whatever bytes its message holds. */
#include <stdlib.h>
#include <string.h>

#include "serve/reply.h"
#include "tap.h"

/* The body of msg as a 400, compared with want. */
static int
body(const char *msg, const char *want)
{
	char *b = brul_error_body(400, "bad_argument", msg);
	int ok = b && strcmp(b, want) == 0;

	if (!ok)
		printf("#   got %s\n", b ? b : "NULL");
	free(b);
	return ok;
}

int
main(void)
{
	struct tap t = { 0 };
	char msg[600];

	tap_ok(&t, body("limit: expected an integer from 1 to 1000, not "
	    "\"0\"", "{\"error\":{\"status\":400,\"code\":\"bad_argument\","
	    "\"message\":\"limit: expected an integer from 1 to 1000, not "
	    "\\\"0\\\"\"}}"), "a message");
	tap_ok(&t, body("x \xff\xfe\xc3\xa9 \xc3", "{\"error\":{\"status\":400,"
	    "\"code\":\"bad_argument\",\"message\":\"x ??\xc3\xa9 ?\"}}"),
	    "bytes that are not UTF-8 written ?, characters kept");
	tap_ok(&t, body("\n\x01", "{\"error\":{\"status\":400,\"code\":"
	    "\"bad_argument\",\"message\":\"\\n\\u0001\"}}"),
	    "control characters escaped");
	/* A message cut at 511 bytes inside a character. */
	memset(msg, 'a', 510);
	strcpy(msg + 510, "\xc3\xa9\xc3\xa9");
	{
		char *b = brul_error_body(400, "bad_argument", msg);

		tap_ok(&t, b && strstr(b, "aaa?\"}}") != NULL &&
		    strlen(b) < 600, "a message cut inside a character");
		free(b);
	}
	return tap_done(&t);
}

/* test-url.c: a request's path and arguments decoded (serve/url.h):
 * %XX in either case, malformed escapes kept, and %00 kept as text, so
 * that a NUL never cuts a path or an argument short. */
#include <string.h>

#include "serve/url.h"
#include "tap.h"

/* s decoded equals want, with want's length. */
static int
dec(const char *s, const char *want)
{
	char buf[256];
	size_t n;

	strcpy(buf, s);
	n = brul_url_unescape(buf);
	return n == strlen(want) && strcmp(buf, want) == 0;
}

int
main(void)
{
	struct tap t = { 0 };

	tap_ok(&t, dec("/api/v1/batteries/B0001-1",
	    "/api/v1/batteries/B0001-1"), "nothing to decode");
	tap_ok(&t, dec("%42%30001-1", "B0001-1") && dec("a%2fb%2Fc", "a/b/c"),
	    "%XX, hex digits in either case");
	tap_ok(&t, dec("%FF%fe%0A%7B", "\xff\xfe\n{"),
	    "bytes that are not text, a newline");
	tap_ok(&t, dec("B0001-1%00anything", "B0001-1%00anything"),
	    "%00 is kept: no NUL cuts the text");
	tap_ok(&t, dec("5%00", "5%00") && dec("%00%00", "%00%00") &&
	    dec("%2500", "%00"), "%00 anywhere, and %2500, read alike");
	tap_ok(&t, dec("%", "%") && dec("%4", "%4") && dec("%zz", "%zz") &&
	    dec("%4g1", "%4g1") && dec("100%", "100%") && dec("%%41", "%A"),
	    "malformed escapes are kept");
	tap_ok(&t, dec("a+b", "a+b"), "+ is left to the caller");
	tap_ok(&t, dec("", ""), "empty");
	return tap_done(&t);
}

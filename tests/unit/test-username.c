/* test-username.c: what a user's name may be (serve/username.h): 1 to 64
 * ASCII letters, digits and ".-_@"; nothing else, however it looks. */
#include <string.h>

#include "serve/username.h"
#include "tap.h"

int
main(void)
{
	struct tap t = { 0 };
	char n[BRUL_USERNAME_MAX + 2];

	tap_ok(&t, brul_username_ok("somchai"), "letters");
	tap_ok(&t, brul_username_ok("S.Chai-2_x@ops"), "every character "
	    "allowed");
	memset(n, 'a', sizeof n);
	n[BRUL_USERNAME_MAX] = '\0';
	tap_ok(&t, brul_username_ok(n), "64 bytes");
	n[BRUL_USERNAME_MAX] = 'a';
	n[BRUL_USERNAME_MAX + 1] = '\0';
	tap_ok(&t, !brul_username_ok(n), "65 bytes: refused");
	tap_ok(&t, !brul_username_ok(""), "empty: refused");
	tap_ok(&t, !brul_username_ok("adm\xc4\xb0n"), "a capital I with a "
	    "dot (U+0130): refused");
	tap_ok(&t, !brul_username_ok("\xef\xbc\xa1" "dmin"), "a fullwidth A: "
	    "refused");
	tap_ok(&t, !brul_username_ok("admin "), "a space: refused");
	tap_ok(&t, !brul_username_ok("a/b"), "a slash: refused");
	tap_streq(&t, BRUL_USERNAME_RULE, "1 to 64 letters, digits and .-_@",
	    "the rule as messages give it");
	return tap_done(&t);
}

/*
 * test-utf8.c: brul_utf8_invalid on the boundaries of RFC 3629.
 */
#include <string.h>

#include "core/utf8.h"
#include "tap.h"

static long
at(const char *s)
{
	return brul_utf8_invalid(s, strlen(s));
}

int
main(void)
{
	struct tap t = { 0 };

	tap_ok(&t, at("") == -1, "empty");
	tap_ok(&t, at("B0001-1, 25 \xc2\xb0" "C") == -1, "ASCII and a degree sign");
	tap_ok(&t, at("\xe0\xb8\x9a\xe0\xb8\xb2\xe0\xb8\x87") == -1, "Thai");
	tap_ok(&t, at("\xf0\x9f\x94\x8b") == -1, "a four-byte sequence (U+1F50B)");
	tap_ok(&t, at("\xf4\x8f\xbf\xbf") == -1, "U+10FFFF, the last code point");
	tap_ok(&t, at("ab\xff") == 2, "0xff never starts a sequence");
	tap_ok(&t, at("a\xc0\xaf") == 1, "an overlong two-byte form");
	tap_ok(&t, at("\xe0\x80\xaf") == 0, "an overlong three-byte form");
	tap_ok(&t, at("\xf0\x80\x80\xaf") == 0, "an overlong four-byte form");
	tap_ok(&t, at("\xed\xa0\x80") == 0, "a surrogate (U+D800)");
	tap_ok(&t, at("\xf4\x90\x80\x80") == 0, "above U+10FFFF");
	tap_ok(&t, at("xyz\xe0\xb8") == 3, "a sequence cut short by the end");
	tap_ok(&t, at("\xe0\xb8" "a") == 0, "a sequence cut short by ASCII");
	tap_ok(&t, at("\x80") == 0, "a lone continuation byte");
	return tap_done(&t);
}

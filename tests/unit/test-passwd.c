/* test-passwd.c: passwords (serve/passwd.h): what is too weak, argon2id
 * hashes that verify, and an unknown user never matching. */
#include <string.h>

#include "serve/passwd.h"
#include "tap.h"

int
main(void)
{
	struct tap t = { 0 };
	char hash[BRUL_PASSWD_HASH_MAX], other[BRUL_PASSWD_HASH_MAX],
	    long_pw[BRUL_PASSWD_MAX + 2];
	const char *why;

	if (brul_passwd_init() < 0)
		return 1;
	why = brul_passwd_weak("short");
	tap_ok(&t, why && strcmp(why, "at least 10 characters") == 0,
	    "fewer than 10 characters is weak");
	tap_ok(&t, brul_passwd_weak("ten chars!") == NULL, "10 will do");
	/* 10 characters of two bytes each, and 9 */
	tap_ok(&t, brul_passwd_weak("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9") == NULL &&
	    brul_passwd_weak("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9") != NULL,
	    "characters are counted, not bytes");
	why = brul_passwd_weak("0123456789\xff");
	tap_ok(&t, why && strcmp(why, "not UTF-8") == 0, "bytes that are not "
	    "UTF-8 are refused");
	memset(long_pw, 'x', sizeof long_pw - 1);
	long_pw[sizeof long_pw - 1] = '\0';
	why = brul_passwd_weak(long_pw);
	tap_ok(&t, why && strcmp(why, "at most 1024 bytes") == 0,
	    "over 1024 bytes is refused");

	tap_ok(&t, brul_passwd_hash("correct horse battery", hash) == 0 &&
	    strncmp(hash, "$argon2id$v=19$m=19456,t=2,p=1$", 31) == 0,
	    "argon2id at OWASP's parameters (19 MiB, 2 passes)");
	tap_ok(&t, brul_passwd_hash("correct horse battery", other) == 0 &&
	    strcmp(hash, other) != 0, "salted: the same password, two hashes");
	tap_ok(&t, brul_passwd_verify(hash, "correct horse battery") == 1,
	    "the password matches");
	tap_ok(&t, brul_passwd_verify(hash, "correct horse batterY") == 0,
	    "another does not");
	tap_ok(&t, brul_passwd_verify(hash, "") == 0, "nor does nothing");
	tap_ok(&t, brul_passwd_verify(NULL, "correct horse battery") == 0,
	    "an unknown user never matches");
	tap_ok(&t, brul_passwd_verify(hash, long_pw) == 0,
	    "an overlong attempt does not match");
	return tap_done(&t);
}

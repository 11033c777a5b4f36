/* passwd.c: see passwd.h. */
#include <sodium.h>
#include <string.h>

#include "core/utf8.h"
#include "serve/passwd.h"

#define OPS 2
#define MEM (19u << 20)

int
brul_passwd_init(void)
{
	return sodium_init() < 0 ? -1 : 0;
}

const char *
brul_passwd_weak(const char *pw)
{
	size_t n = strlen(pw), chars = 0;

	if (n > BRUL_PASSWD_MAX)
		return "at most 1024 bytes";
	if (brul_utf8_invalid(pw, n) >= 0)
		return "not UTF-8";
	for (size_t i = 0; i < n; i++)
		chars += ((unsigned char)pw[i] & 0xc0) != 0x80;
	return chars < BRUL_PASSWD_MIN ? "at least 10 characters" : NULL;
}

int
brul_passwd_hash(const char *pw, char out[BRUL_PASSWD_HASH_MAX])
{
	return crypto_pwhash_str(out, pw, strlen(pw), OPS, MEM) == 0 ? 0 : -1;
}

int
brul_passwd_verify(const char *hash, const char *pw)
{
	/* A fixed hash of a password nobody has, made with the same cost,
	 * checked when there is no user, so the answer takes as long. */
	static const char dummy[] = "$argon2id$v=19$m=19456,t=2,p=1$"
	    "PB+x3APhRE5uQlgoQkkm6A$UpdDOa4cIc7Yvu1MxI5lHkl0xMXHfDigojHB+iyrKyc";
	int ok;

	if (strlen(pw) > BRUL_PASSWD_MAX)
		pw = "";
	ok = crypto_pwhash_str_verify(hash ? hash : dummy, pw, strlen(pw)) ==
	    0;
	return hash != NULL && ok;
}

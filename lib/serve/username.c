/* username.c: see username.h. */
#include <string.h>

#include "serve/username.h"

int
brul_username_ok(const char *s)
{
	size_t n = strlen(s);

	return n >= 1 && n <= BRUL_USERNAME_MAX && strspn(s,
	    "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_@") == n;
}

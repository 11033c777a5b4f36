/* url.c: see url.h. */
#include "serve/url.h"

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

size_t
brul_url_unescape(char *s)
{
	size_t r = 0, w = 0;

	while (s[r] != '\0') {
		int hi, lo;

		if (s[r] == '%' && (hi = hexval(s[r + 1])) >= 0 &&
		    (lo = hexval(s[r + 2])) >= 0 && (hi | lo) != 0) {
			s[w++] = (char)(hi << 4 | lo);
			r += 3;
		} else
			s[w++] = s[r++];
	}
	s[w] = '\0';
	return w;
}

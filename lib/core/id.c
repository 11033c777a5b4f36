/* id.c: see id.h. */
#include <stdio.h>
#include <string.h>

#include "core/id.h"

size_t
brul_id_column(const char *name)
{
	static const char *const ids[] = { "site_id", "system_id",
		"string_id", "battery_id", "model_id", "scope" };

	if (strcmp(name, "alert_id") == 0)
		return BRUL_ALERT_ID_MAX;
	for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
		if (strcmp(name, ids[i]) == 0)
			return BRUL_ID_MAX;
	return 0;
}

#define D1 3, 3, 3, 3, 3, 3, 3, 3
const unsigned char brul_id_bytes[256] = {
	['-'] = 2, ['.'] = 2, ['_'] = 2,
	['0'] = D1, 3, 3,
	['A'] = D1, D1, D1, 3, 3,
	['a'] = D1, D1, D1, 3, 3,
};
#undef D1

int
brul_id_check(const char *s, size_t n, size_t max, char *why, size_t whyn)
{
	size_t i;
	unsigned char c;
	char b[8];

	if (n == 0) {
		snprintf(why, whyn, "empty");
		return -1;
	}
	if (n > max) {
		snprintf(why, whyn, "%zu bytes: an id has at most %zu", n, max);
		return -1;
	}
	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (brul_id_bytes[c] & (i == 0 ? 1 : 2))
			continue;
		if (c >= ' ' && c < 0x7f)
			snprintf(b, sizeof b, "'%c'", c);
		else
			snprintf(b, sizeof b, "0x%02x", c);
		if (i == 0 && (c == '-' || c == '_' || c == '.'))
			snprintf(why, whyn, "%s first: an id begins with a "
			    "letter or a digit", b);
		else
			snprintf(why, whyn, "%s at byte %zu: an id holds ASCII "
			    "letters, digits, '-', '_' and '.'", b, i + 1);
		return -1;
	}
	return 0;
}

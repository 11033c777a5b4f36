/*
 * format.c: the names of the two stream formats, as --format takes them
 * (see format.h).
 */
#include <string.h>

#include "core/format.h"

int
brul_format_parse(const char *s)
{
	if (strcmp(s, "csv") == 0)
		return BRUL_FMT_CSV;
	if (strcmp(s, "ndjson") == 0)
		return BRUL_FMT_NDJSON;
	return -1;
}

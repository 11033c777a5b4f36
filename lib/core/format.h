/*
 * format.h: the two text formats every stream comes in: CSV with a header
 * row, or NDJSON objects with the same names (brul-formats(5)).
 */
#ifndef BRUL_FORMAT_H
#define BRUL_FORMAT_H

enum brul_format { BRUL_FMT_AUTO = 0, BRUL_FMT_CSV, BRUL_FMT_NDJSON };

/* "csv" or "ndjson" to a format; -1 when neither. */
int brul_format_parse(const char *s);

#endif

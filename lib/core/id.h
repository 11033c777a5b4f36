/*
 * id.h: identifiers as brul-formats(5) defines them: the ids of sites,
 * systems, strings, batteries, models and alerts, and an event's scope.
 * Tools put them in messages, file names and URL paths, and write them in
 * CSV and JSON: an id is therefore 1 to BRUL_ID_MAX bytes of ASCII
 * letters, digits, '-', '_' and '.', beginning with a letter or a digit;
 * nothing a CSV or JSON writer quotes, nothing a path or a URL escapes,
 * never "." or "..".  An alert's id joins a rule's name (at most 47
 * bytes), an entity's id and a time, and may be up to BRUL_ALERT_ID_MAX.
 *
 * The reader (reader.h) checks every id column of every stream with
 * brul_id_ok, and brul_id_check says what is wrong.  Ownership: none;
 * pure functions.
 */
#ifndef BRUL_ID_H
#define BRUL_ID_H

#include <stddef.h>

#define BRUL_ID_MAX		64
#define BRUL_ALERT_ID_MAX	128

/* The longest id column name may hold: BRUL_ALERT_ID_MAX for alert_id,
 * BRUL_ID_MAX for the other id columns of brul-formats(5) (site_id,
 * system_id, string_id, battery_id, model_id, scope), 0 for a column that
 * holds no id. */
size_t brul_id_column(const char *name);

/* 0 when s[0..n) is an id of at most max bytes; else -1, with why it is
 * not one in why[0..whyn) ("'\"' at byte 8: an id holds ASCII letters,
 * digits, '-', '_' and '.'"). */
int brul_id_check(const char *s, size_t n, size_t max, char *why,
		  size_t whyn);

/* Each byte's place in an id, as bits: 1 first, 2 after the first
 * (letters and digits 3; '-', '_' and '.' 2; anything else 0). */
extern const unsigned char brul_id_bytes[256];

/* Whether s[0..n) is an id of at most max bytes: brul_id_check without
 * the reason, for a reader's every record. */
static inline int
brul_id_ok(const char *s, size_t n, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned m;
	size_t i;

	if (n == 0 || n > max || !(brul_id_bytes[p[0]] & 1))
		return 0;
	/* Four bytes a step: the ANDs do not wait on each other. */
	m = 2;
	i = 1;
	for (; i + 4 <= n; i += 4)
		m &= brul_id_bytes[p[i]] & brul_id_bytes[p[i + 1]] &
		    brul_id_bytes[p[i + 2]] & brul_id_bytes[p[i + 3]];
	for (; i < n; i++)
		m &= brul_id_bytes[p[i]];
	return m != 0;
}

#endif

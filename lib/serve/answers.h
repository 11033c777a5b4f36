/*
 * answers.h: answers of the API's reads, remembered until the data under
 * them changes: a wall of dashboards asking the same pages again and
 * again then costs PostgreSQL nothing, and a client holding an answer is
 * told 304 Not Modified by its ETag.
 *
 * An answer is kept with the data version it was made at (app.h: every
 * NOTIFY of brul-load and of its retention heard by the live hub, the
 * hub's reconnects, the server's own writes) and is good while the
 * version has not moved and for at most BRUL_ANSWER_TTL seconds: a change
 * made behind brul-load's back (psql) is seen within that.  Keys are the
 * role and the request's target.  Bounded: a table of slots (a key's
 * answer replaces the slot's), and at most max_bytes of answers, stale
 * ones swept out first; an answer over an eighth of that is not kept.
 * Safe to share between threads.
 *
 * Ownership: brul_answers_new returns a table freed by brul_answers_free;
 * brul_answers_get hands the caller a copy to free.
 */
#ifndef BRUL_ANSWERS_H
#define BRUL_ANSWERS_H

#include <stddef.h>

#define BRUL_ANSWER_TTL		60	/* seconds */
#define BRUL_ANSWERS_BYTES	(64 << 20)	/* brul-serve's table */
/* An ETag: 16 hex digits, quoted, and a NUL. */
#define BRUL_ETAG_SIZE		21

struct brul_answers;

/* NULL when out of memory. */
struct brul_answers *brul_answers_new(size_t max_bytes);
void brul_answers_free(struct brul_answers *a);
/* The answer remembered for key at version: a malloc'd copy of its body
 * in *body (*n bytes) and its ETag; 1, or 0 (none, stale, or out of
 * memory). */
int brul_answers_get(struct brul_answers *a, const char *key,
		     unsigned version, char **body, size_t *n,
		     char etag[BRUL_ETAG_SIZE]);
/* Remembers body as key's answer, made at version (taken before the
 * answer's statements ran, so that a change while they ran makes it
 * stale). */
void brul_answers_put(struct brul_answers *a, const char *key,
		      unsigned version, const char *body, size_t n,
		      const char etag[BRUL_ETAG_SIZE]);
/* The ETag of a body: its FNV-1a hash, quoted. */
void brul_answers_etag(const char *body, size_t n,
		       char etag[BRUL_ETAG_SIZE]);

#endif

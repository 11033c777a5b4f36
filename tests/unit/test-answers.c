/* test-answers.c: the reads' answers remembered (serve/answers.h): an
 * answer comes back whole with its ETag at the version it was made at,
 * never at another; a key's newer answer replaces it; the table keeps to
 * its budget (stale answers swept out first, one too large never kept);
 * the ETag follows the body. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "serve/answers.h"
#include "tap.h"

int
main(void)
{
	struct tap t = { 0 };
	struct brul_answers *a = brul_answers_new(4096);
	char etag[BRUL_ETAG_SIZE], e1[BRUL_ETAG_SIZE], e2[BRUL_ETAG_SIZE];
	char *body = NULL, key[32], big[600];
	size_t n = 0;
	int kept;

	if (a == NULL)
		return 1;
	brul_answers_etag("{\"a\":1}", 7, e1);
	brul_answers_etag("{\"a\":2}", 7, e2);
	tap_ok(&t, strlen(e1) == 18 && e1[0] == '"' && e1[17] == '"',
	    "an ETag: 16 hex digits, quoted");
	tap_ok(&t, strcmp(e1, e2) != 0, "another body, another ETag");
	brul_answers_etag("{\"a\":1}", 7, etag);
	tap_ok(&t, strcmp(e1, etag) == 0, "the same body, the same ETag");

	brul_answers_put(a, "1 /x", 7, "{\"a\":1}", 7, e1);
	tap_ok(&t, brul_answers_get(a, "1 /x", 7, &body, &n, etag) &&
	    n == 7 && memcmp(body, "{\"a\":1}", 7) == 0 &&
	    strcmp(etag, e1) == 0,
	    "kept: the body and its ETag, at its version");
	free(body);
	tap_ok(&t, !brul_answers_get(a, "2 /x", 7, &body, &n, etag),
	    "another role's key: nothing");
	tap_ok(&t, !brul_answers_get(a, "1 /x", 8, &body, &n, etag),
	    "the data changed (version 8): stale");
	tap_ok(&t, !brul_answers_get(a, "1 /x", 7, &body, &n, etag),
	    "and a stale answer is dropped, not kept for the old version");

	brul_answers_put(a, "1 /x", 8, "{\"a\":1}", 7, e1);
	brul_answers_put(a, "1 /x", 8, "{\"a\":2}", 7, e2);
	tap_ok(&t, brul_answers_get(a, "1 /x", 8, &body, &n, etag) &&
	    memcmp(body, "{\"a\":2}", 7) == 0 && strcmp(etag, e2) == 0,
	    "a key's newer answer replaces it");
	free(body);

	/* A budget of 4096 bytes: an answer over 512 is never kept. */
	memset(big, 'x', sizeof big);
	brul_answers_put(a, "1 /big", 8, big, sizeof big, e1);
	tap_ok(&t, !brul_answers_get(a, "1 /big", 8, &body, &n, etag),
	    "an answer over an eighth of the budget is not kept");
	/* Fill it at version 8, then answers at version 9 sweep them. */
	for (int i = 0; i < 40; i++) {
		snprintf(key, sizeof key, "1 /v8/%d", i);
		brul_answers_put(a, key, 8, big, 500, e1);
	}
	kept = 0;
	for (int i = 0; i < 40; i++) {
		snprintf(key, sizeof key, "1 /v8/%d", i);
		if (brul_answers_get(a, key, 8, &body, &n, etag)) {
			kept++;
			free(body);
		}
	}
	tap_ok(&t, kept >= 1 && kept * 500 <= 4096,
	    "the budget holds: at most 8 of 40 answers of 500 bytes kept");
	kept = 0;
	for (int i = 0; i < 8; i++) {
		snprintf(key, sizeof key, "1 /v9/%d", i);
		brul_answers_put(a, key, 9, big, 500, e1);
	}
	for (int i = 0; i < 8; i++) {
		snprintf(key, sizeof key, "1 /v9/%d", i);
		if (brul_answers_get(a, key, 9, &body, &n, etag)) {
			kept++;
			free(body);
		}
	}
	tap_ok(&t, kept == 8, "stale answers make room for new ones: all 8");
	brul_answers_free(a);
	return tap_done(&t);
}

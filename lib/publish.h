/*
 * publish.h: writing a file that must appear whole or not at all, for
 * writers that need a path rather than a stream (XGBoost, jansson).
 *
 * The data go to NAME.partial (plus a suffix the writer may need, such as
 * ".json") and are renamed to NAME once complete, so a reader never sees
 * half a file and a failed run leaves nothing.  When NAME exists and is not
 * a regular file (/dev/stdout, a named pipe, /dev/full), renaming would
 * replace the device: then the data go to NAME itself.
 *
 * Ownership: the caller's buffer holds the path to write to.
 */
#ifndef BRUL_PUBLISH_H
#define BRUL_PUBLISH_H

#include <stddef.h>

#include "err.h"

/* The path to write to into tmp[0..n).  0, or -1 when the name is too
 * long. */
int brul_publish_begin(const char *path, const char *suffix, char *tmp,
		       size_t n, struct brul_err *err);
/* Puts the file written at tmp under path.  0, or -1 (tmp removed). */
int brul_publish_commit(const char *tmp, const char *path,
			struct brul_err *err);
/* Removes what was written at tmp, unless it is path itself. */
void brul_publish_abort(const char *tmp, const char *path);

#endif

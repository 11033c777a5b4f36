/*
 * publish.h: writing a file that must appear whole or not at all, for
 * writers that need a path rather than a stream (jansson's dump, a model).
 *
 * The data go to NAME.partial (plus a suffix) beside the file NAME stands
 * for, and are renamed to it once complete, so a reader never sees half a
 * file and a failed run leaves nothing.  A symbolic link is followed: its
 * target is replaced, not the link.  When NAME is not a regular file
 * (/dev/stdout on a pipe, a named pipe, /dev/full), renaming would replace
 * the device: then the data go to NAME itself.  A directory is an error.
 *
 * Ownership: struct brul_publish is caller storage, nothing to free.
 */
#ifndef BRUL_PUBLISH_H
#define BRUL_PUBLISH_H

#include <limits.h>

#include "core/err.h"

struct brul_publish {
	char name[PATH_MAX];	/* as given, for messages */
	char final[PATH_MAX];	/* what is replaced: NAME or its target */
	char tmp[PATH_MAX];	/* where to write now */
	int in_place;		/* tmp is final: a device or a pipe */
};

/* Where to write; 0, or -1 for a directory or a name too long. */
int brul_publish_begin(struct brul_publish *p, const char *path,
		       const char *suffix, struct brul_err *err);
/* Puts what was written at p->tmp under its final name.  0, or -1 (and
 * p->tmp removed). */
int brul_publish_commit(struct brul_publish *p, struct brul_err *err);
/* Removes what was written at p->tmp, unless it is the device itself. */
void brul_publish_abort(struct brul_publish *p);

#endif

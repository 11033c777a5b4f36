/*
 * publish.h: writing a file that must appear whole or not at all: every
 * named output of the tools (output.c's streams, a model, a report).
 *
 * The data go to a temporary beside the name given, NAME.XXXXXXXX.partial
 * (eight random letters and digits), created with O_CREAT | O_EXCL |
 * O_NOFOLLOW and mode 0666 less the umask, as a fresh file.  Once complete
 * it is flushed to disk (fsync) and renamed to NAME, so a reader never
 * sees half a file, and an error or a signal leaves the old file (or
 * none).  The temporary's name never looks like the final one, and no run
 * trips on another's: a killed run's temporary stays behind, for rm.
 *
 * The name itself is never followed: a symbolic link there is replaced,
 * as rename(2) replaces it, and its target is left alone (a planted link
 * cannot aim the write elsewhere).  So is a regular file with other hard
 * links: NAME gets the new file, the other names keep the old one.
 *
 * What is written in place instead, opened as it is (no temporary): a
 * device, a named pipe or a socket (/dev/null, /dev/full, a terminal, a
 * FIFO), or a symbolic link to one of them, or a link to the process's
 * own standard output or error (/dev/stdout when that is a file: written
 * through that descriptor, so that >> appends).
 * Renaming there would replace the device.  A directory is an error.
 *
 * Ownership: struct brul_publish is caller storage.  After a successful
 * brul_publish_open, brul_publish_commit or brul_publish_abort must be
 * called once; both close fd.
 */
#ifndef BRUL_PUBLISH_H
#define BRUL_PUBLISH_H

#include <sys/types.h>

#include <limits.h>

#include "core/err.h"

/* Told a temporary's name before it is created (made 1) and once it is
 * gone, renamed or removed (made 0): for a tool that removes it when a
 * signal ends the process.  NULL: nobody to tell. */
typedef void brul_publish_note(const char *tmp, int made);

struct brul_publish {
	char name[PATH_MAX];	/* as given: what is replaced; messages */
	char tmp[PATH_MAX];	/* the temporary; "" when in place */
	int in_place;		/* written as it is: a device, a pipe */
	int fd;			/* open for writing; -1 before and after */
	int made;		/* tmp exists (created, not yet renamed) */
	int std_fd;		/* in place: the link's target is our
				 * stdout (1) or stderr (2); else -1 */
	dev_t dev;		/* in place: what brul_publish_begin saw, */
	ino_t ino;		/* checked again once it is opened */
	brul_publish_note *note;
};

/* Decides where the data for path go, and names the temporary; opens
 * nothing.  0, or -1 for a directory, a name too long or a path that
 * cannot be looked at (a missing directory on the way is the open's
 * error). */
int brul_publish_begin(struct brul_publish *p, const char *path,
		       brul_publish_note *note, struct brul_err *err);
/* Creates the temporary, or opens the device: p->fd.  0 or -1. */
int brul_publish_open(struct brul_publish *p, struct brul_err *err);
/* The data are complete: for a temporary, fsync(2) and close; for a
 * device, close.  0 or -1 (a write error the file system reports late).
 * The temporary stays until brul_publish_commit or _abort. */
int brul_publish_finish(struct brul_publish *p, struct brul_err *err);
/* Finishes (if not done) and renames the temporary to the name, then
 * flushes the directory (best effort).  0, or -1 with the temporary
 * removed and the old file left. */
int brul_publish_commit(struct brul_publish *p, struct brul_err *err);
/* Closes and removes the temporary; the name and a device are left as
 * they were.  Safe after a failed open or commit. */
void brul_publish_abort(struct brul_publish *p);

#endif

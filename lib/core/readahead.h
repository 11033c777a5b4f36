/*
 * readahead.h: a source of bytes run ahead of its reader by a thread, so
 * that making the bytes (inflating gzip) and using them (parsing) take a
 * core each.
 *
 * The thread calls the source into a ring of buffers; brul_readahead_read
 * hands them out in order, returning what one buffer holds without waiting
 * for the next (a live pipe is read as it comes, as before).  The source's
 * end (0) and its error (-1 with its brul_err) reach the reader after the
 * bytes before them.
 *
 * Ownership: brul_readahead_new returns an object the caller frees with
 * brul_readahead_free, which stops the thread, also one waiting in read(2)
 * on a pipe.  The source's arg stays the caller's; the source must not be
 * used by anyone else until then.
 */
#ifndef BRUL_READAHEAD_H
#define BRUL_READAHEAD_H

#include <stddef.h>
#include <sys/types.h>

#include "core/err.h"

/* Up to n bytes into buf: the count, 0 at the end, -1 with err set.  Its
 * only blocking calls must be cancellation points (read(2) is). */
typedef ssize_t brul_readahead_source(void *arg, void *buf, size_t n,
				      struct brul_err *err);

struct brul_readahead;

/* NULL when out of memory or no thread can start (the caller then reads
 * the source itself). */
struct brul_readahead *brul_readahead_new(brul_readahead_source *src,
					  void *arg);
ssize_t brul_readahead_read(struct brul_readahead *ra, void *buf, size_t n,
			    struct brul_err *err);
void brul_readahead_free(struct brul_readahead *ra);

#endif

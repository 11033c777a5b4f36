/*
 * stream.h: byte streams in and out of the tools.  input.c implements the
 * input, output.c the output, gzpool.c its parallel gzip (streamint.h is
 * what the last two share).
 *
 * Input (struct brul_in): a file name or "-"/NULL for stdin; plain or gzip
 * (also concatenated gzip members), detected from the bytes.  Gzip from a
 * file or pipe is inflated (ISA-L or zlib) ahead of the reader by a thread
 * of its own.
 *
 * Output (struct brul_out): a file name or "-"/NULL for stdout; plain, or
 * gzip when opts.gzip is set or the name ends in ".gz".  Writers fill the
 * stream's own buffer (brul_out_reserve / brul_out_commit, no extra copy).
 * Gzip output is one gzip member compressed in blocks by a pool of threads
 * (as pigz does: each block primed with the previous 32 KiB, CRCs combined),
 * so compressing uses every core while the producer goes on; the bytes do not
 * depend on the number of threads.
 *
 * A named output is written as publish.h says: to a temporary beside the
 * name, renamed to it by brul_out_close once complete and on disk, so that
 * nothing half-written is ever under the name, and an error leaves the old
 * file (or none); a device or a pipe is written in place.
 *
 * Ownership: brul_in_open / brul_out_open return objects the caller frees
 * with brul_in_close / brul_out_close (which also report deferred errors:
 * a full disk is an error).  brul_out_abort frees without flushing and
 * removes the temporary, leaving the name as it was.
 */
#ifndef BRUL_STREAM_H
#define BRUL_STREAM_H

#include <stddef.h>
#include <sys/types.h>

#include "core/err.h"
#include "core/publish.h"

struct brul_in;
struct brul_out;

struct brul_in *brul_in_open(const char *path, struct brul_err *err);
/* An input over n bytes at buf (plain or gzip, as a file would be), named
 * "<memory>"; buf must outlive the input.  For tests and fuzzing: the bytes
 * come in small pieces of varying size, as from a pipe. */
struct brul_in *brul_in_open_mem(const void *buf, size_t n,
				 struct brul_err *err);
/* Up to n bytes into buf: the count, 0 at end of input, -1 on error.  It
 * returns what is available without waiting for more (a live pipe is read
 * as it comes).  A truncated or corrupt gzip stream is an error, never a
 * quiet end of input; so is anything but another gzip member after one. */
ssize_t brul_in_read(struct brul_in *in, void *buf, size_t n,
		     struct brul_err *err);
/* The name used in messages: the path, or "<stdin>". */
const char *brul_in_name(const struct brul_in *in);
void brul_in_close(struct brul_in *in);

struct brul_out_opts {
	int gzip;		/* 1: compress (also implied by a ".gz" name) */
	int level;		/* 1 (fastest) to 9 (smallest); 0: the
				 * default (deflate.h) */
	int threads;		/* compressing threads; 0 means online CPUs */
	int force_tty;		/* 1: allow gzip to a terminal */
	brul_publish_note *note;	/* told the temporary's name; NULL */
};

/* NULL with err set when the file cannot be created, or when gzip would go
 * to a terminal (unless force_tty). */
struct brul_out *brul_out_open(const char *path,
			       const struct brul_out_opts *opts,
			       struct brul_err *err);
/* A pointer to at least n free bytes (n <= BRUL_OUT_RESERVE_MAX) in the
 * stream's buffer, or NULL after a write error (then err is set). */
#define BRUL_OUT_RESERVE_MAX 65536
char *brul_out_reserve(struct brul_out *out, size_t n, struct brul_err *err);
/* Marks n bytes of the last reservation as written. */
void brul_out_commit(struct brul_out *out, size_t n);
int brul_out_write(struct brul_out *out, const void *p, size_t n,
		   struct brul_err *err);
/* Pushes what is buffered to the file (a gzip sync point when compressing,
 * so a reader sees every row so far): for --live.  0 or -1. */
int brul_out_flush(struct brul_out *out, struct brul_err *err);
/* Completes the data (the gzip trailer), flushes them to disk and closes
 * the file, without renaming it yet: a tool writing several files calls
 * it on each before closing any, so that all appear or none.  0 or -1
 * (err set); brul_out_close or brul_out_abort must still follow. */
int brul_out_finish(struct brul_out *out, struct brul_err *err);
/* Finishes (if not done), puts the file under its name, frees: 0 or -1
 * (err set; the temporary is then removed and the old file left). */
int brul_out_close(struct brul_out *out, struct brul_err *err);
void brul_out_abort(struct brul_out *out);
const char *brul_out_name(const struct brul_out *out);

#endif

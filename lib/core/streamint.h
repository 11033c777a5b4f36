/*
 * streamint.h: what output.c (struct brul_out, plain output, errors) and
 * gzpool.c (gzip output compressed by a pool of threads) share.  Not for
 * tools: stream.h is the API.
 *
 * A gzip output's struct gz is gzpool.c's; output.c drives it through the
 * brul_gz_* calls below and frees it with brul_gz_free.
 */
#ifndef BRUL_STREAMINT_H
#define BRUL_STREAMINT_H

#include <stddef.h>

#include "core/err.h"
#include "core/publish.h"
#include "core/stream.h"

#define BLK_SIZE	(512 * 1024)	/* gzip output: bytes per block */

struct gz;

struct brul_out {
	int fd;			/* stdout, or pub.fd */
	int named;		/* pub is in use: -o FILE */
	int finished;		/* brul_out_finish ran */
	struct brul_publish pub;	/* the temporary, renamed at close */
	char *name;
	int level;
	int nthreads;
	int failed;
	struct brul_err err;	/* the first error, repeated afterwards */
	char *buf;		/* where reserve() points: plain buffer or */
	size_t len;		/* the current gzip block */
	struct gz *gz;		/* NULL for plain output */
};

/* output.c */

/* write(2) all of p, through EINTR and partial writes: 0 or an errno. */
int brul_fd_write_all(int fd, const void *p, size_t n);
/* Marks out failed with fmt (one %s, arg) unless it already is, copies
 * the first error to err (if not NULL): -1. */
int brul_out_fail(struct brul_out *out, struct brul_err *err, const char *fmt,
		  const char *arg);
/* brul_out_fail with "write error: " and strerror(e). */
int brul_out_write_err(struct brul_out *out, int e);

/* gzpool.c: the compressor of out->gz.  Errors go to brul_out_fail. */

/* A compressor writing to fd (level 1-9, nthreads >= 1), its threads not
 * yet started; NULL when out of memory. */
struct gz *brul_gz_new(int fd, int level, int nthreads);
/* The block the producer fills first: out->buf of a new gzip output. */
char *brul_gz_buf(struct gz *g);
/* out->len reached BLK_SIZE: hands the block over (starting the threads
 * the first time) and points out->buf at a fresh one. */
void brul_gz_spill(struct brul_out *out);
/* A sync point: everything committed is compressed and written.  0 or -1. */
int brul_gz_flush(struct brul_out *out);
/* The last block and the gzip trailer, written; the threads stopped.
 * 0 or -1. */
int brul_gz_finish(struct brul_out *out);
/* Stops and joins the threads, if running (at close or abort). */
void brul_gz_stop(struct gz *g);
/* Stops the threads and frees g and its blocks; g may be NULL. */
void brul_gz_free(struct gz *g);

#endif

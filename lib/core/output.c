/*
 * output.c: output streams, plain or gzip (see stream.h): opening, the
 * buffer writers fill, flushing, closing, aborting.  Gzip output goes to
 * gzpool.c block by block; a named file through publish.c.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/deflate.h"
#include "core/stream.h"
#include "core/streamint.h"

#define PLAIN_SIZE	(1024 * 1024)	/* plain output: write(2) this much */
#define MAX_THREADS	64

/* write(2) all of p, through EINTR and partial writes: 0 or an errno. */
int
brul_fd_write_all(int fd, const void *p, size_t n)
{
	const char *s = p;
	ssize_t r;

	while (n > 0) {
		r = write(fd, s, n > SSIZE_MAX ? SSIZE_MAX : n);
		if (r == -1) {
			if (errno == EINTR)
				continue;
			return errno;
		}
		if (r == 0)
			return EIO;
		s += r;
		n -= (size_t)r;
	}
	return 0;
}

int
brul_out_fail(struct brul_out *out, struct brul_err *err, const char *fmt,
    const char *arg)
{
	if (!out->failed) {
		out->failed = 1;
		brul_err_set(&out->err, out->name, 0, 0, fmt, arg);
	}
	if (err != NULL)
		*err = out->err;
	return -1;
}

/* The stored error, for a call that finds the stream already failed. */
static int
out_report(const struct brul_out *out, struct brul_err *err)
{
	if (err != NULL)
		*err = out->err;
	return -1;
}

int
brul_out_write_err(struct brul_out *out, int e)
{
	return brul_out_fail(out, NULL, "write error: %s", strerror(e));
}

static void
out_free(struct brul_out *out)
{
	if (out->gz != NULL)
		brul_gz_free(out->gz);
	else
		free(out->buf);
	free(out->name);
	free(out);
}

static int
has_gz_suffix(const char *path)
{
	size_t n = strlen(path);

	return n > 3 && strcmp(path + n - 3, ".gz") == 0;
}

struct brul_out *
brul_out_open(const char *path, const struct brul_out_opts *opts,
    struct brul_err *err)
{
	static const struct brul_out_opts defaults;
	struct brul_out *out;
	const char *name;
	int named, gzip;
	long ncpu;

	if (opts == NULL)
		opts = &defaults;
	named = path != NULL && strcmp(path, "-") != 0;
	name = named ? path : "<stdout>";
	gzip = opts->gzip || (named && has_gz_suffix(path));
	if ((out = calloc(1, sizeof(*out))) == NULL ||
	    (out->name = strdup(name)) == NULL) {
		free(out);
		brul_err_set(err, name, 0, 0, "out of memory");
		return NULL;
	}
	out->fd = STDOUT_FILENO;
	if (named) {
		if (brul_publish_begin(&out->pub, path, opts->note, err) < 0 ||
		    brul_publish_open(&out->pub, err) < 0) {
			out_free(out);
			return NULL;
		}
		out->named = 1;
		out->fd = out->pub.fd;
	}
	if (gzip && !opts->force_tty && isatty(out->fd)) {
		brul_err_set(err, name, 0, 0, "refusing to write compressed "
		    "data to a terminal (use -o FILE or --force)");
		brul_out_abort(out);
		return NULL;
	}
	out->level = opts->level >= 1 && opts->level <= 9 ? opts->level :
	    BRUL_DEFLATE_DEFAULT;
	out->nthreads = opts->threads;
	if (out->nthreads <= 0) {
		ncpu = sysconf(_SC_NPROCESSORS_ONLN);
		out->nthreads = ncpu > 0 ? (int)(ncpu < MAX_THREADS ? ncpu :
		    MAX_THREADS) : 1;
	}
	if (out->nthreads > MAX_THREADS)
		out->nthreads = MAX_THREADS;
	if (gzip) {
		if ((out->gz = brul_gz_new(out->fd, out->level,
		    out->nthreads)) == NULL)
			goto oom;
		out->buf = brul_gz_buf(out->gz);
	} else if ((out->buf = malloc(PLAIN_SIZE +
	    BRUL_OUT_RESERVE_MAX)) == NULL)
		goto oom;
	return out;
oom:
	brul_err_set(err, name, 0, 0, "out of memory");
	brul_out_abort(out);
	return NULL;
}

const char *
brul_out_name(const struct brul_out *out)
{
	return out->name;
}

static void
plain_spill(struct brul_out *out)
{
	int e;

	e = brul_fd_write_all(out->fd, out->buf, out->len);
	out->len = 0;
	if (e != 0)
		brul_out_write_err(out, e);
}

char *
brul_out_reserve(struct brul_out *out, size_t n, struct brul_err *err)
{
	if (out->failed) {
		out_report(out, err);
		return NULL;
	}
	if (n > BRUL_OUT_RESERVE_MAX) {
		brul_out_fail(out, err, "%s",
		    "internal error: reservation too large");
		return NULL;
	}
	/* commit() keeps len below the spill size, and the buffer has
	 * BRUL_OUT_RESERVE_MAX bytes beyond it. */
	return out->buf + out->len;
}

void
brul_out_commit(struct brul_out *out, size_t n)
{
	if (out->failed)
		return;
	out->len += n;
	if (out->gz == NULL) {
		if (out->len >= PLAIN_SIZE)
			plain_spill(out);
	} else if (out->len >= BLK_SIZE)
		brul_gz_spill(out);
}

int
brul_out_write(struct brul_out *out, const void *p, size_t n,
    struct brul_err *err)
{
	const char *s = p;
	size_t k;
	char *d;

	while (n > 0) {
		k = n < BRUL_OUT_RESERVE_MAX ? n : BRUL_OUT_RESERVE_MAX;
		if ((d = brul_out_reserve(out, k, err)) == NULL)
			return -1;
		memcpy(d, s, k);
		brul_out_commit(out, k);
		s += k;
		n -= k;
	}
	return out->failed ? out_report(out, err) : 0;
}

int
brul_out_flush(struct brul_out *out, struct brul_err *err)
{
	if (!out->failed) {
		if (out->gz != NULL)
			brul_gz_flush(out);
		else if (out->len > 0)
			plain_spill(out);
	}
	return out->failed ? out_report(out, err) : 0;
}

/* A failure publish.c reports (fsync, close, rename), kept as the
 * stream's first error. */
static void
out_publish_err(struct brul_out *out, const struct brul_err *e)
{
	if (!out->failed) {
		out->failed = 1;
		out->err = *e;
	}
}

int
brul_out_finish(struct brul_out *out, struct brul_err *err)
{
	struct brul_err e;

	if (out->finished)
		return out->failed ? out_report(out, err) : 0;
	out->finished = 1;
	if (!out->failed) {
		if (out->gz != NULL)
			brul_gz_finish(out);
		else if (out->len > 0)
			plain_spill(out);
	}
	if (out->gz != NULL)
		brul_gz_stop(out->gz);
	if (out->named && !out->failed &&
	    brul_publish_finish(&out->pub, &e) < 0)
		out_publish_err(out, &e);
	return out->failed ? out_report(out, err) : 0;
}

int
brul_out_close(struct brul_out *out, struct brul_err *err)
{
	struct brul_err e;
	int ret = 0;

	if (out == NULL)
		return 0;
	brul_out_finish(out, NULL);
	if (out->named && !out->failed &&
	    brul_publish_commit(&out->pub, &e) < 0)
		out_publish_err(out, &e);
	if (out->failed) {
		if (err != NULL)
			*err = out->err;
		ret = -1;
	}
	/* After a failure: the temporary goes, the name stays as it was. */
	if (out->named)
		brul_publish_abort(&out->pub);
	out_free(out);
	return ret;
}

void
brul_out_abort(struct brul_out *out)
{
	if (out == NULL)
		return;
	if (out->gz != NULL)
		brul_gz_stop(out->gz);
	if (out->named)
		brul_publish_abort(&out->pub);
	out_free(out);
}

/*
 * input.c: input streams, plain or gzip (see stream.h).
 *
 * Input is inflated here rather than through gzread(): gzread() waits until
 * it can fill the whole request, which would stall a reader of a live pipe,
 * and it ends quietly on some damaged streams.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "core/stream.h"

#define IN_BUF_SIZE	(1024 * 1024)

enum { IN_UNKNOWN, IN_PLAIN, IN_GZIP };

struct brul_in {
	int fd;			/* -1 for a memory input */
	int close_fd;
	const unsigned char *mem;
	size_t mem_len, mem_pos;
	char *name;
	int mode;
	int eof;		/* the source has no more bytes */
	int done;		/* the decoded stream has ended */
	int failed;
	struct brul_err err;	/* sticky: repeated on every later read */
	unsigned char *buf;	/* bytes read from fd, not yet used */
	size_t buf_len;		/* plain mode: bytes in buf */
	size_t buf_pos;
	z_stream zs;
	int zinit;
	int fresh;		/* nothing of the current member consumed */
	long members;		/* gzip members finished */
};

static struct brul_in *
in_new(const char *name, struct brul_err *err)
{
	struct brul_in *in;

	if ((in = calloc(1, sizeof(*in))) == NULL ||
	    (in->name = strdup(name)) == NULL) {
		free(in);
		brul_err_set(err, name, 0, 0, "out of memory");
		return NULL;
	}
	in->fd = -1;
	return in;
}

struct brul_in *
brul_in_open(const char *path, struct brul_err *err)
{
	struct brul_in *in;
	int fd;

	if (path == NULL || strcmp(path, "-") == 0) {
		if ((in = in_new("<stdin>", err)) == NULL)
			return NULL;
		in->fd = STDIN_FILENO;
	} else {
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
			brul_err_set(err, path, 0, 0, "cannot open: %s",
			    strerror(errno));
			return NULL;
		}
		if ((in = in_new(path, err)) == NULL) {
			close(fd);
			return NULL;
		}
		in->fd = fd;
		in->close_fd = 1;
	}
	if ((in->buf = malloc(IN_BUF_SIZE)) == NULL) {
		brul_err_set(err, in->name, 0, 0, "out of memory");
		brul_in_close(in);
		return NULL;
	}
	return in;
}

struct brul_in *
brul_in_open_mem(const void *buf, size_t n, struct brul_err *err)
{
	struct brul_in *in;

	if ((in = in_new("<memory>", err)) == NULL)
		return NULL;
	in->mem = buf;
	in->mem_len = buf == NULL ? 0 : n;
	return in;
}

const char *
brul_in_name(const struct brul_in *in)
{
	return in->name;
}

void
brul_in_close(struct brul_in *in)
{
	if (in == NULL)
		return;
	if (in->zinit)
		inflateEnd(&in->zs);
	if (in->close_fd)
		close(in->fd);
	free(in->buf);
	free(in->name);
	free(in);
}

static ssize_t
in_fail(struct brul_in *in, struct brul_err *err, const char *fmt,
    const char *arg)
{
	in->failed = 1;
	brul_err_set(&in->err, in->name, 0, 0, fmt, arg);
	if (err != NULL)
		*err = in->err;
	return -1;
}

/* A memory input comes in pieces of 1 to 97 bytes, varying as a pipe's
 * would, so that tests and fuzzing reach every boundary case of readers. */
static size_t
mem_piece(const struct brul_in *in, size_t n)
{
	size_t piece = 1 + (size_t)((in->mem_pos * 2654435761u) >> 5) % 97;

	if (n > piece)
		n = piece;
	if (n > in->mem_len - in->mem_pos)
		n = in->mem_len - in->mem_pos;
	return n;
}

/* read(2) that retries on EINTR; a memory input copies. */
static ssize_t
in_raw(struct brul_in *in, unsigned char *p, size_t n)
{
	ssize_t r;

	if (in->fd == -1) {
		n = mem_piece(in, n);
		memcpy(p, in->mem + in->mem_pos, n);
		in->mem_pos += n;
		return (ssize_t)n;
	}
	if (n > SSIZE_MAX)
		n = SSIZE_MAX;
	do
		r = read(in->fd, p, n);
	while (r == -1 && errno == EINTR);
	return r;
}

/* More compressed input for inflate, once it has used all it had: 1, 0 at
 * the end of the source, -1 on a read error. */
static int
in_fill(struct brul_in *in)
{
	ssize_t r;
	size_t n;

	if (in->fd == -1) {
		/* Point zlib at the memory itself: no copy. */
		n = mem_piece(in, SIZE_MAX);
		in->zs.next_in = (unsigned char *)in->mem + in->mem_pos;
		in->zs.avail_in = (uInt)n;
		in->mem_pos += n;
		r = (ssize_t)n;
	} else {
		if ((r = in_raw(in, in->buf, IN_BUF_SIZE)) == -1)
			return -1;
		in->zs.next_in = in->buf;
		in->zs.avail_in = (uInt)r;
	}
	if (r == 0)
		in->eof = 1;
	return r > 0;
}

/* Looks at the first two bytes: gzip's magic, or plain. */
static int
in_detect(struct brul_in *in, struct brul_err *err)
{
	const unsigned char *p;
	size_t have;
	ssize_t r;

	if (in->fd == -1) {
		p = in->mem;
		have = in->mem_len;
	} else {
		while (in->buf_len < 2) {
			r = in_raw(in, in->buf + in->buf_len,
			    IN_BUF_SIZE - in->buf_len);
			if (r == -1)
				return in_fail(in, err, "read error: %s",
				    strerror(errno));
			if (r == 0)
				break;
			in->buf_len += (size_t)r;
		}
		p = in->buf;
		have = in->buf_len;
	}
	if (have >= 2 && p[0] == 0x1f && p[1] == 0x8b) {
		in->mode = IN_GZIP;
		if (inflateInit2(&in->zs, 15 + 16) != Z_OK)
			return in_fail(in, err, "%s", "out of memory");
		in->zinit = 1;
		in->fresh = 1;
		if (in->fd == -1) {
			in->zs.next_in = NULL;
			in->zs.avail_in = 0;
		} else {
			in->zs.next_in = in->buf;
			in->zs.avail_in = (uInt)in->buf_len;
		}
		in->buf_len = 0;
	} else
		in->mode = IN_PLAIN;
	return 0;
}

static ssize_t
in_read_plain(struct brul_in *in, unsigned char *p, size_t n,
    struct brul_err *err)
{
	ssize_t r;

	if (in->buf_pos < in->buf_len) {
		/* The bytes read while detecting the format. */
		if (n > in->buf_len - in->buf_pos)
			n = in->buf_len - in->buf_pos;
		memcpy(p, in->buf + in->buf_pos, n);
		in->buf_pos += n;
		return (ssize_t)n;
	}
	/* After the end, do not read again: a terminal would wait. */
	if (in->eof)
		return 0;
	if ((r = in_raw(in, p, n)) == -1)
		return in_fail(in, err, "read error: %s", strerror(errno));
	if (r == 0)
		in->eof = 1;
	return r;
}

static ssize_t
in_read_gzip(struct brul_in *in, unsigned char *p, size_t n,
    struct brul_err *err)
{
	z_stream *zs = &in->zs;
	uInt before;
	int ret;

	if (n > UINT_MAX)
		n = UINT_MAX;
	zs->next_out = p;
	zs->avail_out = (uInt)n;
	while (zs->avail_out > 0 && !in->done) {
		if (zs->avail_in == 0 && !in->eof) {
			/* Hand out what we have rather than wait for more. */
			if (zs->avail_out < n)
				break;
			if (in_fill(in) == -1)
				return in_fail(in, err, "read error: %s",
				    strerror(errno));
			continue;
		}
		if (zs->avail_in == 0) {
			if (in->fresh) {
				in->done = 1;
				break;
			}
			return in_fail(in, err, "%s",
			    "unexpected end of file (truncated gzip data)");
		}
		before = zs->avail_in;
		ret = inflate(zs, Z_NO_FLUSH);
		if (ret == Z_DATA_ERROR && in->fresh && in->members > 0)
			return in_fail(in, err, "%s",
			    "trailing garbage after gzip data");
		if (zs->avail_in != before)
			in->fresh = 0;
		switch (ret) {
		case Z_OK:
		case Z_BUF_ERROR:
			break;
		case Z_STREAM_END:
			/* Another member may follow (concatenated gzip). */
			in->members++;
			inflateReset(zs);
			in->fresh = 1;
			break;
		case Z_MEM_ERROR:
			return in_fail(in, err, "%s", "out of memory");
		default:
			return in_fail(in, err, "corrupt gzip data: %s",
			    zs->msg != NULL ? zs->msg : "unknown error");
		}
	}
	return (ssize_t)(n - zs->avail_out);
}

ssize_t
brul_in_read(struct brul_in *in, void *buf, size_t n, struct brul_err *err)
{
	if (in->failed) {
		if (err != NULL)
			*err = in->err;
		return -1;
	}
	if (n == 0)
		return 0;
	if (in->mode == IN_UNKNOWN && in_detect(in, err) == -1)
		return -1;
	if (in->mode == IN_PLAIN)
		return in_read_plain(in, buf, n, err);
	return in_read_gzip(in, buf, n, err);
}

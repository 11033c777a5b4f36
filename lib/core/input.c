/*
 * input.c: input streams, plain or gzip (see stream.h).
 *
 * Input is inflated here (inflate.h: ISA-L or zlib) rather than through
 * gzread(): gzread() waits until it can fill the whole request, which would
 * stall a reader of a live pipe, and it ends quietly on some damaged
 * streams.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/inflate.h"
#include "core/readahead.h"
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
	struct brul_inflate *z;	/* gzip: the inflater, and its input */
	const unsigned char *zin;
	size_t zin_len;
	int fresh;		/* nothing of the current member consumed */
	long members;		/* gzip members finished */
	struct brul_readahead *ra;	/* gzip from a file or pipe: inflated
					 * ahead by a thread, which owns all
					 * the rest while it runs */
	unsigned char magic[2];	/* the current member's first bytes */
	size_t magic_n;
	size_t member_in;	/* bytes of it the inflater has taken */
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
	brul_readahead_free(in->ra);
	brul_inflate_free(in->z);
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
		/* Inflate the memory itself: no copy. */
		n = mem_piece(in, SIZE_MAX);
		in->zin = in->mem + in->mem_pos;
		in->zin_len = n;
		in->mem_pos += n;
		r = (ssize_t)n;
	} else {
		if ((r = in_raw(in, in->buf, IN_BUF_SIZE)) == -1)
			return -1;
		in->zin = in->buf;
		in->zin_len = (size_t)r;
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
		if ((in->z = brul_inflate_new()) == NULL)
			return in_fail(in, err, "%s", "out of memory");
		in->fresh = 1;
		if (in->fd != -1) {
			in->zin = in->buf;
			in->zin_len = in->buf_len;
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

/* After a member, what is not a member's start is garbage, not damage:
 * said so whether the inflater stops at it or waits for more. */
static int
in_after_member(const struct brul_in *in)
{
	return in->members > 0 && (in->magic_n < 2 || in->magic[0] != 0x1f ||
	    in->magic[1] != 0x8b);
}

/*
 * An inflater may hold input it has taken but not yet put out (ISA-L reads
 * ahead), so input ends only when it is empty and the inflater, given
 * nothing more, makes nothing more: stalled.
 */
static ssize_t
in_read_gzip(struct brul_in *in, unsigned char *p, size_t n,
    struct brul_err *err)
{
	unsigned char *out = p;
	size_t room = n, before_in, before_room;
	const char *msg = "unknown error";
	enum brul_inflate_ret ret;
	int stalled = 0;

	while (room > 0 && !in->done) {
		if (in->zin_len == 0 && (stalled || in->fresh)) {
			if (!in->eof) {
				/* Hand out what we have rather than wait. */
				if (room < n)
					break;
				if (in_fill(in) == -1)
					return in_fail(in, err,
					    "read error: %s", strerror(errno));
				stalled = 0;
				continue;
			}
			if (in->fresh) {
				in->done = 1;
				break;
			}
			return in_fail(in, err, "%s", in_after_member(in) ?
			    "trailing garbage after gzip data" :
			    "unexpected end of file (truncated gzip data)");
		}
		while (in->magic_n < 2 &&
		    in->magic_n - in->member_in < in->zin_len) {
			in->magic[in->magic_n] =
			    in->zin[in->magic_n - in->member_in];
			in->magic_n++;
		}
		before_in = in->zin_len;
		before_room = room;
		ret = brul_inflate_run(in->z, &in->zin, &in->zin_len, &out,
		    &room, &msg);
		if (ret == BRUL_INFLATE_BAD && in_after_member(in))
			return in_fail(in, err, "%s",
			    "trailing garbage after gzip data");
		in->member_in += before_in - in->zin_len;
		if (in->zin_len != before_in)
			in->fresh = 0;
		stalled = in->zin_len == before_in && room == before_room;
		switch (ret) {
		case BRUL_INFLATE_MORE:
			break;
		case BRUL_INFLATE_END:
			/* Another member may follow (concatenated gzip). */
			in->members++;
			brul_inflate_reset(in->z);
			in->fresh = 1;
			in->magic_n = in->member_in = 0;
			stalled = 0;
			break;
		case BRUL_INFLATE_NOMEM:
			return in_fail(in, err, "%s", "out of memory");
		case BRUL_INFLATE_BAD:
			return in_fail(in, err, "corrupt gzip data: %s", msg);
		}
	}
	return (ssize_t)(n - room);
}

static ssize_t
in_gzip_source(void *arg, void *buf, size_t n, struct brul_err *err)
{
	return in_read_gzip(arg, buf, n, err);
}

ssize_t
brul_in_read(struct brul_in *in, void *buf, size_t n, struct brul_err *err)
{
	if (in->ra != NULL)
		return n == 0 ? 0 : brul_readahead_read(in->ra, buf, n, err);
	if (in->failed) {
		if (err != NULL)
			*err = in->err;
		return -1;
	}
	if (n == 0)
		return 0;
	if (in->mode == IN_UNKNOWN) {
		if (in_detect(in, err) == -1)
			return -1;
		/* Inflating takes a core of its own; a memory input stays in
		 * the caller's thread, for tests and fuzzing to be repeatable.
		 * Without a thread, the caller inflates. */
		if (in->mode == IN_GZIP && in->fd != -1 &&
		    (in->ra = brul_readahead_new(in_gzip_source, in)) != NULL)
			return brul_readahead_read(in->ra, buf, n, err);
	}
	if (in->mode == IN_PLAIN)
		return in_read_plain(in, buf, n, err);
	return in_read_gzip(in, buf, n, err);
}

/*
 * stream.c: see stream.h.
 *
 * Input is inflated here rather than through gzread(): gzread() waits until
 * it can fill the whole request, which would stall a reader of a live pipe,
 * and it ends quietly on some damaged streams.  Output gzip follows pigz: the
 * producer fills fixed-size blocks, workers deflate them independently (each
 * primed with the 32 KiB of input before it and ended on a byte boundary with
 * a sync flush), and one writer thread puts them out in order, combining the
 * CRCs.  Block boundaries depend only on the bytes and the flush calls, so
 * the output does not depend on the number of threads.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "core/stream.h"

#define IN_BUF_SIZE	(1024 * 1024)
#define PLAIN_SIZE	(1024 * 1024)	/* plain output: write(2) this much */
#define BLK_SIZE	(512 * 1024)	/* gzip output: bytes per block */
#define DICT_SIZE	32768		/* deflate's window */
#define MAX_THREADS	64

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

struct blk {
	struct blk *next;	/* in the job queue or the free list */
	unsigned char *in;	/* BLK_SIZE + BRUL_OUT_RESERVE_MAX bytes */
	size_t in_len;
	unsigned char dict[DICT_SIZE];
	size_t dict_len;
	unsigned char *z;	/* the compressed block */
	size_t z_cap, z_len;
	unsigned long crc;
	long seq;
	int last;
	int done;
	int zerr;
};

struct gz {
	pthread_mutex_t mu;
	pthread_cond_t work_cv;	/* a job was queued, or stop */
	pthread_cond_t done_cv;	/* a block was compressed, or stop */
	pthread_cond_t free_cv;	/* a block was written, or the writer failed */
	struct blk *jobs, *jobs_tail;
	struct blk *free;
	struct blk **ring;	/* submitted blocks, by seq % nring */
	struct blk **all;	/* every block, to free them */
	int nring;		/* blocks in existence at most */
	int nblocks;
	long next_seq;		/* producer: seq of the next block */
	long written;		/* writer: blocks written */
	int stop;
	int werrno;		/* the writer's write error */
	int zerr;		/* a block could not be compressed */
	pthread_t *workers;
	int nworkers;
	pthread_t writer;
	int started;		/* threads running */
	int writer_live;
	int header_done;
	unsigned long crc;	/* of all input; the writer's (or, before */
	uint64_t total;		/* the threads start, the producer's) */
	unsigned char hist[DICT_SIZE];	/* last input bytes, for the dict */
	size_t hist_len;
	struct blk *cur;	/* the block the producer fills */
	int fd;
	int level;
	z_stream zs;		/* for blocks compressed before threads start */
	int zinit;
};

struct brul_out {
	int fd;
	int close_fd;
	char *name;
	char *path;		/* to remove on failure; NULL for stdout */
	int level;
	int nthreads;
	int failed;
	struct brul_err err;	/* the first error, repeated afterwards */
	char *buf;		/* where reserve() points: plain buffer or */
	size_t len;		/* the current gzip block */
	struct gz *gz;		/* NULL for plain output */
};

static char *
xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = malloc(n);

	if (p != NULL)
		memcpy(p, s, n);
	return p;
}

/*
 * Input.
 */

static struct brul_in *
in_new(const char *name, struct brul_err *err)
{
	struct brul_in *in;

	if ((in = calloc(1, sizeof(*in))) == NULL ||
	    (in->name = xstrdup(name)) == NULL) {
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

/*
 * Output.
 */

/* write(2) all of p, through EINTR and partial writes: 0 or an errno. */
static int
write_all(int fd, const void *p, size_t n)
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

static int
out_fail(struct brul_out *out, struct brul_err *err, const char *fmt,
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

static int
out_write_err(struct brul_out *out, int e)
{
	return out_fail(out, NULL, "write error: %s", strerror(e));
}

static void
blk_free(struct blk *b)
{
	if (b == NULL)
		return;
	free(b->in);
	free(b->z);
	free(b);
}

static struct blk *
blk_new(void)
{
	struct blk *b;

	if ((b = calloc(1, sizeof(*b))) == NULL)
		return NULL;
	if ((b->in = malloc(BLK_SIZE + BRUL_OUT_RESERVE_MAX)) == NULL) {
		free(b);
		return NULL;
	}
	return b;
}

/* Raw deflate of one block, primed with its dictionary, ended on a byte
 * boundary (sync flush) or, for the last block, with the final block. */
static int
blk_deflate(z_stream *zs, struct blk *b)
{
	size_t need;
	unsigned char *z;
	int flush = b->last ? Z_FINISH : Z_SYNC_FLUSH;
	int ret;

	if (deflateReset(zs) != Z_OK)
		return -1;
	if (b->dict_len > 0 &&
	    deflateSetDictionary(zs, b->dict, (uInt)b->dict_len) != Z_OK)
		return -1;
	zs->next_in = b->in;
	zs->avail_in = (uInt)b->in_len;
	b->z_len = 0;
	need = deflateBound(zs, (uLong)b->in_len) + 64;
	for (;;) {
		if (b->z_cap - b->z_len < need) {
			if ((z = realloc(b->z, b->z_len + need)) == NULL)
				return -1;
			b->z = z;
			b->z_cap = b->z_len + need;
		}
		zs->next_out = b->z + b->z_len;
		zs->avail_out = (uInt)(b->z_cap - b->z_len);
		ret = deflate(zs, flush);
		b->z_len = b->z_cap - zs->avail_out;
		if (ret == Z_STREAM_ERROR)
			return -1;
		if (b->last ? ret == Z_STREAM_END : zs->avail_out > 0)
			break;
		need = 4096;
	}
	b->crc = crc32(0, b->in, (uInt)b->in_len);
	return 0;
}

static void *
gz_worker(void *arg)
{
	struct gz *g = arg;
	struct blk *b;
	z_stream zs;
	int ok;

	memset(&zs, 0, sizeof(zs));
	ok = deflateInit2(&zs, g->level, Z_DEFLATED, -15, 8,
	    Z_DEFAULT_STRATEGY) == Z_OK;
	pthread_mutex_lock(&g->mu);
	for (;;) {
		while (!g->stop && g->jobs == NULL)
			pthread_cond_wait(&g->work_cv, &g->mu);
		if (g->stop)
			break;
		b = g->jobs;
		if ((g->jobs = b->next) == NULL)
			g->jobs_tail = NULL;
		pthread_mutex_unlock(&g->mu);
		b->zerr = !ok || blk_deflate(&zs, b) == -1;
		pthread_mutex_lock(&g->mu);
		b->done = 1;
		pthread_cond_signal(&g->done_cv);
	}
	pthread_mutex_unlock(&g->mu);
	if (ok)
		deflateEnd(&zs);
	return NULL;
}

/* Puts compressed blocks out in order, combining their CRCs. */
static void *
gz_writer(void *arg)
{
	struct gz *g = arg;
	struct blk *b;
	int e, last;

	pthread_mutex_lock(&g->mu);
	for (;;) {
		while (!g->stop && ((b = g->ring[g->written % g->nring]) ==
		    NULL || !b->done))
			pthread_cond_wait(&g->done_cv, &g->mu);
		if (g->stop)
			break;
		pthread_mutex_unlock(&g->mu);
		e = b->zerr ? -1 : write_all(g->fd, b->z, b->z_len);
		if (e == 0) {
			g->crc = crc32_combine(g->crc, b->crc,
			    (z_off_t)b->in_len);
			g->total += b->in_len;
		}
		last = b->last;
		pthread_mutex_lock(&g->mu);
		if (e != 0) {
			if (e == -1)
				g->zerr = 1;
			else
				g->werrno = e;
			pthread_cond_broadcast(&g->free_cv);
			break;
		}
		g->ring[g->written % g->nring] = NULL;
		b->next = g->free;
		g->free = b;
		g->written++;
		pthread_cond_broadcast(&g->free_cv);
		if (last)
			break;
	}
	pthread_mutex_unlock(&g->mu);
	return NULL;
}

static int
gz_put_header(struct brul_out *out)
{
	struct gz *g = out->gz;
	/* No name, no time stamp: the bytes depend on the data alone. */
	unsigned char h[10] = { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3 };
	int e;

	if (g->header_done)
		return 0;
	h[8] = out->level == 9 ? 2 : out->level == 1 ? 4 : 0;
	if ((e = write_all(g->fd, h, sizeof(h))) != 0)
		return out_write_err(out, e);
	g->header_done = 1;
	return 0;
}

static int
gz_put_trailer(struct brul_out *out)
{
	struct gz *g = out->gz;
	unsigned char t[8];
	int e, i;

	for (i = 0; i < 4; i++) {
		t[i] = (unsigned char)(g->crc >> (8 * i));
		t[4 + i] = (unsigned char)(g->total >> (8 * i));
	}
	if ((e = write_all(g->fd, t, sizeof(t))) != 0)
		return out_write_err(out, e);
	return 0;
}

/* The dictionary of block b is the last DICT_SIZE bytes before it. */
static void
gz_prime(struct gz *g, struct blk *b)
{
	size_t keep;

	memcpy(b->dict, g->hist, g->hist_len);
	b->dict_len = g->hist_len;
	if (b->in_len >= DICT_SIZE) {
		memcpy(g->hist, b->in + b->in_len - DICT_SIZE, DICT_SIZE);
		g->hist_len = DICT_SIZE;
		return;
	}
	keep = DICT_SIZE - b->in_len;
	if (keep > g->hist_len)
		keep = g->hist_len;
	memmove(g->hist, g->hist + g->hist_len - keep, keep);
	memcpy(g->hist + keep, b->in, b->in_len);
	g->hist_len = keep + b->in_len;
}

static void
gz_stop(struct gz *g)
{
	int i;

	if (!g->started)
		return;
	pthread_mutex_lock(&g->mu);
	g->stop = 1;
	pthread_cond_broadcast(&g->work_cv);
	pthread_cond_broadcast(&g->done_cv);
	pthread_mutex_unlock(&g->mu);
	if (g->writer_live)
		pthread_join(g->writer, NULL);
	for (i = 0; i < g->nworkers; i++)
		pthread_join(g->workers[i], NULL);
	g->writer_live = 0;
	g->nworkers = 0;
	g->started = 0;
}

static int
gz_start(struct brul_out *out)
{
	struct gz *g = out->gz;
	int i;

	if (gz_put_header(out) == -1)
		return -1;
	if (g->workers == NULL &&
	    (g->workers = calloc((size_t)out->nthreads,
	    sizeof(*g->workers))) == NULL)
		return out_fail(out, NULL, "%s", "out of memory");
	g->started = 1;
	if (pthread_create(&g->writer, NULL, gz_writer, g) != 0) {
		g->started = 0;
		return out_fail(out, NULL, "%s", "cannot start a thread");
	}
	g->writer_live = 1;
	for (i = 0; i < out->nthreads; i++) {
		if (pthread_create(&g->workers[i], NULL, gz_worker, g) != 0)
			break;
		g->nworkers++;
	}
	if (g->nworkers == 0) {
		gz_stop(g);
		return out_fail(out, NULL, "%s", "cannot start a thread");
	}
	return 0;
}

static void
gz_submit(struct gz *g, struct blk *b)
{
	gz_prime(g, b);
	b->seq = g->next_seq++;
	b->done = 0;
	b->zerr = 0;
	b->next = NULL;
	pthread_mutex_lock(&g->mu);
	g->ring[b->seq % g->nring] = b;
	if (g->jobs_tail != NULL)
		g->jobs_tail->next = b;
	else
		g->jobs = b;
	g->jobs_tail = b;
	pthread_cond_signal(&g->work_cv);
	pthread_mutex_unlock(&g->mu);
}

static int
gz_thread_err(struct brul_out *out)
{
	struct gz *g = out->gz;

	if (g->werrno != 0)
		return out_write_err(out, g->werrno);
	return out_fail(out, NULL, "%s", "compression failed: out of memory");
}

/* A block for the producer to fill: a free one, a new one, or, when as many
 * exist as the ring holds, the next one the writer frees. */
static struct blk *
gz_take(struct brul_out *out)
{
	struct gz *g = out->gz;
	struct blk *b;

	pthread_mutex_lock(&g->mu);
	while (g->free == NULL && g->nblocks >= g->nring &&
	    g->werrno == 0 && !g->zerr)
		pthread_cond_wait(&g->free_cv, &g->mu);
	if (g->werrno != 0 || g->zerr) {
		pthread_mutex_unlock(&g->mu);
		gz_thread_err(out);
		return NULL;
	}
	if ((b = g->free) != NULL) {
		g->free = b->next;
		pthread_mutex_unlock(&g->mu);
		return b;
	}
	pthread_mutex_unlock(&g->mu);
	/* Only the producer adds blocks, so the count needs no lock. */
	if ((b = blk_new()) == NULL) {
		out_fail(out, NULL, "%s", "out of memory");
		return NULL;
	}
	g->all[g->nblocks++] = b;
	return b;
}

/* Compresses and writes b in the caller's thread: before the threads start,
 * small outputs and early flushes need none. */
static int
gz_inline(struct brul_out *out, struct blk *b)
{
	struct gz *g = out->gz;
	int e;

	if (gz_put_header(out) == -1)
		return -1;
	if (!g->zinit) {
		if (deflateInit2(&g->zs, out->level, Z_DEFLATED, -15, 8,
		    Z_DEFAULT_STRATEGY) != Z_OK)
			return out_fail(out, NULL, "%s", "out of memory");
		g->zinit = 1;
	}
	gz_prime(g, b);
	if (blk_deflate(&g->zs, b) == -1)
		return out_fail(out, NULL, "%s",
		    "compression failed: out of memory");
	if ((e = write_all(g->fd, b->z, b->z_len)) != 0)
		return out_write_err(out, e);
	g->crc = crc32_combine(g->crc, b->crc, (z_off_t)b->in_len);
	g->total += b->in_len;
	return 0;
}

/* The current block is full: hand BLK_SIZE bytes to the workers and carry
 * the rest into a fresh block, so that block boundaries depend on the byte
 * count alone. */
static void
gz_spill(struct brul_out *out)
{
	struct gz *g = out->gz;
	struct blk *cur = g->cur, *nb;
	size_t carry = out->len - BLK_SIZE;

	cur->in_len = BLK_SIZE;
	if (!g->started && gz_start(out) == -1)
		return;
	gz_submit(g, cur);
	g->cur = NULL;
	if ((nb = gz_take(out)) == NULL)
		return;
	/* nb may be cur itself, already written: its input is still there. */
	memmove(nb->in, cur->in + BLK_SIZE, carry);
	nb->last = 0;
	g->cur = nb;
	out->buf = (char *)nb->in;
	out->len = carry;
}

static int
gz_wait_written(struct brul_out *out)
{
	struct gz *g = out->gz;
	int bad;

	pthread_mutex_lock(&g->mu);
	while (g->written < g->next_seq && g->werrno == 0 && !g->zerr)
		pthread_cond_wait(&g->free_cv, &g->mu);
	bad = g->werrno != 0 || g->zerr;
	pthread_mutex_unlock(&g->mu);
	return bad ? gz_thread_err(out) : 0;
}

static int
gz_flush(struct brul_out *out)
{
	struct gz *g = out->gz;
	struct blk *cur = g->cur, *nb;

	cur->in_len = out->len;
	if (!g->started) {
		if (out->len == 0)
			return 0;
		out->len = 0;
		return gz_inline(out, cur);
	}
	if (out->len > 0) {
		gz_submit(g, cur);
		g->cur = NULL;
		if ((nb = gz_take(out)) == NULL)
			return -1;
		nb->last = 0;
		g->cur = nb;
		out->buf = (char *)nb->in;
		out->len = 0;
	}
	return gz_wait_written(out);
}

static int
gz_finish(struct brul_out *out)
{
	struct gz *g = out->gz;
	struct blk *cur = g->cur;

	cur->in_len = out->len;
	cur->last = 1;
	out->len = 0;
	if (!g->started) {
		if (gz_inline(out, cur) == -1)
			return -1;
	} else {
		gz_submit(g, cur);
		g->cur = NULL;
		if (gz_wait_written(out) == -1)
			return -1;
		gz_stop(g);
	}
	return gz_put_trailer(out);
}

static struct gz *
gz_new(int fd, int level, int nthreads)
{
	struct gz *g;

	if ((g = calloc(1, sizeof(*g))) == NULL)
		return NULL;
	g->fd = fd;
	g->level = level;
	g->nring = 2 * nthreads + 2;
	g->ring = calloc((size_t)g->nring, sizeof(*g->ring));
	g->all = calloc((size_t)g->nring, sizeof(*g->all));
	g->crc = crc32(0, NULL, 0);
	if (g->ring == NULL || g->all == NULL ||
	    (g->cur = blk_new()) == NULL) {
		free(g->ring);
		free(g->all);
		free(g);
		return NULL;
	}
	g->all[g->nblocks++] = g->cur;
	pthread_mutex_init(&g->mu, NULL);
	pthread_cond_init(&g->work_cv, NULL);
	pthread_cond_init(&g->done_cv, NULL);
	pthread_cond_init(&g->free_cv, NULL);
	return g;
}

static void
gz_free(struct gz *g)
{
	int i;

	if (g == NULL)
		return;
	gz_stop(g);
	for (i = 0; i < g->nblocks; i++)
		blk_free(g->all[i]);
	if (g->zinit)
		deflateEnd(&g->zs);
	pthread_mutex_destroy(&g->mu);
	pthread_cond_destroy(&g->work_cv);
	pthread_cond_destroy(&g->done_cv);
	pthread_cond_destroy(&g->free_cv);
	free(g->workers);
	free(g->ring);
	free(g->all);
	free(g);
}

static void
out_free(struct brul_out *out)
{
	if (out->gz != NULL)
		gz_free(out->gz);
	else
		free(out->buf);
	free(out->name);
	free(out->path);
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
	struct stat st;
	const char *name;
	int named, gzip;
	long ncpu;

	if (opts == NULL)
		opts = &defaults;
	named = path != NULL && strcmp(path, "-") != 0;
	name = named ? path : "<stdout>";
	gzip = opts->gzip || (named && has_gz_suffix(path));
	if ((out = calloc(1, sizeof(*out))) == NULL ||
	    (out->name = xstrdup(name)) == NULL) {
		free(out);
		brul_err_set(err, name, 0, 0, "out of memory");
		return NULL;
	}
	out->fd = STDOUT_FILENO;
	if (named) {
		out->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		    0666);
		if (out->fd == -1) {
			brul_err_set(err, name, 0, 0, "cannot create: %s",
			    strerror(errno));
			out_free(out);
			return NULL;
		}
		out->close_fd = 1;
		/* Only a regular file is ours to remove on failure: never
		 * unlink /dev/full or a named pipe. */
		if (fstat(out->fd, &st) == 0 && S_ISREG(st.st_mode) &&
		    (out->path = xstrdup(path)) == NULL)
			goto oom;
	}
	if (gzip && !opts->force_tty && isatty(out->fd)) {
		/* A terminal is not a file we created: nothing to remove. */
		brul_err_set(err, name, 0, 0, "refusing to write compressed "
		    "data to a terminal (use -o FILE or --force)");
		if (out->close_fd)
			close(out->fd);
		out_free(out);
		return NULL;
	}
	out->level = opts->level >= 1 && opts->level <= 9 ? opts->level : 6;
	out->nthreads = opts->threads;
	if (out->nthreads <= 0) {
		ncpu = sysconf(_SC_NPROCESSORS_ONLN);
		out->nthreads = ncpu > 0 ? (int)(ncpu < MAX_THREADS ? ncpu :
		    MAX_THREADS) : 1;
	}
	if (out->nthreads > MAX_THREADS)
		out->nthreads = MAX_THREADS;
	if (gzip) {
		if ((out->gz = gz_new(out->fd, out->level,
		    out->nthreads)) == NULL)
			goto oom;
		out->buf = (char *)out->gz->cur->in;
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

	e = write_all(out->fd, out->buf, out->len);
	out->len = 0;
	if (e != 0)
		out_write_err(out, e);
}

char *
brul_out_reserve(struct brul_out *out, size_t n, struct brul_err *err)
{
	if (out->failed) {
		out_report(out, err);
		return NULL;
	}
	if (n > BRUL_OUT_RESERVE_MAX) {
		out_fail(out, err, "%s", "internal error: reservation too large");
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
		gz_spill(out);
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
			gz_flush(out);
		else if (out->len > 0)
			plain_spill(out);
	}
	return out->failed ? out_report(out, err) : 0;
}

int
brul_out_close(struct brul_out *out, struct brul_err *err)
{
	int ret = 0;

	if (out == NULL)
		return 0;
	if (!out->failed) {
		if (out->gz != NULL)
			gz_finish(out);
		else if (out->len > 0)
			plain_spill(out);
	}
	if (out->gz != NULL)
		gz_stop(out->gz);
	/* Some file systems report write errors only at close. */
	if (out->close_fd && close(out->fd) == -1 && errno != EINTR &&
	    !out->failed)
		out_write_err(out, errno);
	if (out->failed) {
		if (err != NULL)
			*err = out->err;
		if (out->path != NULL)
			unlink(out->path);
		ret = -1;
	}
	out_free(out);
	return ret;
}

void
brul_out_abort(struct brul_out *out)
{
	if (out == NULL)
		return;
	if (out->gz != NULL)
		gz_stop(out->gz);
	if (out->close_fd)
		close(out->fd);
	if (out->path != NULL)
		unlink(out->path);
	out_free(out);
}

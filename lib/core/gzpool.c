/*
 * gzpool.c: gzip output compressed by a pool of threads (see streamint.h).
 *
 * As pigz does: the producer (output.c) fills fixed-size blocks, workers
 * deflate them independently (deflate.h: by ISA-L or zlib; each primed
 * with the 32 KiB of input before it and ended on a byte boundary with a
 * sync flush), and one writer thread puts them out in order, combining
 * the CRCs.  Block boundaries depend only on the bytes and the flush calls,
 * so the output does not depend on the number of threads.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/deflate.h"
#include "core/streamint.h"

#define DICT_SIZE	32768		/* deflate's window */

struct blk {
	struct blk *next;	/* in the job queue or the free list */
	unsigned char *in;	/* BLK_SIZE + BRUL_OUT_RESERVE_MAX bytes */
	size_t in_len;
	unsigned char dict[DICT_SIZE];
	size_t dict_len;
	unsigned char *z;	/* the compressed block */
	size_t z_cap, z_len;
	uint32_t crc;
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
	uint32_t crc;		/* of all input; the writer's (or, before */
	uint64_t total;		/* the threads start, the producer's) */
	unsigned char hist[DICT_SIZE];	/* last input bytes, for the dict */
	size_t hist_len;
	struct blk *cur;	/* the block the producer fills */
	int fd;
	int level;
	struct brul_deflate *d;	/* for blocks compressed before threads
				 * start */
};

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

/* One block deflated, primed with its dictionary, and its CRC. */
static int
blk_deflate(struct brul_deflate *d, struct blk *b)
{
	if (brul_deflate_block(d, b->dict, b->dict_len, b->in, b->in_len,
	    b->last, &b->z, &b->z_cap, &b->z_len) == -1)
		return -1;
	b->crc = brul_crc32(0, b->in, b->in_len);
	return 0;
}

static void *
gz_worker(void *arg)
{
	struct gz *g = arg;
	struct blk *b;
	struct brul_deflate *d = brul_deflate_new(g->level);
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
		b->zerr = d == NULL || blk_deflate(d, b) == -1;
		pthread_mutex_lock(&g->mu);
		b->done = 1;
		pthread_cond_signal(&g->done_cv);
	}
	pthread_mutex_unlock(&g->mu);
	brul_deflate_free(d);
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
		e = b->zerr ? -1 : brul_fd_write_all(g->fd, b->z, b->z_len);
		if (e == 0) {
			g->crc = brul_crc32_combine(g->crc, b->crc,
			    b->in_len);
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
	/* XFL: 2 for the smallest, 4 for the fastest. */
	h[8] = out->level == 9 ? 2 : out->level <= 3 ? 4 : 0;
	if ((e = brul_fd_write_all(g->fd, h, sizeof(h))) != 0)
		return brul_out_write_err(out, e);
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
	if ((e = brul_fd_write_all(g->fd, t, sizeof(t))) != 0)
		return brul_out_write_err(out, e);
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

void
brul_gz_stop(struct gz *g)
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
		return brul_out_fail(out, NULL, "%s", "out of memory");
	g->started = 1;
	if (pthread_create(&g->writer, NULL, gz_writer, g) != 0) {
		g->started = 0;
		return brul_out_fail(out, NULL, "%s", "cannot start a thread");
	}
	g->writer_live = 1;
	for (i = 0; i < out->nthreads; i++) {
		if (pthread_create(&g->workers[i], NULL, gz_worker, g) != 0)
			break;
		g->nworkers++;
	}
	if (g->nworkers == 0) {
		brul_gz_stop(g);
		return brul_out_fail(out, NULL, "%s", "cannot start a thread");
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
		return brul_out_write_err(out, g->werrno);
	return brul_out_fail(out, NULL, "%s",
	    "compression failed: out of memory");
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
		brul_out_fail(out, NULL, "%s", "out of memory");
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
	if (g->d == NULL && (g->d = brul_deflate_new(out->level)) == NULL)
		return brul_out_fail(out, NULL, "%s", "out of memory");
	gz_prime(g, b);
	if (blk_deflate(g->d, b) == -1)
		return brul_out_fail(out, NULL, "%s",
		    "compression failed: out of memory");
	if ((e = brul_fd_write_all(g->fd, b->z, b->z_len)) != 0)
		return brul_out_write_err(out, e);
	g->crc = brul_crc32_combine(g->crc, b->crc, b->in_len);
	g->total += b->in_len;
	return 0;
}

/* The current block is full: hand BLK_SIZE bytes to the workers and carry
 * the rest into a fresh block, so that block boundaries depend on the byte
 * count alone. */
void
brul_gz_spill(struct brul_out *out)
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

int
brul_gz_flush(struct brul_out *out)
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

int
brul_gz_finish(struct brul_out *out)
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
		brul_gz_stop(g);
	}
	return gz_put_trailer(out);
}

struct gz *
brul_gz_new(int fd, int level, int nthreads)
{
	struct gz *g;

	if ((g = calloc(1, sizeof(*g))) == NULL)
		return NULL;
	g->fd = fd;
	g->level = level;
	g->nring = 2 * nthreads + 2;
	g->ring = calloc((size_t)g->nring, sizeof(*g->ring));
	g->all = calloc((size_t)g->nring, sizeof(*g->all));
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

char *
brul_gz_buf(struct gz *g)
{
	return (char *)g->cur->in;
}

void
brul_gz_free(struct gz *g)
{
	int i;

	if (g == NULL)
		return;
	brul_gz_stop(g);
	for (i = 0; i < g->nblocks; i++)
		blk_free(g->all[i]);
	brul_deflate_free(g->d);
	pthread_mutex_destroy(&g->mu);
	pthread_cond_destroy(&g->work_cv);
	pthread_cond_destroy(&g->done_cv);
	pthread_cond_destroy(&g->free_cv);
	free(g->workers);
	free(g->ring);
	free(g->all);
	free(g);
}

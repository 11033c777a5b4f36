/*
 * readahead.c: a source run ahead by a thread (see readahead.h).
 *
 * A ring of NBUF buffers: the thread fills slot (head % NBUF) while the
 * reader empties slot (tail % NBUF); head - tail is how many are full.
 * The thread takes cancellation only while in the source, where it holds
 * no lock and nothing half-made matters: that is how free stops a thread
 * blocked in read(2).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/readahead.h"

#define NBUF		4
#define BUF_SIZE	(256 * 1024)

struct slot {
	unsigned char *p;
	ssize_t len;		/* bytes, 0 for the end, -1 for an error */
	struct brul_err err;
};

struct brul_readahead {
	pthread_mutex_t mu;
	pthread_cond_t full_cv;	/* a slot was filled */
	pthread_cond_t free_cv;	/* a slot was emptied, or stop */
	struct slot slot[NBUF];
	unsigned long head, tail;
	size_t pos;		/* the reader's place in slot tail */
	int stop;
	brul_readahead_source *src;
	void *arg;
	pthread_t thread;
};

static void *
ra_run(void *arg)
{
	struct brul_readahead *ra = arg;
	struct slot *s;
	int old;

	pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &old);
	for (;;) {
		pthread_mutex_lock(&ra->mu);
		while (!ra->stop && ra->head - ra->tail == NBUF)
			pthread_cond_wait(&ra->free_cv, &ra->mu);
		s = &ra->slot[ra->head % NBUF];
		if (ra->stop) {
			pthread_mutex_unlock(&ra->mu);
			break;
		}
		pthread_mutex_unlock(&ra->mu);
		pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, &old);
		s->len = ra->src(ra->arg, s->p, BUF_SIZE, &s->err);
		pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &old);
		pthread_mutex_lock(&ra->mu);
		ra->head++;
		pthread_cond_signal(&ra->full_cv);
		pthread_mutex_unlock(&ra->mu);
		if (s->len <= 0)
			break;
	}
	return NULL;
}

struct brul_readahead *
brul_readahead_new(brul_readahead_source *src, void *arg)
{
	struct brul_readahead *ra;
	int i;

	if ((ra = calloc(1, sizeof(*ra))) == NULL)
		return NULL;
	for (i = 0; i < NBUF; i++)
		if ((ra->slot[i].p = malloc(BUF_SIZE)) == NULL)
			goto fail;
	ra->src = src;
	ra->arg = arg;
	pthread_mutex_init(&ra->mu, NULL);
	pthread_cond_init(&ra->full_cv, NULL);
	pthread_cond_init(&ra->free_cv, NULL);
	if (pthread_create(&ra->thread, NULL, ra_run, ra) != 0) {
		pthread_mutex_destroy(&ra->mu);
		pthread_cond_destroy(&ra->full_cv);
		pthread_cond_destroy(&ra->free_cv);
		goto fail;
	}
	return ra;
fail:
	for (i = 0; i < NBUF; i++)
		free(ra->slot[i].p);
	free(ra);
	return NULL;
}

ssize_t
brul_readahead_read(struct brul_readahead *ra, void *buf, size_t n,
		    struct brul_err *err)
{
	struct slot *s;
	size_t k;

	pthread_mutex_lock(&ra->mu);
	while (ra->head == ra->tail)
		pthread_cond_wait(&ra->full_cv, &ra->mu);
	pthread_mutex_unlock(&ra->mu);
	/* Slot tail is the reader's until it moves tail on. */
	s = &ra->slot[ra->tail % NBUF];
	if (s->len <= 0) {
		/* The end, or the error, stays: repeated on every read. */
		if (s->len == -1 && err != NULL)
			*err = s->err;
		return s->len;
	}
	k = (size_t)s->len - ra->pos;
	if (k > n)
		k = n;
	memcpy(buf, s->p + ra->pos, k);
	ra->pos += k;
	if (ra->pos == (size_t)s->len) {
		ra->pos = 0;
		pthread_mutex_lock(&ra->mu);
		ra->tail++;
		pthread_cond_signal(&ra->free_cv);
		pthread_mutex_unlock(&ra->mu);
	}
	return (ssize_t)k;
}

void
brul_readahead_free(struct brul_readahead *ra)
{
	int i;

	if (ra == NULL)
		return;
	pthread_mutex_lock(&ra->mu);
	ra->stop = 1;
	pthread_cond_broadcast(&ra->free_cv);
	pthread_mutex_unlock(&ra->mu);
	/* A thread in the source may wait on a pipe for ever. */
	pthread_cancel(ra->thread);
	pthread_join(ra->thread, NULL);
	pthread_mutex_destroy(&ra->mu);
	pthread_cond_destroy(&ra->full_cv);
	pthread_cond_destroy(&ra->free_cv);
	for (i = 0; i < NBUF; i++)
		free(ra->slot[i].p);
	free(ra);
}

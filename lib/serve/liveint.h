/*
 * liveint.h: the live hub's insides (live.h), shared by live.c (the hub:
 * its thread, LISTEN/NOTIFY, the events sent out, keepalives, the users
 * checked) and liveclient.c (a stream's client: opening it within the
 * limits with what it missed, its queue, what libmicrohttpd reads of it,
 * the events as it is to get them).  Not for other files: live.h is the
 * API.
 *
 * The clients, the replay window and next_id are used with the hub's
 * mutex held, and so are the functions below but brul_live_wake; the
 * options are set before the thread starts, the watch is the thread's.
 */
#ifndef BRUL_LIVEINT_H
#define BRUL_LIVEINT_H

#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <time.h>

#include "core/sbuf.h"
#include "serve/live.h"
#include "serve/replay.h"

#define QUEUE_MAX (1u << 20)	/* bytes queued for one client */
#define SNDBUF (64 * 1024)	/* its socket's send buffer */
#define REPLAY_EVENTS 1024	/* the window: events kept */
#define REPLAY_BYTES (8u << 20)	/* and at most their size */
#define REPLAY_MAX (QUEUE_MAX / 2)	/* the most one client is replayed */

struct client {
	struct client *next;
	struct brul_live *hub;
	struct MHD_Connection *conn;
	int fd;				/* its socket; -1: unknown */
	unsigned long long id;		/* told apart from a later client */
	char site[129], battery[129];	/* filters; "" for none */
	unsigned char addr[16];		/* as limits count it */
	struct brul_claims who;		/* its token's */
	char *buf;
	size_t off, n, cap;
	int suspended;
	int closing;		/* 1: after what is queued; 2: at once */
	int placed;		/* it was given an id ... */
	unsigned long long seq;	/* ... this event's: the last given */
};

/* What the hub's thread polls: the wake pipe, the listening connection,
 * then the sockets of suspended clients (id: which client each is).
 * Made with room for WATCH_MIN, so that the first two always fit. */
#define WATCH_MIN 16
struct watch {
	struct pollfd *p;
	unsigned long long *id;
	size_t pcap, idcap, n;
};

struct brul_live {
	char *conninfo;
	int keepalive;			/* seconds between comments */
	int max_streams, per_user, per_addr;
	struct brul_prom *metrics;
	struct brul_denylist *deny;	/* NULL: none */
	atomic_uint *changes;
	atomic_uint *version;
	atomic_int *listening;
	pthread_t thread;
	int started;
	pthread_mutex_t mu;
	struct client *clients;
	unsigned long long next_id;
	int wake[2];			/* a pipe that interrupts the wait */
	atomic_int stop;
	atomic_int recheck;		/* a user was changed or tokens
					 * revoked: check them */
	struct watch watch;		/* the thread's */
	struct brul_replay replay;	/* the events' ids, the last ones */
};

/* Interrupts the hub's wait.  The pipe does not block: when it is full,
 * the thread is awake already. */
void brul_live_wake(struct brul_live *l);
/* Ends c's stream at once, with what is queued unsent. */
void brul_live_cut(struct client *c);
/* Appends text to c's queue and wakes its connection; a queue over
 * QUEUE_MAX (it does not read) ends the stream instead. */
void brul_live_queue(struct client *c, const char *s, size_t n);
/* Event e as c is to get it, appended to b; whether c's filters selected
 * any of it. */
int brul_live_render(const struct brul_live *l, const struct client *c,
		     const struct brul_replay_event *e, struct brul_sbuf *b);
/* Queues to c the id of the newest event, as a line of the block the
 * caller ends, when c has not had it. */
void brul_live_place(struct brul_live *l, struct client *c);

#endif

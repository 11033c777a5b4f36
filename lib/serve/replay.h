/*
 * replay.h: the live stream's event ids and its window of last events,
 * kept so that a client that comes back with Last-Event-ID gets what it
 * missed (live.h).
 *
 * Each event gets the next number, from 1, and its id is the run's key
 * and the number, "5f0c2a9e-42": a key drawn when the server starts tells
 * an id of this run from one of another run (or of another server),
 * whose numbers mean nothing here.  The window keeps the newest events,
 * at most max_events of them holding at most max_bytes, and holds every
 * event from brul_replay.first to brul_replay.seq: one too big for it, or
 * one it has no memory for, is numbered and not kept, and the window
 * then starts after it.
 *
 * An event is a name (telemetry, alert_opened ...) and items, each a JSON
 * text with the site and battery it is about, by which a client's filters
 * select it; an array event sends the items selected as one JSON array,
 * any other has one item.
 *
 * Ownership: struct brul_replay is the caller's storage, filled by
 * brul_replay_init and emptied by brul_replay_release.  What
 * brul_replay_add is given is copied; an event brul_replay_get returns
 * lives until the next brul_replay_add.
 */
#ifndef BRUL_REPLAY_H
#define BRUL_REPLAY_H

#include <stddef.h>

/* An id as the stream writes it, with its NUL: 8 hex digits, a dash,
 * at most 20 digits. */
#define BRUL_REPLAY_ID_MAX 32

struct brul_replay_item {
	const char *site, *battery;	/* NULL: any client's */
	const char *json;
};

struct brul_replay_event {
	unsigned long long seq;
	const char *name;
	int array;
	int n;
	const struct brul_replay_item *it;
};

struct brul_replay {
	unsigned key;			/* the run's */
	size_t max_events, max_bytes;
	struct brul_replay_event **ring; /* max_events; oldest at head */
	size_t head, n, bytes;
	unsigned long long seq;		/* the newest's number; 0: none */
	unsigned long long first;	/* every event from it on is held */
};

/* 0, or -1 out of memory. */
int brul_replay_init(struct brul_replay *r, unsigned key, size_t max_events,
		     size_t max_bytes);
void brul_replay_release(struct brul_replay *r);

/* Numbers event name with items it[0..n) and keeps a copy, dropping the
 * oldest to make room: its number. */
unsigned long long brul_replay_add(struct brul_replay *r, const char *name,
				   int array,
				   const struct brul_replay_item *it, int n);
/* Event seq, or NULL when the window does not hold it. */
const struct brul_replay_event *brul_replay_get(const struct brul_replay *r,
						unsigned long long seq);
/* Whether the window holds every event after seq (seq a number given). */
int brul_replay_since(const struct brul_replay *r, unsigned long long seq);

/* Event seq's id, into buf. */
void brul_replay_id(const struct brul_replay *r, unsigned long long seq,
		    char buf[BRUL_REPLAY_ID_MAX]);
/* The number of id, when it is an id this run gave (0: before any event):
 * 0 and *seq, or -1 (another run's, one not given yet, not an id). */
int brul_replay_parse(const struct brul_replay *r, const char *id,
		      unsigned long long *seq);

#endif

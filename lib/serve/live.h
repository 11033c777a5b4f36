/*
 * live.h: the live stream, /api/v1/stream: Server-Sent Events fed by
 * PostgreSQL's LISTEN/NOTIFY.
 *
 * One thread holds a connection of its own that LISTENs to the channels
 * brul-load notifies after each commit (brul_telemetry, brul_alerts,
 * brul_predictions).  On a notification it reads what the load brought,
 * once for every client (the latest reading per battery, the alert
 * events, the predictions of the range the notification names), and
 * queues to each client the part its filters (site, battery) select:
 * events telemetry, alert_opened, alert_updated, alert_cleared,
 * prediction.  A comment every keepalive (15 s by default) keeps
 * connections (and proxies) from timing out; a stream to which nothing
 * could be sent for two keepalives is closed.  A client whose token
 * expires gets an `expired` event and the end of its stream, and so does
 * one whose user was disabled or deleted (a `revoked` event): the users
 * of open streams are checked when an admin changes a user, and every
 * keepalive.
 *
 * A client's connection is suspended while it has nothing to send, so it
 * holds no thread; the hub's thread then watches its socket, and ends the
 * stream as soon as the client leaves.  Each client has its own queue of
 * at most 1 MiB (and a socket buffer of 64 KiB): one that does not read
 * is cut off, its socket shut down, when its queue is full, and never
 * slows the others.  Streams are limited in all, per user and per
 * address, so that no one takes the connections every other request
 * needs.
 *
 * Every event has an id (replay.h), and the hub keeps a window of the
 * last ones: a client that comes back with Last-Event-ID gets what it
 * missed, filtered as before, or a `reload` event when it cannot (the
 * window no longer holds it, it is too much, the id is of another run).
 * Every client is told the newest id when it opens and, when its filters
 * passed events by, with the keepalive.  Every client gets a `reload`
 * too when the hub may itself have missed notifications: after its
 * listening connection was lost (it is then reopened every 0.2 s), or
 * when it cannot read what a load brought.
 *
 * Ownership: brul_live_start returns a hub freed by brul_live_stop, after
 * the daemon has stopped; clients are freed with their responses.
 */
#ifndef BRUL_LIVE_H
#define BRUL_LIVE_H

#include <stdatomic.h>
#include <time.h>

#include "core/err.h"
#include "serve/denylist.h"
#include "serve/prometheus.h"

struct brul_live;
struct MHD_Connection;
struct MHD_Response;

/* What the hub is started with (brul-serve(1) gives the defaults). */
struct brul_live_opts {
	int keepalive;		/* seconds between comments, > 0 */
	int max_streams;	/* streams open at once, > 0 */
	int per_user;		/* of one user, > 0 */
	int per_addr;		/* from one address (IPv6: one /64), > 0 */
	struct brul_denylist *deny;	/* tokens revoked: their streams end;
					 * NULL: none */
	atomic_uint *version;	/* counted up at every change heard (any
				 * NOTIFY of brul-load), and when the
				 * listening connection is made or lost;
				 * NULL: none */
	atomic_int *listening;	/* 1 while changes are heard; NULL */
};

/* A client asking for a stream. */
struct brul_live_req {
	const struct brul_claims *who;	/* the token: user, id, expiry */
	const char *site, *battery;	/* filters; NULL: any */
	const char *last_id;		/* Last-Event-ID; NULL: none */
};

/* Why brul_live_open gave no stream. */
enum brul_live_refusal {
	BRUL_LIVE_NOMEM = 1,	/* out of memory */
	BRUL_LIVE_FULL,		/* max_streams are open */
	BRUL_LIVE_USER,		/* per_user are the user's */
	BRUL_LIVE_ADDR		/* per_addr are the address's */
};

/* changes, when not NULL, is counted up whenever brul-load commits
 * batteries or predictions (or the listening connection was lost, when a
 * change may have gone unseen): what the server remembers of them is then
 * stale. */
struct brul_live *brul_live_start(const char *conninfo,
				  const struct brul_live_opts *o,
				  struct brul_prom *m,
				  atomic_uint *changes,
				  struct brul_err *err);
/* A stream for the request q on conn: the response for the caller to
 * queue (it begins with a hello), or NULL with why and err (a message
 * for the client: the limit reached).  Streams on their way out do not
 * count against the limits.  The hub keeps the client until
 * libmicrohttpd frees the response. */
struct MHD_Response *brul_live_open(struct brul_live *l,
				    struct MHD_Connection *conn,
				    const struct brul_live_req *q,
				    enum brul_live_refusal *why,
				    struct brul_err *err);
/* A user was changed, or tokens revoked: the users and tokens of open
 * streams are checked at once. */
void brul_live_recheck(struct brul_live *l);
/* Ends every stream: each gets what is queued, then its end. */
void brul_live_close_all(struct brul_live *l);
void brul_live_stop(struct brul_live *l);

#endif

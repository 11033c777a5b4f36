/* live.c: see live.h. */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/grow.h"
#include "core/sbuf.h"
#include "db/db.h"
#include "db/pgjson.h"
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
	long long uid;			/* the token's user */
	time_t exp;			/* the token's */
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
	atomic_uint *changes;
	pthread_t thread;
	int started;
	pthread_mutex_t mu;
	struct client *clients;
	unsigned long long next_id;
	int wake[2];			/* a pipe that interrupts the wait */
	atomic_int stop;
	atomic_int recheck;		/* a user was changed: check them */
	struct watch watch;		/* the thread's */
	struct brul_replay replay;	/* the events' ids, the last ones */
};

/* Ends c's stream at once (with the hub locked), with what is queued
 * unsent: the client comes back with the id of the last event it got.
 * Its connection may wait for a socket that does not drain, so the
 * socket is shut down here, where the connection is known to be alive
 * (the client is freed before its socket is closed). */
static void
cut(struct client *c)
{
	c->closing = 2;
	c->off = c->n = 0;
	if (c->fd >= 0)
		shutdown(c->fd, SHUT_RDWR);
}

/* Appends text to c's queue (with the hub locked) and wakes its
 * connection; a queue over QUEUE_MAX (it does not read) ends the stream
 * instead. */
static void
queue(struct client *c, const char *s, size_t n)
{
	if (c->closing)
		return;
	if (c->n - c->off + n > QUEUE_MAX)
		cut(c);
	else {
		if (c->off > 0 && c->n + n > c->cap) {
			memmove(c->buf, c->buf + c->off, c->n - c->off);
			c->n -= c->off;
			c->off = 0;
		}
		if (brul_grow(&c->buf, &c->cap, c->n + n, 1) < 0)
			cut(c);
		else {
			memcpy(c->buf + c->n, s, n);
			c->n += n;
		}
	}
	if (c->suspended) {
		c->suspended = 0;
		MHD_resume_connection(c->conn);
	}
}

/* Interrupts the hub's wait.  The pipe does not block: when it is full,
 * the thread is awake already. */
static void
wake(struct brul_live *l)
{
	ssize_t w = write(l->wake[1], "x", 1);

	(void)w;
}

static ssize_t
reader(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct client *c = cls;
	struct brul_live *l = c->hub;
	size_t k;

	(void)pos;
	pthread_mutex_lock(&l->mu);
	if (c->closing == 2) {
		pthread_mutex_unlock(&l->mu);
		return MHD_CONTENT_READER_END_WITH_ERROR;
	}
	if (c->n > c->off) {
		k = c->n - c->off < max ? c->n - c->off : max;
		memcpy(buf, c->buf + c->off, k);
		c->off += k;
		if (c->off == c->n)
			c->off = c->n = 0;
		pthread_mutex_unlock(&l->mu);
		return (ssize_t)k;
	}
	if (c->closing) {
		pthread_mutex_unlock(&l->mu);
		return MHD_CONTENT_READER_END_OF_STREAM;
	}
	/* Nothing to send: hold no thread until there is.  The hub's
	 * thread now watches the socket, which libmicrohttpd no longer
	 * does, for the client leaving. */
	c->suspended = 1;
	MHD_suspend_connection(c->conn);
	wake(l);
	pthread_mutex_unlock(&l->mu);
	return 0;
}

static void
client_free(void *cls)
{
	struct client *c = cls;
	struct brul_live *l = c->hub;

	pthread_mutex_lock(&l->mu);
	for (struct client **p = &l->clients; *p; p = &(*p)->next)
		if (*p == c) {
			*p = c->next;
			break;
		}
	pthread_mutex_unlock(&l->mu);
	brul_prom_streams(l->metrics, -1);
	free(c->buf);
	free(c);
}

/* Whether c's filters select item it. */
static int
selects(const struct client *c, const struct brul_replay_item *it)
{
	return (it->site == NULL || c->site[0] == '\0' ||
	    strcmp(c->site, it->site) == 0) && (it->battery == NULL ||
	    c->battery[0] == '\0' || strcmp(c->battery, it->battery) == 0);
}

/* Event e as c is to get it, appended to b: the items its filters
 * select, as one JSON array (an array event) or as the event's one item,
 * under the event's id.  Whether it selected any. */
static int
render(const struct brul_live *l, const struct client *c,
       const struct brul_replay_event *e, struct brul_sbuf *b)
{
	char id[BRUL_REPLAY_ID_MAX];
	int k = 0;

	brul_replay_id(&l->replay, e->seq, id);
	for (int i = 0; i < e->n; i++) {
		if (!selects(c, &e->it[i]))
			continue;
		if (k++ == 0 || !e->array)
			brul_sbuf_fmt(b, "id: %s\nevent: %s\ndata: %s", id,
			    e->name, e->array ? "[" : "");
		else
			brul_sbuf_add(b, ",", 1);
		brul_sbuf_str(b, e->it[i].json);
		if (!e->array)
			brul_sbuf_add(b, "\n\n", 2);
	}
	if (e->array && k > 0)
		brul_sbuf_add(b, "]\n\n", 3);
	return k > 0;
}

/* Numbers event name (items it[0..n)), keeps it for replay and queues it
 * to each client whose filters select some of it.  One step under the
 * lock, so that a client opening meanwhile gets it once: by replay, or
 * here. */
static void
broadcast(struct brul_live *l, const char *name, int array,
	  const struct brul_replay_item *it, int n)
{
	struct brul_replay_event e = { 0, name, array, n, it };
	struct brul_sbuf b = { 0 };

	pthread_mutex_lock(&l->mu);
	e.seq = brul_replay_add(&l->replay, name, array, it, n);
	for (struct client *c = l->clients; c; c = c->next) {
		b.n = 0;
		b.oom = 0;
		if (c->closing || !render(l, c, &e, &b))
			continue;
		if (b.oom) {
			cut(c);		/* rather than a gap it cannot see */
			continue;
		}
		queue(c, b.s, b.n);
		c->seq = e.seq;
		c->placed = 1;
	}
	pthread_mutex_unlock(&l->mu);
	free(b.s);
}

/* Tells every client to reload: events may have been missed here. */
static void
missed(struct brul_live *l)
{
	struct brul_replay_item it = { NULL, NULL, "{\"reason\":\"missed\"}" };

	broadcast(l, "reload", 0, &it, 1);
}

/* What a notification on channel brings, read once and sent out.  Each
 * statement gives the site and battery a row answers to, then the row. */
static void
notified(struct brul_live *l, struct brul_db *db, const char *channel,
	 const char *payload)
{
	static const char tele[] =
	    "SELECT b.site_id, t.battery_id, t.battery_id, b.site_id, t.ts, "
	    "t.voltage_v, t.current_a, t.temperature_c, t.resistance_mohm "
	    "FROM (SELECT DISTINCT ON (battery_id) * FROM telemetry "
	    "  WHERE ts >= greatest($1::timestamptz, $2::timestamptz - "
	    "  interval '1 hour') AND ts <= $2::timestamptz "
	    "  ORDER BY battery_id, ts DESC) t JOIN batteries b USING "
	    "(battery_id) ORDER BY t.battery_id";
	static const char alerts[] =
	    "SELECT coalesce(site_id, ''), coalesce(battery_id, ''), "
	    "alert_id, ts, event, kind, severity, site_id, string_id, "
	    "battery_id, value, threshold, message FROM alert_events "
	    "WHERE ts >= $1::timestamptz AND ts <= $2::timestamptz "
	    "ORDER BY ts, alert_id LIMIT 10000";
	static const char preds[] =
	    "SELECT b.site_id, p.battery_id, p.battery_id, b.site_id, p.date, "
	    "p.rul_days, p.rul_p10_days, p.rul_p90_days, p.p_fail_30d, "
	    "p.p_fail_90d, p.p_fail_180d, p.risk, p.model_id FROM predictions "
	    "p JOIN batteries b USING (battery_id) WHERE p.date >= $1::date "
	    "AND p.date <= $2::date ORDER BY p.battery_id, p.date LIMIT 10000";
	const char *sql, *v[2];
	json_t *o = json_loads(payload, 0, NULL), *from, *to;
	struct brul_sbuf js = { 0 };
	struct brul_replay_item *it;
	struct brul_err err;
	PGresult *res = NULL;
	size_t *at;
	int n;

	if (o == NULL)
		return;
	from = json_object_get(o, "from");
	to = json_object_get(o, "to");
	if (!json_is_string(from) || !json_is_string(to)) {
		json_decref(o);
		return;
	}
	v[0] = json_string_value(from);
	v[1] = json_string_value(to);
	sql = strcmp(channel, "brul_telemetry") == 0 ? tele :
	    strcmp(channel, "brul_alerts") == 0 ? alerts : preds;
	res = brul_db_query(db, sql, 2, v, &err);
	json_decref(o);
	if (res == NULL) {
		/* What the load brought cannot be sent: say so, unless the
		 * connection is lost, when the next one says it. */
		if (PQstatus(brul_db_conn(db)) == CONNECTION_OK)
			missed(l);
		return;
	}
	if ((n = PQntuples(res)) == 0) {
		PQclear(res);
		return;
	}
	it = calloc((size_t)n, sizeof *it);
	at = calloc((size_t)n + 1, sizeof *at);
	/* Each row's JSON once, NUL-separated in one buffer. */
	for (int i = 0; i < n && it && at; i++) {
		at[i] = js.n;
		brul_pgjson_object(&js, res, i, 2);
		brul_sbuf_add(&js, "", 1);
	}
	if (it == NULL || at == NULL || js.oom)
		missed(l);	/* nothing to send, rather than half */
	else {
		for (int i = 0; i < n; i++) {
			it[i].site = PQgetvalue(res, i, 0);
			it[i].battery = PQgetvalue(res, i, 1);
			it[i].json = js.s + at[i];
		}
		if (sql == tele)
			broadcast(l, "telemetry", 1, it, n);
		else if (sql == preds)
			broadcast(l, "prediction", 1, it, n);
		else
			for (int i = 0; i < n; i++) {
				const char *e = PQgetvalue(res, i, 4);

				broadcast(l, strcmp(e, "open") == 0 ?
				    "alert_opened" : strcmp(e, "update") == 0 ?
				    "alert_updated" : "alert_cleared", 0,
				    &it[i], 1);
			}
	}
	free(js.s);
	free(at);
	free(it);
	PQclear(res);
}

/* Queues to c (with the hub locked) the id of the newest event, as a
 * line of the block the caller ends, when c has not had it: every event
 * up to it that c's filters select is queued already, so that a client
 * that comes back from there misses nothing, and a filtered client's id
 * does not fall out of the window. */
static void
place(struct brul_live *l, struct client *c)
{
	char id[BRUL_REPLAY_ID_MAX], line[BRUL_REPLAY_ID_MAX + 8];

	if (c->placed && c->seq == l->replay.seq)
		return;
	brul_replay_id(&l->replay, l->replay.seq, id);
	queue(c, line, (size_t)snprintf(line, sizeof line, "id: %s\n", id));
	c->seq = l->replay.seq;
	c->placed = 1;
}

/* Comments to every client, with the newest id; the end for those whose
 * token expired. */
static void
keepalive(struct brul_live *l, time_t now)
{
	static const char ping[] = ": keepalive\n\n";
	static const char gone[] = "event: expired\ndata: {}\n\n";

	pthread_mutex_lock(&l->mu);
	for (struct client *c = l->clients; c; c = c->next)
		if (c->exp && now >= c->exp) {
			queue(c, gone, sizeof gone - 1);
			c->closing = 1;
		} else {
			place(l, c);
			queue(c, ping, sizeof ping - 1);
		}
	pthread_mutex_unlock(&l->mu);
}

/* The client's address as limits count it: an IPv4 address (mapped into
 * IPv6), or the /64 of an IPv6 one, which one holder has whole. */
static void
client_addr(struct MHD_Connection *conn, unsigned char a[16])
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn,
	    MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;

	memset(a, 0, 16);
	if (sa && sa->sa_family == AF_INET) {
		a[10] = a[11] = 0xff;
		memcpy(a + 12, &((const struct sockaddr_in *)sa)->sin_addr, 4);
	} else if (sa && sa->sa_family == AF_INET6) {
		const struct in6_addr *in =
		    &((const struct sockaddr_in6 *)sa)->sin6_addr;

		memcpy(a, in, IN6_IS_ADDR_V4MAPPED(in) ? 16 : 8);
	}
}

/* Whether c may open beside the streams open (with the hub locked):
 * 0, or why not, with the message. */
static int
client_allowed(struct brul_live *l, const struct client *c,
	       struct brul_err *err)
{
	int all = 0, user = 0, addr = 0;

	for (const struct client *o = l->clients; o; o = o->next) {
		if (o->closing)
			continue;
		all++;
		user += o->uid == c->uid;
		addr += memcmp(o->addr, c->addr, sizeof c->addr) == 0;
	}
	if (user >= l->per_user) {
		brul_err_set(err, NULL, 0, 0, "at most %d live streams per "
		    "user: close one first", l->per_user);
		return BRUL_LIVE_USER;
	}
	if (addr >= l->per_addr) {
		brul_err_set(err, NULL, 0, 0, "at most %d live streams from "
		    "one address: close one first", l->per_addr);
		return BRUL_LIVE_ADDR;
	}
	if (all >= l->max_streams) {
		brul_err_set(err, NULL, 0, 0, "the server has its %d live "
		    "streams open: try again later", l->max_streams);
		return BRUL_LIVE_FULL;
	}
	return 0;
}

/* What c missed since event from, queued to it (with the hub locked): 0,
 * or -1 when the window no longer holds it all, or it is more than
 * REPLAY_MAX bytes (it would leave no room in the queue). */
static int
replay(struct brul_live *l, struct client *c, unsigned long long from)
{
	struct brul_sbuf b = { 0 };
	unsigned long long last = from;

	if (!brul_replay_since(&l->replay, from))
		return -1;
	for (unsigned long long s = from + 1; s <= l->replay.seq &&
	    !b.oom && b.n <= REPLAY_MAX; s++) {
		const struct brul_replay_event *e = brul_replay_get(&l->replay,
		    s);

		if (e && render(l, c, e, &b))
			last = s;
	}
	if (b.oom || b.n > REPLAY_MAX) {
		free(b.s);
		return -1;
	}
	if (b.n > 0)
		queue(c, b.s, b.n);
	free(b.s);
	c->seq = last;
	return 0;
}

/* Tells c (with the hub locked) to reload what it shows, why, under the
 * newest id. */
static void
reload(struct brul_live *l, struct client *c, const char *why)
{
	char id[BRUL_REPLAY_ID_MAX];
	struct brul_sbuf b = { 0 };

	brul_replay_id(&l->replay, l->replay.seq, id);
	brul_sbuf_fmt(&b, "id: %s\nevent: reload\ndata: {\"reason\":\"%s\"}"
	    "\n\n", id, why);
	if (b.oom)
		cut(c);
	else
		queue(c, b.s, b.n);
	free(b.s);
	c->seq = l->replay.seq;
	c->placed = 1;
}

struct MHD_Response *
brul_live_open(struct brul_live *l, struct MHD_Connection *conn,
	       const struct brul_live_req *q, enum brul_live_refusal *why,
	       struct brul_err *err)
{
	static const char hello[] = "retry: 3000\n: brul live stream\n\n";
	const union MHD_ConnectionInfo *ci;
	struct MHD_Response *resp = NULL;
	unsigned long long from;
	struct client *c;
	int no;

	if ((c = calloc(1, sizeof *c)) == NULL) {
		*why = BRUL_LIVE_NOMEM;
		brul_err_set(err, NULL, 0, 0, "out of memory");
		return NULL;
	}
	c->hub = l;
	c->conn = conn;
	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	c->fd = ci ? ci->connect_fd : -1;
	client_addr(conn, c->addr);
	c->uid = q->uid;
	c->exp = q->exp;
	snprintf(c->site, sizeof c->site, "%s", q->site ? q->site : "");
	snprintf(c->battery, sizeof c->battery, "%s",
	    q->battery ? q->battery : "");
	/* Counted and added in one step, so that two clients at once cannot
	 * both take the last place, and in the same step as what it missed
	 * is queued, so that it gets each event once. */
	pthread_mutex_lock(&l->mu);
	if ((no = client_allowed(l, c, err)) == 0 &&
	    (resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 16384,
	    reader, c, client_free)) == NULL) {
		no = BRUL_LIVE_NOMEM;
		brul_err_set(err, NULL, 0, 0, "out of memory");
	}
	if (no) {
		pthread_mutex_unlock(&l->mu);
		*why = no;
		free(c);
		return NULL;
	}
	c->id = ++l->next_id;
	queue(c, hello, sizeof hello - 1);
	if (q->last_id && *q->last_id) {
		if (brul_replay_parse(&l->replay, q->last_id, &from) < 0)
			reload(l, c, "unknown_id");
		else {
			/* The browser keeps the id it was last given. */
			c->placed = 1;
			c->seq = from;
			if (replay(l, c, from) < 0)
				reload(l, c, "window");
		}
	}
	if (!c->placed || c->seq != l->replay.seq) {
		place(l, c);
		queue(c, "\n", 1);
	}
	c->next = l->clients;
	l->clients = c;
	pthread_mutex_unlock(&l->mu);
	brul_prom_streams(l->metrics, 1);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
	    "text/event-stream");
	MHD_add_response_header(resp, "X-Accel-Buffering", "no");
	/* The kernel's part of what a client that does not read pins: left
	 * to itself, the buffer grows to megabytes before the queue above
	 * even begins to fill. */
	if (c->fd >= 0)
		setsockopt(c->fd, SOL_SOCKET, SO_SNDBUF, &(int){ SNDBUF },
		    sizeof(int));
	/* Not 0 (never): a keepalive goes out every l->keepalive seconds,
	 * so a connection that took nothing for two of them is not
	 * reading, or not there. */
	MHD_set_connection_option(conn, MHD_CONNECTION_OPTION_TIMEOUT,
	    (unsigned)l->keepalive * 2);
	return resp;
}

/* Ends the streams of users disabled or deleted since they opened them
 * (a change of role does not matter: every role may read the stream).
 * One query for all of them; on a database error nothing is ended. */
static void
check_users(struct brul_live *l, struct brul_db *db)
{
	static const char gone[] = "event: revoked\ndata: {}\n\n";
	static const char sql[] = "SELECT user_id FROM users WHERE user_id = "
	    "ANY ($1::bigint[]) AND active";
	struct brul_sbuf ids = { 0 };
	struct brul_err err;
	const char *v[1];
	PGresult *res;

	brul_sbuf_str(&ids, "{");
	pthread_mutex_lock(&l->mu);
	for (struct client *c = l->clients; c; c = c->next)
		brul_sbuf_fmt(&ids, "%s%lld", ids.n > 1 ? "," : "", c->uid);
	pthread_mutex_unlock(&l->mu);
	brul_sbuf_str(&ids, "}");
	v[0] = ids.s;
	if (ids.oom || ids.n == 2 ||
	    (res = brul_db_query(db, sql, 1, v, &err)) == NULL) {
		free(ids.s);
		return;
	}
	pthread_mutex_lock(&l->mu);
	for (struct client *c = l->clients; c; c = c->next) {
		int active = 0;

		for (int i = 0; i < PQntuples(res) && !active; i++)
			active = strtoll(PQgetvalue(res, i, 0), NULL, 10) ==
			    c->uid;
		if (!active && c->closing == 0) {
			queue(c, gone, sizeof gone - 1);
			c->closing = 1;
		}
	}
	pthread_mutex_unlock(&l->mu);
	PQclear(res);
	free(ids.s);
}

void
brul_live_recheck(struct brul_live *l)
{
	if (l == NULL)
		return;
	atomic_store(&l->recheck, 1);
	wake(l);
}

static struct brul_db *
listen_db(struct brul_live *l)
{
	struct brul_err err;
	struct brul_db *db = brul_db_open(l->conninfo, "brul-serve live",
	    &err);

	if (db && brul_db_exec(db, "LISTEN brul_telemetry; LISTEN brul_alerts; "
	    "LISTEN brul_predictions; LISTEN brul_batteries", &err) < 0) {
		brul_db_close(db);
		db = NULL;
	}
	return db;
}

/* Fills w with the pipe, the database's socket (fd -1: none) and the
 * suspended clients' sockets, for the peer's end (POLLRDHUP, not POLLIN:
 * a byte a client sends must not keep the poll awake).  Out of memory,
 * the clients are left out (a keepalive then finds those that left). */
static void
watch_fill(struct brul_live *l, struct watch *w, int dbfd)
{
	size_t n = 2;

	w->p[0] = (struct pollfd){ l->wake[0], POLLIN, 0 };
	w->p[1] = (struct pollfd){ dbfd, POLLIN, 0 };
	w->n = 2;
	pthread_mutex_lock(&l->mu);
	for (struct client *c = l->clients; c; c = c->next)
		n += c->suspended && c->fd >= 0;
	if (brul_grow(&w->p, &w->pcap, n, sizeof *w->p) == 0 &&
	    brul_grow(&w->id, &w->idcap, n, sizeof *w->id) == 0)
		for (struct client *c = l->clients; c; c = c->next)
			if (c->suspended && c->fd >= 0) {
				w->p[w->n] = (struct pollfd){ c->fd, POLLRDHUP,
				    0 };
				w->id[w->n++] = c->id;
			}
	pthread_mutex_unlock(&l->mu);
}

/* The clients whose peer left while suspended: ended now, rather than
 * when a keepalive fails to reach them.  A client is found by id, so
 * that a socket closed and its number reused since the poll began is
 * never taken for another's. */
static void
watch_ended(struct brul_live *l, const struct watch *w)
{
	pthread_mutex_lock(&l->mu);
	for (size_t i = 2; i < w->n; i++) {
		if (w->p[i].revents == 0)
			continue;
		for (struct client *c = l->clients; c; c = c->next)
			if (c->id == w->id[i]) {
				if (c->suspended) {
					c->closing = 2;
					c->suspended = 0;
					MHD_resume_connection(c->conn);
				}
				break;
			}
	}
	pthread_mutex_unlock(&l->mu);
}

static void *
run(void *arg)
{
	struct brul_live *l = arg;
	struct brul_db *db = NULL;
	struct watch *w = &l->watch;
	time_t last = time(NULL);
	int lost = 0;		/* there was no LISTEN for a while */

	while (!atomic_load(&l->stop)) {
		PGnotify *nt;
		time_t now;

		if (db == NULL || PQstatus(brul_db_conn(db)) != CONNECTION_OK) {
			lost |= db != NULL;
			brul_db_close(db);
			if ((db = listen_db(l)) == NULL)
				lost = 1;
			else {
				if (l->changes)
					atomic_fetch_add(l->changes, 1);
				/* A commit before the LISTEN notified no one;
				 * one after it is heard.  What a client reads
				 * once it has this event has them all. */
				if (lost)
					missed(l);
				lost = 0;
			}
		}
		watch_fill(l, w, db ? PQsocket(brul_db_conn(db)) : -1);
		/* Without a listening connection, try again soon: each
		 * moment without one costs every client a reload. */
		if (poll(w->p, w->n, db ? 1000 : 200) < 0 && errno != EINTR)
			break;
		if (w->p[0].revents) {
			char junk[64];

			while (read(l->wake[0], junk, sizeof junk) > 0)
				;
		}
		watch_ended(l, w);
		if (db && w->p[1].revents) {
			if (!PQconsumeInput(brul_db_conn(db))) {
				brul_db_close(db);	/* reopened above */
				db = NULL;
				lost = 1;
				continue;
			}
		}
		if (db && atomic_exchange(&l->recheck, 0))
			check_users(l, db);
		if ((now = time(NULL)) - last >= l->keepalive) {
			keepalive(l, now);
			if (db)
				check_users(l, db);
			last = now;
		}
		/* Also what arrived while this thread ran its own queries:
		 * libpq holds those without the socket saying so again. */
		while (db && (nt = PQnotifies(brul_db_conn(db))) != NULL) {
			if (l->changes &&
			    (strcmp(nt->relname, "brul_batteries") == 0 ||
			    strcmp(nt->relname, "brul_predictions") == 0))
				atomic_fetch_add(l->changes, 1);
			if (strcmp(nt->relname, "brul_batteries") != 0)
				notified(l, db, nt->relname, nt->extra);
			PQfreemem(nt);
		}
	}
	brul_db_close(db);
	return NULL;
}

struct brul_live *
brul_live_start(const char *conninfo, const struct brul_live_opts *o,
		struct brul_prom *m, atomic_uint *changes, struct brul_err *err)
{
	struct brul_live *l = calloc(1, sizeof *l);
	unsigned key;

	if (l == NULL) {
		brul_err_set(err, NULL, 0, 0, "out of memory");
		return NULL;
	}
	l->keepalive = o->keepalive;
	l->max_streams = o->max_streams;
	l->per_user = o->per_user;
	l->per_addr = o->per_addr;
	l->wake[0] = l->wake[1] = -1;
	pthread_mutex_init(&l->mu, NULL);
	l->metrics = m;
	l->changes = changes;
	if (o->keepalive <= 0 || o->max_streams <= 0 || o->per_user <= 0 ||
	    o->per_addr <= 0) {
		brul_live_stop(l);
		brul_err_set(err, NULL, 0, 0, "the live streams' keepalive "
		    "and limits must be positive");
		return NULL;
	}
	/* The run's key, in every event id: an id from before a restart is
	 * not taken for one of this run. */
	if (getrandom(&key, sizeof key, 0) != sizeof key)
		key = (unsigned)time(NULL) ^ (unsigned)getpid() << 16;
	if ((conninfo && (l->conninfo = strdup(conninfo)) == NULL) ||
	    pipe2(l->wake, O_NONBLOCK | O_CLOEXEC) < 0 ||
	    brul_grow(&l->watch.p, &l->watch.pcap, WATCH_MIN,
	    sizeof *l->watch.p) < 0 ||
	    brul_replay_init(&l->replay, key, REPLAY_EVENTS,
	    REPLAY_BYTES) < 0) {
		brul_live_stop(l);
		brul_err_set(err, NULL, 0, 0, "out of memory");
		return NULL;
	}
	if (pthread_create(&l->thread, NULL, run, l) != 0) {
		brul_live_stop(l);
		brul_err_set(err, NULL, 0, 0, "cannot start a thread");
		return NULL;
	}
	l->started = 1;
	return l;
}

void
brul_live_close_all(struct brul_live *l)
{
	if (l == NULL)
		return;
	pthread_mutex_lock(&l->mu);
	for (struct client *c = l->clients; c; c = c->next) {
		if (c->closing == 0)
			c->closing = 1;
		if (c->suspended) {
			c->suspended = 0;
			MHD_resume_connection(c->conn);
		}
	}
	pthread_mutex_unlock(&l->mu);
}

void
brul_live_stop(struct brul_live *l)
{
	if (l == NULL)
		return;
	atomic_store(&l->stop, 1);
	if (l->started) {
		wake(l);	/* failing, the thread wakes within a second */
		pthread_join(l->thread, NULL);
	}
	if (l->wake[0] >= 0)
		close(l->wake[0]);
	if (l->wake[1] >= 0)
		close(l->wake[1]);
	pthread_mutex_destroy(&l->mu);
	free(l->watch.p);
	free(l->watch.id);
	brul_replay_release(&l->replay);
	free(l->conninfo);
	free(l);
}

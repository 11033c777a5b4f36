/* liveclient.c: a live stream's client (liveint.h). */
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/grow.h"
#include "core/sbuf.h"
#include "serve/liveint.h"
#include "serve/replay.h"

/* Ends c's stream at once (with the hub locked), with what is queued
 * unsent: the client comes back with the id of the last event it got.
 * Its connection may wait for a socket that does not drain, so the
 * socket is shut down here, where the connection is known to be alive
 * (the client is freed before its socket is closed). */
void
brul_live_cut(struct client *c)
{
	c->closing = 2;
	c->off = c->n = 0;
	if (c->fd >= 0)
		shutdown(c->fd, SHUT_RDWR);
}

/* Appends text to c's queue (with the hub locked) and wakes its
 * connection; a queue over QUEUE_MAX (it does not read) ends the stream
 * instead. */
void
brul_live_queue(struct client *c, const char *s, size_t n)
{
	if (c->closing)
		return;
	if (c->n - c->off + n > QUEUE_MAX)
		brul_live_cut(c);
	else {
		if (c->off > 0 && c->n + n > c->cap) {
			memmove(c->buf, c->buf + c->off, c->n - c->off);
			c->n -= c->off;
			c->off = 0;
		}
		if (brul_grow(&c->buf, &c->cap, c->n + n, 1) < 0)
			brul_live_cut(c);
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
	brul_live_wake(l);
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
int
brul_live_render(const struct brul_live *l, const struct client *c,
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

/* Queues to c (with the hub locked) the id of the newest event, as a
 * line of the block the caller ends, when c has not had it: every event
 * up to it that c's filters select is queued already, so that a client
 * that comes back from there misses nothing, and a filtered client's id
 * does not fall out of the window. */
void
brul_live_place(struct brul_live *l, struct client *c)
{
	char id[BRUL_REPLAY_ID_MAX], line[BRUL_REPLAY_ID_MAX + 8];

	if (c->placed && c->seq == l->replay.seq)
		return;
	brul_replay_id(&l->replay, l->replay.seq, id);
	brul_live_queue(c, line, (size_t)snprintf(line, sizeof line,
	    "id: %s\n", id));
	c->seq = l->replay.seq;
	c->placed = 1;
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
		user += o->who.user_id == c->who.user_id;
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

		if (e && brul_live_render(l, c, e, &b))
			last = s;
	}
	if (b.oom || b.n > REPLAY_MAX) {
		free(b.s);
		return -1;
	}
	if (b.n > 0)
		brul_live_queue(c, b.s, b.n);
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
		brul_live_cut(c);
	else
		brul_live_queue(c, b.s, b.n);
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
	c->who = *q->who;
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
	brul_live_queue(c, hello, sizeof hello - 1);
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
		brul_live_place(l, c);
		brul_live_queue(c, "\n", 1);
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

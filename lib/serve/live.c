/* live.c: see live.h; the hub (liveint.h). */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <microhttpd.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "core/grow.h"
#include "core/sbuf.h"
#include "db/db.h"
#include "db/pgjson.h"
#include "serve/liveint.h"
#include "serve/replay.h"

void
brul_live_wake(struct brul_live *l)
{
	ssize_t w = write(l->wake[1], "x", 1);

	(void)w;
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
		if (c->closing || !brul_live_render(l, c, &e, &b))
			continue;
		if (b.oom) {
			/* Rather than a gap it cannot see. */
			brul_live_cut(c);
			continue;
		}
		brul_live_queue(c, b.s, b.n);
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

/* The rows of results res[0..nres) sent out as event kind, one event of
 * them all (or, kind NULL, alert events one by one): each row's site and
 * battery, then the row (from column 2). */
static void
send_rows(struct brul_live *l, const char *kind, PGresult **res, int nres)
{
	struct brul_sbuf js = { 0 };
	struct brul_replay_item *it;
	size_t *at;
	int n = 0, k = 0;

	for (int r = 0; r < nres; r++)
		n += PQntuples(res[r]);
	if (n == 0)
		return;
	it = calloc((size_t)n, sizeof *it);
	at = calloc((size_t)n + 1, sizeof *at);
	/* Each row's JSON once, NUL-separated in one buffer. */
	for (int r = 0; r < nres && it && at; r++)
		for (int i = 0; i < PQntuples(res[r]); i++) {
			at[k++] = js.n;
			brul_pgjson_object(&js, res[r], i, 2);
			brul_sbuf_add(&js, "", 1);
		}
	if (it == NULL || at == NULL || js.oom) {
		missed(l);	/* nothing to send, rather than half */
	} else {
		k = 0;
		for (int r = 0; r < nres; r++)
			for (int i = 0; i < PQntuples(res[r]); i++, k++) {
				it[k].site = PQgetvalue(res[r], i, 0);
				it[k].battery = PQgetvalue(res[r], i, 1);
				it[k].json = js.s + at[k];
			}
		if (kind)
			broadcast(l, kind, 1, it, n);
		else
			for (int i = 0; i < n; i++) {
				const char *e = PQgetvalue(res[0], i, 4);

				broadcast(l, strcmp(e, "open") == 0 ?
				    "alert_opened" : strcmp(e, "update") == 0 ?
				    "alert_updated" : "alert_cleared", 0,
				    &it[i], 1);
			}
	}
	free(js.s);
	free(at);
	free(it);
}

/* What a notification on channel brings, read once and sent out.  Each
 * statement gives the site and battery a row answers to, then the row.
 * Telemetry is read site by site, each site's from its own server (a
 * shard's, brul-scale(7)): a shard down leaves the other sites' news.
 * The sites are those the payload names (a load through a coordinator
 * tells its own sites' rows and the shards' apart), else all. */
static void
notified(struct brul_live *l, struct brul_db *db, const char *channel,
	 const char *payload)
{
	/* Each block's latest reading by the (battery_id, ts) key, block
	 * by block: telemetry has no index on the time alone, and a scan
	 * of a month's rows per site kept the news 1.5 s behind the load
	 * (a block moved within the hour is left to the next load).  The
	 * bounds apart, not greatest(): a shard is sent only conditions
	 * on plain values, and the hour before $2 is not one. */
	static const char tele[] =
	    "SELECT b.site_id, b.battery_id, b.battery_id, b.site_id, t.ts, "
	    "t.voltage_v, t.current_a, t.temperature_c, t.resistance_mohm "
	    "FROM batteries b CROSS JOIN LATERAL (SELECT ts, voltage_v, "
	    "  current_a, temperature_c, resistance_mohm FROM telemetry "
	    "  WHERE site_id = $3 AND battery_id = b.battery_id AND "
	    "  ts >= $1::timestamptz AND ts <= $2::timestamptz AND "
	    "  ts >= $2::timestamptz - interval '1 hour' "
	    "  ORDER BY ts DESC LIMIT 1) t "
	    "WHERE b.site_id = $3 ORDER BY b.battery_id";
	static const char alerts[] =
	    "SELECT coalesce(site_id, ''), coalesce(battery_id, ''), "
	    "alert_id, ts, event, kind, severity, site_id, string_id, "
	    "battery_id, value, threshold, message FROM alert_events "
	    "WHERE ts >= $1::timestamptz AND ts <= $2::timestamptz "
	    "ORDER BY ts, alert_id LIMIT 10000";
	static const char preds[] =
	    "SELECT b.site_id, p.battery_id, p.battery_id, b.site_id, p.date, "
	    "p.rul_days, p.rul_p10_days, p.rul_p90_days, p.p_fail_30d, "
	    "p.p_fail_90d, p.p_fail_180d, p.p_sudden_90d, p.risk, p.model_id, "
	    "brul_prediction_reasons(p.reason_1, p.reason_2, p.reason_3) AS "
	    "reasons FROM predictions p JOIN batteries b USING (battery_id) "
	    "WHERE p.date >= $1::date AND p.date <= $2::date "
	    "ORDER BY p.battery_id, p.date LIMIT 10000";
	json_t *o = json_loads(payload, 0, NULL), *from, *to, *named;
	int is_tele = strcmp(channel, "brul_telemetry") == 0;
	int is_alerts = strcmp(channel, "brul_alerts") == 0;
	int nsites = 1, nres = 0;
	const char *v[3];
	struct brul_err err;
	PGresult *sites = NULL, **res;

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
	named = json_object_get(o, "sites");
	if (!json_is_array(named))
		named = NULL;
	if (is_tele && named) {
		nsites = (int)json_array_size(named);
	} else if (is_tele) {
		sites = brul_db_query(db, "SELECT site_id FROM sites ORDER BY "
				      "site_id", 0, NULL, &err);
		nsites = sites ? PQntuples(sites) : 0;
	}
	if ((res = calloc((size_t)nsites + 1, sizeof *res)) == NULL ||
	    (is_tele && !named && sites == NULL)) {
		/* What the load brought cannot be sent: say so, unless the
		 * connection is lost, when the next one says it. */
		if (PQstatus(brul_db_conn(db)) == CONNECTION_OK)
			missed(l);
		nsites = 0;
	}
	for (int i = 0; i < nsites; i++) {
		if (is_tele && named) {
			v[2] = json_string_value(json_array_get(named,
			    (size_t)i));
			if (v[2] == NULL)
				continue;
		} else if (is_tele) {
			v[2] = PQgetvalue(sites, i, 0);
		}
		res[nres] = brul_db_query(db, is_tele ? tele : is_alerts ?
					  alerts : preds, is_tele ? 3 : 2, v,
					  &err);
		if (res[nres]) {
			nres++;
			continue;
		}
		if (PQstatus(brul_db_conn(db)) != CONNECTION_OK)
			break;	/* the next connection says it */
		if (!is_tele)
			missed(l);	/* what the load brought is lost */
		/* else: that site's server is down; its pages say so */
	}
	send_rows(l, is_tele ? "telemetry" : is_alerts ? NULL : "prediction",
		  res, nres);
	for (int i = 0; i < nres; i++)
		PQclear(res[i]);
	free(res);
	PQclear(sites);
	json_decref(o);
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
		if (c->who.exp && now >= c->who.exp) {
			brul_live_queue(c, gone, sizeof gone - 1);
			c->closing = 1;
		} else {
			brul_live_place(l, c);
			brul_live_queue(c, ping, sizeof ping - 1);
		}
	pthread_mutex_unlock(&l->mu);
}

static const char revoked[] = "event: revoked\ndata: {}\n\n";

/* Ends the streams whose token was revoked since they opened (a sign-out,
 * a new password, an admin's change): the deny list says so without the
 * database. */
static void
check_tokens(struct brul_live *l, time_t now)
{
	if (l->deny == NULL)
		return;
	pthread_mutex_lock(&l->mu);
	for (struct client *c = l->clients; c; c = c->next)
		if (c->closing == 0 &&
		    brul_denylist_refused(l->deny, &c->who, now)) {
			brul_live_queue(c, revoked, sizeof revoked - 1);
			c->closing = 1;
		}
	pthread_mutex_unlock(&l->mu);
}

/* Ends the streams of users disabled or deleted since they opened them
 * (a change of role does not matter: every role may read the stream).
 * One query for all of them; on a database error nothing is ended. */
static void
check_users(struct brul_live *l, struct brul_db *db)
{
	static const char sql[] = "SELECT user_id FROM users WHERE user_id = "
	    "ANY ($1::bigint[]) AND active";
	struct brul_sbuf ids = { 0 };
	struct brul_err err;
	const char *v[1];
	PGresult *res;

	brul_sbuf_str(&ids, "{");
	pthread_mutex_lock(&l->mu);
	for (struct client *c = l->clients; c; c = c->next)
		brul_sbuf_fmt(&ids, "%s%lld", ids.n > 1 ? "," : "",
		    (long long)c->who.user_id);
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
			    c->who.user_id;
		if (!active && c->closing == 0) {
			brul_live_queue(c, revoked, sizeof revoked - 1);
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
	brul_live_wake(l);
}

/* Whether changes are heard (1) or not (0): either way what was heard
 * before may be out of date. */
static void
heard(struct brul_live *l, int on)
{
	if (l->version)
		atomic_fetch_add(l->version, 1);
	if (l->listening)
		atomic_store(l->listening, on);
}

static struct brul_db *
listen_db(struct brul_live *l)
{
	struct brul_err err;
	struct brul_db *db = brul_db_open(l->conninfo, "brul-serve live",
	    &err);

	/* Every kind brul-load loads, and retention: the answers the
	 * server remembers go stale with any of them. */
	if (db && brul_db_exec(db, "LISTEN brul_telemetry; LISTEN brul_alerts; "
	    "LISTEN brul_predictions; LISTEN brul_batteries; LISTEN brul_sites; "
	    "LISTEN brul_systems; LISTEN brul_strings; LISTEN brul_events; "
	    "LISTEN brul_labels; LISTEN brul_string_telemetry; "
	    "LISTEN brul_features; LISTEN brul_twin; LISTEN brul_retention",
	    &err) < 0) {
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
			heard(l, 0);
			if ((db = listen_db(l)) == NULL)
				lost = 1;
			else {
				heard(l, 1);
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
				heard(l, 0);
				db = NULL;
				lost = 1;
				continue;
			}
		}
		if (atomic_exchange(&l->recheck, 0)) {
			check_tokens(l, time(NULL));
			if (db)
				check_users(l, db);
		}
		if ((now = time(NULL)) - last >= l->keepalive) {
			keepalive(l, now);
			check_tokens(l, now);
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
			if (l->version)
				atomic_fetch_add(l->version, 1);
			if (strcmp(nt->relname, "brul_telemetry") == 0 ||
			    strcmp(nt->relname, "brul_alerts") == 0 ||
			    strcmp(nt->relname, "brul_predictions") == 0)
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
	l->deny = o->deny;
	l->changes = changes;
	l->version = o->version;
	l->listening = o->listening;
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
		/* Failing, the thread still wakes within a second. */
		brul_live_wake(l);
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

/* server.c: see server.h. */
#include <arpa/inet.h>
#include <limits.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "serve/api.h"
#include "serve/app.h"
#include "serve/log.h"
#include "serve/route.h"
#include "serve/server.h"
#include "serve/url.h"

/* The request line and headers, at most: over it, 431.  libmicrohttpd's
 * memory for a connection is twice that, so that a request a little
 * over the limit is read whole and answered by brul-serve; one over the
 * memory is refused by libmicrohttpd itself (its own 431, in HTML).
 * libmicrohttpd clears that memory for every request a connection
 * makes: at 64 KiB, clearing 128 KiB was half the server's time on
 * /health.  16 KiB is Node's limit too, room for any browser's. */
#define HEAD_MAX	(16 * 1024)

struct brul_server {
	char *listen;
	int quiet;			/* no access log */
	struct MHD_Daemon *d;
	struct brul_app app;		/* what the requests share */
	int has_app;			/* brul_app_init was called */
};

int
brul_server_address(const char *listen, struct sockaddr_storage *ss,
    struct brul_err *err)
{
	char host[128];
	const char *colon = strrchr(listen, ':');
	char *end;
	long port;

	memset(ss, 0, sizeof *ss);
	if (colon == NULL || (size_t)(colon - listen) >= sizeof host)
		return brul_err_set(err, NULL, 0, 0, "--listen: expected "
		    "HOST:PORT, not \"%s\"", listen);
	port = strtol(colon + 1, &end, 10);
	if (*end != '\0' || end == colon + 1 || port < 0 || port > 65535)
		return brul_err_set(err, NULL, 0, 0, "--listen: bad port in "
		    "\"%s\"", listen);
	memcpy(host, listen, (size_t)(colon - listen));
	host[colon - listen] = '\0';
	if (host[0] == '[' && host[strlen(host) - 1] == ']') {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;

		host[strlen(host) - 1] = '\0';
		a->sin6_family = AF_INET6;
		a->sin6_port = htons((uint16_t)port);
		if (inet_pton(AF_INET6, host + 1, &a->sin6_addr) != 1)
			return brul_err_set(err, NULL, 0, 0, "--listen: bad "
			    "IPv6 address in \"%s\"", listen);
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)ss;

		a->sin_family = AF_INET;
		a->sin_port = htons((uint16_t)port);
		if (host[0] == '\0')
			a->sin_addr.s_addr = htonl(INADDR_ANY);
		else if (inet_pton(AF_INET, host, &a->sin_addr) != 1)
			return brul_err_set(err, NULL, 0, 0, "--listen: "
			    "expected a numeric address (127.0.0.1, [::1]), "
			    "not \"%s\"", host);
	}
	return 0;
}

/* The bearer token of the request: the Authorization header, or for the
 * live stream (EventSource cannot set headers) access_token. */
static const char *
bearer(struct brul_req *r, int query_ok)
{
	const char *h = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_AUTHORIZATION);

	if (h && strncasecmp(h, "Bearer ", 7) == 0) {
		h += 7;
		while (*h == ' ')
			h++;
		return *h ? h : NULL;
	}
	if (h == NULL && query_ok)
		return MHD_lookup_connection_value(r->conn,
		    MHD_GET_ARGUMENT_KIND, "access_token");
	return NULL;
}

static int
unauthorized(struct brul_req *r, const char *why)
{
	return brul_reply_error(r, MHD_HTTP_UNAUTHORIZED, "unauthorized",
	    "%s", why);
}

/* Checks the token and the role route i needs: 0, or -1 having
 * answered. */
static int
authorize(struct brul_req *r, int i)
{
	struct brul_app *a = r->app;
	enum brul_token_status st;
	const char *tok;
	int role;

	if ((tok = bearer(r, brul_routes[i].fn == brul_api_stream)) == NULL) {
		unauthorized(r, "a bearer token is needed (POST "
		    "/api/v1/auth/login)");
		return -1;
	}
	st = brul_token_verify(a->secret, a->secret_len, tok, time(NULL),
	    &r->who);
	if (st != BRUL_TOKEN_OK) {
		char why[64];

		snprintf(why, sizeof why, "token %s", brul_token_why(st));
		unauthorized(r, why);
		return -1;
	}
	/* Signed out, a new password, an admin's change: refused at once,
	 * not when it expires. */
	if (brul_denylist_refused(a->deny, &r->who, time(NULL))) {
		unauthorized(r, "token revoked");
		return -1;
	}
	if ((role = brul_usercache_role(&a->users, a->pool,
	    r->who.user_id)) < 0) {
		brul_reply_error(r, MHD_HTTP_SERVICE_UNAVAILABLE,
		    "unavailable", "the database cannot be reached");
		return -1;
	}
	if (role == BRUL_ROLE_NONE) {
		unauthorized(r, "no such user, or disabled");
		return -1;
	}
	r->role = (enum brul_role)role;
	if (r->role < brul_routes[i].role) {
		brul_reply_error(r, MHD_HTTP_FORBIDDEN, "forbidden", "this "
		    "needs the role %s; you are %s",
		    brul_role_name(brul_routes[i].role),
		    brul_role_name(r->role));
		return -1;
	}
	return 0;
}

/* CORS preflight: the methods a path allows, for an allowed origin. */
static int
preflight(struct brul_req *r)
{
	const char *origin = MHD_lookup_connection_value(r->conn,
	    MHD_HEADER_KIND, "Origin");
	struct MHD_Response *resp;
	char allow[64];
	int ret;

	if (brul_route_match(brul_routes, brul_nroutes, "OPTIONS", r->path,
	    &r->params, allow, sizeof allow) == -1)
		return brul_reply_error(r, MHD_HTTP_NOT_FOUND, "not_found",
		    "no such path");
	if (origin == NULL || !brul_app_cors(r->app, origin))
		return brul_reply_error(r, MHD_HTTP_FORBIDDEN, "forbidden",
		    "cross-origin requests from there are not allowed");
	resp = MHD_create_response_from_buffer(0, (void *)"",
	    MHD_RESPMEM_PERSISTENT);
	brul_reply_headers(r, resp);
	MHD_add_response_header(resp, "Access-Control-Allow-Methods", allow);
	MHD_add_response_header(resp, "Access-Control-Allow-Headers",
	    "Authorization, Content-Type");
	MHD_add_response_header(resp, "Access-Control-Max-Age", "600");
	ret = MHD_queue_response(r->conn, MHD_HTTP_NO_CONTENT, resp);
	MHD_destroy_response(resp);
	r->status = MHD_HTTP_NO_CONTENT;
	return ret;
}

/*
 * A read of the data: answered from the answers remembered while the data
 * have not changed (and the live hub hears whether they do), else by its
 * handler, the answer then remembered.  Either way a 200 carries an ETag,
 * and one the client already has is answered 304.
 */
static int
kept(struct brul_req *r, brul_handler fn)
{
	struct brul_app *a = r->app;
	unsigned v = atomic_load(&a->version);
	char etag[BRUL_ETAG_SIZE], *body, *key;
	size_t n;

	r->keep = 1;
	if (!atomic_load(&a->listening) || r->target == NULL ||
	    (key = malloc(strlen(r->target) + 16)) == NULL)
		return fn(r);
	/* The role too: an answer may say more to some. */
	snprintf(key, strlen(r->target) + 16, "%d %s", (int)r->role,
	    r->target);
	if (brul_answers_get(a->answers, key, v, &body, &n, etag)) {
		free(key);
		return brul_reply_kept(r, body, n, etag);
	}
	r->keep_key = key;
	r->keep_version = v;
	return fn(r);
}

static int
dispatch(struct brul_req *r)
{
	char allow[64];
	int i, ret;

	if (atomic_load(&r->app->stopping))
		return brul_reply_error(r, MHD_HTTP_SERVICE_UNAVAILABLE,
		    "stopping", "the server is stopping");
	if (strcmp(r->method, "OPTIONS") == 0)
		return preflight(r);
	i = brul_route_match(brul_routes, brul_nroutes, r->method, r->path,
	    &r->params, allow, sizeof allow);
	r->route = i < 0 ? -1 : i;
	r->pattern = i < 0 ? "" : brul_routes[i].pattern;
	if (i == -1) {
		const struct brul_www_file *f;

		/* Not the API's: maybe a page of the dashboard. */
		if ((strcmp(r->method, "GET") == 0 ||
		    strcmp(r->method, "HEAD") == 0) &&
		    (f = brul_www_find(r->app->www, r->path)) != NULL)
			return brul_reply_file(r, f);
		return brul_reply_error(r, MHD_HTTP_NOT_FOUND, "not_found",
		    "no such path");
	}
	if (i == -2)
		return brul_reply_not_allowed(r, allow);
	if (brul_routes[i].role != BRUL_ROLE_NONE && authorize(r, i) < 0)
		return r->ret;
	if (brul_args_check(r, brul_routes[i].args) < 0)
		return r->ret;
	if (brul_routes[i].keep == BRUL_KEEP_READ)
		return kept(r, brul_routes[i].fn);
	ret = brul_routes[i].fn(r);
	/* The server's own writes (an alert acknowledged) change what the
	 * reads answer, as a load does; a sign-in does not. */
	if (brul_routes[i].keep == BRUL_KEEP_WRITE && r->status >= 200 &&
	    r->status < 300)
		atomic_fetch_add(&r->app->version, 1);
	return ret;
}

/* A request's storage, made as soon as its request line is read (as the
 * raw target is only seen then), or NULL. */
static struct brul_req *
req_new(struct brul_server *s, struct MHD_Connection *conn, const char *uri)
{
	const union MHD_ConnectionInfo *ci;
	struct brul_req *r = calloc(1, sizeof *r);

	if (r == NULL)
		return NULL;
	clock_gettime(CLOCK_MONOTONIC, &r->t0);
	r->app = &s->app;
	r->conn = conn;
	r->route = -1;
	r->nuri = strlen(uri);
	r->target = strdup(uri);	/* NULL: nothing is remembered */
	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci && ci->client_addr) {
		const struct sockaddr *sa = ci->client_addr;

		if (sa->sa_family == AF_INET)
			inet_ntop(AF_INET, &((const struct sockaddr_in *)
			    sa)->sin_addr, r->remote, sizeof r->remote);
		else if (sa->sa_family == AF_INET6)
			inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)
			    sa)->sin6_addr, r->remote, sizeof r->remote);
	}
	return r;
}

static void *
on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
	return req_new(cls, conn, uri);
}

static enum MHD_Result
add_header(void *cls, enum MHD_ValueKind kind, const char *key,
	   const char *value)
{
	size_t *n = cls;

	(void)kind;
	*n += strlen(key) + strlen(value ? value : "") + 4;	/* ": " CRLF */
	return MHD_YES;
}

/* The request's head is read: answers at once what its size or its
 * body's refuses, and closes, so that nothing more is read.  0, or -1
 * having answered. */
static int
head_check(struct brul_req *r, const char *version)
{
	const char *cl = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_LENGTH);
	size_t head = strlen(r->method) + r->nuri + strlen(version) + 6;
	unsigned long long length;

	MHD_get_connection_values(r->conn, MHD_HEADER_KIND, add_header,
	    &head);
	if (head > HEAD_MAX) {
		r->close = 1;
		brul_reply_error(r, MHD_HTTP_REQUEST_HEADER_FIELDS_TOO_LARGE,
		    "headers_too_large", "the request line and headers are "
		    "over %d bytes", HEAD_MAX);
		return -1;
	}
	/* libmicrohttpd has checked that it is a number. */
	if (cl != NULL && ((length = strtoull(cl, NULL, 10)) >
	    r->app->max_body || length == ULLONG_MAX)) {
		r->close = 1;
		brul_reply_error(r, MHD_HTTP_CONTENT_TOO_LARGE, "too_large",
		    "the body is over %zu bytes", r->app->max_body);
		return -1;
	}
	return 0;
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *conn, const char *url,
	   const char *method, const char *version, const char *upload,
	   size_t *upload_size, void **con_cls)
{
	struct brul_server *s = cls;
	struct brul_req *r = *con_cls;

	if (r == NULL && (r = *con_cls = req_new(s, conn, url)) == NULL)
		return MHD_NO;
	if (r->method == NULL) {
		r->method = method;
		r->path = url;
		if (head_check(r, version) < 0)
			return r->ret ? MHD_YES : MHD_NO;
		return MHD_YES;
	}
	if (*upload_size > 0) {
		size_t n = *upload_size;

		/* Sent in chunks, its length not declared: cut off (an
		 * answer cannot be queued while a body is being read). */
		if (r->nbody + n > s->app.max_body) {
			r->status = MHD_HTTP_CONTENT_TOO_LARGE;
			return MHD_NO;
		}
		if (r->nbody + n + 1 > r->capbody) {
			size_t cap = r->capbody ? r->capbody : 1024;
			char *b;

			while (cap < r->nbody + n + 1)
				cap *= 2;
			if ((b = realloc(r->body, cap)) == NULL)
				return MHD_NO;
			r->body = b;
			r->capbody = cap;
		}
		memcpy(r->body + r->nbody, upload, n);
		r->nbody += n;
		r->body[r->nbody] = '\0';
		*upload_size = 0;
		return MHD_YES;
	}
	if (r->status)
		return MHD_YES;
	return dispatch(r) ? MHD_YES : MHD_NO;
}

static void
on_done(void *cls, struct MHD_Connection *conn, void **con_cls,
	enum MHD_RequestTerminationCode toe)
{
	struct brul_server *s = cls;
	struct brul_req *r = *con_cls;
	struct timespec t1;
	double sec;

	(void)conn;
	(void)toe;
	if (r == NULL)
		return;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	sec = (double)(t1.tv_sec - r->t0.tv_sec) +
	    (double)(t1.tv_nsec - r->t0.tv_nsec) / 1e9;
	if (r->status) {
		brul_prom_request(s->app.prom, r->route, r->status, sec);
		if (!s->quiet || r->error[0])
			brul_log_access(r, sec * 1e3);
	}
	free(r->body);
	free(r->target);
	free(r->keep_key);
	free(r);
	*con_cls = NULL;
}

/* libmicrohttpd's decoding of the path and the query arguments. */
static size_t
unescape(void *cls, struct MHD_Connection *c, char *s)
{
	(void)cls;
	(void)c;
	return brul_url_unescape(s);
}

static void
release(struct brul_server *s)
{
	if (s->has_app)
		brul_app_release(&s->app);
	free(s->listen);
	free(s);
}

struct brul_server *
brul_server_start(const struct brul_serve_opts *o, struct brul_err *err)
{
	struct brul_server *s = calloc(1, sizeof *s);
	struct sockaddr_storage ss;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
	    MHD_ALLOW_SUSPEND_RESUME | MHD_USE_TURBO;

	if (s == NULL) {
		brul_err_set(err, NULL, 0, 0, "out of memory");
		return NULL;
	}
	s->quiet = o->quiet;
	if (o->secret_len < BRUL_SECRET_MIN) {
		brul_err_set(err, NULL, 0, 0, "the secret must have at least "
		    "%d bytes", BRUL_SECRET_MIN);
		release(s);
		return NULL;
	}
	if ((s->listen = strdup(o->listen)) == NULL) {
		brul_err_set(err, NULL, 0, 0, "out of memory");
		release(s);
		return NULL;
	}
	if (brul_server_address(s->listen, &ss, err) < 0 ||
	    (s->has_app = 1, brul_app_init(&s->app, o, brul_routes,
	    brul_nroutes, err)) < 0) {
		release(s);
		return NULL;
	}
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	s->d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, s,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned)o->threads,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)o->timeout,
	    MHD_OPTION_CONNECTION_LIMIT, o->max_conns,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, o->per_ip,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)2 * HEAD_MAX,
	    MHD_OPTION_URI_LOG_CALLBACK, on_uri, s,
	    MHD_OPTION_NOTIFY_COMPLETED, on_done, s,
	    MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL,
	    MHD_OPTION_END);
	if (s->d == NULL) {
		brul_err_set(err, NULL, 0, 0, "cannot listen on %s (in use? "
		    "allowed?)", s->listen);
		release(s);
		return NULL;
	}
	return s;
}

int
brul_server_port(const struct brul_server *s)
{
	const union MHD_DaemonInfo *i = MHD_get_daemon_info(s->d,
	    MHD_DAEMON_INFO_BIND_PORT);

	return i ? i->port : -1;
}

void
brul_server_stop(struct brul_server *s, int grace)
{
	if (s == NULL)
		return;
	atomic_store(&s->app.stopping, 1);
	MHD_quiesce_daemon(s->d);
	/* The live streams end now; requests in flight may finish. */
	brul_live_close_all(s->app.live);
	for (int i = 0; i < grace * 10; i++) {
		const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->d,
		    MHD_DAEMON_INFO_CURRENT_CONNECTIONS);

		if (info == NULL || info->num_connections == 0)
			break;
		usleep(100000);
	}
	brul_live_close_all(s->app.live);
	MHD_stop_daemon(s->d);
	release(s);
}

/* server.c: see server.h. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "alert/rules.h"
#include "core/datadir.h"
#include "core/timefmt.h"
#include "serve/passwd.h"
#include "serve/route.h"
#include "serve/serverint.h"

/* The socket address of "host:port", "[v6]:port" or ":port". */
static int
address(const char *listen, struct sockaddr_storage *ss, struct brul_err *err)
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

/* The user's role now, from a few seconds' memory or the database:
 * BRUL_ROLE_NONE when the user is gone or disabled; -1 when the database
 * cannot say (503). */
static int
user_role(struct brul_server *s, long long id)
{
	static const struct brul_stmt st = { "user_role",
	    "SELECT role, active FROM users WHERE user_id = $1" };
	struct brul_user_seen *u = &s->users[(unsigned long long)id %
	    BRUL_USER_CACHE];
	time_t now = time(NULL);
	struct brul_pgconn *c;
	struct brul_err err;
	char ids[24];
	const char *v[1] = { ids };
	PGresult *res;
	int role = BRUL_ROLE_NONE;

	pthread_mutex_lock(&s->users_mu);
	if (u->id == id && now - u->at < BRUL_USER_TTL) {
		role = u->active ? (int)u->role : BRUL_ROLE_NONE;
		pthread_mutex_unlock(&s->users_mu);
		return role;
	}
	pthread_mutex_unlock(&s->users_mu);
	if ((c = brul_pool_get(s->pool, 2000, &err)) == NULL)
		return -1;
	snprintf(ids, sizeof ids, "%lld", id);
	res = brul_pool_exec(c, &st, 1, v, &err);
	brul_pool_put(s->pool, c);
	if (res == NULL)
		return -1;
	pthread_mutex_lock(&s->users_mu);
	u->id = id;
	u->at = now;
	u->active = PQntuples(res) == 1 && PQgetvalue(res, 0, 1)[0] == 't';
	u->role = PQntuples(res) == 1 ? brul_role_parse(PQgetvalue(res, 0, 0))
	    : BRUL_ROLE_NONE;
	role = u->active ? (int)u->role : BRUL_ROLE_NONE;
	pthread_mutex_unlock(&s->users_mu);
	PQclear(res);
	return role;
}

void
brul_server_forget_user(struct brul_server *s, long long id)
{
	struct brul_user_seen *u = &s->users[(unsigned long long)id %
	    BRUL_USER_CACHE];

	pthread_mutex_lock(&s->users_mu);
	if (u->id == id)
		u->id = 0;
	pthread_mutex_unlock(&s->users_mu);
	brul_live_recheck(s->live);
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
	struct brul_server *s = r->srv;
	enum brul_token_status st;
	const char *tok;
	int role;

	if ((tok = bearer(r, brul_routes[i].fn == brul_api_stream)) == NULL) {
		unauthorized(r, "a bearer token is needed (POST "
		    "/api/v1/auth/login)");
		return -1;
	}
	st = brul_token_verify(s->secret, s->o.secret_len, tok, time(NULL),
	    &r->who);
	if (st != BRUL_TOKEN_OK) {
		char why[64];

		snprintf(why, sizeof why, "token %s", brul_token_why(st));
		unauthorized(r, why);
		return -1;
	}
	if ((role = user_role(s, r->who.user_id)) < 0) {
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

	if (brul_route_match("OPTIONS", r->path, r, allow, sizeof allow) == -1)
		return brul_reply_error(r, MHD_HTTP_NOT_FOUND, "not_found",
		    "no such path");
	if (origin == NULL || !brul_server_cors(r->srv, origin))
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

static int
dispatch(struct brul_req *r)
{
	char allow[64];
	int i;

	if (atomic_load(&r->srv->stopping))
		return brul_reply_error(r, MHD_HTTP_SERVICE_UNAVAILABLE,
		    "stopping", "the server is stopping");
	if (strcmp(r->method, "OPTIONS") == 0)
		return preflight(r);
	i = brul_route_match(r->method, r->path, r, allow, sizeof allow);
	r->route = i < 0 ? -1 : i;
	if (i == -1) {
		const struct brul_www_file *f;

		/* Not the API's: maybe a page of the dashboard. */
		if ((strcmp(r->method, "GET") == 0 ||
		    strcmp(r->method, "HEAD") == 0) &&
		    (f = brul_www_find(r->srv->www, r->path)) != NULL)
			return brul_reply_file(r, f);
		return brul_reply_error(r, MHD_HTTP_NOT_FOUND, "not_found",
		    "no such path");
	}
	if (i == -2)
		return brul_reply_not_allowed(r, allow);
	if (r->too_large)
		return brul_reply_error(r, MHD_HTTP_CONTENT_TOO_LARGE,
		    "too_large", "the body is over %zu bytes",
		    r->srv->o.max_body);
	if (brul_routes[i].role != BRUL_ROLE_NONE && authorize(r, i) < 0)
		return r->ret;
	return brul_routes[i].fn(r);
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *conn, const char *url,
	   const char *method, const char *version, const char *upload,
	   size_t *upload_size, void **con_cls)
{
	struct brul_server *s = cls;
	struct brul_req *r = *con_cls;

	(void)version;
	if (r == NULL) {
		const union MHD_ConnectionInfo *ci;

		if ((r = calloc(1, sizeof *r)) == NULL)
			return MHD_NO;
		clock_gettime(CLOCK_MONOTONIC, &r->t0);
		r->srv = s;
		r->conn = conn;
		r->method = method;
		r->path = url;
		r->route = -1;
		ci = MHD_get_connection_info(conn,
		    MHD_CONNECTION_INFO_CLIENT_ADDRESS);
		if (ci && ci->client_addr) {
			const struct sockaddr *sa = ci->client_addr;

			if (sa->sa_family == AF_INET)
				inet_ntop(AF_INET, &((const struct
				    sockaddr_in *)sa)->sin_addr, r->remote,
				    sizeof r->remote);
			else if (sa->sa_family == AF_INET6)
				inet_ntop(AF_INET6, &((const struct
				    sockaddr_in6 *)sa)->sin6_addr, r->remote,
				    sizeof r->remote);
		}
		*con_cls = r;
		return MHD_YES;
	}
	if (*upload_size > 0) {
		size_t n = *upload_size;

		if (!r->too_large && r->nbody + n <= s->o.max_body) {
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
		} else
			r->too_large = 1;	/* read on, keep nothing */
		*upload_size = 0;
		return MHD_YES;
	}
	if (r->status)
		return MHD_YES;
	return dispatch(r) ? MHD_YES : MHD_NO;
}

/* One JSON line on stderr per request, written at once. */
static void
access_log(const struct brul_server *s, const struct brul_req *r, double ms)
{
	char line[1024], ts[32], path[300];
	size_t j = 0;
	int n;

	ts[brul_time_format(ts, time(NULL))] = '\0';
	/* The path as JSON text: printable ASCII, the rest escaped. */
	for (const char *p = r->path; *p && j < sizeof path - 8; p++) {
		unsigned char ch = (unsigned char)*p;

		if (ch == '"' || ch == '\\')
			j += (size_t)snprintf(path + j, sizeof path - j, "\\%c",
			    ch);
		else if (ch < 0x20 || ch >= 0x7f)
			j += (size_t)snprintf(path + j, sizeof path - j,
			    "\\u%04x", ch);
		else
			path[j++] = (char)ch;
	}
	path[j] = '\0';
	n = snprintf(line, sizeof line, "{\"ts\":\"%s\",\"remote\":\"%s\","
	    "\"method\":\"%s\",\"path\":\"%s\",\"route\":\"%s\","
	    "\"status\":%d,\"bytes\":%zu,\"ms\":%.3f,\"user\":%s%s%s}\n", ts,
	    r->remote, r->method, path,
	    r->route >= 0 ? brul_routes[r->route].pattern : "",
	    r->status, r->bytes, ms, r->who.user_id ? "\"" : "",
	    r->who.user_id ? r->who.name : "null",
	    r->who.user_id ? "\"" : "");
	(void)s;
	if (n > 0 && (size_t)n < sizeof line &&
	    write(STDERR_FILENO, line, (size_t)n) < 0)
		return;
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
		brul_prom_request(s->metrics, r->route, r->status, sec);
		if (!s->o.quiet)
			access_log(s, r, sec * 1e3);
	}
	free(r->body);
	free(r);
	*con_cls = NULL;
}

static char *
dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static void
release(struct brul_server *s)
{
	brul_live_stop(s->live);
	brul_pool_free(s->pool);
	brul_throttle_free(s->throttle);
	brul_prom_free(s->metrics);
	for (int i = 0; s->cors && i < s->o.ncors; i++)
		free(s->cors[i]);
	free(s->cors);
	if (s->secret)
		memset(s->secret, 0, s->o.secret_len);
	free(s->secret);
	free(s->listen);
	free(s->db);
	free(s->openapi);
	free(s->openapi_path);
	brul_www_free(s->www);
	brul_modelinfo_free(s->model);
	free(s->rules);
	pthread_mutex_destroy(&s->users_mu);
	pthread_mutex_destroy(&s->totals_mu);
	free(s);
}

/* The OpenAPI document, read whole at start. */
static int
load_openapi(struct brul_server *s, struct brul_err *err)
{
	char path[4096];
	FILE *f;
	long n;

	if (s->openapi_path)
		snprintf(path, sizeof path, "%s", s->openapi_path);
	else if (brul_data_path("openapi.json", path, sizeof path, err) < 0)
		return -1;
	if ((f = fopen(path, "rb")) == NULL)
		return brul_err_set(err, path, 0, 0, "cannot read it");
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 &&
	    fseek(f, 0, SEEK_SET) == 0 &&
	    (s->openapi = malloc((size_t)n)) != NULL &&
	    fread(s->openapi, 1, (size_t)n, f) == (size_t)n) {
		s->nopenapi = (size_t)n;
		fclose(f);
		return 0;
	}
	fclose(f);
	return brul_err_set(err, path, 0, 0, "cannot read it");
}

/* The dashboard: dir, else data/www when it is there. */
static int
load_www(struct brul_server *s, const char *dir, struct brul_err *err)
{
	char path[4096];
	struct brul_err ignore;

	if (dir == NULL && brul_data_path("www/index.html", path, sizeof path,
	    &ignore) == 0) {
		path[strlen(path) - strlen("/index.html")] = '\0';
		dir = path;
	}
	return (s->www = brul_www_load(dir, err)) == NULL ? -1 : 0;
}

/* The model, checked now so that a wrong path is said at start; it is
 * read again whenever it changes. */
static int
load_model(struct brul_server *s, const char *path, struct brul_err *err)
{
	json_t *o;

	if (path == NULL)
		return 0;
	if ((o = brul_modelinfo_read(path, err)) == NULL)
		return -1;
	json_decref(o);
	if ((s->model = brul_modelinfo_new(path)) == NULL)
		return brul_err_set(err, NULL, 0, 0, "out of memory");
	return 0;
}

/* The alert rules (path NULL: brul-alert's defaults), as brul-alert reads
 * them. */
static int
load_rules(struct brul_server *s, const char *path, struct brul_err *err)
{
	struct brul_rules rs = { 0 };

	if (brul_rules_load(&rs, path, err) < 0)
		return -1;
	s->rules = brul_rules_json(&rs, &s->nrules);
	brul_rules_release(&rs);
	return s->rules ? 0 : brul_err_set(err, NULL, 0, 0, "out of memory");
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
	pthread_mutex_init(&s->users_mu, NULL);
	pthread_mutex_init(&s->totals_mu, NULL);
	s->o = *o;
	if (o->secret_len < BRUL_SECRET_MIN) {
		brul_err_set(err, NULL, 0, 0, "the secret must have at least "
		    "%d bytes", BRUL_SECRET_MIN);
		release(s);
		return NULL;
	}
	s->listen = dup_or_null(o->listen);
	s->db = dup_or_null(o->db);
	s->openapi_path = dup_or_null(o->openapi);
	s->secret = malloc(o->secret_len);
	s->cors = calloc((size_t)o->ncors + 1, sizeof *s->cors);
	if (!s->listen || (o->db && !s->db) || !s->secret || !s->cors ||
	    (o->openapi && !s->openapi_path)) {
		brul_err_set(err, NULL, 0, 0, "out of memory");
		release(s);
		return NULL;
	}
	memcpy(s->secret, o->secret, o->secret_len);
	for (int i = 0; i < o->ncors; i++)
		if ((s->cors[i] = strdup(o->cors[i])) == NULL) {
			brul_err_set(err, NULL, 0, 0, "out of memory");
			release(s);
			return NULL;
		}
	s->o.listen = s->listen;
	s->o.db = s->db;
	s->o.secret = s->secret;
	s->o.cors = (const char *const *)s->cors;
	if (address(s->listen, &ss, err) < 0 || load_openapi(s, err) < 0 ||
	    load_www(s, o->www, err) < 0 || load_model(s, o->model, err) < 0 ||
	    load_rules(s, o->rules, err) < 0 || brul_passwd_init() < 0) {
		release(s);
		return NULL;
	}
	s->pool = brul_pool_new(s->db, o->pool);
	s->throttle = brul_throttle_new();
	s->metrics = brul_prom_new(brul_nroutes);
	if (!s->pool || !s->throttle || !s->metrics) {
		brul_err_set(err, NULL, 0, 0, "out of memory");
		release(s);
		return NULL;
	}
	if ((s->live = brul_live_start(s->db, s->metrics, &s->changes,
	    err)) == NULL) {
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
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)64 * 1024,
	    MHD_OPTION_NOTIFY_COMPLETED, on_done, s,
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
	atomic_store(&s->stopping, 1);
	MHD_quiesce_daemon(s->d);
	/* The live streams end now; requests in flight may finish. */
	brul_live_close_all(s->live);
	for (int i = 0; i < grace * 10; i++) {
		const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->d,
		    MHD_DAEMON_INFO_CURRENT_CONNECTIONS);

		if (info == NULL || info->num_connections == 0)
			break;
		usleep(100000);
	}
	brul_live_close_all(s->live);
	MHD_stop_daemon(s->d);
	release(s);
}

int
brul_server_cors(const struct brul_server *s, const char *origin)
{
	for (int i = 0; i < s->o.ncors; i++)
		if (strcmp(s->cors[i], origin) == 0)
			return 1;
	return 0;
}

struct brul_live *
brul_server_live(struct brul_server *s)
{
	return s->live;
}

struct brul_pool *
brul_server_pool(struct brul_server *s)
{
	return s->pool;
}

const unsigned char *
brul_server_secret(struct brul_server *s, size_t *n)
{
	*n = s->o.secret_len;
	return s->secret;
}

struct brul_throttle *
brul_server_throttle(struct brul_server *s)
{
	return s->throttle;
}

int
brul_server_access_ttl(struct brul_server *s)
{
	return s->o.access_ttl;
}

int
brul_server_refresh_ttl(struct brul_server *s)
{
	return s->o.refresh_ttl;
}

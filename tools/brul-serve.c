/*
 * brul-serve: the fleet's HTTP API over PostgreSQL.  See brul-serve(1).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"
#include "core/num.h"
#include "core/timefmt.h"
#include "db/db.h"
#include "serve/api.h"
#include "serve/passwd.h"
#include "serve/role.h"
#include "serve/route.h"
#include "serve/server.h"
#include "serve/token.h"
#include "serve/username.h"

static const char synopsis[] =
    "usage: brul-serve [--listen HOST:PORT] [--db CONNINFO] [--threads N]\n"
    "                  [--pool N] [--secret-file FILE | --dev]\n"
    "                  [--cors-origin ORIGIN]... [--access-ttl DURATION]\n"
    "                  [--refresh-ttl DURATION] [--timeout SECONDS]\n"
    "                  [--keepalive SECONDS] [--max-body BYTES]\n"
    "                  [--max-connections N] [--per-ip N] [--max-streams N]\n"
    "                  [--streams-per-user N] [--streams-per-ip N]\n"
    "                  [--openapi FILE] [--www DIR] [--model FILE]\n"
    "                  [--rules FILE] [--progress | --quiet] [--check-config]\n"
    "       brul-serve --create-user NAME --role ROLE [--password-file FILE]\n"
    "                  [--full-name TEXT] [--db CONNINFO]\n"
    "       brul-serve --routes\n";

#define MAX_CORS 16

struct options {
	const char *listen, *db, *secret_file, *openapi, *www, *create_user;
	const char *model, *rules;
	const char *role;
	const char *password_file, *full_name;
	const char *cors[MAX_CORS];
	int ncors, threads, pool, dev, check, routes, timeout, keepalive;
	int64_t access_ttl, refresh_ttl;
	long max_body, max_conns, per_ip;
	long max_streams, streams_per_user, streams_per_ip;
	struct brul_cli_stream out;	/* --progress, --quiet */
};

static const char help[] =
"Serves the fleet's API (JSON over HTTP, a live stream of Server-Sent\n"
"Events, an OpenAPI description, Prometheus metrics) over brul's\n"
"PostgreSQL database, with tokens and roles.  Stops gracefully on SIGTERM.\n"
"\n"
"  --listen HOST:PORT    address (127.0.0.1:8080; BRUL_LISTEN; port 0: any)\n"
"  --db CONNINFO         database (DATABASE_URL, else PGHOST, PGDATABASE ...)\n"
"  --threads N           request threads (online CPUs; BRUL_THREADS)\n"
"  --pool N              database connections (threads + 2; BRUL_POOL)\n"
"  --secret-file FILE    the token signing secret, 32 bytes or more\n"
"                        (BRUL_SECRET_FILE, or BRUL_SECRET itself)\n"
"  --dev                 without a secret, make one for this run only\n"
"  --cors-origin ORIGIN  let pages from ORIGIN call the API (repeatable;\n"
"                        BRUL_CORS_ORIGINS, comma-separated); none by default\n"
"  --access-ttl DURATION access tokens' life (30m)\n"
"  --refresh-ttl DURATION refresh tokens' life (7d)\n"
"  --timeout SECONDS     close a connection idle this long (15)\n"
"  --keepalive SECONDS   a comment to each live stream this often (15); a\n"
"                        stream that takes nothing for twice that is closed\n"
"  --max-body BYTES      largest request body (65536)\n"
"  --max-connections N   connections at once (1024); --per-ip N from one\n"
"                        address (512)\n"
"  --max-streams N       live streams at once (half --max-connections);\n"
"                        --streams-per-user N of one user (8),\n"
"                        --streams-per-ip N from one address (64)\n"
"  --openapi FILE        the OpenAPI document (data/openapi.json)\n"
"  --www DIR             the dashboard's pages (data/www)\n"
"  --model FILE          the model brul-predict uses, for the dashboard's\n"
"                        model page; read again when it changes (BRUL_MODEL)\n"
"  --rules FILE          brul-alert's rules, for the dashboard's thresholds\n"
"                        (data/alert-rules.json; BRUL_RULES)\n"
"  --progress            the access log on stderr (the default)\n"
"  -q, --quiet           no access log\n"
"  --check-config        check the configuration and the database, and exit\n"
"  --create-user NAME    create a user with --role (viewer, engineer, admin),\n"
"                        the password from the terminal or --password-file\n"
"  --full-name TEXT      with --create-user: the user's full name\n"
"  --routes              print the API's routes and exit\n"
"  --help, --version\n";

static const struct brul_cli cli = { "brul-serve",
    "[options]", synopsis, help };

enum {
	OPT_ACCESS_TTL = 256, OPT_CHECK, OPT_CORS, OPT_CREATE, OPT_DB, OPT_DEV,
	OPT_FULL_NAME, OPT_KEEPALIVE, OPT_LISTEN, OPT_MAX_BODY, OPT_MAX_CONNS,
	OPT_MAX_STREAMS, OPT_MODEL, OPT_OPENAPI, OPT_PASSWORD_FILE, OPT_PER_IP,
	OPT_POOL, OPT_REFRESH_TTL, OPT_ROLE, OPT_ROUTES, OPT_RULES,
	OPT_SECRET_FILE, OPT_STREAMS_PER_IP, OPT_STREAMS_PER_USER, OPT_THREADS,
	OPT_TIMEOUT, OPT_WWW
};

static const struct option longopts[] = {
	BRUL_CLI_OPTIONS,
	BRUL_CLI_PROGRESS_OPTIONS,
	{ "access-ttl", required_argument, NULL, OPT_ACCESS_TTL },
	{ "check-config", no_argument, NULL, OPT_CHECK },
	{ "cors-origin", required_argument, NULL, OPT_CORS },
	{ "create-user", required_argument, NULL, OPT_CREATE },
	{ "db", required_argument, NULL, OPT_DB },
	{ "dev", no_argument, NULL, OPT_DEV },
	{ "full-name", required_argument, NULL, OPT_FULL_NAME },
	{ "keepalive", required_argument, NULL, OPT_KEEPALIVE },
	{ "listen", required_argument, NULL, OPT_LISTEN },
	{ "max-body", required_argument, NULL, OPT_MAX_BODY },
	{ "max-connections", required_argument, NULL, OPT_MAX_CONNS },
	{ "max-streams", required_argument, NULL, OPT_MAX_STREAMS },
	{ "model", required_argument, NULL, OPT_MODEL },
	{ "openapi", required_argument, NULL, OPT_OPENAPI },
	{ "password-file", required_argument, NULL, OPT_PASSWORD_FILE },
	{ "per-ip", required_argument, NULL, OPT_PER_IP },
	{ "pool", required_argument, NULL, OPT_POOL },
	{ "refresh-ttl", required_argument, NULL, OPT_REFRESH_TTL },
	{ "role", required_argument, NULL, OPT_ROLE },
	{ "routes", no_argument, NULL, OPT_ROUTES },
	{ "rules", required_argument, NULL, OPT_RULES },
	{ "secret-file", required_argument, NULL, OPT_SECRET_FILE },
	{ "streams-per-ip", required_argument, NULL, OPT_STREAMS_PER_IP },
	{ "streams-per-user", required_argument, NULL, OPT_STREAMS_PER_USER },
	{ "threads", required_argument, NULL, OPT_THREADS },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "www", required_argument, NULL, OPT_WWW },
	{ NULL, 0, NULL, 0 }
};

static void
add_cors(struct options *o, const char *origin)
{
	if (o->ncors == MAX_CORS)
		brul_cli_misuse(&cli, "--cors-origin: at most %d origins",
		    MAX_CORS);
	o->cors[o->ncors++] = origin;
}

static void
parse(int argc, char **argv, struct options *o)
{
	struct sockaddr_storage ss;
	struct brul_err e;
	const char *env;
	int ch;

	/* The environment first; options override it. */
	o->listen = getenv("BRUL_LISTEN") ? getenv("BRUL_LISTEN") :
	    "127.0.0.1:8080";
	o->secret_file = getenv("BRUL_SECRET_FILE");
	o->model = getenv("BRUL_MODEL");
	o->rules = getenv("BRUL_RULES");
	if ((env = getenv("BRUL_THREADS")) != NULL)
		o->threads = (int)brul_cli_long(&cli, "BRUL_THREADS", env, 1,
		    256);
	if ((env = getenv("BRUL_POOL")) != NULL)
		o->pool = (int)brul_cli_long(&cli, "BRUL_POOL", env, 1, 256);
	if ((env = getenv("BRUL_CORS_ORIGINS")) != NULL && *env) {
		/* Kept as long as the options: the process. */
		char *copy = strdup(env), *save = NULL;

		if (copy == NULL)
			exit(1);
		for (char *t = strtok_r(copy, ",", &save); t;
		    t = strtok_r(NULL, ",", &save))
			add_cors(o, t);
	}
	while ((ch = getopt_long(argc, argv, "q", longopts, NULL)) != -1) {
		if (brul_cli_option(&cli, &o->out, ch, optarg))
			continue;
		switch (ch) {
		case OPT_ACCESS_TTL:
			o->access_ttl = (int)brul_cli_duration(&cli,
			    "--access-ttl", optarg, 1, INT_MAX,
			    "a duration (90s, 30m, 12h, 7d)");
			break;
		case OPT_CHECK:
			o->check = 1;
			break;
		case OPT_CORS:
			add_cors(o, optarg);
			break;
		case OPT_CREATE:
			o->create_user = optarg;
			break;
		case OPT_DB:
			o->db = optarg;
			break;
		case OPT_DEV:
			o->dev = 1;
			break;
		case OPT_FULL_NAME:
			o->full_name = optarg;
			break;
		case OPT_KEEPALIVE:
			o->keepalive = (int)brul_cli_long(&cli, "--keepalive",
			    optarg, 1, 3600);
			break;
		case OPT_LISTEN:
			o->listen = optarg;
			break;
		case OPT_MAX_BODY:
			o->max_body = brul_cli_long(&cli, "--max-body", optarg,
			    256, 16 << 20);
			break;
		case OPT_MAX_CONNS:
			o->max_conns = brul_cli_long(&cli, "--max-connections",
			    optarg, 1, 65536);
			break;
		case OPT_MAX_STREAMS:
			o->max_streams = brul_cli_long(&cli, "--max-streams",
			    optarg, 1, 65536);
			break;
		case OPT_MODEL:
			o->model = optarg;
			break;
		case OPT_OPENAPI:
			o->openapi = optarg;
			break;
		case OPT_PASSWORD_FILE:
			o->password_file = optarg;
			break;
		case OPT_PER_IP:
			o->per_ip = brul_cli_long(&cli, "--per-ip", optarg, 0,
			    65536);
			break;
		case OPT_POOL:
			o->pool = (int)brul_cli_long(&cli, "--pool", optarg, 1,
			    256);
			break;
		case OPT_REFRESH_TTL:
			o->refresh_ttl = (int)brul_cli_duration(&cli,
			    "--refresh-ttl", optarg, 1, INT_MAX,
			    "a duration (90s, 30m, 12h, 7d)");
			break;
		case OPT_ROLE:
			o->role = optarg;
			break;
		case OPT_ROUTES:
			o->routes = 1;
			break;
		case OPT_RULES:
			o->rules = optarg;
			break;
		case OPT_SECRET_FILE:
			o->secret_file = optarg;
			break;
		case OPT_STREAMS_PER_IP:
			o->streams_per_ip = brul_cli_long(&cli,
			    "--streams-per-ip", optarg, 1, 65536);
			break;
		case OPT_STREAMS_PER_USER:
			o->streams_per_user = brul_cli_long(&cli,
			    "--streams-per-user", optarg, 1, 65536);
			break;
		case OPT_THREADS:
			o->threads = (int)brul_cli_long(&cli, "--threads",
			    optarg, 1, 256);
			break;
		case OPT_TIMEOUT:
			o->timeout = (int)brul_cli_long(&cli, "--timeout",
			    optarg, 1, 3600);
			break;
		case OPT_WWW:
			o->www = optarg;
			break;
		default:
			brul_cli_usage(&cli);
		}
	}
	if (optind < argc)
		brul_cli_misuse(&cli, "unexpected argument \"%s\"",
		    argv[optind]);
	if (o->dev && o->secret_file)
		brul_cli_misuse(&cli, "--dev makes a throwaway secret: not "
		    "with --secret-file");
	if (o->create_user && (o->role == NULL ||
	    brul_role_parse(o->role) == BRUL_ROLE_NONE))
		brul_cli_misuse(&cli, "--create-user needs --role viewer, "
		    "engineer or admin");
	if (o->create_user && !brul_username_ok(o->create_user))
		brul_cli_bad(&cli, "--create-user", BRUL_USERNAME_RULE,
		    o->create_user);
	if (brul_server_address(o->listen, &ss, &e) < 0)
		brul_cli_misuse(&cli, "%s", e.msg);
	if (o->threads == 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);

		o->threads = n > 0 ? (int)n : 2;
	}
	if (o->pool == 0)
		o->pool = o->threads + 2;
	/* Streams never take every connection: other requests (/health,
	 * a sign-in) must still get one. */
	if (o->max_conns == 0)
		o->max_conns = 1024;
	if (o->max_streams >= o->max_conns)
		brul_cli_misuse(&cli, "--max-streams %ld leaves no connection "
		    "for other requests: give fewer than --max-connections "
		    "(%ld)", o->max_streams, o->max_conns);
	if (o->max_streams == 0)
		o->max_streams = o->max_conns > 1 ? o->max_conns / 2 : 1;
}

/* The secret: --secret-file, BRUL_SECRET, or with --dev a random one.
 * Into buf; its length, or -1 having said why. */
static int
secret(const struct options *o, unsigned char *buf, size_t cap)
{
	const char *env = getenv("BRUL_SECRET");
	size_t n = 0;

	if (o->secret_file) {
		struct stat st;
		FILE *f = fopen(o->secret_file, "rb");

		if (f == NULL) {
			fprintf(stderr, "brul-serve: --secret-file: %s: cannot "
			    "open: %s\n", o->secret_file, strerror(errno));
			return -1;
		}
		if (fstat(fileno(f), &st) == 0 && (st.st_mode & 0077))
			fprintf(stderr, "brul-serve: warning: %s can be read "
			    "by others (chmod 600 it)\n", o->secret_file);
		n = fread(buf, 1, cap, f);
		fclose(f);
		while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
			n--;
	} else if (env && *env) {
		n = strlen(env) < cap ? strlen(env) : cap;
		memcpy(buf, env, n);
	} else if (o->dev) {
		randombytes_buf(buf, 32);
		fputs("brul-serve: --dev: a random secret for this run; tokens "
		    "end with it\n", stderr);
		return 32;
	} else {
		fputs("brul-serve: no secret: give --secret-file FILE (or "
		    "BRUL_SECRET_FILE, BRUL_SECRET); --dev makes a throwaway "
		    "one\n", stderr);
		return -1;
	}
	if (n < BRUL_SECRET_MIN) {
		fprintf(stderr, "brul-serve: the secret has %zu bytes; it needs "
		    "%d or more (head -c 48 /dev/urandom | base64 > FILE)\n",
		    n, BRUL_SECRET_MIN);
		return -1;
	}
	return (int)n;
}

/* A line from f without its newline; 0, or -1 at its end. */
static int
line(FILE *f, char *buf, size_t n)
{
	if (fgets(buf, (int)n, f) == NULL)
		return -1;
	buf[strcspn(buf, "\r\n")] = '\0';
	return 0;
}

/* The new user's password: the first line of --password-file, or typed
 * twice at the terminal without echo; never from argv. */
static int
password(const struct options *o, char *pw, size_t n)
{
	struct termios t, quiet;
	char again[1100];
	FILE *tty;
	int ok;

	if (o->password_file) {
		FILE *f = strcmp(o->password_file, "-") == 0 ? stdin :
		    fopen(o->password_file, "r");

		if (f == NULL) {
			fprintf(stderr, "brul-serve: --password-file: %s: "
			    "cannot open: %s\n", o->password_file,
			    strerror(errno));
			return -1;
		}
		if (line(f, pw, n) < 0) {
			fprintf(stderr, "brul-serve: --password-file: %s: no "
			    "password in it (an empty file)\n",
			    o->password_file);
			if (f != stdin)
				fclose(f);
			return -1;
		}
		if (f != stdin)
			fclose(f);
		return 0;
	}
	if ((tty = fopen("/dev/tty", "r+")) == NULL) {
		fputs("brul-serve: no terminal to ask the password on: give "
		    "--password-file FILE\n", stderr);
		return -1;
	}
	tcgetattr(fileno(tty), &t);
	quiet = t;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	tcsetattr(fileno(tty), TCSAFLUSH, &quiet);
	fprintf(tty, "password for %s: ", o->create_user);
	fflush(tty);
	ok = line(tty, pw, n) == 0;
	fprintf(tty, "\nagain: ");
	fflush(tty);
	ok = ok && line(tty, again, sizeof again) == 0;
	fputc('\n', tty);
	tcsetattr(fileno(tty), TCSAFLUSH, &t);
	fclose(tty);
	if (!ok || strcmp(pw, again) != 0) {
		fputs("brul-serve: the passwords differ\n", stderr);
		return -1;
	}
	sodium_memzero(again, sizeof again);
	return 0;
}

static int
create_user(const struct options *o)
{
	char pw[1100], hash[BRUL_PASSWD_HASH_MAX];
	const char *why, *v[4];
	struct brul_db *db;
	struct brul_err e;
	PGresult *res;
	int rc = 1;

	if (brul_passwd_init() < 0 || password(o, pw, sizeof pw) < 0)
		return 1;
	if ((why = brul_passwd_weak(pw)) != NULL) {
		fprintf(stderr, "brul-serve: the password is too weak: %s\n",
		    why);
		return 1;
	}
	if (brul_passwd_hash(pw, hash) < 0) {
		fputs("brul-serve: out of memory\n", stderr);
		return 1;
	}
	sodium_memzero(pw, sizeof pw);
	if ((db = brul_db_open(o->db, "brul-serve", &e)) == NULL ||
	    brul_db_schema_check(db, &e) < 0) {
		brul_cli_error(&cli, &e);
		brul_db_close(db);
		return 3;
	}
	v[0] = o->create_user;
	v[1] = hash;
	v[2] = o->role;
	v[3] = o->full_name;
	res = brul_db_query(db, "INSERT INTO users (username, password_hash, "
	    "role, full_name) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING "
	    "RETURNING user_id", 4, v, &e);
	if (res == NULL)
		brul_cli_error(&cli, &e);
	else if (PQntuples(res) == 0)
		fprintf(stderr, "brul-serve: a user named %s exists already\n",
		    o->create_user);
	else {
		fprintf(stderr, "brul-serve: created %s (%s), id %s\n",
		    o->create_user, o->role, PQgetvalue(res, 0, 0));
		rc = 0;
	}
	PQclear(res);
	brul_db_close(db);
	return rc;
}

/* --check-config: the secret, the address, the document, the database
 * and its schema; each said, the first failure fatal. */
static int
check(const struct options *o, const struct brul_serve_opts *so)
{
	struct brul_server *s;
	struct brul_db *db;
	struct brul_err e;

	printf("secret: %zu bytes\n", so->secret_len);
	if ((db = brul_db_open(o->db, "brul-serve", &e)) == NULL ||
	    brul_db_schema_check(db, &e) < 0) {
		brul_cli_error(&cli, &e);
		brul_db_close(db);
		return 3;
	}
	brul_db_close(db);
	printf("database: reachable, schema version %d\n",
	    BRUL_SCHEMA_VERSION);
	if ((s = brul_server_start(so, &e)) == NULL) {
		brul_cli_error(&cli, &e);
		return 1;
	}
	printf("listen: %s can be bound\nthreads: %d, pool: %d, CORS origins: "
	    "%d\nmodel: %s\n", o->listen, so->threads, so->pool, so->ncors,
	    so->model ? so->model : "none");
	brul_server_stop(s, 0);
	return 0;
}

int
main(int argc, char **argv)
{
	struct options o = { 0 };
	struct brul_serve_opts so = { 0 };
	unsigned char key[512];
	struct brul_server *s;
	struct brul_err e;
	sigset_t sigs;
	int n, sig;

	parse(argc, argv, &o);
	if (o.routes) {
		for (int i = 0; i < brul_nroutes; i++)
			printf("%s %s %s\n", brul_routes[i].method,
			    brul_routes[i].pattern,
			    brul_routes[i].role == BRUL_ROLE_NONE ? "public" :
			    brul_role_name(brul_routes[i].role));
		brul_cli_exit(&cli, 0);
	}
	if (sodium_init() < 0) {
		fputs("brul-serve: libsodium cannot start\n", stderr);
		return 1;
	}
	if (o.create_user)
		return create_user(&o);
	if ((n = secret(&o, key, sizeof key)) < 0)
		return 1;
	so.listen = o.listen;
	so.db = o.db;
	so.threads = o.threads;
	so.pool = o.pool;
	so.secret = key;
	so.secret_len = (size_t)n;
	so.cors = o.cors;
	so.ncors = o.ncors;
	so.quiet = o.out.quiet;
	so.access_ttl = o.access_ttl ? (int)o.access_ttl : 1800;
	so.refresh_ttl = o.refresh_ttl ? (int)o.refresh_ttl : 7 * 86400;
	so.max_body = o.max_body ? (size_t)o.max_body : 65536;
	so.timeout = o.timeout ? o.timeout : 15;
	so.keepalive = o.keepalive ? o.keepalive : 15;
	so.max_conns = (unsigned)o.max_conns;
	so.max_streams = (int)o.max_streams;
	so.streams_per_user = o.streams_per_user ? (int)o.streams_per_user :
	    8;
	so.streams_per_ip = o.streams_per_ip ? (int)o.streams_per_ip : 64;
	so.per_ip = o.per_ip ? (unsigned)o.per_ip : 512;
	so.openapi = o.openapi;
	so.www = o.www;
	so.model = o.model;
	so.rules = o.rules;
	if (o.check) {
		n = check(&o, &so);
		sodium_memzero(key, sizeof key);
		brul_cli_exit(&cli, n);
	}
	/* The signals are waited for here, not delivered to threads. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);
	if ((s = brul_server_start(&so, &e)) == NULL) {
		brul_cli_error(&cli, &e);
		return 1;
	}
	sodium_memzero(key, sizeof key);
	fprintf(stderr, "brul-serve: listening on http://%s:%d/ (%d threads, "
	    "%d database connections)\n", o.listen[0] == ':' ? "0.0.0.0" :
	    strndupa(o.listen, (size_t)(strrchr(o.listen, ':') - o.listen)),
	    brul_server_port(s), so.threads, so.pool);
	do
		sigwait(&sigs, &sig);
	while (sig == SIGHUP);
	fprintf(stderr, "brul-serve: %s: stopping\n", strsignal(sig));
	brul_server_stop(s, 10);
	return 0;
}

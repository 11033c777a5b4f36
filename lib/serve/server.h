/*
 * server.h: brul-serve's HTTP server: libmicrohttpd with a pool of threads
 * over a pool of PostgreSQL connections, the routes of api.h, tokens and
 * roles checked before every handler, the live stream (live.h), metrics
 * and an access log.
 *
 * Each request is read whole (a body over max_body is answered 413 without
 * being kept), matched to its route (404, or 405 with Allow), its token
 * checked (401; also for a user disabled or deleted) and its user's
 * current role (403; a change of role or a disabling takes effect within 5
 * seconds), then handled.  Every answer
 * carries Cache-Control: no-store, nosniff and a closed
 * Content-Security-Policy; CORS headers only for the origins configured.
 * A connection idle for `timeout` seconds is closed (slow clients cannot
 * hold threads: the threads only ever work on what has arrived), and
 * connections are limited in all and per address.
 *
 * Access log: one JSON line per request on stderr: time, address, method,
 * path (never the query string, which may hold a token), route, status,
 * bytes, milliseconds, user.
 *
 * The options are opts.h's.  Ownership: brul_server_start returns a
 * server that brul_server_stop stops and frees; it copies the options it
 * keeps.
 */
#ifndef BRUL_SERVER_H
#define BRUL_SERVER_H

#include <sys/socket.h>

#include "core/err.h"
#include "serve/opts.h"

struct brul_server;

/* Starts listening; NULL with err (address in use, no secret ...). */
struct brul_server *brul_server_start(const struct brul_serve_opts *o,
				      struct brul_err *err);
/* The socket address of listen, "host:port", "[v6]:port" or ":port"
 * (host numeric): 0, or -1 with err ("--listen: expected HOST:PORT,
 * not ..."), for a tool to refuse the option before it starts. */
int brul_server_address(const char *listen, struct sockaddr_storage *ss,
			struct brul_err *err);
/* The port it listens on (useful after ":0"). */
int brul_server_port(const struct brul_server *s);
/* Stops accepting, ends the live streams, lets requests in flight finish
 * for up to grace seconds, then stops and frees. */
void brul_server_stop(struct brul_server *s, int grace);

#endif

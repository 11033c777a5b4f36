/*
 * opts.h: what brul-serve is started with (brul-serve(1) gives each
 * option, its environment variable and its default).
 *
 * Ownership: plain storage of the caller's; the server copies what it
 * keeps.
 */
#ifndef BRUL_OPTS_H
#define BRUL_OPTS_H

#include <stddef.h>

struct brul_serve_opts {
	const char *listen;		/* "127.0.0.1:8080", "[::1]:0", ":8080" */
	const char *db;			/* conninfo; NULL: the environment */
	int threads;			/* request threads */
	int pool;			/* database connections */
	const unsigned char *secret;	/* signing key */
	size_t secret_len;
	const char *const *cors;	/* allowed origins */
	int ncors;
	int quiet;			/* no access log */
	int access_ttl, refresh_ttl;	/* seconds */
	size_t max_body;		/* bytes */
	int timeout;			/* seconds a connection may idle */
	int keepalive;			/* seconds between stream comments */
	int max_streams;		/* live streams at once */
	int streams_per_user, streams_per_ip;
	unsigned max_conns, per_ip;
	const char *openapi;		/* the OpenAPI document's path */
	const char *www;		/* the dashboard's directory */
	const char *model;		/* a model file, or NULL */
	const char *rules;		/* alert rules; NULL: the defaults */
};

#endif

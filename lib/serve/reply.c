/* reply.c: see reply.h. */
#include <microhttpd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "serve/app.h"
#include "serve/reply.h"

void
brul_reply_headers(struct brul_req *r, struct MHD_Response *resp)
{
	const char *origin = MHD_lookup_connection_value(r->conn,
	    MHD_HEADER_KIND, "Origin");

	/* A read's answer with an ETag may be kept, if checked each time. */
	MHD_add_response_header(resp, "Cache-Control", r->etagged ?
	    "private, no-cache" : "no-store");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Content-Security-Policy",
	    "default-src 'none'; frame-ancestors 'none'");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	if (origin && brul_app_cors(r->app, origin)) {
		MHD_add_response_header(resp, "Access-Control-Allow-Origin",
		    origin);
		MHD_add_response_header(resp, "Vary", "Origin");
	}
	if (r->close || atomic_load(&r->app->stopping))
		MHD_add_response_header(resp, "Connection", "close");
}

static int
queue(struct brul_req *r, int status, struct MHD_Response *resp, size_t n)
{
	int ret;

	brul_reply_headers(r, resp);
	if (status == MHD_HTTP_UNAUTHORIZED)
		MHD_add_response_header(resp, "WWW-Authenticate",
		    "Bearer realm=\"brul\"");
	ret = MHD_queue_response(r->conn, (unsigned)status, resp);
	MHD_destroy_response(resp);
	r->status = status;
	r->bytes = n;
	r->ret = ret;
	return ret;
}

int
brul_reply(struct brul_req *r, int status, const char *ctype,
	   const char *body, size_t n)
{
	struct MHD_Response *resp = MHD_create_response_from_buffer(n,
	    (void *)body, MHD_RESPMEM_MUST_COPY);

	if (resp == NULL)
		return r->ret = MHD_NO;
	if (ctype)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
		    ctype);
	return queue(r, status, resp, n);
}

int
brul_reply_json(struct brul_req *r, int status, const char *json)
{
	return brul_reply(r, status, "application/json", json, strlen(json));
}

int
brul_reply_jansson(struct brul_req *r, int status, json_t *o)
{
	char *s = json_dumps(o, JSON_COMPACT);
	int ret;

	json_decref(o);
	if (s == NULL)
		return brul_reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
		    "internal", "out of memory");
	ret = brul_reply_json(r, status, s);
	free(s);
	return ret;
}

int
brul_reply_none(struct brul_req *r)
{
	return brul_reply(r, MHD_HTTP_NO_CONTENT, NULL, "", 0);
}

char *
brul_error_body(int status, const char *code, const char *msg)
{
	char text[512];
	size_t n, at = 0;
	long k;
	json_t *o;
	char *s;

	/* jansson refuses a string that is not UTF-8. */
	n = (size_t)snprintf(text, sizeof text, "%s", msg);
	if (n >= sizeof text)
		n = sizeof text - 1;
	while ((k = brul_utf8_invalid(text + at, n - at)) >= 0) {
		text[at + (size_t)k] = '?';
		at += (size_t)k + 1;
	}
	if ((o = json_pack("{s:{s:i,s:s,s:s}}", "error", "status", status,
	    "code", code, "message", text)) == NULL)
		return NULL;
	s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return s;
}

int
brul_reply_error(struct brul_req *r, int status, const char *code,
		 const char *fmt, ...)
{
	char msg[512], *body;
	va_list ap;
	int ret;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if ((body = brul_error_body(status, code, msg)) == NULL)
		return brul_reply_json(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
		    "{\"error\":{\"status\":500,\"code\":\"internal\","
		    "\"message\":\"out of memory\"}}");
	ret = brul_reply_json(r, status, body);
	free(body);
	return ret;
}

int
brul_reply_not_allowed(struct brul_req *r, const char *allow)
{
	char body[256];
	struct MHD_Response *resp;
	int n = snprintf(body, sizeof body, "{\"error\":{\"status\":405,"
	    "\"code\":\"method_not_allowed\",\"message\":\"this path "
	    "takes %s\"}}", allow);

	if ((resp = MHD_create_response_from_buffer((size_t)n, body,
	    MHD_RESPMEM_MUST_COPY)) == NULL)
		return r->ret = MHD_NO;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
	    "application/json");
	MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, allow);
	return queue(r, MHD_HTTP_METHOD_NOT_ALLOWED, resp, (size_t)n);
}

int
brul_reply_throttled(struct brul_req *r, int seconds)
{
	char body[200], after[16];
	struct MHD_Response *resp;
	int n = snprintf(body, sizeof body, "{\"error\":{\"status\":429,"
	    "\"code\":\"throttled\",\"message\":\"too many failed "
	    "sign-ins; try again in %d s\"}}", seconds);

	snprintf(after, sizeof after, "%d", seconds);
	if ((resp = MHD_create_response_from_buffer((size_t)n, body,
	    MHD_RESPMEM_MUST_COPY)) == NULL)
		return r->ret = MHD_NO;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
	    "application/json");
	MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, after);
	return queue(r, MHD_HTTP_TOO_MANY_REQUESTS, resp, (size_t)n);
}

int
brul_reply_kept(struct brul_req *r, char *body, size_t n, const char *etag)
{
	const char *inm = MHD_lookup_connection_value(r->conn,
	    MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_NONE_MATCH);
	int fresh = inm != NULL && strcmp(inm, etag) == 0;
	struct MHD_Response *resp;

	if (fresh) {
		free(body);
		body = NULL;
		n = 0;
	}
	resp = fresh ? MHD_create_response_from_buffer(0, (void *)"",
	    MHD_RESPMEM_PERSISTENT) : MHD_create_response_from_buffer(n, body,
	    MHD_RESPMEM_MUST_FREE);
	if (resp == NULL) {
		free(body);
		return r->ret = MHD_NO;
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
	    "application/json");
	MHD_add_response_header(resp, MHD_HTTP_HEADER_ETAG, etag);
	r->etagged = 1;
	return queue(r, fresh ? MHD_HTTP_NOT_MODIFIED : MHD_HTTP_OK, resp, n);
}

int
brul_reply_sbuf(struct brul_req *r, int status, struct brul_sbuf *b)
{
	struct MHD_Response *resp;
	char etag[BRUL_ETAG_SIZE];

	if (b->oom || b->s == NULL) {
		free(b->s);
		b->s = NULL;
		return brul_reply_error(r, 500, "internal", "out of memory");
	}
	if (r->keep && status == MHD_HTTP_OK) {
		char *s = b->s;

		brul_answers_etag(s, b->n, etag);
		if (r->keep_key != NULL)
			brul_answers_put(r->app->answers, r->keep_key,
			    r->keep_version, s, b->n, etag);
		b->s = NULL;
		return brul_reply_kept(r, s, b->n, etag);
	}
	resp = MHD_create_response_from_buffer(b->n, b->s,
	    MHD_RESPMEM_MUST_FREE);
	if (resp == NULL) {
		free(b->s);
		b->s = NULL;
		return r->ret = MHD_NO;
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
	    "application/json");
	b->s = NULL;
	return queue(r, status, resp, b->n);
}

int
brul_reply_file(struct brul_req *r, const struct brul_www_file *f)
{
	const char *inm = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_IF_NONE_MATCH);
	int fresh = inm && strcmp(inm, f->etag) == 0;
	struct MHD_Response *resp = MHD_create_response_from_buffer(
	    fresh ? 0 : f->n, fresh ? (void *)"" : f->data,
	    MHD_RESPMEM_PERSISTENT);
	int ret;

	if (resp == NULL)
		return r->ret = MHD_NO;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, f->ctype);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_ETAG, f->etag);
	/* Revalidated each time: a changed script is never run stale. */
	MHD_add_response_header(resp, "Cache-Control", "no-cache");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(resp, "Content-Security-Policy",
	    "default-src 'self'; script-src 'self'; style-src 'self'; "
	    "img-src 'self' data:; connect-src 'self'; object-src 'none'; "
	    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
	ret = MHD_queue_response(r->conn, fresh ? MHD_HTTP_NOT_MODIFIED :
	    MHD_HTTP_OK, resp);
	MHD_destroy_response(resp);
	r->status = fresh ? MHD_HTTP_NOT_MODIFIED : MHD_HTTP_OK;
	r->bytes = fresh ? 0 : f->n;
	return r->ret = ret;
}

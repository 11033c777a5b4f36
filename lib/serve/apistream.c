/* apistream.c: GET /api/v1/stream, the live stream (live.h), filtered by
 * site or battery, from Last-Event-ID; 429 past the hub's limits. */
#include <microhttpd.h>

#include "serve/api.h"

int
brul_api_stream(struct brul_req *r)
{
	struct brul_live_req q = { .who = &r->who };
	enum brul_live_refusal why;
	struct MHD_Response *resp;
	struct brul_err err;
	int ret;

	if (brul_arg_id(r, "site", &q.site) < 0 ||
	    brul_arg_id(r, "battery", &q.battery) < 0)
		return r->ret;
	/* A browser that reconnects says the id of the last event it got. */
	q.last_id = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
	    "Last-Event-ID");
	if ((resp = brul_live_open(r->app->live, r->conn, &q, &why,
	    &err)) == NULL)
		return why == BRUL_LIVE_NOMEM ? brul_reply_error(r,
		    MHD_HTTP_INTERNAL_SERVER_ERROR, "internal", "%s",
		    err.msg) : brul_reply_error(r, MHD_HTTP_TOO_MANY_REQUESTS,
		    "too_many_streams", "%s", err.msg);
	brul_reply_headers(r, resp);
	ret = MHD_queue_response(r->conn, MHD_HTTP_OK, resp);
	MHD_destroy_response(resp);
	r->status = MHD_HTTP_OK;
	r->stream = 1;
	return r->ret = ret;
}

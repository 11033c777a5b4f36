/* apistream.c: GET /api/v1/stream, the live stream (live.h), filtered by
 * site or battery. */
#include <microhttpd.h>

#include "serve/api.h"

int
brul_api_stream(struct brul_req *r)
{
	const char *site = NULL, *bat = NULL;
	struct MHD_Response *resp;
	int ret;

	if (brul_arg_id(r, "site", &site) < 0 ||
	    brul_arg_id(r, "battery", &bat) < 0)
		return r->ret;
	if ((resp = brul_live_open(r->app->live, r->conn, r->who.user_id,
	    r->who.exp, site, bat)) == NULL)
		return brul_reply_error(r, 500, "internal", "out of memory");
	brul_reply_headers(r, resp);
	ret = MHD_queue_response(r->conn, MHD_HTTP_OK, resp);
	MHD_destroy_response(resp);
	r->status = MHD_HTTP_OK;
	r->stream = 1;
	return r->ret = ret;
}

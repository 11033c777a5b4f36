/* apiconfig.c: what the server was started with, for the dashboard: the
 * model (/api/v1/model, modelinfo.h) and the alert rules in force
 * (/api/v1/alert-rules), which draw thresholds on a block's charts. */
#include <stdlib.h>
#include <string.h>

#include "ml/modelinfo.h"
#include "serve/api.h"
#include "serve/log.h"

int
brul_api_model(struct brul_req *r)
{
	struct brul_err e;
	char *text;
	size_t n;
	int ret;

	if (r->app->model == NULL)
		return brul_reply_error(r, 404, "not_found", "no model: start "
		    "brul-serve with --model FILE");
	if ((text = brul_modelinfo_get(r->app->model, &n, &e)) == NULL) {
		brul_log_failure(r, &e);
		return brul_reply_error(r, 503, "unavailable", "the model "
		    "cannot be read now");
	}
	ret = brul_reply(r, 200, "application/json", text, n);
	free(text);
	return ret;
}

int
brul_api_rules(struct brul_req *r)
{
	return brul_reply(r, 200, "application/json", r->app->rules,
	    r->app->nrules);
}

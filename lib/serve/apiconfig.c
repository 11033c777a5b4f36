/* apiconfig.c: what the server was started with, for the dashboard: the
 * model (/api/v1/model, modelinfo.h) and the alert rules in force
 * (/api/v1/alert-rules), which draw thresholds on a block's charts. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "alert/rules.h"
#include "ml/modelinfo.h"
#include "serve/api.h"
#include "serve/serverint.h"

int
brul_api_model(struct brul_req *r)
{
	struct brul_err e;
	char *text;
	size_t n;
	int ret;

	if (r->srv->model == NULL)
		return brul_reply_error(r, 404, "not_found", "no model: start "
		    "brul-serve with --model FILE");
	if ((text = brul_modelinfo_get(r->srv->model, &n, &e)) == NULL) {
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
	return brul_reply(r, 200, "application/json", r->srv->rules,
	    r->srv->nrules);
}

static json_t *
threshold(double v)
{
	return isnan(v) ? json_null() : json_real(v);
}

char *
brul_rules_json(const struct brul_rules *rs, size_t *n)
{
	static const char *const scopes[] = { "block", "string", "site" };
	static const char *const aggs[] = { "max", "min", "mean", "spread" };
	static const char *const rel[] = { "none", "difference", "percent" };
	json_t *a = json_array(), *o;
	char *text;

	for (int i = 0; a && i < rs->n; i++) {
		const struct brul_rule *x = &rs->v[i];

		o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:o,s:I,s:I,"
		    "s:s,s:o,s:o,s:o,s:o,s:I}",
		    "name", x->name, "label", x->label, "unit", x->unit,
		    "source", brul_source_name(x->source),
		    "scope", scopes[x->scope], "aggregate", aggs[x->agg],
		    "metric", x->m.name, "relative", rel[x->m.relative],
		    "baseline", x->m.relative == BRUL_REL_NONE ? json_null() :
		    x->m.baseline_fleet ? json_string("fleet") :
		    json_integer(x->m.baseline_s),
		    "smooth_s", (json_int_t)x->m.smooth_s,
		    "for_s", (json_int_t)x->for_s,
		    "direction", x->above ? "above" : "below",
		    "warning", threshold(x->warning),
		    "critical", threshold(x->critical),
		    "clear", threshold(x->clear),
		    "critical_clear", threshold(x->critical_clear),
		    "decimals", (json_int_t)x->decimals);
		if (o == NULL || json_array_append_new(a, o) < 0) {
			json_decref(a);
			a = NULL;
		}
	}
	o = a ? json_pack("{s:o}", "rules", a) : NULL;
	/* 15 digits give back what a person wrote in the rules file. */
	text = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER |
	    JSON_REAL_PRECISION(15)) : NULL;
	json_decref(o);
	if (text)
		*n = strlen(text);
	return text;
}

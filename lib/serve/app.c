/* app.c: see app.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert/rules.h"
#include "core/datadir.h"
#include "serve/app.h"
#include "serve/passwd.h"

static int
oom(struct brul_err *err)
{
	return brul_err_set(err, NULL, 0, 0, "out of memory");
}

/* err, its place prefixed with the option that named the file: "--model:
 * m.json: cannot open: No such file or directory".  -1. */
static int
name_option(struct brul_err *err, const char *opt)
{
	size_t n, at;

	if (err == NULL)
		return -1;
	/* shift the place right, truncated to fit, then write the option */
	n = strlen(opt) + 2;
	if (n >= sizeof err->where)
		return -1;
	at = strnlen(err->where, sizeof err->where - 1 - n);
	memmove(err->where + n, err->where, at);
	err->where[n + at] = '\0';
	memcpy(err->where, opt, n - 2);
	memcpy(err->where + n - 2, ": ", 2);
	return -1;
}

/* The OpenAPI document (path, else data/openapi.json), read whole. */
static int
load_openapi(struct brul_app *a, const char *given, struct brul_err *err)
{
	char path[4096];
	FILE *f;
	long n;

	if (given)
		snprintf(path, sizeof path, "%s", given);
	else if (brul_data_path("openapi.json", path, sizeof path, err) < 0)
		return -1;
	if ((f = fopen(path, "rb")) == NULL)
		return brul_err_set(err, path, 0, 0, "cannot open: %s",
		    strerror(errno));
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 &&
	    fseek(f, 0, SEEK_SET) == 0 &&
	    (a->openapi = malloc((size_t)n)) != NULL &&
	    fread(a->openapi, 1, (size_t)n, f) == (size_t)n) {
		a->nopenapi = (size_t)n;
		fclose(f);
		return 0;
	}
	fclose(f);
	return brul_err_set(err, path, 0, 0, "cannot read it");
}

/* The dashboard: dir, else data/www when it is there. */
static int
load_www(struct brul_app *a, const char *dir, struct brul_err *err)
{
	char path[4096];
	struct brul_err ignore;

	if (dir == NULL && brul_data_path("www/index.html", path, sizeof path,
	    &ignore) == 0) {
		path[strlen(path) - strlen("/index.html")] = '\0';
		dir = path;
	}
	return (a->www = brul_www_load(dir, err)) == NULL ? -1 : 0;
}

/* The model, checked now so that a wrong path is said at start; it is
 * read again whenever it changes. */
static int
load_model(struct brul_app *a, const char *path, struct brul_err *err)
{
	json_t *o;

	if (path == NULL)
		return 0;
	if ((o = brul_modelinfo_read(path, err)) == NULL)
		return -1;
	json_decref(o);
	if ((a->model = brul_modelinfo_new(path)) == NULL)
		return oom(err);
	return 0;
}

/* The alert rules (path NULL: brul-alert's defaults), as brul-alert reads
 * them. */
static int
load_rules(struct brul_app *a, const char *path, struct brul_err *err)
{
	struct brul_rules rs = { 0 };

	if (brul_rules_load(&rs, path, err) < 0)
		return -1;
	a->rules = brul_rules_json(&rs, &a->nrules);
	brul_rules_release(&rs);
	return a->rules ? 0 : oom(err);
}

/* What the app keeps of the options, copied. */
static int
copy_opts(struct brul_app *a, const struct brul_serve_opts *o,
	  struct brul_err *err)
{
	a->secret_len = o->secret_len;
	a->access_ttl = o->access_ttl;
	a->refresh_ttl = o->refresh_ttl;
	a->max_body = o->max_body;
	if ((a->secret = malloc(o->secret_len ? o->secret_len : 1)) == NULL ||
	    (o->db && (a->db = strdup(o->db)) == NULL) ||
	    (a->cors = calloc((size_t)o->ncors + 1, sizeof *a->cors)) == NULL)
		return oom(err);
	memcpy(a->secret, o->secret, o->secret_len);
	for (; a->ncors < o->ncors; a->ncors++)
		if ((a->cors[a->ncors] = strdup(o->cors[a->ncors])) == NULL)
			return oom(err);
	return 0;
}

int
brul_app_init(struct brul_app *a, const struct brul_serve_opts *o,
	      const struct brul_route *routes, int nroutes,
	      struct brul_err *err)
{
	struct brul_live_opts lo = { 0 };

	memset(a, 0, sizeof *a);
	brul_usercache_init(&a->users);
	brul_totals_init(&a->totals, &a->changes);
	if (copy_opts(a, o, err) < 0)
		return -1;
	if (load_openapi(a, o->openapi, err) < 0)
		return o->openapi ? name_option(err, "--openapi") : -1;
	if (load_www(a, o->www, err) < 0)
		return o->www ? name_option(err, "--www") : -1;
	if (load_model(a, o->model, err) < 0)
		return name_option(err, "--model");
	if (load_rules(a, o->rules, err) < 0)
		return o->rules ? name_option(err, "--rules") : -1;
	if (brul_passwd_init() < 0)
		return brul_err_set(err, NULL, 0, 0, "libsodium cannot start");
	a->pool = brul_pool_new(a->db, o->pool);
	a->throttle = brul_throttle_new();
	a->deny = brul_denylist_new(a->access_ttl);
	a->prom = brul_prom_new(routes, nroutes);
	a->answers = brul_answers_new(BRUL_ANSWERS_BYTES);
	if (!a->pool || !a->throttle || !a->deny || !a->prom || !a->answers)
		return oom(err);
	lo.keepalive = o->keepalive;
	lo.deny = a->deny;
	lo.max_streams = o->max_streams;
	lo.per_user = o->streams_per_user;
	lo.per_addr = o->streams_per_ip;
	lo.version = &a->version;
	lo.listening = &a->listening;
	if ((a->live = brul_live_start(a->db, &lo, a->prom, &a->changes,
	    err)) == NULL)
		return -1;
	return 0;
}

void
brul_app_release(struct brul_app *a)
{
	brul_live_stop(a->live);
	brul_answers_free(a->answers);
	brul_pool_free(a->pool);
	brul_throttle_free(a->throttle);
	brul_denylist_free(a->deny);
	brul_prom_free(a->prom);
	for (int i = 0; a->cors && i < a->ncors; i++)
		free(a->cors[i]);
	free(a->cors);
	if (a->secret)
		memset(a->secret, 0, a->secret_len);
	free(a->secret);
	free(a->db);
	free(a->openapi);
	brul_www_free(a->www);
	brul_modelinfo_free(a->model);
	free(a->rules);
	brul_usercache_release(&a->users);
	brul_totals_release(&a->totals);
	memset(a, 0, sizeof *a);
}

int
brul_app_cors(const struct brul_app *a, const char *origin)
{
	for (int i = 0; i < a->ncors; i++)
		if (strcmp(a->cors[i], origin) == 0)
			return 1;
	return 0;
}

void
brul_app_forget_user(struct brul_app *a, long long id)
{
	brul_usercache_forget(&a->users, id);
	brul_live_recheck(a->live);
}

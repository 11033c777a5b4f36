/* modelinfo.c: a model file's summary (modelinfo.h). */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/timefmt.h"
#include "ml/modelinfo.h"

/* An attribute that holds JSON text (brul_cv, brul_oof ...) parsed, or
 * null when it is absent or not JSON. */
static json_t *
parsed(json_t *attrs, const char *key)
{
	const char *s = json_string_value(json_object_get(attrs, key));
	json_t *v = s ? json_loads(s, 0, NULL) : NULL;

	return v ? v : json_null();
}

/* An attribute that holds a whole number, as one; else null. */
static json_t *
integer(json_t *attrs, const char *key)
{
	const char *s = json_string_value(json_object_get(attrs, key));
	char *end;
	long long v;

	if (s == NULL || *s == '\0')
		return json_null();
	v = strtoll(s, &end, 10);
	return *end ? json_null() : json_integer(v);
}

static json_t *
text(json_t *attrs, const char *key)
{
	json_t *v = json_object_get(attrs, key);

	return json_is_string(v) ? json_incref(v) : json_null();
}

json_t *
brul_modelinfo_read(const char *path, struct brul_err *err)
{
	json_error_t je;
	json_t *root, *learner, *attrs, *names, *out, *trees;
	struct stat st;
	char when[32];
	const char *base = strrchr(path, '/');

	if (stat(path, &st) < 0)
		return brul_err_set(err, path, 0, 0, "cannot open: %s",
		    strerror(errno)), NULL;
	if ((root = json_load_file(path, 0, &je)) == NULL) {
		brul_err_set(err, path, je.line, je.column, "%s", je.text);
		return NULL;
	}
	learner = json_object_get(root, "learner");
	attrs = json_object_get(learner, "attributes");
	if (!json_is_object(attrs) ||
	    !json_is_string(json_object_get(attrs, "brul_model_id"))) {
		json_decref(root);
		brul_err_set(err, path, 0, 0, "not a model brul-train wrote");
		return NULL;
	}
	names = json_object_get(learner, "feature_names");
	trees = json_object_get(json_object_get(json_object_get(learner,
	    "gradient_booster"), "model"), "gbtree_model_param");
	when[brul_time_format(when, (int64_t)st.st_mtime)] = '\0';
	out = json_pack("{s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,"
	    "s:{s:s,s:I,s:s}}",
	    "model_id", text(attrs, "brul_model_id"),
	    "objective", text(attrs, "brul_objective"),
	    "brul_version", text(attrs, "brul_version"),
	    "fingerprint", text(attrs, "brul_fingerprint"),
	    "seed", integer(attrs, "brul_seed"),
	    "window_s", integer(attrs, "brul_window_s"),
	    "trees", integer(trees, "num_trees"),
	    "features", json_is_array(names) ? json_incref(names) :
	    json_array(),
	    "cv", parsed(attrs, "brul_cv"),
	    "oof", parsed(attrs, "brul_oof"),
	    "hazard", parsed(attrs, "brul_hazard"),
	    "file", "name", base ? base + 1 : path,
	    "bytes", (json_int_t)st.st_size, "modified", when);
	json_decref(root);
	if (out == NULL)
		brul_err_set(err, path, 0, 0, "out of memory");
	return out;
}

struct brul_modelinfo {
	pthread_mutex_t mu;
	char *path;
	struct timespec mtime;
	off_t size;
	char *text;		/* the summary of that version */
	size_t n;
};

struct brul_modelinfo *
brul_modelinfo_new(const char *path)
{
	struct brul_modelinfo *m = calloc(1, sizeof *m);

	if (m == NULL || (m->path = strdup(path)) == NULL) {
		free(m);
		return NULL;
	}
	pthread_mutex_init(&m->mu, NULL);
	return m;
}

char *
brul_modelinfo_get(struct brul_modelinfo *m, size_t *n,
		   struct brul_err *err)
{
	struct stat st;
	char *copy = NULL;

	pthread_mutex_lock(&m->mu);
	if (stat(m->path, &st) < 0) {
		brul_err_set(err, m->path, 0, 0, "cannot read it");
		goto out;
	}
	if (m->text == NULL || st.st_size != m->size ||
	    st.st_mtim.tv_sec != m->mtime.tv_sec ||
	    st.st_mtim.tv_nsec != m->mtime.tv_nsec) {
		json_t *o = brul_modelinfo_read(m->path, err);
		char *t;

		if (o == NULL)
			goto out;
		t = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
		json_decref(o);
		if (t == NULL) {
			brul_err_set(err, m->path, 0, 0, "out of memory");
			goto out;
		}
		free(m->text);
		m->text = t;
		m->n = strlen(t);
		m->size = st.st_size;
		m->mtime = st.st_mtim;
	}
	if ((copy = malloc(m->n + 1)) == NULL)
		brul_err_set(err, m->path, 0, 0, "out of memory");
	else {
		memcpy(copy, m->text, m->n + 1);
		*n = m->n;
	}
out:
	pthread_mutex_unlock(&m->mu);
	return copy;
}

void
brul_modelinfo_free(struct brul_modelinfo *m)
{
	if (m == NULL)
		return;
	pthread_mutex_destroy(&m->mu);
	free(m->path);
	free(m->text);
	free(m);
}

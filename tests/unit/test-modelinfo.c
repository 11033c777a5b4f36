/* test-modelinfo.c: a model file's summary (modelinfo.h): what is kept,
 * what is parsed, a file that is not a model, and reading again when the
 * file changes. */
#include <stdlib.h>
#include <unistd.h>

#include "ml/modelinfo.h"
#include "tap.h"

static void
put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	fputs(text, f);
	fclose(f);
}

/* A model as brul-train writes one, its trees left out. */
static const char model[] =
    "{\"learner\":{\"attributes\":{\"brul_model_id\":\"%s\","
    "\"brul_objective\":\"regression\",\"brul_seed\":\"7\","
    "\"brul_window_s\":\"86400\",\"brul_fingerprint\":\"abc\","
    "\"brul_cv\":\"{\\\"model\\\":{\\\"all\\\":{\\\"rows\\\":12}}}\","
    "\"brul_oof\":\"not json\"},"
    "\"feature_names\":[\"v_mean_v\",\"r_ratio\"],"
    "\"gradient_booster\":{\"model\":{\"gbtree_model_param\":"
    "{\"num_trees\":\"30\"}}}},\"version\":[2,0,0]}";

int
main(void)
{
	struct tap t = { 0 };
	char dir[] = "/tmp/brul-mi.XXXXXX", path[64], text[1024], *s;
	struct brul_modelinfo *m;
	struct brul_err e;
	json_t *o;
	size_t n;

	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(path, sizeof path, "%s/model.json", dir);
	snprintf(text, sizeof text, model, "m1");
	put(path, text);

	o = brul_modelinfo_read(path, &e);
	tap_ok(&t, o != NULL, "a model is read");
	tap_streq(&t, json_string_value(json_object_get(o, "model_id")), "m1",
	    "its id");
	tap_ok(&t, json_integer_value(json_object_get(o, "seed")) == 7 &&
	    json_integer_value(json_object_get(o, "window_s")) == 86400 &&
	    json_integer_value(json_object_get(o, "trees")) == 30,
	    "numbers kept as attributes' text become numbers");
	tap_ok(&t, json_array_size(json_object_get(o, "features")) == 2,
	    "the features");
	tap_ok(&t, json_integer_value(json_object_get(json_object_get(
	    json_object_get(json_object_get(o, "cv"), "model"), "all"),
	    "rows")) == 12, "brul_cv is parsed, not passed on as text");
	tap_ok(&t, json_is_null(json_object_get(o, "oof")),
	    "an attribute that is not JSON is null");
	tap_streq(&t, json_string_value(json_object_get(json_object_get(o,
	    "file"), "name")), "model.json", "the file's name, not its path");
	json_decref(o);

	put(path, "{\"learner\":{\"attributes\":{}}}");
	tap_ok(&t, brul_modelinfo_read(path, &e) == NULL &&
	    strstr(e.msg, "not a model") != NULL, "a model brul-train did "
	    "not write is refused");
	put(path, "{");
	tap_ok(&t, brul_modelinfo_read(path, &e) == NULL, "so is bad JSON");

	snprintf(text, sizeof text, model, "m1");
	put(path, text);
	m = brul_modelinfo_new(path);
	s = brul_modelinfo_get(m, &n, &e);
	tap_ok(&t, s && strstr(s, "\"model_id\":\"m1\"") && strlen(s) == n,
	    "the summary as text");
	free(s);
	snprintf(text, sizeof text, model, "retrained");
	put(path, text);
	s = brul_modelinfo_get(m, &n, &e);
	tap_ok(&t, s && strstr(s, "\"model_id\":\"retrained\""),
	    "a file replaced is read again");
	free(s);
	unlink(path);
	tap_ok(&t, brul_modelinfo_get(m, &n, &e) == NULL, "a file gone is an "
	    "error, not the old summary");
	brul_modelinfo_free(m);
	rmdir(dir);
	return tap_done(&t);
}

/* model.c: see model.h. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <xgboost/c_api.h>

#include "core/id.h"
#include "core/publish.h"
#include "core/reader.h"
#include "core/streams.h"
#include "ml/featmap.h"
#include "ml/model.h"

const char *
brul_objective_name(enum brul_objective o)
{
	return o == BRUL_OBJ_SURVIVAL ? "survival" : "regression";
}

int
brul_objective_parse(const char *s)
{
	if (strcmp(s, "regression") == 0)
		return BRUL_OBJ_REGRESSION;
	if (strcmp(s, "survival") == 0)
		return BRUL_OBJ_SURVIVAL;
	return -1;
}

/* XGBoost's last error, without the time and source position it starts
 * with ("[04:31:40] src/learner.cc:1234: ") and the stack trace that may
 * follow. */
static const char *
xgb_message(char *buf, size_t n)
{
	const char *s = XGBGetLastError(), *p;

	if (*s == '[' && (p = strstr(s, "] ")) != NULL)
		s = p + 2;
	if ((p = strstr(s, ": ")) != NULL && memchr(s, ' ', (size_t)(p - s))
	    == NULL && memchr(s, ':', (size_t)(p - s)) != NULL)
		s = p + 2;
	snprintf(buf, n, "%.*s", (int)strcspn(s, "\n"), s);
	return buf;
}

static int
xgb_fail(struct brul_err *err, const char *what)
{
	char msg[256];

	return brul_err_set(err, NULL, 0, 0, "xgboost: %s: %s", what,
	    xgb_message(msg, sizeof msg));
}

static int
oom(struct brul_err *err)
{
	return brul_err_set(err, NULL, 0, 0, "out of memory");
}

static char **
copy_names(const char *const *names, int n)
{
	char **v = calloc((size_t)n + 1, sizeof *v);

	for (int i = 0; v && i < n; i++)
		if ((v[i] = strdup(names[i])) == NULL) {
			brul_featmap_names_free(v);
			return NULL;
		}
	return v;
}

void
brul_model_release(struct brul_model *m)
{
	if (m->booster)
		XGBoosterFree(m->booster);
	brul_featmap_names_free(m->features);
	free(m->coverage);
	memset(m, 0, sizeof *m);
}

static int
cmp_float(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;

	return (x > y) - (x < y);
}

/* The median of v[0..n), which it sorts. */
static float
median(float *v, size_t n)
{
	qsort(v, n, sizeof *v, cmp_float);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* A sudden failure ends the block before it wears out: its wear-out is
 * only known to come later.  Survival takes it so, as censored;
 * regression cannot, and learning its end as wear-out would pull every
 * prediction towards the failures no trend foretells, which the hazard
 * models apart: there it weighs nothing. */
static int
ends_sudden(const struct brul_label *l)
{
	return l->sudden && !l->censored;
}

/* The labels XGBoost gets for the objective; base is the median of those
 * it learns from, which starts the boosting where the data are. */
static int
set_labels(DMatrixHandle dm, enum brul_objective obj,
    const struct brul_label *labels, size_t n, float *base,
    struct brul_err *err)
{
	float *lo = malloc(n * sizeof *lo), *hi = malloc(n * sizeof *hi);
	size_t m = 0;
	int rc = -1;

	if (lo == NULL || hi == NULL) {
		oom(err);
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		double t = labels[i].rul_days;

		if (obj == BRUL_OBJ_SURVIVAL) {
			lo[i] = (float)(t + 1);
			hi[i] = labels[i].censored || ends_sudden(&labels[i]) ?
			    INFINITY : lo[i];
		} else
			lo[i] = (float)log1p(t);
	}
	if (obj == BRUL_OBJ_SURVIVAL) {
		if (XGDMatrixSetFloatInfo(dm, "label_lower_bound", lo,
		    n) != 0 || XGDMatrixSetFloatInfo(dm, "label_upper_bound",
		    hi, n) != 0) {
			xgb_fail(err, "labels");
			goto out;
		}
	} else if (XGDMatrixSetFloatInfo(dm, "label", lo, n) != 0) {
		xgb_fail(err, "labels");
		goto out;
	}
	/* XGBoost has copied the bounds: hi takes the learnt rows' labels */
	for (size_t i = 0; i < n; i++)
		if (obj == BRUL_OBJ_SURVIVAL || !ends_sudden(&labels[i]))
			hi[m++] = lo[i];
	*base = m > 0 ? median(hi, m) : 0;
	if (!(*base > 0))	/* AFT takes its log */
		*base = 1;
	rc = 0;
out:
	free(lo);
	free(hi);
	return rc;
}

/* For regression, the rows whose end of life is known to come within a
 * year weigh p->short_weight: that is where a prediction is acted on, and
 * they are a tenth of a fleet's rows; a row that ends suddenly weighs
 * nothing.  Not for survival: a weight that depends on whether the end
 * was seen tilts the likelihood of the censored rows, and the model
 * learns that blocks die young. */
static int
set_weights(DMatrixHandle dm, const struct brul_train_params *p,
    const struct brul_label *labels, size_t n, struct brul_err *err)
{
	float *w, sw = p->short_weight > 0 ? (float)p->short_weight : 1;
	int rc = 0;

	if (p->objective == BRUL_OBJ_SURVIVAL)
		return 0;
	if ((w = malloc((n ? n : 1) * sizeof *w)) == NULL)
		return oom(err);
	for (size_t i = 0; i < n; i++)
		w[i] = ends_sudden(&labels[i]) ? 0 :
		    !labels[i].censored &&
		    labels[i].rul_days <= BRUL_SHORT_DAYS ? sw : 1;
	if (XGDMatrixSetFloatInfo(dm, "weight", w, (bst_ulong)n) != 0)
		rc = xgb_fail(err, "weights");
	free(w);
	return rc;
}

static int
set_params(BoosterHandle b, const struct brul_train_params *p, float base,
    struct brul_err *err)
{
	char depth[16], eta[32], threads[16], seed[32], bs[32], sigma[32];
	const char *kv[][2] = {
		{ "booster", "gbtree" },
		{ "tree_method", "hist" },
		{ "objective", p->objective == BRUL_OBJ_SURVIVAL ?
		    "survival:aft" : "reg:squarederror" },
		{ "eval_metric", p->objective == BRUL_OBJ_SURVIVAL ?
		    "aft-nloglik" : "rmse" },
		{ "max_depth", depth },
		{ "eta", eta },
		{ "subsample", "0.8" },
		{ "colsample_bytree", "0.8" },
		{ "min_child_weight", "20" },
		{ "seed", seed },
		{ "base_score", bs },
		{ "verbosity", "0" },
		{ "nthread", p->threads > 0 ? threads : NULL },
		{ "aft_loss_distribution", p->objective == BRUL_OBJ_SURVIVAL ?
		    "normal" : NULL },
		{ "aft_loss_distribution_scale",
		    p->objective == BRUL_OBJ_SURVIVAL ? sigma : NULL },
	};

	snprintf(depth, sizeof depth, "%d", p->depth);
	snprintf(eta, sizeof eta, "%.17g", p->eta);
	snprintf(threads, sizeof threads, "%d", p->threads);
	snprintf(seed, sizeof seed, "%llu",
	    (unsigned long long)(p->seed & 0x7fffffff));
	snprintf(bs, sizeof bs, "%.9g", (double)base);
	snprintf(sigma, sizeof sigma, "%.17g",
	    p->aft_sigma > 0 ? p->aft_sigma : 0.5);
	for (size_t i = 0; i < sizeof kv / sizeof kv[0]; i++)
		if (kv[i][1] && XGBoosterSetParam(b, kv[i][0], kv[i][1]) != 0)
			return xgb_fail(err, kv[i][0]);
	return 0;
}

int
brul_model_train(struct brul_model *m, const struct brul_train_params *p,
    const float *x, size_t n, int nfeat, const char *const *names,
    const struct brul_label *labels, struct brul_err *err)
{
	DMatrixHandle dm = NULL;
	float base;
	int rc = -1;

	memset(m, 0, sizeof *m);
	m->objective = p->objective;
	m->nfeat = nfeat;
	if (n == 0)
		return brul_err_set(err, NULL, 0, 0, "no rows to train on");
	if ((m->features = copy_names(names, nfeat)) == NULL)
		return oom(err);
	if (XGDMatrixCreateFromMat(x, n, (bst_ulong)nfeat, NAN, &dm) != 0) {
		xgb_fail(err, "matrix");
		goto out;
	}
	if (set_labels(dm, p->objective, labels, n, &base, err) < 0 ||
	    set_weights(dm, p, labels, n, err) < 0)
		goto out;
	if (XGBoosterCreate(&dm, 1, &m->booster) != 0) {
		xgb_fail(err, "booster");
		goto out;
	}
	if (set_params(m->booster, p, base, err) < 0)
		goto out;
	if (XGBoosterSetStrFeatureInfo(m->booster, "feature_name",
	    (const char **)m->features, (bst_ulong)nfeat) != 0) {
		xgb_fail(err, "feature names");
		goto out;
	}
	for (int i = 0; i < p->rounds; i++) {
		if (XGBoosterUpdateOneIter(m->booster, i, dm) != 0) {
			xgb_fail(err, "training");
			goto out;
		}
		if (p->on_round)
			p->on_round(p->arg);
	}
	rc = 0;
out:
	if (dm)
		XGDMatrixFree(dm);
	if (rc < 0)
		brul_model_release(m);
	return rc;
}

/* n rows of x, m->nfeat columns, NAN missing, as XGBoost's matrix. */
static int
matrix(const struct brul_model *m, const float *x, size_t n,
    DMatrixHandle *dm, struct brul_err *err)
{
	if (XGDMatrixCreateFromMat(x, n, (bst_ulong)m->nfeat, NAN, dm) != 0)
		return xgb_fail(err, "matrix");
	return 0;
}

int
brul_model_predict(const struct brul_model *m, const float *x, size_t n,
    double *out, struct brul_err *err)
{
	DMatrixHandle dm;
	const float *res;
	bst_ulong len;
	int rc = 0;

	if (n == 0)
		return 0;
	if (matrix(m, x, n, &dm, err) < 0)
		return -1;
	if (XGBoosterPredict(m->booster, dm, 0, 0, 0, &len, &res) != 0)
		rc = xgb_fail(err, "prediction");
	else if (len != n)
		rc = brul_err_set(err, NULL, 0, 0, "xgboost: %llu predictions "
		    "for %zu rows", (unsigned long long)len, n);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		double v = res[i];

		v = m->objective == BRUL_OBJ_SURVIVAL ? v - 1 : expm1(v);
		out[i] = v > 0 ? v : 0;
	}
	XGDMatrixFree(dm);
	return rc;
}

int
brul_model_contrib(const struct brul_model *m, const float *x, size_t n,
    float *out, struct brul_err *err)
{
	/* type 2: exact contributions (TreeSHAP), in margin space */
	static const char config[] = "{\"type\": 2, \"training\": false, "
	    "\"iteration_begin\": 0, \"iteration_end\": 0, "
	    "\"strict_shape\": false}";
	size_t w = (size_t)m->nfeat + 1;
	const bst_ulong *shape;
	const float *res;
	bst_ulong dim;
	DMatrixHandle dm;
	int rc = 0;

	if (n == 0)
		return 0;
	if (matrix(m, x, n, &dm, err) < 0)
		return -1;
	if (XGBoosterPredictFromDMatrix(m->booster, dm, config, &shape, &dim,
	    &res) != 0)
		rc = xgb_fail(err, "contributions");
	else if (dim != 2 || shape[0] != n || shape[1] != w)
		rc = brul_err_set(err, NULL, 0, 0, "xgboost: contributions of "
		    "an unexpected shape for %zu rows of %d features", n,
		    m->nfeat);
	else
		memcpy(out, res, n * w * sizeof *out);
	XGDMatrixFree(dm);
	return rc;
}

int
brul_model_set_attr(struct brul_model *m, const char *key,
    const char *value, struct brul_err *err)
{
	if (XGBoosterSetAttr(m->booster, key, value) != 0)
		return xgb_fail(err, key);
	return 0;
}

const char *
brul_model_attr(const struct brul_model *m, const char *key)
{
	const char *v;
	int ok = 0;

	if (XGBoosterGetAttr(m->booster, key, &v, &ok) != 0 || !ok)
		return NULL;
	return v;
}

static int
set_calib(struct brul_model *m, const char *key, const struct brul_calib *c,
    struct brul_err *err)
{
	char *s = brul_calib_json(c);
	int rc;

	if (s == NULL)
		return oom(err);
	rc = brul_model_set_attr(m, key, s, err);
	free(s);
	return rc;
}

/* The booster as XGBoost's JSON, whatever the file is named, written
 * whole or not at all (publish.h). */
static int
write_json(struct brul_model *m, const char *path, brul_publish_note *note,
    struct brul_err *err)
{
	struct brul_publish pub;
	const char *buf;
	bst_ulong len;
	char msg[256];
	ssize_t w;

	if (XGBoosterSaveModelToBuffer(m->booster, "{\"format\": \"json\"}",
	    &len, &buf) != 0)
		return brul_err_set(err, path, 0, 0, "cannot write the model: "
		    "%s", xgb_message(msg, sizeof msg));
	if (brul_publish_begin(&pub, path, note, err) < 0 ||
	    brul_publish_open(&pub, err) < 0)
		return -1;
	while (len > 0) {
		if ((w = write(pub.fd, buf, len)) <= 0) {
			int e = w == 0 ? EIO : errno;

			if (w == -1 && e == EINTR)
				continue;
			brul_publish_abort(&pub);
			return brul_err_set(err, path, 0, 0, "cannot write the "
			    "model: %s", strerror(e));
		}
		buf += w;
		len -= (bst_ulong)w;
	}
	return brul_publish_commit(&pub, err);
}

static int
set_hazard(struct brul_model *m, struct brul_err *err)
{
	char *text = brul_hazard_json(&m->hazard);
	int rc;

	if (text == NULL)
		return oom(err);
	rc = brul_model_set_attr(m, "brul_hazard", text, err);
	free(text);
	return rc;
}

int
brul_model_save(struct brul_model *m, const char *path,
    brul_publish_note *note, struct brul_err *err)
{
	json_t *names = json_array();
	char *text;

	for (int i = 0; i < m->nfeat; i++)
		json_array_append_new(names, json_string(m->features[i]));
	text = json_dumps(names, JSON_COMPACT);
	json_decref(names);
	if (text == NULL)
		return oom(err);
	if (brul_model_set_attr(m, "brul_features", text, err) < 0) {
		free(text);
		return -1;
	}
	free(text);
	if (brul_model_set_attr(m, "brul_version", BRUL_VERSION, err) < 0 ||
	    brul_model_set_attr(m, "brul_objective",
	    brul_objective_name(m->objective), err) < 0 ||
	    brul_model_set_attr(m, "brul_model_id", m->id, err) < 0 ||
	    (m->has_calib && set_calib(m, "brul_calibration", &m->calib,
	    err) < 0) ||
	    (m->has_base_calib && set_calib(m, "brul_baseline_calibration",
	    &m->base_calib, err) < 0) ||
	    (m->has_hazard && set_hazard(m, err) < 0))
		return -1;
	return write_json(m, path, note, err);
}

static int
load_calib(struct brul_model *m, const char *key, struct brul_calib *c,
    int *has, const char *path, struct brul_err *err)
{
	const char *s = brul_model_attr(m, key);

	*has = 0;
	if (s == NULL)
		return 0;
	if (brul_calib_parse(c, s, err) < 0) {
		char msg[sizeof err->msg];

		if (err) {
			snprintf(msg, sizeof msg, "%s: %.400s", key, err->msg);
			brul_err_set(err, path, 0, 0, "%s", msg);
		}
		return -1;
	}
	*has = 1;
	return 0;
}

/* A model of an older brul has no hazard: no sudden part. */
static int
load_hazard(struct brul_model *m, const char *path, struct brul_err *err)
{
	const char *s = brul_model_attr(m, "brul_hazard");

	m->has_hazard = 0;
	if (s == NULL)
		return 0;
	if (brul_hazard_parse(&m->hazard, s, err) < 0) {
		char msg[sizeof err->msg];

		if (err) {
			snprintf(msg, sizeof msg, "brul_hazard: %.400s",
			    err->msg);
			brul_err_set(err, path, 0, 0, "%s", msg);
		}
		return -1;
	}
	m->has_hazard = 1;
	return 0;
}

/* The whole file, malloc'd; a model is megabytes, not more. */
static char *
read_file(const char *path, size_t *len, struct brul_err *err)
{
	FILE *fp = fopen(path, "rb");
	char *buf = NULL, *q;
	size_t cap = 0, n = 0, k;

	if (fp == NULL)
		return brul_err_set(err, path, 0, 0, "%s", strerror(errno)),
		    NULL;
	do {
		if (n == cap) {
			cap = cap ? cap * 2 : 1 << 20;
			if ((q = realloc(buf, cap)) == NULL) {
				free(buf);
				fclose(fp);
				return oom(err), NULL;
			}
			buf = q;
		}
		n += k = fread(buf + n, 1, cap - n, fp);
	} while (k > 0);
	if (ferror(fp)) {
		brul_err_set(err, path, 0, 0, "%s", strerror(errno));
		free(buf);
		fclose(fp);
		return NULL;
	}
	fclose(fp);
	*len = n;
	return buf;
}

/* The stream of brul-formats(5) that the records in buf[0..n) are, as
 * format fmt, or NULL. */
static const char *
stream_of(const char *buf, size_t n, enum brul_format fmt)
{
	const char *cols[64], *kind;
	struct brul_reader *r = brul_reader_open_mem(buf, n, fmt, NULL);
	int k;

	if (r == NULL)
		return NULL;
	for (k = 0; k < brul_reader_ncols(r) && k < 64; k++)
		cols[k] = brul_reader_colname(r, k);
	kind = brul_stream_kind(cols, k);
	brul_reader_close(r);
	return kind;
}

/* -1 with what the file is when it is plainly no model (XGBoost's own
 * message for such a file is a C++ internal): empty, a stream, gzip,
 * text that is not JSON.  A model is one JSON object; a stream in NDJSON
 * is one a line. */
static int
not_model(const char *path, const char *buf, size_t len,
	  struct brul_err *err)
{
	const unsigned char *p = (const unsigned char *)buf;
	const char *kind, *as;
	const char *nl = memchr(buf, '\n', len < 65536 ? len : 65536);
	size_t i = 0;

	while (i < len && strchr(" \t\r\n", p[i]) != NULL)
		i++;
	if (i == len)
		return brul_err_set(err, path, 0, 0, "not a model: the file "
		    "is empty");
	if (p[i] == '{' && !(nl && nl + 1 < buf + len && nl[1] == '{'))
		return 0;
	if (len >= 2 && p[0] == 0x1f && p[1] == 0x8b) {
		kind = stream_of(buf, len, BRUL_FMT_AUTO);
		as = "gzip";
	} else if (p[i] == '{') {
		kind = stream_of(buf, (size_t)(nl - buf) + 1, BRUL_FMT_NDJSON);
		as = "NDJSON";
	} else {
		kind = stream_of(buf, nl ? (size_t)(nl - buf) + 1 : len,
		    BRUL_FMT_CSV);
		as = "CSV";
	}
	if (kind)
		return brul_err_set(err, path, 0, 0, "not a model: this is a "
		    "%s stream (%s); give the model brul-train wrote", kind,
		    as);
	return brul_err_set(err, path, 0, 0, "not a model: %s (brul-train "
	    "writes XGBoost JSON)", strcmp(as, "gzip") == 0 ?
	    "a gzip file" : "not JSON");
}

/* brul_coverage, when the trainer recorded it: one share per feature. */
static int
load_coverage(struct brul_model *m, const char *path, struct brul_err *err)
{
	const char *s = brul_model_attr(m, "brul_coverage");
	json_t *a;

	if (s == NULL)
		return 0;
	if ((a = json_loads(s, 0, NULL)) == NULL || !json_is_array(a) ||
	    json_array_size(a) != (size_t)m->nfeat) {
		json_decref(a);
		return brul_err_set(err, path, 0, 0, "brul_coverage: not an "
		    "array of %d shares", m->nfeat);
	}
	if ((m->coverage = calloc((size_t)m->nfeat, sizeof *m->coverage)) ==
	    NULL) {
		json_decref(a);
		return oom(err);
	}
	for (int i = 0; i < m->nfeat; i++)
		m->coverage[i] = json_number_value(json_array_get(a,
		    (size_t)i));
	json_decref(a);
	return 0;
}

int
brul_model_load(struct brul_model *m, const char *path,
    struct brul_err *err)
{
	const char *s;
	json_t *names = NULL;
	json_error_t je;
	bst_ulong nf;
	size_t len;
	char *file;
	int obj;

	memset(m, 0, sizeof *m);
	if ((file = read_file(path, &len, err)) == NULL)
		return -1;
	if (XGBoosterCreate(NULL, 0, &m->booster) != 0) {
		free(file);
		return xgb_fail(err, "booster");
	}
	if (not_model(path, file, len, err) < 0) {
		free(file);
		goto fail;
	}
	if (XGBoosterLoadModelFromBuffer(m->booster, file, len) != 0) {
		char msg[256];

		brul_err_set(err, path, 0, 0, "JSON, but not an XGBoost model "
		    "(brul-train writes them): %s", xgb_message(msg,
		    sizeof msg));
		free(file);
		goto fail;
	}
	free(file);
	if ((s = brul_model_attr(m, "brul_features")) == NULL) {
		brul_err_set(err, path, 0, 0, "not a brul model (no "
		    "brul_features attribute)");
		goto fail;
	}
	if ((names = json_loads(s, 0, &je)) == NULL ||
	    !json_is_array(names) || json_array_size(names) == 0) {
		brul_err_set(err, path, 0, 0, "brul_features: not a JSON "
		    "array of names");
		goto fail;
	}
	m->nfeat = (int)json_array_size(names);
	if ((m->features = calloc((size_t)m->nfeat + 1, sizeof *m->features))
	    == NULL) {
		oom(err);
		goto fail;
	}
	for (int i = 0; i < m->nfeat; i++) {
		const char *n = json_string_value(json_array_get(names,
		    (size_t)i));

		if (n == NULL || (m->features[i] = strdup(n)) == NULL) {
			brul_err_set(err, path, 0, 0, "brul_features: not a "
			    "JSON array of names");
			goto fail;
		}
	}
	json_decref(names);
	names = NULL;
	if (XGBoosterGetNumFeature(m->booster, &nf) != 0 ||
	    nf != (bst_ulong)m->nfeat) {
		brul_err_set(err, path, 0, 0, "brul_features names %d "
		    "features, the trees use %llu", m->nfeat,
		    (unsigned long long)nf);
		goto fail;
	}
	if ((s = brul_model_attr(m, "brul_objective")) == NULL ||
	    (obj = brul_objective_parse(s)) < 0) {
		brul_err_set(err, path, 0, 0, "brul_objective: missing or "
		    "unknown");
		goto fail;
	}
	m->objective = (enum brul_objective)obj;
	/* The id goes into every prediction's model_id: an id, whole. */
	if ((s = brul_model_attr(m, "brul_model_id")) != NULL && s[0]) {
		char why[160];

		if (brul_id_check(s, strlen(s), sizeof m->id - 1, why,
		    sizeof why) < 0) {
			brul_err_set(err, path, 0, 0, "brul_model_id: not an "
			    "id (%s)", why);
			goto fail;
		}
		snprintf(m->id, sizeof m->id, "%s", s);
	}
	if ((s = brul_model_attr(m, "brul_window_s")) != NULL)
		m->window_s = strtoll(s, NULL, 10);
	if (load_calib(m, "brul_calibration", &m->calib, &m->has_calib, path,
	    err) < 0 || load_calib(m, "brul_baseline_calibration",
	    &m->base_calib, &m->has_base_calib, path, err) < 0 ||
	    load_hazard(m, path, err) < 0 ||
	    load_coverage(m, path, err) < 0)
		goto fail;
	return 0;
fail:
	json_decref(names);
	brul_model_release(m);
	return -1;
}

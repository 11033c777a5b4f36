/*
 * modelinfo.h: what brul-train recorded in a model file, summarised for
 * people (brul-serve's /api/v1/model): the model's id and objective, its
 * features, the cross-validation's metrics by RUL band with the
 * calibration of its probabilities, a sample of its out-of-fold
 * predictions and its rate of sudden failures (model.h lists the
 * attributes).  The trees
 * and calibrations, which are most of the file, are left out.
 *
 * A struct brul_modelinfo watches one file: each get re-reads it when its
 * size or modification time has changed, so a model retrained by cron is
 * served without a restart.  It may be shared by threads.
 *
 * Ownership: brul_modelinfo_new copies path; brul_modelinfo_free frees.
 * brul_modelinfo_read's object and brul_modelinfo_get's text are the
 * caller's (json_decref, free).
 */
#ifndef BRUL_MODELINFO_H
#define BRUL_MODELINFO_H

#include <jansson.h>
#include <stddef.h>
#include "core/err.h"

/* The summary of the model file at path (XGBoost JSON as brul-train
 * writes it), or NULL with err. */
json_t *brul_modelinfo_read(const char *path, struct brul_err *err);

struct brul_modelinfo;

struct brul_modelinfo *brul_modelinfo_new(const char *path);
/* The summary as compact JSON text, read again if the file changed, or
 * NULL with err (the file is gone or is not a model). */
char *brul_modelinfo_get(struct brul_modelinfo *m, size_t *n,
			 struct brul_err *err);
void brul_modelinfo_free(struct brul_modelinfo *m);

#endif

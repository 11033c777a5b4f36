/*
 * www.h: the dashboard's files (data/www), read into memory when the
 * server starts and served from there: each with its type and an ETag
 * (a hash of its bytes), so that a browser revalidates with one small
 * request and never runs stale scripts.
 *
 * Paths are looked up as given ("/app.js"); "/" is "/index.html".  Only
 * regular files directly in the directory or in its subdirectories, whose
 * names are letters, digits and "._-", are loaded; at most 4 MiB in all.
 *
 * Ownership: brul_www_load returns a set freed by brul_www_free; files
 * found live as long as the set.
 */
#ifndef BRUL_WWW_H
#define BRUL_WWW_H

#include <stddef.h>
#include "core/err.h"

struct brul_www_file {
	char path[128];		/* "/app.js" */
	const char *ctype;
	char *data;
	size_t n;
	char etag[24];		/* "\"<16 hex digits>\"" */
	int html;
};

struct brul_www;

/* The files under dir; an empty set when dir does not exist. */
struct brul_www *brul_www_load(const char *dir, struct brul_err *err);
void brul_www_free(struct brul_www *w);
const struct brul_www_file *brul_www_find(const struct brul_www *w,
					  const char *path);
/* How many files, and their bytes. */
size_t brul_www_size(const struct brul_www *w, int *nfiles);

#endif

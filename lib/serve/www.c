/* www.c: see www.h. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/grow.h"
#include "core/hash.h"
#include "serve/www.h"

#define MAX_BYTES (4u << 20)

struct brul_www {
	struct brul_www_file *f;
	size_t n, cap, bytes;
};

static const char *
ctype_of(const char *name, int *html)
{
	static const struct {
		const char *ext, *type;
	} types[] = {
		{ ".html", "text/html; charset=utf-8" },
		{ ".js", "text/javascript; charset=utf-8" },
		{ ".mjs", "text/javascript; charset=utf-8" },
		{ ".css", "text/css; charset=utf-8" },
		{ ".svg", "image/svg+xml" },
		{ ".json", "application/json" },
		{ ".png", "image/png" },
		{ ".ico", "image/x-icon" },
		{ ".txt", "text/plain; charset=utf-8" },
		{ ".webmanifest", "application/manifest+json" },
	};
	const char *dot = strrchr(name, '.');

	*html = dot && strcmp(dot, ".html") == 0;
	for (size_t i = 0; dot && i < sizeof types / sizeof types[0]; i++)
		if (strcmp(dot, types[i].ext) == 0)
			return types[i].type;
	return "application/octet-stream";
}

static int
good_name(const char *s)
{
	return s[0] != '.' && strspn(s, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == strlen(s);
}

static int
add(struct brul_www *w, const char *file, const char *url,
    struct brul_err *err)
{
	struct brul_www_file *f;
	FILE *fp = fopen(file, "rb");
	struct stat st;

	if (fp == NULL || fstat(fileno(fp), &st) < 0) {
		if (fp)
			fclose(fp);
		return brul_err_set(err, file, 0, 0, "cannot read it");
	}
	if (w->bytes + (size_t)st.st_size > MAX_BYTES ||
	    strlen(url) >= sizeof f->path) {
		fclose(fp);
		return brul_err_set(err, file, 0, 0, "the dashboard's files "
		    "are limited to %u bytes and names of %zu", MAX_BYTES,
		    sizeof f->path - 1);
	}
	if (brul_grow(&w->f, &w->cap, w->n + 1, sizeof *w->f) < 0) {
		fclose(fp);
		return brul_err_set(err, NULL, 0, 0, "out of memory");
	}
	f = &w->f[w->n];
	memset(f, 0, sizeof *f);
	f->n = (size_t)st.st_size;
	if ((f->data = malloc(f->n + 1)) == NULL ||
	    fread(f->data, 1, f->n, fp) != f->n) {
		free(f->data);
		fclose(fp);
		return brul_err_set(err, file, 0, 0, "cannot read it");
	}
	fclose(fp);
	memcpy(f->path, url, strlen(url) + 1);	/* its length checked */
	f->ctype = ctype_of(url, &f->html);
	snprintf(f->etag, sizeof f->etag, "\"%016llx\"", (unsigned long long)
	    brul_fnv(BRUL_FNV_OFFSET, f->data, f->n));
	w->bytes += f->n;
	w->n++;
	return 0;
}

static int
walk(struct brul_www *w, const char *dir, const char *url, int depth,
     struct brul_err *err)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int rc = 0;

	if (d == NULL)
		return 0;
	while (rc == 0 && (e = readdir(d)) != NULL) {
		char file[4096], sub[512];
		struct stat st;

		if (!good_name(e->d_name))
			continue;
		snprintf(file, sizeof file, "%s/%s", dir, e->d_name);
		snprintf(sub, sizeof sub, "%s/%s", url, e->d_name);
		if (stat(file, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode) && depth < 4)
			rc = walk(w, file, sub, depth + 1, err);
		else if (S_ISREG(st.st_mode))
			rc = add(w, file, sub, err);
	}
	closedir(d);
	return rc;
}

struct brul_www *
brul_www_load(const char *dir, struct brul_err *err)
{
	struct brul_www *w = calloc(1, sizeof *w);

	if (w == NULL) {
		brul_err_set(err, NULL, 0, 0, "out of memory");
		return NULL;
	}
	if (dir && walk(w, dir, "", 0, err) < 0) {
		brul_www_free(w);
		return NULL;
	}
	return w;
}

void
brul_www_free(struct brul_www *w)
{
	if (w == NULL)
		return;
	for (size_t i = 0; i < w->n; i++)
		free(w->f[i].data);
	free(w->f);
	free(w);
}

const struct brul_www_file *
brul_www_find(const struct brul_www *w, const char *path)
{
	if (strcmp(path, "/") == 0)
		path = "/index.html";
	for (size_t i = 0; i < w->n; i++)
		if (strcmp(w->f[i].path, path) == 0)
			return &w->f[i];
	return NULL;
}

size_t
brul_www_size(const struct brul_www *w, int *nfiles)
{
	*nfiles = (int)w->n;
	return w->bytes;
}

/* publish.c: see publish.h. */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/publish.h"

static int
copy(char *dst, size_t n, const char *src, const char *suffix)
{
	int w = snprintf(dst, n, "%s%s", src, suffix);

	return w < 0 || (size_t)w >= n ? -1 : 0;
}

int
brul_publish_begin(struct brul_publish *p, const char *path,
    const char *suffix, struct brul_err *err)
{
	char real[PATH_MAX];
	struct stat st;

	memset(p, 0, sizeof *p);
	if (copy(p->name, sizeof p->name, path, "") < 0 ||
	    copy(p->final, sizeof p->final, path, "") < 0)
		return brul_err_set(err, path, 0, 0, "name too long");
	/* a link to a file: replace the file, keep the link */
	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode) &&
	    realpath(path, real) != NULL && stat(real, &st) == 0 &&
	    S_ISREG(st.st_mode) && copy(p->final, sizeof p->final, real,
	    "") < 0)
		return brul_err_set(err, path, 0, 0, "name too long");
	if (stat(p->final, &st) == 0 && S_ISDIR(st.st_mode))
		return brul_err_set(err, path, 0, 0, "is a directory");
	p->in_place = stat(p->final, &st) == 0 && !S_ISREG(st.st_mode);
	if (copy(p->tmp, sizeof p->tmp, p->final, p->in_place ? "" :
	    ".partial") < 0 || (!p->in_place && (strlen(p->tmp) +
	    strlen(suffix) >= sizeof p->tmp)))
		return brul_err_set(err, path, 0, 0, "name too long");
	if (!p->in_place)
		strcat(p->tmp, suffix);
	return 0;
}

int
brul_publish_commit(struct brul_publish *p, struct brul_err *err)
{
	int e;

	if (p->in_place || rename(p->tmp, p->final) == 0)
		return 0;
	e = errno;
	unlink(p->tmp);
	return brul_err_set(err, p->name, 0, 0, "%s", strerror(e));
}

void
brul_publish_abort(struct brul_publish *p)
{
	if (!p->in_place)
		unlink(p->tmp);
}

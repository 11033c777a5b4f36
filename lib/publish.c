/* publish.c: see publish.h. */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "publish.h"

int
brul_publish_begin(const char *path, const char *suffix, char *tmp,
    size_t n, struct brul_err *err)
{
	struct stat st;
	int w;

	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
		w = snprintf(tmp, n, "%s", path);
	else
		w = snprintf(tmp, n, "%s.partial%s", path, suffix);
	if (w < 0 || (size_t)w >= n)
		return brul_err_set(err, path, 0, 0, "name too long");
	return 0;
}

int
brul_publish_commit(const char *tmp, const char *path, struct brul_err *err)
{
	int e;

	if (strcmp(tmp, path) == 0 || rename(tmp, path) == 0)
		return 0;
	e = errno;
	unlink(tmp);
	return brul_err_set(err, path, 0, 0, "%s", strerror(e));
}

void
brul_publish_abort(const char *tmp, const char *path)
{
	if (strcmp(tmp, path) != 0)
		unlink(tmp);
}

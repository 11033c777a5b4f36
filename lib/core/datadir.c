/* datadir.c: see datadir.h. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/datadir.h"

#ifndef BRUL_DATADIR
#define BRUL_DATADIR "/usr/local/share/brul"
#endif

static int
try_dir(const char *dir, const char *name, char *buf, size_t n)
{
	int len = snprintf(buf, n, "%s/%s", dir, name);

	return len > 0 && (size_t)len < n && access(buf, R_OK) == 0;
}

int
brul_data_path(const char *name, char *buf, size_t n, struct brul_err *err)
{
	static const char *const rel[] = { "../share/brul", "../../data" };
	const char *env = getenv("BRUL_DATA");
	char exe[PATH_MAX], dir[PATH_MAX + 32];
	ssize_t len;

	if (env && *env && try_dir(env, name, buf, n))
		return 0;
	len = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (len > 0) {
		char *slash;

		exe[len] = '\0';
		if ((slash = strrchr(exe, '/')) != NULL)
			*slash = '\0';
		for (size_t i = 0; i < sizeof rel / sizeof rel[0]; i++) {
			snprintf(dir, sizeof dir, "%s/%s", exe, rel[i]);
			if (try_dir(dir, name, buf, n))
				return 0;
		}
	}
	if (try_dir(BRUL_DATADIR, name, buf, n))
		return 0;
	return brul_err_set(err, NULL, 0, 0,
	    "data file %s not found in $BRUL_DATA, beside the program or in %s",
	    name, BRUL_DATADIR);
}

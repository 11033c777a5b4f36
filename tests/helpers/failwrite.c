/*
 * failwrite.c: an LD_PRELOAD shim that makes write(2) fail with ENOSPC once
 * FAILWRITE_AFTER bytes have gone to files (descriptors above 2), so that
 * tests can check how tools handle a disk that fills up mid-run.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

static size_t written;	/* a test shim: global by nature */

ssize_t
write(int fd, const void *buf, size_t n)
{
	static ssize_t (*real)(int, const void *, size_t);
	const char *lim = getenv("FAILWRITE_AFTER");

	if (!real)
		real = (ssize_t (*)(int, const void *, size_t))dlsym(RTLD_NEXT,
		    "write");
	if (fd > 2 && lim && written + n > (size_t)strtoull(lim, NULL, 10)) {
		errno = ENOSPC;
		return -1;
	}
	if (fd > 2)
		written += n;
	return real(fd, buf, n);
}

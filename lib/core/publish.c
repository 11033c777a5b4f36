/* publish.c: see publish.h. */
#include <sys/random.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/publish.h"

#define RANDOM_CHARS	8

/* NAME.XXXXXXXX.partial: random, so that no two runs (nor a killed
 * run's leftover) share it, and unguessable, so that nobody plants it. */
static int
tmp_name(struct brul_publish *p)
{
	static const char set[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	unsigned char r[RANDOM_CHARS];
	char x[RANDOM_CHARS + 1];
	struct timespec ts;
	int w;

	if (getrandom(r, sizeof r, GRND_NONBLOCK) != (ssize_t)sizeof r) {
		/* No entropy yet (early boot): unique is enough, as O_EXCL
		 * refuses a name that exists. */
		uint64_t v;

		clock_gettime(CLOCK_REALTIME, &ts);
		v = (uint64_t)getpid() * 0x9e3779b97f4a7c15ULL ^
		    (uint64_t)ts.tv_nsec ^ (uint64_t)ts.tv_sec << 30 ^
		    (uint64_t)(uintptr_t)p;
		for (size_t i = 0; i < sizeof r; i++, v >>= 8)
			r[i] = (unsigned char)v;
	}
	for (size_t i = 0; i < sizeof r; i++)
		x[i] = set[r[i] % (sizeof set - 1)];
	x[RANDOM_CHARS] = '\0';
	w = snprintf(p->tmp, sizeof p->tmp, "%s.%s.partial", p->name, x);
	return w < 0 || (size_t)w >= sizeof p->tmp ? -1 : 0;
}

/* The descriptor, standard output or error, whose file st is
 * (/dev/stdout, /dev/fd/1 when that is a file); -1 for neither. */
static int
std_fd(const struct stat *st)
{
	struct stat s;

	for (int fd = STDOUT_FILENO; fd <= STDERR_FILENO; fd++)
		if (fstat(fd, &s) == 0 && s.st_dev == st->st_dev &&
		    s.st_ino == st->st_ino)
			return fd;
	return -1;
}

int
brul_publish_begin(struct brul_publish *p, const char *path,
    brul_publish_note *note, struct brul_err *err)
{
	struct stat st, target;
	int w;

	memset(p, 0, sizeof *p);
	p->fd = -1;
	p->std_fd = -1;
	p->note = note;
	w = snprintf(p->name, sizeof p->name, "%s", path);
	if (w < 0 || (size_t)w >= sizeof p->name)
		return brul_err_set(err, path, 0, 0, "name too long");
	if (lstat(path, &st) == -1) {
		if (errno != ENOENT)
			return brul_err_set(err, path, 0, 0,
			    "cannot create: %s", strerror(errno));
	} else if (S_ISDIR(st.st_mode))
		return brul_err_set(err, path, 0, 0, "is a directory");
	else if (S_ISLNK(st.st_mode)) {
		/* Followed only to a device or to our own stdout; a link to
		 * a file, or to nothing, is replaced. */
		if (stat(path, &target) == 0) {
			if (S_ISDIR(target.st_mode))
				return brul_err_set(err, path, 0, 0,
				    "is a directory");
			if (S_ISREG(target.st_mode))
				p->std_fd = std_fd(&target);
			p->in_place = !S_ISREG(target.st_mode) ||
			    p->std_fd != -1;
			st = target;
		}
	} else
		p->in_place = !S_ISREG(st.st_mode);
	if (p->in_place) {
		p->dev = st.st_dev;
		p->ino = st.st_ino;
		return 0;
	}
	if (tmp_name(p) < 0)
		return brul_err_set(err, path, 0, 0, "name too long");
	return 0;
}

int
brul_publish_open(struct brul_publish *p, struct brul_err *err)
{
	struct stat st;
	int e;

	if (p->std_fd != -1) {
		/* The shell's own descriptor: its offset and O_APPEND (>>)
		 * hold, as for -o -. */
		if ((p->fd = fcntl(p->std_fd, F_DUPFD_CLOEXEC, 3)) == -1)
			return brul_err_set(err, p->name, 0, 0,
			    "cannot create: %s", strerror(errno));
		return 0;
	}
	if (p->in_place) {
		/* O_NOCTTY: a terminal named by -o must not become ours. */
		p->fd = open(p->name, O_WRONLY | O_NOCTTY | O_CLOEXEC);
		if (p->fd == -1)
			return brul_err_set(err, p->name, 0, 0,
			    "cannot create: %s", strerror(errno));
		/* Not what begin saw (swapped since): refuse rather than
		 * write through whatever it is now. */
		if (fstat(p->fd, &st) == -1 || st.st_dev != p->dev ||
		    st.st_ino != p->ino) {
			close(p->fd);
			p->fd = -1;
			return brul_err_set(err, p->name, 0, 0, "cannot create: "
			    "replaced while being opened");
		}
		return 0;
	}
	if (p->note != NULL)
		p->note(p->tmp, 1);
	p->fd = open(p->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_NOCTTY | O_CLOEXEC, 0666);
	if (p->fd == -1) {
		e = errno;
		if (p->note != NULL)
			p->note(p->tmp, 0);
		return brul_err_set(err, p->name, 0, 0, "cannot create: %s",
		    strerror(e));
	}
	p->made = 1;
	return 0;
}

int
brul_publish_finish(struct brul_publish *p, struct brul_err *err)
{
	int e = 0;

	if (p->fd == -1)
		return 0;
	/* The data on disk before the name points at them: a crash after
	 * the rename must not leave an empty file under the final name. */
	if (!p->in_place && fsync(p->fd) == -1)
		e = errno;
	/* Some file systems (NFS) report write errors only at close. */
	if (close(p->fd) == -1 && e == 0 && errno != EINTR)
		e = errno;
	p->fd = -1;
	if (e != 0)
		return brul_err_set(err, p->name, 0, 0, "write error: %s",
		    strerror(e));
	return 0;
}

/* The directory holding the rename, flushed so that the new name is
 * durable; file systems that cannot (EINVAL) are left as they are. */
static void
sync_dir(const char *name)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(name, '/');
	int fd;

	if (slash == NULL)
		snprintf(dir, sizeof dir, ".");
	else
		snprintf(dir, sizeof dir, "%.*s", slash == name ? 1 :
		    (int)(slash - name), name);
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return;
	fsync(fd);
	close(fd);
}

int
brul_publish_commit(struct brul_publish *p, struct brul_err *err)
{
	int e;

	if (brul_publish_finish(p, err) < 0) {
		brul_publish_abort(p);
		return -1;
	}
	if (p->in_place)
		return 0;
	if (rename(p->tmp, p->name) == -1) {
		e = errno;
		brul_publish_abort(p);
		return brul_err_set(err, p->name, 0, 0, "cannot replace: %s",
		    strerror(e));
	}
	p->made = 0;
	if (p->note != NULL)
		p->note(p->tmp, 0);
	sync_dir(p->name);
	return 0;
}

void
brul_publish_abort(struct brul_publish *p)
{
	if (p->fd != -1) {
		close(p->fd);
		p->fd = -1;
	}
	if (p->made) {
		unlink(p->tmp);
		p->made = 0;
		if (p->note != NULL)
			p->note(p->tmp, 0);
	}
}

/*
 * test-stream.c: plain and gzip input and output.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "core/stream.h"
#include "tap.h"

struct buf {
	unsigned char *p;
	size_t n;
};

static void
path(const char *dir, char *out, size_t n, const char *name)
{
	snprintf(out, n, "%s/%s", dir, name);
}

/* Text that compresses like telemetry: repetitive, but not trivially. */
static struct buf
make_data(size_t n)
{
	struct buf b;
	uint64_t x = 88172645463325252ULL;
	size_t i = 0;
	int len;
	char line[128];

	b.p = malloc(n);
	b.n = n;
	while (i < n) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		len = snprintf(line, sizeof(line),
		    "2026-01-01T%02u:%02u:00Z,B%04u-1,CMI-REC1-S01,%u.%03u,"
		    "%d.%02u,25.%u,\n", (unsigned)(x % 24),
		    (unsigned)(x >> 8) % 60, (unsigned)(x >> 16) % 3000,
		    12 + (unsigned)(x >> 28) % 2, (unsigned)(x >> 32) % 1000,
		    (int)((x >> 40) % 5) - 2, (unsigned)(x >> 44) % 100,
		    (unsigned)(x >> 52) % 10);
		if ((size_t)len > n - i)
			len = (int)(n - i);
		memcpy(b.p + i, line, (size_t)len);
		i += (size_t)len;
	}
	return b;
}

static struct buf
slurp_raw(const char *p)
{
	struct buf b = { NULL, 0 };
	struct stat st;
	int fd;
	ssize_t r;

	if ((fd = open(p, O_RDONLY)) == -1 || fstat(fd, &st) == -1)
		return b;
	b.p = malloc((size_t)st.st_size + 1);
	while (b.n < (size_t)st.st_size &&
	    (r = read(fd, b.p + b.n, (size_t)st.st_size - b.n)) > 0)
		b.n += (size_t)r;
	close(fd);
	return b;
}

static void
spit_raw(const char *p, const void *d, size_t n)
{
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd == -1 || write(fd, d, n) != (ssize_t)n)
		abort();
	close(fd);
}

/* All of an input through brul_in: 0, or -1 with err (and what came
 * before the error in *b). */
static int
read_all(struct brul_in *in, struct buf *b, struct brul_err *err)
{
	size_t cap = 1 << 16;
	ssize_t r;

	b->p = malloc(cap);
	b->n = 0;
	for (;;) {
		if (cap - b->n < 4096)
			b->p = realloc(b->p, cap *= 2);
		r = brul_in_read(in, b->p + b->n, cap - b->n, err);
		if (r == -1)
			return -1;
		if (r == 0)
			return 0;
		b->n += (size_t)r;
	}
}

static int
read_file(const char *p, struct buf *b, struct brul_err *err)
{
	struct brul_in *in;
	int ret;

	if ((in = brul_in_open(p, err)) == NULL) {
		b->p = NULL;
		b->n = 0;
		return -1;
	}
	ret = read_all(in, b, err);
	brul_in_close(in);
	return ret;
}

static int
same(struct buf a, const void *p, size_t n)
{
	return a.n == n && memcmp(a.p, p, n) == 0;
}

/* Writes d with the given options, in pieces of `step` bytes (0: through
 * reserve/commit in row-sized pieces). */
static int
write_file(const char *p, struct buf d, int gzip, int threads, size_t step)
{
	struct brul_out_opts o = { .gzip = gzip, .level = 6,
	    .threads = threads };
	struct brul_err err;
	struct brul_out *out;
	size_t i = 0, k;
	char *q;

	if ((out = brul_out_open(p, &o, &err)) == NULL)
		return -1;
	while (i < d.n) {
		if (step == 0) {
			k = d.n - i < 57 ? d.n - i : 57;
			if ((q = brul_out_reserve(out, 200, &err)) == NULL)
				break;
			memcpy(q, d.p + i, k);
			brul_out_commit(out, k);
		} else {
			k = d.n - i < step ? d.n - i : step;
			if (brul_out_write(out, d.p + i, k, &err) == -1)
				break;
		}
		i += k;
	}
	return brul_out_close(out, &err);
}

/* zlib's own reader, as a check independent of brul_in. */
static struct buf
gunzip_zlib(const char *p)
{
	struct buf b = { malloc(1 << 16), 0 };
	size_t cap = 1 << 16;
	gzFile f = gzopen(p, "rb");
	int r;

	if (f == NULL)
		return b;
	for (;;) {
		if (cap - b.n < 4096)
			b.p = realloc(b.p, cap *= 2);
		if ((r = gzread(f, b.p + b.n, (unsigned)(cap - b.n))) <= 0)
			break;
		b.n += (size_t)r;
	}
	gzclose(f);
	return b;
}

static void
test_plain(struct tap *t, const char *dir, struct buf d)
{
	char p[128];
	struct brul_err err;
	struct buf b;

	path(dir, p, sizeof(p), "plain.csv");
	tap_ok(t, write_file(p, d, 0, 1, 0) == 0, "plain: write");
	b = slurp_raw(p);
	tap_ok(t, same(b, d.p, d.n), "plain: bytes on disk");
	free(b.p);
	tap_ok(t, read_file(p, &b, &err) == 0 && same(b, d.p, d.n),
	    "plain: read back");
	free(b.p);
}

static void
test_gzip(struct tap *t, const char *dir, struct buf d)
{
	char p1[128], p3[128], pw[128], cmd[300];
	struct brul_err err;
	struct buf a, b, c;

	path(dir, p1, sizeof(p1), "t1.csv.gz");
	path(dir, p3, sizeof(p3), "t3.csv.gz");
	path(dir, pw, sizeof(pw), "tw.csv.gz");
	tap_ok(t, write_file(p1, d, 0, 1, 0) == 0, "gzip: write, 1 thread");
	tap_ok(t, write_file(p3, d, 1, 3, 0) == 0, "gzip: write, 3 threads");
	tap_ok(t, write_file(pw, d, 1, 2, 100000) == 0,
	    "gzip: write in large pieces, 2 threads");
	a = slurp_raw(p1);
	b = slurp_raw(p3);
	c = slurp_raw(pw);
	tap_ok(t, a.n > 18 && a.p[0] == 0x1f && a.p[1] == 0x8b,
	    "gzip: a .gz name implies gzip");
	tap_ok(t, a.n < d.n / 2, "gzip: it compresses");
	tap_ok(t, same(a, b.p, b.n),
	    "gzip: the bytes do not depend on the thread count");
	tap_ok(t, same(a, c.p, c.n),
	    "gzip: nor on how the writes are cut");
	free(a.p);
	free(b.p);
	free(c.p);
	a = gunzip_zlib(p3);
	tap_ok(t, same(a, d.p, d.n), "gzip: zlib's gzread gives the data");
	free(a.p);
	tap_ok(t, read_file(p3, &b, &err) == 0 && same(b, d.p, d.n),
	    "gzip: brul_in gives the data");
	free(b.p);
	snprintf(cmd, sizeof(cmd), "gzip -t '%s' 2>/dev/null", p3);
	if (system("command -v gzip >/dev/null 2>&1") == 0)
		tap_ok(t, system(cmd) == 0, "gzip: gzip -t accepts it");
	else
		tap_ok(t, 1, "gzip: gzip -t accepts it # SKIP no gzip");
}

static void
test_gzip_small(struct tap *t, const char *dir)
{
	char p[128];
	struct brul_err err;
	struct buf d = { (unsigned char *)"a,b\n1,2\n", 8 }, b;

	path(dir, p, sizeof(p), "empty.gz");
	d.n = 0;
	tap_ok(t, write_file(p, d, 1, 2, 0) == 0, "gzip: empty output");
	b = gunzip_zlib(p);
	tap_ok(t, b.n == 0, "gzip: empty output is a valid empty gzip");
	free(b.p);
	tap_ok(t, read_file(p, &b, &err) == 0 && b.n == 0,
	    "gzip: empty output reads as empty");
	free(b.p);
	d.n = 8;
	path(dir, p, sizeof(p), "small.gz");
	tap_ok(t, write_file(p, d, 1, 0, 0) == 0 &&
	    read_file(p, &b, &err) == 0 && same(b, d.p, d.n),
	    "gzip: a small output (no threads) round-trips");
	free(b.p);
}

/* A copy of src cut to n bytes, or with byte i flipped. */
static void
damaged(const char *src, const char *dst, long cut, long flip)
{
	struct buf b = slurp_raw(src);

	if (cut >= 0 && (size_t)cut < b.n)
		b.n = (size_t)cut;
	if (flip >= 0 && (size_t)flip < b.n)
		b.p[flip] ^= 0x55;
	spit_raw(dst, b.p, b.n);
	free(b.p);
}

static void
test_damage(struct tap *t, const char *dir, struct buf d)
{
	char src[128], p[128], msg[600];
	struct brul_err err;
	struct buf b, g;

	path(dir, src, sizeof(src), "t1.csv.gz");
	path(dir, p, sizeof(p), "cut.gz");
	g = slurp_raw(src);

	damaged(src, p, (long)g.n - 4, -1);
	tap_ok(t, read_file(p, &b, &err) == -1,
	    "truncated gzip (trailer cut): an error");
	brul_err_str(&err, msg, sizeof(msg));
	tap_ok(t, strstr(msg, "unexpected end of file") != NULL &&
	    strncmp(msg, p, strlen(p)) == 0, "truncated gzip: the message");
	if (strstr(msg, "unexpected end of file") == NULL)
		printf("#   %s\n", msg);
	tap_ok(t, b.n == d.n, "truncated trailer: the data came before");
	free(b.p);

	damaged(src, p, (long)g.n / 2, -1);
	tap_ok(t, read_file(p, &b, &err) == -1 && b.n < d.n &&
	    memcmp(b.p, d.p, b.n) == 0,
	    "gzip cut in half: an error, after a correct prefix");
	free(b.p);

	damaged(src, p, 5, -1);
	tap_ok(t, read_file(p, &b, &err) == -1,
	    "gzip cut in its header: an error");
	free(b.p);

	damaged(src, p, -1, (long)g.n / 3);
	tap_ok(t, read_file(p, &b, &err) == -1,
	    "corrupt gzip: an error");
	brul_err_str(&err, msg, sizeof(msg));
	tap_ok(t, strstr(msg, "corrupt gzip data") != NULL,
	    "corrupt gzip: the message");
	free(b.p);

	damaged(src, p, -1, (long)g.n - 6);
	tap_ok(t, read_file(p, &b, &err) == -1,
	    "gzip with a bad CRC or length: an error");
	free(b.p);

	/* Two members, as `cat a.gz b.gz` makes. */
	g.p = realloc(g.p, 2 * g.n + 4);
	memcpy(g.p + g.n, g.p, g.n);
	spit_raw(p, g.p, 2 * g.n);
	tap_ok(t, read_file(p, &b, &err) == 0 && b.n == 2 * d.n &&
	    memcmp(b.p, d.p, d.n) == 0 && memcmp(b.p + d.n, d.p, d.n) == 0,
	    "concatenated gzip members read as one stream");
	free(b.p);
	memcpy(g.p + g.n, "junk", 4);
	spit_raw(p, g.p, g.n + 4);
	tap_ok(t, read_file(p, &b, &err) == -1 &&
	    strstr(err.msg, "trailing garbage") != NULL,
	    "garbage after a gzip member: an error");
	free(b.p);
	free(g.p);
}

static void
test_mem(struct tap *t, const char *dir, struct buf d)
{
	char p[128];
	struct brul_err err;
	struct brul_in *in;
	struct buf g, b;

	path(dir, p, sizeof(p), "t1.csv.gz");
	g = slurp_raw(p);
	in = brul_in_open_mem(g.p, g.n, &err);
	tap_ok(t, in != NULL && read_all(in, &b, &err) == 0 &&
	    same(b, d.p, d.n), "memory input: gzip");
	tap_streq(t, brul_in_name(in), "<memory>", "memory input: name");
	brul_in_close(in);
	free(b.p);
	in = brul_in_open_mem(d.p, d.n, &err);
	tap_ok(t, in != NULL && read_all(in, &b, &err) == 0 &&
	    same(b, d.p, d.n), "memory input: plain");
	brul_in_close(in);
	free(b.p);

	/* Two members and a byte of garbage, in a pipe's small pieces: the
	 * inflater's read-ahead must hand back what follows a member. */
	g.p = realloc(g.p, 2 * g.n + 1);
	memcpy(g.p + g.n, g.p, g.n);
	in = brul_in_open_mem(g.p, 2 * g.n, &err);
	tap_ok(t, in != NULL && read_all(in, &b, &err) == 0 &&
	    b.n == 2 * d.n && memcmp(b.p, d.p, d.n) == 0 &&
	    memcmp(b.p + d.n, d.p, d.n) == 0,
	    "memory input: two gzip members");
	brul_in_close(in);
	free(b.p);
	g.p[g.n] = 0x1f;
	in = brul_in_open_mem(g.p, g.n + 1, &err);
	tap_ok(t, in != NULL && read_all(in, &b, &err) == -1 &&
	    strstr(err.msg, "trailing garbage") != NULL,
	    "memory input: a byte after a member is garbage");
	brul_in_close(in);
	free(b.p);
	free(g.p);
}

static void
test_errors(struct tap *t, const char *dir)
{
	char p[128], msg[600];
	struct brul_out_opts o = { .threads = 1 };
	struct brul_err err;
	struct brul_out *out;
	struct brul_in *in;
	struct stat st;
	char *q;
	int ok;

	path(dir, p, sizeof(p), "no/such/file");
	in = brul_in_open(p, &err);
	brul_err_str(&err, msg, sizeof(msg));
	tap_ok(t, in == NULL && strcmp(err.where, p) == 0 &&
	    strcmp(err.msg, "cannot open: No such file or directory") == 0,
	    "missing input: where and what");
	out = brul_out_open(p, &o, &err);
	tap_ok(t, out == NULL && strstr(err.msg, "cannot create") != NULL,
	    "output in a missing directory: an error");

	in = brul_in_open("-", &err);
	tap_streq(t, in != NULL ? brul_in_name(in) : "", "<stdin>",
	    "\"-\" is stdin");
	brul_in_close(in);

	for (o.gzip = 0; o.gzip <= 1; o.gzip++) {
		if (stat("/dev/full", &st) == -1) {
			tap_ok(t, 1, "full disk # SKIP no /dev/full");
			continue;
		}
		out = brul_out_open("/dev/full", &o, &err);
		ok = out != NULL;
		for (int i = 0; ok && i < 3000; i++) {
			if ((q = brul_out_reserve(out, 1000, &err)) == NULL)
				break;
			memset(q, 'x' + i % 3, 1000);
			brul_out_commit(out, 1000);
		}
		ok = ok && brul_out_close(out, &err) == -1;
		tap_ok(t, ok && strcmp(err.msg,
		    "write error: No space left on device") == 0 &&
		    strcmp(err.where, "/dev/full") == 0,
		    o.gzip ? "full disk, gzip: write error" :
		    "full disk, plain: write error");
		tap_ok(t, stat("/dev/full", &st) == 0,
		    "a device is never removed on failure");
	}

	path(dir, p, sizeof(p), "aborted.csv");
	o.gzip = 0;
	out = brul_out_open(p, &o, &err);
	brul_out_write(out, "a,b\n", 4, &err);
	brul_out_abort(out);
	tap_ok(t, stat(p, &st) == -1 && errno == ENOENT,
	    "abort removes the named output");
	path(dir, p, sizeof(p), "aborted.csv.gz");
	out = brul_out_open(p, &o, &err);
	for (int i = 0; i < 2000; i++)
		brul_out_write(out, "some data to compress, 1234\n", 28, &err);
	brul_out_abort(out);
	tap_ok(t, stat(p, &st) == -1 && errno == ENOENT,
	    "abort with threads running removes the named output");
}

static void
test_tty(struct tap *t, const char *dir)
{
	struct brul_out_opts o = { .gzip = 1, .threads = 1 };
	struct brul_err err;
	struct brul_out *out;
	int m;
	char *name;

	if ((m = posix_openpt(O_RDWR | O_NOCTTY)) == -1 || grantpt(m) == -1 ||
	    unlockpt(m) == -1 || (name = ptsname(m)) == NULL) {
		tap_ok(t, 1, "gzip to a terminal # SKIP no pty");
		tap_ok(t, 1, "gzip to a terminal, forced # SKIP no pty");
		return;
	}
	out = brul_out_open(name, &o, &err);
	tap_ok(t, out == NULL && strcmp(err.msg, "refusing to write "
	    "compressed data to a terminal (use -o FILE or --force)") == 0,
	    "gzip to a terminal is refused");
	o.force_tty = 1;
	out = brul_out_open(name, &o, &err);
	tap_ok(t, out != NULL, "gzip to a terminal, forced");
	brul_out_abort(out);
	close(m);
}

/* Reads what is in a pipe now: brul_in must not wait for more. */
static ssize_t
read_now(struct brul_in *in, unsigned char *b, size_t n,
    struct brul_err *err)
{
	ssize_t r;

	alarm(10);	/* a hang is a failure, not a stuck test run */
	r = brul_in_read(in, b, n, err);
	alarm(0);
	return r;
}

struct drain {
	struct brul_in *in;
	struct buf all;
	int ret;
};

static void *
drain(void *arg)
{
	struct drain *dr = arg;
	struct brul_err err;

	dr->ret = read_all(dr->in, &dr->all, &err);
	return NULL;
}

/* A gzip output into a pipe, and an input reading it. */
static struct brul_out *
live_pipe(const struct brul_out_opts *o, struct brul_in **in)
{
	struct brul_err err;
	struct brul_out *out;
	char rp[64], wp[64];
	int fd[2];

	if (pipe(fd) == -1)
		abort();
	snprintf(rp, sizeof(rp), "/dev/fd/%d", fd[0]);
	snprintf(wp, sizeof(wp), "/dev/fd/%d", fd[1]);
	out = brul_out_open(wp, o, &err);
	*in = brul_in_open(rp, &err);
	close(fd[0]);
	close(fd[1]);
	return out;
}

static void
test_live(struct tap *t, const char *dir, struct buf d)
{
	struct brul_out_opts o = { .gzip = 1, .threads = 2 };
	struct brul_err err;
	struct brul_out *out;
	struct drain dr;
	unsigned char b[4096];
	pthread_t th;
	ssize_t r;

	(void)dir;
	out = live_pipe(&o, &dr.in);
	brul_out_write(out, "ts,v\n1,2\n", 9, &err);
	tap_ok(t, brul_out_flush(out, &err) == 0, "live: flush");
	r = read_now(dr.in, b, sizeof(b), &err);
	tap_ok(t, r == 9 && memcmp(b, "ts,v\n1,2\n", 9) == 0,
	    "live: a gzip reader sees the rows before the end");
	brul_out_write(out, "3,4\n", 4, &err);
	brul_out_flush(out, &err);
	r = read_now(dr.in, b, sizeof(b), &err);
	tap_ok(t, r == 4 && memcmp(b, "3,4\n", 4) == 0,
	    "live: and the next rows after the next flush");
	/* Then more than a block, with the threads running, while another
	 * thread drains the pipe. */
	pthread_create(&th, NULL, drain, &dr);
	brul_out_write(out, d.p, d.n, &err);
	tap_ok(t, brul_out_close(out, &err) == 0,
	    "live: close after more than a block");
	pthread_join(th, NULL);
	tap_ok(t, dr.ret == 0 && same(dr.all, d.p, d.n),
	    "live: the reader got the rest");
	free(dr.all.p);
	brul_in_close(dr.in);

	/* A reader that stops early (a bad row) closes its input while the
	 * writer is still there: the thread inflating ahead, waiting in
	 * read(2), must not hold the close up. */
	out = live_pipe(&o, &dr.in);
	brul_out_write(out, "ts,v\n1,2\n", 9, &err);
	brul_out_flush(out, &err);
	r = read_now(dr.in, b, sizeof(b), &err);
	alarm(10);
	brul_in_close(dr.in);
	alarm(0);
	tap_ok(t, r == 9, "live: closing before the writer ends does not wait");
	brul_out_abort(out);
}

/* The temporary p is being written to, p.XXXXXXXX.partial, into tmp:
 * 0, or -1 when there is not exactly one. */
static int
temporary(const char *p, char *tmp, size_t n)
{
	char dir[PATH_MAX];
	const char *base = strrchr(p, '/') + 1;
	size_t len = strlen(base);
	struct dirent *e;
	DIR *d;
	int found = 0;

	snprintf(dir, sizeof dir, "%.*s", (int)(base - 1 - p), p);
	if ((d = opendir(dir)) == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (strncmp(e->d_name, base, len) == 0 &&
		    e->d_name[len] == '.' && strlen(e->d_name) == len + 17 &&
		    strcmp(e->d_name + len + 9, ".partial") == 0 &&
		    found++ == 0 &&
		    snprintf(tmp, n, "%s/%s", dir, e->d_name) >= (int)n)
			found++;
	closedir(d);
	return found == 1 ? 0 : -1;
}

static void
test_flush_threads(struct tap *t, const char *dir, struct buf d)
{
	struct brul_out_opts o = { .gzip = 1, .threads = 2 };
	struct brul_err err;
	struct brul_out *out;
	struct buf b;
	char p[128], q[128], tmp[PATH_MAX];
	size_t half = d.n / 2;

	path(dir, p, sizeof(p), "flushed.gz");
	out = brul_out_open(p, &o, &err);
	brul_out_write(out, d.p, half, &err);
	tap_ok(t, brul_out_flush(out, &err) == 0, "flush with threads");
	/* A copy of the file as it is now (its temporary, until the
	 * close): decodable up to the flush. */
	path(dir, q, sizeof(q), "flushed-copy.gz");
	if (temporary(p, tmp, sizeof tmp) < 0)
		abort();
	b = slurp_raw(tmp);
	spit_raw(q, b.p, b.n);
	free(b.p);
	tap_ok(t, read_file(q, &b, &err) == -1 && same(b, d.p, half),
	    "flush: every byte so far decodes, then the end is missing");
	free(b.p);
	brul_out_write(out, d.p + half, d.n - half, &err);
	tap_ok(t, brul_out_close(out, &err) == 0 &&
	    read_file(p, &b, &err) == 0 && same(b, d.p, d.n),
	    "flush: the whole file after close");
	free(b.p);
}

/* Whether file p holds exactly the text want. */
static int
holds(const char *p, const char *want)
{
	struct buf b = slurp_raw(p);
	int ok = b.p != NULL && b.n == strlen(want) &&
	    memcmp(b.p, want, b.n) == 0;

	free(b.p);
	return ok;
}

/* The entries of dir, but . and .. */
static int
entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	closedir(d);
	return n;
}

/* text written to p by brul_out and closed: close's result. */
static int
put(const char *p, const char *text)
{
	struct brul_out_opts o = { .threads = 1 };
	struct brul_err err;
	struct brul_out *out;

	if ((out = brul_out_open(p, &o, &err)) == NULL)
		return -1;
	brul_out_write(out, text, strlen(text), &err);
	return brul_out_close(out, &err);
}

struct fifo_reader {
	char path[128];
	char got[64];
};

static void *
read_fifo(void *arg)
{
	struct fifo_reader *r = arg;
	ssize_t n, k = 0;
	int fd = open(r->path, O_RDONLY);

	while (fd != -1 && k < (ssize_t)sizeof r->got - 1 &&
	    (n = read(fd, r->got + k, sizeof r->got - 1 - (size_t)k)) > 0)
		k += n;
	r->got[k] = '\0';
	if (fd != -1)
		close(fd);
	return NULL;
}

/* A named output appears whole or not at all (core/publish.h). */
static void
test_publish(struct tap *t, const char *top)
{
	struct brul_out_opts o = { .threads = 1 };
	char dir[80], p[128], q[128], u[192], stale[160], tmp[PATH_MAX];
	struct brul_out *out;
	struct brul_err err;
	struct stat st;
	mode_t um;
	int ok;

	path(top, dir, sizeof(dir), "pub");
	mkdir(dir, 0700);
	path(dir, p, sizeof(p), "out.csv");
	spit_raw(p, "old\n", 4);

	out = brul_out_open(p, &o, &err);
	brul_out_write(out, "new\n", 4, &err);
	brul_out_flush(out, &err);
	tap_ok(t, temporary(p, tmp, sizeof tmp) == 0 && holds(tmp, "new\n"),
	    "output: written to NAME.XXXXXXXX.partial, beside the name");
	tap_ok(t, holds(p, "old\n"),
	    "output: the name keeps the old file while the new is written");
	ok = brul_out_close(out, &err) == 0;
	tap_ok(t, ok && holds(p, "new\n") && stat(tmp, &st) == -1 &&
	    entries(dir) == 1,
	    "output: close renames the temporary to the name");

	out = brul_out_open(p, &o, &err);
	brul_out_write(out, "half", 4, &err);
	temporary(p, tmp, sizeof tmp);
	brul_out_abort(out);
	tap_ok(t, holds(p, "new\n") && stat(tmp, &st) == -1 &&
	    entries(dir) == 1,
	    "output: abort (an error) leaves the old file, no temporary");

	/* What a killed run leaves must not stop the next one. */
	snprintf(stale, sizeof(stale), "%s.partial", p);
	spit_raw(stale, "stale", 5);
	spit_raw(tmp, "stale", 5);
	tap_ok(t, put(p, "next\n") == 0 && holds(p, "next\n") &&
	    holds(tmp, "stale") && holds(stale, "stale"),
	    "output: a killed run's temporary is no obstacle, nor touched");
	unlink(stale);
	unlink(tmp);

	path(dir, u, sizeof(u), "target");
	spit_raw(u, "precious\n", 9);
	path(dir, q, sizeof(q), "link.csv");
	if (symlink(u, q) == -1)
		abort();
	tap_ok(t, put(q, "new\n") == 0 && holds(u, "precious\n") &&
	    lstat(q, &st) == 0 && S_ISREG(st.st_mode) && holds(q, "new\n"),
	    "output: a symbolic link as the name is replaced, not followed");
	path(dir, u, sizeof(u), "nowhere");
	path(dir, q, sizeof(q), "dangling.csv");
	if (symlink(u, q) == -1)
		abort();
	tap_ok(t, put(q, "new\n") == 0 && lstat(u, &st) == -1 &&
	    lstat(q, &st) == 0 && S_ISREG(st.st_mode),
	    "output: a dangling link is replaced, nothing made where it "
	    "pointed");

	path(dir, q, sizeof(q), "hard.csv");
	if (link(p, q) == -1)
		abort();
	tap_ok(t, put(p, "newer\n") == 0 && holds(p, "newer\n") &&
	    holds(q, "next\n"),
	    "output: another hard link keeps the old file (the name is "
	    "replaced)");

	um = umask(027);
	chmod(p, 0600);
	ok = put(p, "x\n") == 0 && stat(p, &st) == 0;
	umask(um);
	tap_ok(t, ok && (st.st_mode & 07777) == 0640,
	    "output: the mode is a fresh file's, 0666 less the umask");

	out = brul_out_open(dir, &o, &err);
	tap_ok(t, out == NULL && strcmp(err.msg, "is a directory") == 0,
	    "output: a directory is an error");

	path(dir, q, sizeof(q), "became-a-dir");
	out = brul_out_open(q, &o, &err);
	brul_out_write(out, "x\n", 2, &err);
	temporary(q, tmp, sizeof tmp);
	mkdir(q, 0700);
	path(q, u, sizeof(u), "inside");
	spit_raw(u, "x", 1);
	tap_ok(t, brul_out_close(out, &err) == -1 &&
	    strcmp(err.msg, "cannot replace: Is a directory") == 0 &&
	    strcmp(err.where, q) == 0 && stat(tmp, &st) == -1,
	    "output: a rename that fails is an error, the temporary removed");

	tap_ok(t, put("/dev/null", "x\n") == 0 &&
	    stat("/dev/null", &st) == 0 && S_ISCHR(st.st_mode),
	    "output: /dev/null is written in place");
	{
		struct fifo_reader r;
		pthread_t th;

		path(dir, r.path, sizeof(r.path), "fifo");
		if (mkfifo(r.path, 0600) == -1)
			abort();
		pthread_create(&th, NULL, read_fifo, &r);
		ok = put(r.path, "a,b\n1,2\n") == 0;
		pthread_join(th, NULL);
		tap_ok(t, ok && strcmp(r.got, "a,b\n1,2\n") == 0 &&
		    temporary(r.path, tmp, sizeof tmp) == -1 &&
		    lstat(r.path, &st) == 0 &&
		    S_ISFIFO(st.st_mode),
		    "output: a named pipe is written in place");
	}
	/* A link to the process's own stderr when that is a file: written
	 * through it (>> appends), the link kept.  /dev/stderr is such a
	 * link; one of our own keeps /dev out of harm's way. */
	path(dir, q, sizeof(q), "stderr.txt");
	path(dir, u, sizeof(u), "stderr-link");
	if (stat("/proc/self/fd/2", &st) == -1) {
		tap_ok(t, 1, "output: a link to stderr # SKIP no /proc");
	} else {
		int saved = dup(2), fd;

		spit_raw(q, "first\n", 6);
		if ((fd = open(q, O_WRONLY | O_APPEND)) == -1 ||
		    symlink("/proc/self/fd/2", u) == -1)
			abort();
		dup2(fd, 2);
		close(fd);
		ok = put(u, "second\n") == 0;
		dup2(saved, 2);
		close(saved);
		tap_ok(t, ok && holds(q, "first\nsecond\n") &&
		    lstat(u, &st) == 0 && S_ISLNK(st.st_mode),
		    "output: a link to our own stderr, a file, is appended to");
	}
}

/* What the note was told, in order: '+' or '-' and the temporary; and
 * whether the temporary was there when it was told it would be made.  A
 * test's own state: a note takes no argument. */
static char told[4][PATH_MAX + 1];
static int ntold, existed;

static void
note(const char *tmp, int made)
{
	if (made)
		existed = access(tmp, F_OK) == 0;
	if (ntold < 4)
		snprintf(told[ntold++], sizeof told[0], "%c%s", made ? '+' : '-',
		    tmp);
}

/* A tool's signal handler learns each temporary from the note. */
static void
test_note(struct tap *t, const char *top)
{
	struct brul_out_opts o = { .threads = 1, .note = note };
	char p[128], tmp[PATH_MAX];
	struct brul_out *out;
	struct brul_err err;

	path(top, p, sizeof(p), "noted.csv");
	ntold = 0;
	out = brul_out_open(p, &o, &err);
	temporary(p, tmp, sizeof tmp);
	tap_ok(t, ntold == 1 && told[0][0] == '+' &&
	    strcmp(told[0] + 1, tmp) == 0 && !existed,
	    "note: told the temporary's name before it is made");
	brul_out_write(out, "x\n", 2, &err);
	brul_out_close(out, &err);
	tap_ok(t, ntold == 2 && told[1][0] == '-' &&
	    strcmp(told[1] + 1, tmp) == 0,
	    "note: told once the temporary is renamed");
	ntold = 0;
	out = brul_out_open(p, &o, &err);
	temporary(p, tmp, sizeof tmp);
	brul_out_abort(out);
	tap_ok(t, ntold == 2 && told[1][0] == '-' &&
	    strcmp(told[1] + 1, tmp) == 0,
	    "note: told once the temporary is removed");
	ntold = 0;
	out = brul_out_open("/dev/null", &o, &err);
	brul_out_close(out, &err);
	tap_ok(t, ntold == 0, "note: nothing to tell for a device");
	path(top, p, sizeof(p), "no/such/dir.csv");
	ntold = 0;
	out = brul_out_open(p, &o, &err);
	tap_ok(t, out == NULL && ntold == 2 && told[0][0] == '+' &&
	    told[1][0] == '-' && strcmp(told[0] + 1, told[1] + 1) == 0,
	    "note: a temporary that cannot be made is told gone");
}

int
main(void)
{
	struct tap t = { 0, 0 };
	struct buf d;
	char dir[64], cmd[100];

	signal(SIGPIPE, SIG_IGN);
	snprintf(dir, sizeof(dir), "/tmp/test-stream.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return 1;
	d = make_data(3 * 1024 * 1024 + 12345);
	test_plain(&t, dir, d);
	test_gzip(&t, dir, d);
	test_gzip_small(&t, dir);
	test_damage(&t, dir, d);
	test_mem(&t, dir, d);
	test_errors(&t, dir);
	test_tty(&t, dir);
	test_live(&t, dir, d);
	test_flush_threads(&t, dir, d);
	test_publish(&t, dir);
	test_note(&t, dir);
	free(d.p);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		return 1;
	return tap_done(&t);
}

/*
 * loadspill.c: binary COPY data in bounded memory: a spill gathers rows in
 * a buffer and writes it to a temporary file each SEND_BYTES; the file is
 * then sent whole in one COPY.  Telemetry's fast way spills the rows to
 * merge and the hours it summed this way (the fresh rows too, which
 * loadsort.c sends battery by battery).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "db/loadteleint.h"
#include "db/pgcopy.h"

void
brul_load_spill_free(struct spill *s)
{
	brul_pgcopy_release(&s->b);
	if (s->fp)
		fclose(s->fp);
	memset(s, 0, sizeof *s);
}

int
brul_load_out_send(struct brul_load_job *j, struct brul_err *err)
{
	struct brul_load_tele *t = j->t;
	int rc;

	if (t->out.oom)
		return brul_load_oom(err);
	rc = brul_db_copy_put(j->db, t->out.buf, t->out.n, err);
	brul_pgcopy_clear(&t->out);
	return rc;
}

int
brul_load_spill_flush(struct spill *s, struct brul_err *err)
{
	if (s->b.oom)
		return brul_load_oom(err);
	if (s->fp == NULL && (s->fp = tmpfile()) == NULL)
		return brul_err_set(err, NULL, 0, 0, "temporary file: %s",
				    strerror(errno));
	if (s->b.n && fwrite(s->b.buf, 1, s->b.n, s->fp) != s->b.n)
		return brul_err_set(err, NULL, 0, 0, "temporary file: %s",
				    strerror(errno));
	brul_pgcopy_clear(&s->b);
	return 0;
}

/* COPY what was spilled (binary, no header) into table (cols), then
 * empty the spill. */
int
brul_load_spill_send(struct brul_load_job *j, struct spill *s,
		     const char *sql, struct brul_err *err)
{
	struct brul_pgcopy *out = &j->t->out;
	char buf[1 << 16];
	size_t got;

	if (brul_load_spill_flush(s, err) < 0 ||
	    brul_db_copy_begin(j->db, sql, err) < 0)
		return -1;
	brul_pgcopy_header(out);
	if (brul_load_out_send(j, err) < 0)
		return -1;
	rewind(s->fp);
	while ((got = fread(buf, 1, sizeof buf, s->fp)) > 0)
		if (brul_db_copy_put(j->db, buf, got, err) < 0)
			return -1;
	if (ferror(s->fp))
		return brul_err_set(err, NULL, 0, 0, "temporary file: %s",
				    strerror(errno));
	brul_pgcopy_trailer(out);
	if (brul_load_out_send(j, err) < 0 ||
	    brul_db_copy_end(j->db, err) < 0)
		return -1;
	fclose(s->fp);
	s->fp = NULL;
	s->rows = 0;
	return 0;
}

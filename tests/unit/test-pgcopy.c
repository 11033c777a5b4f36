/*
 * test-pgcopy.c: PostgreSQL's binary COPY format, byte by byte, as the
 * server's documentation gives it (the COPY page, "Binary Format"),
 * written and read, and the growing text buffer.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sbuf.h"
#include "db/pgcopy.h"
#include "tap.h"

static int
bytes_are(const struct brul_pgcopy *c, const void *want, size_t n)
{
	return c->n == n && memcmp(c->buf, want, n) == 0;
}

int
main(void)
{
	struct tap t = { 0 };
	struct brul_pgcopy c = { 0 };
	struct brul_sbuf s = { 0 };

	brul_pgcopy_header(&c);
	tap_ok(&t, bytes_are(&c, "PGCOPY\n\377\r\n\0" "\0\0\0\0" "\0\0\0\0", 19),
	       "header: signature, flags 0, no extension");
	brul_pgcopy_clear(&c);

	brul_pgcopy_row(&c, 7);
	tap_ok(&t, bytes_are(&c, "\0\7", 2), "a row starts with its field count, big-endian");
	brul_pgcopy_clear(&c);

	/* 2000-01-01T00:00:00Z is PostgreSQL's zero; a second is 10^6 us. */
	brul_pgcopy_time(&c, 946684800);
	tap_ok(&t, bytes_are(&c, "\0\0\0\10" "\0\0\0\0\0\0\0\0", 12),
	       "timestamptz: 2000-01-01 is 0");
	brul_pgcopy_clear(&c);
	brul_pgcopy_time(&c, 946684801);
	tap_ok(&t, bytes_are(&c, "\0\0\0\10" "\0\0\0\0\0\x0f\x42\x40", 12),
	       "timestamptz: one second later is 1000000 us");
	brul_pgcopy_clear(&c);
	brul_pgcopy_time(&c, 946684799);
	tap_ok(&t, bytes_are(&c, "\0\0\0\10" "\xff\xff\xff\xff\xff\xf0\xbd\xc0", 12),
	       "timestamptz: before 2000 is negative");
	brul_pgcopy_clear(&c);

	/* 13.566 as IEEE 754 binary64: 0x402B21CAC083126F. */
	brul_pgcopy_float8(&c, 13.566);
	tap_ok(&t, bytes_are(&c, "\0\0\0\10" "\x40\x2b\x21\xca\xc0\x83\x12\x6f", 12),
	       "float8: the IEEE bits, big-endian");
	brul_pgcopy_clear(&c);

	brul_pgcopy_text(&c, "B0001-1", 7);
	tap_ok(&t, bytes_are(&c, "\0\0\0\7B0001-1", 11), "text: length, then the bytes");
	brul_pgcopy_clear(&c);
	brul_pgcopy_null(&c);
	tap_ok(&t, bytes_are(&c, "\xff\xff\xff\xff", 4), "NULL: a length of -1");
	brul_pgcopy_clear(&c);
	brul_pgcopy_int4(&c, 60);
	tap_ok(&t, bytes_are(&c, "\0\0\0\4\0\0\0\x3c", 8), "int4");
	brul_pgcopy_clear(&c);
	brul_pgcopy_int8(&c, -2);
	tap_ok(&t, bytes_are(&c, "\0\0\0\10\xff\xff\xff\xff\xff\xff\xff\xfe", 12), "int8");
	brul_pgcopy_clear(&c);
	brul_pgcopy_trailer(&c);
	tap_ok(&t, bytes_are(&c, "\xff\xff", 2), "trailer: a field count of -1");
	brul_pgcopy_clear(&c);

	/* Growth past the first allocation keeps every byte. */
	for (int i = 0; i < 100000; i++)
		brul_pgcopy_int4(&c, i);
	{
		int ok = !c.oom && c.n == 800000;

		for (int i = 0; ok && i < 100000; i++) {
			const unsigned char *p = c.buf + 8 * (size_t)i + 4;
			uint32_t v = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
			    (uint32_t)p[2] << 8 | p[3];

			ok = v == (uint32_t)i;
		}
		tap_ok(&t, ok, "100000 fields through growth, all intact");
	}
	brul_pgcopy_release(&c);
	tap_ok(&t, c.buf == NULL && c.n == 0, "release empties it");

	/* Reading what the server sends: the header before the first row,
	 * rows of fields, NULLs, the trailer. */
	{
		struct brul_pgcopy_in in = { 0 };
		struct brul_pgcopy_field f[4];
		const unsigned char *p, *end;
		int nf;

		brul_pgcopy_header(&c);
		brul_pgcopy_row(&c, 4);
		brul_pgcopy_time(&c, 1767225600);	/* 2026-01-01 */
		brul_pgcopy_text(&c, "B0001-1", 7);
		brul_pgcopy_null(&c);
		brul_pgcopy_float8(&c, 13.566);
		brul_pgcopy_row(&c, 1);
		brul_pgcopy_int4(&c, -60);
		brul_pgcopy_trailer(&c);
		p = c.buf;
		end = c.buf + c.n;
		nf = brul_pgcopy_read(&in, &p, end, f, 4);
		tap_ok(&t, nf == 4 && in.started && !in.done,
		       "read: the header, then a row of 4 fields");
		tap_ok(&t, f[0].n == 8 &&
		       brul_pgcopy_get_time(&f[0]) == 1767225600,
		       "read: a timestamptz as Unix seconds");
		tap_ok(&t, f[1].n == 7 && memcmp(f[1].p, "B0001-1", 7) == 0,
		       "read: text, its bytes in place");
		tap_ok(&t, f[2].n == -1, "read: NULL is a length of -1");
		tap_ok(&t, f[3].n == 8 &&
		       brul_pgcopy_get_float8(&f[3]) == 13.566,
		       "read: float8, the same bits");
		nf = brul_pgcopy_read(&in, &p, end, f, 4);
		tap_ok(&t, nf == 1 && f[0].n == 4 &&
		       brul_pgcopy_get_int(&f[0]) == -60,
		       "read: int4, negative");
		nf = brul_pgcopy_read(&in, &p, end, f, 4);
		tap_ok(&t, nf == 0 && in.done && p == end,
		       "read: the trailer ends the stream");
		tap_ok(&t, brul_pgcopy_read(&in, &p, end, f, 4) == 0,
		       "read: nothing after the trailer");

		/* A row cut short, a row wider than asked, a wrong
		 * signature: refused, never read past the end. */
		in = (struct brul_pgcopy_in){ 0 };
		p = c.buf;
		tap_ok(&t, brul_pgcopy_read(&in, &p, c.buf + 19 + 2 + 12 + 6,
		       f, 4) == -1, "read: a row cut short is refused");
		in = (struct brul_pgcopy_in){ 0 };
		p = c.buf;
		tap_ok(&t, brul_pgcopy_read(&in, &p, end, f, 3) == -1,
		       "read: more fields than max is refused");
		in = (struct brul_pgcopy_in){ 0 };
		p = (const unsigned char *)"PGCOPY\n\377\r\n\0\0\1\0\0"
		    "\0\0\0\0";
		tap_ok(&t, brul_pgcopy_read(&in, &p, p + 19, f, 4) == -1,
		       "read: OIDs (flag bit 16) are refused");
		in = (struct brul_pgcopy_in){ 0 };
		p = (const unsigned char *)"COPY\n";
		tap_ok(&t, brul_pgcopy_read(&in, &p, p + 5, f, 4) == -1,
		       "read: not binary COPY");
		brul_pgcopy_clear(&c);

		/* Rows a message at a time, as libpq hands them over. */
		in = (struct brul_pgcopy_in){ 0 };
		brul_pgcopy_header(&c);
		brul_pgcopy_row(&c, 1);
		brul_pgcopy_int8(&c, 7);
		p = c.buf;
		nf = brul_pgcopy_read(&in, &p, c.buf + c.n, f, 4);
		tap_ok(&t, nf == 1 && brul_pgcopy_get_int(&f[0]) == 7 &&
		       brul_pgcopy_read(&in, &p, c.buf + c.n, f, 4) == 0 &&
		       !in.done, "read: the end of a message is not the end");
		brul_pgcopy_clear(&c);
	}

	/* Times before 2000 and before 1970 round down to the second;
	 * dates count from 2000-01-01 on the wire. */
	{
		struct brul_pgcopy_field f;
		unsigned char b[8];

		/* -1 us */
		memcpy(b, "\xff\xff\xff\xff\xff\xff\xff\xff", 8);
		f.p = b;
		f.n = 8;
		tap_ok(&t, brul_pgcopy_get_time(&f) == 946684799,
		       "timestamptz: 1 us before 2000 is the second before");
		memcpy(b, "\0\0\0\0", 4);
		f.n = 4;
		tap_ok(&t, brul_pgcopy_get_date(&f) == 10957,
		       "date: 2000-01-01 is day 10957 since 1970");
		memcpy(b, "\xff\xff\xd5\x2b", 4);	/* -10965 */
		tap_ok(&t, brul_pgcopy_get_date(&f) == -8,
		       "date: 1969-12-24 is day -8");
		memcpy(b, "\xff\xfe", 2);
		f.n = 2;
		tap_ok(&t, brul_pgcopy_get_int(&f) == -2, "int2, negative");
	}

	brul_sbuf_str(&s, "INSERT INTO ");
	brul_sbuf_fmt(&s, "%s (%d)", "t", 42);
	brul_sbuf_add(&s, "xyz", 2);
	tap_streq(&t, s.s, "INSERT INTO t (42)xy", "sbuf: str, fmt and add, NUL-terminated");
	for (int i = 0; i < 10000; i++)
		brul_sbuf_str(&s, "0123456789");
	tap_ok(&t, !s.oom && s.n == 20 + 100000 && s.s[s.n] == '\0',
	       "sbuf: grows, stays terminated");
	free(s.s);
	return tap_done(&t);
}

/*
 * test-pgcopy.c: PostgreSQL's binary COPY format, byte by byte, as the
 * server's documentation gives it (the COPY page, "Binary Format"), and
 * the growing text buffer.
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

/* import.c: see import.h. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "battery/import.h"
#include "battery/vrla.h"
#include "core/grow.h"
#include "core/id.h"
#include "core/num.h"
#include "core/stream.h"
#include "core/timefmt.h"

#define LINE_MAX_BYTES	(1 << 20)	/* a longer line is refused */
#define CHUNK		65536
/* What a lead-acid block's readings can be, to catch a wrong unit. */
#define CELL_V_LO	1.0
#define CELL_V_HI	3.0
#define TEMP_LO		(-50.0)
#define TEMP_HI		100.0
#define RES_LO		0.01
#define RES_HI		1000.0
#define C_RATE_MAX	10.0
/* The sign check: steps with the current above this and the voltage
 * moving more than SIGN_DV; refused when nearly all disagree. */
#define SIGN_MIN_A	0.05
#define SIGN_DV		0.02	/* V per 12 V block */
#define SIGN_MAX_DT	3600
#define SIGN_STEP	0.1	/* a load step: the current moved 10 % */
#define SIGN_EARLY	50
#define SIGN_LATE	10
/* Rows of one battery within one second, ordered by the fraction the
 * export wrote (some write them out of order); more are let go as read. */
#define GROUP_MAX	32
/* A load step no block's voltage sits out: the drop across its resistance
 * (0.3 to 1 Ohm Ah over its capacity) is tens of millivolts. */
#define HELD_C		0.05	/* of the capacity */
#define HELD_A		5.0	/* when the capacity is not given */

static const char *const field_names[BRUL_IMP_NFIELDS] = {
	"ts", "elapsed", "battery_id", "voltage_v", "current_a",
	"temperature_c", "resistance_mohm", "reactance_mohm", "frequency_hz"
};

struct unit {
	int field;
	const char *name;
	double scale, offset;	/* brul's = value * scale + offset */
};

static const struct unit units[] = {
	{ BRUL_IMP_ELAPSED, "s", 1, 0 }, { BRUL_IMP_ELAPSED, "ms", 1e-3, 0 },
	{ BRUL_IMP_ELAPSED, "min", 60, 0 }, { BRUL_IMP_ELAPSED, "h", 3600, 0 },
	{ BRUL_IMP_VOLTAGE, "V", 1, 0 }, { BRUL_IMP_VOLTAGE, "mV", 1e-3, 0 },
	{ BRUL_IMP_CURRENT, "A", 1, 0 }, { BRUL_IMP_CURRENT, "mA", 1e-3, 0 },
	{ BRUL_IMP_TEMP, "degC", 1, 0 }, { BRUL_IMP_TEMP, "K", 1, -273.15 },
	{ BRUL_IMP_TEMP, "degF", 5.0 / 9, -32.0 * 5 / 9 },
	{ BRUL_IMP_RES, "mOhm", 1, 0 }, { BRUL_IMP_RES, "uOhm", 1e-3, 0 },
	{ BRUL_IMP_RES, "Ohm", 1e3, 0 },
	{ BRUL_IMP_REACT, "mOhm", 1, 0 }, { BRUL_IMP_REACT, "uOhm", 1e-3, 0 },
	{ BRUL_IMP_REACT, "Ohm", 1e3, 0 },
	{ BRUL_IMP_FREQ, "Hz", 1, 0 }, { BRUL_IMP_FREQ, "kHz", 1e3, 0 },
};
#define NUNITS (int)(sizeof units / sizeof units[0])

/* A row read, waiting for the rest of its second (its battery_id points
 * at id once it is handed out). */
struct pending {
	struct brul_import_row row;
	char id[BRUL_ID_MAX + 1];
	double frac;
	long lineno;
};

struct brul_import {
	const struct brul_import_opts *o;
	struct brul_in *in;
	char name[256];			/* in messages */
	char *buf;			/* bytes read, not yet lines */
	size_t blen, bpos;
	int eof;
	char *line;			/* the current line, NUL-ended */
	size_t lcap;
	long lineno;
	size_t *fo;			/* its fields: offsets, NUL-ended */
	size_t fcap;
	int nf;
	int idx[BRUL_IMP_NFIELDS];	/* each field's column; -1 none */
	int where;			/* --where's column; -1 none */
	char cname[BRUL_IMP_NFIELDS][128];	/* its name, in messages */
	const struct unit *unit[BRUL_IMP_NFIELDS];
	char id[BRUL_ID_MAX + 1];
	char start_s[64];		/* the preamble's start, unparsed */
	int64_t start;
	int has_start;
	int units_row;			/* still to skip */
	int started, done;
	uint64_t rows, empty, table, dropped, other;
	long first_drop;
	/* the row read before, for times going backwards */
	char prev_id[BRUL_ID_MAX + 1];
	int64_t prev_ts;
	/* a second's rows, in order, the next to hand out, and one read of
	 * the next second (grp[GROUP_MAX]) */
	struct pending grp[GROUP_MAX + 1];
	int gn, gout, has_next;
	/* the row handed out before, and its line, for the checks */
	char out_id[BRUL_ID_MAX + 1];
	int64_t out_ts;
	long cur_line;
	double anchor_v, anchor_i;
	int has_prev, has_anchor;
	long agree, disagree, bad_line;
	/* the last voltage and current read, and a voltage held */
	double last_v, last_i, held_v;
	int has_last;
	uint64_t held;
	long first_held;
};

void
brul_import_opts_init(struct brul_import_opts *o)
{
	memset(o, 0, sizeof *o);
	o->skip_lines = -1;
	o->cells = BRUL_VRLA_CELLS;
}

int
brul_import_preset(struct brul_import_opts *o, const char *name,
    struct brul_err *e)
{
	if (strcmp(name, "digatron") == 0) {
		/* Digatron BTS-600 exports: two generations of header. */
		o->col[BRUL_IMP_ELAPSED] = "Total Time, (h:m:s)|Total Time";
		o->col[BRUL_IMP_VOLTAGE] = "Voltage, V|Voltage";
		o->col[BRUL_IMP_CURRENT] = "Current, A|Current";
		o->start_key = "Test Date";
		o->id_key = "Test Name";
		o->discharge_positive = 0;
	} else if (strcmp(name, "digatron-eis") == 0) {
		o->col[BRUL_IMP_ELAPSED] = "Prog Time";
		o->col[BRUL_IMP_VOLTAGE] = "U1";
		o->col[BRUL_IMP_RES] = "Zreal1";
		o->col[BRUL_IMP_REACT] = "Zimg1";
		o->col[BRUL_IMP_FREQ] = "ActFreq";
		o->start_key = "Start Time";
		o->id_key = "Comment";
		o->units_row = 1;
		/* the rows of a spectrum; pauses and messages pass */
		o->where_col = "Status";
		o->where_val = "EIS";
		o->missing = "0";	/* what it writes when nothing was measured */
	} else if (strcmp(name, "bboxx") == 0) {
		o->col[BRUL_IMP_TS] = "time";
		o->col[BRUL_IMP_VOLTAGE] = "voltage";
		o->col[BRUL_IMP_CURRENT] = "current";
		o->col[BRUL_IMP_TEMP] = "temperature";
		o->discharge_positive = 1;
		o->id_prefix = "telemetry_";
	} else if (strcmp(name, "tetra") == 0) {
		o->col[BRUL_IMP_VOLTAGE] = "Voltage";
		o->col[BRUL_IMP_CURRENT] = "Current";
		o->discharge_positive = 1;
		o->interval = 60;
	} else
		return brul_err_set(e, NULL, 0, 0, "unknown preset \"%s\": "
		    "there are digatron, digatron-eis, bboxx and tetra", name);
	return 0;
}

static int
field_of(const char *s, size_t n)
{
	int f;

	for (f = 0; f < BRUL_IMP_NFIELDS; f++)
		if (strlen(field_names[f]) == n &&
		    memcmp(field_names[f], s, n) == 0)
			return f;
	return -1;
}

/* "FIELD=REST": the field, *rest set; -1 with e set. */
static int
split_arg(const char *arg, const char **rest, struct brul_err *e)
{
	const char *eq = strchr(arg, '=');
	int f;

	if (eq == NULL || eq[1] == '\0')
		return brul_err_set(e, NULL, 0, 0, "expected FIELD=VALUE, "
		    "not \"%s\"", arg);
	if ((f = field_of(arg, (size_t)(eq - arg))) < 0)
		return brul_err_set(e, NULL, 0, 0, "unknown field \"%.*s\": "
		    "there are ts, elapsed, battery_id, voltage_v, current_a, "
		    "temperature_c, resistance_mohm, reactance_mohm and "
		    "frequency_hz", (int)(eq - arg), arg);
	*rest = eq + 1;
	return f;
}

int
brul_import_set_column(struct brul_import_opts *o, const char *arg,
    struct brul_err *e)
{
	const char *name;
	int f;

	if ((f = split_arg(arg, &name, e)) < 0)
		return -1;
	o->col[f] = name;
	return 0;
}

static const struct unit *
find_unit(int f, const char *name)
{
	int i;

	for (i = 0; i < NUNITS; i++)
		if (units[i].field == f && (name == NULL ||
		    strcmp(units[i].name, name) == 0))
			return &units[i];
	return NULL;
}

int
brul_import_set_unit(struct brul_import_opts *o, const char *arg,
    struct brul_err *e)
{
	const char *name;
	char list[128];
	size_t n = 0;
	int f, i;

	if ((f = split_arg(arg, &name, e)) < 0)
		return -1;
	if (find_unit(f, name) == NULL) {
		list[0] = '\0';
		for (i = 0; i < NUNITS; i++)
			if (units[i].field == f && n < sizeof list)
				n += (size_t)snprintf(list + n, sizeof list - n,
				    "%s%s", n ? ", " : "", units[i].name);
		return brul_err_set(e, NULL, 0, 0, "%s: unknown unit \"%s\"%s%s",
		    field_names[f], name, n ? ": it takes " : " (it takes none)",
		    list);
	}
	o->unit[f] = name;
	return 0;
}

/* Digits at s[*i..), at least 1 and at most max: the value, or -1. */
static long
digits(const char *s, size_t n, size_t *i, int max)
{
	long v = 0;
	int k = 0;

	while (*i < n && k < max && s[*i] >= '0' && s[*i] <= '9') {
		v = v * 10 + (s[*i] - '0');
		(*i)++;
		k++;
	}
	return k ? v : -1;
}

/* brul_import_time, and the fraction of a second it drops into *frac. */
static int
import_time(const char *s, size_t n, int64_t *t, double *frac)
{
	long y, mo, d, h, mi, sec = 0, zh, zm;
	size_t i = 0;
	int64_t days;
	int64_t yy;
	int mm, dd, sign;
	struct tm tm;
	time_t lt;

	*frac = 0;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\r'))
		n--;
	while (i < n && s[i] == ' ')
		i++;
	if ((y = digits(s, n, &i, 4)) < 0 || i >= n ||
	    (s[i] != '-' && s[i] != '/'))
		return -1;
	i++;
	if ((mo = digits(s, n, &i, 2)) < 1 || i >= n ||
	    (s[i] != '-' && s[i] != '/'))
		return -1;
	i++;
	if ((d = digits(s, n, &i, 2)) < 1 || i >= n ||
	    (s[i] != ' ' && s[i] != 'T'))
		return -1;
	i++;
	if ((h = digits(s, n, &i, 2)) < 0 || i >= n || s[i++] != ':' ||
	    (mi = digits(s, n, &i, 2)) < 0)
		return -1;
	if (i < n && s[i] == ':') {
		i++;
		if ((sec = digits(s, n, &i, 2)) < 0)
			return -1;
		if (i < n && s[i] == '.')	/* a fraction, dropped */
			for (double f = 0.1; ++i < n && s[i] >= '0' &&
			    s[i] <= '9'; f /= 10)
				*frac += f * (s[i] - '0');
	}
	while (i < n && s[i] == ' ')
		i++;
	if (n - i == 2 && (s[i + 1] == 'M' || s[i + 1] == 'm') &&
	    strchr("AaPp", s[i]) != NULL) {
		if (h < 1 || h > 12)
			return -1;
		h = h % 12 + (s[i] == 'P' || s[i] == 'p' ? 12 : 0);
		i = n;
	}
	if (mo > 12 || h > 23 || mi > 59 || sec > 59)
		return -1;
	days = brul_days_from_civil(y, (int)mo, (int)d);
	brul_civil_from_days(days, &yy, &mm, &dd);
	if (dd != d)
		return -1;
	if (i < n) {		/* Z or an offset: not local */
		if (n - i == 1 && s[i] == 'Z')
			zh = zm = 0, sign = 1;
		else if (s[i] == '+' || s[i] == '-') {
			sign = s[i++] == '-' ? -1 : 1;
			if ((zh = digits(s, n, &i, 2)) < 0)
				return -1;
			if (i < n && s[i] == ':')
				i++;
			if ((zm = digits(s, n, &i, 2)) < 0 || i != n ||
			    zh > 23 || zm > 59)
				return -1;
		} else
			return -1;
		*t = days * BRUL_DAY + h * 3600 + mi * 60 + sec -
		    sign * (zh * 3600 + zm * 60);
		return 0;
	}
	memset(&tm, 0, sizeof tm);
	tm.tm_year = (int)y - 1900;
	tm.tm_mon = (int)mo - 1;
	tm.tm_mday = (int)d;
	tm.tm_hour = (int)h;
	tm.tm_min = (int)mi;
	tm.tm_sec = (int)sec;
	tm.tm_isdst = -1;	/* the zone's rule decides */
	if ((lt = mktime(&tm)) == (time_t)-1)
		return -1;
	*t = (int64_t)lt;
	return 0;
}

int
brul_import_time(const char *s, size_t n, int64_t *t)
{
	double frac;

	return import_time(s, n, t, &frac);
}

/* "h:mm:ss.f", "mm:ss" or a number (in unit u): seconds.  0 or -1. */
static int
elapsed(const char *s, size_t n, const struct unit *u, double *sec)
{
	const char *c;
	double part, v = 0;
	size_t k;

	if (memchr(s, ':', n) == NULL) {
		if (brul_num_parse(s, n, &v) < 0 || !isfinite(v))
			return -1;
		*sec = v * (u ? u->scale : 1);
		return 0;
	}
	while (n > 0) {
		c = memchr(s, ':', n);
		k = c ? (size_t)(c - s) : n;
		if (k == 0 || brul_num_parse(s, k, &part) < 0 || part < 0)
			return -1;
		v = v * 60 + part;
		s += k;
		n -= k;
		if (n > 0) {
			s++;
			if (--n == 0)
				return -1;
		}
	}
	*sec = v;
	return 0;
}

static int
fill(struct brul_import *im, struct brul_err *e)
{
	ssize_t got;

	if (im->bpos == im->blen) {
		im->bpos = im->blen = 0;
		if ((got = brul_in_read(im->in, im->buf, CHUNK, e)) < 0)
			return -1;
		if (got == 0)
			im->eof = 1;
		im->blen = (size_t)got;
	}
	return 0;
}

/* The next line into im->line, its CR LF or LF dropped: 1, 0 at the
 * end, -1. */
static int
read_line(struct brul_import *im, struct brul_err *e)
{
	size_t len = 0, k;
	char *nl;
	int any = 0;

	for (;;) {
		if (fill(im, e) < 0)
			return -1;
		if (im->eof)
			break;
		any = 1;
		nl = memchr(im->buf + im->bpos, '\n', im->blen - im->bpos);
		k = nl ? (size_t)(nl - (im->buf + im->bpos)) :
		    im->blen - im->bpos;
		if (len + k + 1 > LINE_MAX_BYTES)
			return brul_err_set(e, im->name, im->lineno + 1, 0,
			    "line longer than %d bytes", LINE_MAX_BYTES);
		if (brul_grow(&im->line, &im->lcap, len + k + 1, 1) < 0)
			return brul_err_set(e, im->name, 0, 0,
			    "out of memory");
		memcpy(im->line + len, im->buf + im->bpos, k);
		len += k;
		im->bpos += k + (nl != NULL);
		if (nl)
			break;
	}
	if (!any && len == 0)
		return 0;
	if (len > 0 && im->line[len - 1] == '\r')
		len--;
	im->line[len] = '\0';
	im->lineno++;
	return 1;
}

/* Splits im->line into fields in place: quotes removed ("" is "), an
 * Excel formula's ="..." read as its text, spaces around trimmed. */
static int
split(struct brul_import *im, struct brul_err *e)
{
	char *r = im->line, *w = im->line, *start;
	size_t n;

	im->nf = 0;
	for (;;) {
		while (*r == ' ' || *r == '\t')
			r++;
		if (r[0] == '=' && r[1] == '"')
			r++;
		if (brul_grow(&im->fo, &im->fcap, (size_t)im->nf + 1,
		    sizeof *im->fo) < 0)
			return brul_err_set(e, im->name, 0, 0, "out of memory");
		start = w;
		im->fo[im->nf++] = (size_t)(w - im->line);
		if (*r == '"') {
			for (r++; *r != '\0'; r++) {
				if (*r == '"' && r[1] == '"')
					r++;
				else if (*r == '"') {
					r++;
					break;
				}
				*w++ = *r;
			}
		}
		while (*r != '\0' && *r != ',')
			*w++ = *r++;
		for (n = (size_t)(w - start); n > 0 &&
		    (start[n - 1] == ' ' || start[n - 1] == '\t' ||
		    start[n - 1] == '\r'); n--)
			;
		w = start + n;
		if (*r == '\0') {
			*w = '\0';
			return 0;
		}
		r++;
		*w++ = '\0';
	}
}

static const char *
fld(const struct brul_import *im, int k)
{
	return k >= 0 && k < im->nf ? im->line + im->fo[k] : "";
}

/* The column of the line holding one of alts' names ("a|b"), or -1. */
static int
column(const struct brul_import *im, const char *alts)
{
	const char *a = alts, *bar;
	size_t n;
	int k;

	for (;;) {
		bar = strchr(a, '|');
		n = bar ? (size_t)(bar - a) : strlen(a);
		for (k = 0; k < im->nf; k++)
			if (strlen(fld(im, k)) == n &&
			    memcmp(fld(im, k), a, n) == 0)
				return k;
		if (bar == NULL)
			return -1;
		a = bar + 1;
	}
}

/* The preamble's key: the first field, a trailing ':' dropped. */
static int
is_key(const struct brul_import *im, const char *key)
{
	const char *f = fld(im, 0);
	size_t n = strlen(f), k = strlen(key);

	if (n > 0 && f[n - 1] == ':')
		n--;
	return n == k && memcmp(f, key, k) == 0 && fld(im, 1)[0] != '\0';
}

/* A name from the file made an id: what an id cannot hold becomes '-'. */
static void
make_id(char *id, const char *s, size_t n)
{
	size_t i;

	if (n > BRUL_ID_MAX)
		n = BRUL_ID_MAX;
	for (i = 0; i < n; i++)
		id[i] = (brul_id_ok(s + i, 1, 1) || (i > 0 &&
		    (s[i] == '-' || s[i] == '_' || s[i] == '.'))) ? s[i] : '-';
	id[n] = '\0';
}

static void
id_from_name(struct brul_import *im, const char *path)
{
	const char *b = strrchr(path, '/'), *p;
	size_t n;

	b = b ? b + 1 : path;
	if (im->o->id_prefix && (p = strstr(b, im->o->id_prefix)) != NULL) {
		p += strlen(im->o->id_prefix);
		for (n = 0; p[n] >= '0' && p[n] <= '9'; n++)
			;
		if (n > 0) {
			make_id(im->id, p, n);
			return;
		}
	}
	n = strlen(b);
	if (n > 3 && strcmp(b + n - 3, ".gz") == 0)
		n -= 3;
	if (n > 4 && strncmp(b + n - 4, ".csv", 4) == 0)
		n -= 4;
	make_id(im->id, b, n);
}

/* Lists the line's fields into have[]. */
static void
list_fields(const struct brul_import *im, char *have, size_t size)
{
	size_t n = 0;
	int k;

	have[0] = '\0';
	for (k = 0; k < im->nf && n < size; k++)
		n += (size_t)snprintf(have + n, size - n, "%s\"%s\"",
		    k ? ", " : "", fld(im, k));
}

/* Names what is missing from the line that came nearest to a header
 * (with none, the widest line), and what that line has. */
static int
no_header(struct brul_import *im, long line, const char *have,
    unsigned miss_mask, struct brul_err *e)
{
	char miss[512];
	size_t n = 0;
	int f;

	miss[0] = '\0';
	for (f = 0; f < BRUL_IMP_NFIELDS; f++)
		if ((miss_mask & 1u << f) && n < sizeof miss)
			n += (size_t)snprintf(miss + n, sizeof miss - n,
			    "%s%s (\"%s\")", n ? ", " : "", field_names[f],
			    im->o->col[f]);
	if ((miss_mask & 1u << BRUL_IMP_NFIELDS) && n < sizeof miss)
		n += (size_t)snprintf(miss + n, sizeof miss - n,
		    "%s--where (\"%s\")", n ? ", " : "", im->o->where_col);
	if (line == 0)
		return brul_err_set(e, im->name, 0, 0, "no header: no line "
		    "names %s", miss);
	return brul_err_set(e, im->name, line, 0, "no column for %s; "
	    "this line has %s", miss, have);
}

/* Reads the preamble and the header: the column of every field. */
static int
header(struct brul_import *im, struct brul_err *e)
{
	const struct brul_import_opts *o = im->o;
	char have[1024], wide[1024];
	long best_line = 0, wide_line = 0;
	int best = 0, wide_nf = 1, found, want, f, rc;
	unsigned miss, all = 0, best_miss = 0;

	for (;;) {
		if ((rc = read_line(im, e)) < 0)
			return -1;
		if (rc == 0)
			return best_line ?
			    no_header(im, best_line, have, best_miss, e) :
			    no_header(im, wide_line, wide, all, e);
		if (split(im, e) < 0)
			return -1;
		if (o->start_key && !im->start_s[0] && is_key(im, o->start_key))
			snprintf(im->start_s, sizeof im->start_s, "%s",
			    fld(im, 1));
		if (o->id_key && !im->id[0] && is_key(im, o->id_key))
			make_id(im->id, fld(im, 1), strlen(fld(im, 1)));
		if (o->skip_lines >= 0 && im->lineno <= o->skip_lines)
			continue;
		found = want = 0;
		miss = all = 0;
		if (o->where_col) {
			im->where = column(im, o->where_col);
			want++;
			found += im->where >= 0;
			all |= 1u << BRUL_IMP_NFIELDS;
			miss |= (unsigned)(im->where < 0) << BRUL_IMP_NFIELDS;
		}
		for (f = 0; f < BRUL_IMP_NFIELDS; f++) {
			im->idx[f] = o->col[f] ? column(im, o->col[f]) : -1;
			want += o->col[f] != NULL;
			found += im->idx[f] >= 0;
			all |= (o->col[f] != NULL) << f;
			miss |= (o->col[f] && im->idx[f] < 0) << f;
		}
		if (found == want) {
			for (f = 0; f < BRUL_IMP_NFIELDS; f++)
				snprintf(im->cname[f], sizeof im->cname[f],
				    "%s", fld(im, im->idx[f]));
			return 0;
		}
		if (o->skip_lines >= 0) {
			list_fields(im, have, sizeof have);
			return no_header(im, im->lineno, have, miss, e);
		}
		if (found > best) {
			best = found;
			best_line = im->lineno;
			best_miss = miss;
			list_fields(im, have, sizeof have);
		}
		if (im->nf > wide_nf) {
			wide_nf = im->nf;
			wide_line = im->lineno;
			list_fields(im, wide, sizeof wide);
		}
	}
}

struct brul_import *
brul_import_open(const struct brul_import_opts *o, const char *path,
    struct brul_err *e)
{
	struct brul_import *im;
	int f;

	if (o->col[BRUL_IMP_TS] == NULL && o->col[BRUL_IMP_ELAPSED] == NULL &&
	    o->interval <= 0) {
		brul_err_set(e, NULL, 0, 0, "no time: map ts or elapsed "
		    "(--column) or give --interval");
		return NULL;
	}
	for (f = BRUL_IMP_VOLTAGE; f < BRUL_IMP_NFIELDS; f++)
		if (o->col[f])
			break;
	if (f == BRUL_IMP_NFIELDS) {
		brul_err_set(e, NULL, 0, 0, "no values: map voltage_v, "
		    "current_a, temperature_c or resistance_mohm (--column)");
		return NULL;
	}
	if ((im = calloc(1, sizeof *im)) == NULL ||
	    (im->buf = malloc(CHUNK)) == NULL) {
		free(im);
		brul_err_set(e, path, 0, 0, "out of memory");
		return NULL;
	}
	im->o = o;
	for (f = 0; f < BRUL_IMP_NFIELDS; f++) {
		im->idx[f] = -1;
		im->unit[f] = find_unit(f, o->unit[f]);
	}
	im->units_row = o->units_row;
	im->where = -1;
	if ((im->in = brul_in_open(path, e)) == NULL)
		goto fail;
	snprintf(im->name, sizeof im->name, "%s", brul_in_name(im->in));
	if (header(im, e) < 0)
		goto fail;
	if (o->battery_id)
		snprintf(im->id, sizeof im->id, "%s", o->battery_id);
	else if (!im->id[0] && o->col[BRUL_IMP_BATTERY] == NULL) {
		if (path == NULL || strcmp(path, "-") == 0) {
			brul_err_set(e, im->name, 0, 0, "no battery id in "
			    "the file: give --battery-id");
			goto fail;
		}
		id_from_name(im, path);
	}
	im->start = o->start;
	im->has_start = o->has_start;
	if (!im->has_start && im->start_s[0]) {
		if (brul_import_time(im->start_s, strlen(im->start_s),
		    &im->start) < 0) {
			brul_err_set(e, im->name, 0, 0, "%s \"%s\" is not a "
			    "time: give --start", o->start_key, im->start_s);
			goto fail;
		}
		im->has_start = 1;
	}
	if (o->col[BRUL_IMP_TS] == NULL && !im->has_start) {
		brul_err_set(e, im->name, 0, 0, "%s: give --start TIME",
		    o->col[BRUL_IMP_ELAPSED] ? "elapsed times need a start" :
		    "rows without times need a start");
		goto fail;
	}
	return im;
fail:
	brul_import_close(im);
	return NULL;
}

/* The first unit of field f that makes raw plausible, or NULL. */
typedef int plausible_fn(const struct brul_import *, double);

static int
volts_ok(const struct brul_import *im, double v)
{
	return v >= CELL_V_LO * im->o->cells && v <= CELL_V_HI * im->o->cells;
}

static int
amps_ok(const struct brul_import *im, double v)
{
	double max = im->o->capacity_ah > 0 ?
	    C_RATE_MAX * im->o->capacity_ah : BRUL_IMPORT_MAX_CURRENT;

	return fabs(v) <= max;
}

static int
temp_ok(const struct brul_import *im, double v)
{
	return v >= TEMP_LO && v <= TEMP_HI;
}

static int
res_ok(const struct brul_import *im, double v)
{
	return v >= RES_LO && v <= RES_HI;
}

static int
react_ok(const struct brul_import *im, double v)
{
	return fabs(v) <= RES_HI;
}

/* Refuses a value no block reads, saying which unit would fit: -1; -2
 * when none would (a glitch of the logger rather than a wrong unit). */
static int
check(struct brul_import *im, int f, double raw, double v,
    struct brul_err *e)
{
	plausible_fn *ok = f == BRUL_IMP_VOLTAGE ? volts_ok :
	    f == BRUL_IMP_CURRENT ? amps_ok : f == BRUL_IMP_TEMP ? temp_ok :
	    f == BRUL_IMP_RES ? res_ok : f == BRUL_IMP_REACT ? react_ok : NULL;
	const struct unit *u = im->unit[f];
	char rs[BRUL_NUM_MAX], vs[BRUL_NUM_MAX], why[160];
	double alt;
	int i;

	if (ok == NULL || ok(im, v))
		return 0;
	rs[brul_num_shortest(rs, raw)] = '\0';
	if (f == BRUL_IMP_VOLTAGE)
		snprintf(why, sizeof why, "not the voltage of %d cells "
		    "(%g to %g V)", im->o->cells, CELL_V_LO * im->o->cells,
		    CELL_V_HI * im->o->cells);
	else if (f == BRUL_IMP_CURRENT && im->o->capacity_ah > 0)
		snprintf(why, sizeof why, "more than %g C of a %g Ah block",
		    C_RATE_MAX, im->o->capacity_ah);
	else if (f == BRUL_IMP_CURRENT)
		snprintf(why, sizeof why, "more than %g A (--capacity sets "
		    "the bound)", BRUL_IMPORT_MAX_CURRENT);
	else if (f == BRUL_IMP_TEMP)
		snprintf(why, sizeof why, "not a temperature from %g to "
		    "%g degC", TEMP_LO, TEMP_HI);
	else
		snprintf(why, sizeof why, "not a block's from %g to %g mOhm",
		    RES_LO, RES_HI);
	for (i = 0; i < NUNITS; i++) {
		if (units[i].field != f || &units[i] == u)
			continue;
		alt = raw * units[i].scale + units[i].offset;
		if (f == BRUL_IMP_CURRENT && im->o->discharge_positive)
			alt = -alt;
		if (ok(im, alt)) {
			vs[brul_num_shortest(vs, alt)] = '\0';
			return brul_err_set(e, im->name, im->lineno,
			    im->idx[f] + 1, "%s: %s %s in column \"%s\" is %s; "
			    "in %s it would be %s %s (--unit %s=%s)",
			    field_names[f], rs, u->name, im->cname[f], why,
			    units[i].name, vs, find_unit(f, NULL)->name,
			    field_names[f], units[i].name);
		}
	}
	brul_err_set(e, im->name, im->lineno, im->idx[f] + 1,
	    "%s: %s %s in column \"%s\" is %s, in any unit%s",
	    field_names[f], rs, u->name, im->cname[f], why,
	    im->o->drop_bad ? "" : " (--drop-bad leaves such rows out)");
	return -2;
}

/* Does the voltage move as the sign of the current says?  From an
 * anchor at the start of a stretch where the current holds its sign, a
 * vote each time the voltage has moved SIGN_DV: rows a second apart
 * move by less than a meter's last digit.  A step of the load starts a
 * new stretch: the voltage then jumps by the drop across the resistance,
 * whatever the sign. */
static void
vote(struct brul_import *im, const struct brul_import_row *row)
{
	double v = row->v[BRUL_IMP_VOLTAGE], i = row->v[BRUL_IMP_CURRENT];
	double dv;

	if (isnan(v) || isnan(i))
		return;
	if (!im->has_anchor || strcmp(im->out_id, row->battery_id) != 0 ||
	    row->ts - im->out_ts > SIGN_MAX_DT || fabs(i) < SIGN_MIN_A ||
	    (i < 0) != (im->anchor_i < 0) ||
	    fabs(i - im->anchor_i) > SIGN_STEP * fabs(im->anchor_i)) {
		im->has_anchor = fabs(i) >= SIGN_MIN_A;
		im->anchor_v = v;
		im->anchor_i = i;
		return;
	}
	if (fabs(dv = v - im->anchor_v) < SIGN_DV * im->o->cells / 6)
		return;
	if ((i < 0) == (dv < 0))
		im->agree++;
	else {
		im->disagree++;
		im->bad_line = im->cur_line;
	}
	im->anchor_v = v;
}

/*
 * Does the row repeat, to the last digit, a voltage its current has
 * stepped away from?  A logger that reads the current but holds the
 * voltage's last reading (the tubular logs' bench, for up to an hour) writes
 * it so, and a filter would read a block loaded lightly as sitting at its
 * loaded voltage.  Such a voltage, and the same value on the rows after
 * it, is not a reading: it is left empty (the current still counts), unless
 * keep_held.  Off charge only: a charger holding its voltage while the
 * current tapers is regulating, not held.  1 when the row's voltage is
 * held.
 */
static int
unhold(struct brul_import *im, struct brul_import_row *row)
{
	double *v = &row->v[BRUL_IMP_VOLTAGE], i = row->v[BRUL_IMP_CURRENT];
	double step = im->o->capacity_ah > 0 ? HELD_C * im->o->capacity_ah :
	    HELD_A;
	int held = 0;

	if (isnan(*v) || isnan(i))
		return 0;
	if (!im->has_last || strcmp(im->out_id, row->battery_id) != 0 ||
	    row->ts - im->out_ts > SIGN_MAX_DT)
		im->held_v = NAN;
	else if (*v == im->held_v)
		held = 1;
	else if (*v == im->last_v && fabs(i - im->last_i) >= step &&
	    i < SIGN_MIN_A && im->last_i < SIGN_MIN_A) {
		held = 1;
		im->held_v = *v;
	} else
		im->held_v = NAN;
	im->last_v = *v;
	im->last_i = i;
	im->has_last = 1;
	if (!held)
		return 0;
	if (im->held++ == 0)
		im->first_held = im->cur_line;
	if (!im->o->keep_held)
		*v = NAN;
	return 1;
}

static int
sign_refused(struct brul_import *im, long least, struct brul_err *e)
{
	const int pos = im->o->discharge_positive;

	if (im->agree + im->disagree < least ||
	    im->disagree <= 4 * im->agree)
		return 0;
	return brul_err_set(e, im->name, im->bad_line, im->idx[BRUL_IMP_CURRENT]
	    + 1, "current_a: in %ld of %ld steps the voltage falls while "
	    "column \"%s\" is %s or rises while it is %s: the export's "
	    "discharge current is %s (--discharge %s)", im->disagree,
	    im->agree + im->disagree, im->cname[BRUL_IMP_CURRENT],
	    pos ? "negative" : "positive", pos ? "positive" : "negative",
	    pos ? "negative" : "positive", pos ? "negative" : "positive");
}

/* Is s what the export writes for a value it does not have?  Compared
 * as numbers when both are ("0.00000" is "0"). */
static int
missing(const struct brul_import *im, const char *s)
{
	const char *m = im->o->missing;
	double a, b;

	if (m == NULL)
		return 0;
	if (brul_num_parse(m, strlen(m), &a) == 0 &&
	    brul_num_parse(s, strlen(s), &b) == 0)
		return a == b;
	return strcmp(s, m) == 0;
}

/* The row's time, and the fraction of a second written dropped: 0 or
 * -1. */
static int
row_time(struct brul_import *im, int64_t *ts, double *frac,
	 struct brul_err *e)
{
	const char *s;
	double sec;
	int k;

	*frac = 0;
	if ((k = im->idx[BRUL_IMP_TS]) >= 0) {
		s = fld(im, k);
		if (import_time(s, strlen(s), ts, frac) < 0)
			return brul_err_set(e, im->name, im->lineno, k + 1,
			    "ts: \"%s\" in column \"%s\" is not a time (or not "
			    "one in the zone)", s, im->cname[BRUL_IMP_TS]);
		return 0;
	}
	if ((k = im->idx[BRUL_IMP_ELAPSED]) >= 0) {
		s = fld(im, k);
		if (elapsed(s, strlen(s), im->unit[BRUL_IMP_ELAPSED], &sec) < 0
		    || sec < 0 || sec > 1e11)
			return brul_err_set(e, im->name, im->lineno, k + 1,
			    "elapsed: \"%s\" in column \"%s\" is not a time "
			    "since the start", s, im->cname[BRUL_IMP_ELAPSED]);
		*ts = im->start + (int64_t)floor(sec);
		*frac = sec - floor(sec);
		return 0;
	}
	*ts = im->start + (int64_t)(im->table - 1) * im->o->interval;
	return 0;
}

/* dst = src, an id (at most BRUL_ID_MAX bytes): once per row, so not
 * through snprintf, and not at all when it holds it already. */
static void
set_id(char *dst, const char *src)
{
	size_t n = strlen(src);

	if (n > BRUL_ID_MAX)
		n = BRUL_ID_MAX;
	if (memcmp(dst, src, n) != 0 || dst[n] != '\0') {
		memcpy(dst, src, n);
		dst[n] = '\0';
	}
}

/* The next row of the table into *p: 1, 0 at its end, or -1. */
static int
read_row(struct brul_import *im, struct pending *p, struct brul_err *e)
{
	struct brul_import_row *row = &p->row;
	const char *s;
	double raw;
	int f, k, rc, any, bad;

	while (!im->done) {
		if ((rc = read_line(im, e)) < 0)
			return -1;
		if (rc == 0)
			break;
		if (im->units_row) {
			im->units_row = 0;
			continue;
		}
		if (split(im, e) < 0)
			return -1;
		/* A blank line or one of a single field after the table
		 * ends it: what follows is the export's trailer. */
		if (im->nf == 1 && (im->started || fld(im, 0)[0] == '\0')) {
			if (im->started)
				im->done = 1;
			continue;
		}
		im->table++;
		if (im->where >= 0 && strcmp(fld(im, im->where),
		    im->o->where_val) != 0) {
			im->other++;
			continue;
		}
		any = bad = 0;
		for (f = BRUL_IMP_VOLTAGE; f < BRUL_IMP_NFIELDS; f++) {
			row->v[f] = NAN;
			if ((k = im->idx[f]) < 0 || *(s = fld(im, k)) == '\0' ||
			    missing(im, s))
				continue;
			if (brul_num_parse(s, strlen(s), &raw) < 0 ||
			    !isfinite(raw))
				return brul_err_set(e, im->name, im->lineno,
				    k + 1, "%s: \"%s\" in column \"%s\" is not "
				    "a number", field_names[f], s,
				    im->cname[f]);
			row->v[f] = raw * im->unit[f]->scale +
			    im->unit[f]->offset;
			if (f == BRUL_IMP_CURRENT && im->o->discharge_positive)
				row->v[f] = -row->v[f];
			if ((rc = check(im, f, raw, row->v[f], e)) == -2 &&
			    im->o->drop_bad)
				bad = 1;
			else if (rc < 0)
				return -1;
			any = 1;
		}
		if (bad) {
			if (im->dropped++ == 0)
				im->first_drop = im->lineno;
			continue;
		}
		if (!any) {
			im->empty++;
			continue;
		}
		if (row_time(im, &row->ts, &p->frac, e) < 0)
			return -1;
		s = im->id;
		if ((k = im->idx[BRUL_IMP_BATTERY]) >= 0) {
			s = fld(im, k);
			if (!brul_id_ok(s, strlen(s), BRUL_ID_MAX))
				return brul_err_set(e, im->name, im->lineno,
				    k + 1, "battery_id: \"%s\" is not an id",
				    s);
		}
		set_id(p->id, s);
		if (im->has_prev && strcmp(im->prev_id, p->id) == 0 &&
		    row->ts < im->prev_ts) {
			char a[BRUL_TIME_LEN + 1], b[BRUL_TIME_LEN + 1];

			a[brul_time_format(a, row->ts)] = '\0';
			b[brul_time_format(b, im->prev_ts)] = '\0';
			return brul_err_set(e, im->name, im->lineno, 0,
			    "time goes backwards: %s after %s", a, b);
		}
		set_id(im->prev_id, p->id);
		im->prev_ts = row->ts;
		im->has_prev = 1;
		im->started = 1;
		p->lineno = im->lineno;
		return 1;
	}
	im->done = 1;
	return 0;
}

/*
 * Reads the rows of one battery's next second (grp[0..gn)) and orders
 * them by the fraction the export wrote: a monitor that logs an event
 * (a load switched on) may write its rows of one second out of order,
 * and the voltage it held across the step is told only in theirs.  The
 * first row of the second after waits in grp[GROUP_MAX].  0, or -1.
 */
static int
read_second(struct brul_import *im, struct brul_err *e)
{
	struct pending *first = &im->grp[0], *next = &im->grp[GROUP_MAX];
	int rc;

	im->gn = im->gout = 0;
	if (im->has_next) {
		*first = *next;
		im->has_next = 0;
	} else if ((rc = read_row(im, first, e)) <= 0)
		return rc;
	im->gn = 1;
	while (im->gn < GROUP_MAX) {
		if ((rc = read_row(im, next, e)) < 0)
			return -1;
		if (rc == 0)
			break;
		if (next->row.ts != first->row.ts ||
		    strcmp(next->id, first->id) != 0) {
			im->has_next = 1;
			break;
		}
		im->grp[im->gn++] = *next;
	}
	for (int i = 1; i < im->gn; i++)	/* few: insertion, stable */
		for (int j = i; j > 0 &&
		    im->grp[j].frac < im->grp[j - 1].frac; j--) {
			struct pending t = im->grp[j];

			im->grp[j] = im->grp[j - 1];
			im->grp[j - 1] = t;
		}
	return 0;
}

int
brul_import_next(struct brul_import *im, struct brul_import_row *row,
    struct brul_err *e)
{
	struct pending *p;

	if (im->gout == im->gn) {
		if (read_second(im, e) < 0)
			return -1;
		if (im->gn == 0)
			return sign_refused(im, SIGN_LATE, e) < 0 ? -1 : 0;
	}
	p = &im->grp[im->gout++];
	/* Set here, not as read: rows move in grp[] until handed out. */
	p->row.battery_id = p->id;
	im->cur_line = p->lineno;
	/* A held voltage, kept or not, tells nothing of the sign. */
	if (!unhold(im, &p->row))
		vote(im, &p->row);
	if (im->agree + im->disagree >= SIGN_EARLY &&
	    sign_refused(im, SIGN_EARLY, e) < 0)
		return -1;
	set_id(im->out_id, p->id);
	im->out_ts = p->row.ts;
	im->rows++;
	*row = p->row;
	return 1;
}

uint64_t
brul_import_rows(const struct brul_import *im)
{
	return im->rows;
}

uint64_t
brul_import_empty(const struct brul_import *im)
{
	return im->empty;
}

uint64_t
brul_import_held(const struct brul_import *im, long *first)
{
	*first = im->first_held;
	return im->held;
}

uint64_t
brul_import_dropped(const struct brul_import *im, long *first)
{
	*first = im->first_drop;
	return im->dropped;
}

int
brul_import_columns(const struct brul_import_opts *o, const char **cols,
    int *fields)
{
	static const int base[] = { BRUL_IMP_TS, BRUL_IMP_BATTERY,
	    BRUL_IMP_VOLTAGE, BRUL_IMP_CURRENT, BRUL_IMP_TEMP, BRUL_IMP_RES };
	int n = 0, i;

	for (i = 0; i < (int)(sizeof base / sizeof base[0]); i++) {
		fields[n] = base[i];
		cols[n++] = field_names[base[i]];
	}
	for (i = BRUL_IMP_REACT; i < BRUL_IMP_NFIELDS; i++)
		if (o->col[i]) {
			fields[n] = i;
			cols[n++] = field_names[i];
		}
	return n;
}

void
brul_import_close(struct brul_import *im)
{
	if (im == NULL)
		return;
	brul_in_close(im->in);
	free(im->buf);
	free(im->line);
	free(im->fo);
	free(im);
}

/*
 * engineint.h: the alert engine's insides, shared by engine.c (the
 * object, its fleet, the rules made ready, the run loop), sources.c (the
 * sources' rows read in time order, what an instant's rows say about each
 * string), apply.c (the rules over an instant: values, suppression,
 * folding, each entity's alert, the changes told) and group.c (a block
 * rule's alerts on nearly every block of a string grouped into one alert
 * of the string; a string rule's alerts on several strings of a site
 * into one of the site).  Not for tools: engine.h is the API.
 */
#ifndef BRUL_ENGINEINT_H
#define BRUL_ENGINEINT_H

#include <stddef.h>
#include <stdint.h>

#include "alert/engine.h"
#include "alert/reading.h"
#include "alert/rules.h"
#include "alert/state.h"
#include "core/err.h"
#include "core/id.h"
#include "core/idtab.h"
#include "core/reader.h"

#define SLOTS 16		/* columns read per source */
#define NONE INT64_MIN

/* Metrics the engine computes rather than reads: negative slot numbers
 * (engine.c names them, apply.c computes them). */
enum {
	D_FLOAT_DEV = -1, D_AMBIENT = -2, D_OVER_AMBIENT = -3,
	D_OVER_STRING = -4, D_FLOAT_I25 = -5, D_SILENCE = -6
};

/* Fixed slots of the telemetry and string sources. */
enum { T_V, T_I, T_T, T_R };
enum { S_I, S_AMB };

struct block {
	int string, site, system;	/* system -1: unknown */
	double base_mohm, float_v, cap_ah;
	int64_t installed;	/* NONE: not known */
	int64_t removed;	/* NONE: in service */
	int64_t last_seen;	/* NONE: never */
};

struct string {
	int site;
	int mode;		/* -1 unknown */
	int64_t last_in[BRUL_MODE_COUNT];	/* last instant in each mode */
	double ambient;		/* NAN unknown */
	double t_mean;		/* last instant's mean block temperature */
	double t_median;	/* this instant's median; NAN without one */
	int64_t tick;		/* the instant t_median belongs to */
	double *temps;		/* this instant's block temperatures */
	int ntemps;		/* -1: done with this instant */
	size_t captemps;
};

struct row {
	int64_t ts;
	int ent;		/* block, or string for the string source */
	int mode;
	double v[SLOTS];
};

struct source {
	struct brul_reader *r;
	int cid, cts, cdate, cmode;
	int nslot;
	int col[SLOTS];
	char name[SLOTS][BRUL_NAME_MAX];
	int64_t last_ts;
	struct row next;
	int has_next;
	struct row *tick;
	size_t ntick, cap;
};

/* Folding a string's or site's rows into one value. */
struct acc {
	int n;
	int rows;
	double sum, min, max;
};

/* A block rule's alerts that open at one instant on nearly every block
 * of a string in service (GROUP_PCT of them, GROUP_MIN at least) are the
 * string's doing, its charger's or its room's: group.c opens one alert
 * of the string for them, which the blocks' later events update, and
 * which clears with the last of them ("grouped": apply.c's folding is of
 * a string's rows into one value). */
#define GROUP_PCT	90
#define GROUP_MIN	4

struct group {
	int severity;		/* the string's alert: 0 none, 1, 2 */
	int64_t ts_open;
	int members;		/* blocks grouped into it so far */
	int blocks;		/* the string's blocks in service at opening */
	int open[3];		/* members open now, by severity */
	/* the instant being told: its opens, the worst of them */
	int n, opening, told, sev;
	double v, thr;
};

/* A string rule's alerts on two strings or more of a site at once are
 * the site's (its mains, its room, its rectifiers): group.c merges them
 * into one alert of the site, which the later events of its strings
 * update and which clears with the last of them. */
struct sgroup {
	int severity;		/* the site's alert: 0 none, 1, 2 */
	int64_t ts_open;
	int open[3];		/* member strings open now, by severity */
};

/* A block rule's event, held until its instant is judged whole. */
struct pending {
	int e;			/* the block */
	enum brul_alert_event what;
	double v, thr;
	int sev0;		/* the block alert's severity before */
};

struct rrule {
	const struct brul_rule *r;
	int active;
	int slot;			/* of the metric */
	int cslot[BRUL_RULE_CONDS];
	int nent, nm;		/* entities; metrics each (1 + conds) */
	struct brul_alert_state *st;
	struct brul_reading *ms;
	struct acc *acc;
	int *touched, ntouched;
	unsigned char *grouped;	/* block rules: per block, in its string's */
	struct group *group;	/* block rules: per string */
	double *last;		/* digest and string rules: each entity's
				 * last value */
	unsigned char *sgrouped;	/* string rules: per string, in its
					 * site's */
	struct sgroup *sgroup;	/* string rules: per site */
};

struct brul_alert_engine {
	const struct brul_rules *rules;
	struct brul_alert_engine_opts o;
	brul_alert_emit emit;
	void *arg;
	brul_digest_emit digest;
	void *digest_arg;
	int64_t day;			/* the day being judged; NONE: none */
	struct brul_idtab *blocks, *strings, *sites, *systems;
	struct brul_share *share;	/* NULL: the whole fleet */
	struct block *b;
	size_t capb;
	struct string *s;
	size_t caps;
	double *sys_float;
	size_t capsys;
	struct source src[BRUL_SRC_COUNT];
	struct rrule *rr;
	int *seen, nseen;		/* blocks seen, for silence_min */
	int *retire, nretire, iretire;	/* blocks removed, in that order */
	struct pending *pend;		/* a block rule's events held now */
	size_t npend, cappend;
	int *stouch, nstouch;		/* strings with opens among them */
	int started;
	int64_t now;
	char id[BRUL_ALERT_ID_MAX + 1], msg[1024], ent[512];
};

static inline int
brul_engine_oom(struct brul_err *err)
{
	return brul_err_set(err, NULL, 0, 0, "out of memory");
}

/* sources.c */
/* The slot of column name in source s, added when new. */
int brul_engine_slot(struct source *s, const char *name, struct brul_err *err);
/* Reads the next row of source k into s->next; 0 at the end. */
int brul_engine_read_row(struct brul_alert_engine *w, enum brul_source k,
			 struct brul_err *err);
/* What the instant's string rows and blocks' rows say about each string:
 * mode, ambient, ohmic tests, block temperatures. */
int brul_engine_absorb(struct brul_alert_engine *w, int64_t t,
		       struct brul_err *err);

/* apply.c */
/* Tells the digest rules' items held at the end of day (UTC midnight). */
int brul_engine_digest(struct brul_alert_engine *w, int64_t day,
		       struct brul_err *err);
/* The instant t, its rows gathered from every source: what they say of
 * each string absorbed, blocks removed by t retired, each active rule
 * applied. */
int brul_engine_instant(struct brul_alert_engine *w, int64_t t,
			struct brul_err *err);
/* Tells the caller what happened at t to rule x's alert on entity e:
 * event what, at value v crossing thr (NAN, NAN: the block was removed
 * from service), the alert having had severity sev0 before. */
int brul_engine_tell(struct brul_alert_engine *w, struct rrule *x, int e,
		     int64_t t, enum brul_alert_event what, double v,
		     double thr, int sev0, struct brul_err *err);
/* The same for an alert named idname, opened at ts_open, now of
 * severity, whose change ev has its ids and w->ent its name in messages
 * ("block B0001-1").  A clear with v NAN says why instead of a reading:
 * "cleared: block B0001-1 <why>" (NULL: removed from service). */
int brul_engine_emit(struct brul_alert_engine *w, const struct rrule *x,
		     struct brul_alert_change *ev, const char *idname,
		     int64_t ts_open, int64_t t, enum brul_alert_event what,
		     int severity, double v, double thr, const char *why,
		     struct brul_err *err);

/* group.c */
/* Holds a block rule's event on block e until brul_group_flush. */
int brul_group_defer(struct brul_alert_engine *w, int e,
		    enum brul_alert_event what, double v, double thr,
		    int sev0, struct brul_err *err);
/* Tells rule x's events held at t, in order: the opens on nearly every
 * block of a string as one alert of the string, the later events of its
 * blocks as its updates and its clear, the others as they are. */
int brul_group_flush(struct brul_alert_engine *w, struct rrule *x, int64_t t,
		    struct brul_err *err);
/* Tells a string rule's event on string e: its own alert's, or, when
 * another string of its site has the rule's alert open, the site's. */
int brul_group_site(struct brul_alert_engine *w, struct rrule *x, int e,
		   int64_t t, enum brul_alert_event what, double v, double thr,
		   int sev0, struct brul_err *err);

#endif

/*
 * idtab.h: interned identifiers (battery ids), numbered 0, 1, 2 ... in
 * order of first sight.
 *
 * Ownership: brul_idtab_new's table owns copies of the ids; freed by
 * brul_idtab_free.  Pointers from brul_idtab_name live as long as the
 * table.
 */
#ifndef BRUL_IDTAB_H
#define BRUL_IDTAB_H

#include <stddef.h>

struct brul_idtab;

struct brul_idtab *brul_idtab_new(void);
void brul_idtab_free(struct brul_idtab *t);

/* The number of s[0..n), adding it when new; -1 out of memory. */
int brul_idtab_intern(struct brul_idtab *t, const char *s, size_t n);
/* The number of s[0..n), or -1 when absent. */
int brul_idtab_find(const struct brul_idtab *t, const char *s, size_t n);
/* The id numbered i (NUL-terminated), and how many there are. */
const char *brul_idtab_name(const struct brul_idtab *t, int i);
int brul_idtab_count(const struct brul_idtab *t);

#endif

/*
 * datadir.h: where the shipped data files (data/ in the source tree,
 * PREFIX/share/brul once installed) are found at run time.
 *
 * Search order: $BRUL_DATA; the directory beside the running executable
 * (../share/brul for an installed tool, ../../data for one in the build
 * tree); the compiled-in BRUL_DATADIR.  The first that holds the file wins.
 */
#ifndef BRUL_DATADIR_H
#define BRUL_DATADIR_H

#include <stddef.h>
#include "core/err.h"

/* Writes the path of data file `name` into buf; 0, or -1 (err names the
 * places looked at) when no candidate holds it. */
int brul_data_path(const char *name, char *buf, size_t n, struct brul_err *err);

#endif

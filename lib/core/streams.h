/*
 * streams.h: the streams of brul-formats(5) told apart by their headers,
 * so that a file given in the wrong place is named for what it is ("this
 * is a strings stream") rather than only for the column it lacks.
 *
 * Each stream is recognised by a few columns no other stream has all of;
 * a header with every one of them is that stream (the most specific match
 * wins).  The streams' full columns are their writers' (the simulator,
 * brul-features, brul-predict ...); a unit test holds the two together.
 */
#ifndef BRUL_STREAMS_H
#define BRUL_STREAMS_H

/* The name of the stream whose header is cols[0..n) ("telemetry",
 * "strings", "predictions" ...), or NULL when it is none of them. */
const char *brul_stream_kind(const char *const *cols, int n);

#endif

/* log.c: see log.h. */
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "core/timefmt.h"
#include "serve/log.h"

void
brul_log_access(const struct brul_req *r, double ms)
{
	char line[1024], ts[32], path[300];
	size_t j = 0;
	int n;

	ts[brul_time_format(ts, time(NULL))] = '\0';
	/* The path as JSON text: printable ASCII, the rest escaped. */
	for (const char *p = r->path; *p && j < sizeof path - 8; p++) {
		unsigned char ch = (unsigned char)*p;

		if (ch == '"' || ch == '\\')
			j += (size_t)snprintf(path + j, sizeof path - j, "\\%c",
			    ch);
		else if (ch < 0x20 || ch >= 0x7f)
			j += (size_t)snprintf(path + j, sizeof path - j,
			    "\\u%04x", ch);
		else
			path[j++] = (char)ch;
	}
	path[j] = '\0';
	n = snprintf(line, sizeof line, "{\"ts\":\"%s\",\"remote\":\"%s\","
	    "\"method\":\"%s\",\"path\":\"%s\",\"route\":\"%s\","
	    "\"status\":%d,\"bytes\":%zu,\"ms\":%.3f,\"user\":%s%s%s}\n", ts,
	    r->remote, r->method, path,
	    r->pattern ? r->pattern : "",
	    r->status, r->bytes, ms, r->who.user_id ? "\"" : "",
	    r->who.user_id ? r->who.name : "null",
	    r->who.user_id ? "\"" : "");
	if (n > 0 && (size_t)n < sizeof line &&
	    write(STDERR_FILENO, line, (size_t)n) < 0)
		return;
}

void
brul_log_failure(const struct brul_req *r, const struct brul_err *err)
{
	char line[700], msg[600];
	int n = snprintf(line, sizeof line, "brul-serve: %s %s: %s\n",
	    r->method, r->path, brul_err_str(err, msg, sizeof msg));

	if (n > 0 && write(STDERR_FILENO, line, (size_t)n) < 0)
		return;
}

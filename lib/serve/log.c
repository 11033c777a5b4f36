/* log.c: see log.h. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/num.h"
#include "core/timefmt.h"
#include "serve/log.h"

/* What each field may take of a line, escapes included: their sum and
 * the fixed text stay under BRUL_LOG_LINE, so that no line is dropped
 * for its length. */
#define REMOTE_CAP	200
#define METHOD_CAP	101
#define PATH_CAP	1001
#define ROUTE_CAP	300
#define USER_CAP	400
#define ERROR_CAP	1600

size_t
brul_log_str(char *dst, size_t n, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	size_t j = 0;

	if (n == 0)
		return 0;
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\') {
			if (j + 2 >= n)
				break;
			dst[j++] = '\\';
			dst[j++] = (char)ch;
		} else if (ch < 0x20 || ch >= 0x7f) {
			if (j + 6 >= n)
				break;
			memcpy(dst + j, "\\u00", 4);
			dst[j + 4] = hex[ch >> 4];
			dst[j + 5] = hex[ch & 15];
			j += 6;
		} else {
			if (j + 1 >= n)
				break;
			dst[j++] = (char)ch;
		}
	}
	dst[j] = '\0';
	return j;
}

size_t
brul_log_access_line(char *line, const struct brul_req *r, time_t now,
		     double ms)
{
	char ts[BRUL_TIME_LEN + 1], remote[REMOTE_CAP], method[METHOD_CAP];
	char path[PATH_CAP], route[ROUTE_CAP], user[USER_CAP];
	char error[ERROR_CAP], num[BRUL_NUM_MAX + 1];

	ts[brul_time_format(ts, now)] = '\0';
	brul_log_str(remote, sizeof remote, r->remote);
	brul_log_str(method, sizeof method, r->method ? r->method : "");
	brul_log_str(path, sizeof path, r->path ? r->path : "");
	brul_log_str(route, sizeof route, r->pattern ? r->pattern : "");
	/* Never "nan" or "inf", which JSON has no word for. */
	if (!(ms >= 0))
		ms = 0;
	if (ms > 1e9)
		ms = 1e9;
	num[brul_num_fixed(num, ms, 3)] = '\0';
	if (r->who.user_id)
		brul_log_str(user, sizeof user, r->who.name);
	brul_log_str(error, sizeof error, r->error);
	return (size_t)snprintf(line, BRUL_LOG_LINE, "{\"ts\":\"%s\","
	    "\"remote\":\"%s\",\"method\":\"%s\",\"path\":\"%s\","
	    "\"route\":\"%s\",\"status\":%d,\"bytes\":%zu,\"ms\":%s,"
	    "\"user\":%s%s%s%s%s%s}\n", ts, remote, method, path, route,
	    r->status, r->bytes, num, r->who.user_id ? "\"" : "",
	    r->who.user_id ? user : "null", r->who.user_id ? "\"" : "",
	    r->error[0] ? ",\"error\":\"" : "", error,
	    r->error[0] ? "\"" : "");
}

void
brul_log_access(const struct brul_req *r, double ms)
{
	char line[BRUL_LOG_LINE];
	size_t n = brul_log_access_line(line, r, time(NULL), ms);

	if (write(STDERR_FILENO, line, n) < 0)
		return;
}

void
brul_log_failure(struct brul_req *r, const struct brul_err *err)
{
	if (r->error[0] == '\0')
		brul_err_str(err, r->error, sizeof r->error);
}

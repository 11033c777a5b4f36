/* role.c: see role.h. */
#include <string.h>

#include "serve/role.h"

enum brul_role
brul_role_parse(const char *s)
{
	if (strcmp(s, "viewer") == 0)
		return BRUL_ROLE_VIEWER;
	if (strcmp(s, "engineer") == 0)
		return BRUL_ROLE_ENGINEER;
	if (strcmp(s, "admin") == 0)
		return BRUL_ROLE_ADMIN;
	return BRUL_ROLE_NONE;
}

const char *
brul_role_name(enum brul_role r)
{
	static const char *const names[] = { "none", "viewer", "engineer",
		"admin" };

	return r >= BRUL_ROLE_NONE && r <= BRUL_ROLE_ADMIN ? names[r] : "none";
}

/*
 * role.h: what a user may do: a viewer reads, an engineer also
 * acknowledges and resolves alerts, an admin also manages users.  Roles
 * are ordered: each may do what those below it may.
 */
#ifndef BRUL_ROLE_H
#define BRUL_ROLE_H

enum brul_role {
	BRUL_ROLE_NONE, BRUL_ROLE_VIEWER, BRUL_ROLE_ENGINEER, BRUL_ROLE_ADMIN
};

/* "viewer" ... to a role, or BRUL_ROLE_NONE. */
enum brul_role brul_role_parse(const char *s);
/* "none", "viewer", "engineer", "admin". */
const char *brul_role_name(enum brul_role r);

#endif

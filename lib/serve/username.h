/*
 * username.h: what a user's name may be: 1 to 64 ASCII letters, digits
 * and ".-_@".  One rule wherever a name comes in (--create-user, an
 * admin's POST of a user, a sign-in), so that a name that could not
 * have been created is refused before it is looked up: PostgreSQL's
 * lower() and the server then agree on which names are the same but for
 * case, as they would not on "admİn" (a capital I with a dot).
 *
 * Ownership: nothing is allocated.
 */
#ifndef BRUL_USERNAME_H
#define BRUL_USERNAME_H

#define BRUL_USERNAME_MAX 64	/* bytes */
/* The rule, as messages give it. */
#define BRUL_USERNAME_RULE "1 to 64 letters, digits and .-_@"

/* 1 when s is a user's name by the rule, else 0. */
int brul_username_ok(const char *s);

#endif

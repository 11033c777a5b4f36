/*
 * passwd.h: passwords, hashed with argon2id (libsodium) at OWASP's
 * parameters (19 MiB, 2 passes): a stolen users table does not give them
 * away cheaply.  A login for a name that does not exist is checked
 * against a hash made at start-up, so that it takes as long as a wrong
 * password and the timing does not tell which names exist.
 *
 * Ownership: hashes are written into the caller's buffers.
 */
#ifndef BRUL_PASSWD_H
#define BRUL_PASSWD_H

#include <stddef.h>

#define BRUL_PASSWD_HASH_MAX 128	/* crypto_pwhash_STRBYTES */
#define BRUL_PASSWD_MIN 10		/* characters */
#define BRUL_PASSWD_MAX 1024		/* bytes */

/* 0, or -1 when libsodium cannot start. */
int brul_passwd_init(void);
/* NULL when pw is acceptable, else why not ("at least 10 characters"). */
const char *brul_passwd_weak(const char *pw);
/* The hash of pw into out; 0, or -1 out of memory. */
int brul_passwd_hash(const char *pw, char out[BRUL_PASSWD_HASH_MAX]);
/* 1 when pw matches hash (NULL: an unknown user, checked against a
 * dummy to take the same time, and never a match), else 0. */
int brul_passwd_verify(const char *hash, const char *pw);

#endif

/*
 * token.h: the API's tokens.
 *
 * Access tokens are JWTs signed with HMAC-SHA256 (HS256) under the
 * server's secret: sub (the user id), name, role, typ "access", iat, nbf,
 * exp and a random jti.  Verification pins the algorithm (a token that says
 * "none" or anything but HS256 is refused whatever its signature) and
 * checks exp, nbf and iat itself, as libjwt 1.10 checks none of them:
 * exp exactly (the server that checks a token made it, and the live
 * stream ends at exp), nbf and iat with 30 s of leeway for a clock
 * behind the one that made the token.
 *
 * Refresh tokens are 32 random bytes in base64url, opaque; the database
 * keeps only their SHA-256 (brul_token_hash), so a stolen table does not
 * sign anyone in.
 *
 * Ownership: strings written into the caller's buffers; nothing to free.
 */
#ifndef BRUL_TOKEN_H
#define BRUL_TOKEN_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define BRUL_TOKEN_MAX 1024		/* an access token's length, with NUL */
#define BRUL_REFRESH_LEN 44		/* base64url of 32 bytes, with NUL */
#define BRUL_SECRET_MIN 32		/* bytes */

struct brul_claims {
	int64_t user_id;
	char name[128];
	char role[16];
	char jti[32];		/* the token's id: 16 base64url characters */
	time_t iat, exp;
};

enum brul_token_status {
	BRUL_TOKEN_OK, BRUL_TOKEN_MALFORMED, BRUL_TOKEN_SIGNATURE,
	BRUL_TOKEN_ALG, BRUL_TOKEN_EXPIRED, BRUL_TOKEN_NOT_YET,
	BRUL_TOKEN_CLAIMS
};
/* Why a token was refused, for the client: "expired", ... */
const char *brul_token_why(enum brul_token_status s);

/* An access token for c (its jti drawn, its iat and exp set from now
 * and ttl) into out (BRUL_TOKEN_MAX); 0, or -1 out of memory. */
int brul_token_issue(const unsigned char *key, size_t keylen,
		     struct brul_claims *c, time_t now, int ttl, char *out);
/* Checks token, filling c when it is good. */
enum brul_token_status brul_token_verify(const unsigned char *key,
					 size_t keylen, const char *token,
					 time_t now, struct brul_claims *c);

/* A new refresh token into out (BRUL_REFRESH_LEN). */
void brul_token_refresh(char *out);
/* The hash a refresh token is kept as, in PostgreSQL's bytea hex form
 * ("\\x" and 64 hex digits, NUL-terminated: 67 bytes). */
void brul_token_hash(const char *token, char out[67]);

#endif

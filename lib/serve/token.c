/* token.c: see token.h. */
#include <errno.h>
#include <jwt.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "serve/token.h"

#define LEEWAY 30	/* seconds of clock difference allowed */

const char *
brul_token_why(enum brul_token_status s)
{
	static const char *const why[] = {
		"valid", "malformed", "bad signature", "algorithm not HS256",
		"expired", "not valid yet", "missing claims"
	};
	return why[s];
}

int
brul_token_issue(const unsigned char *key, size_t keylen,
		 struct brul_claims *c, time_t now, int ttl, char *out)
{
	unsigned char id[12];
	char sub[24];
	jwt_t *j = NULL;
	char *s = NULL;
	int rc = -1;

	randombytes_buf(id, sizeof id);
	sodium_bin2base64(c->jti, sizeof c->jti, id, sizeof id,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	snprintf(sub, sizeof sub, "%lld", (long long)c->user_id);
	c->iat = now;
	c->exp = now + ttl;
	if (jwt_new(&j) == 0 &&
	    jwt_set_alg(j, JWT_ALG_HS256, key, (int)keylen) == 0 &&
	    jwt_add_grant(j, "iss", "brul") == 0 &&
	    jwt_add_grant(j, "sub", sub) == 0 &&
	    jwt_add_grant(j, "name", c->name) == 0 &&
	    jwt_add_grant(j, "role", c->role) == 0 &&
	    jwt_add_grant(j, "typ", "access") == 0 &&
	    jwt_add_grant(j, "jti", c->jti) == 0 &&
	    jwt_add_grant_int(j, "iat", (long)now) == 0 &&
	    jwt_add_grant_int(j, "nbf", (long)now) == 0 &&
	    jwt_add_grant_int(j, "exp", (long)c->exp) == 0 &&
	    (s = jwt_encode_str(j)) != NULL && strlen(s) < BRUL_TOKEN_MAX) {
		memcpy(out, s, strlen(s) + 1);
		rc = 0;
	}
	free(s);
	jwt_free(j);
	return rc;
}

/* An integer claim, or -1 when missing (libjwt says so through errno). */
static long
claim_int(jwt_t *j, const char *name)
{
	long v;

	errno = 0;
	v = jwt_get_grant_int(j, name);
	return errno ? -1 : v;
}

/* The header's alg, read before the signature is checked: a token that
 * is not HS256 is refused as such, whatever libjwt would make of it. */
static int
header_is_hs256(const char *token)
{
	const char *dot = strchr(token, '.');
	unsigned char hdr[512];
	size_t n;

	if (dot == NULL || dot == token || (size_t)(dot - token) > 600 ||
	    sodium_base642bin(hdr, sizeof hdr - 1, token, (size_t)(dot - token),
	    NULL, &n, NULL, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
		return -1;
	hdr[n] = '\0';
	/* JSON with or without spaces: {"alg":"HS256",...} */
	for (char *p = (char *)hdr; (p = strstr(p, "\"alg\"")) != NULL; p++) {
		p += 5;
		while (*p == ' ' || *p == ':')
			p++;
		return strncmp(p, "\"HS256\"", 7) == 0 ? 1 : 0;
	}
	return 0;
}

enum brul_token_status
brul_token_verify(const unsigned char *key, size_t keylen, const char *token,
		  time_t now, struct brul_claims *c)
{
	enum brul_token_status st = BRUL_TOKEN_OK;
	const char *sub, *name, *role, *typ, *jti;
	jwt_t *j = NULL;
	long iat, nbf, exp;
	int h;

	if (strlen(token) >= BRUL_TOKEN_MAX || (h = header_is_hs256(token)) < 0)
		return BRUL_TOKEN_MALFORMED;
	if (h == 0)
		return BRUL_TOKEN_ALG;
	if (jwt_decode(&j, token, key, (int)keylen) != 0)
		return BRUL_TOKEN_SIGNATURE;
	if (jwt_get_alg(j) != JWT_ALG_HS256) {
		jwt_free(j);
		return BRUL_TOKEN_ALG;
	}
	sub = jwt_get_grant(j, "sub");
	name = jwt_get_grant(j, "name");
	role = jwt_get_grant(j, "role");
	typ = jwt_get_grant(j, "typ");
	jti = jwt_get_grant(j, "jti");
	iat = claim_int(j, "iat");
	nbf = claim_int(j, "nbf");
	exp = claim_int(j, "exp");
	/* Without a jti a token could not be revoked alone. */
	if (!sub || !name || !role || !typ || !jti ||
	    strcmp(typ, "access") != 0 || iat < 0 || exp < 0 ||
	    strlen(name) >= sizeof c->name ||
	    strlen(role) >= sizeof c->role || *jti == '\0' ||
	    strlen(jti) >= sizeof c->jti)
		st = BRUL_TOKEN_CLAIMS;
	else if (exp <= (long)now)
		st = BRUL_TOKEN_EXPIRED;
	else if ((nbf >= 0 && nbf > (long)now + LEEWAY) ||
	    iat > (long)now + LEEWAY)
		st = BRUL_TOKEN_NOT_YET;
	else {
		char *end;

		c->user_id = strtoll(sub, &end, 10);
		if (*end != '\0' || c->user_id <= 0)
			st = BRUL_TOKEN_CLAIMS;
		snprintf(c->name, sizeof c->name, "%s", name);
		snprintf(c->role, sizeof c->role, "%s", role);
		snprintf(c->jti, sizeof c->jti, "%s", jti);
		c->iat = iat;
		c->exp = exp;
	}
	jwt_free(j);
	return st;
}

void
brul_token_refresh(char *out)
{
	unsigned char b[32];

	randombytes_buf(b, sizeof b);
	sodium_bin2base64(out, BRUL_REFRESH_LEN, b, sizeof b,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(b, sizeof b);
}

void
brul_token_hash(const char *token, char out[67])
{
	unsigned char h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(h, (const unsigned char *)token, strlen(token));
	out[0] = '\\';
	out[1] = 'x';
	sodium_bin2hex(out + 2, 65, h, sizeof h);
}

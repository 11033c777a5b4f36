/* test-token.c: the API's access tokens (serve/token.h): what verifies,
 * and every way a token is refused: a wrong key or a tampered body, an
 * algorithm other than HS256 (none, HS512), expired, not yet valid
 * beyond the leeway, malformed, missing or wrong claims; and refresh
 * tokens kept as hashes. */
#include <jwt.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "serve/token.h"
#include "tap.h"

static const unsigned char key[] = "0123456789abcdef0123456789abcdef-test";
#define KEYLEN (sizeof key - 1)
#define NOW ((time_t)1767225600)	/* 2026-01-01T00:00:00Z */

/* base64url of s, no padding, into out. */
static void
b64(char *out, size_t n, const char *s)
{
	sodium_bin2base64(out, n, (const unsigned char *)s, strlen(s),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

/* A token with a header and body of our own making and any signature. */
static void
forge(char *out, size_t n, const char *header, const char *body,
      const char *sig)
{
	char h[512], b[1024];

	b64(h, sizeof h, header);
	b64(b, sizeof b, body);
	snprintf(out, n, "%s.%s.%s", h, b, sig);
}

/* A token signed with the key, holding grants of our choosing. */
static char *
signed_with(const char *typ, const char *sub, const char *jti, long iat,
	    long exp)
{
	jwt_t *j = NULL;
	char *s = NULL;

	if (jwt_new(&j) == 0 &&
	    jwt_set_alg(j, JWT_ALG_HS256, key, (int)KEYLEN) == 0 &&
	    (sub == NULL || jwt_add_grant(j, "sub", sub) == 0) &&
	    jwt_add_grant(j, "name", "somchai") == 0 &&
	    jwt_add_grant(j, "role", "viewer") == 0 &&
	    jwt_add_grant(j, "typ", typ) == 0 &&
	    (jti == NULL || jwt_add_grant(j, "jti", jti) == 0) &&
	    jwt_add_grant_int(j, "iat", iat) == 0 &&
	    jwt_add_grant_int(j, "exp", exp) == 0)
		s = jwt_encode_str(j);
	jwt_free(j);
	return s;
}

int
main(void)
{
	struct tap t = { 0 };
	struct brul_claims c = { .user_id = 42, .name = "somchai",
	    .role = "engineer" }, got;
	char tok[BRUL_TOKEN_MAX], bad[2 * BRUL_TOKEN_MAX], r1[BRUL_REFRESH_LEN],
	    r2[BRUL_REFRESH_LEN], h1[67], h2[67];
	char *s;

	if (sodium_init() < 0)
		return 1;
	tap_ok(&t, brul_token_issue(key, KEYLEN, &c, NOW, 1800, tok) == 0,
	    "a token is issued");
	tap_ok(&t, c.iat == NOW && c.exp == NOW + 1800, "iat and exp set");
	memset(&got, 0, sizeof got);
	tap_ok(&t, brul_token_verify(key, KEYLEN, tok, NOW + 60, &got) ==
	    BRUL_TOKEN_OK && got.user_id == 42 &&
	    strcmp(got.name, "somchai") == 0 &&
	    strcmp(got.role, "engineer") == 0 && got.exp == NOW + 1800 &&
	    strlen(c.jti) == 16 && strcmp(got.jti, c.jti) == 0,
	    "it verifies, with its claims and its id");
	tap_ok(&t, brul_token_verify(key, KEYLEN, tok, NOW - 20, &got) ==
	    BRUL_TOKEN_OK, "a clock 20 s behind is within the leeway");
	tap_ok(&t, brul_token_verify(key, KEYLEN, tok, NOW - 120, &got) ==
	    BRUL_TOKEN_NOT_YET, "a token from two minutes ahead is not valid "
	    "yet");
	tap_ok(&t, brul_token_verify(key, KEYLEN, tok, NOW + 1800 + 60,
	    &got) == BRUL_TOKEN_EXPIRED, "expired a minute ago");
	tap_ok(&t, brul_token_verify(key, KEYLEN, tok, NOW + 1800 - 1,
	    &got) == BRUL_TOKEN_OK && brul_token_verify(key, KEYLEN, tok,
	    NOW + 1800, &got) == BRUL_TOKEN_EXPIRED &&
	    brul_token_verify(key, KEYLEN, tok, NOW + 1800 + 10, &got) ==
	    BRUL_TOKEN_EXPIRED, "exp has no leeway: good until the second "
	    "before it, refused from it");
	tap_ok(&t, brul_token_verify((const unsigned char *)"another key of "
	    "thirty-two bytes or more", 40, tok, NOW, &got) ==
	    BRUL_TOKEN_SIGNATURE, "another key: a bad signature");

	/* Tampered: one character of the body changed. */
	snprintf(bad, sizeof bad, "%s", tok);
	{
		char *body = strchr(bad, '.') + 1;

		body[5] = body[5] == 'A' ? 'B' : 'A';
	}
	tap_ok(&t, brul_token_verify(key, KEYLEN, bad, NOW, &got) ==
	    BRUL_TOKEN_SIGNATURE || brul_token_verify(key, KEYLEN, bad, NOW,
	    &got) == BRUL_TOKEN_MALFORMED, "a tampered body is refused");
	forge(bad, sizeof bad, "{\"alg\":\"none\",\"typ\":\"JWT\"}",
	    "{\"sub\":\"1\",\"name\":\"admin\",\"role\":\"admin\",\"typ\":"
	    "\"access\",\"iat\":1767225600,\"exp\":1967225600}", "");
	tap_ok(&t, brul_token_verify(key, KEYLEN, bad, NOW, &got) ==
	    BRUL_TOKEN_ALG, "alg none is refused as such");
	forge(bad, sizeof bad, "{\"alg\" : \"HS512\"}", "{\"sub\":\"1\"}",
	    "c2ln");
	tap_ok(&t, brul_token_verify(key, KEYLEN, bad, NOW, &got) ==
	    BRUL_TOKEN_ALG, "HS512 is refused as such");
	tap_ok(&t, brul_token_verify(key, KEYLEN, "not a token", NOW, &got) ==
	    BRUL_TOKEN_MALFORMED, "no dots: malformed");
	tap_ok(&t, brul_token_verify(key, KEYLEN, "%%%.e30.", NOW, &got) ==
	    BRUL_TOKEN_MALFORMED, "a header that is not base64url");
	memset(bad, 'a', sizeof bad - 1);
	bad[sizeof bad - 1] = '\0';
	tap_ok(&t, brul_token_verify(key, KEYLEN, bad, NOW, &got) ==
	    BRUL_TOKEN_MALFORMED, "too long");

	s = signed_with("refresh", "42", "id", NOW, NOW + 600);
	tap_ok(&t, s && brul_token_verify(key, KEYLEN, s, NOW, &got) ==
	    BRUL_TOKEN_CLAIMS, "typ other than access: refused");
	free(s);
	s = signed_with("access", NULL, "id", NOW, NOW + 600);
	tap_ok(&t, s && brul_token_verify(key, KEYLEN, s, NOW, &got) ==
	    BRUL_TOKEN_CLAIMS, "no sub: refused");
	free(s);
	s = signed_with("access", "-3", "id", NOW, NOW + 600);
	tap_ok(&t, s && brul_token_verify(key, KEYLEN, s, NOW, &got) ==
	    BRUL_TOKEN_CLAIMS, "a sub that is no user id: refused");
	free(s);
	s = signed_with("access", "42", NULL, NOW, NOW + 600);
	tap_ok(&t, s && brul_token_verify(key, KEYLEN, s, NOW, &got) ==
	    BRUL_TOKEN_CLAIMS, "no jti: refused (it could not be revoked)");
	free(s);
	s = signed_with("access", "42", "", NOW, NOW + 600);
	tap_ok(&t, s && brul_token_verify(key, KEYLEN, s, NOW, &got) ==
	    BRUL_TOKEN_CLAIMS, "an empty jti: refused");
	free(s);
	s = signed_with("access", "42", "0123456789abcdef0123456789abcdef",
	    NOW, NOW + 600);
	tap_ok(&t, s && brul_token_verify(key, KEYLEN, s, NOW, &got) ==
	    BRUL_TOKEN_CLAIMS, "a jti of 32 characters: refused");
	free(s);
	s = signed_with("access", "42", "AAECAwQFBgcICQoL", NOW, NOW + 600);
	tap_ok(&t, s && brul_token_verify(key, KEYLEN, s, NOW, &got) ==
	    BRUL_TOKEN_OK && strcmp(got.jti, "AAECAwQFBgcICQoL") == 0,
	    "a token libjwt signed with the key verifies, with its jti");
	free(s);
	tap_streq(&t, brul_token_why(BRUL_TOKEN_EXPIRED), "expired",
	    "the reason given to the client");

	brul_token_refresh(r1);
	brul_token_refresh(r2);
	tap_ok(&t, strlen(r1) == 43 && strcmp(r1, r2) != 0 &&
	    strspn(r1, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789-_") == 43, "refresh tokens: 32 random bytes, base64url");
	brul_token_hash(r1, h1);
	brul_token_hash(r1, h2);
	tap_ok(&t, strcmp(h1, h2) == 0 && strncmp(h1, "\\x", 2) == 0 &&
	    strlen(h1) == 66, "kept as a SHA-256 in bytea hex, the same each "
	    "time");
	brul_token_hash("abc", h1);
	tap_streq(&t, h1, "\\xba7816bf8f01cfea414140de5dae2223b00361a396177a9c"
	    "b410ff61f20015ad", "the hash is SHA-256");
	return tap_done(&t);
}

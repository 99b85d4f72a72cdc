/*
 * seal: the cryptography of a petition whose signers only the organisers
 * can read (docs/petitions.md has the threat model).
 *
 *   - The organisers' secret is one random 32-byte seed.  From it come,
 *     through libsodium's crypto_kdf (BLAKE2b), two keys that cannot be
 *     turned back into it or into each other:
 *       1. a Curve25519 key pair: what signers give is sealed to its public
 *          key (crypto_box_seal) the moment it arrives, and only the secret
 *          key opens it;
 *       2. the dedup key: a keyed BLAKE2b of each normalised address tells
 *          the server that an address signed before, without the server
 *          keeping the address.
 *     The server gets the public key and the dedup key ("the server key"),
 *     never the seed.
 *   - A signature is sealed as a small JSON object (name, email, city, the
 *     opt-in, the time), padded to a multiple of 256 bytes so that sizes
 *     tell little about lengths.
 *
 * Depends on core, text (case folding of addresses), jansson and
 * libsodium.  Thread-safe: no state.  Ownership as in core.h.
 */
#ifndef TM_SEAL_H
#define TM_SEAL_H

#include "core/core.h"

#define TM_SEAL_KEY_BYTES 32    /* a seed, a public, secret or dedup key */
#define TM_SEAL_DEDUP_BYTES 16  /* a stored dedup hash */
#define TM_SEAL_KEY_TEXT 44     /* a key as URL-safe base64 (43 characters), with its NUL */
#define TM_SEAL_FINGERPRINT 40  /* "a1b2 c3d4 …" (8 groups of 4 hex digits), with its NUL */
#define TM_SEAL_NAME_MAX 100    /* characters of a name, a city */
#define TM_SEAL_EMAIL_MAX 254   /* bytes of an address (RFC 5321's path limit) */
#define TM_SEAL_PAD 256         /* sealed plaintexts are padded to a multiple of this */

/* What the organisers hold: the seed and everything derived from it. */
typedef struct tm_seal_secret {
	unsigned char seed[TM_SEAL_KEY_BYTES];
	unsigned char pk[TM_SEAL_KEY_BYTES];    /* the box public key: goes in the petition record */
	unsigned char sk[TM_SEAL_KEY_BYTES];    /* the box secret key: opens signatures */
	unsigned char dedup[TM_SEAL_KEY_BYTES]; /* the dedup key: also on the server */
} tm_seal_secret;

/* What the server holds: it seals with pk and hashes addresses with dedup,
 * and can do nothing else. */
typedef struct tm_seal_server_key {
	unsigned char pk[TM_SEAL_KEY_BYTES];
	unsigned char dedup[TM_SEAL_KEY_BYTES];
} tm_seal_server_key;

/* A fresh secret from libsodium's random bytes. */
tm_rc tm_seal_keygen(tm_seal_secret *out, tm_err *err);
/* The keys a seed gives (keygen and reading a key file use it). */
tm_rc tm_seal_derive(const unsigned char seed[TM_SEAL_KEY_BYTES], tm_seal_secret *out, tm_err *err);
/* The server's half of a secret. */
void tm_seal_server_half(const tm_seal_secret *s, tm_seal_server_key *out);
/* Wipe a secret (sodium_memzero). */
void tm_seal_secret_wipe(tm_seal_secret *s);

/* A key as text (URL-safe base64 without padding) and back; parse returns
 * -1 when s is not 32 bytes so written. */
void tm_seal_key_text(const unsigned char key[TM_SEAL_KEY_BYTES], char out[TM_SEAL_KEY_TEXT]);
int tm_seal_key_parse(const char *s, unsigned char key[TM_SEAL_KEY_BYTES]);
/* What people compare to know a public key: the first 16 bytes of its
 * BLAKE2b in 8 groups of 4 hex digits. */
void tm_seal_fingerprint(const unsigned char pk[TM_SEAL_KEY_BYTES], char out[TM_SEAL_FINGERPRINT]);

/*
 * Key files: a line of magic, then "name value" lines ('#' starts a
 * comment).  Written with O_EXCL and mode 0600: an existing file is never
 * overwritten.  Reading checks the magic (a server key given where the
 * secret is wanted says so), every field, and that the seed gives the
 * public key written beside it; errors name the file and the line.
 */
tm_rc tm_seal_secret_write(const char *path, const tm_seal_secret *s, tm_err *err);
tm_rc tm_seal_server_key_write(const char *path, const tm_seal_server_key *k, tm_err *err);
tm_rc tm_seal_secret_read(const char *path, tm_seal_secret *out, tm_err *err);
tm_rc tm_seal_server_key_read(const char *path, tm_seal_server_key *out, tm_err *err);
/* The same from text in memory (name says what errors call it). */
tm_rc tm_seal_secret_parse(const char *name, const char *text, size_t n, tm_seal_secret *out, tm_err *err);
tm_rc tm_seal_server_key_parse(const char *name, const char *text, size_t n, tm_seal_server_key *out,
				   tm_err *err);

/* ---- what a signer gives ---- */

typedef struct tm_seal_signer {
	char *name;          /* required */
	char *email;         /* required, as typed (trimmed): the organisers write to it */
	char *city;          /* NULL when not given */
	int show;            /* opted in to have name and city shown on the petition's page */
	char signed_at[24];  /* "YYYY-MM-DDTHH:MM:SSZ" */
} tm_seal_signer;
void tm_seal_signer_release(tm_seal_signer *s);

/* Trim name, email and city in place (spaces, tabs and line ends at either
 * end; an empty city becomes NULL) and check them: name 1 to 100
 * characters, city at most 100, an address as tm_seal_email_norm()
 * takes it, and no control or bidirectional control character anywhere.
 * 0 when good; else -1 and *field names the first bad one ("name",
 * "email", "city"). */
int tm_seal_signer_check(tm_seal_signer *s, const char **field);

/* An address in the one form the dedup hash is taken of: NFKC with case
 * folding (tm_text_fold: "Lin＠Example.ORG" is "lin@example.org"), with
 * the spaces around it trimmed.  TM_ERR_INVALID unless it is one "@"
 * between a local part of 1 to 64 bytes and a domain of 1 to 253 with a
 * dot inside it, without spaces or control characters, at most 254 bytes
 * in all.  Appended to out.  Sub-addresses and dots are not folded:
 * "a+b@x.org" and "a@x.org" are two addresses here. */
tm_rc tm_seal_email_norm(const char *email, tm_buf *out, tm_err *err);

/* The dedup hash of a normalised address for one petition: BLAKE2b-128
 * keyed with the dedup key over a label, the petition's id and the address,
 * so that the tables of two petitions cannot be joined without the key. */
void tm_seal_dedup(const unsigned char key[TM_SEAL_KEY_BYTES], const char *petition, const char *norm_email,
		       unsigned char out[TM_SEAL_DEDUP_BYTES]);

/* Seal s for petition to pk: JSON, padded, crypto_box_seal; the bytes are
 * appended to out (binary). */
tm_rc tm_seal_signature(const unsigned char pk[TM_SEAL_KEY_BYTES], const char *petition,
		       const tm_seal_signer *s, tm_buf *out, tm_err *err);
/* Open a sealed signature of petition with the organisers' secret.
 * TM_ERR_INVALID when the key does not open it, when it is not a signature
 * of this petition, or when what is inside is not a signature (the sealed
 * box proves who it was sealed for, not who sealed it). */
tm_rc tm_seal_open(const tm_seal_secret *sec, const char *petition, const unsigned char *sealed, size_t n,
		       tm_seal_signer *out, tm_err *err);

#endif

/*
 * guard: what stands between a form that anyone may send without an
 * account (a correction, a right of reply, a petition's signature) and a
 * script that sends it ten thousand times — without JavaScript, and without
 * keeping anyone's IP address.
 *
 * A page that shows such a form puts a token in it (tm_guard_issue): the
 * time it was served, a random nonce and the form's name, signed with the
 * server's key (keyed BLAKE2b).  The submission is accepted only if
 *   - the honeypot field, which people do not see, is empty;
 *   - the token is one this server signed, for this form;
 *   - it was served at least min_seconds ago (people read and type; bots
 *     post at once) and at most max_seconds ago;
 *   - it was not used before (each nonce once, remembered until it expires);
 *   - the form's token bucket, and the bucket of all forms together, have
 *     a token left.
 * So a sender must fetch a fresh page for each submission and wait, and no
 * number of senders gets more through than the buckets allow.  The buckets
 * are shared by everyone: a flood makes the form refuse ("busy") for a
 * while instead of filling the review queue.  docs/security.md has the
 * reasons and the parameters; a proof of work was left out because a
 * browser without JavaScript cannot compute one.
 *
 * Thread-safe: one tm_guard serves every worker thread.
 */
#ifndef TM_GUARD_H
#define TM_GUARD_H

#include "core/core.h"

#define TM_GUARD_KEY_BYTES 32
#define TM_GUARD_TOKEN_MAX 64        /* a token as text, with its NUL */
#define TM_GUARD_TOKEN_FIELD "tm_form"  /* the form field that carries the token */
#define TM_GUARD_TRAP_FIELD "website"   /* the honeypot: a field that must stay empty */

typedef struct tm_guard_opts {
	double min_seconds;  /* sooner than this after the page was served is a bot (3) */
	double max_seconds;  /* a token older than this is refused (12 hours) */
	double form_rate;    /* submissions a second of one form, sustained (one in 30 s) */
	double form_burst;   /* … and at once (10) */
	double all_rate;     /* of all forms together (one in 10 s) */
	double all_burst;    /* (30) */
	size_t remember;     /* used nonces remembered (4096; a replay of one forgotten early gets through) */
} tm_guard_opts;
/* The defaults above. */
void tm_guard_opts_init(tm_guard_opts *o);

typedef enum tm_guard_verdict {
	TM_GUARD_OK = 0,
	TM_GUARD_MISSING,  /* no token */
	TM_GUARD_FORGED,   /* not a token of this key and form */
	TM_GUARD_EARLY,    /* sent sooner than min_seconds after the page */
	TM_GUARD_EXPIRED,  /* older than max_seconds, or from the future */
	TM_GUARD_REPLAYED, /* used before */
	TM_GUARD_HONEYPOT, /* the hidden field was filled */
	TM_GUARD_BUSY,     /* the form, or all forms, are over their rate */
} tm_guard_verdict;
/* "ok", "missing", "forged", "early", "expired", "replayed", "honeypot", "busy". */
const char *tm_guard_verdict_name(tm_guard_verdict v);

/* A token bucket: up to `burst` tokens, refilled at `rate` a second.  No
 * lock of its own: the caller holds one.  The first use finds it full. */
typedef struct tm_bucket {
	double tokens, last; /* last: the time of the last refill; 0 before the first */
} tm_bucket;
/* Add what time has earned since the last refill, up to burst. */
void tm_bucket_refill(tm_bucket *b, double rate, double burst, double now);
/* Refill, then take one token: 1, or 0 when there is none. */
int tm_bucket_take(tm_bucket *b, double rate, double burst, double now);

typedef struct tm_guard tm_guard;

/* A guard signing with key (copied); o NULL: the defaults.  Owned by the
 * caller: tm_guard_free(). */
tm_guard *tm_guard_new(const unsigned char key[TM_GUARD_KEY_BYTES], const tm_guard_opts *o);
void tm_guard_free(tm_guard *g);

/* A token for form (any name: the server uses the route's pattern), served
 * at now (Unix seconds, with fractions), into out. */
void tm_guard_issue(tm_guard *g, const char *form, double now, char out[TM_GUARD_TOKEN_MAX]);

/* Whether a submission of form, with token and honeypot (either may be
 * NULL: absent), may go through at now.  TM_GUARD_OK uses the token up and
 * takes from the buckets; no other verdict takes anything. */
tm_guard_verdict tm_guard_check(tm_guard *g, const char *form, const char *token, const char *honeypot, double now);

#endif

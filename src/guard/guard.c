/*
 * Form tokens, the used-nonce table and the token buckets (guard.h).
 *
 * A token is 41 bytes in URL-safe base64 (55 characters):
 *   version (1) | served at, ms since 1970, big-endian (8) | nonce (16) | MAC (16)
 * where the MAC is BLAKE2b-128 under the server's key over the first 25
 * bytes and the form's name, so a token of one form is no use on another.
 */
#include "guard/guard.h"

#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define VERSION 1
#define NONCE 16
#define MAC 16
#define SIGNED (1 + 8 + NONCE)
#define RAW (SIGNED + MAC)
#define B64 sodium_base64_VARIANT_URLSAFE_NO_PADDING
#define PROBES 16        /* slots of the nonce table one nonce may sit in */
#define FORM_SLOTS 64    /* buckets of forms: forms that share one share its rate */
#define FUTURE_SLACK 60  /* seconds a token may seem to come from the future (clock steps) */

struct seen {
	unsigned char nonce[NONCE];
	double until; /* 0: empty; else when the token expires and the nonce can go */
};

struct tm_guard {
	unsigned char key[TM_GUARD_KEY_BYTES];
	tm_guard_opts o;
	pthread_mutex_t mu;
	tm_bucket all;
	tm_bucket forms[FORM_SLOTS];
	struct seen *seen;
	size_t n_seen;
};

void tm_guard_opts_init(tm_guard_opts *o)
{
	o->min_seconds = 3;
	o->max_seconds = 12 * 3600;
	o->form_rate = 1.0 / 30;
	o->form_burst = 10;
	o->all_rate = 1.0 / 10;
	o->all_burst = 30;
	o->remember = 4096;
}

const char *tm_guard_verdict_name(tm_guard_verdict v)
{
	static const char *const names[] = { "ok", "missing", "forged", "early", "expired", "replayed", "honeypot", "busy" };
	return (unsigned)v < sizeof(names) / sizeof(names[0]) ? names[v] : "forged";
}

tm_guard *tm_guard_new(const unsigned char key[TM_GUARD_KEY_BYTES], const tm_guard_opts *o)
{
	if (sodium_init() < 0)
		return NULL;
	tm_guard *g = tm_xcalloc(1, sizeof(*g));
	memcpy(g->key, key, TM_GUARD_KEY_BYTES);
	if (o)
		g->o = *o;
	else
		tm_guard_opts_init(&g->o);
	if (g->o.remember < PROBES)
		g->o.remember = PROBES;
	g->n_seen = g->o.remember;
	g->seen = tm_xcalloc(g->n_seen, sizeof(*g->seen));
	pthread_mutex_init(&g->mu, NULL);
	return g;
}

void tm_guard_free(tm_guard *g)
{
	if (!g)
		return;
	pthread_mutex_destroy(&g->mu);
	free(g->seen);
	sodium_memzero(g->key, sizeof(g->key));
	free(g);
}

static void mac_of(const tm_guard *g, const unsigned char signed_part[SIGNED], const char *form,
		   unsigned char out[MAC])
{
	crypto_generichash_state st;
	crypto_generichash_init(&st, g->key, TM_GUARD_KEY_BYTES, MAC);
	crypto_generichash_update(&st, signed_part, SIGNED);
	crypto_generichash_update(&st, (const unsigned char *)form, strlen(form));
	crypto_generichash_final(&st, out, MAC);
}

void tm_guard_issue(tm_guard *g, const char *form, double now, char out[TM_GUARD_TOKEN_MAX])
{
	unsigned char raw[RAW];
	uint64_t ms = now > 0 ? (uint64_t)(now * 1000) : 0;
	raw[0] = VERSION;
	for (int i = 0; i < 8; i++)
		raw[1 + i] = (unsigned char)(ms >> (56 - 8 * i));
	randombytes_buf(raw + 9, NONCE);
	mac_of(g, raw, form, raw + SIGNED);
	sodium_bin2base64(out, TM_GUARD_TOKEN_MAX, raw, RAW, B64);
}

static size_t slot_of(const unsigned char nonce[NONCE], size_t n)
{
	return (size_t)(tm_hash(nonce, NONCE) % n);
}

/* 1 when nonce is in the table and not yet expired at now. */
static int seen_has(const tm_guard *g, const unsigned char nonce[NONCE], double now)
{
	size_t at = slot_of(nonce, g->n_seen);
	for (size_t i = 0; i < PROBES; i++) {
		const struct seen *s = &g->seen[(at + i) % g->n_seen];
		if (s->until >= now && memcmp(s->nonce, nonce, NONCE) == 0)
			return 1;
	}
	return 0;
}

/* Remember nonce until `until`: in a free or expired slot of its run, else
 * in place of the one that expires first (which could then be replayed:
 * the table is bounded, and a flood must not grow it). */
static void seen_add(tm_guard *g, const unsigned char nonce[NONCE], double until, double now)
{
	size_t at = slot_of(nonce, g->n_seen);
	struct seen *best = NULL;
	for (size_t i = 0; i < PROBES; i++) {
		struct seen *s = &g->seen[(at + i) % g->n_seen];
		if (s->until < now) {
			best = s;
			break;
		}
		if (!best || s->until < best->until)
			best = s;
	}
	memcpy(best->nonce, nonce, NONCE);
	best->until = until;
}

void tm_bucket_refill(tm_bucket *b, double rate, double burst, double now)
{
	if (b->last <= 0)
		b->tokens = burst;
	else if (now > b->last)
		b->tokens += (now - b->last) * rate;
	if (b->tokens > burst)
		b->tokens = burst;
	b->last = now;
}

int tm_bucket_take(tm_bucket *b, double rate, double burst, double now)
{
	tm_bucket_refill(b, rate, burst, now);
	if (b->tokens < 1)
		return 0;
	b->tokens -= 1;
	return 1;
}

tm_guard_verdict tm_guard_check(tm_guard *g, const char *form, const char *token, const char *honeypot, double now)
{
	if (honeypot && *honeypot)
		return TM_GUARD_HONEYPOT;
	if (!token || !*token)
		return TM_GUARD_MISSING;
	unsigned char raw[RAW], mac[MAC];
	size_t len = 0;
	if (strlen(token) != sodium_base64_ENCODED_LEN(RAW, B64) - 1 ||
	    sodium_base642bin(raw, RAW, token, strlen(token), NULL, &len, NULL, B64) != 0 || len != RAW ||
	    raw[0] != VERSION)
		return TM_GUARD_FORGED;
	mac_of(g, raw, form, mac);
	if (sodium_memcmp(mac, raw + SIGNED, MAC) != 0)
		return TM_GUARD_FORGED;
	uint64_t ms = 0;
	for (int i = 0; i < 8; i++)
		ms = ms << 8 | raw[1 + i];
	double served = (double)ms / 1000, age = now - served;
	if (age < -FUTURE_SLACK || age > g->o.max_seconds)
		return TM_GUARD_EXPIRED;
	if (age < g->o.min_seconds)
		return TM_GUARD_EARLY;
	const unsigned char *nonce = raw + 9;
	tm_guard_verdict v = TM_GUARD_OK;
	pthread_mutex_lock(&g->mu);
	tm_bucket *fb = &g->forms[tm_hash(form, strlen(form)) % FORM_SLOTS];
	tm_bucket_refill(&g->all, g->o.all_rate, g->o.all_burst, now);
	tm_bucket_refill(fb, g->o.form_rate, g->o.form_burst, now);
	if (seen_has(g, nonce, now))
		v = TM_GUARD_REPLAYED;
	else if (g->all.tokens < 1 || fb->tokens < 1)
		v = TM_GUARD_BUSY;
	if (v == TM_GUARD_OK) {
		g->all.tokens -= 1;
		fb->tokens -= 1;
		seen_add(g, nonce, served + g->o.max_seconds, now);
	}
	pthread_mutex_unlock(&g->mu);
	return v;
}

/*
 * libFuzzer target: the petition's parsers (seal.h).  The first byte
 * chooses: an organisers' key file, a server key file, an email address
 * (whose normal form must be its own normal form), or a sealed signature's
 * inside: the rest is padded and sealed to a fixed key as the server would
 * seal it, then opened, so that the unpadding and the JSON of a box that a
 * hostile server crafted (a sealed box says who it is for, not who made it)
 * are what runs.
 */
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "seal/seal.h"
#include "text/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size || size > 4096)
		return 0;
	const char *s = (const char *)data + 1;
	size_t n = size - 1;
	tm_err err = { 0 };
	switch (data[0] % 4) {
	case 0: {
		tm_seal_secret sec;
		if (tm_seal_secret_parse("fuzz", s, n, &sec, &err) == TM_OK)
			tm_seal_secret_wipe(&sec);
		break;
	}
	case 1: {
		tm_seal_server_key k;
		tm_seal_server_key_parse("fuzz", s, n, &k, &err);
		break;
	}
	case 2: {
		char *z = malloc(n + 1);
		memcpy(z, s, n);
		z[n] = '\0';
		tm_buf a = TM_BUF_INIT, b = TM_BUF_INIT;
		if (strlen(z) == n && tm_seal_email_norm(z, &a, &err) == TM_OK) {
			if (tm_seal_email_norm(a.buf, &b, &err) != TM_OK || strcmp(a.buf, b.buf) != 0)
				abort();
		}
		tm_buf_release(&a);
		tm_buf_release(&b);
		free(z);
		break;
	}
	default: {
		static tm_seal_secret sec;
		static int ready;
		if (!ready) {
			unsigned char seed[TM_SEAL_KEY_BYTES] = { 7 };
			if (tm_seal_derive(seed, &sec, &err))
				abort();
			ready = 1;
		}
		size_t cap = n + TM_SEAL_PAD;
		unsigned char *plain = malloc(cap), *box = malloc(cap + crypto_box_SEALBYTES);
		memcpy(plain, s, n);
		size_t padded;
		if (sodium_pad(&padded, plain, n, TM_SEAL_PAD, cap) == 0 &&
		    crypto_box_seal(box, plain, padded, sec.pk) == 0) {
			tm_seal_signer out;
			if (tm_seal_open(&sec, "p", box, padded + crypto_box_SEALBYTES, &out, &err) == TM_OK) {
				if (!out.name || !out.email)
					abort();
				tm_seal_signer_release(&out);
			}
		}
		free(plain);
		free(box);
		break;
	}
	}
	tm_text_shutdown();
	return 0;
}

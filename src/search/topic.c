/*
 * Topics a query names.  A topic is a tag with labels in both languages
 * (model.h tm_topics); a query finds it by either label or by its id, in
 * any script the keys fold (監控 is 监控), whole, by a start, or as words of
 * the label, or by the whole pinyin of its Chinese label (jiankong, jian
 * kong: a syllable or two of pinyin begin too many words to be read as a
 * start), and the best ones bring their entities along, below anything
 * found by name.
 *
 * ICU's transliterators take a third of a second of CPU to build, which a
 * Latin query in the CLI never paid before topics: so the Chinese labels
 * are their own keys (model.h keeps them Simplified and bare, which
 * test_search checks), and their pinyin is made only for a Latin query
 * that nothing else found.  A few dozen labels are compared in memory, and each topic
 * found costs one look-up of the tag index, bounded: never a scan.
 */
#include "search/search_internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define TOPICS_MAX 5     /* topics an answer names */
#define MEMBER_TOPIC 0.8 /* a topic named this well (half its label, typed) brings its entities */
#define MEMBER_SCALE 0.3 /* an entity of a topic scores this much of the topic's score */
/* Entities of a topic gathered, at most: more than a page, so that the
 * best connected of them (search.c orders equals by ties) come first; a
 * bounded read of the tag index however common the tag. */
#define MEMBERS_MAX TM_SEARCH_LIMIT_KEYS

/* The normalized keys of each topic: English label, Chinese label, id, and
 * the Chinese label's pinyin without spaces (matched whole only). */
enum { TOPIC_KEYS = 3 };
static char *topic_pinyin[64];
static char *topic_keys[64][TOPIC_KEYS];
static size_t n_topic_keys;
static pthread_once_t topic_keys_once = PTHREAD_ONCE_INIT, topic_pinyin_once = PTHREAD_ONCE_INIT;

/* The normalized key of s (ASCII: no ICU), or of its pinyin without spaces. */
static char *key_of(const char *s, int pinyin)
{
	tm_name_keys k;
	if (tm_text_name_keys(s, strlen(s), &k, NULL))
		return tm_xstrdup("");
	char *key = pinyin ? tm_text_compact(k.pinyin) : tm_xstrdup(k.norm);
	tm_name_keys_release(&k);
	return key;
}

static void topic_keys_make(void)
{
	for (size_t i = 0; i < tm_n_topics && i < sizeof(topic_keys) / sizeof(topic_keys[0]); i++) {
		tm_buf id = TM_BUF_INIT;
		for (const char *p = tm_topics[i].id; *p; p++)
			tm_buf_addch(&id, *p == '_' ? ' ' : *p);
		topic_keys[i][0] = key_of(tm_topics[i].label_en, 0);
		topic_keys[i][1] = tm_xstrdup(tm_topics[i].label_zh);
		topic_keys[i][2] = key_of(id.buf, 0);
		tm_buf_release(&id);
		n_topic_keys = i + 1;
	}
}

static void topic_pinyin_make(void)
{
	for (size_t i = 0; i < n_topic_keys; i++)
		topic_pinyin[i] = key_of(tm_topics[i].label_zh, 1);
}

static size_t code_points(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* Does text hold phrase whole: between spaces or the ends (Latin), or
 * anywhere (Chinese, which has no spaces between words)? */
static int holds(const char *text, const char *phrase, int han)
{
	size_t n = strlen(phrase);
	for (const char *p = strstr(text, phrase); p; p = strstr(p + 1, phrase)) {
		if (han || ((p == text || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' ')))
			return 1;
	}
	return 0;
}

/* How well query q names a topic of label key l: 1 the label itself; its
 * start as typed 0.6 to 1 by how much of it (from two Han characters or
 * four letters on: "bel" is too short to mean Belt and Road); 0.6 words of
 * it; 0.5 the label among the query's words ("surveillance companies"); 0
 * not at all. */
static double label_score(const char *q, const char *l)
{
	if (!*q || !*l)
		return 0;
	if (strcmp(q, l) == 0)
		return 1.0;
	int han = tm_text_has_han(q);
	size_t qn = code_points(q), ln = code_points(l);
	if (qn >= (han ? 2u : 4u) && strncmp(l, q, strlen(q)) == 0)
		return 0.6 + 0.4 * (double)qn / (double)ln;
	if (qn >= (han ? 2u : 4u) && holds(l, q, han))
		return 0.6;
	if (ln >= 2 && holds(q, l, tm_text_has_han(l)))
		return 0.5;
	return 0;
}

struct members {
	tm_search_cands *c;
	double score;
	const char *topic;
	size_t left; /* entities still to take; 0 also stops the first look */
	int any;
};

static int on_member(void *ctx, tm_ekey key)
{
	struct members *m = ctx;
	m->any = 1;
	if (m->c)
		tm_search_cands_add(m->c, key, 0, m->score, TM_SEARCH_TOPIC, m->topic);
	return --m->left == 0;
}

tm_rc tm_search_topics(tm_store *st, const tm_name_keys *k, size_t limit, tm_search_hits *out, tm_search_cands *c,
		       tm_err *err)
{
	pthread_once(&topic_keys_once, topic_keys_make);
	tm_search_topic found[64];
	size_t n = 0;
	/* the query as pinyin would be written of the label: Latin, no spaces,
	 * when no name answered it */
	char *pinyin = NULL;
	if (c->n == 0 && !tm_text_has_han(k->norm)) {
		pthread_once(&topic_pinyin_once, topic_pinyin_make);
		pinyin = tm_text_compact(k->norm);
	}
	for (size_t i = 0; i < n_topic_keys; i++) {
		double best = pinyin && *pinyin && strcmp(pinyin, topic_pinyin[i]) == 0 ? 1.0 : 0;
		for (int j = 0; j < TOPIC_KEYS; j++) {
			double s = label_score(k->norm, topic_keys[i][j]);
			if (s > best)
				best = s;
		}
		if (best > 0)
			found[n++] = (tm_search_topic){ "tag", tm_topics[i].id, tm_topics[i].label_en, tm_topics[i].label_zh,
							best };
	}
	free(pinyin);
	if (!n)
		return TM_OK;
	/* by score, keeping the vocabulary's order among equals (an insertion
	 * sort: qsort is not stable) */
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && found[j].score > found[j - 1].score; j--) {
			tm_search_topic x = found[j];
			found[j] = found[j - 1];
			found[j - 1] = x;
		}
	tm_rc rc = TM_OK;
	for (size_t i = 0; !rc && i < n && out->n_topics < TOPICS_MAX; i++) {
		int members = found[i].score >= MEMBER_TOPIC;
		size_t want = limit > MEMBERS_MAX ? limit : MEMBERS_MAX;
		struct members m = { members ? c : NULL, MEMBER_SCALE * found[i].score, found[i].id, members ? want : 1, 0 };
		rc = tm_store_tagged(st, found[i].id, on_member, &m, err);
		if (rc || !m.any)
			continue; /* a topic no entity has is not worth a link */
		if (!out->topics)
			out->topics = tm_xcalloc(TOPICS_MAX, sizeof(*out->topics));
		out->topics[out->n_topics++] = found[i];
	}
	return rc;
}

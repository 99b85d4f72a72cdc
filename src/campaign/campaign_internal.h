/*
 * What the files of src/campaign share: escaping, dates in words, and the
 * actions of a period gathered with their labels.  Not for use outside
 * src/campaign/.
 */
#ifndef TM_CAMPAIGN_INTERNAL_H
#define TM_CAMPAIGN_INTERNAL_H

#include "campaign/campaign.h"

/* Append s escaped for Markdown text (CommonMark's punctuation that would
 * start emphasis, links, code or HTML). */
void tm_campaign_md_esc(tm_buf *b, const char *s);

/* An action of a listing, with when its record last changed. */
typedef struct tm_campaign_item {
	tm_action a;
	char updated[24];
} tm_campaign_item;

typedef struct tm_campaign_items {
	tm_campaign_item *v;
	size_t n, cap;
} tm_campaign_items;
void tm_campaign_items_release(tm_campaign_items *it);
/* The actions the filter matches, in the store's order. */
tm_rc tm_campaign_collect(tm_store *st, const tm_action_filter *f, tm_campaign_items *out, tm_err *err);

/* What to call an actor or a target in lang: an entity's display name (and
 * *entity is its id), or the free text in lang, else in the other language
 * (*entity NULL).  Appended to label. */
void tm_campaign_party_label(tm_store *st, const tm_party *p, const char *lang, tm_buf *label, const char **entity);

/* A cited source as a reader sees it: "Publisher: Title" (or the title
 * alone), or with brief only the publisher (else the author, else the
 * title), into label; its URL, if it has one, into *url (owned, may be NULL);
 * whether someone checked it into *checked (when not NULL; an unknown
 * source is unchecked). */
void tm_campaign_source_label(tm_store *st, const tm_cite *c, int brief, tm_buf *label, char **url, int *checked);

#endif

#include "model/petition.h"

#include <stdlib.h>
#include <string.h>

void tm_petition_release(tm_petition *p)
{
	if (!p)
		return;
	free(p->id);
	tm_bitext_release(&p->title);
	tm_bitext_release(&p->text);
	tm_bitext_release(&p->target);
	tm_strv_release(&p->entities);
	free(p->action);
	free(p->public_key);
	memset(p, 0, sizeof(*p));
}

int tm_petition_phase(const tm_petition *p, const char *day)
{
	if (strcmp(day, p->opens) < 0)
		return -1;
	if (p->closes[0] && strcmp(day, p->closes) > 0)
		return 1;
	return 0;
}

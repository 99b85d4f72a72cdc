/*
 * The progress bar of long work (import, export, index rebuild).  It writes
 * to stderr only when stderr is a terminal, so pipes and logs stay clean.
 */
#include "cli/cli.h"

#include <unistd.h>

void tm_progress_start(tm_progress *p, tm_cli *cli, const char *label)
{
	p->label = label;
	p->on = !cli->quiet && isatty(STDERR_FILENO);
	p->started = tm_now();
	p->last = 0;
}

void tm_progress_update(void *ctx, size_t done, size_t total)
{
	tm_progress *p = ctx;
	if (!p->on)
		return;
	double now = tm_now();
	if (now - p->last < 0.1 && done < total)
		return;
	p->last = now;
	double elapsed = now - p->started, rate = elapsed > 0 ? (double)done / elapsed : 0;
	double left = rate > 0 && total > done ? (double)(total - done) / rate : 0;
	int width = 30, fill = total ? (int)((double)width * (double)done / (double)total) : 0;
	fprintf(stderr, "\r%s [", p->label);
	for (int i = 0; i < width; i++)
		fputc(i < fill ? '#' : ' ', stderr);
	fprintf(stderr, "] %3d%% %zu/%zu %.0f/s %.0fs left ", total ? (int)(100.0 * (double)done / (double)total) : 0,
		done, total, rate, left);
	fflush(stderr);
}

void tm_progress_end(tm_progress *p)
{
	if (p->on)
		fputs("\r\033[K", stderr);
}

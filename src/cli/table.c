/*
 * Tables for the terminal.  Column widths are measured in terminal columns
 * (a Chinese character takes two), and the widest column gives way first
 * when the table would not fit.
 */
#include "cli/cli.h"

#include <stdlib.h>
#include <string.h>

#include "text/text.h"

void tm_table_init(tm_table *t, size_t ncols, const char **headers)
{
	memset(t, 0, sizeof(*t));
	t->ncols = ncols;
	t->headers = headers;
}

void tm_table_add(tm_table *t, const char *const *row)
{
	for (size_t i = 0; i < t->ncols; i++)
		tm_strv_push(&t->cells, row[i] ? row[i] : "");
}

void tm_table_release(tm_table *t)
{
	tm_strv_release(&t->cells);
}

static void print_cell(FILE *out, const char *s, int width, int last)
{
	size_t fit = tm_text_fit(s, width);
	int used;
	if (fit < strlen(s)) {
		/* leave room for the ellipsis */
		fit = tm_text_fit(s, width - 1);
		fwrite(s, 1, fit, out);
		fputs("…", out);
		char *cut = tm_xstrndup(s, fit);
		used = tm_text_width(cut) + 1;
		free(cut);
	} else {
		fputs(s, out);
		used = tm_text_width(s);
	}
	if (!last)
		for (int i = used; i < width + 2; i++)
			fputc(' ', out);
}

void tm_table_print(const tm_table *t, FILE *out, int width)
{
	size_t nrows = t->cells.n / (t->ncols ? t->ncols : 1);
	int *w = calloc(t->ncols, sizeof(int));
	if (!w)
		return;
	for (size_t c = 0; c < t->ncols; c++) {
		w[c] = tm_text_width(t->headers[c]);
		for (size_t r = 0; r < nrows; r++) {
			int cw = tm_text_width(t->cells.v[r * t->ncols + c]);
			if (cw > w[c])
				w[c] = cw;
		}
	}
	for (;;) {
		int total = 0;
		size_t widest = 0;
		for (size_t c = 0; c < t->ncols; c++) {
			total += w[c] + 2;
			if (w[c] > w[widest])
				widest = c;
		}
		if (total - 2 <= width || w[widest] <= 8)
			break;
		w[widest]--;
	}
	for (size_t c = 0; c < t->ncols; c++)
		print_cell(out, t->headers[c], w[c], c + 1 == t->ncols);
	fputc('\n', out);
	for (size_t r = 0; r < nrows; r++) {
		for (size_t c = 0; c < t->ncols; c++)
			print_cell(out, t->cells.v[r * t->ncols + c], w[c], c + 1 == t->ncols);
		fputc('\n', out);
	}
	free(w);
}

#include <locale.h>

#include "cli/cli.h"

int main(int argc, char **argv)
{
	/* only the character type: numbers and JSON stay in the C locale */
	setlocale(LC_CTYPE, "");
	return tm_cli_main(argc, argv);
}

/*
 * cmd.h: the subcommand table's entry type and every command's entry point.
 *
 * Commands return the process exit status (see EXIT STATUS in fttriage(1)):
 * 0 success, 1 reports found where --fail-on asked for failure, 2 usage or
 * runtime error.
 */
#ifndef FTTRIAGE_CMD_H
#define FTTRIAGE_CMD_H

#include <stdio.h>

struct cmd_entry {
	const char	*name;
	int		(*fn)(int, char **);
	const char	*usage;
	const char	*summary;
	const char	*help;    /* option list for 'help COMMAND', or NULL */
};

#define EXIT_FOUND 1
#define EXIT_ERROR 2

void	 usage(FILE *);
const struct cmd_entry *cmd_find(const char *);

int	 cmd_scan(int, char **);
int	 cmd_rules(int, char **);
int	 cmd_symbolize(int, char **);
int	 cmd_help(int, char **);
int	 cmd_version(int, char **);

#endif

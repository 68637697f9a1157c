/*
 * fuzz-config.c: libFuzzer harness for the configuration file parser.
 *
 * Each input is a configuration file (project mappings, project.c); it is
 * loaded from a temporary file, and when it loads, a few log paths are
 * looked up in it so that every stored pattern is used once.
 */
#include "config.h"

#include <stdlib.h>

#include "fttriage.h"
#include "fuzz.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	log_set_level(LOG_LVL_ERROR);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const paths[] = {
		"/ci/logs/numpy-1234.log", "build.log", "-", "",
		"/a/b/../c/cpython-tsan.log", "x*[y",
	};
	struct project_map	*pm;
	char			*cause = NULL;
	size_t			 i;

	pm = project_map_load(fuzz_file_write(data, size), &cause);
	free(cause);
	if (pm == NULL)
		return 0;
	for (i = 0; i < nitems(paths); i++)
		(void)project_map_find(pm, paths[i]);
	project_map_free(pm);
	return 0;
}

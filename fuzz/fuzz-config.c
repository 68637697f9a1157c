/*
 * fuzz-config.c: libFuzzer harness for the configuration file parsers.
 *
 * Each input is a configuration file, fttriage.conf(5).  It is loaded from
 * a temporary file twice, as the scanner reads it (its project mappings,
 * project.c) and as the daemon does (every directive, config.c), and when
 * it loads, a few log paths are looked up in it so that every stored
 * pattern and ignore glob is used once.
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
	struct config		*cfg;
	const char		*path;
	char			*cause = NULL;
	size_t			 i;

	path = fuzz_file_write(data, size);
	if ((pm = project_map_load(path, &cause)) != NULL) {
		for (i = 0; i < nitems(paths); i++)
			(void)project_map_find(pm, paths[i]);
		project_map_free(pm);
	}
	free(cause);
	cause = NULL;
	if ((cfg = config_load(path, &cause)) != NULL) {
		for (i = 0; i < nitems(paths); i++) {
			(void)config_ignored(cfg, paths[i]);
			if (cfg->projects != NULL)
				(void)project_map_find(cfg->projects,
				    paths[i]);
		}
		config_free(cfg);
	}
	free(cause);
	return 0;
}

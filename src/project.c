/*
 * project.c: which project an ingested log belongs to.
 *
 * Every source stored gets a project: the one given with --project, else
 * the first mapping in the configuration whose pattern matches the
 * source's path, else "default".  The configuration file
 * ($XDG_CONFIG_HOME/fttriage/config, ~/.config/fttriage/config, or
 * --config FILE) holds one directive a line:
 *
 *	# comment
 *	project numpy   /ci/logs/numpy-*
 *	project cpython *cpython*
 *
 * Patterns are fnmatch(3) globs matched against the path as given; a
 * pattern without a slash also matches the file's base name.  Unknown
 * directives are errors naming the file and line.
 */
#include "config.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "fttriage.h"

struct project_rule {
	char	*name;
	char	*glob;
};

struct project_map {
	struct project_rule	*rules;
	size_t			 nrules;
};

/* The default configuration path; caller frees; NULL with no home. */
static char *
project_default_path(void)
{
	const char	*env;
	char		*path;

	if ((env = getenv("XDG_CONFIG_HOME")) != NULL && *env == '/') {
		xasprintf(&path, "%s/fttriage/config", env);
		return path;
	}
	if ((env = getenv("HOME")) == NULL || *env == '\0')
		return NULL;
	xasprintf(&path, "%s/.config/fttriage/config", env);
	return path;
}

/* Split off the next blank-separated word of *p; NULL at the end. */
static char *
project_word(char **p)
{
	char	*s = *p, *w;

	s += strspn(s, " \t");
	if (*s == '\0')
		return NULL;
	w = s;
	s += strcspn(s, " \t");
	if (*s != '\0')
		*s++ = '\0';
	*p = s;
	return w;
}

static int
project_parse(struct project_map *pm, const char *path, FILE *fp,
    char **cause)
{
	char	*line = NULL, *p, *word, *name, *glob;
	size_t	 size = 0;
	ssize_t	 n;
	unsigned lineno = 0;
	int	 rv = -1;

	while ((n = getline(&line, &size, fp)) != -1) {
		lineno++;
		line[strcspn(line, "\r\n")] = '\0';
		p = line;
		if ((word = project_word(&p)) == NULL || *word == '#')
			continue;
		if (strcmp(word, "project") != 0 &&
		    config_known_directive(word))
			continue;  /* the rest of fttriage.conf(5) */
		if (strcmp(word, "project") != 0) {
			xasprintf(cause, "%s:%u: unknown directive '%s'",
			    path, lineno, word);
			goto out;
		}
		name = project_word(&p);
		glob = project_word(&p);
		if (name == NULL || glob == NULL ||
		    project_word(&p) != NULL) {
			xasprintf(cause, "%s:%u: expected 'project NAME GLOB'",
			    path, lineno);
			goto out;
		}
		pm->rules = xreallocarray(pm->rules, pm->nrules + 1,
		    sizeof *pm->rules);
		pm->rules[pm->nrules].name = xstrdup(name);
		pm->rules[pm->nrules].glob = xstrdup(glob);
		pm->nrules++;
	}
	if (ferror(fp)) {
		xasprintf(cause, "cannot read config file '%s': %s", path,
		    strerror(errno));
		goto out;
	}
	rv = 0;
out:
	free(line);
	return rv;
}

/*
 * Load the "project NAME GLOB" lines of path, or of the default
 * configuration file when path is NULL (a missing default file is an empty
 * mapping).  The caller owns the map; NULL with a cause naming file and
 * line.
 */
struct project_map *
project_map_load(const char *path, char **cause)
{
	struct project_map	*pm;
	char			*def = NULL, *why = NULL;
	FILE			*fp;

	pm = xcalloc(1, sizeof *pm);
	if (path == NULL) {
		if ((def = project_default_path()) == NULL)
			return pm;
		path = def;
	}
	if ((fp = file_open_regular(path, CONFIG_FILE_MAX, &why)) == NULL) {
		if (def != NULL && errno == ENOENT) {
			free(why);
			free(def);
			return pm;
		}
		xasprintf(cause, "cannot open config file '%s': %s", path, why);
		free(why);
		goto fail;
	}
	if (project_parse(pm, path, fp, cause) != 0) {
		fclose(fp);
		goto fail;
	}
	fclose(fp);
	free(def);
	return pm;

fail:
	free(def);
	project_map_free(pm);
	return NULL;
}

/* Free a project map; NULL does nothing. */
void
project_map_free(struct project_map *pm)
{
	size_t	i;

	if (pm == NULL)
		return;
	for (i = 0; i < pm->nrules; i++) {
		free(pm->rules[i].name);
		free(pm->rules[i].glob);
	}
	free(pm->rules);
	free(pm);
}

/*
 * The project of the first mapping whose pattern matches path, or NULL.
 * The name is owned by the map.
 */
const char *
project_map_find(const struct project_map *pm, const char *path)
{
	const struct project_rule	*pr;
	size_t				 i;

	if (pm == NULL || path == NULL)
		return NULL;
	for (i = 0; i < pm->nrules; i++) {
		pr = &pm->rules[i];
		if (fnmatch(pr->glob, path, 0) == 0)
			return pr->name;
		if (strchr(pr->glob, '/') == NULL &&
		    fnmatch(pr->glob, path_basename(path), 0) == 0)
			return pr->name;
	}
	return NULL;
}

/*
 * config.c: the configuration file, fttriage.conf(5).
 *
 * One directive a line, '#' starts a comment:
 *
 *	watch /var/log/tsan          a directory to follow
 *	project numpy /ci/numpy-*    path glob -> project (read by project.c)
 *	symbols /opt/debug           a symbol search root
 *	rules /etc/fttriage/rules.d  a rule file or directory
 *	ignore *.gz                  file names never followed
 *	store /var/lib/fttriage/db   the database
 *	idle 5                       seconds before a quiet file's open
 *	                             report is closed
 *	log-level info               error, warning, info or debug
 *
 * A directive that takes a path takes the rest of the line, so paths may
 * hold blanks.  The first bad line fails the whole load with "file:line:
 * message": a daemon never starts half-configured.  The "project" lines
 * are checked and kept by project.c, so the scanner and the watcher map
 * paths to projects the same way.
 */
#include "config.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "fttriage.h"

#define CONFIG_IDLE_MS		5000
#define CONFIG_IDLE_MAX		86400

struct config_ctx {
	struct config	*cfg;
	const char	*path;
	unsigned	 lineno;
	char		**cause;
};

static int	config_add_watch(struct config_ctx *, const char *);
static int	config_add_symbols(struct config_ctx *, const char *);
static int	config_add_rules(struct config_ctx *, const char *);
static int	config_add_ignore(struct config_ctx *, const char *);
static int	config_set_store(struct config_ctx *, const char *);
static int	config_set_idle(struct config_ctx *, const char *);
static int	config_set_level(struct config_ctx *, const char *);
static int	config_check_project(struct config_ctx *, const char *);

static const struct config_directive {
	const char	*name;
	const char	*args;      /* for the message when they are missing */
	int		(*fn)(struct config_ctx *, const char *rest);
} config_directives[] = {
	{ "watch",	"DIRECTORY",	config_add_watch },
	{ "project",	"NAME GLOB",	config_check_project },
	{ "symbols",	"DIRECTORY",	config_add_symbols },
	{ "rules",	"PATH",		config_add_rules },
	{ "ignore",	"GLOB",		config_add_ignore },
	{ "store",	"PATH",		config_set_store },
	{ "idle",	"SECONDS",	config_set_idle },
	{ "log-level",	"LEVEL",	config_set_level },
};

static int
config_error(struct config_ctx *cx, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	va_start(ap, fmt);
	xvasprintf(&msg, fmt, ap);
	va_end(ap);
	xasprintf(cx->cause, "%s:%u: %s", cx->path, cx->lineno, msg);
	free(msg);
	return -1;
}

static void
config_push(char ***list, size_t *n, const char *value)
{
	*list = xreallocarray(*list, *n + 1, sizeof **list);
	(*list)[(*n)++] = xstrdup(value);
}

static int
config_add_watch(struct config_ctx *cx, const char *rest)
{
	if (*rest != '/')
		return config_error(cx, "watch directory '%s' is not an "
		    "absolute path", rest);
	config_push(&cx->cfg->watch, &cx->cfg->nwatch, rest);
	return 0;
}

static int
config_add_symbols(struct config_ctx *cx, const char *rest)
{
	config_push(&cx->cfg->symbols, &cx->cfg->nsymbols, rest);
	return 0;
}

static int
config_add_rules(struct config_ctx *cx, const char *rest)
{
	config_push(&cx->cfg->rules, &cx->cfg->nrules, rest);
	return 0;
}

static int
config_add_ignore(struct config_ctx *cx, const char *rest)
{
	if (strpbrk(rest, " \t") != NULL)
		return config_error(cx, "expected one glob after 'ignore'");
	config_push(&cx->cfg->ignore, &cx->cfg->nignore, rest);
	return 0;
}

static int
config_set_store(struct config_ctx *cx, const char *rest)
{
	if (cx->cfg->store != NULL)
		return config_error(cx, "the store is already set to '%s'",
		    cx->cfg->store);
	cx->cfg->store = xstrdup(rest);
	return 0;
}

static int
config_set_idle(struct config_ctx *cx, const char *rest)
{
	char	*end;
	double	 v;

	errno = 0;
	v = strtod(rest, &end);
	if (errno != 0 || end == rest || *end != '\0' || !(v >= 0.1) ||
	    v > CONFIG_IDLE_MAX)
		return config_error(cx, "bad idle time '%s' (seconds, from "
		    "0.1 to %d)", rest, CONFIG_IDLE_MAX);
	cx->cfg->idle_ms = (unsigned)(v * 1000 + 0.5);
	return 0;
}

static int
config_set_level(struct config_ctx *cx, const char *rest)
{
	static const char *const names[] = {
		"error", "warning", "info", "debug"
	};
	size_t	i;

	for (i = 0; i < nitems(names); i++) {
		if (strcmp(rest, names[i]) == 0) {
			cx->cfg->log_level = (int)i;
			return 0;
		}
	}
	return config_error(cx, "bad log level '%s' (error, warning, info, "
	    "debug)", rest);
}

/* project.c reads these lines; only their shape is checked here. */
static int
config_check_project(struct config_ctx *cx, const char *rest)
{
	size_t	n = strcspn(rest, " \t");

	rest += n;
	rest += strspn(rest, " \t");
	if (n == 0 || *rest == '\0' || strpbrk(rest, " \t") != NULL)
		return config_error(cx, "expected 'project NAME GLOB'");
	return 0;
}

static int
config_line(struct config_ctx *cx, char *line)
{
	const struct config_directive	*d;
	char				*word, *rest, *end;
	size_t				 i;

	line[strcspn(line, "\r\n")] = '\0';
	word = line + strspn(line, " \t");
	if (*word == '\0' || *word == '#')
		return 0;
	rest = word + strcspn(word, " \t");
	if (*rest != '\0')
		*rest++ = '\0';
	rest += strspn(rest, " \t");
	end = rest + strlen(rest);
	while (end > rest && (end[-1] == ' ' || end[-1] == '\t'))
		*--end = '\0';
	for (i = 0; i < nitems(config_directives); i++) {
		d = &config_directives[i];
		if (strcmp(word, d->name) != 0)
			continue;
		if (*rest == '\0')
			return config_error(cx, "expected '%s %s'", d->name,
			    d->args);
		return d->fn(cx, rest);
	}
	return config_error(cx, "unknown directive '%s'", word);
}

/* $XDG_CONFIG_HOME/fttriage/config or ~/.config/fttriage/config. */
char *
config_default_path(void)
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

/* 1 if word is a directive of fttriage.conf(5), else 0. */
int
config_known_directive(const char *word)
{
	size_t	i;

	for (i = 0; i < nitems(config_directives); i++)
		if (strcmp(word, config_directives[i].name) == 0)
			return 1;
	return 0;
}

/*
 * Read a whole configuration file, all or nothing: NULL with cause
 * "file:line: message" at the first bad line.  The caller frees it.
 */
struct config *
config_load(const char *path, char **cause)
{
	struct config		*cfg;
	struct config_ctx	 cx;
	char			*def = NULL, *line = NULL;
	size_t			 size = 0;
	FILE			*fp;
	char			*why = NULL;

	cfg = xcalloc(1, sizeof *cfg);
	cfg->idle_ms = CONFIG_IDLE_MS;
	cfg->log_level = -1;
	if (path == NULL && (path = def = config_default_path()) == NULL)
		goto projects;
	if ((fp = file_open_regular(path, CONFIG_FILE_MAX, &why)) == NULL) {
		if (def != NULL && errno == ENOENT) {
			free(why);
			goto projects;
		}
		xasprintf(cause, "cannot open config file '%s': %s", path, why);
		free(why);
		goto fail;
	}
	cfg->path = xstrdup(path);
	memset(&cx, 0, sizeof cx);
	cx.cfg = cfg;
	cx.path = path;
	cx.cause = cause;
	while (getline(&line, &size, fp) != -1) {
		cx.lineno++;
		if (config_line(&cx, line) != 0) {
			fclose(fp);
			goto fail;
		}
	}
	if (ferror(fp)) {
		xasprintf(cause, "cannot read config file '%s': %s", path,
		    strerror(errno));
		fclose(fp);
		goto fail;
	}
	fclose(fp);

projects:
	if ((cfg->projects = project_map_load(cfg->path, cause)) == NULL)
		goto fail;
	free(line);
	free(def);
	return cfg;

fail:
	free(line);
	free(def);
	config_free(cfg);
	return NULL;
}

static void
config_free_list(char **list, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

/* Free a configuration; NULL is fine. */
void
config_free(struct config *cfg)
{
	if (cfg == NULL)
		return;
	config_free_list(cfg->watch, cfg->nwatch);
	config_free_list(cfg->symbols, cfg->nsymbols);
	config_free_list(cfg->rules, cfg->nrules);
	config_free_list(cfg->ignore, cfg->nignore);
	free(cfg->store);
	free(cfg->path);
	project_map_free(cfg->projects);
	free(cfg);
}

/* 1 if path's base name matches an "ignore" glob. */
int
config_ignored(const struct config *cfg, const char *path)
{
	const char	*base = path_basename(path);
	size_t		 i;

	for (i = 0; i < cfg->nignore; i++)
		if (fnmatch(cfg->ignore[i], base, 0) == 0)
			return 1;
	return 0;
}

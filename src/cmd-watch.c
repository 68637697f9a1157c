/*
 * cmd-watch.c: "fttriage watch": the daemon.
 *
 * Reads the configuration (fttriage.conf(5)) and refuses to start on a bad
 * line, opens the store, takes a lock beside it so that only one watcher
 * follows a store, and runs the watcher (watch.c) until SIGTERM or SIGINT.
 * It stays in the foreground, as systemd expects.  SIGHUP reads the
 * configuration again; a bad new one is reported and the old one kept.
 * Signals are handled only between transactions: a stop request lets the
 * current one commit, then the daemon exits 0.
 */
#include "config.h"

#include <sys/file.h>
#include <sys/resource.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fttriage.h"
#include "cmd.h"

static volatile sig_atomic_t	watch_stop;
static volatile sig_atomic_t	watch_hup;

struct watch_cmd {
	const char	*config_path;
	struct config	*config;
	struct watcher	*watcher;
	struct symbolizer *sym;
	int		 level;       /* from the command line, or -1 */
	char		**dirs;       /* from the command line */
	int		 ndirs;
};

static void
watch_signal(int sig)
{
	if (sig == SIGHUP)
		watch_hup = 1;
	else
		watch_stop = 1;
}

/*
 * Only one watcher per store: an exclusive flock on "DB.watch.lock",
 * held until exit.  The file says which process holds it.
 */
static int
watch_lock(const char *db, char **cause)
{
	char	*path, buf[32];
	ssize_t	 n;
	int	 fd;

	xasprintf(&path, "%s.watch.lock", db);
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) == -1) {
		xasprintf(cause, "cannot open lock file '%s': %s", path,
		    strerror(errno));
		free(path);
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		if (errno == EWOULDBLOCK) {
			n = pread(fd, buf, sizeof buf - 1, 0);
			buf[n > 0 ? n : 0] = '\0';
			buf[strcspn(buf, "\n")] = '\0';
			xasprintf(cause, "another watcher (pid %s) is already "
			    "following the store '%s'; not starting",
			    buf[0] != '\0' ? buf : "unknown", db);
		} else
			xasprintf(cause, "cannot lock '%s': %s", path,
			    strerror(errno));
		close(fd);
		free(path);
		return -1;
	}
	n = snprintf(buf, sizeof buf, "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) != 0 || pwrite(fd, buf, (size_t)n, 0) != n)
		log_msg(LOG_LVL_WARN, "cannot write lock file '%s'", path);
	free(path);
	return fd;  /* kept open: the lock lives as long as the process */
}

/* The symbolize stage, searching the configured symbol roots. */
static struct symbolizer *
watch_symbolizer(const struct config *cfg)
{
	struct symbolizer	*sym;
	size_t			 i;

	sym = symbolizer_new();
	for (i = 0; i < cfg->nsymbols; i++)
		symbolizer_add_root(sym, cfg->symbols[i]);
	return sym;
}

static void
watch_apply_level(struct watch_cmd *wc)
{
	if (wc->level >= 0)
		log_set_level((enum log_level)wc->level);
	else if (wc->config->log_level >= 0)
		log_set_level((enum log_level)wc->config->log_level);
	else
		log_set_level(LOG_LVL_INFO);
}

/* Every directory, from the command line and from the configuration. */
static int
watch_add_dirs(struct watch_cmd *wc, int quiet_errors)
{
	char	*cause = NULL;
	size_t	 i;
	int	 errors = 0;

	for (i = 0; i < (size_t)wc->ndirs + wc->config->nwatch; i++) {
		const char *dir = i < (size_t)wc->ndirs ? wc->dirs[i] :
		    wc->config->watch[i - (size_t)wc->ndirs];

		if (watcher_add_dir(wc->watcher, dir, &cause) != 0) {
			if (quiet_errors)
				log_msg(LOG_LVL_WARN, "%s", cause);
			else
				ft_warnx("%s", cause);
			free(cause);
			cause = NULL;
			errors++;
		}
	}
	return errors;
}

/*
 * SIGHUP: read the configuration again.  All or nothing: a bad file
 * leaves the running configuration as it was.
 */
static void
watch_reload(void *arg)
{
	struct watch_cmd	*wc = arg;
	struct config		*cfg;
	struct symbolizer	*sym;
	char			*cause = NULL;

	log_msg(LOG_LVL_INFO, "SIGHUP: reloading the configuration");
	if ((cfg = config_load(wc->config_path, &cause)) == NULL) {
		log_msg(LOG_LVL_ERROR, "reload failed, keeping the running "
		    "configuration: %s", cause);
		free(cause);
		return;
	}
	if (cfg->store != NULL && (wc->config->store == NULL ||
	    strcmp(cfg->store, wc->config->store) != 0))
		log_msg(LOG_LVL_WARN, "a new store path takes effect only "
		    "when the watcher is restarted");
	sym = watch_symbolizer(cfg);
	watcher_set_config(wc->watcher, cfg, sym);
	config_free(wc->config);
	symbolizer_free(wc->sym);
	wc->config = cfg;
	wc->sym = sym;
	watch_apply_level(wc);
	watch_add_dirs(wc, 1);
	/*
	 * Rule directories are in cfg->rules; they are loaded here (and
	 * handed to the watcher) once the rules stage is in the pipeline.
	 */
	log_msg(LOG_LVL_INFO, "configuration reloaded from '%s': %zu "
	    "watch, %zu rules, %zu symbols", cfg->path != NULL ? cfg->path :
	    "(none)", cfg->nwatch, cfg->nrules, cfg->nsymbols);
}

static const struct option watch_longopts[] = {
	{ "once",	no_argument,		NULL, '1' },
	{ "config",	required_argument,	NULL, 'c' },
	{ "db",		required_argument,	NULL, 'D' },
	{ "project",	required_argument,	NULL, 'P' },
	{ "syslog",	no_argument,		NULL, 'S' },
	{ "log-level",	required_argument,	NULL, 'L' },
	{ "help",	no_argument,		NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

static int
watch_level(const char *name)
{
	static const char *const names[] = {
		"error", "warning", "info", "debug"
	};
	size_t	i;

	for (i = 0; i < nitems(names); i++)
		if (strcmp(name, names[i]) == 0)
			return (int)i;
	return -1;
}

/*
 * fttriage watch: exits 0 after a stop signal or --once, 2 on a usage,
 * configuration or store error or when another watcher holds the store.
 */
int
cmd_watch(int argc, char **argv)
{
	struct watch_cmd	 wc;
	struct watch_opts	 wo;
	struct store		*st = NULL;
	struct sigaction	 sa;
	struct rlimit		 rl;
	sigset_t		 block, old;
	const char		*db = NULL;
	char			*cause = NULL;
	int			 ch, lock = -1, rv = EXIT_ERROR;

	memset(&wc, 0, sizeof wc);
	memset(&wo, 0, sizeof wo);
	wc.level = -1;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", watch_longopts,
	    NULL)) != -1) {
		switch (ch) {
		case '1':
			wo.once = 1;
			break;
		case 'c':
			wc.config_path = optarg;
			break;
		case 'D':
			db = optarg;
			break;
		case 'P':
			wo.project = optarg;
			break;
		case 'S':
			log_use_syslog(1);
			break;
		case 'L':
			if ((wc.level = watch_level(optarg)) == -1) {
				ft_warnx("bad --log-level '%s' (error, "
				    "warning, info, debug)", optarg);
				return EXIT_ERROR;
			}
			break;
		case 'h':
			return cmd_help(2, (char *[]){ "help", "watch", NULL });
		default:
			return EXIT_ERROR;
		}
	}
	wc.dirs = argv + optind;
	wc.ndirs = argc - optind;

	if ((wc.config = config_load(wc.config_path, &cause)) == NULL) {
		ft_warnx("%s", cause);
		free(cause);
		return EXIT_ERROR;
	}
	watch_apply_level(&wc);
	if (wc.ndirs == 0 && wc.config->nwatch == 0) {
		ft_warnx("no directory to watch (give one, or 'watch DIR' in "
		    "the configuration)");
		goto out;
	}
	if (db == NULL)
		db = wc.config->store;
	if ((st = store_open(db, &cause)) == NULL)
		goto fail;
	if ((lock = watch_lock(store_path(st), &cause)) == -1)
		goto fail;

	/* Every active log holds a descriptor: allow as many as we may. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}

	/* Signals arrive only while the watcher waits (see watcher_run). */
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGHUP);
	sigprocmask(SIG_BLOCK, &block, &old);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = watch_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigdelset(&old, SIGTERM);
	sigdelset(&old, SIGINT);
	sigdelset(&old, SIGHUP);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);

	if (store_run_begin(st, wo.once ? "fttriage watch --once" :
	    "fttriage watch", wo.project, &cause) != 0)
		goto fail;
	wo.store = st;
	wo.config = wc.config;
	wo.symbolizer = wc.sym = watch_symbolizer(wc.config);
	if ((wc.watcher = watcher_new(&wo, &cause)) == NULL)
		goto fail;
	if (watch_add_dirs(&wc, 0) == wc.ndirs + (int)wc.config->nwatch)
		goto out;  /* nothing could be watched */
	log_msg(LOG_LVL_INFO, "%s the store '%s' (pid %ld)", wo.once ?
	    "reading into" : "watching for", store_path(st), (long)getpid());
	if (watcher_run(wc.watcher, &watch_stop, &watch_hup, watch_reload,
	    &wc, &old, &cause) != 0)
		goto fail;
	if (watch_stop)
		log_msg(LOG_LVL_INFO, "stopping on a signal");
	rv = 0;
	goto out;

fail:
	ft_warnx("%s", cause);
	free(cause);
out:
	watcher_free(wc.watcher);
	if (st != NULL && store_run_end(st, &cause) != 0) {
		ft_warnx("%s", cause);
		free(cause);
		rv = EXIT_ERROR;
	}
	store_close(st);
	if (lock != -1)
		close(lock);
	config_free(wc.config);
	symbolizer_free(wc.sym);
	return rv;
}

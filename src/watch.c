/*
 * watch.c: the watcher's event loop, over inotify.
 *
 * The daemon's half of the pipeline's entrance: where "scan" reads logs it
 * is given, the watcher finds them.  Every directory under the ones
 * configured is watched, including directories created later; an event
 * naming a file marks it to be read (follow.c does the reading and the
 * storing).  Files are known by device and inode, so a file renamed in the
 * tree (rotation) is the same file under a new name, and a new file at an
 * old name is new.
 *
 * The loop blocks in ppoll() on the inotify descriptor.  Its only timer is
 * the earliest moment a quiet file must be finished (a partial last line
 * or an open report flushed) and let go; with nothing pending it sleeps
 * until an event or a signal.  Signals are let in only during that wait,
 * so a transaction is never interrupted: a stop request is honoured
 * between transactions.
 *
 * Hostile trees are expected: symbolic links are not followed into
 * directories, FIFOs and devices are refused before they can block, and a
 * directory removed under the watcher is forgotten.  Each gets one log
 * line and the daemon carries on.
 */
#include "config.h"

#include <sys/inotify.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fttriage.h"
#include "watch.h"

#define WATCH_DEPTH_MAX	32
#define WATCH_DIR_MASK	(IN_CREATE | IN_MODIFY | IN_CLOSE_WRITE | IN_ATTRIB | \
	IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE | IN_DELETE_SELF | \
	IN_MOVE_SELF | IN_ONLYDIR)

struct wdir {
	int		 wd;
	int		 depth;       /* below the directory given */
	dev_t		 dev;
	ino_t		 ino;
	int		 dropped;     /* we removed the watch */
	char		*path;
	TAILQ_ENTRY(wdir) entry;
};
TAILQ_HEAD(wdirs, wdir);

/* Files refused once (FIFOs, devices, unreadable): not logged again. */
#define WATCH_REFUSED_MAX 1024
struct watch_refused {
	dev_t	dev;
	ino_t	ino;
};

struct watcher {
	struct watch_opts	 o;
	struct watch_refused	 refused[WATCH_REFUSED_MAX];
	size_t			 nrefused;    /* entries used, a ring */
	size_t			 refused_next;
	int			 ifd;
	struct wdirs		 dirs;
	struct follows		 files;
	uint64_t		 errors;
};

/* A watcher storing into o->store; the caller keeps o's pointers alive. */
struct watcher *
watcher_new(const struct watch_opts *o, char **cause)
{
	struct watcher	*w;

	w = xcalloc(1, sizeof *w);
	w->o = *o;
	TAILQ_INIT(&w->dirs);
	TAILQ_INIT(&w->files);
	w->ifd = -1;
	if (o->once)
		return w;
	if ((w->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) == -1) {
		xasprintf(cause, "cannot start inotify: %s", strerror(errno));
		free(w);
		return NULL;
	}
	return w;
}

/* Stop watching and close every file (open turns are undone). */
void
watcher_free(struct watcher *w)
{
	struct wdir	*d;
	struct follow	*f;

	if (w == NULL)
		return;
	while ((d = TAILQ_FIRST(&w->dirs)) != NULL) {
		TAILQ_REMOVE(&w->dirs, d, entry);
		free(d->path);
		free(d);
	}
	while ((f = TAILQ_FIRST(&w->files)) != NULL) {
		TAILQ_REMOVE(&w->files, f, entry);
		follow_free(f);
	}
	if (w->ifd != -1)
		close(w->ifd);
	free(w);
}

/* Use cfg from now on (after SIGHUP); the caller frees the old one. */
void
watcher_set_config(struct watcher *w, const struct config *cfg,
    struct symbolizer *sym, struct ruleset *rs)
{
	struct follow	*f;

	w->o.config = cfg;
	w->o.symbolizer = sym;
	w->o.rules = rs;
	/* Parsers kept between turns must drop the old rules' line hook. */
	TAILQ_FOREACH(f, &w->files, entry)
		follow_set_rules(f, rs);
}

static struct wdir *
watch_dir_find(struct watcher *w, int wd)
{
	struct wdir	*d;

	TAILQ_FOREACH(d, &w->dirs, entry)
		if (d->wd == wd)
			return d;
	return NULL;
}

static struct follow *
watch_file_find(struct watcher *w, dev_t dev, ino_t ino)
{
	struct follow	*f;

	TAILQ_FOREACH(f, &w->files, entry)
		if (f->dev == dev && f->ino == ino)
			return f;
	return NULL;
}

static int	watch_turn(struct watcher *, struct follow *, uint64_t);
static uint64_t	watch_due(struct watcher *, const struct follow *);

/*
 * A name in a watched directory may be a log: follow it.  A file quiet
 * for longer than the idle time (an old log found at start, or with
 * --once) is read to its end and let go at once, so thousands of old logs
 * never hold thousands of descriptors.
 */
static void
watch_file(struct watcher *w, const char *path, uint32_t mask)
{
	struct follow	*f;
	struct stat	 sb;
	char		*cause = NULL;
	uint64_t	 now;
	int64_t		 quiet;
	size_t		 i;

	if (config_ignored(w->o.config, path))
		return;
	if (stat(path, &sb) != 0) {
		if (errno != ENOENT) {
			log_msg(LOG_LVL_WARN, "cannot follow '%s': %s", path,
			    strerror(errno));
			return;
		}
		/* Deleted but still written: read through our descriptor. */
		TAILQ_FOREACH(f, &w->files, entry) {
			if (strcmp(f->path, path) == 0) {
				f->dirty = 1;
				f->closed = (mask & IN_CLOSE_WRITE) != 0;
			}
		}
		return;
	}
	if ((f = watch_file_find(w, sb.st_dev, sb.st_ino)) != NULL) {
		if (strcmp(f->path, path) != 0) {
			log_msg(LOG_LVL_INFO, "'%s' was renamed to '%s'",
			    f->path, path);
			free(f->path);
			f->path = xstrdup(path);
		}
		f->dirty = 1;
		if (mask & IN_CLOSE_WRITE)
			f->closed = 1;
		else if (mask & IN_MODIFY)
			f->closed = 0;
		return;
	}
	for (i = 0; i < w->nrefused; i++) {
		if (w->refused[i].dev != sb.st_dev ||
		    w->refused[i].ino != sb.st_ino)
			continue;
		if (!(mask & IN_ATTRIB))
			return;
		/* Its mode changed: it may be readable now. */
		w->refused[i].dev = 0;
		w->refused[i].ino = 0;
	}
	if ((f = follow_open(path, &cause)) == NULL) {
		log_msg(LOG_LVL_WARN, "%s", cause);
		free(cause);
		w->refused[w->refused_next].dev = sb.st_dev;
		w->refused[w->refused_next].ino = sb.st_ino;
		w->refused_next = (w->refused_next + 1) % WATCH_REFUSED_MAX;
		if (w->nrefused < WATCH_REFUSED_MAX)
			w->nrefused++;
		return;
	}
	log_msg(LOG_LVL_DEBUG, "following '%s'", path);
	TAILQ_INSERT_TAIL(&w->files, f, entry);
	now = follow_now_ms();
	quiet = (int64_t)time(NULL) - (int64_t)sb.st_mtime;
	if (quiet > 0 && (uint64_t)quiet * 1000 > w->o.config->idle_ms)
		f->changed_ms = (uint64_t)quiet * 1000 < now ?
		    now - (uint64_t)quiet * 1000 : 0;
	if (w->o.once || now >= watch_due(w, f))
		watch_turn(w, f, now);  /* a big one goes on in the loop */
}

static int	watch_dir(struct watcher *, const char *, int, char **);

/* Stop watching a directory and everything below it. */
static void
watch_dir_drop(struct watcher *w, const char *top)
{
	struct wdir	*d;
	size_t		 n = strlen(top);

	TAILQ_FOREACH(d, &w->dirs, entry) {
		if (d->dropped || strncmp(d->path, top, n) != 0 ||
		    (d->path[n] != '\0' && d->path[n] != '/'))
			continue;
		d->dropped = 1;
		inotify_rm_watch(w->ifd, d->wd);
	}
}

/* A watched directory was renamed within the tree: rename it and below. */
static void
watch_dir_moved(struct watcher *w, const char *from, const char *to)
{
	struct wdir	*d;
	size_t		 n = strlen(from);
	char		*path, *old;

	/* 'from' may be a watched directory's own path, replaced below. */
	old = xstrdup(from);
	from = old;
	log_msg(LOG_LVL_INFO, "directory '%s' was renamed to '%s'", from, to);
	TAILQ_FOREACH(d, &w->dirs, entry) {
		if (strncmp(d->path, from, n) != 0 ||
		    (d->path[n] != '\0' && d->path[n] != '/'))
			continue;
		xasprintf(&path, "%s%s", to, d->path + n);
		free(d->path);
		d->path = path;
	}
	free(old);
}

/* Look at everything in a directory: files to follow, directories to add. */
static void
watch_dir_scan(struct watcher *w, const char *dir, int depth)
{
	struct dirent	*de;
	struct stat	 sb;
	DIR		*dp;
	char		*path, *cause = NULL;

	if ((dp = opendir(dir)) == NULL) {
		log_msg(LOG_LVL_WARN, "cannot read directory '%s': %s", dir,
		    strerror(errno));
		return;
	}
	while ((de = readdir(dp)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		xasprintf(&path, "%s/%s", dir, de->d_name);
		if (lstat(path, &sb) != 0)
			;  /* gone already */
		else if (S_ISDIR(sb.st_mode)) {
			if (watch_dir(w, path, depth + 1, &cause) != 0) {
				log_msg(LOG_LVL_WARN, "%s", cause);
				free(cause);
				cause = NULL;
			}
		} else if (S_ISLNK(sb.st_mode) && stat(path, &sb) == 0 &&
		    S_ISDIR(sb.st_mode))
			log_msg(LOG_LVL_INFO, "'%s' is a symbolic link to a "
			    "directory; not followed", path);
		else
			watch_file(w, path, 0);
		free(path);
	}
	closedir(dp);
}

/* Watch a directory and, below it, every directory and file. */
static int
watch_dir(struct watcher *w, const char *dir, int depth, char **cause)
{
	struct wdir	*d;
	struct stat	 sb;
	int		 wd = -1;

	if (depth > WATCH_DEPTH_MAX) {
		xasprintf(cause, "'%s' is nested more than %d directories "
		    "deep; not followed", dir, WATCH_DEPTH_MAX);
		return -1;
	}
	if (w->ifd != -1) {
		wd = inotify_add_watch(w->ifd, dir, WATCH_DIR_MASK |
		    (depth > 0 ? IN_DONT_FOLLOW : 0));
		if (wd == -1) {
			xasprintf(cause, "cannot watch directory '%s': %s",
			    dir, errno == ENOSPC ? "the inotify watch limit "
			    "(fs.inotify.max_user_watches) is reached" :
			    strerror(errno));
			return -1;
		}
		if ((d = watch_dir_find(w, wd)) != NULL) {
			/* Links are not followed: a new name is a move. */
			if (strcmp(d->path, dir) != 0)
				watch_dir_moved(w, d->path, dir);
			watch_dir_scan(w, dir, depth);
			return 0;
		}
		d = xcalloc(1, sizeof *d);
		d->wd = wd;
		d->depth = depth;
		if (stat(dir, &sb) == 0) {
			d->dev = sb.st_dev;
			d->ino = sb.st_ino;
		}
		d->path = xstrdup(dir);
		TAILQ_INSERT_TAIL(&w->dirs, d, entry);
		log_msg(LOG_LVL_INFO, "watching directory '%s'", dir);
	}
	/* After the watch exists, so nothing created meanwhile is missed. */
	watch_dir_scan(w, dir, depth);
	return 0;
}

/* Watch dir (made absolute) and what is below it; 0, or -1 with cause. */
int
watcher_add_dir(struct watcher *w, const char *dir, char **cause)
{
	struct stat	 sb;
	char		*real;
	int		 rv;

	/* Absolute names: they are stored, and project globs match them. */
	if ((real = realpath(dir, NULL)) == NULL || stat(real, &sb) != 0) {
		xasprintf(cause, "cannot watch '%s': %s", dir,
		    strerror(errno));
		free(real);
		return -1;
	}
	if (!S_ISDIR(sb.st_mode)) {
		xasprintf(cause, "cannot watch '%s': not a directory", dir);
		free(real);
		return -1;
	}
	rv = watch_dir(w, real, 0, cause);
	free(real);
	return rv;
}

/* A deleted file's inode may come back as another file: forget it. */
static void
watch_forget(struct watcher *w, const char *path, dev_t dev, ino_t ino)
{
	char	*cause = NULL;

	if (store_source_forget(w->o.store, path, dev, ino, &cause) != 0) {
		log_msg(LOG_LVL_WARN, "%s", cause);
		free(cause);
	}
}

/* A name was removed: a file we follow and nobody else holds is done. */
static void
watch_deleted(struct watcher *w, const char *path)
{
	struct follow	*f, *next;
	struct stat	 sb;
	int		 held = 0;

	TAILQ_FOREACH_SAFE(f, &w->files, entry, next) {
		if (strcmp(f->path, path) != 0)
			continue;
		held = 1;
		if (fstat(f->fd, &sb) == 0 && sb.st_nlink > 0)
			continue;  /* another name still holds it */
		log_msg(LOG_LVL_INFO, "'%s' was deleted; reading it until "
		    "it is quiet", path);
		f->dirty = 1;
		f->closed = 1;  /* let go soon after its writer stops */
	}
	if (!held)
		watch_forget(w, path, 0, 0);
}

static void
watch_event(struct watcher *w, const struct inotify_event *ev)
{
	struct wdir	*d;
	struct stat	 sb;
	char		*path, *cause = NULL;

	if (ev->mask & IN_Q_OVERFLOW) {
		log_msg(LOG_LVL_WARN, "inotify queue overflowed; looking at "
		    "every directory again");
		TAILQ_FOREACH(d, &w->dirs, entry)
			watch_dir_scan(w, d->path, d->depth);
		return;
	}
	if ((d = watch_dir_find(w, ev->wd)) == NULL)
		return;
	if (ev->mask & IN_IGNORED) {
		if (!d->dropped)
			log_msg(LOG_LVL_WARN, "directory '%s' was removed or "
			    "unmounted; no longer watched", d->path);
		TAILQ_REMOVE(&w->dirs, d, entry);
		free(d->path);
		free(d);
		return;
	}
	if (ev->mask & IN_MOVE_SELF) {
		/* Renamed within the tree, its name was updated already. */
		if (stat(d->path, &sb) == 0 && sb.st_dev == d->dev &&
		    sb.st_ino == d->ino)
			return;
		log_msg(LOG_LVL_WARN, "directory '%s' was moved out of the "
		    "watched tree; no longer watched", d->path);
		watch_dir_drop(w, d->path);
		return;
	}
	if (ev->len == 0)
		return;
	xasprintf(&path, "%s/%s", d->path, ev->name);
	if (ev->mask & IN_ISDIR) {
		if ((ev->mask & (IN_CREATE | IN_MOVED_TO)) &&
		    watch_dir(w, path, d->depth + 1, &cause) != 0) {
			log_msg(LOG_LVL_WARN, "%s", cause);
			free(cause);
		}
	} else if (ev->mask & IN_DELETE)
		watch_deleted(w, path);
	else if (ev->mask & (IN_CREATE | IN_MODIFY | IN_CLOSE_WRITE |
	    IN_MOVED_TO | IN_ATTRIB))
		watch_file(w, path, ev->mask);
	free(path);
}

/* Drain the inotify descriptor. */
static int
watch_events(struct watcher *w, char **cause)
{
	char				 buf[64 * 1024]
	    __attribute__((aligned(__alignof__(struct inotify_event))));
	const struct inotify_event	*ev;
	ssize_t				 n;
	char				*p;

	for (;;) {
		n = read(w->ifd, buf, sizeof buf);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN)
			return 0;
		if (n <= 0) {
			xasprintf(cause, "cannot read inotify events: %s",
			    n == 0 ? "end of file" : strerror(errno));
			return -1;
		}
		for (p = buf; p < buf + n; p += sizeof *ev + ev->len) {
			ev = (const struct inotify_event *)p;
			watch_event(w, ev);
		}
	}
}

/* When a quiet file is finished: sooner once its writer closed it. */
static uint64_t
watch_due(struct watcher *w, const struct follow *f)
{
	unsigned	ms = w->o.config->idle_ms;

	if (f->closed && ms > FOLLOW_CLOSED_MS)
		ms = FOLLOW_CLOSED_MS;
	return f->changed_ms + ms;
}

/* The project of a file: --project, else the configured mapping. */
static const char *
watch_project(struct watcher *w, const char *path)
{
	if (w->o.project != NULL)
		return w->o.project;
	return project_map_find(w->o.config->projects, path);
}

/*
 * One turn of one file.  A quiet file is finished and let go (it is
 * opened again if it grows); one that is gone is let go too.  Returns 1
 * if the file has more to read now.
 */
static int
watch_turn(struct watcher *w, struct follow *f, uint64_t now)
{
	struct stat	 sb;
	char		*cause = NULL;
	int	 rc, finish;

	finish = w->o.once || now >= watch_due(w, f);
	f->sym = w->o.symbolizer;
	follow_set_rules(f, w->o.rules);
	rc = follow_read(f, w->o.store, watch_project(w, f->path), finish,
	    &cause);
	if (rc == -1) {
		log_msg(LOG_LVL_ERROR, "%s", cause);
		free(cause);
		w->errors++;
		f->dirty = 1;
		if (w->o.once) {
			TAILQ_REMOVE(&w->files, f, entry);
			follow_free(f);
		}
		return 0;
	}
	f->dirty = rc;
	if (rc == 0 && finish && !follow_pending(f)) {
		log_msg(LOG_LVL_DEBUG, "'%s' is quiet; let go", f->path);
		if (fstat(f->fd, &sb) == 0 && sb.st_nlink == 0)
			watch_forget(w, NULL, f->dev, f->ino);
		TAILQ_REMOVE(&w->files, f, entry);
		follow_free(f);
	}
	return rc;
}

/* Read every file an event touched; returns 1 if some have more. */
static int
watch_turns(struct watcher *w, volatile sig_atomic_t *stop)
{
	struct follow	*f, *next;
	uint64_t	 now = follow_now_ms();
	int		 more = 0;

	TAILQ_FOREACH_SAFE(f, &w->files, entry, next) {
		if (*stop)
			break;
		if (f->dirty || now >= watch_due(w, f))
			more |= watch_turn(w, f, now);
	}
	return more;
}

/* Milliseconds until the first quiet file must be finished, or -1. */
static int
watch_timeout(struct watcher *w)
{
	struct follow	*f;
	uint64_t	 now = follow_now_ms(), due, first = UINT64_MAX;

	TAILQ_FOREACH(f, &w->files, entry) {
		due = watch_due(w, f);
		if (due < first)
			first = due;
	}
	if (first == UINT64_MAX)
		return -1;
	if (first <= now)
		return 0;
	return first - now > INT_MAX ? INT_MAX : (int)(first - now);
}

/* The event loop; see fttriage.h. */
int
watcher_run(struct watcher *w, volatile sig_atomic_t *stop,
    volatile sig_atomic_t *hup, void (*reload)(void *), void *arg,
    const sigset_t *unblock, char **cause)
{
	struct pollfd	 pfd;
	struct timespec	 ts, *tsp;
	int		 more = 0, ms, n;

	if (w->o.once) {
		memset(&ts, 0, sizeof ts);
		while (!*stop && !TAILQ_EMPTY(&w->files)) {
			watch_turns(w, stop);
			ppoll(NULL, 0, &ts, unblock);  /* take a stop request */
		}
		return 0;
	}
	pfd.fd = w->ifd;
	pfd.events = POLLIN;
	while (!*stop) {
		if (*hup) {
			*hup = 0;
			reload(arg);
		}
		ms = more ? 0 : watch_timeout(w);
		if (ms < 0)
			tsp = NULL;
		else {
			ts.tv_sec = ms / 1000;
			ts.tv_nsec = (long)(ms % 1000) * 1000000;
			tsp = &ts;
		}
		n = ppoll(&pfd, 1, tsp, unblock);
		if (n == -1 && errno != EINTR) {
			xasprintf(cause, "cannot wait for events: %s",
			    strerror(errno));
			return -1;
		}
		if (*stop)
			break;
		if (n > 0 && watch_events(w, cause) != 0)
			return -1;
		more = watch_turns(w, stop);
	}
	return 0;
}

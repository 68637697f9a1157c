/*
 * symbolize.c: the symbolize stage, frames printed as (module+0xoffset)
 * turned into functions, source lines and inline chains.
 *
 * A symbolizer finds and keeps modules.  A frame's module is found, in
 * order, by the full path the report printed (the frame's own, or the path
 * of the SUMMARY line when the basenames agree), by the path itself when it
 * is one, by basename among the modules already opened under a full path,
 * among the files under the --symbols roots (indexed once, on first need),
 * and by the printed build-id in the .build-id trees
 * of the debug directories.  A file whose build-id differs from the printed
 * one is never used.  Each module is opened once: its separate debug file
 * is looked for by build-id, then by .gnu_debuglink (checked by build-id or
 * CRC), and its DWARF is indexed lazily by dwarf.c.  A module that cannot
 * be used is reported once and remembered as such.
 *
 * Answers follow llvm-symbolizer --inlining: the DWARF inline chain, the
 * outermost frame named from the symbol table when a symbol covers the
 * address.  Sanitizer offsets already point into the call instruction;
 * return addresses (gdb, faulthandler, lldb) are moved back one byte first.
 * A frame with an inline chain becomes several frames, innermost first, all
 * but the last marked inlined, all keeping the printed index.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fttriage.h"
#include "symbolize.h"

#define ROOT_DEPTH_MAX	24		/* directory levels under a root */
#define ROOT_FILES_MAX	500000		/* files indexed over all roots */
#define RESOLVED_MAX	4096		/* remembered module resolutions */
#define RESOLVED_SLOTS	8192		/* their hash table, twice as large */
#define MODULES_MAX	1024		/* module files opened, at most */

struct module {
	char		*path;		/* as opened */
	struct elfobj	*eo;		/* the module itself, or NULL */
	struct elfobj	*deo;		/* its separate debug file, or NULL */
	struct dbginfo	*di;		/* DWARF of deo or eo, or NULL */
	char		*error;		/* why it cannot be used, or NULL */
	int		 dwarf_warned;
	int		 id_warned;
};

struct indexed {
	const char	*base;		/* inside path */
	char		*path;
};

/* One remembered answer to "which module is this?" */
struct resolved {
	uint32_t	 hash;
	int		 used;
	char		*name;
	char		*hint;
	char		*build_id;
	struct module	*mod;		/* NULL: not found */
};

struct symbolizer {
	char		**roots;
	size_t		 nroots;
	char		**debug_dirs;
	size_t		 ndebug_dirs;

	int		 indexed;
	struct indexed	*index;
	size_t		 nindex, capindex;

	struct module	**mods;
	size_t		 nmods;
	int		 full_warned;
	struct resolved	*res;		/* RESOLVED_SLOTS, open addressing */
	size_t		 nres;
};

/* A new symbolizer with no roots; /usr/lib/debug is always searched. */
struct symbolizer *
symbolizer_new(void)
{
	return xcalloc(1, sizeof(struct symbolizer));
}

static void
module_free(struct module *m)
{
	if (m == NULL)
		return;
	dbginfo_free(m->di);
	elfobj_free(m->deo);
	elfobj_free(m->eo);
	free(m->path);
	free(m->error);
	free(m);
}

/* Free a symbolizer and every module it opened; NULL does nothing. */
void
symbolizer_free(struct symbolizer *sym)
{
	size_t	i;

	if (sym == NULL)
		return;
	for (i = 0; i < sym->nroots; i++)
		free(sym->roots[i]);
	free(sym->roots);
	for (i = 0; i < sym->ndebug_dirs; i++)
		free(sym->debug_dirs[i]);
	free(sym->debug_dirs);
	for (i = 0; i < sym->nindex; i++)
		free(sym->index[i].path);
	free(sym->index);
	for (i = 0; i < sym->nmods; i++)
		module_free(sym->mods[i]);
	free(sym->mods);
	for (i = 0; sym->res != NULL && i < RESOLVED_SLOTS; i++) {
		free(sym->res[i].name);
		free(sym->res[i].hint);
		free(sym->res[i].build_id);
	}
	free(sym->res);
	free(sym);
}

/* Add a directory searched for modules by basename (--symbols). */
void
symbolizer_add_root(struct symbolizer *sym, const char *dir)
{
	sym->roots = xreallocarray(sym->roots, sym->nroots + 1,
	    sizeof *sym->roots);
	sym->roots[sym->nroots++] = xstrdup(dir);
	sym->indexed = 0;
}

/* Add a directory searched for debug files like /usr/lib/debug. */
void
symbolizer_add_debug_dir(struct symbolizer *sym, const char *dir)
{
	sym->debug_dirs = xreallocarray(sym->debug_dirs,
	    sym->ndebug_dirs + 1, sizeof *sym->debug_dirs);
	sym->debug_dirs[sym->ndebug_dirs++] = xstrdup(dir);
}

/* ---- the index of the roots ---------------------------------------------- */

static int
indexed_cmp(const void *a, const void *b)
{
	const struct indexed *x = a, *y = b;
	int	c;

	if ((c = strcmp(x->base, y->base)) != 0)
		return c;
	return strcmp(x->path, y->path);
}

/* Whether a file under a root may be a module worth remembering. */
static int
index_wants(const char *name, const struct stat *st)
{
	size_t	len = strlen(name);

	if (!S_ISREG(st->st_mode))
		return 0;
	if (st->st_mode & 0111)
		return 1;
	if (strstr(name, ".so") != NULL)
		return 1;
	return len > 6 && strcmp(name + len - 6, ".debug") == 0;
}

static void
index_dir(struct symbolizer *sym, const char *dir, int depth)
{
	DIR		*d;
	struct dirent	*de;
	struct stat	 st;
	char		*p;
	struct indexed	*ix;

	if (depth > ROOT_DEPTH_MAX || (d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL && sym->nindex < ROOT_FILES_MAX) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		xasprintf(&p, "%s/%s", dir, de->d_name);
		/* Directories are entered only when they are not links. */
		if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
			index_dir(sym, p, depth + 1);
			free(p);
			continue;
		}
		if (stat(p, &st) != 0 || !index_wants(de->d_name, &st)) {
			free(p);
			continue;
		}
		if (sym->nindex == sym->capindex) {
			sym->capindex = sym->capindex ? sym->capindex * 2 : 256;
			sym->index = xreallocarray(sym->index, sym->capindex,
			    sizeof *sym->index);
		}
		ix = &sym->index[sym->nindex++];
		ix->path = p;
		ix->base = path_basename(p);
	}
	closedir(d);
}

static void
index_roots(struct symbolizer *sym)
{
	size_t	i;

	if (sym->indexed)
		return;
	for (i = 0; i < sym->nindex; i++)
		free(sym->index[i].path);
	sym->nindex = 0;
	for (i = 0; i < sym->nroots; i++)
		index_dir(sym, sym->roots[i], 0);
	if (sym->nindex >= ROOT_FILES_MAX)
		log_msg(LOG_LVL_WARN, "symbol roots hold more than %d files; "
		    "the rest are not searched", ROOT_FILES_MAX);
	if (sym->nindex > 1)	/* qsort(NULL, 0) is undefined */
		qsort(sym->index, sym->nindex, sizeof *sym->index, indexed_cmp);
	sym->indexed = 1;
}

/* The first index entry for a basename, or nindex. */
static size_t
index_find(struct symbolizer *sym, const char *base)
{
	size_t	lo = 0, hi = sym->nindex, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (strcmp(sym->index[mid].base, base) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* ---- modules ------------------------------------------------------------ */

/* Open a candidate debug file; keep it if it belongs to eo. */
static struct elfobj *
debug_try(const char *path, const char *build_id, uint32_t crc, int use_crc)
{
	struct elfobj	*deo;
	const char	*id;
	char		*cause = NULL;
	uint32_t	 got;
	struct stat	 st;

	if (stat(path, &st) != 0)
		return NULL;
	if ((deo = elfobj_open(path, &cause)) == NULL) {
		log_msg(LOG_LVL_DEBUG, "%s", cause);
		free(cause);
		return NULL;
	}
	id = elfobj_build_id(deo);
	if (build_id != NULL && id != NULL) {
		if (strcmp(build_id, id) == 0)
			return deo;
	} else if (use_crc && elfobj_crc32(deo, &got, &cause) == 0 &&
	    got == crc)
		return deo;
	else if (!use_crc && build_id == NULL)
		return deo;
	free(cause);
	elfobj_free(deo);
	return NULL;
}

static struct elfobj *
debug_by_build_id(struct symbolizer *sym, const char *build_id)
{
	struct elfobj	*deo = NULL;
	char		*p;
	size_t		 i;

	if (build_id == NULL || strlen(build_id) < 4)
		return NULL;
	for (i = 0; i <= sym->ndebug_dirs && deo == NULL; i++) {
		xasprintf(&p, "%s/.build-id/%.2s/%s.debug",
		    i < sym->ndebug_dirs ? sym->debug_dirs[i] : "/usr/lib/debug",
		    build_id, build_id + 2);
		deo = debug_try(p, build_id, 0, 0);
		free(p);
	}
	return deo;
}

static struct elfobj *
debug_by_link(struct symbolizer *sym, struct elfobj *eo)
{
	struct elfobj	*deo = NULL;
	const char	*link, *id = elfobj_build_id(eo);
	char		*dir, *p, *slash;
	uint32_t	 crc;
	size_t		 i, k;

	if ((link = elfobj_debuglink(eo, &crc)) == NULL ||
	    strchr(link, '/') != NULL)
		return NULL;
	dir = xstrdup(elfobj_path(eo));
	if ((slash = strrchr(dir, '/')) != NULL)
		*slash = '\0';
	else {
		free(dir);
		dir = xstrdup(".");
	}
	for (k = 0; k < 3 + sym->ndebug_dirs * 2 && deo == NULL; k++) {
		i = (k - 3) / 2;
		if (k == 0)
			xasprintf(&p, "%s/%s", dir, link);
		else if (k == 1)
			xasprintf(&p, "%s/.debug/%s", dir, link);
		else if (k == 2)
			xasprintf(&p, "/usr/lib/debug%s%s/%s",
			    dir[0] == '/' ? "" : "/", dir, link);
		else if ((k - 3) % 2 == 0)
			xasprintf(&p, "%s%s%s/%s", sym->debug_dirs[i],
			    dir[0] == '/' ? "" : "/", dir, link);
		else
			xasprintf(&p, "%s/%s", sym->debug_dirs[i], link);
		if (strcmp(p, elfobj_path(eo)) != 0)
			deo = debug_try(p, id, crc, 1);
		free(p);
	}
	free(dir);
	return deo;
}

/*
 * Open a module from its path, with its debug file if there is one.
 * Returns NULL when MODULES_MAX files have been tried already.
 */
static struct module *
module_open(struct symbolizer *sym, const char *path)
{
	struct module	*m;
	struct stat	 st;
	char		*cause = NULL;
	size_t		 i;

	for (i = 0; i < sym->nmods; i++)
		if (strcmp(sym->mods[i]->path, path) == 0)
			return sym->mods[i];
	if (sym->nmods >= MODULES_MAX) {
		if (!sym->full_warned)
			log_msg(LOG_LVL_WARN, "more than %d module files named; "
			    "the others are not opened", MODULES_MAX);
		sym->full_warned = 1;
		return NULL;
	}
	m = xcalloc(1, sizeof *m);
	m->path = xstrdup(path);
	sym->mods = xreallocarray(sym->mods, sym->nmods + 1,
	    sizeof *sym->mods);
	sym->mods[sym->nmods++] = m;

	/* A log from another machine names files this one lacks. */
	if (stat(path, &st) != 0 && errno == ENOENT) {
		xasprintf(&m->error, "cannot open module '%s': %s", path,
		    strerror(ENOENT));
		log_msg(LOG_LVL_INFO, "%s", m->error);
		return m;
	}
	if ((m->eo = elfobj_open(path, &cause)) == NULL) {
		m->error = cause;
		log_msg(LOG_LVL_WARN, "%s", cause);
		return m;
	}
	m->deo = debug_by_build_id(sym, elfobj_build_id(m->eo));
	if (m->deo == NULL)
		m->deo = debug_by_link(sym, m->eo);
	m->di = dbginfo_open(m->deo != NULL ? m->deo : m->eo, &cause);
	if (m->di == NULL && cause != NULL) {
		log_msg(LOG_LVL_WARN, "%s", cause);
		free(cause);
	}
	return m;
}

/* A module known only by a debug file found through its build-id. */
static struct module *
module_open_debug(struct symbolizer *sym, const char *build_id)
{
	struct module	*m;
	struct elfobj	*deo;
	char		*cause = NULL;
	size_t		 i;

	if (sym->nmods >= MODULES_MAX ||
	    (deo = debug_by_build_id(sym, build_id)) == NULL)
		return NULL;
	for (i = 0; i < sym->nmods; i++)
		if (strcmp(sym->mods[i]->path, elfobj_path(deo)) == 0) {
			elfobj_free(deo);
			return sym->mods[i];
		}
	m = xcalloc(1, sizeof *m);
	m->path = xstrdup(elfobj_path(deo));
	m->deo = deo;
	sym->mods = xreallocarray(sym->mods, sym->nmods + 1,
	    sizeof *sym->mods);
	sym->mods[sym->nmods++] = m;
	m->di = dbginfo_open(deo, &cause);
	if (m->di == NULL && cause != NULL) {
		log_msg(LOG_LVL_WARN, "%s", cause);
		free(cause);
	}
	return m;
}

/* Whether a module can answer for a frame that printed build_id. */
static int
module_fits(struct module *m, const char *build_id, struct module **other)
{
	const char	*id;

	if (m == NULL || m->error != NULL)
		return 0;
	if (build_id == NULL)
		return 1;
	id = elfobj_build_id(m->eo != NULL ? m->eo : m->deo);
	if (id != NULL && strcmp(id, build_id) != 0) {
		*other = m;
		return 0;
	}
	return 1;
}

/* FNV-1a over the three strings, NULL and "" told apart. */
static uint32_t
resolved_hash(const char *a, const char *b, const char *c)
{
	const char	*v[3] = { a, b, c }, *p;
	uint32_t	 h = 2166136261u;
	int		 i;

	for (i = 0; i < 3; i++) {
		h = (h ^ (v[i] == NULL ? 0x5a : 0xa5)) * 16777619u;
		for (p = v[i]; p != NULL && *p != '\0'; p++)
			h = (h ^ (unsigned char)*p) * 16777619u;
	}
	return h;
}

static int
str_eq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/* Find the module for a printed name, path hint and build-id. */
static struct module *
module_find(struct symbolizer *sym, const char *name, const char *hint,
    const char *build_id)
{
	struct module	*m = NULL, *c, *other = NULL;
	struct resolved	*r;
	const char	*base;
	size_t		 i, slot;
	uint32_t	 h;

	h = resolved_hash(name, hint, build_id);
	if (sym->res == NULL)
		sym->res = xcalloc(RESOLVED_SLOTS, sizeof *sym->res);
	for (i = h & (RESOLVED_SLOTS - 1); sym->res[i].used;
	    i = (i + 1) & (RESOLVED_SLOTS - 1)) {
		r = &sym->res[i];
		if (r->hash == h && str_eq(r->name, name) &&
		    str_eq(r->hint, hint) && str_eq(r->build_id, build_id))
			return r->mod;
	}
	slot = i;
	if (hint != NULL && hint[0] == '/' &&
	    module_fits(c = module_open(sym, hint), build_id, &other))
		m = c;
	if (m == NULL && name != NULL && name[0] == '/' &&
	    module_fits(c = module_open(sym, name), build_id, &other))
		m = c;
	/* A module met under its full path earlier in the log. */
	if (m == NULL && name != NULL && name[0] != '/') {
		base = path_basename(name);
		for (i = 0; m == NULL && i < sym->nmods; i++) {
			c = sym->mods[i];
			if (c->eo != NULL &&
			    strcmp(path_basename(c->path), base) == 0 &&
			    module_fits(c, build_id, &other))
				m = c;
		}
	}
	if (m == NULL && name != NULL && sym->nroots > 0) {
		index_roots(sym);
		base = path_basename(name);
		for (i = index_find(sym, base); m == NULL && i < sym->nindex &&
		    strcmp(sym->index[i].base, base) == 0; i++)
			if (module_fits(c = module_open(sym,
			    sym->index[i].path), build_id, &other))
				m = c;
	}
	if (m == NULL && build_id != NULL)
		m = module_open_debug(sym, build_id);
	if (m == NULL && other != NULL && !other->id_warned) {
		log_msg(LOG_LVL_INFO, "'%s' not used: its build-id is %s, the "
		    "log's is %s", other->path, elfobj_build_id(other->eo !=
		    NULL ? other->eo : other->deo), build_id);
		other->id_warned = 1;
	}
	if (sym->nres < RESOLVED_MAX) {
		sym->nres++;
		r = &sym->res[slot];
		r->used = 1;
		r->hash = h;
		r->name = name != NULL ? xstrdup(name) : NULL;
		r->hint = hint != NULL ? xstrdup(hint) : NULL;
		r->build_id = build_id != NULL ? xstrdup(build_id) : NULL;
		r->mod = m;
	}
	return m;
}

/* Answer one address in a module, as llvm-symbolizer --inlining would. */
static void
module_answer(struct module *m, uint64_t addr, struct sym_answer *ans)
{
	const char	*name = NULL, *file = NULL;
	struct sym_frame *outer;
	char		*cause = NULL;

	ans->nframes = 0;
	if (m->di != NULL && dbginfo_lookup(m->di, addr, ans, &cause) != 0) {
		if (!m->dwarf_warned)
			log_msg(LOG_LVL_WARN, "%s", cause);
		m->dwarf_warned = 1;
		free(cause);
		ans->nframes = 0;
	}
	if (ans->nframes == 0) {
		memset(&ans->frames[0], 0, sizeof ans->frames[0]);
		ans->nframes = 1;
	}
	/* The symbol table names the outermost frame, as in LLVM. */
	if (m->eo != NULL)
		name = elfobj_symbol(m->eo, addr, &file);
	else if (m->deo != NULL)
		name = elfobj_symbol(m->deo, addr, &file);
	outer = &ans->frames[ans->nframes - 1];
	if (name != NULL) {
		outer->function = name;
		/* A local symbol's STT_FILE stands in for a missing file. */
		if (outer->file == NULL && file != NULL)
			outer->file = file;
	}
}

/*
 * Answer addr in the module at path (the batch mode).  Returns 0, or -1
 * with *cause set when the module cannot be used; ans always holds at
 * least one (possibly empty) frame.
 */
int
symbolizer_lookup_path(struct symbolizer *sym, const char *path,
    uint64_t addr, struct sym_answer *ans, char **cause)
{
	struct module	*m = module_open(sym, path);

	ans->nframes = 1;
	memset(&ans->frames[0], 0, sizeof ans->frames[0]);
	if (m == NULL) {
		*cause = xstrdup("too many module files");
		return -1;
	}
	if (m->error != NULL) {
		*cause = xstrdup(m->error);
		return -1;
	}
	module_answer(m, addr, ans);
	return 0;
}

/*
 * Answer addr in the module printed as name (a basename or a path), with an
 * optional full path hint and build-id.  Returns 0 with ans filled, or -1
 * when no usable module was found.
 */
int
symbolizer_lookup(struct symbolizer *sym, const char *name, const char *hint,
    const char *build_id, uint64_t addr, struct sym_answer *ans)
{
	struct module	*m;

	if ((m = module_find(sym, name, hint, build_id)) == NULL)
		return -1;
	module_answer(m, addr, ans);
	return 0;
}

/* The path the module for a name resolved to, or NULL. */
static const char *
symbolizer_path(struct symbolizer *sym, const char *name, const char *hint,
    const char *build_id)
{
	struct module	*m = module_find(sym, name, hint, build_id);

	if (m == NULL || m->eo == NULL)
		return NULL;
	return m->path;
}

/* ---- reports --------------------------------------------------------------- */

static char *
dup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

static void
frame_set_answer(struct frame *f, const struct sym_frame *a, int keep_name)
{
	if (!keep_name || f->function == NULL) {
		free(f->function);
		f->function = dup_or_null(a->function);
	}
	free(f->file);
	f->file = dup_or_null(a->file);
	f->line = a->line;
	f->column = a->column;
	f->source = FS_SYMBOLIZED;
}

/* Replace frame i of a stack by the chain in ans; returns frames used. */
static size_t
stack_expand(struct stack *st, size_t i, const struct sym_answer *ans)
{
	struct frame	*f, *g;
	size_t		 n = ans->nframes, k, room;

	room = FT_FRAMES_MAX > st->nframes ? FT_FRAMES_MAX - st->nframes : 0;
	if (n - 1 > room) {
		/* No room for the chain: keep its innermost frame. */
		st->dropped += n - 1;
		frame_set_answer(&st->frames[i], &ans->frames[0], 0);
		return 1;
	}
	if (st->nframes + n - 1 > st->cap) {
		st->cap = st->nframes + n - 1 + 8;
		st->frames = xreallocarray(st->frames, st->cap,
		    sizeof *st->frames);
	}
	memmove(&st->frames[i + n - 1], &st->frames[i],
	    (st->nframes - i) * sizeof *st->frames);
	st->nframes += n - 1;
	f = &st->frames[i + n - 1];	/* the original, now outermost */
	for (k = 0; k + 1 < n; k++) {
		g = &st->frames[i + k];
		*g = *f;
		g->function = NULL;
		g->function_raw = NULL;
		g->file = NULL;
		g->module = dup_or_null(f->module);
		g->module_path = dup_or_null(f->module_path);
		g->arch = dup_or_null(f->arch);
		g->build_id = dup_or_null(f->build_id);
		g->package = dup_or_null(f->package);
		g->inlined = 1;
		frame_set_answer(g, &ans->frames[k], 0);
	}
	frame_set_answer(f, &ans->frames[n - 1], 1);
	return n;
}

/*
 * Fill in what the frames of a report lack: function, file, line, column
 * and inline frames, for frames with a module and an offset.  Returns the
 * number of printed frames that were resolved.
 */
int
symbolize_report(struct symbolizer *sym, struct report *r)
{
	struct sym_answer ans;
	struct stack	*st;
	struct frame	*f;
	const char	*summary, *hint, *name, *path;
	uint64_t	 addr;
	size_t		 s, i, n;
	int		 done = 0;

	summary = report_attr(r, "summary_module");
	for (s = 0; s < r->nstacks; s++) {
		st = &r->stacks[s];
		for (i = 0; i < st->nframes; i += n) {
			f = &st->frames[i];
			n = 1;
			if (!f->has_offset || f->source == FS_SYMBOLIZED ||
			    (f->function != NULL && f->file != NULL))
				continue;
			name = f->module;
			hint = f->module_path;
			if (name == NULL && hint == NULL)
				continue;
			if (hint == NULL && summary != NULL && name != NULL &&
			    strcmp(path_basename(summary),
			    path_basename(name)) == 0)
				hint = summary;
			addr = f->offset;
			if (f->pc == PC_RETURN && addr > 0)
				addr--;
			if (symbolizer_lookup(sym, name, hint, f->build_id, addr,
			    &ans) != 0)
				continue;
			if (ans.nframes == 1 && ans.frames[0].function == NULL &&
			    ans.frames[0].file == NULL)
				continue;
			if (f->module_path == NULL &&
			    (path = symbolizer_path(sym, name, hint,
			    f->build_id)) != NULL)
				f->module_path = xstrdup(path);
			n = stack_expand(st, i, &ans);
			done++;
		}
	}
	return done;
}

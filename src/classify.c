/*
 * classify.c: whose code each frame is, and whose code a report blames.
 *
 * Runs after symbolization and before fingerprinting.  Every frame gets a
 * class (sanitizer runtime, libc, CPython interpreter, CPython's own
 * extension modules, third-party extension with its package, other library,
 * Python source, unknown) from, in order: unmistakable sanitizer names, the
 * module column, the source path, and the function name -- the module wins
 * when it is known, because extensions define PyInit_* and Py* helpers too.
 * Then frame_use() says what a frame is to blame and grouping (plumbing,
 * helper, lock wrapper, fatal-error machinery...), and the culprit is the
 * first frame of the primary stack that is none of those, with one twist:
 * when an extension called the C API, the extension frame is the culprit.
 * The knowledge is in tables (classify-names.c keeps the name lists).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fttriage.h"
#include "classify.h"

/* Modules by basename: the first matching glob wins. */
static const struct {
	const char	*glob;
	enum frame_class cls;
} module_table[] = {
	{ "libtsan.so*",		FC_SANITIZER },
	{ "libasan.so*",		FC_SANITIZER },
	{ "libubsan.so*",		FC_SANITIZER },
	{ "liblsan.so*",		FC_SANITIZER },
	{ "libhwasan.so*",		FC_SANITIZER },
	{ "libmsan*",			FC_SANITIZER },
	{ "libclang_rt.*",		FC_SANITIZER },
	{ "libc.so*",			FC_LIBC },
	{ "libc-*.so",			FC_LIBC },
	{ "libpthread*.so*",		FC_LIBC },
	{ "ld-linux*",			FC_LIBC },
	{ "ld-*.so*",			FC_LIBC },
	{ "ld.so*",			FC_LIBC },
	{ "ld64.so*",			FC_LIBC },
	{ "libdl.so*",			FC_LIBC },
	{ "libdl-*.so",			FC_LIBC },
	{ "librt.so*",			FC_LIBC },
	{ "libm.so*",			FC_LIBC },
	{ "libm-*.so",			FC_LIBC },
	{ "libstdc++.so*",		FC_LIBC },
	{ "libgcc_s.so*",		FC_LIBC },
	{ "libc++.so*",			FC_LIBC },
	{ "libc++*.dylib",		FC_LIBC },
	{ "libc++abi*",			FC_LIBC },
	{ "libsystem_*.dylib",		FC_LIBC },
	{ "libdyld.dylib",		FC_LIBC },
	{ "dyld",			FC_LIBC },
	{ "linux-vdso.so*",		FC_LIBC },
	{ "ntdll.dll",			FC_LIBC },
	{ "[Kk][Ee][Rr][Nn][Ee][Ll]32.[Dd][Ll][Ll]", FC_LIBC },
	{ "KERNELBASE.dll",		FC_LIBC },
	{ "ucrtbase.dll",		FC_LIBC },
	{ "msvcrt.dll",			FC_LIBC },
	{ "[Vv][Cc][Rr][Uu][Nn][Tt][Ii][Mm][Ee]*.dll", FC_LIBC },
	{ "libpython[23]*",		FC_INTERPRETER },
	{ "python",			FC_INTERPRETER },
	{ "python[23]",			FC_INTERPRETER },
	{ "python[23].[0-9]*",		FC_INTERPRETER },
	{ "python.exe",			FC_INTERPRETER },
	{ "python[23]*.exe",		FC_INTERPRETER },
	{ "pythonw*.exe",		FC_INTERPRETER },
	{ "python[23]*.dll",		FC_INTERPRETER },
	{ "python_d.exe",		FC_INTERPRETER },
	{ "Python",			FC_INTERPRETER },
	{ "PythonT",			FC_INTERPRETER },
};

/* Extension module file names (the package is derived afterwards). */
static const char *const extension_globs[] = {
	"*.cpython-[23]*.so",
	"*.abi3.so",
	"*.abi3t.so",
	"*.abi3t-*.so",
	"*.cp[23]*-win*.pyd",
	"*.pyd",
	"*.pypy*.so",
};

static const char *const library_globs[] = {
	"*.so", "*.so.*", "*.dylib", "*.dll", "*.bundle",
};

/*
 * CPython's extension modules (built as separate .so files in lib-dynload
 * or from Modules/ into the interpreter).  A module named here is CPython
 * code even when no path says so.
 */
static const char *const stdlib_extensions[] = {
	"_asyncio", "_bisect", "_blake2", "_bz2", "_codecs_cn", "_codecs_hk",
	"_codecs_iso2022", "_codecs_jp", "_codecs_kr", "_codecs_tw",
	"_contextvars", "_crypt", "_csv", "_ctypes", "_ctypes_test", "_curses",
	"_curses_panel", "_datetime", "_dbm", "_decimal", "_elementtree",
	"_gdbm", "_hashlib", "_heapq", "_hmac", "_interpchannels",
	"_interpqueues", "_interpreters", "_json", "_lsprof", "_lzma", "_md5",
	"_multibytecodec", "_multiprocessing", "_opcode", "_pickle",
	"_posixshmem", "_posixsubprocess", "_queue", "_random",
	"_remote_debugging", "_sha1", "_sha2", "_sha256", "_sha3", "_sha512",
	"_socket", "_sqlite3", "_ssl", "_statistics", "_struct", "_testbuffer",
	"_testcapi", "_testclinic", "_testexternalinspection",
	"_testimportmultiple", "_testinternalcapi", "_testlimitedcapi",
	"_testmultiphase", "_testsinglephase", "_tkinter", "_uuid",
	"_xxsubinterpreters", "_xxtestfuzz", "_zoneinfo", "_zstd", "array",
	"audioop", "binascii", "cmath", "fcntl", "grp", "math", "mmap", "nis",
	"ossaudiodev", "pyexpat", "readline", "resource", "select", "spwd",
	"syslog", "termios", "unicodedata", "xxlimited", "xxlimited_35",
	"xxsubtype", "zlib",
};

/*
 * Modules/ sources that are always built into the interpreter (and so are
 * interpreter code, not a separate extension).
 */
static const char *const builtin_module_sources[] = {
	"main.c", "getpath.c", "getbuildinfo.c", "config.c", "_threadmodule.c",
	"faulthandler.c", "posixmodule.c", "signalmodule.c", "gcmodule.c",
	"atexitmodule.c", "_tracemalloc.c", "_weakref.c", "_abc.c",
	"_functoolsmodule.c", "_collectionsmodule.c", "itertoolsmodule.c",
	"_operator.c", "_codecsmodule.c", "_stat.c", "errnomodule.c",
	"pwdmodule.c", "timemodule.c", "_localemodule.c", "symtablemodule.c",
	"_typingmodule.c", "_suggestions.c", "_sysconfig.c", "_io",
	"_sre", "clinic", "getaddrinfo.c", "getnameinfo.c",
};

/* glibc source directories, as paths start in its debug info. */
static const char *const glibc_dirs[] = {
	"nptl/", "sysdeps/", "malloc/", "stdlib/", "csu/", "signal/", "misc/",
	"string/", "libio/", "elf/", "posix/", "assert/", "stdio-common/",
	"io/", "dlfcn/", "resolv/", "setjmp/", "debug/",
};

/*
 * The sanitizer runtimes' sources: their trees (compiler-rt, gcc's
 * libsanitizer) and their file names.  A directory merely called "tsan" or
 * "asan" is not enough: users build in such directories.
 */
static const char *const sanitizer_path_globs[] = {
	"*sanitizer_common/*", "*compiler-rt/*", "*libsanitizer/*",
	"tsan_*", "asan_*", "sanitizer_*", "*/tsan_*", "*/asan_*",
	"*/sanitizer_*",
};

static const char *const libc_path_globs[] = {
	"*/glibc-*", "*/glibc/*", "*/usr/include/c++/*", "*/libstdc++-v3/*",
	"*/libgcc/*", "*/bits/stl_*", "*/musl/*",
};

/* Directories of CPython's source tree that hold interpreter code. */
static const char *const cpython_dirs[] = {
	"Python/", "Objects/", "Include/", "Parser/", "Programs/",
};

/* Last component of a path with '/' or '\\' separators. */
static const char *
base_name(const char *p)
{
	const char	*s, *b = p;

	for (s = p; *s != '\0'; s++)
		if (*s == '/' || *s == '\\')
			b = s + 1;
	return b;
}

static int
glob_any(const char *const *globs, size_t n, const char *s)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (glob_match(globs[i], s))
			return 1;
	return 0;
}

static int
in_list(const char *const *list, size_t n, const char *s, size_t len)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (strlen(list[i]) == len && memcmp(list[i], s, len) == 0)
			return 1;
	return 0;
}

/* Where a path component "dir" (e.g. "Objects/") starts in path, or NULL. */
static const char *
find_component(const char *path, const char *dir)
{
	const char	*p = path;
	size_t		 n = strlen(dir);

	while ((p = strstr(p, dir)) != NULL) {
		if (p == path || p[-1] == '/' || p[-1] == '\\')
			return p;
		p += n;
	}
	return NULL;
}

/* Skip leading "./" and "../" (glibc's debug info paths start so). */
static const char *
skip_dots(const char *p)
{
	for (;;) {
		if (p[0] == '.' && p[1] == '/')
			p += 2;
		else if (p[0] == '.' && p[1] == '.' && p[2] == '/')
			p += 3;
		else
			return p;
	}
}

/*
 * The stem of an extension module file name: "_decimal" for
 * "_decimal.cpython-316t-x86_64-linux-gnu.so" and "foo" for "foo.pyd".
 */
static char *
extension_stem(const char *base)
{
	const char	*dot = strchr(base, '.');

	return xstrndup(base, dot != NULL ? (size_t)(dot - base) :
	    strlen(base));
}

/*
 * The package a file under site-packages belongs to: the first component
 * after site-packages/ or dist-packages/ ("numpy"; "numpy.libs" -> "numpy";
 * a module directly there -> its stem).  NULL if not under either.
 */
static char *
site_package(const char *path)
{
	static const char *const roots[] = {
		"site-packages/", "dist-packages/", "site-packages\\",
		"dist-packages\\",
	};
	const char	*p = NULL, *e;
	size_t		 i, n;

	for (i = 0; i < nitems(roots) && p == NULL; i++)
		if ((p = strstr(path, roots[i])) != NULL)
			p += strlen(roots[i]);
	if (p == NULL || *p == '\0')
		return NULL;
	for (e = p; *e != '\0' && *e != '/' && *e != '\\'; e++)
		;
	if (*e == '\0') {
		/* A module right in site-packages. */
		for (e = p; *e != '\0' && *e != '.'; e++)
			;
	}
	n = (size_t)(e - p);
	if (n > 5 && memcmp(e - 5, ".libs", 5) == 0)
		n -= 5;
	if (n == 0)
		return NULL;
	return xstrndup(p, n);
}

/* The stdlib extension a Modules/ path belongs to, or NULL if built in. */
static char *
modules_package(const char *m)
{
	const char	*rest = m + strlen("Modules/"), *e;
	size_t		 n;

	for (e = rest; *e != '\0' && *e != '/'; e++)
		;
	if (in_list(builtin_module_sources, nitems(builtin_module_sources),
	    rest, (size_t)(e - rest)))
		return NULL;
	if (*e == '/')
		return xstrndup(rest, (size_t)(e - rest));
	/* "arraymodule.c" -> "array", "_json.c" -> "_json". */
	n = (size_t)(e - rest);
	if (n > 2 && memcmp(e - 2, ".c", 2) == 0)
		n -= 2;
	if (n > 6 && memcmp(rest + n - 6, "module", 6) == 0)
		n -= 6;
	return xstrndup(rest, n);
}

/* Class from the module column; FC__COUNT when it does not decide. */
static enum frame_class
class_from_module(struct frame *f)
{
	const char	*path, *base;
	char		*stem;
	size_t		 i;

	path = f->module_path != NULL ? f->module_path : f->module;
	if (path == NULL || *path == '\0')
		return FC__COUNT;
	base = base_name(f->module != NULL ? f->module : path);
	for (i = 0; i < nitems(module_table); i++)
		if (glob_match(module_table[i].glob, base))
			return module_table[i].cls;
	if (glob_any(extension_globs, nitems(extension_globs), base)) {
		stem = extension_stem(base);
		if (strstr(path, "lib-dynload") != NULL ||
		    in_list(stdlib_extensions, nitems(stdlib_extensions), stem,
		    strlen(stem)) ||
		    (f->file != NULL && find_component(f->file, "Modules/") &&
		    strstr(path, "-packages") == NULL)) {
			free(f->package);
			f->package = stem;
			return FC_STDLIB_EXT;
		}
		free(f->package);
		if ((f->package = site_package(path)) == NULL)
			f->package = stem;
		else
			free(stem);
		return FC_EXTENSION;
	}
	if (glob_any(library_globs, nitems(library_globs), base)) {
		free(f->package);
		f->package = site_package(path);
		return FC_LIBRARY;
	}
	return FC__COUNT;  /* an executable: look further */
}

static enum frame_class class_from_file_uncached(struct frame *);

/* Class from the source path; FC__COUNT when it does not decide. */
static enum frame_class
class_from_file(struct frame *f)
{
	/*
	 * The same source files come up frame after frame: remember the
	 * answers for recent ones (the globs are the costly part).
	 */
	static struct {
		char		 file[256];
		char		 package[64];
		enum frame_class cls;
		int		 has_package;
	} memo[64];
	const char	*file = f->file;
	enum frame_class c;
	size_t		 n, slot;
	uint32_t	 h = 2166136261u;

	if (file == NULL || *file == '\0')
		return FC__COUNT;
	for (n = 0; file[n] != '\0'; n++)
		h = (h ^ (unsigned char)file[n]) * 16777619u;
	slot = h % nitems(memo);
	if (n < sizeof memo[slot].file && strcmp(memo[slot].file, file) == 0) {
		if (memo[slot].has_package) {
			free(f->package);
			f->package = xstrdup(memo[slot].package);
		}
		return memo[slot].cls;
	}
	c = class_from_file_uncached(f);
	if (n < sizeof memo[slot].file && (c != FC_STDLIB_EXT ||
	    (f->package != NULL && strlen(f->package) <
	    sizeof memo[slot].package))) {
		memcpy(memo[slot].file, file, n + 1);
		memo[slot].cls = c;
		memo[slot].has_package = c == FC_STDLIB_EXT;
		if (memo[slot].has_package)
			memcpy(memo[slot].package, f->package,
			    strlen(f->package) + 1);
	}
	return c;
}

static enum frame_class
class_from_file_uncached(struct frame *f)
{
	const char	*file = f->file, *m;
	size_t		 i;

	if (glob_any(sanitizer_path_globs, nitems(sanitizer_path_globs), file))
		return FC_SANITIZER;
	if (glob_any(libc_path_globs, nitems(libc_path_globs), file))
		return FC_LIBC;
	for (i = 0; i < nitems(glibc_dirs); i++)
		if (str_startswith(skip_dots(file), glibc_dirs[i]))
			return FC_LIBC;
	if ((m = find_component(file, "Modules/")) != NULL &&
	    strstr(file, "-packages") == NULL) {
		char	*pkg = modules_package(m);

		if (pkg == NULL)
			return FC_INTERPRETER;
		free(f->package);
		f->package = pkg;
		return FC_STDLIB_EXT;
	}
	if (strstr(file, "-packages") != NULL)
		return FC__COUNT;
	for (i = 0; i < nitems(cpython_dirs); i++)
		if (find_component(file, cpython_dirs[i]) != NULL)
			return FC_INTERPRETER;
	if (glob_match("*include/python[23]*/*", file))
		return FC_INTERPRETER;
	return FC__COUNT;
}

/* CPython's installed or in-tree headers: inline helpers live there. */
static int
is_cpython_header(const char *file)
{
	size_t	 n;

	if (file == NULL || (n = strlen(file)) < 2 ||
	    strcmp(file + n - 2, ".h") != 0)
		return 0;
	return glob_match("*include/python[23]*/*", file) ||
	    find_component(file, "Include/") != NULL;
}

static enum frame_class class_of(struct frame *, enum frame_class,
	    const char *);
struct module_memo;
static void classify_frame_memo(struct frame *, struct module_memo *);

/*
 * Set the class (and package, for extensions) of one frame.  Frames the
 * parser already marked as Python source keep FC_PYTHON.
 */
void
classify_frame(struct frame *f)
{
	classify_frame_memo(f, NULL);
}

/* The last module classified in a report: frames come in runs. */
struct module_memo {
	const char	*module;
	const char	*module_path;
	enum frame_class cls;
	const char	*package;
};

static int
same_str(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/* class_from_module(), remembering the answer for the next frame. */
static enum frame_class
module_class(struct frame *f, struct module_memo *m)
{
	enum frame_class c;

	if (m != NULL && m->module != NULL && same_str(m->module, f->module) &&
	    same_str(m->module_path, f->module_path)) {
		free(f->package);
		f->package = m->package != NULL ? xstrdup(m->package) : NULL;
		return m->cls;
	}
	c = class_from_module(f);
	/* An extension may turn out to be CPython's by a later frame's file. */
	if (m != NULL && f->module != NULL && c != FC_EXTENSION) {
		m->module = f->module;
		m->module_path = f->module_path;
		m->cls = c;
		m->package = f->package;
	}
	return c;
}

static void
classify_frame_memo(struct frame *f, struct module_memo *memo)
{
	enum frame_class mc;
	const char	*fn;
	char		*norm;
	size_t		 n;

	if (f->cls == FC_PYTHON)
		return;
	if (f->file != NULL && f->module == NULL && (n = strlen(f->file)) > 3 &&
	    strcmp(f->file + n - 3, ".py") == 0) {
		f->cls = FC_PYTHON;
		return;
	}
	fn = f->function_raw;
	if (classify_name_is_runtime(f->function) ||
	    (fn != NULL && classify_name_is_runtime(fn))) {
		f->cls = FC_SANITIZER;
		return;
	}
	mc = module_class(f, memo);
	/* The name matters only when the module does not settle it. */
	norm = NULL;
	if (f->function != NULL && (mc == FC__COUNT || mc == FC_INTERPRETER))
		norm = name_normalize(f->function);
	f->cls = class_of(f, mc, norm);
	free(norm);
}

/* classify_frame() past the runtime names and the module's class. */
static enum frame_class
class_of(struct frame *f, enum frame_class mc, const char *norm)
{
	enum frame_class c;
	const char	*m;
	char		*pkg;

	/*
	 * A libc function name with no source, in an executable (clang links
	 * the runtime in statically), is a sanitizer interceptor.
	 */
	if ((mc == FC__COUNT || mc == FC_INTERPRETER) && f->module != NULL &&
	    classify_name_is_intercepted(norm) &&
	    (f->file == NULL || class_from_file(f) == FC_SANITIZER))
		return FC_SANITIZER;
	/* A stdlib extension module linked into the interpreter. */
	if (mc == FC_INTERPRETER && f->file != NULL &&
	    (m = find_component(f->file, "Modules/")) != NULL &&
	    (pkg = modules_package(m)) != NULL) {
		free(f->package);
		f->package = pkg;
		return FC_STDLIB_EXT;
	}
	if (mc != FC__COUNT) {
		/* CPython's inline helpers compiled into an extension. */
		if ((mc == FC_EXTENSION || mc == FC_LIBRARY) && f->inlined &&
		    is_cpython_header(f->file))
			mc = FC_INTERPRETER;
		return mc;
	}
	if ((c = class_from_file(f)) != FC__COUNT)
		return c;
	if ((c = classify_name_class(norm)) != FC__COUNT)
		return c;
	return FC_UNKNOWN;
}

/* The stack whose top is the report's point: -1 if no stack has frames. */
int
classify_primary_stack(const struct report *r)
{
	size_t	 i;

	if (r->kind == RK_TSAN_THREAD_LEAK) {
		for (i = 0; i < r->nstacks; i++)
			if (r->stacks[i].role == SR_THREAD_CREATION &&
			    r->stacks[i].nframes > 0)
				return (int)i;
	}
	/* faulthandler lists every thread; the crashing one is "Current". */
	for (i = 0; i < r->nstacks; i++)
		if (r->stacks[i].role == SR_PYTHON && r->stacks[i].nframes > 0 &&
		    r->stacks[i].label != NULL &&
		    strncmp(r->stacks[i].label, "Current thread 0x", 17) == 0)
			return (int)i;
	for (i = 0; i < r->nstacks; i++)
		if (r->stacks[i].nframes > 0)
			return (int)i;
	return -1;
}

/*
 * The first frame of the primary stack that is not sanitizer runtime,
 * libc, an inline refcount/atomic helper or fatal-error machinery (the
 * corpus's "top frame").  Returns 0 and sets *stack and *frame, or -1.
 */
int
classify_top_frame(const struct report *r, int *stack, int *frame)
{
	const struct stack *s;
	size_t		 i;
	int		 si;

	if ((si = classify_primary_stack(r)) < 0)
		return -1;
	s = &r->stacks[si];
	for (i = 0; i < s->nframes; i++) {
		switch (frame_use(&s->frames[i])) {
		case FU_RUNTIME:
		case FU_LIBC:
		case FU_HELPER:
		case FU_FATAL:
			continue;
		case FU_NONAME:
			if (s->frames[i].cls == FC_UNKNOWN &&
			    s->frames[i].module == NULL)
				continue;
			break;
		default:
			break;
		}
		*stack = si;
		*frame = (int)i;
		return 0;
	}
	return -1;
}

/*
 * Where the stack proper starts: a native stack dumped from a signal
 * handler (faulthandler's C stack, a debugger stopped in the handler)
 * begins with the handler -- fatal-error machinery, frames without names
 * -- down to libc's signal trampoline.  The frame below it is where the
 * signal hit.  Returns the index of the first frame to consider.
 */
size_t
classify_stack_start(const struct stack *s)
{
	size_t	 i;
	int	 seen = 0;

	for (i = 0; i < s->nframes && i < 16; i++) {
		switch (frame_use(&s->frames[i])) {
		case FU_FATAL:
			seen = 1;
			continue;
		case FU_NONAME:
		case FU_RUNTIME:
			continue;
		case FU_LIBC:
			if (seen && i + 1 < s->nframes)
				return i + 1;
			continue;
		default:
			/* Code before any trampoline: no handler here. */
			return 0;
		}
	}
	return 0;
}

/*
 * Below frame 'from' of a stack whose top is CPython code, the extension
 * frame that called into the C API, or -1.  The search stops at call/eval
 * plumbing: below that, Python code made the call, not an extension.
 */
int
classify_api_caller(const struct stack *s, size_t from)
{
	const struct frame *f;
	size_t		 i;
	enum frame_use	 u;

	for (i = from + 1; i < s->nframes && i < from + 24; i++) {
		f = &s->frames[i];
		u = frame_use(f);
		if (u == FU_PLUMBING || u == FU_MEGA)
			return -1;
		if (f->cls == FC_EXTENSION || f->cls == FC_LIBRARY ||
		    (f->cls == FC_UNKNOWN && f->function != NULL)) {
			/*
			 * Attaching a thread state is what every correct
			 * extension does; a race below it is CPython's.
			 */
			if (i > 0 && classify_name_is_attach(
			    s->frames[i - 1].function))
				return -1;
			return (int)i;
		}
		if (f->cls != FC_INTERPRETER && f->cls != FC_STDLIB_EXT &&
		    u != FU_HELPER && u != FU_LOCK)
			return -1;
	}
	return -1;
}

/*
 * The stack that blame is read from: the primary stack, except that a
 * Python fatal error with a native stack (faulthandler's C stack, a gdb
 * backtrace) is blamed on the native code: the Python frames only say
 * which Python code was running.
 */
static int
blame_stack(const struct report *r)
{
	size_t	 i;

	if (r->kind == RK_PYTHON_FATAL || r->kind == RK_FAULTHANDLER ||
	    r->kind == RK_PYTHON_EXCEPTION) {
		for (i = 0; i < r->nstacks; i++)
			if (r->stacks[i].role != SR_PYTHON &&
			    r->stacks[i].nframes > 0 &&
			    r->stacks[i].frames[0].cls != FC_PYTHON)
				return (int)i;
	}
	return classify_primary_stack(r);
}

static void
find_culprit(struct report *r)
{
	const struct stack *s;
	size_t		 i;
	int		 si, first = -1, caller;
	enum frame_use	 u;

	r->culprit_stack = r->culprit_frame = -1;
	if ((si = blame_stack(r)) < 0)
		return;
	s = &r->stacks[si];
	for (i = classify_stack_start(s); i < s->nframes; i++) {
		u = frame_use(&s->frames[i]);
		if (u == FU_RUNTIME || u == FU_LIBC || u == FU_FATAL)
			continue;
		if (first < 0 && (u != FU_NONAME ||
		    s->frames[i].module != NULL))
			first = (int)i;
		if (u != FU_CODE && u != FU_NONAME)
			continue;
		if (u == FU_NONAME && s->frames[i].cls == FC_UNKNOWN &&
		    s->frames[i].module == NULL)
			continue;
		if (s->frames[i].cls == FC_INTERPRETER ||
		    s->frames[i].cls == FC_STDLIB_EXT) {
			caller = classify_api_caller(s, i);
			if (caller >= 0)
				i = (size_t)caller;
		}
		r->culprit_stack = si;
		r->culprit_frame = (int)i;
		return;
	}
	/* All plumbing and helpers: the first of them is the point. */
	if (first >= 0) {
		r->culprit_stack = si;
		r->culprit_frame = first;
	}
}

/*
 * Classify a report: readable names (names_report), a class and package
 * for every frame, and the culprit (r->culprit_stack/culprit_frame, -1
 * when no frame qualifies).
 */
void
classify_report(struct report *r)
{
	struct module_memo memo;
	size_t	 i, j;

	names_report(r);
	memset(&memo, 0, sizeof memo);
	for (i = 0; i < r->nstacks; i++)
		for (j = 0; j < r->stacks[i].nframes; j++)
			classify_frame_memo(&r->stacks[i].frames[j], &memo);
	find_culprit(r);
}

/*
 * A module name with its version and platform decoration removed, for
 * grouping: "libfoo.so.1.2" -> "libfoo", "_umath.cpython-313t-x86_64-linux-
 * gnu.so" -> "_umath", "test_x-05b8e58b31a1ac39" -> "test_x".  Caller frees.
 */
char *
module_normalize(const char *module)
{
	const char	*base = base_name(module), *p;
	size_t		 n = strlen(base), i;

	if ((p = strstr(base, ".cpython-")) != NULL ||
	    (p = strstr(base, ".abi3")) != NULL ||
	    (p = strstr(base, ".cp3")) != NULL ||
	    (p = strstr(base, ".so")) != NULL ||
	    (p = strstr(base, ".dylib")) != NULL ||
	    (p = strstr(base, ".dll")) != NULL ||
	    (p = strstr(base, ".pyd")) != NULL ||
	    (p = strstr(base, ".exe")) != NULL)
		n = (size_t)(p - base);
	/* cargo's "-<16 hex>" and versions such as "-1.2.3". */
	if (n > 17 && base[n - 17] == '-') {
		for (i = n - 16; i < n; i++)
			if (!((base[i] >= '0' && base[i] <= '9') ||
			    (base[i] >= 'a' && base[i] <= 'f')))
				break;
		if (i == n)
			n -= 17;
	}
	for (i = n; i > 0 && ((base[i - 1] >= '0' && base[i - 1] <= '9') ||
	    base[i - 1] == '.'); i--)
		;
	if (i > 1 && i < n && base[i - 1] == '-')
		n = i - 1;
	if (n == 0)
		return xstrdup(base);
	return xstrndup(base, n);
}

/*
 * The dotted module name of a Python source file, for grouping: the part
 * after site-packages/ or the standard library directory, else the file's
 * stem.  "/usr/lib/python3.13/threading.py" -> "threading".  Caller frees.
 */
char *
python_module_name(const char *file)
{
	static const char *const roots[] = {
		"site-packages/", "dist-packages/", "/Lib/",
	};
	struct buf	 b;
	const char	*p = NULL, *q;
	size_t		 i, n;

	for (i = 0; i < nitems(roots) && p == NULL; i++)
		if ((p = strstr(file, roots[i])) != NULL)
			p += strlen(roots[i]);
	if (p == NULL && (q = strstr(file, "/lib/python")) != NULL &&
	    (q = strchr(q + 11, '/')) != NULL)
		p = q + 1;
	if (p == NULL)
		p = base_name(file);
	n = strlen(p);
	if (n > 3 && strcmp(p + n - 3, ".py") == 0)
		n -= 3;
	if (n > 9 && memcmp(p + n - 9, "/__init__", 9) == 0)
		n -= 9;
	buf_init(&b, n + 1);
	for (i = 0; i < n; i++)
		buf_addc(&b, p[i] == '/' || p[i] == '\\' ? '.' : p[i]);
	return buf_detach(&b);
}

/*
 * classify-names.c: the function-name knowledge behind frame classes and
 * frame uses.
 *
 * Two tables: which names mark a class when neither module nor source path
 * decides (sanitizer interceptors, glibc internals, CPython's C API and
 * internals from the free-threading catalogue), and what a named frame is
 * to blame and grouping (refcount/atomic helper, lock wrapper, call/eval
 * plumbing, fatal-error machinery).  Patterns are fnmatch(3) globs matched
 * against the whole normalised name, so "free" never swallows
 * "free_threadstate".  A CPython entry only applies to frames that are not
 * known to be in an extension or another library: extensions define Py*
 * names of their own.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fttriage.h"
#include "classify.h"

/* Where a use rule applies. */
enum scope {
	SC_ANY,              /* any frame */
	SC_CPYTHON,          /* not known to be an extension or library */
	SC_INTERP            /* known to be the interpreter */
};

static const struct {
	const char	*glob;
	enum frame_use	 use;
	enum scope	 scope;
} use_table[] = {
	/* Inline refcount, atomic and object-header helpers. */
	{ "_Py_atomic_*",		FU_HELPER,	SC_ANY },
	{ "Py_INCREF",			FU_HELPER,	SC_ANY },
	{ "Py_DECREF",			FU_HELPER,	SC_ANY },
	{ "Py_XINCREF",			FU_HELPER,	SC_ANY },
	{ "Py_XDECREF",			FU_HELPER,	SC_ANY },
	{ "Py_CLEAR",			FU_HELPER,	SC_ANY },
	{ "Py_SETREF",			FU_HELPER,	SC_ANY },
	{ "Py_XSETREF",			FU_HELPER,	SC_ANY },
	{ "_Py_INCREF*",		FU_HELPER,	SC_ANY },
	{ "_Py_DECREF*",		FU_HELPER,	SC_ANY },
	{ "_Py_XINCREF",		FU_HELPER,	SC_ANY },
	{ "_Py_XDECREF",		FU_HELPER,	SC_ANY },
	{ "Py_IncRef",			FU_HELPER,	SC_ANY },
	{ "Py_DecRef",			FU_HELPER,	SC_ANY },
	{ "_Py_IncRef",			FU_HELPER,	SC_ANY },
	{ "_Py_DecRef",			FU_HELPER,	SC_ANY },
	{ "Py_NewRef",			FU_HELPER,	SC_ANY },
	{ "Py_XNewRef",			FU_HELPER,	SC_ANY },
	{ "_Py_NewRef",			FU_HELPER,	SC_ANY },
	{ "_Py_XNewRef",		FU_HELPER,	SC_ANY },
	{ "_Py_NewRefWithLock",		FU_HELPER,	SC_ANY },
	{ "_Py_IsOwnedByCurrentThread",	FU_HELPER,	SC_ANY },
	{ "_Py_ThreadId",		FU_HELPER,	SC_ANY },
	{ "_Py_TYPE*",			FU_HELPER,	SC_ANY },
	{ "Py_TYPE",			FU_HELPER,	SC_ANY },
	{ "_Py_IS_TYPE*",		FU_HELPER,	SC_ANY },
	{ "Py_IS_TYPE",			FU_HELPER,	SC_ANY },
	{ "Py_SIZE",			FU_HELPER,	SC_ANY },
	{ "_Py_SIZE*",			FU_HELPER,	SC_ANY },
	{ "Py_SET_TYPE",		FU_HELPER,	SC_ANY },
	{ "Py_SET_SIZE",		FU_HELPER,	SC_ANY },
	{ "Py_SET_REFCNT",		FU_HELPER,	SC_ANY },
	{ "_Py_SET_REFCNT",		FU_HELPER,	SC_ANY },
	{ "Py_REFCNT",			FU_HELPER,	SC_ANY },
	{ "_Py_REFCNT",			FU_HELPER,	SC_ANY },
	{ "_Py_IsImmortal*",		FU_HELPER,	SC_ANY },
	{ "_Py_IsStaticImmortal",	FU_HELPER,	SC_ANY },
	{ "_Py_TryIncref*",		FU_HELPER,	SC_ANY },
	{ "_Py_TryIncRef*",		FU_HELPER,	SC_ANY },
	{ "_Py_TryXGetRef",		FU_HELPER,	SC_ANY },
	{ "_Py_REF_IS_*",		FU_HELPER,	SC_ANY },
	{ "_Py_CAST",			FU_HELPER,	SC_ANY },
	{ "_PyObject_CAST",		FU_HELPER,	SC_ANY },
	{ "PyStackRef_*",		FU_HELPER,	SC_ANY },
	{ "_PyStackRef_*",		FU_HELPER,	SC_ANY },
	{ "std::atomic<*",		FU_HELPER,	SC_ANY },
	{ "std::__atomic_base<*",	FU_HELPER,	SC_ANY },
	{ "std::__1::atomic<*",		FU_HELPER,	SC_ANY },
	{ "std::__1::__atomic_base<*",	FU_HELPER,	SC_ANY },

	/* Lock wrappers. */
	{ "pthread_mutex_lock",		FU_LOCK,	SC_ANY },
	{ "pthread_mutex_unlock",	FU_LOCK,	SC_ANY },
	{ "pthread_mutex_trylock",	FU_LOCK,	SC_ANY },
	{ "pthread_mutex_timedlock",	FU_LOCK,	SC_ANY },
	{ "pthread_rwlock_*lock",	FU_LOCK,	SC_ANY },
	{ "pthread_spin_*lock",		FU_LOCK,	SC_ANY },
	{ "__gthread_mutex_*lock",	FU_LOCK,	SC_ANY },
	{ "std::mutex::*lock",		FU_LOCK,	SC_ANY },
	{ "std::__1::mutex::*lock",	FU_LOCK,	SC_ANY },
	{ "std::recursive_mutex::*lock", FU_LOCK,	SC_ANY },
	{ "std::shared_mutex::*lock*",	FU_LOCK,	SC_ANY },
	{ "std::lock_guard<*",		FU_LOCK,	SC_ANY },
	{ "std::unique_lock<*",		FU_LOCK,	SC_ANY },
	{ "std::scoped_lock<*",		FU_LOCK,	SC_ANY },
	{ "PyMutex_Lock*",		FU_LOCK,	SC_CPYTHON },
	{ "PyMutex_Unlock",		FU_LOCK,	SC_CPYTHON },
	{ "_PyMutex_*",			FU_LOCK,	SC_CPYTHON },
	{ "_PyRawMutex_*",		FU_LOCK,	SC_CPYTHON },
	{ "_PyRecursiveMutex_*",	FU_LOCK,	SC_CPYTHON },
	{ "_PyRWMutex_*",		FU_LOCK,	SC_CPYTHON },
	{ "_PySeqLock_*",		FU_LOCK,	SC_CPYTHON },
	{ "_PyParkingLot_*",		FU_LOCK,	SC_CPYTHON },
	{ "_PySemaphore_*",		FU_LOCK,	SC_CPYTHON },
	{ "PyEvent_Wait*",		FU_LOCK,	SC_CPYTHON },
	{ "_PyEvent_*",			FU_LOCK,	SC_CPYTHON },
	{ "_PyCriticalSection*",	FU_LOCK,	SC_CPYTHON },
	{ "PyCriticalSection*",		FU_LOCK,	SC_CPYTHON },
	{ "_PyOnceFlag_CallOnce*",	FU_LOCK,	SC_CPYTHON },
	{ "PyThread_acquire_lock*",	FU_LOCK,	SC_CPYTHON },
	{ "PyThread_release_lock",	FU_LOCK,	SC_CPYTHON },

	/* Fatal-error and crash-reporting machinery. */
	{ "fatal_error",		FU_FATAL,	SC_CPYTHON },
	{ "fatal_error_exit",		FU_FATAL,	SC_CPYTHON },
	{ "fatal_output_debug",		FU_FATAL,	SC_CPYTHON },
	{ "fatal_error_dump_runtime",	FU_FATAL,	SC_CPYTHON },
	{ "Py_FatalError",		FU_FATAL,	SC_CPYTHON },
	{ "_Py_FatalError*",		FU_FATAL,	SC_CPYTHON },
	{ "_Py_FatalRefcountError*",	FU_FATAL,	SC_CPYTHON },
	{ "_PyObject_AssertFailed",	FU_FATAL,	SC_CPYTHON },
	{ "_Py_NegativeRefcount",	FU_FATAL,	SC_CPYTHON },
	{ "_Py_DumpExtensionModules",	FU_FATAL,	SC_CPYTHON },
	{ "_Py_DumpTraceback*",		FU_FATAL,	SC_CPYTHON },
	{ "_Py_DumpStack*",		FU_FATAL,	SC_CPYTHON },
	{ "faulthandler_fatal_error",	FU_FATAL,	SC_CPYTHON },
	{ "faulthandler_dump_traceback", FU_FATAL,	SC_CPYTHON },
	{ "faulthandler_dump_c_stack",	FU_FATAL,	SC_CPYTHON },
	{ "faulthandler_dump_all_threads", FU_FATAL,	SC_CPYTHON },
	{ "faulthandler_user",		FU_FATAL,	SC_CPYTHON },
	{ "faulthandler_exc_handler",	FU_FATAL,	SC_CPYTHON },
	{ "dump_traceback",		FU_FATAL,	SC_CPYTHON },
	{ "dump_frame",			FU_FATAL,	SC_CPYTHON },
	{ "write_thread_id",		FU_FATAL,	SC_CPYTHON },
	{ "__assert_fail*",		FU_FATAL,	SC_ANY },
	{ "__assert_perror_fail",	FU_FATAL,	SC_ANY },
	{ "__assert_rtn",		FU_FATAL,	SC_ANY },
	{ "abort",			FU_FATAL,	SC_ANY },
	{ "raise",			FU_FATAL,	SC_ANY },
	{ "std::terminate",		FU_FATAL,	SC_ANY },
	{ "__cxxabiv1::*",		FU_FATAL,	SC_ANY },
	{ "__gnu_cxx::__verbose_terminate_handler", FU_FATAL, SC_ANY },
	{ "__stack_chk_fail",		FU_FATAL,	SC_ANY },
	{ "__fortify_fail",		FU_FATAL,	SC_ANY },
	{ "__chk_fail",			FU_FATAL,	SC_ANY },
	{ "rust_panic",			FU_FATAL,	SC_ANY },
	{ "rust_begin_unwind",		FU_FATAL,	SC_ANY },
	{ "__rust_start_panic",		FU_FATAL,	SC_ANY },
	{ "core::panicking::*",		FU_FATAL,	SC_ANY },
	{ "std::panicking::*",		FU_FATAL,	SC_ANY },

	/* libc start-up and thread entry, wherever they are linked. */
	{ "_start",			FU_LIBC,	SC_ANY },
	{ "__libc_start_main*",		FU_LIBC,	SC_ANY },
	{ "__libc_start_call_main",	FU_LIBC,	SC_ANY },
	{ "start_thread",		FU_LIBC,	SC_ANY },
	{ "clone",			FU_LIBC,	SC_ANY },
	{ "clone3",			FU_LIBC,	SC_ANY },
	{ "__clone*",			FU_LIBC,	SC_ANY },
	{ "_pthread_start",		FU_LIBC,	SC_ANY },
	{ "thread_start",		FU_LIBC,	SC_ANY },

	/* The eval loop: never a site alone. */
	{ "_PyEval_EvalFrameDefault",	FU_MEGA,	SC_CPYTHON },
	{ "_TAIL_CALL_*",		FU_MEGA,	SC_CPYTHON },

	/* Call and eval plumbing. */
	{ "_PyEval_EvalFrame",		FU_PLUMBING,	SC_CPYTHON },
	{ "_PyEval_Vector",		FU_PLUMBING,	SC_CPYTHON },
	{ "_PyEval_EvalCode*",		FU_PLUMBING,	SC_CPYTHON },
	{ "PyEval_EvalCode*",		FU_PLUMBING,	SC_CPYTHON },
	{ "PyEval_EvalFrame*",		FU_PLUMBING,	SC_CPYTHON },
	{ "_PyEvalFramePushAndInit*",	FU_PLUMBING,	SC_CPYTHON },
	{ "PyObject_Vectorcall*",	FU_PLUMBING,	SC_CPYTHON },
	{ "_PyObject_Vectorcall*",	FU_PLUMBING,	SC_CPYTHON },
	{ "_PyObject_MakeTpCall",	FU_PLUMBING,	SC_CPYTHON },
	{ "_PyObject_Call",		FU_PLUMBING,	SC_CPYTHON },
	{ "_PyObject_Call_Prepend",	FU_PLUMBING,	SC_CPYTHON },
	{ "_PyObject_CallNoArgs*",	FU_PLUMBING,	SC_CPYTHON },
	{ "_PyObject_CallMethod*",	FU_PLUMBING,	SC_CPYTHON },
	{ "_PyObject_FastCall*",	FU_PLUMBING,	SC_CPYTHON },
	{ "PyObject_Call",		FU_PLUMBING,	SC_CPYTHON },
	{ "PyObject_CallObject",	FU_PLUMBING,	SC_CPYTHON },
	{ "PyObject_CallOneArg",	FU_PLUMBING,	SC_CPYTHON },
	{ "PyObject_CallNoArgs",	FU_PLUMBING,	SC_CPYTHON },
	{ "PyObject_CallFunction*",	FU_PLUMBING,	SC_CPYTHON },
	{ "PyObject_CallMethod*",	FU_PLUMBING,	SC_CPYTHON },
	{ "_PyFunction_Vectorcall",	FU_PLUMBING,	SC_CPYTHON },
	{ "_PyVectorcall_Call",		FU_PLUMBING,	SC_CPYTHON },
	{ "PyVectorcall_Call",		FU_PLUMBING,	SC_CPYTHON },
	{ "method_vectorcall*",		FU_PLUMBING,	SC_CPYTHON },
	{ "cfunction_vectorcall*",	FU_PLUMBING,	SC_CPYTHON },
	{ "cfunction_call",		FU_PLUMBING,	SC_CPYTHON },
	{ "wrapperdescr_call",		FU_PLUMBING,	SC_CPYTHON },
	{ "wrapper_call",		FU_PLUMBING,	SC_CPYTHON },
	{ "slot_tp_call",		FU_PLUMBING,	SC_CPYTHON },
	{ "vectorcall_method",		FU_PLUMBING,	SC_CPYTHON },
	{ "vectorcall_unbound",		FU_PLUMBING,	SC_CPYTHON },
	{ "call_unbound*",		FU_PLUMBING,	SC_CPYTHON },
	{ "object_vacall",		FU_PLUMBING,	SC_CPYTHON },
	{ "context_run",		FU_PLUMBING,	SC_CPYTHON },
	{ "type_call",			FU_PLUMBING,	SC_CPYTHON },
	{ "_Py_VectorCall*",		FU_PLUMBING,	SC_CPYTHON },
	{ "_Py_BuiltinCallFast*",	FU_PLUMBING,	SC_CPYTHON },
	{ "_Py_CallBuiltinClass*",	FU_PLUMBING,	SC_CPYTHON },
	{ "thread_run",			FU_PLUMBING,	SC_INTERP },
	{ "pythread_wrapper",		FU_PLUMBING,	SC_INTERP },
	{ "main",			FU_PLUMBING,	SC_INTERP },
	{ "Py_BytesMain",		FU_PLUMBING,	SC_CPYTHON },
	{ "Py_Main",			FU_PLUMBING,	SC_CPYTHON },
	{ "Py_RunMain",			FU_PLUMBING,	SC_CPYTHON },
	{ "pymain_*",			FU_PLUMBING,	SC_CPYTHON },
	{ "_PyRun_*",			FU_PLUMBING,	SC_CPYTHON },
	{ "PyRun_*",			FU_PLUMBING,	SC_CPYTHON },
	{ "run_mod",			FU_PLUMBING,	SC_CPYTHON },
	{ "run_eval_code_obj",		FU_PLUMBING,	SC_CPYTHON },
	{ "pyrun_file",			FU_PLUMBING,	SC_CPYTHON },
};

/* Python-level frames that only dispatch (threading, import machinery). */
static const struct {
	const char	*file_glob;
	const char	*function_glob;
} python_plumbing[] = {
	{ "*threading.py",		"run" },
	{ "*threading.py",		"_bootstrap*" },
	{ "*concurrent/futures/thread.py", "run" },
	{ "*concurrent/futures/thread.py", "_worker" },
	{ "<frozen importlib._bootstrap*", "*" },
};

static const char *const runtime_globs[] = {
	"__interceptor_*", "___interceptor_*", "__tsan_*", "__asan_*",
	"__lsan_*", "__ubsan_*", "__msan_*", "__hwasan_*", "__sanitizer_*",
	"__tsan::*", "__asan::*", "__lsan::*", "__ubsan::*", "__sanitizer::*",
	"__interception::*", "asan_thread_start*", "MemcpyInterceptorCommon*",
};

/* libc functions the sanitizers intercept (seen in the runtime's module). */
static const char *const intercepted_globs[] = {
	"pthread_create", "pthread_join", "pthread_detach", "pthread_once",
	"pthread_mutex_*", "pthread_cond_*", "pthread_rwlock_*",
	"pthread_spin_*", "pthread_barrier_*", "pthread_kill",
	"pthread_key_create", "malloc", "calloc", "realloc", "free",
	"posix_memalign", "aligned_alloc", "memalign", "valloc", "pvalloc",
	"memcpy", "memmove", "memset", "memcmp", "bcmp", "strlen", "strnlen",
	"strcpy", "strncpy", "strcmp", "strncmp", "strdup", "strndup",
	"strchr", "strrchr", "strstr", "usleep", "sleep", "nanosleep", "write",
	"read", "pread*", "pwrite*", "open", "open64", "close", "fopen",
	"fclose", "fwrite", "fread", "fflush", "puts", "mmap", "mmap64",
	"munmap", "sem_*", "epoll_*", "poll", "select", "sigaction", "signal",
	"kill", "fork", "dlopen", "dlclose", "__cxa_guard_*", "operator new*",
	"operator delete*", "atexit", "__cxa_atexit", "sched_yield",
};

static const char *const libc_name_globs[] = {
	"start_thread", "clone", "clone3", "__clone*", "__libc_*", "__GI_*",
	"__pthread_*", "pthread_kill", "_int_malloc", "_int_free",
	"_int_realloc", "unlink_chunk", "malloc_printerr", "malloc_consolidate",
	"_dl_*", "__restore_rt", "__futex*", "futex_*", "__lll_lock_wait*",
	"_start", "__cxa_*", "_Unwind_*",
};

static const char *const attach_globs[] = {
	"PyGILState_*", "PyEval_RestoreThread", "PyEval_SaveThread",
	"PyEval_AcquireThread", "PyEval_ReleaseThread", "PyThreadState_*",
	"_PyThreadState_*", "Py_Initialize*", "Py_Finalize*",
	"Py_NewInterpreter*", "Py_EndInterpreter", "PyInterpreterState_*",
};

/* CPython function names that do not start with Py or _Py. */
static const char *const cpython_name_globs[] = {
	"_PyEval_*", "PyEval_*", "method_vectorcall*", "cfunction_*",
	"wrapperdescr_call", "context_run", "insertdict", "dictresize",
	"list_get_item_ref", "list_ass_slice*", "set_add_entry",
	"unicode_hash", "assign_version_tag", "type_modified_unlocked",
	"update_one_slot", "rangeiter_next", "free_delayed", "process_queue",
	"process_interp_queue", "merge_queued_objects", "gc_collect_*",
	"deduce_unreachable_heap", "gc_visit_heaps*", "visit_decref",
	"update_refs", "gc_alloc", "validate_refcounts", "gc_restore_tid",
	"tstate_*", "park_detached_threads", "start_the_world",
	"stop_the_world", "add_threadstate", "new_threadstate",
	"free_threadstate", "take_gil", "drop_gil", "check_periodics",
	"make_pending_calls", "do_start_joinable_thread", "pythread_wrapper",
	"thread_run", "do_start_new_thread", "thread_PyThread_*",
	"ThreadHandle_*", "fatal_error*", "faulthandler_*", "dump_traceback",
	"dump_frame", "write_thread_id", "qsbr_*", "pymain_*", "run_mod",
	"run_eval_code_obj", "pyrun_file", "hamt_*", "memoryiter_*",
	"builtin_*", "subtype_dealloc", "type_call", "slot_tp_*", "mi_*",
	"_mi_*", "grow_thread_array",
};

static enum frame_use frame_use_named(const struct frame *, const char *);

static int
glob_list(const char *const *globs, size_t n, const char *name)
{
	size_t	i;

	if (name == NULL)
		return 0;
	for (i = 0; i < n; i++)
		if (glob_match(globs[i], name))
			return 1;
	return 0;
}

/* Is the name a sanitizer runtime function or interceptor alias? */
int
classify_name_is_runtime(const char *name)
{
	return glob_list(runtime_globs, nitems(runtime_globs), name);
}

/* Is the name a libc function that the sanitizers intercept? */
int
classify_name_is_intercepted(const char *name)
{
	return glob_list(intercepted_globs, nitems(intercepted_globs), name);
}

/* Is the name a C API call that attaches or detaches a thread state? */
int
classify_name_is_attach(const char *name)
{
	return glob_list(attach_globs, nitems(attach_globs), name);
}

/*
 * The class a function name alone implies, for frames with neither module
 * nor source path; FC__COUNT when the name says nothing.
 */
enum frame_class
classify_name_class(const char *name)
{
	if (name == NULL)
		return FC__COUNT;
	if (classify_name_is_runtime(name))
		return FC_SANITIZER;
	if (glob_list(libc_name_globs, nitems(libc_name_globs), name))
		return FC_LIBC;
	if (glob_match("PyInit_*", name))
		return FC__COUNT;
	if (glob_match("_Py*", name) || glob_match("Py[A-Z]*", name) ||
	    glob_match("Py_*", name) ||
	    glob_list(cpython_name_globs, nitems(cpython_name_globs), name))
		return FC_INTERPRETER;
	return FC__COUNT;
}

static int
scope_applies(enum scope sc, enum frame_class c)
{
	switch (sc) {
	case SC_ANY:
		return 1;
	case SC_CPYTHON:
		return c == FC_INTERPRETER || c == FC_STDLIB_EXT ||
		    c == FC_UNKNOWN;
	case SC_INTERP:
		return c == FC_INTERPRETER;
	}
	return 0;
}

/*
 * What a classified frame is to blame and grouping.  The class decides for
 * runtime and libc frames (except lock wrappers, which stay visible as a
 * prefix); otherwise the name tables, then FU_CODE.
 */
enum frame_use
frame_use(const struct frame *f)
{
	enum frame_use	 u;
	char		*name;

	if (f->function == NULL || f->cls == FC_PYTHON)
		return frame_use_named(f, f->function);
	name = name_normalize(f->function);
	u = frame_use_named(f, name);
	free(name);
	return u;
}

/* frame_use() with the frame's name already normalised. */
static enum frame_use
frame_use_named(const struct frame *f, const char *name)
{
	size_t	 i;

	if (f->cls == FC_PYTHON) {
		if (name == NULL)
			return FU_NONAME;
		for (i = 0; i < nitems(python_plumbing); i++)
			if (f->file != NULL &&
			    glob_match(python_plumbing[i].file_glob, f->file) &&
			    glob_match(python_plumbing[i].function_glob,
			    name))
				return FU_PLUMBING;
		return FU_CODE;
	}
	if (name == NULL) {
		if (f->cls == FC_SANITIZER)
			return FU_RUNTIME;
		if (f->cls == FC_LIBC)
			return FU_LIBC;
		return FU_NONAME;
	}
	for (i = 0; i < nitems(use_table); i++) {
		if (!scope_applies(use_table[i].scope, f->cls))
			continue;
		if (!glob_match(use_table[i].glob, name))
			continue;
		/* Runtime and libc frames are only visible as locks. */
		if (f->cls == FC_SANITIZER && use_table[i].use != FU_LOCK)
			return FU_RUNTIME;
		if (f->cls == FC_LIBC && use_table[i].use != FU_LOCK &&
		    use_table[i].use != FU_FATAL)
			return FU_LIBC;
		return use_table[i].use;
	}
	if (f->cls == FC_SANITIZER)
		return FU_RUNTIME;
	if (f->cls == FC_LIBC)
		return FU_LIBC;
	return FU_CODE;
}

/* A short phrase for what a frame use means, for explanations. */
const char *
frame_use_name(enum frame_use u)
{
	static const char *const names[FU__COUNT] = {
		"code",
		"sanitizer runtime",
		"libc/system",
		"fatal-error machinery",
		"refcount/atomic helper",
		"lock wrapper",
		"call/eval plumbing",
		"eval-loop mega-function",
		"unsymbolized",
	};

	return (unsigned)u < FU__COUNT ? names[u] : "?";
}

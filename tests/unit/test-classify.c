/*
 * test-classify.c: unit tests of classify.c and classify-names.c -- frame
 * classes and packages from modules, paths and names; frame uses; the top
 * frame and the culprit of hand-built reports shaped like the corpus.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "fttriage.h"
#include "helpers.h"

/* Classify one frame given as "function|file|module". */
static struct frame *
one(struct report **rp, const char *spec)
{
	const char *frames[] = { spec, NULL };
	struct stack *s;

	*rp = report_new(RK_TSAN_DATA_RACE);
	s = add_stack(*rp, SR_CURRENT, frames);
	classify_report(*rp);
	return &s->frames[0];
}

static void
class_is(const char *spec, enum frame_class want, const char *package)
{
	struct report	*r;
	struct frame	*f = one(&r, spec);

	if (f->cls != want)
		ck_abort_msg("%s: class %s, want %s", spec,
		    frame_class_name(f->cls), frame_class_name(want));
	if (package == NULL)
		ck_assert_msg(f->package == NULL || want == FC_LIBRARY,
		    "%s: package %s, want none", spec, f->package);
	else {
		ck_assert_msg(f->package != NULL, "%s: no package", spec);
		ck_assert_str_eq(f->package, package);
	}
	report_free(r);
}

START_TEST(test_sanitizer)
{
	class_is("__interceptor_pthread_mutex_lock||libtsan.so.2",
	    FC_SANITIZER, NULL);
	class_is("__tsan_write8||", FC_SANITIZER, NULL);
	class_is("||libtsan.so.2", FC_SANITIZER, NULL);
	class_is("pthread_create||libclang_rt.tsan_osx_dynamic.dylib",
	    FC_SANITIZER, NULL);
	class_is("pthread_create|../../../../src/libsanitizer/tsan/"
	    "tsan_interceptors_posix.cpp|libtsan.so.0", FC_SANITIZER, NULL);
	/* clang links the runtime into the executable. */
	class_is("pthread_create||python", FC_SANITIZER, NULL);
	class_is("free||racy", FC_SANITIZER, NULL);
	class_is("asan_thread_start(void*)|asan_interceptors.cpp.o|",
	    FC_SANITIZER, NULL);
}
END_TEST

START_TEST(test_libc)
{
	class_is("start_thread|nptl/pthread_create.c:442|", FC_LIBC, NULL);
	class_is("__pthread_kill_implementation|nptl/pthread_kill.c|",
	    FC_LIBC, NULL);
	class_is("raise|signal/../sysdeps/posix/raise.c|", FC_LIBC, NULL);
	class_is("__GI___clone3|misc/../sysdeps/unix/sysv/linux/x86_64/"
	    "clone3.S|", FC_LIBC, NULL);
	class_is("unlink_chunk|./malloc/malloc.c|", FC_LIBC, NULL);
	class_is("||libc.so.6", FC_LIBC, NULL);
	class_is("||/usr/lib/x86_64-linux-gnu/libc.so.6", FC_LIBC, NULL);
	class_is("std::__throw_bad_alloc()||libstdc++.so.6", FC_LIBC, NULL);
	class_is("__libc_start_main||", FC_LIBC, NULL);
	class_is("clone||", FC_LIBC, NULL);
	class_is("||libsystem_pthread.dylib", FC_LIBC, NULL);
}
END_TEST

START_TEST(test_interpreter)
{
	class_is("_PyEval_EvalFrameDefault||libpython3.14t.so.1.0",
	    FC_INTERPRETER, NULL);
	class_is("PyObject_Vectorcall|Objects/call.c|python3.16",
	    FC_INTERPRETER, NULL);
	class_is("x|object.c|python.exe", FC_INTERPRETER, NULL);
	class_is("x||python3.13t", FC_INTERPRETER, NULL);
	class_is("x||libpython3.14t.dylib", FC_INTERPRETER, NULL);
	class_is("x||python314t.dll", FC_INTERPRETER, NULL);
	/* Source paths matched on their suffix, without a module. */
	class_is("x|/__w/jax/jax/cpython/Objects/methodobject.c|",
	    FC_INTERPRETER, NULL);
	class_is("x|./Include/internal/pycore_call.h|", FC_INTERPRETER, NULL);
	class_is("x|/home/ci/.pyenv/sources/3.14.0t/Python-3.14.0/Python/"
	    "ceval.c|", FC_INTERPRETER, NULL);
	class_is("x|Parser/parser.c|", FC_INTERPRETER, NULL);
	/* Built-in Modules/ sources are the interpreter. */
	class_is("thread_run|./Modules/_threadmodule.c|", FC_INTERPRETER,
	    NULL);
	class_is("cancel_dump_traceback_later|./Modules/faulthandler.c|",
	    FC_INTERPRETER, NULL);
	/* Names alone, when nothing else is known. */
	class_is("_PyType_MergeThreadLocalRefcounts||", FC_INTERPRETER, NULL);
	class_is("insertdict||", FC_INTERPRETER, NULL);
}
END_TEST

START_TEST(test_stdlib_extension)
{
	class_is("dec_addstatus|Modules/_decimal/_decimal.c|"
	    "_decimal.cpython-316t-x86_64-linux-gnu.so", FC_STDLIB_EXT,
	    "_decimal");
	class_is("x||/usr/lib/python3.13t/lib-dynload/"
	    "_ctypes.cpython-313t-x86_64-linux-gnu.so", FC_STDLIB_EXT,
	    "_ctypes");
	class_is("x|Modules/arraymodule.c|", FC_STDLIB_EXT, "array");
	class_is("x|Modules/_json.c|", FC_STDLIB_EXT, "_json");
	class_is("x|../Modules/_ctypes/callproc.c|", FC_STDLIB_EXT, "_ctypes");
	/* Linked into the interpreter, still the stdlib module. */
	class_is("dec_addstatus|Modules/_decimal/_decimal.c|python3.14t",
	    FC_STDLIB_EXT, "_decimal");
	class_is("thread_run|Modules/_threadmodule.c|python3.14t",
	    FC_INTERPRETER, NULL);
}
END_TEST

START_TEST(test_extension)
{
	class_is("x||/venv/lib/python3.13t/site-packages/numpy/_core/"
	    "_multiarray_umath.cpython-313t-x86_64-linux-gnu.so",
	    FC_EXTENSION, "numpy");
	class_is("x||/usr/lib/python3/dist-packages/scipy/linalg/"
	    "_flapack.cpython-313t-aarch64-linux-gnu.so", FC_EXTENSION,
	    "scipy");
	class_is("x||foo.cpython-313t-x86_64-linux-gnu.so", FC_EXTENSION,
	    "foo");
	class_is("x||_mlir.cpython-313t-x86_64-linux-gnu.so", FC_EXTENSION,
	    "_mlir");
	class_is("x||C:\\py\\Lib\\site-packages\\sklearn\\utils\\"
	    "_openmp_helpers.cp313t-win_arm64.pyd", FC_EXTENSION, "sklearn");
	class_is("x||/s/site-packages/_cffi_backend.cpython-314t-x86_64-"
	    "linux-gnu.so", FC_EXTENSION, "_cffi_backend");
	/* The module wins over a CPython-looking name. */
	class_is("PyInit__umath||_umath.cpython-313t-x86_64-linux-gnu.so",
	    FC_EXTENSION, "_umath");
	class_is("PyArray_UpdateFlags||_multiarray_umath.cpython-313t-"
	    "x86_64-linux-gnu.so", FC_EXTENSION, "_multiarray_umath");
	/* Without a module, PyInit_ is an extension's, not CPython's. */
	class_is("PyInit_foo||", FC_UNKNOWN, NULL);
}
END_TEST

START_TEST(test_library_and_unknown)
{
	class_is("llvm::raw_ostream::write||libMLIRPythonCAPI.so.20.0git",
	    FC_LIBRARY, NULL);
	class_is("x||xla_extension.so", FC_LIBRARY, NULL);
	class_is("x||/v/site-packages/numpy.libs/libscipy_openblas64_-"
	    "ff651d7f.so", FC_LIBRARY, "numpy");
	class_is("_setimage|src/decode.c|", FC_UNKNOWN, NULL);
	class_is("clone_ref||test_proto_methods-05b8e58b31a1ac39",
	    FC_UNKNOWN, NULL);
	class_is("worker|/tmp/t.py|", FC_PYTHON, NULL);
}
END_TEST

START_TEST(test_inline_header_in_extension)
{
	struct report	*r;
	struct frame	*f;

	f = one(&r, "Py_INCREF|/usr/include/python3.13t/object.h|"
	    "foo.cpython-313t-x86_64-linux-gnu.so");
	ck_assert_int_eq(f->cls, FC_EXTENSION);   /* not marked inlined */
	report_free(r);
	r = report_new(RK_TSAN_DATA_RACE);
	{
		const char *fr[] = { "Py_INCREF|/usr/include/python3.13t/"
		    "object.h|foo.cpython-313t-x86_64-linux-gnu.so", NULL };
		struct stack *s = add_stack(r, SR_CURRENT, fr);

		s->frames[0].inlined = 1;
		classify_report(r);
		ck_assert_int_eq(s->frames[0].cls, FC_INTERPRETER);
	}
	report_free(r);
}
END_TEST

static void
use_is(const char *spec, enum frame_use want)
{
	struct report	*r;
	struct frame	*f = one(&r, spec);

	if (frame_use(f) != want)
		ck_abort_msg("%s: use '%s', want '%s'", spec,
		    frame_use_name(frame_use(f)), frame_use_name(want));
	report_free(r);
}

START_TEST(test_frame_use)
{
	use_is("_Py_IncRef|object.c|libpython3.14t.dylib", FU_HELPER);
	use_is("_Py_atomic_load_ptr|pyatomic_gcc.h|python", FU_HELPER);
	use_is("Py_DECREF|./Include/object.h|python", FU_HELPER);
	use_is("_Py_IsOwnedByCurrentThread||python", FU_HELPER);
	use_is("pthread_mutex_lock||libtsan.so.2", FU_LOCK);
	use_is("__interceptor_pthread_mutex_unlock||libtsan.so.2", FU_LOCK);
	use_is("PyMutex_Lock|Python/lock.c|python", FU_LOCK);
	use_is("_PyEval_EvalFrameDefault|generated_cases.c.h|python",
	    FU_MEGA);
	use_is("PyObject_Vectorcall|call.c|python", FU_PLUMBING);
	use_is("method_vectorcall_VARARGS|descrobject.c|python", FU_PLUMBING);
	use_is("thread_run|_threadmodule.c|python", FU_PLUMBING);
	use_is("main|python.c|python", FU_PLUMBING);
	use_is("main|racy.c|racy", FU_CODE);   /* a program's own main */
	use_is("fatal_error|Python/pylifecycle.c|", FU_FATAL);
	use_is("_Py_FatalErrorFunc|Python/pylifecycle.c|", FU_FATAL);
	use_is("__tsan_read8||libtsan.so.2", FU_RUNTIME);
	use_is("start_thread|nptl/pthread_create.c|", FU_LIBC);
	use_is("||libpython3.14t.so.1.0", FU_NONAME);
	/* Anchored: names that merely start like a helper are code. */
	use_is("free_threadstate|Python/pystate.c|", FU_CODE);
	use_is("main_loop||racy", FU_CODE);
	use_is("mainly||python", FU_CODE);
	/* An extension's own function named like plumbing is code. */
	use_is("context_run||foo.cpython-313t-x86_64-linux-gnu.so", FU_CODE);
}
END_TEST

/* The culprit of a report is the named function. */
static void
culprit_is(struct report *r, const char *want)
{
	const struct frame *f;

	classify_report(r);
	f = report_culprit(r);
	if (want == NULL) {
		ck_assert_ptr_null(f);
		return;
	}
	ck_assert_msg(f != NULL, "no culprit, want %s", want);
	ck_assert_str_eq(f->function, want);
}

START_TEST(test_culprit_skips_runtime_and_helpers)
{
	/* Shaped like corpus 043: _Py_IncRef from PyO3. */
	const char *cur[] = {
		"_Py_IncRef|object.c|libpython3.14t.dylib",
		"pyo3::instance::Py$LT$T$GT$::clone_ref::ha0081a8df2f9aba4|"
		    "|test_proto_methods-05b8e58b31a1ac39",
		NULL };
	struct report *r = report_new(RK_TSAN_DATA_RACE);
	int	 si, fi;

	add_stack(r, SR_CURRENT, cur);
	culprit_is(r, "pyo3::instance::Py<T>::clone_ref");
	ck_assert_int_eq(classify_top_frame(r, &si, &fi), 0);
	ck_assert_int_eq(fi, 1);
	ck_assert_str_eq(r->stacks[0].frames[1].function_raw,
	    "pyo3::instance::Py$LT$T$GT$::clone_ref::ha0081a8df2f9aba4");
	report_free(r);
}
END_TEST

START_TEST(test_culprit_extension_calling_api)
{
	/* extension -> PyDict_GetItem -> ... race: the extension. */
	const char *cur[] = {
		"__tsan_read8||libtsan.so.2",
		"_Py_dict_lookup|Objects/dictobject.c|libpython3.13t.so.1.0",
		"PyDict_GetItem|Objects/dictobject.c|libpython3.13t.so.1.0",
		"spam_lookup|spam.c|spam.cpython-313t-x86_64-linux-gnu.so",
		"cfunction_call|Objects/methodobject.c|libpython3.13t.so.1.0",
		"_PyEval_EvalFrameDefault|Python/generated_cases.c.h|"
		    "libpython3.13t.so.1.0",
		NULL };
	struct report *r = report_new(RK_TSAN_DATA_RACE);

	add_stack(r, SR_CURRENT, cur);
	culprit_is(r, "spam_lookup");
	report_free(r);
}
END_TEST

START_TEST(test_culprit_gilstate_is_cpython)
{
	/* Shaped like corpus 046: attaching a thread state is not a bug. */
	const char *cur[] = {
		"grow_thread_array|/__w/cpython/Python/qsbr.c|python3.13",
		"_Py_qsbr_reserve|/__w/cpython/Python/qsbr.c|python3.13",
		"new_threadstate|/__w/cpython/Python/pystate.c|python3.13",
		"PyGILState_Ensure|/__w/cpython/Python/pystate.c|python3.13",
		"nanobind::gil_scoped_acquire::gil_scoped_acquire()|"
		    "nb_misc.h|xla_extension.so",
		NULL };
	struct report *r = report_new(RK_TSAN_DATA_RACE);

	add_stack(r, SR_CURRENT, cur);
	culprit_is(r, "grow_thread_array");
	report_free(r);
}
END_TEST

START_TEST(test_culprit_all_cpython)
{
	/* Shaped like corpus 040 report 3: CPython only, past plumbing. */
	const char *cur[] = {
		"_Py_NewReference|object.c|python.exe",
		"_PyTuple_FromStackRefStealOnSuccess|tupleobject.c|python.exe",
		"_PyEvalFramePushAndInit|ceval.c|python.exe",
		"_PyEval_EvalFrameDefault|generated_cases.c.h|python.exe",
		"main|python.c|python.exe",
		NULL };
	struct report *r = report_new(RK_TSAN_DATA_RACE);

	add_stack(r, SR_CURRENT, cur);
	culprit_is(r, "_Py_NewReference");
	report_free(r);
}
END_TEST

START_TEST(test_culprit_thread_leak_creation_stack)
{
	const char *cre[] = {
		"pthread_create|../../../../src/libsanitizer/tsan/"
		    "tsan_interceptors_posix.cpp|libtsan.so.0",
		"do_start_joinable_thread|Python/thread_pthread.h|python",
		"PyThread_start_joinable_thread|Python/thread_pthread.h|python",
		NULL };
	struct report *r = report_new(RK_TSAN_THREAD_LEAK);

	add_stack(r, SR_THREAD_CREATION, cre);
	culprit_is(r, "do_start_joinable_thread");
	report_free(r);
}
END_TEST

START_TEST(test_culprit_fatal_native_stack)
{
	/* Shaped like corpus 022: blame the native stack, past libc,
	 * fatal-error machinery and the lock wrapper. */
	const char *py[] = { "arm|/home/x/repro.py|", NULL };
	const char *nat[] = {
		"__pthread_kill_implementation|./nptl/pthread_kill.c|",
		"__GI_raise|../sysdeps/posix/raise.c|",
		"__GI_abort|./stdlib/abort.c|",
		"fatal_error_exit|Python/pylifecycle.c|",
		"fatal_error|Python/pylifecycle.c|",
		"_Py_FatalErrorFunc|Python/pylifecycle.c|",
		"PyMutex_Unlock|Python/lock.c|",
		"cancel_dump_traceback_later|./Modules/faulthandler.c|",
		NULL };
	struct report *r = report_new(RK_PYTHON_FATAL);
	int	 si, fi;

	add_stack(r, SR_PYTHON, py)->frames[0].cls = FC_PYTHON;
	add_stack(r, SR_CURRENT, nat);
	culprit_is(r, "cancel_dump_traceback_later");
	/* The corpus's top frame is the first stack's: the Python one. */
	ck_assert_int_eq(classify_top_frame(r, &si, &fi), 0);
	ck_assert_int_eq(si, 0);
	report_free(r);
}
END_TEST

START_TEST(test_culprit_none)
{
	const char *cur[] = { "__tsan_func_entry||libtsan.so.2", NULL };
	struct report *r = report_new(RK_TSAN_DATA_RACE);

	add_stack(r, SR_CURRENT, cur);
	culprit_is(r, NULL);
	report_free(r);
	r = report_new(RK_PYTHON_FATAL);
	culprit_is(r, NULL);
	report_free(r);
}
END_TEST

START_TEST(test_module_normalize)
{
	static const char *const cases[][2] = {
		{ "libpython3.14t.so.1.0", "libpython3.14t" },
		{ "libMLIRPythonCAPI.so.20.0git", "libMLIRPythonCAPI" },
		{ "_multiarray_umath.cpython-313t-x86_64-linux-gnu.so",
		  "_multiarray_umath" },
		{ "/x/y/foo.cp313t-win_amd64.pyd", "foo" },
		{ "test_proto_methods-05b8e58b31a1ac39", "test_proto_methods" },
		{ "libfoo-1.2.3.so", "libfoo" },
		{ "python3.13t", "python3.13t" },
		{ "libtsan.so.2", "libtsan" },
	};
	size_t	 i;

	for (i = 0; i < nitems(cases); i++) {
		char *got = module_normalize(cases[i][0]);

		ck_assert_str_eq(got, cases[i][1]);
		free(got);
	}
}
END_TEST

START_TEST(test_python_module_name)
{
	static const char *const cases[][2] = {
		{ "/usr/local/lib/python3.13t/dist-packages/viztracer/"
		  "tracer.py", "viztracer.tracer" },
		{ "/usr/lib/python3.13/threading.py", "threading" },
		{ "/b/ft/Lib/concurrent/futures/thread.py",
		  "concurrent.futures.thread" },
		{ "/tmp/repro.py", "repro" },
		{ "/v/site-packages/numpy/__init__.py", "numpy" },
	};
	size_t	 i;

	for (i = 0; i < nitems(cases); i++) {
		char *got = python_module_name(cases[i][0]);

		ck_assert_str_eq(got, cases[i][1]);
		free(got);
	}
}
END_TEST

static Suite *
classify_suite(void)
{
	Suite	*s = suite_create("classify");
	TCase	*tc = tcase_create("classify");

	tcase_add_test(tc, test_sanitizer);
	tcase_add_test(tc, test_libc);
	tcase_add_test(tc, test_interpreter);
	tcase_add_test(tc, test_stdlib_extension);
	tcase_add_test(tc, test_extension);
	tcase_add_test(tc, test_library_and_unknown);
	tcase_add_test(tc, test_inline_header_in_extension);
	tcase_add_test(tc, test_frame_use);
	tcase_add_test(tc, test_culprit_skips_runtime_and_helpers);
	tcase_add_test(tc, test_culprit_extension_calling_api);
	tcase_add_test(tc, test_culprit_gilstate_is_cpython);
	tcase_add_test(tc, test_culprit_all_cpython);
	tcase_add_test(tc, test_culprit_thread_leak_creation_stack);
	tcase_add_test(tc, test_culprit_fatal_native_stack);
	tcase_add_test(tc, test_culprit_none);
	tcase_add_test(tc, test_module_normalize);
	tcase_add_test(tc, test_python_module_name);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(classify_suite());

	srunner_set_tap(sr, "-");
	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_SILENT);
	srunner_free(sr);
	return 0;
}

/*
 * test-names.c: unit tests of names.c and names-rust.c -- demangling of
 * C++ and Rust (legacy and v0) names, the clean-up of half-demangled Rust
 * names, and the normalised form used for grouping.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "fttriage.h"

/* Check that name_normalize(in) is want, and that it is idempotent. */
static void
norm_is(const char *in, const char *want)
{
	char	*got, *again;

	got = name_normalize(in);
	ck_assert_str_eq(got, want);
	again = name_normalize(got);
	ck_assert_str_eq(again, got);
	free(again);
	free(got);
}

static void
demangle_is(const char *in, const char *want)
{
	char	*got = name_demangle(in);

	if (want == NULL) {
		ck_assert_ptr_null(got);
		return;
	}
	ck_assert_ptr_nonnull(got);
	ck_assert_str_eq(got, want);
	free(got);
}

START_TEST(test_plain_c_untouched)
{
	demangle_is("PyDict_GetItem", NULL);
	demangle_is("main", NULL);
	norm_is("PyDict_GetItem", "PyDict_GetItem");
	norm_is("free_threadstate", "free_threadstate");
	norm_is("_PyEval_EvalFrameDefault", "_PyEval_EvalFrameDefault");
}
END_TEST

START_TEST(test_cxx_demangle)
{
#ifdef HAVE_CXA_DEMANGLE
	demangle_is("_ZN4llvm14raw_fd_ostream10write_implEPKcm",
	    "llvm::raw_fd_ostream::write_impl(char const*, unsigned long)");
	norm_is("_ZN4llvm14raw_fd_ostream10write_implEPKcm",
	    "llvm::raw_fd_ostream::write_impl");
	/* gcc's clone of a C++ function, as the symbol table has it. */
	norm_is("_ZN3foo3barEv.cold", "foo::bar");
	norm_is("__ZN3foo3barEv", "foo::bar");
#else
	demangle_is("_ZN3foo3barEv", NULL);
#endif
}
END_TEST

START_TEST(test_cxx_normalize)
{
	norm_is("llvm::raw_ostream::operator<<(char const*)",
	    "llvm::raw_ostream::operator<<");
	norm_is("llvm::raw_ostream::operator<<(llvm::StringRef)",
	    "llvm::raw_ostream::operator<<");
	norm_is("nanobind::gil_scoped_acquire::gil_scoped_acquire()",
	    "nanobind::gil_scoped_acquire::gil_scoped_acquire");
	norm_is("Foo::operator bool() const", "Foo::operator bool");
	norm_is("operator new(unsigned long)", "operator new");
	/* C varargs are not Rust's "..". */
	demangle_is("log_printf(char const*, ...)", NULL);
	norm_is("log_printf(char const*, ...)", "log_printf");
	norm_is("foo::operator delete[](void*)", "foo::operator delete[]");
	norm_is("std::__cxx11::basic_string<char>::basic_string[abi:cxx11]"
	    "(char const*)", "std::__cxx11::basic_string<char>::basic_string");
	/* The return type of a template and a trailing && go. */
	norm_is("void pybind11::detail::argument_loader<A&, bool>::"
	    "call_impl<void, F&, 0ul>(F&, pybind11::detail::void_type&&) &&",
	    "pybind11::detail::argument_loader<A&, bool>::call_impl<void, "
	    "F&, 0ul>");
	norm_is("(anonymous namespace)::IRPrinterInstrumentation::"
	    "runAfterPass(mlir::Pass*, mlir::Operation*)",
	    "(anonymous namespace)::IRPrinterInstrumentation::runAfterPass");
}
END_TEST

START_TEST(test_lambda_numbering)
{
	/* gcc and clang number lambdas; the numbers move between builds. */
	norm_is("foo()::{lambda(int)#2}::operator()(int) const",
	    "foo()::{lambda}::operator()");
	norm_is("mlir::python::populatePassManagerSubmodule(pybind11::"
	    "module_&)::$_5::operator()(bool) const",
	    "mlir::python::populatePassManagerSubmodule(pybind11::module_&)::"
	    "$_::operator()");
	{
		char *a = name_normalize("f()::$_1::operator()() const");
		char *b = name_normalize("f()::$_7::operator()() const");

		ck_assert_str_eq(a, b);
		free(a);
		free(b);
	}
}
END_TEST

START_TEST(test_clone_suffixes)
{
	norm_is("foo.cold", "foo");
	norm_is("foo.isra.0", "foo");
	norm_is("foo.constprop.3", "foo");
	norm_is("foo.part.0", "foo");
	norm_is("foo.lto_priv.0", "foo");
	norm_is("foo.isra.0.cold", "foo");
	norm_is("foo.constprop.0.isra.0", "foo");
	norm_is("foo(int) [clone .isra.0] [clone .cold]", "foo");
	/* Not a clone suffix: a dot inside a name stays. */
	norm_is("foo.bar", "foo.bar");
}
END_TEST

START_TEST(test_interceptor_prefixes)
{
	norm_is("__interceptor_pthread_mutex_lock", "pthread_mutex_lock");
	norm_is("___interceptor_free", "free");
	norm_is("__interceptor_trampoline_malloc", "malloc");
	norm_is("__tsan_memcpy", "memcpy");
	norm_is("__GI_raise", "raise");
	norm_is("__GI___pthread_kill", "__pthread_kill");
	/* Runtime entry points that are not libc aliases keep their name. */
	norm_is("__tsan_read8", "__tsan_read8");
	norm_is("__tsan_func_entry", "__tsan_func_entry");
}
END_TEST

START_TEST(test_rust_legacy)
{
	demangle_is("_ZN4pyo38instance11Py$LT$T$GT$9clone_ref"
	    "17ha0081a8df2f9aba4E", "pyo3::instance::Py<T>::clone_ref");
	demangle_is("_ZN60_$LT$pyo3..types..any..PyAny$u20$as$u20$core..fmt.."
	    "Debug$GT$3fmt17h0123456789abcdefE",
	    "<pyo3::types::any::PyAny as core::fmt::Debug>::fmt");
	/* Without the hash element it is not Rust: left to the C++ path. */
	norm_is("_ZN3std2rt10lang_start17h0123456789abcdefE",
	    "std::rt::lang_start");
}
END_TEST

START_TEST(test_rust_printed_by_symbolizer)
{
	/* TSan's symbolizer leaves legacy escapes and the hash in place. */
	norm_is("pyo3::instance::Py$LT$T$GT$::clone_ref::ha0081a8df2f9aba4",
	    "pyo3::instance::Py<T>::clone_ref");
	norm_is("std::sys::pal::unix::sync::mutex::Mutex::init::"
	    "h6886e9b7534366a4", "std::sys::pal::unix::sync::mutex::Mutex::init");
	norm_is("_$LT$pyo3..Py$LT$T$GT$$u20$as$u20$core..clone..Clone$GT$::"
	    "clone::h0011223344556677",
	    "<pyo3::Py<T> as core::clone::Clone>::clone");
	norm_is("core::ptr::drop_in_place$LT$$RF$str$GT$::h0123456789abcdef",
	    "core::ptr::drop_in_place<&str>");
}
END_TEST

START_TEST(test_rust_v0)
{
	demangle_is("_RNvMsr_NtCs3ssYzQotkvD_3std4pathNtB5_7PathBuf3new",
	    "<std::path::PathBuf>::new");
	demangle_is("_RNvNtCs1234_7mycrate3foo3bar", "mycrate::foo::bar");
	demangle_is("_RINvNtC3std3mem8align_ofjE", "std::mem::align_of::<usize>");
	demangle_is("_RNCNvC4test4main0B3_", "test::main::{closure}");
	demangle_is("_RINvC1a1fRShE", "a::f::<&[u8]>");
	demangle_is("_RINvC1a1fTlmEE", "a::f::<(i32, u32)>");
	demangle_is("_RNvXs_NtC4pyo34typeNtB4_5PyAnyNtNtC4core3fmt5Debug3fmt",
	    "<pyo3::type::PyAny as core::fmt::Debug>::fmt");
	/* macOS adds an underscore. */
	demangle_is("__RNvC4test4main", "test::main");
}
END_TEST

START_TEST(test_rust_v0_hostile)
{
	/* Malformed or self-referencing input gives NULL, never a crash. */
	demangle_is("_R", NULL);
	demangle_is("_RNvB_3foo", NULL);
	demangle_is("_RNvC999999999999999999999foo", NULL);
	demangle_is("_RINvC1a1fBs_E", NULL);
	demangle_is("_RIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIII"
	    "IIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIC1aEEEEEEEE", NULL);
	demangle_is("_RNvC1a", NULL);
}
END_TEST

START_TEST(test_names_report_keeps_raw)
{
	struct report	*r = report_new(RK_TSAN_DATA_RACE);
	struct stack	*s = report_add_stack(r, SR_CURRENT, NULL);
	struct frame	*f;

	f = stack_add_frame(s);
	f->function = xstrdup("foo.isra.0");
	f = stack_add_frame(s);
	f->function = xstrdup("worker");
	f->file = xstrdup("/x/t.py");
	f->cls = FC_PYTHON;
	f = stack_add_frame(s);
	f->function = xstrdup("pyo3::instance::Py$LT$T$GT$::clone_ref::"
	    "ha0081a8df2f9aba4");
	f = stack_add_frame(s);
	f->function = xstrdup("_RNvNtCs1234_7mycrate3foo3bar");
	names_report(r);
	names_report(r);   /* twice: nothing changes */
	/* Readable, not normalised: the clone suffix is evidence. */
	ck_assert_str_eq(s->frames[0].function, "foo.isra.0");
	ck_assert_ptr_null(s->frames[0].function_raw);
	ck_assert_str_eq(s->frames[1].function, "worker");
	ck_assert_ptr_null(s->frames[1].function_raw);
	ck_assert_str_eq(s->frames[2].function,
	    "pyo3::instance::Py<T>::clone_ref");
	ck_assert_str_eq(s->frames[2].function_raw,
	    "pyo3::instance::Py$LT$T$GT$::clone_ref::ha0081a8df2f9aba4");
	ck_assert_str_eq(s->frames[3].function, "mycrate::foo::bar");
	ck_assert_str_eq(s->frames[3].function_raw,
	    "_RNvNtCs1234_7mycrate3foo3bar");
	report_free(r);
}
END_TEST

static Suite *
names_suite(void)
{
	Suite	*s = suite_create("names");
	TCase	*tc = tcase_create("names");

	tcase_add_test(tc, test_plain_c_untouched);
	tcase_add_test(tc, test_cxx_demangle);
	tcase_add_test(tc, test_cxx_normalize);
	tcase_add_test(tc, test_lambda_numbering);
	tcase_add_test(tc, test_clone_suffixes);
	tcase_add_test(tc, test_interceptor_prefixes);
	tcase_add_test(tc, test_rust_legacy);
	tcase_add_test(tc, test_rust_printed_by_symbolizer);
	tcase_add_test(tc, test_rust_v0);
	tcase_add_test(tc, test_rust_v0_hostile);
	tcase_add_test(tc, test_names_report_keeps_raw);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(names_suite());

	/* TAP on stdout for the harness; one process per test. */
	srunner_set_tap(sr, "-");
	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_SILENT);
	srunner_free(sr);
	return 0;
}

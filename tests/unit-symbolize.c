/*
 * unit-symbolize.c: the symbolize stage's rules, on this very program.
 *
 * The test binary is built with debug information, so it is its own
 * module: frames are made up from the offsets of its functions, and
 * symbolize_report must fill them as the frame's pc policy and contents
 * say.  Run with Check, one process per test; the output is TAP.
 */
#include "config.h"

#include <dlfcn.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "fttriage.h"

static char	 self[PATH_MAX];
static uintptr_t base;
static uintptr_t ret_addr;
static unsigned	 call_line;

static void __attribute__((noinline))
callee(void)
{
	ret_addr = (uintptr_t)__builtin_return_address(0);
	__asm__ volatile("" ::: "memory");
}

static int __attribute__((noinline))
caller(int n)
{
	int	k = n * 3;

	call_line = __LINE__ + 1;
	callee();
	return k + n;
}

static void
setup(void)
{
	Dl_info	 info;
	ssize_t	 n;

	n = readlink("/proc/self/exe", self, sizeof self - 1);
	ck_assert_int_gt(n, 0);
	self[n] = '\0';
	ck_assert_int_ne(dladdr((void *)caller, &info), 0);
	base = (uintptr_t)info.dli_fbase;
	caller(2);
}

/* A report with one stack of one frame in this program. */
static struct report *
one_frame(uint64_t offset, enum pc_kind pc, struct frame **fp)
{
	struct report	*r = report_new(RK_TSAN_DATA_RACE);
	struct stack	*st = report_add_stack(r, SR_CURRENT, NULL);
	struct frame	*f = stack_add_frame(st);

	f->index = 7;
	f->module = xstrdup(path_basename(self));
	f->module_path = xstrdup(self);
	f->offset = offset;
	f->has_offset = 1;
	f->pc = pc;
	*fp = f;
	return r;
}

START_TEST(test_previous_pc)
{
	struct symbolizer *sym = symbolizer_new();
	struct frame	*f;
	struct report	*r = one_frame(ret_addr - base - 1, PC_PREVIOUS, &f);

	ck_assert_int_eq(symbolize_report(sym, r), 1);
	f = &r->stacks[0].frames[r->stacks[0].nframes - 1];
	ck_assert_str_eq(f->function, "caller");
	ck_assert_uint_eq(f->line, call_line);
	ck_assert_int_eq(f->source, FS_SYMBOLIZED);
	ck_assert_uint_eq(f->index, 7);
	ck_assert_ptr_nonnull(strstr(f->file, "unit-symbolize.c"));
	report_free(r);
	symbolizer_free(sym);
}
END_TEST

START_TEST(test_return_pc)
{
	struct symbolizer *sym = symbolizer_new();
	struct frame	*f;
	struct report	*r = one_frame(ret_addr - base, PC_RETURN, &f);

	/* A return address is moved back into the call instruction. */
	ck_assert_int_eq(symbolize_report(sym, r), 1);
	f = &r->stacks[0].frames[r->stacks[0].nframes - 1];
	ck_assert_str_eq(f->function, "caller");
	ck_assert_uint_eq(f->line, call_line);
	report_free(r);
	symbolizer_free(sym);
}
END_TEST

START_TEST(test_printed_function_kept)
{
	struct symbolizer *sym = symbolizer_new();
	struct frame	*f;
	struct report	*r = one_frame(ret_addr - base - 1, PC_PREVIOUS, &f);

	f->function = xstrdup("caller_as_printed");
	ck_assert_int_eq(symbolize_report(sym, r), 1);
	f = &r->stacks[0].frames[r->stacks[0].nframes - 1];
	ck_assert_str_eq(f->function, "caller_as_printed");
	ck_assert_uint_eq(f->line, call_line);
	report_free(r);
	symbolizer_free(sym);
}
END_TEST

START_TEST(test_complete_frame_untouched)
{
	struct symbolizer *sym = symbolizer_new();
	struct frame	*f;
	struct report	*r = one_frame(ret_addr - base - 1, PC_PREVIOUS, &f);

	f->function = xstrdup("f");
	f->file = xstrdup("x.c");
	f->line = 3;
	ck_assert_int_eq(symbolize_report(sym, r), 0);
	ck_assert_str_eq(f->file, "x.c");
	ck_assert_uint_eq(f->line, 3);
	ck_assert_int_eq(f->source, FS_PRINTED);
	report_free(r);
	symbolizer_free(sym);
}
END_TEST

START_TEST(test_build_id_mismatch)
{
	struct symbolizer *sym = symbolizer_new();
	struct frame	*f;
	struct report	*r = one_frame(ret_addr - base - 1, PC_PREVIOUS, &f);

	f->build_id = xstrdup("0123456789abcdef0123456789abcdef01234567");
	ck_assert_int_eq(symbolize_report(sym, r), 0);
	ck_assert_ptr_null(f->function);
	report_free(r);
	symbolizer_free(sym);
}
END_TEST

START_TEST(test_summary_path)
{
	struct symbolizer *sym = symbolizer_new();
	struct frame	*f;
	struct report	*r = one_frame(ret_addr - base - 1, PC_PREVIOUS, &f);

	/* Only the basename on the frame: the SUMMARY path finds it. */
	free(f->module_path);
	f->module_path = NULL;
	report_set_attr(r, "summary_module", self);
	ck_assert_int_eq(symbolize_report(sym, r), 1);
	f = &r->stacks[0].frames[r->stacks[0].nframes - 1];
	ck_assert_str_eq(f->function, "caller");
	ck_assert_str_eq(f->module_path, self);
	report_free(r);
	symbolizer_free(sym);
}
END_TEST

START_TEST(test_unknown_module)
{
	struct symbolizer *sym = symbolizer_new();
	struct frame	*f;
	struct report	*r = one_frame(0x1234, PC_PREVIOUS, &f);

	free(f->module);
	free(f->module_path);
	f->module = xstrdup("no-such-module.so");
	f->module_path = NULL;
	ck_assert_int_eq(symbolize_report(sym, r), 0);
	ck_assert_ptr_null(f->function);
	ck_assert_int_eq(f->source, FS_PRINTED);
	report_free(r);
	symbolizer_free(sym);
}
END_TEST

START_TEST(test_no_offset)
{
	struct symbolizer *sym = symbolizer_new();
	struct frame	*f;
	struct report	*r = one_frame(0, PC_RETURN, &f);

	f->has_offset = 0;
	ck_assert_int_eq(symbolize_report(sym, r), 0);
	ck_assert_ptr_null(f->function);
	report_free(r);
	symbolizer_free(sym);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("symbolize");
	TCase	*tc = tcase_create("report");
	SRunner	*sr;
	int	 failed;

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_previous_pc);
	tcase_add_test(tc, test_return_pc);
	tcase_add_test(tc, test_printed_function_kept);
	tcase_add_test(tc, test_complete_frame_untouched);
	tcase_add_test(tc, test_build_id_mismatch);
	tcase_add_test(tc, test_summary_path);
	tcase_add_test(tc, test_unknown_module);
	tcase_add_test(tc, test_no_offset);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_set_tap(sr, "-");
	srunner_run_all(sr, CK_SILENT);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}

/*
 * test-fingerprint.c: unit tests of fingerprint.c on hand-built reports --
 * symmetry, "? | A", what is ignored (addresses, lines, runtime frames,
 * clone suffixes, interceptor prefixes), what is kept (helper prefixes),
 * and the key of each report kind.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "fttriage.h"
#include "helpers.h"

static struct report *
race(const char *const *cur, const char *const *prev)
{
	struct report *r = report_new(RK_TSAN_DATA_RACE);

	if (cur != NULL)
		add_stack(r, SR_CURRENT, cur);
	if (prev != NULL)
		add_stack(r, SR_PREVIOUS, prev);
	classify_report(r);
	fingerprint_report(r);
	return r;
}

static char *
key_of(struct report *r)
{
	return fingerprint_key(r);
}

static void
same(struct report *a, struct report *b)
{
	char	*ka = key_of(a), *kb = key_of(b);

	ck_assert_str_eq(ka, kb);
	ck_assert_str_eq(a->fingerprint, b->fingerprint);
	free(ka);
	free(kb);
	report_free(a);
	report_free(b);
}

static void
differ(struct report *a, struct report *b)
{
	char	*ka = key_of(a), *kb = key_of(b);

	ck_assert_str_ne(ka, kb);
	ck_assert_str_ne(a->fingerprint, b->fingerprint);
	free(ka);
	free(kb);
	report_free(a);
	report_free(b);
}

static void
key_is(struct report *r, const char *want)
{
	char	*k = key_of(r);

	ck_assert_str_eq(k, want);
	free(k);
	report_free(r);
}

static const char *const writer[] = {
	"writer|race.c|race", "thread_a|race.c|race",
	"__tsan_thread_start_func||libtsan.so.2", NULL };
static const char *const reader[] = {
	"reader|race.c|race", "main|race.c|race", NULL };

START_TEST(test_format_and_version)
{
	struct report	*r = race(writer, reader);
	char		*k = key_of(r);
	size_t		 i;

	ck_assert_int_eq(strlen(r->fingerprint), 3 + 16);
	ck_assert(strncmp(r->fingerprint, "v1:", 3) == 0);
	for (i = 3; i < 19; i++)
		ck_assert(strchr("0123456789abcdef", r->fingerprint[i]));
	ck_assert(strncmp(k, "v1 tsan-data-race :: ", 21) == 0);
	ck_assert_int_eq(FP_ALGO_VERSION, 1);
	free(k);
	report_free(r);
}
END_TEST

START_TEST(test_hash)
{
	/* FNV-1a 64 reference values. */
	ck_assert(fingerprint_hash("") == 0xcbf29ce484222325ULL);
	ck_assert(fingerprint_hash("a") == 0xaf63dc4c8601ec8cULL);
	ck_assert(fingerprint_hash("foobar") == 0x85944171f73967e8ULL);
}
END_TEST

START_TEST(test_race_symmetric)
{
	same(race(writer, reader), race(reader, writer));
	key_is(race(writer, reader),
	    "v1 tsan-data-race :: reader | writer");
}
END_TEST

START_TEST(test_one_stack)
{
	key_is(race(writer, NULL), "v1 tsan-data-race :: ? | writer");
	key_is(race(NULL, writer), "v1 tsan-data-race :: ? | writer");
	/* Never "A | A" for one stack, but a real A-A race keys so. */
	differ(race(writer, NULL), race(writer, writer));
}
END_TEST

START_TEST(test_addresses_lines_ignored)
{
	struct report *a = race(writer, reader), *b = race(writer, reader);

	b->stacks[0].frames[0].line = 99;
	b->stacks[0].frames[0].offset = 0x1234;
	b->stacks[0].frames[0].address = 0x7fff1234;
	b->stacks[0].thread = xstrdup("T7");
	b->pid = 4242;
	free(b->fingerprint);
	b->fingerprint = NULL;
	fingerprint_report(b);
	same(a, b);
}
END_TEST

START_TEST(test_runtime_and_clone_suffixes_ignored)
{
	const char *const w2[] = {
		"__tsan_write8||libtsan.so.2", "writer.isra.0|race.c|race",
		"thread_a.constprop.0|race.c|race", NULL };

	same(race(writer, reader), race(w2, reader));
}
END_TEST

START_TEST(test_different_races_differ)
{
	const char *const other[] = { "other_writer|race.c|race", NULL };

	differ(race(writer, reader), race(other, reader));
}
END_TEST

START_TEST(test_helper_prefix)
{
	/* Walk through the helpers to the extension; keep them in front. */
	const char *const inc[] = {
		"_Py_atomic_add_ssize|pyatomic_gcc.h|libpython3.13t.so.1.0",
		"Py_INCREF|object.h|libpython3.13t.so.1.0",
		"get_item|mod.c|mod.cpython-313t-x86_64-linux-gnu.so",
		"cfunction_call|methodobject.c|libpython3.13t.so.1.0", NULL };

	key_is(race(inc, NULL), "v1 tsan-data-race :: ? | "
	    "_Py_atomic_add_ssize>Py_INCREF>get_item@mod");
}
END_TEST

START_TEST(test_locks_prefix_and_aliases)
{
	const char *const a[] = {
		"__interceptor_pthread_mutex_lock||libtsan.so.2",
		"take|q.c|q", NULL };
	const char *const b[] = {
		"pthread_mutex_lock||libtsan.so.2", "take|q.c|q", NULL };

	same(race(a, NULL), race(b, NULL));
	key_is(race(a, NULL),
	    "v1 tsan-data-race :: ? | pthread_mutex_lock>take");
}
END_TEST

START_TEST(test_eval_loop_not_alone)
{
	/* A race in the eval loop: never keyed by the eval loop alone. */
	const char *const ev[] = {
		"Py_DECREF|object.h|python",
		"_PyEval_EvalFrameDefault|generated_cases.c.h|python",
		"_PyEval_Vector|ceval.c|python",
		"spam_call|spam.c|spam.cpython-313t-x86_64-linux-gnu.so",
		NULL };
	const char *const ev2[] = {
		"_PyEval_EvalFrameDefault|generated_cases.c.h|python",
		"_PyEval_Vector|ceval.c|python",
		"thread_run|_threadmodule.c|python", NULL };

	key_is(race(ev, NULL), "v1 tsan-data-race :: ? | Py_DECREF>"
	    "_PyEval_EvalFrameDefault>spam_call@spam");
	key_is(race(ev2, writer), "v1 tsan-data-race :: "
	    "_PyEval_EvalFrameDefault | writer");
	/* With a location, what was raced on joins the key. */
	{
		struct report *r = report_new(RK_TSAN_DATA_RACE);

		add_stack(r, SR_CURRENT, ev2);
		add_stack(r, SR_PREVIOUS, ev2);
		report_set_attr(r, "location", "global '_PyRuntime' of size "
		    "424320 at 0x55555604df40 (python+0xb266a8)");
		classify_report(r);
		key_is(r, "v1 tsan-data-race :: _PyEval_EvalFrameDefault"
		    " | _PyEval_EvalFrameDefault | in global "
		    "'_PyRuntime'");
	}
}
END_TEST

START_TEST(test_api_caller_in_key)
{
	const char *const a[] = {
		"_Py_dict_lookup|dictobject.c|libpython3.13t.so.1.0",
		"PyDict_GetItem|dictobject.c|libpython3.13t.so.1.0",
		"lookup|a.c|a.cpython-313t-x86_64-linux-gnu.so", NULL };
	const char *const b[] = {
		"_Py_dict_lookup|dictobject.c|libpython3.13t.so.1.0",
		"PyDict_GetItem|dictobject.c|libpython3.13t.so.1.0",
		"lookup|b.c|/v/site-packages/bpkg/b.cpython-313t-x86_64-"
		    "linux-gnu.so", NULL };

	key_is(race(a, NULL), "v1 tsan-data-race :: ? | "
	    "_Py_dict_lookup@python <- lookup@a");
	differ(race(a, NULL), race(b, NULL));
	{
		/* Known path or not, one extension keeps one name. */
		struct report *r = report_new(RK_TSAN_DATA_RACE);
		struct stack *s = add_stack(r, SR_CURRENT, b);

		s->frames[2].module_path = s->frames[2].module;
		s->frames[2].module = xstrdup("b.cpython-313t-x86_64-linux-gnu.so");
		classify_report(r);
		ck_assert_str_eq(s->frames[2].package, "bpkg");
		key_is(r, "v1 tsan-data-race :: ? | "
		    "_Py_dict_lookup@python <- lookup@b");
		r = report_new(RK_TSAN_DATA_RACE);
		s = add_stack(r, SR_CURRENT, b);
		free(s->frames[2].module);
		s->frames[2].module = xstrdup("b.cpython-313t-x86_64-linux-gnu.so");
		classify_report(r);
		ck_assert_str_eq(s->frames[2].package, "b");
		key_is(r, "v1 tsan-data-race :: ? | "
		    "_Py_dict_lookup@python <- lookup@b");
	}
}
END_TEST

START_TEST(test_unsymbolized_low_confidence)
{
	const char *const u[] = {
		"||libtsan.so.2", "||mod.cpython-313t-x86_64-linux-gnu.so",
		NULL };
	struct report *r = race(u, NULL);
	char	*why;

	ck_assert_str_eq(report_attr(r, "fingerprint-confidence"), "low");
	why = fingerprint_explain(r);
	ck_assert_ptr_nonnull(strstr(why, "lower confidence"));
	free(why);
	key_is(r, "v1 tsan-data-race :: ? | ?@mod");
}
END_TEST

START_TEST(test_thread_leak)
{
	const char *const cre[] = {
		"pthread_create||libtsan.so.0",
		"do_start_joinable_thread|thread_pthread.h|python",
		"PyThread_start_joinable_thread|thread_pthread.h|python",
		NULL };
	struct report *r = report_new(RK_TSAN_THREAD_LEAK);

	add_stack(r, SR_THREAD_CREATION, cre);
	classify_report(r);
	key_is(r, "v1 tsan-thread-leak :: do_start_joinable_thread@python");
}
END_TEST

static void
add_lock_stack(struct report *r, const char *const *frames, const char *label)
{
	struct stack *s = add_stack(r, SR_MUTEX, frames);

	s->label = xstrdup(label);
}

START_TEST(test_lock_order_sorted)
{
	const char *const l1[] = { "pthread_mutex_lock||libtsan.so.2",
	    "first|lo.c|lo", NULL };
	const char *const l2[] = { "pthread_mutex_lock||libtsan.so.2",
	    "second|lo.c|lo", NULL };
	const char *const l3[] = { "pthread_mutex_lock||libtsan.so.2",
	    "elsewhere|lo.c|lo", NULL };
	const char *const cr[] = { "pthread_mutex_init||libtsan.so.2",
	    "setup|lo.c|lo", NULL };
	struct report *a = report_new(RK_TSAN_LOCK_ORDER_INVERSION);
	struct report *b = report_new(RK_TSAN_LOCK_ORDER_INVERSION);

	add_lock_stack(a, l1, "Mutex M1 acquired here while holding mutex M0 "
	    "in main thread:");
	add_lock_stack(a, l2, "Mutex M0 acquired here while holding mutex M1 "
	    "in thread T1:");
	/* The other order, a creation stack, and (second_deadlock_stack=1)
	 * where the held mutex was taken: none of them change the key. */
	add_lock_stack(b, l2, "Mutex M0 acquired here while holding mutex M1 "
	    "in main thread:");
	add_lock_stack(b, l3, "Mutex M1 previously acquired by the same "
	    "thread here:");
	add_lock_stack(b, l1, "Mutex M1 acquired here while holding mutex M0 "
	    "in thread T2:");
	add_lock_stack(b, cr, "Mutex M0 (0x1) created at:");
	classify_report(a);
	classify_report(b);
	fingerprint_report(a);
	fingerprint_report(b);
	key_is(a, "v1 tsan-lock-order-inversion :: pthread_mutex_lock>"
	    "first | pthread_mutex_lock>second");
	a = report_new(RK_TSAN_LOCK_ORDER_INVERSION);
	add_lock_stack(a, l1, "Mutex M1 acquired here while holding mutex M0 "
	    "in main thread:");
	add_lock_stack(a, l2, "Mutex M0 acquired here while holding mutex M1 "
	    "in thread T1:");
	classify_report(a);
	fingerprint_report(a);
	same(a, b);
}
END_TEST

START_TEST(test_python_fatal_message)
{
	const char *const py[] = { "worker|/home/a/repro.py|", NULL };
	struct report *a = report_new(RK_PYTHON_FATAL);
	struct report *b = report_new(RK_PYTHON_FATAL);

	a->summary = xstrdup("_enter_buffered_busy: could not acquire lock "
	    "for <_io.BufferedWriter name='<stderr>'> at 0x7f13008 (tstate="
	    "0x0000000000a0c640)");
	b->summary = xstrdup("_enter_buffered_busy: could not acquire lock "
	    "for <_io.BufferedWriter name='<stderr>'> at 0x55aa (tstate="
	    "0x0000000000b00000)");
	add_stack(a, SR_PYTHON, py);
	add_stack(b, SR_PYTHON, py);
	classify_report(a);
	classify_report(b);
	fingerprint_report(a);
	fingerprint_report(b);
	same(a, b);
}
END_TEST

START_TEST(test_build_error)
{
	struct report *a = report_new(RK_BUILD_ERROR);
	struct report *b = report_new(RK_BUILD_ERROR);

	a->summary = xstrdup("uvloop/loop.c:123:45: error: unknown type name "
	    "\xe2\x80\x98__pyx_vectorcallfunc\xe2\x80\x99");
	b->summary = xstrdup("/build/numpy/random/_mt19937.pyx.c:9:1: error: "
	    "unknown type name '__pyx_vectorcallfunc'");
	fingerprint_report(a);
	fingerprint_report(b);
	same(a, b);
}
END_TEST

START_TEST(test_event)
{
	struct report *a = report_new(RK_EVENT);
	struct report *b = report_new(RK_EVENT);

	a->title = xstrdup("the GIL was re-enabled");
	b->title = xstrdup("the GIL was re-enabled");
	report_set_attr(a, "module", "_time_machine");
	report_set_attr(b, "module", "bitstruct");
	fingerprint_report(a);
	fingerprint_report(b);
	differ(a, b);
}
END_TEST

START_TEST(test_explain_says_why)
{
	const char *const c[] = {
		"__tsan_write8||libtsan.so.2",
		"_Py_IncRef|object.c|libpython3.14t.dylib",
		"clone_ref||t-05b8e58b31a1ac39",
		"main||t-05b8e58b31a1ac39", NULL };
	struct report *r = race(c, NULL);
	char	*why = fingerprint_explain(r);

	ck_assert_ptr_nonnull(strstr(why, "skipped, sanitizer runtime"));
	ck_assert_ptr_nonnull(strstr(why, "kept as prefix"));
	ck_assert_ptr_nonnull(strstr(why, "clone_ref [unknown]: site"));
	ck_assert_ptr_nonnull(strstr(why, "below the site"));
	ck_assert_ptr_nonnull(strstr(why, "keyed as \"?\""));
	free(why);
	report_free(r);
}
END_TEST

static Suite *
fingerprint_suite(void)
{
	Suite	*s = suite_create("fingerprint");
	TCase	*tc = tcase_create("fingerprint");

	tcase_add_test(tc, test_format_and_version);
	tcase_add_test(tc, test_hash);
	tcase_add_test(tc, test_race_symmetric);
	tcase_add_test(tc, test_one_stack);
	tcase_add_test(tc, test_addresses_lines_ignored);
	tcase_add_test(tc, test_runtime_and_clone_suffixes_ignored);
	tcase_add_test(tc, test_different_races_differ);
	tcase_add_test(tc, test_helper_prefix);
	tcase_add_test(tc, test_locks_prefix_and_aliases);
	tcase_add_test(tc, test_eval_loop_not_alone);
	tcase_add_test(tc, test_api_caller_in_key);
	tcase_add_test(tc, test_unsymbolized_low_confidence);
	tcase_add_test(tc, test_thread_leak);
	tcase_add_test(tc, test_lock_order_sorted);
	tcase_add_test(tc, test_python_fatal_message);
	tcase_add_test(tc, test_build_error);
	tcase_add_test(tc, test_event);
	tcase_add_test(tc, test_explain_says_why);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(fingerprint_suite());

	srunner_set_tap(sr, "-");
	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_SILENT);
	srunner_free(sr);
	return 0;
}

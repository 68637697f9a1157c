/*
 * fuzz-rules.c: libFuzzer harness for the rule-file loader and matcher.
 *
 * The input is split at its first NUL byte: before it, a rule file; after
 * it, log text (without a NUL, a built-in log with several kinds of
 * report).  The rule file is loaded from a temporary file (errors are
 * expected and fine); whatever rules load are then used for real: as the
 * parser's line hook over the log and by rules_apply on every report it
 * yields, and directly on every line through ruleset_match_line.  A rule
 * whose regular expression backtracks catastrophically must be stopped by
 * the matcher's PCRE2 limits within the fuzzer's per-input timeout.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fttriage.h"
#include "rules.h"
#include "fuzz.h"

static const char builtin_log[] =
    "==================\n"
    "WARNING: ThreadSanitizer: data race (pid=4242)\n"
    "  Write of size 8 at 0x7b0400000000 by thread T1:\n"
    "    #0 counter_add /src/mod.c:12:5 (mod.cpython-313t-x86_64-linux-gnu.so+0x1234) (BuildId: 0123abcd)\n"
    "    #1 _PyEval_EvalFrameDefault Python/ceval.c:1000:7 (libpython3.13t.so.1.0+0x2000)\n"
    "  Previous read of size 8 at 0x7b0400000000 by main thread:\n"
    "    #0 counter_get /src/mod.c:20:9 (mod.cpython-313t-x86_64-linux-gnu.so+0x1300)\n"
    "    #1 <null> <null> (python3.13t+0x4000)\n"
    "SUMMARY: ThreadSanitizer: data race /src/mod.c:12:5 in counter_add\n"
    "==================\n"
    "<frozen importlib._bootstrap>:488: RuntimeWarning: The global "
    "interpreter lock (GIL) has been enabled to load module 'mod', which "
    "has not declared that it can run safely without the GIL.\n"
    "mod.c:4543:80: error: unknown type name '__pyx_vectorcallfunc'\n"
    "Fatal Python error: Segmentation fault\n"
    "\n"
    "Current thread 0x00007f0000000000 (most recent call first):\n"
    "  File \"/usr/lib/python3.13t/threading.py\", line 1012 in run\n"
    "  File \"t.py\", line 5 in <module>\n"
    "\n"
    "Extension modules: mod (total: 1)\n"
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!\n";

static void
apply(struct report *r, void *arg)
{
	rules_apply(arg, r);
	report_free(r);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	log_set_level(LOG_LVL_ERROR);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ruleset	*rs;
	struct parser	*p;
	struct line	 l;
	const uint8_t	*nul;
	const char	*text, *s, *nl, *end;
	char		*cause = NULL;
	uint64_t	 n = 0;

	nul = memchr(data, '\0', size);
	if (nul != NULL) {
		text = (const char *)nul + 1;
		end = (const char *)data + size;
	} else {
		text = builtin_log;
		end = builtin_log + sizeof builtin_log - 1;
		nul = data + size;
	}
	rs = ruleset_new();
	(void)ruleset_load_path(rs, fuzz_file_write(data,
	    (size_t)(nul - data)), &cause);
	free(cause);

	p = parser_new("fuzz", apply, rs);
	parser_set_line_hook(p, ruleset_line_hook(rs));
	for (s = text; s < end; s = nl + 1) {
		if ((nl = memchr(s, '\n', (size_t)(end - s))) == NULL)
			nl = end;
		if ((size_t)(nl - s) > FT_LINE_MAX)
			continue;
		memset(&l, 0, sizeof l);
		l.text = l.raw = s;
		l.len = l.raw_len = (size_t)(nl - s);
		l.number = ++n;
		l.offset = (uint64_t)(s - text);
		l.next = l.offset + l.len + 1;
		parser_feed(p, &l);
		report_free(ruleset_match_line(rs, s, l.len));
	}
	parser_finish(p);
	parser_free(p);
	ruleset_free(rs);
	return 0;
}

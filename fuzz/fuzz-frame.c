/*
 * fuzz-frame.c: libFuzzer harness for the frame-line parsers.
 *
 * Each input is one line, handed to every frame parser in parse-frame.c
 * exactly as the dialects hand theirs: an uninitialised struct frame (here
 * filled with a poison pattern), the text without a terminating NUL.  The
 * contract checked besides memory safety: a parser that returns -1 leaves
 * nothing allocated (callers do not release the frame then; LeakSanitizer
 * catches a leak), and one that returns 0 leaves a frame that
 * frame_release can free.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fttriage.h"
#include "parse.h"
#include "fuzz.h"

static const struct {
	const char	*name;
	int		(*parse)(const char *, size_t, struct frame *);
} parsers[] = {
	{ "sanitizer",	frame_parse_sanitizer },
	{ "gdb",	frame_parse_gdb },
	{ "lldb",	frame_parse_lldb },
	{ "python",	frame_parse_python },
	{ "binary",	frame_parse_binary_file },
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*s = (const char *)data;
	struct frame	 f;
	size_t		 i;

	(void)line_is_sanitizer_frame(s, size);
	(void)line_is_gdb_frame(s, size);
	for (i = 0; i < nitems(parsers); i++) {
		memset(&f, 0xa5, sizeof f);
		if (parsers[i].parse(s, size, &f) != 0)
			continue;
		if (f.function != NULL)
			(void)strlen(f.function);
		if (f.file != NULL)
			(void)strlen(f.file);
		if (f.module != NULL)
			(void)strlen(f.module);
		frame_release(&f);
	}
	return 0;
}

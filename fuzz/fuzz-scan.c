/*
 * fuzz-scan.c: libFuzzer harness for the first stages of the pipeline.
 *
 * Arbitrary bytes go the way a log does in "fttriage scan": read by
 * source.c from a file descriptor (a memory file), cleaned by clean.c,
 * assembled into reports by parse.c and the dialect parsers, and rendered
 * by the text and JSON emitters.  Besides the sanitizers' own checks, the
 * harness insists on two properties of the output: text output (without
 * colour) carries no control bytes from the log, so a log cannot drive a
 * terminal, and JSON output is one line per report with every control
 * character escaped.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fttriage.h"
#include "emit.h"
#include "fuzz.h"

static int	 memfd = -1;

/* Die loudly (the fuzzer records the input) when output breaks a rule. */
static void
check_output(const char *what, const char *s, size_t len, int json)
{
	size_t		 i;
	unsigned char	 c;

	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (c == '\n' && (!json || i == len - 1))
			continue;
		if (c < 0x20 || c == 0x7f) {
			fprintf(stderr, "%s output has raw control byte 0x%02x "
			    "at %zu\n", what, c, i);
			abort();
		}
	}
}

static void
render(struct report *r, void *arg)
{
	const char		*names[] = { "text", "json" };
	const struct emit_format *fmt;
	struct emit_opts	 eo;
	char			*out;
	size_t			 outlen, i;
	FILE			*fp;

	memset(&eo, 0, sizeof eo);
	eo.frames = 0;
	eo.seq = 1;
	for (i = 0; i < nitems(names); i++) {
		if ((fmt = emit_format_find(names[i])) == NULL)
			continue;
		out = NULL;
		outlen = 0;
		if ((fp = open_memstream(&out, &outlen)) == NULL)
			abort();
		if (fmt->start != NULL)
			fmt->start(fp, &eo);
		fmt->report(fp, r, &eo);
		if (fmt->finish != NULL)
			fmt->finish(fp, &eo);
		fclose(fp);
		check_output(names[i], out, outlen, i == 1);
		free(out);
	}
	report_free(r);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	log_set_level(LOG_LVL_ERROR);
	memfd = memfd_create("fuzz-scan", MFD_CLOEXEC);
	if (memfd == -1) {
		perror("memfd_create");
		exit(1);
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct source	*src;
	struct parser	*p;
	struct line	 l;
	char		*cause = NULL;
	size_t		 done = 0;
	ssize_t		 n;

	if (ftruncate(memfd, 0) != 0)
		abort();
	while (done < size) {
		n = pwrite(memfd, data + done, size - done, (off_t)done);
		if (n <= 0)
			abort();
		done += (size_t)n;
	}
	if (lseek(memfd, 0, SEEK_SET) != 0)
		abort();

	src = source_fdopen(memfd, "fuzz");
	p = parser_new(source_name(src), render, NULL);
	while (source_next(src, &l, &cause) == 1) {
		if (l.len > FT_LINE_MAX || l.raw_len > FT_LINE_MAX)
			abort();
		parser_feed(p, &l);
	}
	free(cause);
	parser_finish(p);
	parser_free(p);
	source_close(src);
	return 0;
}

/*
 * fuzz-rules.c: libFuzzer harness for the rule loader and the line rules.
 *
 * The input is split at the first NUL byte: before it, a rule file; after
 * it, log lines offered to the line hook and, as one report's text, to
 * rules_apply.  Seed it with the files of rules/.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rules.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ruleset	*rs;
	struct report	*r, *ev;
	const uint8_t	*nul, *p, *e, *end = data + size;
	char		 path[] = "/tmp/fuzz-rules.XXXXXX", *cause = NULL;
	int		 fd;

	nul = memchr(data, '\0', size);
	if (nul == NULL)
		nul = end;
	if ((fd = mkstemp(path)) == -1)
		return 0;
	if (write(fd, data, (size_t)(nul - data)) != nul - data) {
		close(fd);
		unlink(path);
		return 0;
	}
	close(fd);
	rs = ruleset_new();
	(void)ruleset_load_path(rs, path, &cause);
	free(cause);
	unlink(path);

	r = report_new(RK_TSAN_DATA_RACE);
	for (p = nul < end ? nul + 1 : end; p < end; p = e + 1) {
		e = memchr(p, '\n', (size_t)(end - p));
		if (e == NULL)
			e = end;
		ev = ruleset_match_line(rs, (const char *)p, (size_t)(e - p));
		report_free(ev);
		report_add_text(r, (const char *)p, (size_t)(e - p));
	}
	rules_apply(rs, r);
	report_free(r);
	ruleset_free(rs);
	return 0;
}

/*
 * fuzz-file.c: one temporary file holding the current fuzz input.
 *
 * Created on first use under $TMPDIR (or /tmp) and removed at exit; each
 * input rewrites it in place, so the file keeps its name and inode while
 * its size and contents change.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "fuzz.h"

static char	 fuzz_path[4096];
static int	 fuzz_fd = -1;

static void
fuzz_file_remove(void)
{
	if (fuzz_fd != -1)
		unlink(fuzz_path);
}

const char *
fuzz_file_write(const uint8_t *data, size_t size)
{
	const char	*tmp;
	size_t		 done = 0;
	ssize_t		 n;

	if (fuzz_fd == -1) {
		if ((tmp = getenv("TMPDIR")) == NULL || *tmp == '\0')
			tmp = "/tmp";
		snprintf(fuzz_path, sizeof fuzz_path, "%s/fttriage-fuzz.XXXXXX",
		    tmp);
		if ((fuzz_fd = mkstemp(fuzz_path)) == -1) {
			perror("mkstemp");
			exit(1);
		}
		atexit(fuzz_file_remove);
	}
	if (ftruncate(fuzz_fd, 0) != 0)
		abort();
	while (done < size) {
		n = pwrite(fuzz_fd, data + done, size - done, (off_t)done);
		if (n <= 0)
			abort();
		done += (size_t)n;
	}
	return fuzz_path;
}

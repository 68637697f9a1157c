/*
 * fuzz-main.c: run a fuzz harness over saved inputs, without libFuzzer.
 *
 * Linked with one fuzz/fuzz-*.c harness and the program's own objects, it
 * gives "make check" (and the sanitizer and valgrind runs of it) a way to
 * replay every saved crash through exactly the code the fuzzer ran.  Each
 * file named is read into a buffer of its exact size, so that a read past
 * the end is a read past a heap block.  Exit status 0 when every input
 * ran; a bug shows as a crash or a sanitizer report.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);
int	LLVMFuzzerInitialize(int *, char ***) __attribute__((weak));

static int
replay(const char *path)
{
	FILE		*fp;
	uint8_t		*data = NULL, *p;
	size_t		 len = 0, cap = 0, n;

	if ((fp = fopen(path, "rb")) == NULL) {
		fprintf(stderr, "fuzz-replay: cannot open '%s': %s\n", path,
		    strerror(errno));
		return -1;
	}
	for (;;) {
		if (len == cap) {
			cap = cap ? cap * 2 : 65536;
			if ((p = realloc(data, cap)) == NULL)
				abort();
			data = p;
		}
		if ((n = fread(data + len, 1, cap - len, fp)) == 0)
			break;
		len += n;
	}
	fclose(fp);
	/* Exact size, so ASan and valgrind see any over-read. */
	if ((p = malloc(len ? len : 1)) == NULL)
		abort();
	memcpy(p, data, len);
	free(data);
	LLVMFuzzerTestOneInput(p, len);
	free(p);
	return 0;
}

int
main(int argc, char **argv)
{
	int	i, errors = 0;

	if (LLVMFuzzerInitialize != NULL)
		LLVMFuzzerInitialize(&argc, &argv);
	for (i = 1; i < argc; i++)
		errors += replay(argv[i]) != 0;
	return errors ? 2 : 0;
}

/*
 * fuzz.h: what the libFuzzer harnesses share.
 *
 * Harnesses for code that reads files by name (rule files, the
 * configuration, ELF objects) write each input to one private temporary
 * file first; fuzz-file.c owns that file.
 */
#ifndef FTTRIAGE_FUZZ_H
#define FTTRIAGE_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);
int	LLVMFuzzerInitialize(int *, char ***);

/*
 * Replace the temporary file's contents with the input; returns its path
 * (owned here, the same for the life of the process).  Dies on error.
 */
const char *fuzz_file_write(const uint8_t *, size_t);

#endif

/*
 * fuzz-elf.c: libFuzzer harness for the ELF and DWARF reader.
 *
 * Each input is an object file, seeded with small real binaries (DWARF 4
 * and 5, executables and shared objects, built by make-seeds.sh) that the
 * fuzzer then mutates.  It is written to a temporary file and opened the
 * way the symbolizer opens a module from a report; a few addresses are
 * looked up: fixed ones where small programs keep their code, and the
 * object's own entry point and a little past it.  Every string in an
 * answer is read to its end, so a bad pointer shows at once.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fttriage.h"
#include "symbolize.h"
#include "fuzz.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	log_set_level(LOG_LVL_ERROR);
	return 0;
}

static void
look(struct symbolizer *sym, const char *path, uint64_t addr)
{
	struct sym_answer	 ans;
	char			*cause = NULL;
	size_t			 i;

	if (symbolizer_lookup_path(sym, path, addr, &ans, &cause) != 0) {
		free(cause);
		return;
	}
	if (ans.nframes > SYM_CHAIN_MAX)
		abort();
	for (i = 0; i < ans.nframes; i++) {
		if (ans.frames[i].function != NULL)
			(void)strlen(ans.frames[i].function);
		if (ans.frames[i].file != NULL)
			(void)strlen(ans.frames[i].file);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint64_t	 fixed[] = { 0, 0x1000, 0x1139, 0x1150,
	    0x401136 };
	struct symbolizer	*sym;
	struct elfobj		*eo;
	const char		*path, *file;
	char			*cause = NULL;
	uint64_t		 entry = 0;
	uint32_t		 crc;
	size_t			 i;

	path = fuzz_file_write(data, size);
	if (size >= 32)
		memcpy(&entry, data + 24, sizeof entry);

	if ((eo = elfobj_open(path, &cause)) != NULL) {
		(void)elfobj_build_id(eo);
		(void)elfobj_debuglink(eo, &crc);
		(void)elfobj_symbol(eo, entry, &file);
		if (elfobj_crc32(eo, &crc, &cause) != 0) {
			free(cause);
			cause = NULL;
		}
		elfobj_free(eo);
	} else {
		free(cause);
		cause = NULL;
	}

	sym = symbolizer_new();
	for (i = 0; i < nitems(fixed); i++)
		look(sym, path, fixed[i]);
	look(sym, path, entry);
	look(sym, path, entry + 0x10);
	symbolizer_free(sym);
	return 0;
}

/*
 * dwarf-compat.h: the one place where libdwarf's API generations differ.
 *
 * libdwarf 20210528 (Debian 12) opens a file through a libelf handle
 * (dwarf_elf_init_b) and its dwarf_finish takes an error pointer; the 0.x
 * and later releases dropped libelf, open from a file descriptor with a
 * shorter dwarf_init_b, and finish without an error pointer.  configure
 * probes which shape is present (HAVE_DWARF_ELF_INIT_B, HAVE_DWARF_INIT_PATH)
 * and dwarf.c calls only the two wrappers below for these operations.
 *
 * Every libdwarf call made by fttriage passes a Dwarf_Error pointer: given
 * none, libdwarf 20210528 calls abort() on the first malformed byte.
 */
#ifndef FTTRIAGE_DWARF_COMPAT_H
#define FTTRIAGE_DWARF_COMPAT_H

#include <libelf.h>
#include <dwarf.h>
#include <libdwarf.h>

#ifndef DW_GROUPNUMBER_ANY
#define DW_GROUPNUMBER_ANY 0
#endif

#if defined(HAVE_DWARF_ELF_INIT_B)

/* libdwarf 2021: reuse the libelf handle the object is already open with. */
static inline int
ftdw_init(Elf *elf, int fd, Dwarf_Debug *dbg, Dwarf_Error *err)
{
	(void)fd;
	return dwarf_elf_init_b(elf, DW_DLC_READ, DW_GROUPNUMBER_ANY, NULL,
	    NULL, dbg, err);
}

static inline void
ftdw_finish(Dwarf_Debug dbg)
{
	Dwarf_Error	err = NULL;

	dwarf_finish(dbg, &err);
}

#elif defined(HAVE_DWARF_INIT_PATH)

/* libdwarf 0.x and later: its own reader, from the open descriptor. */
static inline int
ftdw_init(Elf *elf, int fd, Dwarf_Debug *dbg, Dwarf_Error *err)
{
	(void)elf;
	return dwarf_init_b(fd, DW_GROUPNUMBER_ANY, NULL, NULL, dbg, err);
}

static inline void
ftdw_finish(Dwarf_Debug dbg)
{
	dwarf_finish(dbg);
}

#else
#error "configure found no usable libdwarf initialisation function"
#endif

#endif

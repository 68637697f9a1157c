/*
 * symbolize.h: the symbolizer's inside, shared by symbolize.c, elf.c,
 * dwarf.c and the symbolize command.
 *
 * Three layers: an ELF object (elf.c: a file opened safely, its symbol
 * table, build-id and debug link), the DWARF information of one object
 * (dwarf.c: compile units, inline chains and line tables, indexed on first
 * use), and the modules a symbolizer has found and keeps (symbolize.c).
 * No libelf or libdwarf type crosses this header.
 */
#ifndef FTTRIAGE_SYMBOLIZE_H
#define FTTRIAGE_SYMBOLIZE_H

#include <stdint.h>

/* The largest module or debug file we agree to open. */
#define SYM_FILE_MAX	((uint64_t)8 << 30)

/* The deepest inline chain reported for one address. */
#define SYM_CHAIN_MAX	64

/* One frame of an answer; strings are owned by the module. */
struct sym_frame {
	const char	*function;	/* NULL when unknown */
	const char	*file;		/* NULL when unknown */
	unsigned	 line;
	unsigned	 column;
};

/* The answer for one address: frames innermost first. */
struct sym_answer {
	struct sym_frame frames[SYM_CHAIN_MAX];
	size_t		 nframes;
};

/* The bytes of one section, mapped or decompressed by elf.c. */
struct dwsect {
	const unsigned char *data;	/* NULL when absent */
	size_t		 size;
};

/* The sections the line-table decoder reads. */
struct dwsects {
	struct dwsect	 line;
	struct dwsect	 str;
	struct dwsect	 line_str;
};

/* One row of a line table. */
struct lrow {
	uint64_t	 addr;
	uint32_t	 line;
	uint16_t	 column;
	uint16_t	 file;
	uint32_t	 endseq;
};

/* A sequence: rows [first, last) cover addresses [lo, hi). */
struct lseq {
	uint64_t	 lo;
	uint64_t	 hi;
	size_t		 first;
	size_t		 last;
};

struct line_table {
	struct lrow	*rows;
	size_t		 nrows, caprows;
	struct lseq	*seqs;		/* sorted by hi */
	size_t		 nseqs, capseqs;
	char		**files;	/* by file number; entries may be NULL */
	size_t		 nfiles;
};

/* elf.c */
struct elfobj;
struct elfobj	*elfobj_open(const char *path, char **cause);
void		 elfobj_free(struct elfobj *);
const char	*elfobj_path(const struct elfobj *);
const char	*elfobj_build_id(const struct elfobj *);
const char	*elfobj_debuglink(const struct elfobj *, uint32_t *crc);
int		 elfobj_has_dwarf(const struct elfobj *);
const char	*elfobj_dwarf_problem(const struct elfobj *);
const char	*elfobj_symbol(const struct elfobj *, uint64_t addr,
		    const char **file);
int		 elfobj_big_endian(const struct elfobj *);
int		 elfobj_section(struct elfobj *, const char *name,
		    struct dwsect *, char **cause);
void		*elfobj_handle(struct elfobj *);
int		 elfobj_fd(const struct elfobj *);
int		 elfobj_crc32(struct elfobj *, uint32_t *crc, char **cause);

/* dwarf.c */
struct dbginfo;
struct dbginfo	*dbginfo_open(struct elfobj *, char **cause);
void		 dbginfo_free(struct dbginfo *);
int		 dbginfo_lookup(struct dbginfo *, uint64_t addr,
		    struct sym_answer *, char **cause);

/* dwarf-line.c */
int		 line_table_read(const struct dwsects *, uint64_t offset,
		    const char *comp_dir, unsigned addr_size, int big_endian,
		    struct line_table *, char **cause);
void		 line_table_release(struct line_table *);
const char	*line_table_file(const struct line_table *, uint64_t);
const struct lrow *line_table_row(const struct line_table *, uint64_t);

/* symbolize.c */
struct symbolizer;
int		 symbolizer_lookup(struct symbolizer *, const char *module,
		    const char *path_hint, const char *build_id,
		    uint64_t addr, struct sym_answer *);
int		 symbolizer_lookup_path(struct symbolizer *, const char *path,
		    uint64_t addr, struct sym_answer *, char **cause);

#endif

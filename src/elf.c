/*
 * elf.c: one ELF object, opened safely, for the symbolizer.
 *
 * Module paths come from untrusted logs, so a path is opened only when it
 * names a regular file of sane size: never a FIFO, a device or a directory,
 * and never with a blocking open.  The file is mapped read-only through
 * libelf; this file reads what symbolization needs from it and nothing
 * else: the code, data and untyped symbols (.symtab, or .dynsym when there
 * is no .symtab), sorted once for binary search, the GNU build-id note, the
 * .gnu_debuglink name and checksum, and whether DWARF is present.
 *
 * Symbol look-up follows llvm-symbolizer: of several symbols at one address
 * the one with the largest size (then the later in the table) is kept; the
 * nearest symbol at or below the address answers, unless it has a size
 * and the address lies past its end.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gelf.h>
#include <libelf.h>

#include "fttriage.h"
#include "symbolize.h"

struct elfsym {
	uint64_t	 addr;
	uint64_t	 size;
	const char	*name;		/* inside the mapped string table */
	const char	*file;		/* STT_FILE before a local, or NULL */
	size_t		 order;		/* position in the symbol table */
};

struct elfobj {
	char		*path;
	int		 fd;
	Elf		*elf;
	uint64_t	 size;
	char		*build_id;	/* lowercase hex, or NULL */
	char		*debuglink;	/* file name, or NULL */
	uint32_t	 debuglink_crc;
	int		 has_dwarf;
	int		 big_endian;
	char		*dwarf_problem;	/* why libdwarf must not see it */
	struct elfsym	*syms;
	size_t		 nsyms;
};

static int
elfobj_libelf_ready(void)
{
	static int	ready = -1;

	if (ready == -1)
		ready = elf_version(EV_CURRENT) != EV_NONE;
	return ready;
}

static int
elfsym_cmp(const void *a, const void *b)
{
	const struct elfsym *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	if (x->size != y->size)
		return x->size < y->size ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* Read the symbols of one symbol table section that name places. */
static void
elfobj_read_symtab(struct elfobj *eo, Elf_Scn *scn, const GElf_Shdr *sh)
{
	Elf_Data	*data;
	GElf_Sym	 sym;
	size_t		 i, n;
	const char	*name, *file = NULL;
	int		 type;

	if (sh->sh_entsize == 0 || (data = elf_getdata(scn, NULL)) == NULL)
		return;
	n = data->d_size / sh->sh_entsize;
	eo->syms = xreallocarray(eo->syms, eo->nsyms + n, sizeof *eo->syms);
	for (i = 0; i < n; i++) {
		if (gelf_getsym(data, (int)i, &sym) == NULL)
			break;
		type = GELF_ST_TYPE(sym.st_info);
		if (type == STT_FILE) {
			file = elf_strptr(eo->elf, sh->sh_link, sym.st_name);
			continue;
		}
		/* What LLVM keeps: code, data, and untyped (assembly). */
		if (i == 0 || (type != STT_FUNC && type != STT_GNU_IFUNC &&
		    type != STT_OBJECT && type != STT_NOTYPE))
			continue;
		if (sym.st_shndx == SHN_UNDEF || sym.st_shndx >= SHN_LORESERVE)
			continue;
		name = elf_strptr(eo->elf, sh->sh_link, sym.st_name);
		if (name == NULL || *name == '\0')
			continue;
		/* ARM, AArch64 and RISC-V mapping symbols ($x, $d...). */
		if (type == STT_NOTYPE && name[0] == '$')
			continue;
		eo->syms[eo->nsyms].addr = sym.st_value;
		eo->syms[eo->nsyms].size = sym.st_size;
		eo->syms[eo->nsyms].name = name;
		eo->syms[eo->nsyms].order = eo->nsyms;
		eo->syms[eo->nsyms].file =
		    GELF_ST_BIND(sym.st_info) == STB_LOCAL ? file : NULL;
		eo->nsyms++;
	}
}

/* Sort the symbols and keep one per address: the last of each run. */
static void
elfobj_index_symbols(struct elfobj *eo)
{
	size_t	i, j;

	if (eo->nsyms == 0)
		return;
	if (eo->nsyms > 1)	/* qsort(NULL, 0) is undefined */
		qsort(eo->syms, eo->nsyms, sizeof *eo->syms, elfsym_cmp);
	for (i = 0, j = 0; i < eo->nsyms; i++) {
		if (i + 1 < eo->nsyms && eo->syms[i + 1].addr == eo->syms[i].addr)
			continue;
		eo->syms[j++] = eo->syms[i];
	}
	eo->nsyms = j;
}

static void
elfobj_read_note(struct elfobj *eo, Elf_Data *data)
{
	GElf_Nhdr	 nh;
	size_t		 off = 0, next, name_off, desc_off, i;
	const unsigned char *d;

	while (eo->build_id == NULL && off < data->d_size &&
	    (next = gelf_getnote(data, off, &nh, &name_off, &desc_off)) > 0) {
		if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 &&
		    memcmp((char *)data->d_buf + name_off, "GNU", 4) == 0 &&
		    nh.n_descsz > 0 && nh.n_descsz <= 64) {
			d = (const unsigned char *)data->d_buf + desc_off;
			eo->build_id = xmalloc(nh.n_descsz * 2 + 1);
			for (i = 0; i < nh.n_descsz; i++)
				snprintf(eo->build_id + i * 2, 3, "%02x", d[i]);
		}
		off = next;
	}
}

static void
elfobj_read_debuglink(struct elfobj *eo, Elf_Scn *scn, int big_endian)
{
	Elf_Data	*data;
	const unsigned char *p;
	size_t		 len, off;

	if ((data = elf_rawdata(scn, NULL)) == NULL || data->d_buf == NULL)
		return;
	p = data->d_buf;
	len = strnlen((const char *)p, data->d_size);
	if (len == 0 || len == data->d_size)
		return;
	off = (len + 4) & ~(size_t)3;
	if (off + 4 > data->d_size)
		return;
	eo->debuglink = xstrndup((const char *)p, len);
	if (big_endian)
		eo->debuglink_crc = (uint32_t)p[off] << 24 |
		    (uint32_t)p[off + 1] << 16 | (uint32_t)p[off + 2] << 8 |
		    p[off + 3];
	else
		eo->debuglink_crc = (uint32_t)p[off + 3] << 24 |
		    (uint32_t)p[off + 2] << 16 | (uint32_t)p[off + 1] << 8 |
		    p[off];
}

/*
 * Whether the unit headers of a DWARF 5 .debug_rnglists or .debug_loclists
 * section hold together.  libdwarf 20210528 frees memory twice on some
 * corrupt headers, so they are checked before it sees them.
 */
static int
lists_ok(const unsigned char *p, size_t len, int big_endian)
{
	size_t		 off = 0, hdr, osz, k;
	uint64_t	 ulen, count;

	while (off < len) {
		if (len - off < 4)
			return 0;
		for (ulen = 0, k = 0; k < 4; k++)
			ulen |= (uint64_t)p[off + (big_endian ? 3 - k : k)] <<
			    (8 * k);
		osz = 4;
		hdr = 4;
		if (ulen == 0xffffffffu) {
			if (len - off < 12)
				return 0;
			for (ulen = 0, k = 0; k < 8; k++)
				ulen |= (uint64_t)p[off + 4 +
				    (big_endian ? 7 - k : k)] << (8 * k);
			osz = 8;
			hdr = 12;
		} else if (ulen >= 0xfffffff0u)
			return 0;
		if (ulen < 8 || ulen > len - off - hdr)
			return 0;
		/* version 5, address size 4 or 8, no segments */
		if (p[off + hdr + (big_endian ? 1 : 0)] != 5 ||
		    p[off + hdr + (big_endian ? 0 : 1)] != 0 ||
		    (p[off + hdr + 2] != 4 && p[off + hdr + 2] != 8) ||
		    p[off + hdr + 3] != 0)
			return 0;
		for (count = 0, k = 0; k < 4; k++)
			count |= (uint64_t)p[off + hdr + 4 +
			    (big_endian ? 3 - k : k)] << (8 * k);
		if (count > (ulen - 8) / osz)
			return 0;
		off += hdr + ulen;
	}
	return 1;
}

/* Walk the sections once and keep what symbolization needs. */
static int
elfobj_scan(struct elfobj *eo, char **cause)
{
	GElf_Ehdr	 eh;
	GElf_Shdr	 sh;
	Elf_Scn		*scn = NULL, *symtab = NULL, *dynsym = NULL;
	GElf_Shdr	 symtab_sh, dynsym_sh;
	size_t		 shstrndx;
	const char	*name;
	Elf_Data	*data;

	if (elf_kind(eo->elf) != ELF_K_ELF) {
		xasprintf(cause, "'%s' is not an ELF file", eo->path);
		return -1;
	}
	if (gelf_getehdr(eo->elf, &eh) == NULL ||
	    elf_getshdrstrndx(eo->elf, &shstrndx) != 0) {
		xasprintf(cause, "cannot read ELF header of '%s': %s", eo->path,
		    elf_errmsg(-1));
		return -1;
	}
	if (eh.e_shoff == 0 || eh.e_shnum == 0 ||
	    eh.e_shoff > eo->size ||
	    (uint64_t)eh.e_shnum * eh.e_shentsize > eo->size - eh.e_shoff) {
		xasprintf(cause, "ELF file '%s' is truncated or corrupt: no "
		    "section headers within its %llu bytes", eo->path,
		    (unsigned long long)eo->size);
		return -1;
	}
	eo->big_endian = eh.e_ident[EI_DATA] == ELFDATA2MSB;
	while ((scn = elf_nextscn(eo->elf, scn)) != NULL) {
		if (gelf_getshdr(scn, &sh) == NULL) {
			xasprintf(cause, "cannot read section header of '%s': "
			    "%s", eo->path, elf_errmsg(-1));
			return -1;
		}
		if (sh.sh_type != SHT_NOBITS && (sh.sh_offset > eo->size ||
		    sh.sh_size > eo->size - sh.sh_offset)) {
			xasprintf(cause, "ELF file '%s' is truncated or corrupt: "
			    "section %zu lies past its end", eo->path,
			    elf_ndxscn(scn));
			return -1;
		}
		name = elf_strptr(eo->elf, shstrndx, sh.sh_name);
		if (name == NULL)
			name = "";
		if (sh.sh_type == SHT_SYMTAB && symtab == NULL) {
			symtab = scn;
			symtab_sh = sh;
		} else if (sh.sh_type == SHT_DYNSYM && dynsym == NULL) {
			dynsym = scn;
			dynsym_sh = sh;
		} else if (sh.sh_type == SHT_NOTE && eo->build_id == NULL) {
			if ((data = elf_getdata(scn, NULL)) != NULL)
				elfobj_read_note(eo, data);
		} else if (strcmp(name, ".gnu_debuglink") == 0 &&
		    eo->debuglink == NULL)
			elfobj_read_debuglink(eo, scn,
			    eh.e_ident[EI_DATA] == ELFDATA2MSB);
		else if ((strcmp(name, ".debug_rnglists") == 0 ||
		    strcmp(name, ".debug_loclists") == 0) &&
		    (sh.sh_flags & SHF_COMPRESSED) == 0 &&
		    eo->dwarf_problem == NULL &&
		    (data = elf_rawdata(scn, NULL)) != NULL &&
		    !lists_ok(data->d_buf, data->d_size,
		    eh.e_ident[EI_DATA] == ELFDATA2MSB))
			xasprintf(&eo->dwarf_problem, "bad DWARF in '%s': "
			    "corrupt %s header", eo->path, name);
		else if ((strcmp(name, ".debug_info") == 0 ||
		    strcmp(name, ".zdebug_info") == 0) &&
		    sh.sh_type != SHT_NOBITS && sh.sh_size > 0)
			eo->has_dwarf = 1;
	}
	if (symtab != NULL)
		elfobj_read_symtab(eo, symtab, &symtab_sh);
	if (eo->nsyms == 0 && dynsym != NULL)
		elfobj_read_symtab(eo, dynsym, &dynsym_sh);
	elfobj_index_symbols(eo);
	return 0;
}

/*
 * Open an ELF file for symbolization.  Only regular files no larger than
 * SYM_FILE_MAX are opened, without blocking.  Returns the object, or NULL
 * with *cause set (the caller frees it).
 */
struct elfobj *
elfobj_open(const char *path, char **cause)
{
	struct elfobj	*eo;
	struct stat	 st;
	int		 fd;

	if (!elfobj_libelf_ready()) {
		*cause = xstrdup("libelf is out of date");
		return NULL;
	}
	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd == -1) {
		xasprintf(cause, "cannot open module '%s': %s", path,
		    strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		xasprintf(cause, "module '%s' is not a regular file", path);
		close(fd);
		return NULL;
	}
	if ((uint64_t)st.st_size > SYM_FILE_MAX || st.st_size < 16) {
		xasprintf(cause, "module '%s' has an unlikely size (%lld bytes)",
		    path, (long long)st.st_size);
		close(fd);
		return NULL;
	}
	eo = xcalloc(1, sizeof *eo);
	eo->path = xstrdup(path);
	eo->fd = fd;
	eo->size = (uint64_t)st.st_size;
	eo->elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (eo->elf == NULL) {
		xasprintf(cause, "cannot read ELF file '%s': %s", path,
		    elf_errmsg(-1));
		elfobj_free(eo);
		return NULL;
	}
	if (elfobj_scan(eo, cause) != 0) {
		elfobj_free(eo);
		return NULL;
	}
	return eo;
}

/* Close an object; NULL does nothing. */
void
elfobj_free(struct elfobj *eo)
{
	if (eo == NULL)
		return;
	if (eo->elf != NULL)
		elf_end(eo->elf);
	if (eo->fd != -1)
		close(eo->fd);
	free(eo->path);
	free(eo->build_id);
	free(eo->debuglink);
	free(eo->dwarf_problem);
	free(eo->syms);
	free(eo);
}

/* The path the object was opened with; owned by the object. */
const char *
elfobj_path(const struct elfobj *eo)
{
	return eo->path;
}

/* The GNU build-id in lowercase hex, or NULL; owned by the object. */
const char *
elfobj_build_id(const struct elfobj *eo)
{
	return eo->build_id;
}

/* The .gnu_debuglink file name and its CRC, or NULL; owned by the object. */
const char *
elfobj_debuglink(const struct elfobj *eo, uint32_t *crc)
{
	if (crc != NULL)
		*crc = eo->debuglink_crc;
	return eo->debuglink;
}

/* Why the object's DWARF must not be read, or NULL; owned by the object. */
const char *
elfobj_dwarf_problem(const struct elfobj *eo)
{
	return eo->dwarf_problem;
}

/* Whether the object carries a non-empty .debug_info. */
int
elfobj_has_dwarf(const struct elfobj *eo)
{
	return eo->has_dwarf;
}

/*
 * The symbol covering addr, as llvm-symbolizer chooses it, or
 * NULL; *file is set to the STT_FILE name that precedes a local symbol, or
 * NULL.  Both are owned by the object.
 */
const char *
elfobj_symbol(const struct elfobj *eo, uint64_t addr, const char **file)
{
	size_t			 lo = 0, hi = eo->nsyms, mid;
	const struct elfsym	*s;

	/* The first symbol above addr; the one before it is the candidate. */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (eo->syms[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	*file = NULL;
	if (lo == 0)
		return NULL;
	s = &eo->syms[lo - 1];
	if (s->size != 0 && addr - s->addr >= s->size)
		return NULL;
	if (s->file != NULL && *s->file != '\0')
		*file = s->file;
	return s->name;
}

/* Whether the object is big-endian. */
int
elfobj_big_endian(const struct elfobj *eo)
{
	return eo->big_endian;
}

/*
 * The bytes of the section called name, decompressed when the section is
 * compressed.  Returns 0 with *out filled (data NULL when there is no such
 * section), or -1 with *cause set.  The bytes are owned by the object.
 */
int
elfobj_section(struct elfobj *eo, const char *name, struct dwsect *out,
    char **cause)
{
	Elf_Scn		*scn = NULL;
	GElf_Shdr	 sh;
	Elf_Data	*data;
	size_t		 shstrndx;
	const char	*n;

	out->data = NULL;
	out->size = 0;
	if (elf_getshdrstrndx(eo->elf, &shstrndx) != 0)
		return 0;
	while ((scn = elf_nextscn(eo->elf, scn)) != NULL) {
		if (gelf_getshdr(scn, &sh) == NULL)
			continue;
		if ((n = elf_strptr(eo->elf, shstrndx, sh.sh_name)) == NULL ||
		    strcmp(n, name) != 0 || sh.sh_type == SHT_NOBITS)
			continue;
		if ((sh.sh_flags & SHF_COMPRESSED) != 0 &&
		    elf_compress(scn, 0, 0) < 0) {
			xasprintf(cause, "cannot decompress %s of '%s': %s",
			    name, eo->path, elf_errmsg(-1));
			return -1;
		}
		if ((data = elf_getdata(scn, NULL)) == NULL ||
		    data->d_buf == NULL) {
			xasprintf(cause, "cannot read %s of '%s': %s", name,
			    eo->path, elf_errmsg(-1));
			return -1;
		}
		out->data = data->d_buf;
		out->size = data->d_size;
		return 0;
	}
	return 0;
}

/* The libelf handle (an Elf *), for dwarf.c only. */
void *
elfobj_handle(struct elfobj *eo)
{
	return eo->elf;
}

/* The open descriptor of the file, for dwarf.c only. */
int
elfobj_fd(const struct elfobj *eo)
{
	return eo->fd;
}

/*
 * The CRC-32 of the whole file, as .gnu_debuglink records it.  Returns 0,
 * or -1 with *cause set.
 */
int
elfobj_crc32(struct elfobj *eo, uint32_t *crc, char **cause)
{
	static uint32_t	 table[256];
	static int	 table_ready;
	const unsigned char *p;
	size_t		 len, i;
	uint32_t	 c, k;
	int		 j;

	if (!table_ready) {
		for (k = 0; k < 256; k++) {
			c = k;
			for (j = 0; j < 8; j++)
				c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
			table[k] = c;
		}
		table_ready = 1;
	}
	p = (const unsigned char *)elf_rawfile(eo->elf, &len);
	if (p == NULL) {
		xasprintf(cause, "cannot read '%s': %s", eo->path,
		    elf_errmsg(-1));
		return -1;
	}
	c = 0xffffffffu;
	for (i = 0; i < len; i++)
		c = table[(c ^ p[i]) & 0xff] ^ (c >> 8);
	*crc = c ^ 0xffffffffu;
	return 0;
}

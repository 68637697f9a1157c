/*
 * dwarf-line.c: the DWARF line-number program of one compile unit, decoded
 * into rows and sequences.
 *
 * dwarf.c finds units, subroutines and inline chains with libdwarf; the
 * line table is decoded here, straight from the .debug_line bytes that
 * elf.c maps, for two reasons.  libdwarf 20210528 allocates and frees one
 * object per row, which alone made the batch and the cold report slower
 * than llvm-symbolizer, and it starts DWARF 5 sequences with file 0 where
 * the standard says 1.  The decoder follows the DWARF 2-5 line program as
 * LLVM does: rows on DW_LNS_copy, special opcodes and end_sequence, a
 * sequence kept when it covers a non-empty range, file names joined with
 * their include directory and the compilation directory as LLVM joins
 * them.  Every read is bounds-checked: the bytes are untrusted.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fttriage.h"
#include "symbolize.h"

#define LINE_FILES_MAX	100000		/* file entries per unit */
#define LINE_ROWS_MAX	(64u << 20)	/* rows per unit */
#define LINE_ROWS_RESERVE (1u << 22)	/* rows reserved up front, at most */

/* A cursor over untrusted bytes; any overrun sets bad. */
struct rd {
	const unsigned char *p;
	size_t		 len;
	size_t		 off;
	int		 bad;
	int		 big;		/* big-endian */
};

static uint64_t
rd_fixed(struct rd *r, size_t n)
{
	uint64_t	v = 0;
	size_t		i;

	if (r->bad || n > r->len - r->off) {
		r->bad = 1;
		return 0;
	}
	for (i = 0; i < n; i++)
		v |= (uint64_t)r->p[r->off + (r->big ? n - 1 - i : i)] << (8 * i);
	r->off += n;
	return v;
}

static uint64_t
rd_uleb(struct rd *r)
{
	uint64_t	v = 0;
	unsigned	shift = 0;
	unsigned char	b;

	do {
		if (r->bad || r->off >= r->len) {
			r->bad = 1;
			return 0;
		}
		b = r->p[r->off++];
		if (shift < 64)
			v |= (uint64_t)(b & 0x7f) << shift;
		shift += 7;
	} while (b & 0x80);
	return v;
}

static int64_t
rd_sleb(struct rd *r)
{
	uint64_t	v = 0;
	unsigned	shift = 0;
	unsigned char	b;

	do {
		if (r->bad || r->off >= r->len) {
			r->bad = 1;
			return 0;
		}
		b = r->p[r->off++];
		if (shift < 64)
			v |= (uint64_t)(b & 0x7f) << shift;
		shift += 7;
	} while (b & 0x80);
	if (shift < 64 && (b & 0x40))
		v |= ~(uint64_t)0 << shift;
	return (int64_t)v;
}

/* A NUL-terminated string in place, or NULL. */
static const char *
rd_cstr(struct rd *r)
{
	const unsigned char *s, *e;

	if (r->bad || r->off >= r->len) {
		r->bad = 1;
		return NULL;
	}
	s = r->p + r->off;
	if ((e = memchr(s, '\0', r->len - r->off)) == NULL) {
		r->bad = 1;
		return NULL;
	}
	r->off += (size_t)(e - s) + 1;
	return (const char *)s;
}

/* A string at an offset of a string section, or NULL. */
static const char *
sect_str(const struct dwsect *s, uint64_t off)
{
	if (s == NULL || s->data == NULL || off >= s->size ||
	    memchr(s->data + off, '\0', s->size - off) == NULL)
		return NULL;
	return (const char *)s->data + off;
}

/* One attribute of a DWARF 5 directory or file entry. */
static int
read_form(struct rd *r, uint64_t form, int offsz, const struct dwsects *ss,
    const char **str, uint64_t *u)
{
	*str = NULL;
	*u = 0;
	switch (form) {
	case 0x08:				/* DW_FORM_string */
		*str = rd_cstr(r);
		break;
	case 0x0e:				/* DW_FORM_strp */
		*str = sect_str(&ss->str, rd_fixed(r, offsz));
		break;
	case 0x1f:				/* DW_FORM_line_strp */
		*str = sect_str(&ss->line_str, rd_fixed(r, offsz));
		break;
	case 0x0b:				/* DW_FORM_data1 */
		*u = rd_fixed(r, 1);
		break;
	case 0x05:				/* DW_FORM_data2 */
		*u = rd_fixed(r, 2);
		break;
	case 0x06:				/* DW_FORM_data4 */
		*u = rd_fixed(r, 4);
		break;
	case 0x07:				/* DW_FORM_data8 */
		*u = rd_fixed(r, 8);
		break;
	case 0x1e:				/* DW_FORM_data16 */
		rd_fixed(r, 8);
		rd_fixed(r, 8);
		break;
	case 0x0f:				/* DW_FORM_udata */
		*u = rd_uleb(r);
		break;
	case 0x0d:				/* DW_FORM_sdata */
		*u = (uint64_t)rd_sleb(r);
		break;
	case 0x09:				/* DW_FORM_block */
		*u = rd_uleb(r);
		if (*u > r->len - r->off)
			r->bad = 1;
		else
			r->off += *u;
		break;
	default:
		/* strx forms need .debug_str_offsets: not in line headers. */
		return -1;
	}
	return r->bad ? -1 : 0;
}

/* Append a path component the way llvm::sys::path::append does. */
static void
path_append(struct buf *b, const char *c)
{
	if (c == NULL || *c == '\0')
		return;
	if (b->len > 0 && b->data[b->len - 1] == '/') {
		while (*c == '/')
			c++;
		buf_adds(b, c);
		return;
	}
	if (*c != '/' && b->len > 0)
		buf_addc(b, '/');
	buf_adds(b, c);
}

/* The full name of a file entry, as LLVM composes it. */
static char *
file_path(const char *comp_dir, const char *incdir, const char *name)
{
	struct buf	 b;

	if (name[0] == '/')
		return xstrdup(name);
	buf_init(&b, 64 * 1024);
	if (comp_dir != NULL && comp_dir[0] != '\0' &&
	    (incdir == NULL || incdir[0] != '/'))
		path_append(&b, comp_dir);
	path_append(&b, incdir);
	path_append(&b, name);
	return buf_detach(&b);
}

struct entry_format {
	uint64_t	content;
	uint64_t	form;
};

/* Read a DWARF 5 entry format list. */
static int
read_formats(struct rd *r, struct entry_format *f, size_t *n)
{
	size_t	i, count = (size_t)rd_fixed(r, 1);

	if (count > 16)
		return -1;
	for (i = 0; i < count; i++) {
		f[i].content = rd_uleb(r);
		f[i].form = rd_uleb(r);
	}
	*n = count;
	return r->bad ? -1 : 0;
}

static int
read_header_v5(struct rd *r, int offsz, const struct dwsects *ss,
    const char *comp_dir, struct line_table *lt)
{
	struct entry_format f[16];
	const char	**dirs = NULL, *s, *name;
	uint64_t	 ndirs, nfiles, i, u, dir;
	size_t		 nf, k;
	int		 rc = -1;

	if (read_formats(r, f, &nf) != 0)
		return -1;
	ndirs = rd_uleb(r);
	if (r->bad || ndirs > LINE_FILES_MAX)
		return -1;
	dirs = xcalloc((size_t)ndirs + 1, sizeof *dirs);
	for (i = 0; i < ndirs; i++)
		for (k = 0; k < nf; k++) {
			if (read_form(r, f[k].form, offsz, ss, &s, &u) != 0)
				goto out;
			if (f[k].content == 1)		/* DW_LNCT_path */
				dirs[i] = s;
		}
	if (read_formats(r, f, &nf) != 0)
		goto out;
	nfiles = rd_uleb(r);
	if (r->bad || nfiles > LINE_FILES_MAX)
		goto out;
	lt->files = xcalloc((size_t)nfiles + 1, sizeof *lt->files);
	lt->nfiles = (size_t)nfiles;
	for (i = 0; i < nfiles; i++) {
		name = NULL;
		dir = 0;
		for (k = 0; k < nf; k++) {
			if (read_form(r, f[k].form, offsz, ss, &s, &u) != 0)
				goto out;
			if (f[k].content == 1)		/* DW_LNCT_path */
				name = s;
			else if (f[k].content == 2)	/* directory_index */
				dir = u;
		}
		if (name != NULL)
			lt->files[i] = file_path(comp_dir,
			    dir < ndirs ? dirs[dir] : NULL, name);
	}
	rc = 0;
out:
	free(dirs);
	return rc;
}

static int
read_header_v4(struct rd *r, const char *comp_dir, struct line_table *lt)
{
	const char	**dirs = NULL, *s;
	size_t		 ndirs = 0, cap = 0, nfiles = 0;
	uint64_t	 dir;
	int		 rc = -1;

	while ((s = rd_cstr(r)) != NULL && *s != '\0') {
		if (ndirs == cap) {
			if (cap >= LINE_FILES_MAX)
				goto out;
			cap = cap ? cap * 2 : 16;
			dirs = xreallocarray(dirs, cap, sizeof *dirs);
		}
		dirs[ndirs++] = s;
	}
	if (s == NULL)
		goto out;
	cap = 0;
	/* File numbers start at 1: files[0] stays empty. */
	while ((s = rd_cstr(r)) != NULL && *s != '\0') {
		dir = rd_uleb(r);
		rd_uleb(r);
		rd_uleb(r);
		if (r->bad)
			goto out;
		if (nfiles + 2 > cap) {
			if (cap >= LINE_FILES_MAX)
				goto out;
			cap = cap ? cap * 2 : 16;
			lt->files = xreallocarray(lt->files, cap,
			    sizeof *lt->files);
			lt->files[0] = NULL;
		}
		nfiles++;
		lt->files[nfiles] = file_path(comp_dir,
		    dir > 0 && dir <= ndirs ? dirs[dir - 1] : NULL, s);
		lt->nfiles = nfiles + 1;
	}
	if (s == NULL)
		goto out;
	rc = 0;
out:
	free(dirs);
	return rc;
}

struct lstate {
	uint64_t	 addr;
	uint64_t	 file;
	uint32_t	 line;
	uint64_t	 column;
	size_t		 first;		/* first row of the open sequence */
	int		 open;
};

static void
lstate_reset(struct lstate *st)
{
	st->addr = 0;
	st->file = 1;
	st->line = 1;
	st->column = 0;
	st->open = 0;
}

static int
emit_row(struct line_table *lt, struct lstate *st, int endseq)
{
	struct lrow	*row;
	struct lseq	*sq;

	if (lt->nrows >= LINE_ROWS_MAX)
		return -1;
	if (lt->nrows == lt->caprows) {
		lt->caprows = lt->caprows ? lt->caprows * 2 : 1024;
		lt->rows = xreallocarray(lt->rows, lt->caprows,
		    sizeof *lt->rows);
	}
	if (!st->open) {
		st->first = lt->nrows;
		st->open = 1;
	}
	row = &lt->rows[lt->nrows++];
	row->addr = st->addr;
	row->line = st->line;
	row->column = (uint16_t)st->column;	/* LLVM keeps 16 bits */
	row->file = (uint16_t)st->file;		/* likewise */
	row->endseq = endseq;
	if (!endseq)
		return 0;
	if (lt->rows[st->first].addr < st->addr && st->first + 1 < lt->nrows) {
		if (lt->nseqs == lt->capseqs) {
			lt->capseqs = lt->capseqs ? lt->capseqs * 2 : 16;
			lt->seqs = xreallocarray(lt->seqs, lt->capseqs,
			    sizeof *lt->seqs);
		}
		sq = &lt->seqs[lt->nseqs++];
		sq->lo = lt->rows[st->first].addr;
		sq->hi = st->addr;
		sq->first = st->first;
		sq->last = lt->nrows;
	}
	lstate_reset(st);
	return 0;
}

static int
lseq_cmp(const void *a, const void *b)
{
	const struct lseq *x = a, *y = b;

	if (x->hi != y->hi)
		return x->hi < y->hi ? -1 : 1;
	return x->first < y->first ? -1 : x->first > y->first;
}

/* Run the line-number program from r->off to end. */
static int
run_program(struct rd *r, size_t end, unsigned min_inst, int line_base,
    unsigned line_range, unsigned opcode_base, const unsigned char *oplens,
    unsigned addr_size, struct line_table *lt)
{
	struct lstate	 st;
	unsigned	 op, adj, k;
	uint64_t	 len, sub_end;

	lstate_reset(&st);
	r->len = end;
	while (r->off < end && !r->bad) {
		op = (unsigned)rd_fixed(r, 1);
		if (op >= opcode_base) {
			adj = op - opcode_base;
			st.addr += (uint64_t)(adj / line_range) * min_inst;
			st.line += (uint32_t)(line_base + (int)(adj % line_range));
			if (emit_row(lt, &st, 0) != 0)
				return -1;
			continue;
		}
		switch (op) {
		case 0:				/* extended */
			len = rd_uleb(r);
			if (r->bad || len == 0 || len > end - r->off)
				return -1;
			sub_end = r->off + len;
			switch (rd_fixed(r, 1)) {
			case 1:			/* DW_LNE_end_sequence */
				if (emit_row(lt, &st, 1) != 0)
					return -1;
				break;
			case 2:			/* DW_LNE_set_address */
				if (len - 1 == 8 || len - 1 == 4)
					st.addr = rd_fixed(r, (size_t)len - 1);
				else if (len - 1 == addr_size)
					st.addr = rd_fixed(r, addr_size);
				break;
			}
			r->off = sub_end;
			break;
		case 1:				/* DW_LNS_copy */
			if (emit_row(lt, &st, 0) != 0)
				return -1;
			break;
		case 2:				/* DW_LNS_advance_pc */
			st.addr += rd_uleb(r) * min_inst;
			break;
		case 3:				/* DW_LNS_advance_line */
			st.line += (uint32_t)rd_sleb(r);
			break;
		case 4:				/* DW_LNS_set_file */
			st.file = rd_uleb(r);
			break;
		case 5:				/* DW_LNS_set_column */
			st.column = rd_uleb(r);
			break;
		case 8:				/* DW_LNS_const_add_pc */
			st.addr += (uint64_t)((255 - opcode_base) / line_range) *
			    min_inst;
			break;
		case 9:				/* DW_LNS_fixed_advance_pc */
			st.addr += rd_fixed(r, 2);
			break;
		case 6: case 7: case 10: case 11:
			break;
		default:
			/* Unknown standard opcodes say how many operands. */
			for (k = 0; k < oplens[op - 1]; k++)
				rd_uleb(r);
			break;
		}
	}
	return r->bad ? -1 : 0;
}

/*
 * Decode the line table at offset off of .debug_line into lt: rows,
 * sequences sorted by end address, and file names by file number.
 * Returns 0, or -1 with *cause set.
 */
int
line_table_read(const struct dwsects *ss, uint64_t off, const char *comp_dir,
    unsigned addr_size, int big_endian, struct line_table *lt, char **cause)
{
	struct rd	 r;
	unsigned char	 oplens[256];
	uint64_t	 ulen, hlen, end, prog;
	unsigned	 version, min_inst, line_range, opcode_base, i;
	int		 offsz = 4, line_base;

	memset(lt, 0, sizeof *lt);
	memset(&r, 0, sizeof r);
	r.p = ss->line.data;
	r.len = ss->line.size;
	r.big = big_endian;
	if (r.p == NULL || off >= r.len) {
		xasprintf(cause, "line table offset %llu past .debug_line",
		    (unsigned long long)off);
		return -1;
	}
	r.off = (size_t)off;
	ulen = rd_fixed(&r, 4);
	if (ulen == 0xffffffffu) {
		ulen = rd_fixed(&r, 8);
		offsz = 8;
	}
	if (r.bad || ulen > r.len - r.off)
		goto bad;
	end = r.off + ulen;
	version = (unsigned)rd_fixed(&r, 2);
	if (version < 2 || version > 5)
		goto bad;
	if (version >= 5) {
		addr_size = (unsigned)rd_fixed(&r, 1);
		rd_fixed(&r, 1);		/* segment selector size */
	}
	hlen = rd_fixed(&r, offsz);
	if (r.bad || hlen > end - r.off)
		goto bad;
	prog = r.off + hlen;
	min_inst = (unsigned)rd_fixed(&r, 1);
	if (version >= 4)
		rd_fixed(&r, 1);		/* max ops per instruction */
	rd_fixed(&r, 1);			/* default_is_stmt */
	line_base = (int)(signed char)rd_fixed(&r, 1);
	line_range = (unsigned)rd_fixed(&r, 1);
	opcode_base = (unsigned)rd_fixed(&r, 1);
	if (r.bad || line_range == 0 || opcode_base == 0)
		goto bad;
	memset(oplens, 0, sizeof oplens);
	for (i = 1; i < opcode_base; i++)
		oplens[i - 1] = (unsigned char)rd_fixed(&r, 1);
	r.len = (size_t)prog;
	if (version >= 5 ? read_header_v5(&r, offsz, ss, comp_dir, lt) :
	    read_header_v4(&r, comp_dir, lt))
		goto bad;
	r.len = ss->line.size;
	r.off = (size_t)prog;
	/*
	 * Every row takes at least one byte of program: reserve that many
	 * rows at once rather than copying as the table grows.  Pages never
	 * written are never touched.
	 */
	if (end > prog) {
		lt->caprows = (size_t)(end - prog) + 1;
		if (lt->caprows > LINE_ROWS_RESERVE)
			lt->caprows = LINE_ROWS_RESERVE;
		lt->rows = xreallocarray(NULL, lt->caprows, sizeof *lt->rows);
	}
	if (run_program(&r, (size_t)end, min_inst, line_base, line_range,
	    opcode_base, oplens, addr_size, lt) != 0)
		goto bad;
	if (lt->nseqs > 1)	/* qsort(NULL, 0) is undefined */
		qsort(lt->seqs, lt->nseqs, sizeof *lt->seqs, lseq_cmp);
	return 0;
bad:
	xasprintf(cause, "corrupt line table at offset %llu of .debug_line",
	    (unsigned long long)off);
	line_table_release(lt);
	return -1;
}

/* Free what a line table holds. */
void
line_table_release(struct line_table *lt)
{
	size_t	i;

	for (i = 0; i < lt->nfiles; i++)
		free(lt->files[i]);
	free(lt->files);
	free(lt->rows);
	free(lt->seqs);
	memset(lt, 0, sizeof *lt);
}

/* The name of file number n, or NULL. */
const char *
line_table_file(const struct line_table *lt, uint64_t n)
{
	return n < lt->nfiles ? lt->files[n] : NULL;
}

/* The row that holds addr, as LLVM finds it, or NULL. */
const struct lrow *
line_table_row(const struct line_table *lt, uint64_t addr)
{
	size_t			 lo = 0, hi = lt->nseqs, mid;
	const struct lseq	*s;

	/* The first sequence ending above addr. */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (lt->seqs[mid].hi <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == lt->nseqs)
		return NULL;
	s = &lt->seqs[lo];
	if (addr < s->lo)
		return NULL;
	/* The last row at or below addr, the end row excluded. */
	lo = s->first + 1;
	hi = s->last - 1;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (lt->rows[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return &lt->rows[lo - 1];
}

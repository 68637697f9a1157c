/*
 * dwarf.c: addresses to functions, inline chains and source lines, with
 * libdwarf.
 *
 * Opening an object reads only the compile unit headers and the address
 * ranges of each unit, merged into one sorted table.  The first look-up
 * that lands in a unit indexes that unit, once: the ranges of its outer
 * subprograms become a sorted map, and its line table (decoded by
 * dwarf-line.c) a sorted list of rows grouped in sequences.  The first
 * look-up that lands in a subprogram indexes the inline tree inside it the
 * same way.  Everything is then searched by bisection and nothing is read
 * again for later addresses; a cold report touches only the subprograms
 * its frames are in.  Function names are resolved only for DIEs that
 * appear in an answer, through a cache of referenced DIEs.
 *
 * The answer is the one llvm-symbolizer --inlining gives: the innermost
 * subroutine whose ranges hold the address, then its parents up to the
 * subprogram; the innermost frame takes file, line and column from the line
 * table, each outer frame from the DW_AT_call_* of the frame inside it;
 * names are the linkage name, else the name, following abstract origins and
 * specifications.  DWARF 2 to 5 are read, including address indexes and
 * DWARF 5 range lists (DW_FORM_rnglistx), which dwarf-rnglists.c decodes.
 *
 * The input is hostile by assumption: every libdwarf call gets an error
 * pointer, a unit or subprogram that fails to index is marked and its error
 * reported once, and nesting depth and table sizes are bounded.  The parts
 * of libdwarf 20210528 that crash on damaged input (range list headers and
 * bodies) are checked or bypassed.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "dwarf-compat.h"

#include "fttriage.h"
#include "symbolize.h"

#define DIE_DEPTH_MAX	256		/* nesting we follow */
#define NAME_HOPS_MAX	16		/* origin/specification links */

/* One DIE kept for answers: a subroutine, or a scope on the way to one. */
/* What naming a DIE needs: its own names and where it points. */
struct names {
	const char	*linkage;	/* in libdwarf's string sections */
	const char	*name;
	Dwarf_Off	 origin;	/* DW_AT_abstract_origin, if has_origin */
	Dwarf_Off	 spec;		/* DW_AT_specification, if has_spec */
	uint8_t		 has_origin;
	uint8_t		 has_spec;
};

struct dierec {
	Dwarf_Off	 off;
	int32_t		 parent;	/* index in the unit, or -1 */
	uint16_t	 tag;
	uint8_t		 named;		/* name resolved (possibly NULL) */
	int32_t		 sub;		/* its subtree, for outer subprograms */
	const char	*name;		/* the answer's name */
	struct names	 names;
	uint64_t	 call_file;
	unsigned	 call_line;
	unsigned	 call_column;
};

/* A cache entry: the names of a DIE reached by reference. */
struct nref {
	Dwarf_Off	 off;
	int		 used;
	int		 ok;
	struct names	 names;
};

/* A range of the subroutine map: [lo, hi) belongs to DIE die. */
struct amap {
	uint64_t	 lo;
	uint64_t	 hi;
	uint32_t	 die;
};

/* A list of ranges noted by a walk, then the map amap_build makes. */
struct amapv {
	struct amap	*v;
	size_t		 n, cap;
};

/* The subtree of one subprogram, indexed on its first use. */
struct subtree {
	uint32_t	 die;		/* the subprogram's record */
	int		 state;		/* 0 not walked, 1 walked, -1 failed */
	struct amapv	 map;
};

struct cunit {
	Dwarf_Off	 off;		/* of the unit DIE */
	uint16_t	 version;
	int		 state;		/* 0 not indexed, 1 indexed, -1 failed */
	char		*comp_dir;
	struct rngctx	 rc;		/* for its DWARF 5 range lists */

	uint64_t	 base;		/* the unit's base address */
	struct dierec	*dies;
	size_t		 ndies, capdies;
	struct amapv	 top;		/* ranges of the outer subprograms */
	struct subtree	*subs;
	size_t		 nsubs, capsubs;

	uint16_t	 addr_size;
	uint64_t	 stmt_list;	/* offset in .debug_line */
	int		 has_lines;
	struct line_table lt;
};

struct crange {
	uint64_t	 lo;
	uint64_t	 hi;
	uint32_t	 cu;
};

struct dbginfo {
	Dwarf_Debug	 dbg;
	char		*path;
	struct nref	*nrefs;		/* open addressing, power of two */
	size_t		 nnrefs, capnrefs;
	struct dwsects	 sects;
	int		 big_endian;
	struct cunit	*cus;
	size_t		 ncus;
	struct crange	*ranges;
	size_t		 nranges;
};

/* A growing list of address ranges. */
struct rlist {
	struct crange	*v;
	size_t		 n, cap;
};

static void
rlist_add(struct rlist *rl, uint64_t lo, uint64_t hi, uint32_t cu)
{
	if (rl->n == rl->cap) {
		rl->cap = rl->cap ? rl->cap * 2 : 16;
		rl->v = xreallocarray(rl->v, rl->cap, sizeof *rl->v);
	}
	rl->v[rl->n].lo = lo;
	rl->v[rl->n].hi = hi;
	rl->v[rl->n].cu = cu;
	rl->n++;
}

/* Turn a libdwarf error into a cause and release it. */
static void
dbg_error(struct dbginfo *di, Dwarf_Error err, const char *what,
    char **cause)
{
	const char	*msg = "unknown error";

	if (err != NULL)
		msg = dwarf_errmsg(err);
	if (cause != NULL && *cause == NULL)
		xasprintf(cause, "bad DWARF in '%s' (%s): %s", di->path, what,
		    msg);
	if (err != NULL)
		dwarf_dealloc_error(di->dbg, err);
}

static int
form_is_address(Dwarf_Half form)
{
	switch (form) {
	case DW_FORM_addr:
	case DW_FORM_addrx:
	case DW_FORM_addrx1:
	case DW_FORM_addrx2:
	case DW_FORM_addrx3:
	case DW_FORM_addrx4:
	case DW_FORM_GNU_addr_index:
		return 1;
	}
	return 0;
}

/* An unsigned constant, DWARF 5's DW_FORM_implicit_const included. */
static int
attr_udata(Dwarf_Attribute a, Dwarf_Unsigned *u, Dwarf_Error *err)
{
	Dwarf_Half	 form;
	Dwarf_Signed	 v;
	int		 res;

	if ((res = dwarf_whatform(a, &form, err)) != DW_DLV_OK)
		return res;
	if (form != DW_FORM_implicit_const)
		return dwarf_formudata(a, u, err);
	if ((res = dwarf_formsdata(a, &v, err)) == DW_DLV_OK)
		*u = v < 0 ? 0 : (Dwarf_Unsigned)v;
	return res;
}

static void
rlist_add_cb(void *arg, uint64_t lo, uint64_t hi)
{
	rlist_add(arg, lo, hi, 0);
}

/*
 * Append the ranges of a DW_AT_ranges attribute: DWARF 5 lists through
 * dwarf-rnglists.c, older .debug_ranges lists through libdwarf.
 */
static int
read_ranges(struct dbginfo *di, Dwarf_Die die, Dwarf_Attribute a,
    const struct rngctx *rc, unsigned version, struct rlist *out,
    char **cause)
{
	Dwarf_Error	 err = NULL;
	Dwarf_Half	 form;
	Dwarf_Unsigned	 val, count;
	Dwarf_Off	 off, realoff;
	Dwarf_Ranges	*rb;
	Dwarf_Signed	 n, j;
	uint64_t	 base = rc->base, at;
	int		 res;

	if (dwarf_whatform(a, &form, &err) != DW_DLV_OK) {
		dbg_error(di, err, "range form", cause);
		return -1;
	}
	if (form == DW_FORM_rnglistx)
		res = dwarf_formudata(a, &val, &err);
	else {
		res = dwarf_global_formref(a, &off, &err);
		val = off;
	}
	if (res != DW_DLV_OK) {
		dbg_error(di, err, "range offset", cause);
		return -1;
	}
	if (version >= 5) {
		at = val;
		if ((form == DW_FORM_rnglistx &&
		    rnglist_offset(rc, val, &at) != 0) ||
		    rnglist_read(rc, at, rlist_add_cb, out) != 0) {
			if (cause != NULL && *cause == NULL)
				xasprintf(cause, "bad DWARF in '%s': damaged "
				    "range list at offset %llu", di->path,
				    (unsigned long long)at);
			return -1;
		}
		return 0;
	}
	res = dwarf_get_ranges_b(di->dbg, val, die, &realoff, &rb, &n, &count,
	    &err);
	if (res == DW_DLV_NO_ENTRY)
		return 0;
	if (res != DW_DLV_OK) {
		dbg_error(di, err, "range list", cause);
		return -1;
	}
	for (j = 0; j < n; j++) {
		if (rb[j].dwr_type == DW_RANGES_END)
			break;
		if (rb[j].dwr_type == DW_RANGES_ADDRESS_SELECTION)
			base = rb[j].dwr_addr2;
		else if (rb[j].dwr_addr1 < rb[j].dwr_addr2)
			rlist_add(out, base + rb[j].dwr_addr1,
			    base + rb[j].dwr_addr2, 0);
	}
	ftdw_ranges_dealloc(di->dbg, rb, n);
	return 0;
}

/* What the walk wants from one DIE's attributes. */
struct dieattrs {
	uint64_t	 low, high;
	int		 has_low, has_high, high_is_offset;
	uint64_t	 call_file;
	unsigned	 call_line, call_column;
	const char	*comp_dir;
	uint64_t	 stmt_list;
	int		 has_stmt_list;
	uint64_t	 addr_base, rnglists_base;
	int		 has_addr_base, has_rnglists_base;
	struct names	 names;
};

/*
 * Read a DIE's attributes in one pass; range lists go to out.  Returns 0,
 * or -1 with *cause set.
 */
static int
read_die_attrs(struct dbginfo *di, Dwarf_Die die, const struct rngctx *rcx,
    unsigned version, struct dieattrs *da, struct rlist *out, char **cause)
{
	struct rngctx	 here;
	Dwarf_Error	 err = NULL;
	Dwarf_Attribute	*list, rng = NULL;
	Dwarf_Signed	 n, i;
	Dwarf_Half	 at, form;
	Dwarf_Unsigned	 u;
	Dwarf_Addr	 addr;
	Dwarf_Off	 ref;
	char		*s;
	int		 res, rc = 0;

	memset(da, 0, sizeof *da);
	res = dwarf_attrlist(die, &list, &n, &err);
	if (res == DW_DLV_NO_ENTRY)
		return 0;
	if (res != DW_DLV_OK) {
		dbg_error(di, err, "attributes", cause);
		return -1;
	}
	for (i = 0; i < n && rc == 0; i++) {
		if (dwarf_whatattr(list[i], &at, &err) != DW_DLV_OK) {
			dbg_error(di, err, "attribute", cause);
			rc = -1;
			break;
		}
		switch (at) {
		case DW_AT_low_pc:
			if (dwarf_formaddr(list[i], &addr, &err) != DW_DLV_OK) {
				dbg_error(di, err, "low_pc", cause);
				rc = -1;
				break;
			}
			da->low = addr;
			da->has_low = 1;
			break;
		case DW_AT_high_pc:
			if (dwarf_whatform(list[i], &form, &err) != DW_DLV_OK) {
				dbg_error(di, err, "high_pc", cause);
				rc = -1;
				break;
			}
			if (form_is_address(form))
				res = dwarf_formaddr(list[i], &addr, &err);
			else {
				res = attr_udata(list[i], &u, &err);
				addr = u;
				da->high_is_offset = 1;
			}
			if (res != DW_DLV_OK) {
				dbg_error(di, err, "high_pc", cause);
				rc = -1;
				break;
			}
			da->high = addr;
			da->has_high = 1;
			break;
		case DW_AT_ranges:
			rng = list[i];
			break;
		case DW_AT_call_file:
		case DW_AT_call_line:
		case DW_AT_call_column:
			if (attr_udata(list[i], &u, &err) != DW_DLV_OK) {
				dbg_error(di, err, "call site", cause);
				rc = -1;
				break;
			}
			if (at == DW_AT_call_file)
				da->call_file = u;
			else if (at == DW_AT_call_line)
				da->call_line = u > 0xffffffffu ? 0 : (unsigned)u;
			else
				da->call_column = u > 0xffffffffu ? 0 : (unsigned)u;
			break;
		case DW_AT_comp_dir:
		case DW_AT_name:
		case DW_AT_linkage_name:
		case DW_AT_MIPS_linkage_name:
			/*
			 * A string this reader cannot follow (a dwz
			 * supplementary file's, say) is only a missing name.
			 */
			if (dwarf_formstring(list[i], &s, &err) != DW_DLV_OK) {
				if (err != NULL)
					dwarf_dealloc_error(di->dbg, err);
				err = NULL;
				break;
			}
			if (at == DW_AT_comp_dir)
				da->comp_dir = s;
			else if (at == DW_AT_name)
				da->names.name = s;
			else if (da->names.linkage == NULL)
				da->names.linkage = s;
			break;
		case DW_AT_abstract_origin:
		case DW_AT_specification:
			if (dwarf_global_formref(list[i], &ref, &err) !=
			    DW_DLV_OK) {
				if (err != NULL)
					dwarf_dealloc_error(di->dbg, err);
				err = NULL;
				break;
			}
			if (at == DW_AT_abstract_origin) {
				da->names.origin = ref;
				da->names.has_origin = 1;
			} else {
				da->names.spec = ref;
				da->names.has_spec = 1;
			}
			break;
		case DW_AT_addr_base:
		case DW_AT_rnglists_base:
			if (dwarf_global_formref(list[i], &ref, &err) !=
			    DW_DLV_OK) {
				dbg_error(di, err, "unit base", cause);
				rc = -1;
				break;
			}
			if (at == DW_AT_addr_base) {
				da->addr_base = ref;
				da->has_addr_base = 1;
			} else {
				da->rnglists_base = ref;
				da->has_rnglists_base = 1;
			}
			break;
		case DW_AT_stmt_list:
			if (dwarf_global_formref(list[i], &ref, &err) !=
			    DW_DLV_OK) {
				dbg_error(di, err, "stmt_list", cause);
				rc = -1;
				break;
			}
			da->stmt_list = ref;
			da->has_stmt_list = 1;
			break;
		}
	}
	if (rc == 0) {
		if (da->has_low && da->has_high) {
			if (da->high_is_offset)
				da->high += da->low;
			if (da->low < da->high)
				rlist_add(out, da->low, da->high, 0);
		} else if (rng != NULL && rcx != NULL) {
			/* A unit DIE may carry its own bases. */
			here = *rcx;
			if (da->has_low)
				here.base = da->low;
			if (da->has_addr_base) {
				here.addr_base = da->addr_base;
				here.has_addr_base = 1;
			}
			if (da->has_rnglists_base) {
				here.rnglists_base = da->rnglists_base;
				here.has_rnglists_base = 1;
			}
			rc = read_ranges(di, die, rng, &here, version, out,
			    cause);
		}
	}
	for (i = 0; i < n; i++)
		dwarf_dealloc_attribute(list[i]);
	dwarf_dealloc(di->dbg, list, DW_DLA_LIST);
	return rc;
}

static int
crange_cmp(const void *a, const void *b)
{
	const struct crange *x = a, *y = b;

	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	return x->cu < y->cu ? -1 : x->cu > y->cu;
}

/*
 * Merge the units' ranges into a sorted table without overlaps; where
 * units overlap, the first unit in the file wins, as in LLVM.
 */
static void
build_unit_table(struct dbginfo *di, struct rlist *rl)
{
	struct crange	*act = NULL;	/* ranges open at the sweep point */
	size_t		 nact = 0, i, j, k, next = 0;
	uint64_t	 at, end, stop;
	uint32_t	 best;

	if (rl->n > 1)	/* qsort(NULL, 0) is undefined */
		qsort(rl->v, rl->n, sizeof *rl->v, crange_cmp);
	act = xreallocarray(NULL, rl->n + 1, sizeof *act);
	di->ranges = xreallocarray(NULL, rl->n * 2 + 1, sizeof *di->ranges);
	di->nranges = 0;
	at = 0;
	while (next < rl->n || nact > 0) {
		if (nact == 0)
			at = rl->v[next].lo;
		while (next < rl->n && rl->v[next].lo <= at)
			act[nact++] = rl->v[next++];
		/* Drop what ended; find the next boundary and the winner. */
		for (j = 0, k = 0; j < nact; j++)
			if (act[j].hi > at)
				act[k++] = act[j];
		nact = k;
		if (nact == 0)
			continue;
		stop = next < rl->n ? rl->v[next].lo : UINT64_MAX;
		best = act[0].cu;
		end = act[0].hi;
		for (j = 0; j < nact; j++) {
			if (act[j].cu < best)
				best = act[j].cu;
			if (act[j].hi < end)
				end = act[j].hi;
		}
		if (stop < end)
			end = stop;
		i = di->nranges;
		if (i > 0 && di->ranges[i - 1].cu == best &&
		    di->ranges[i - 1].hi == at)
			di->ranges[i - 1].hi = end;
		else {
			if (i == rl->n * 2) {
				/* Cannot happen: each step ends at an endpoint. */
				break;
			}
			di->ranges[i].lo = at;
			di->ranges[i].hi = end;
			di->ranges[i].cu = best;
			di->nranges++;
		}
		at = end;
	}
	free(act);
}

/* Read the unit headers and their ranges. */
static int
read_units(struct dbginfo *di, char **cause)
{
	Dwarf_Error	 err = NULL;
	Dwarf_Unsigned	 hlen, typeoff, next;
	Dwarf_Half	 version, asz, lsz, esz, utype, tag;
	Dwarf_Off	 abbr, off;
	Dwarf_Sig8	 sig;
	Dwarf_Die	 cudie;
	struct rlist	 rl = { NULL, 0, 0 }, one = { NULL, 0, 0 };
	struct dieattrs	 da;
	struct rngctx	 rc0;
	struct cunit	*cu;
	size_t		 capcus = 0, i;
	int		 res, rc = 0;

	for (;;) {
		res = dwarf_next_cu_header_d(di->dbg, 1, &hlen, &version, &abbr,
		    &asz, &lsz, &esz, &sig, &typeoff, &next, &utype, &err);
		if (res == DW_DLV_NO_ENTRY)
			break;
		if (res != DW_DLV_OK) {
			dbg_error(di, err, "unit header", cause);
			rc = -1;
			break;
		}
		res = dwarf_siblingof_b(di->dbg, NULL, 1, &cudie, &err);
		if (res == DW_DLV_NO_ENTRY)
			continue;
		if (res != DW_DLV_OK) {
			dbg_error(di, err, "unit DIE", cause);
			rc = -1;
			break;
		}
		if (dwarf_tag(cudie, &tag, &err) != DW_DLV_OK ||
		    dwarf_dieoffset(cudie, &off, &err) != DW_DLV_OK) {
			dbg_error(di, err, "unit DIE", cause);
			dwarf_dealloc_die(cudie);
			rc = -1;
			break;
		}
		if (tag != DW_TAG_compile_unit) {
			dwarf_dealloc_die(cudie);
			continue;
		}
		one.n = 0;
		memset(&rc0, 0, sizeof rc0);
		rc0.sects = &di->sects;
		rc0.big_endian = di->big_endian;
		rc0.addr_size = asz;
		rc0.offset_size = lsz == 8 ? 8 : 4;
		if (read_die_attrs(di, cudie, &rc0, version, &da, &one,
		    cause) != 0) {
			dwarf_dealloc_die(cudie);
			rc = -1;
			break;
		}
		if (di->ncus == capcus) {
			capcus = capcus ? capcus * 2 : 64;
			di->cus = xreallocarray(di->cus, capcus, sizeof *di->cus);
		}
		cu = &di->cus[di->ncus];
		memset(cu, 0, sizeof *cu);
		cu->off = off;
		cu->version = version;
		cu->comp_dir = da.comp_dir ? xstrdup(da.comp_dir) : NULL;
		cu->addr_size = asz;
		cu->rc = rc0;
		cu->rc.base = da.has_low ? da.low : 0;
		cu->rc.addr_base = da.addr_base;
		cu->rc.has_addr_base = da.has_addr_base;
		cu->rc.rnglists_base = da.rnglists_base;
		cu->rc.has_rnglists_base = da.has_rnglists_base;
		cu->stmt_list = da.stmt_list;
		cu->has_lines = da.has_stmt_list;
		for (i = 0; i < one.n; i++)
			rlist_add(&rl, one.v[i].lo, one.v[i].hi,
			    (uint32_t)di->ncus);
		di->ncus++;
		dwarf_dealloc_die(cudie);
	}
	if (rc != 0) {
		/* Drain the iteration so that libdwarf's state is reset. */
		while (dwarf_next_cu_header_d(di->dbg, 1, &hlen, &version,
		    &abbr, &asz, &lsz, &esz, &sig, &typeoff, &next, &utype,
		    &err) == DW_DLV_OK)
			;
		if (err != NULL)
			dwarf_dealloc_error(di->dbg, err);
	}
	build_unit_table(di, &rl);
	free(rl.v);
	free(one.v);
	return rc;
}

/*
 * Open the DWARF of an object.  Returns NULL with *cause NULL when the
 * object has no DWARF, NULL with *cause set on error.  The object must
 * outlive the result.
 */
struct dbginfo *
dbginfo_open(struct elfobj *eo, char **cause)
{
	static int	 alloc_flag_set;
	struct dbginfo	*di;
	Dwarf_Error	 err = NULL;
	char		*why = NULL;
	int		 res;

	*cause = NULL;
	if (!elfobj_has_dwarf(eo))
		return NULL;
	if (elfobj_dwarf_problem(eo) != NULL) {
		*cause = xstrdup(elfobj_dwarf_problem(eo));
		return NULL;
	}
	if (!alloc_flag_set) {
		/* We free what we allocate: skip libdwarf's tracking. */
		dwarf_set_de_alloc_flag(0);
		alloc_flag_set = 1;
	}
	di = xcalloc(1, sizeof *di);
	di->path = xstrdup(elfobj_path(eo));
	di->big_endian = elfobj_big_endian(eo);
	if (elfobj_section(eo, ".debug_line", &di->sects.line, cause) != 0 ||
	    elfobj_section(eo, ".debug_str", &di->sects.str, cause) != 0 ||
	    elfobj_section(eo, ".debug_line_str", &di->sects.line_str,
	    cause) != 0 ||
	    elfobj_section(eo, ".debug_rnglists", &di->sects.rnglists,
	    cause) != 0 ||
	    elfobj_section(eo, ".debug_addr", &di->sects.addr, cause) != 0) {
		free(di->path);
		free(di);
		return NULL;
	}
	res = ftdw_init(elfobj_handle(eo), elfobj_fd(eo), &di->dbg, &err);
	if (res == DW_DLV_NO_ENTRY) {
		free(di->path);
		free(di);
		return NULL;
	}
	if (res != DW_DLV_OK) {
		xasprintf(cause, "cannot read DWARF in '%s': %s", di->path,
		    err != NULL ? dwarf_errmsg(err) : "unknown error");
		if (err != NULL)
			dwarf_dealloc_error(NULL, err);
		free(di->path);
		free(di);
		return NULL;
	}
	if (read_units(di, &why) != 0) {
		/* Keep the units read before the damage; say what happened. */
		if (di->ncus == 0) {
			*cause = why;
			dbginfo_free(di);
			return NULL;
		}
		log_msg(LOG_LVL_WARN, "%s", why);
		free(why);
	}
	return di;
}

/* Close the DWARF of an object; NULL does nothing. */
void
dbginfo_free(struct dbginfo *di)
{
	struct cunit	*cu;
	size_t		 i, j;

	if (di == NULL)
		return;
	for (i = 0; i < di->ncus; i++) {
		cu = &di->cus[i];
		free(cu->comp_dir);
		free(cu->dies);
		free(cu->top.v);
		for (j = 0; j < cu->nsubs; j++)
			free(cu->subs[j].map.v);
		free(cu->subs);
		line_table_release(&cu->lt);
	}
	free(di->cus);
	free(di->ranges);
	free(di->nrefs);
	if (di->dbg != NULL)
		ftdw_finish(di->dbg);
	free(di->path);
	free(di);
}

/* ---- the subroutine map of one unit ------------------------------------ */

/* The DIE whose range holds addr in a built map, or -1. */
static int32_t
amap_find(const struct amapv *m, uint64_t addr)
{
	size_t	lo = 0, hi = m->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (m->v[mid].lo <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0 || addr >= m->v[lo - 1].hi)
		return -1;
	return (int32_t)m->v[lo - 1].die;
}

/* Note a range of a DIE; amap_build turns the notes into the map. */
static void
amap_note(struct amapv *m, uint64_t lo, uint64_t hi, uint32_t die)
{
	if (m->n == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 64;
		m->v = xreallocarray(m->v, m->cap, sizeof *m->v);
	}
	m->v[m->n].lo = lo;
	m->v[m->n].hi = hi;
	m->v[m->n].die = die;
	m->n++;
}

static int
amap_cmp(const void *a, const void *b)
{
	const struct amap *x = a, *y = b;

	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	return x->die < y->die ? -1 : x->die > y->die;
}

static int
u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The max-heap of the sweep, by DIE index (pre-order position). */
static void
heap_push(uint32_t *h, size_t *n, const struct amap *e, uint32_t v)
{
	size_t	i = (*n)++, p;

	h[i] = v;
	while (i > 0 && e[h[p = (i - 1) / 2]].die < e[h[i]].die) {
		v = h[p];
		h[p] = h[i];
		h[i] = v;
		i = p;
	}
}

static void
heap_pop(uint32_t *h, size_t *n, const struct amap *e)
{
	size_t		i = 0, l, m;
	uint32_t	v;

	h[0] = h[--(*n)];
	for (;;) {
		l = 2 * i + 1;
		m = i;
		if (l < *n && e[h[l]].die > e[h[m]].die)
			m = l;
		if (l + 1 < *n && e[h[l + 1]].die > e[h[m]].die)
			m = l + 1;
		if (m == i)
			break;
		v = h[m];
		h[m] = h[i];
		h[i] = v;
		i = m;
	}
}

/*
 * Build the sorted map from the noted ranges: each address belongs to the
 * last DIE, in DIE order, whose range holds it.  DIEs are noted parents
 * first, so this is the innermost subroutine, as in LLVM's address map.
 */
static void
amap_build(struct amapv *m)
{
	struct amap	*e = m->v, *out;
	uint64_t	*b;
	uint32_t	*h;
	size_t		 n = m->n, nb = 0, nh = 0, no = 0, i, j = 0, k;

	if (n == 0)
		return;
	if (n > 1)	/* qsort(NULL, 0) is undefined */
		qsort(e, n, sizeof *e, amap_cmp);
	b = xreallocarray(NULL, 2 * n, sizeof *b);
	for (i = 0; i < n; i++) {
		b[nb++] = e[i].lo;
		b[nb++] = e[i].hi;
	}
	if (nb > 1)	/* qsort(NULL, 0) is undefined */
		qsort(b, nb, sizeof *b, u64_cmp);
	for (i = 0, k = 0; i < nb; i++)
		if (k == 0 || b[k - 1] != b[i])
			b[k++] = b[i];
	nb = k;
	h = xreallocarray(NULL, n, sizeof *h);
	out = xreallocarray(NULL, 2 * n + 1, sizeof *out);
	for (k = 0; k + 1 < nb; k++) {
		while (j < n && e[j].lo <= b[k])
			heap_push(h, &nh, e, (uint32_t)j++);
		while (nh > 0 && e[h[0]].hi <= b[k])
			heap_pop(h, &nh, e);
		if (nh == 0)
			continue;
		if (no > 0 && out[no - 1].die == e[h[0]].die &&
		    out[no - 1].hi == b[k])
			out[no - 1].hi = b[k + 1];
		else if (no < 2 * n + 1) {
			out[no].lo = b[k];
			out[no].hi = b[k + 1];
			out[no].die = e[h[0]].die;
			no++;
		}
	}
	free(b);
	free(h);
	free(m->v);
	m->v = out;
	m->n = m->cap = no;
}

static int32_t
cu_add_die(struct cunit *cu, Dwarf_Off off, int32_t parent, Dwarf_Half tag)
{
	struct dierec	*d;

	if (cu->ndies == cu->capdies) {
		cu->capdies = cu->capdies ? cu->capdies * 2 : 256;
		cu->dies = xreallocarray(cu->dies, cu->capdies,
		    sizeof *cu->dies);
	}
	d = &cu->dies[cu->ndies];
	memset(d, 0, sizeof *d);
	d->off = off;
	d->parent = parent;
	d->tag = tag;
	d->sub = -1;
	return (int32_t)cu->ndies++;
}

/* Whether DIEs of this tag can hold subroutines worth finding. */
static int
tag_is_scope(Dwarf_Half tag)
{
	switch (tag) {
	case DW_TAG_subprogram:
	case DW_TAG_inlined_subroutine:
	case DW_TAG_lexical_block:
	case DW_TAG_namespace:
	case DW_TAG_module:
	case DW_TAG_try_block:
	case DW_TAG_catch_block:
		return 1;
	}
	return 0;
}

/*
 * Walk the children of die (recorded at index parent), in order.  With
 * outer set, only the unit's level is walked (namespaces included): each
 * subprogram gets a subtree, indexed later, and its ranges go to the
 * unit's outer map.  Otherwise every scope is entered and each subroutine's
 * ranges go to notes.
 */
static int
cu_walk(struct dbginfo *di, struct cunit *cu, Dwarf_Die die, int32_t parent,
    int outer, struct amapv *notes, struct rlist *tmp, int depth,
    char **cause)
{
	Dwarf_Error	 err = NULL;
	Dwarf_Die	 child, next;
	Dwarf_Half	 tag;
	Dwarf_Off	 off;
	struct dieattrs	 da;
	struct subtree	*st;
	int32_t		 idx = -1;
	size_t		 i;
	int		 res, rc = 0, enter;

	if (depth > DIE_DEPTH_MAX)
		return 0;
	res = dwarf_child(die, &child, &err);
	if (res == DW_DLV_NO_ENTRY)
		return 0;
	if (res != DW_DLV_OK) {
		dbg_error(di, err, "DIE tree", cause);
		return -1;
	}
	for (;;) {
		if (dwarf_tag(child, &tag, &err) != DW_DLV_OK) {
			dbg_error(di, err, "DIE tag", cause);
			rc = -1;
		} else if (outer ? (tag == DW_TAG_subprogram ||
		    tag == DW_TAG_namespace || tag == DW_TAG_module) :
		    tag_is_scope(tag)) {
			if (dwarf_dieoffset(child, &off, &err) != DW_DLV_OK) {
				dbg_error(di, err, "DIE offset", cause);
				rc = -1;
			} else
				idx = cu_add_die(cu, off, parent, tag);
			enter = !outer || tag != DW_TAG_subprogram;
			if (rc == 0 && (tag == DW_TAG_subprogram ||
			    tag == DW_TAG_inlined_subroutine)) {
				tmp->n = 0;
				rc = read_die_attrs(di, child, &cu->rc,
				    cu->version, &da, tmp, cause);
				if (rc == 0) {
					cu->dies[idx].names = da.names;
					cu->dies[idx].call_file = da.call_file;
					cu->dies[idx].call_line = da.call_line;
					cu->dies[idx].call_column =
					    da.call_column;
				}
				if (rc == 0 && outer && tmp->n > 0) {
					if (cu->nsubs == cu->capsubs) {
						cu->capsubs = cu->capsubs ?
						    cu->capsubs * 2 : 64;
						cu->subs = xreallocarray(
						    cu->subs, cu->capsubs,
						    sizeof *cu->subs);
					}
					st = &cu->subs[cu->nsubs];
					memset(st, 0, sizeof *st);
					st->die = (uint32_t)idx;
					cu->dies[idx].sub = (int32_t)cu->nsubs++;
				}
				for (i = 0; rc == 0 && i < tmp->n; i++)
					amap_note(notes, tmp->v[i].lo,
					    tmp->v[i].hi, (uint32_t)idx);
			}
			if (rc == 0 && enter)
				rc = cu_walk(di, cu, child, idx, outer, notes,
				    tmp, depth + 1, cause);
		}
		if (rc != 0) {
			dwarf_dealloc_die(child);
			return rc;
		}
		res = dwarf_siblingof_b(di->dbg, child, 1, &next, &err);
		dwarf_dealloc_die(child);
		if (res == DW_DLV_NO_ENTRY)
			break;
		if (res != DW_DLV_OK) {
			dbg_error(di, err, "DIE sibling", cause);
			return -1;
		}
		child = next;
	}
	return 0;
}

/*
 * Index a unit on first use: the ranges of its outer subprograms and its
 * line table.  What lies inside a subprogram waits for sub_load.
 */
static int
cu_load(struct dbginfo *di, struct cunit *cu, char **cause)
{
	Dwarf_Error	 err = NULL;
	Dwarf_Die	 cudie;
	struct rlist	 tmp = { NULL, 0, 0 };
	struct dieattrs	 da;
	int32_t		 top;
	int		 rc;

	if (cu->state != 0)
		return cu->state == 1 ? 0 : -1;
	cu->state = -1;
	if (dwarf_offdie_b(di->dbg, cu->off, 1, &cudie, &err) != DW_DLV_OK) {
		dbg_error(di, err, "unit DIE", cause);
		return -1;
	}
	top = cu_add_die(cu, cu->off, -1, DW_TAG_compile_unit);
	rc = read_die_attrs(di, cudie, &cu->rc, cu->version, &da, &tmp, cause);
	cu->base = cu->rc.base;
	if (rc == 0)
		rc = cu_walk(di, cu, cudie, top, 1, &cu->top, &tmp, 0, cause);
	dwarf_dealloc_die(cudie);
	free(tmp.v);
	if (rc == 0 && cu->has_lines)
		rc = line_table_read(&di->sects, cu->stmt_list, cu->comp_dir,
		    cu->addr_size, di->big_endian, &cu->lt, cause);
	if (rc != 0)
		return -1;
	amap_build(&cu->top);
	cu->state = 1;
	return 0;
}

/* Index the inside of an outer subprogram: its inline tree. */
static int
sub_load(struct dbginfo *di, struct cunit *cu, struct subtree *st,
    char **cause)
{
	Dwarf_Error	 err = NULL;
	Dwarf_Die	 die;
	struct rlist	 tmp = { NULL, 0, 0 };
	struct amapv	 notes = { NULL, 0, 0 };
	uint32_t	 at = st->die;
	size_t		 k = (size_t)(st - cu->subs);
	int		 rc;

	st->state = -1;
	if (dwarf_offdie_b(di->dbg, cu->dies[at].off, 1, &die, &err) !=
	    DW_DLV_OK) {
		dbg_error(di, err, "subprogram DIE", cause);
		return -1;
	}
	rc = cu_walk(di, cu, die, (int32_t)at, 0, &notes, &tmp, 1, cause);
	dwarf_dealloc_die(die);
	free(tmp.v);
	st = &cu->subs[k];
	if (rc != 0) {
		free(notes.v);
		return -1;
	}
	amap_build(&notes);
	st->map = notes;
	st->state = 1;
	return 0;
}

/* ---- answers --------------------------------------------------------------- */

/* The names of the DIE at off, read once and cached; NULL if unreadable. */
static const struct names *
names_at(struct dbginfo *di, Dwarf_Off off)
{
	Dwarf_Error	 err = NULL;
	Dwarf_Die	 die;
	struct dieattrs	 da;
	struct rlist	 none = { NULL, 0, 0 };
	struct nref	*old, *e;
	size_t		 i, mask, oldcap;
	char		*why = NULL;

	if (di->nnrefs * 2 >= di->capnrefs) {
		old = di->nrefs;
		oldcap = di->capnrefs;
		di->capnrefs = oldcap ? oldcap * 2 : 1024;
		di->nrefs = xcalloc(di->capnrefs, sizeof *di->nrefs);
		mask = di->capnrefs - 1;
		for (i = 0; i < oldcap; i++) {
			if (!old[i].used)
				continue;
			e = &di->nrefs[(old[i].off * 0x9e3779b97f4a7c15ull >> 20) &
			    mask];
			while (e->used)
				e = e == &di->nrefs[mask] ? di->nrefs : e + 1;
			*e = old[i];
		}
		free(old);
	}
	mask = di->capnrefs - 1;
	e = &di->nrefs[(off * 0x9e3779b97f4a7c15ull >> 20) & mask];
	while (e->used && e->off != off)
		e = e == &di->nrefs[mask] ? di->nrefs : e + 1;
	if (e->used)
		return e->ok ? &e->names : NULL;
	e->used = 1;
	e->off = off;
	di->nnrefs++;
	if (dwarf_offdie_b(di->dbg, off, 1, &die, &err) != DW_DLV_OK) {
		if (err != NULL)
			dwarf_dealloc_error(di->dbg, err);
		return NULL;
	}
	/* Only names and references are wanted: version and base unused. */
	if (read_die_attrs(di, die, NULL, 5, &da, &none, &why) == 0) {
		e->names = da.names;
		e->ok = 1;
	}
	free(why);
	free(none.v);
	dwarf_dealloc_die(die);
	return e->ok ? &e->names : NULL;
}

/*
 * A linkage name (or a name) of a DIE, or of the DIEs its specification
 * and abstract origin lead to, as LLVM's findRecursively looks for it.
 */
static const char *
names_find(struct dbginfo *di, const struct names *n, int linkage, int depth)
{
	const struct names *m;
	const char	*s = linkage ? n->linkage : n->name;

	if (s != NULL || depth >= NAME_HOPS_MAX)
		return s;
	if (n->has_spec && (m = names_at(di, n->spec)) != NULL &&
	    (s = names_find(di, m, linkage, depth + 1)) != NULL)
		return s;
	if (n->has_origin && (m = names_at(di, n->origin)) != NULL &&
	    (s = names_find(di, m, linkage, depth + 1)) != NULL)
		return s;
	return NULL;
}

static const char *
die_name(struct dbginfo *di, struct dierec *d)
{
	if (!d->named) {
		d->name = names_find(di, &d->names, 1, 0);
		if (d->name == NULL)
			d->name = names_find(di, &d->names, 0, 0);
		d->named = 1;
	}
	return d->name;
}

static const char *
cu_file(const struct cunit *cu, uint64_t fileno)
{
	return line_table_file(&cu->lt, fileno);
}

static void
set_from_row(const struct cunit *cu, const struct lrow *r,
    struct sym_frame *f)
{
	const char	*file;

	if (r == NULL || (file = cu_file(cu, r->file)) == NULL)
		return;
	f->file = file;
	f->line = r->line;
	f->column = r->column;
}

/*
 * Answer addr: fill ans with the inline chain, innermost first (nframes 0
 * when no unit covers addr).  Returns 0, or -1 with *cause set when the
 * unit is damaged.
 */
int
dbginfo_lookup(struct dbginfo *di, uint64_t addr, struct sym_answer *ans,
    char **cause)
{
	size_t		 lo = 0, hi = di->nranges, mid;
	struct cunit	*cu;
	struct dierec	*d, *inner;
	struct subtree	*st;
	struct sym_frame *f;
	int32_t		 i, j;
	int		 rc = 0;

	ans->nframes = 0;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (di->ranges[mid].lo <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0 || addr >= di->ranges[lo - 1].hi)
		return 0;
	cu = &di->cus[di->ranges[lo - 1].cu];
	if (cu->state == -1)
		return 0;
	if (cu->state == 0 && cu_load(di, cu, cause) != 0)
		return -1;

	if ((i = amap_find(&cu->top, addr)) != -1 && cu->dies[i].sub != -1) {
		st = &cu->subs[cu->dies[i].sub];
		if (st->state == 0 && sub_load(di, cu, st, cause) != 0)
			rc = -1;	/* answer with the subprogram alone */
		if (st->state == 1 && (j = amap_find(&st->map, addr)) != -1)
			i = j;
	}
	if (i == -1) {
		/* No subroutine: the line table alone. */
		f = &ans->frames[0];
		memset(f, 0, sizeof *f);
		set_from_row(cu, line_table_row(&cu->lt, addr), f);
		if (f->file != NULL)
			ans->nframes = 1;
		return rc;
	}
	inner = NULL;
	while (i != -1 && ans->nframes < SYM_CHAIN_MAX) {
		d = &cu->dies[i];
		if (d->tag == DW_TAG_subprogram ||
		    d->tag == DW_TAG_inlined_subroutine) {
			f = &ans->frames[ans->nframes++];
			memset(f, 0, sizeof *f);
			f->function = die_name(di, d);
			if (inner == NULL)
				set_from_row(cu, line_table_row(&cu->lt, addr), f);
			else {
				f->file = cu_file(cu, inner->call_file);
				f->line = inner->call_line;
				f->column = inner->call_column;
			}
			inner = d;
			if (d->tag == DW_TAG_subprogram)
				break;
		}
		i = d->parent;
	}
	return rc;
}

/*
 * dwarf-rnglists.c: DWARF 5 range lists (.debug_rnglists), decoded from
 * the section bytes.
 *
 * dwarf.c reads DIEs with libdwarf, but DWARF 5 range lists are decoded
 * here: libdwarf 20210528 dereferences wild pointers on some damaged
 * lists, and a log's module is not trusted.  A list is a run of entries up
 * to DW_RLE_end_of_list; addresses come as offsets from the base address,
 * as indexes into .debug_addr from the unit's DW_AT_addr_base, or in full.
 * DW_FORM_rnglistx values index the offset table at DW_AT_rnglists_base.
 * Every read is bounds-checked and a list is cut at RNG_ENTRIES_MAX.
 */
#include "config.h"

#include <string.h>

#include "fttriage.h"
#include "symbolize.h"

#define RNG_ENTRIES_MAX	100000

struct cur {
	const unsigned char *p;
	size_t		 len, off;
	int		 big, bad;
};

static uint64_t
get_fixed(struct cur *c, size_t n)
{
	uint64_t	v = 0;
	size_t		i;

	if (c->bad || n > 8 || c->off > c->len || n > c->len - c->off) {
		c->bad = 1;
		return 0;
	}
	for (i = 0; i < n; i++)
		v |= (uint64_t)c->p[c->off + (c->big ? n - 1 - i : i)] << (8 * i);
	c->off += n;
	return v;
}

static uint64_t
get_uleb(struct cur *c)
{
	uint64_t	v = 0;
	unsigned	shift = 0;
	unsigned char	b;

	do {
		if (c->bad || c->off >= c->len) {
			c->bad = 1;
			return 0;
		}
		b = c->p[c->off++];
		if (shift < 64)
			v |= (uint64_t)(b & 0x7f) << shift;
		shift += 7;
	} while (b & 0x80);
	return v;
}

/* Entry index of .debug_addr, from the unit's base; 0 or -1. */
static int
addr_at(const struct rngctx *rc, uint64_t index, uint64_t *out)
{
	struct cur	c;

	if (!rc->has_addr_base || rc->addr_size == 0 ||
	    index > (rc->sects->addr.size / rc->addr_size))
		return -1;
	memset(&c, 0, sizeof c);
	c.p = rc->sects->addr.data;
	c.len = rc->sects->addr.size;
	c.big = rc->big_endian;
	c.off = (size_t)rc->addr_base;
	if (rc->addr_base > c.len ||
	    index * rc->addr_size > c.len - rc->addr_base)
		return -1;
	c.off += (size_t)(index * rc->addr_size);
	*out = get_fixed(&c, rc->addr_size);
	return c.bad ? -1 : 0;
}

/*
 * The section offset of list number index of a DW_FORM_rnglistx value.
 * Returns 0, or -1 when the table does not hold it.
 */
int
rnglist_offset(const struct rngctx *rc, uint64_t index, uint64_t *out)
{
	struct cur	c;

	if (!rc->has_rnglists_base)
		return -1;
	memset(&c, 0, sizeof c);
	c.p = rc->sects->rnglists.data;
	c.len = rc->sects->rnglists.size;
	c.big = rc->big_endian;
	if (rc->rnglists_base > c.len ||
	    index > (c.len - rc->rnglists_base) / rc->offset_size)
		return -1;
	c.off = (size_t)(rc->rnglists_base + index * rc->offset_size);
	*out = rc->rnglists_base + get_fixed(&c, rc->offset_size);
	return c.bad ? -1 : 0;
}

/*
 * Call add for each non-empty range of the list at offset off of
 * .debug_rnglists.  Returns 0, or -1 when the list is damaged.
 */
int
rnglist_read(const struct rngctx *rc, uint64_t off,
    void (*add)(void *, uint64_t, uint64_t), void *arg)
{
	struct cur	 c;
	uint64_t	 base = rc->base, a, b;
	unsigned	 n, op;

	memset(&c, 0, sizeof c);
	c.p = rc->sects->rnglists.data;
	c.len = rc->sects->rnglists.size;
	c.big = rc->big_endian;
	if (c.p == NULL || off >= c.len)
		return -1;
	c.off = (size_t)off;
	for (n = 0; n < RNG_ENTRIES_MAX; n++) {
		op = (unsigned)get_fixed(&c, 1);
		switch (op) {
		case 0:			/* DW_RLE_end_of_list */
			return c.bad ? -1 : 0;
		case 1:			/* DW_RLE_base_addressx */
			if (addr_at(rc, get_uleb(&c), &base) != 0)
				return -1;
			continue;
		case 2:			/* DW_RLE_startx_endx */
			a = get_uleb(&c);
			b = get_uleb(&c);
			if (addr_at(rc, a, &a) != 0 || addr_at(rc, b, &b) != 0)
				return -1;
			break;
		case 3:			/* DW_RLE_startx_length */
			a = get_uleb(&c);
			b = get_uleb(&c);
			if (addr_at(rc, a, &a) != 0)
				return -1;
			b += a;
			break;
		case 4:			/* DW_RLE_offset_pair */
			a = base + get_uleb(&c);
			b = base + get_uleb(&c);
			break;
		case 5:			/* DW_RLE_base_address */
			base = get_fixed(&c, rc->addr_size);
			continue;
		case 6:			/* DW_RLE_start_end */
			a = get_fixed(&c, rc->addr_size);
			b = get_fixed(&c, rc->addr_size);
			break;
		case 7:			/* DW_RLE_start_length */
			a = get_fixed(&c, rc->addr_size);
			b = a + get_uleb(&c);
			break;
		default:
			return -1;
		}
		if (c.bad)
			return -1;
		if (a < b)
			add(arg, a, b);
	}
	return -1;
}

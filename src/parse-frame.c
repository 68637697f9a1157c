/*
 * parse-frame.c: one printed stack frame -> struct frame.
 *
 * Part of the parse stage.  Each tool prints frames its own way:
 *
 *   TSan     #3 func file.c:12:5 (mod.so+0x1a2b) (BuildId: ab12...)
 *            #3 <null> <null> (mod.so+0x1a2b)
 *   ASan     #3 0x7f12 in func /path/file.c:12:5
 *            #3 0x7f12 in func (/path/mod.so+0x1a2b) (BuildId: ...)
 *            #3 0x7f12  (/path/mod.so+0x1a2b)
 *   gdb      #3  0x00007f12 in func (a=1, b=...) at file.c:12
 *            #3  func (a=1) at file.c:12          (inlined, no pc)
 *            #3  0x00007f12 in ?? () from /lib/libc.so.6
 *   lldb     frame #3: 0x0000000100335 mod`func(args) + 340 at file.c:159
 *   Python   File "x.py", line 5 in func      (faulthandler)
 *            File "x.py", line 5, in func     (traceback)
 *   3.14     Binary file "/path/mod.so", at func+0x42 [0x7f12]
 *
 * Function names are kept as printed (C++ names contain spaces and
 * parentheses, so locations are split off from the right).  Each parser
 * returns 0 and fills the frame, or -1 if the text is not a frame of that
 * shape; nothing here trusts the input to be well formed.
 */
#include "config.h"

#include <string.h>

#include "fttriage.h"
#include "parse.h"

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int
is_hex(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Parse "#N" at p; returns the position after the digits or NULL. */
static const char *
frame_number(const char *p, const char *end, unsigned *index)
{
	const char *d;

	if (p >= end || *p != '#')
		return NULL;
	d = ++p;
	while (p < end && is_digit(*p))
		p++;
	if (p == d || p - d > 9 || parse_uint(d, (size_t)(p - d), index) != 0)
		return NULL;
	return p;
}

static char *
dup_or_null(const char *s, size_t len)
{
	if (len == 0 || (len == 6 && memcmp(s, "<null>", 6) == 0) ||
	    (len == 2 && memcmp(s, "??", 2) == 0))
		return NULL;
	return xstrndup(s, len);
}

/*
 * Split "file:line:col" / "file:line" / "file" into the frame.  A trailing
 * number is a line, two are line and column.
 */
static void
set_location(struct frame *f, const char *s, size_t len)
{
	const char	*end = s + len, *c1, *c2;
	unsigned	 a, b;

	if (len == 0 || (len == 6 && memcmp(s, "<null>", 6) == 0))
		return;
	c2 = end;
	while (c2 > s && is_digit(c2[-1]))
		c2--;
	if (c2 < end && c2 > s && c2[-1] == ':' &&
	    parse_uint(c2, (size_t)(end - c2), &b) == 0) {
		c1 = c2 - 1;
		while (c1 > s && is_digit(c1[-1]))
			c1--;
		if (c1 < c2 - 1 && c1 > s && c1[-1] == ':' &&
		    parse_uint(c1, (size_t)(c2 - 1 - c1), &a) == 0) {
			f->line = a;
			f->column = b;
			end = c1 - 1;
		} else {
			f->line = b;
			end = c2 - 1;
		}
	}
	if (end > s)
		f->file = xstrndup(s, (size_t)(end - s));
}

/* "mod[:arch]+0xoff" (no parentheses) into the frame; 0 or -1. */
static int
set_module(struct frame *f, const char *s, size_t len)
{
	const char	*end = s + len, *plus = NULL, *p, *colon;
	uint64_t	 off;

	for (p = end - 1; p > s; p--)
		if (p[0] == '+' && p + 2 < end && p[1] == '0' && p[2] == 'x') {
			plus = p;
			break;
		}
	if (plus == NULL || plus == s)
		return -1;
	if (parse_u64(plus + 3, (size_t)(end - plus - 3), 16, &off) != 0)
		return -1;
	f->offset = off;
	f->has_offset = 1;
	/* macOS: "python.exe:arm64", "libx.dylib:arm64e". */
	colon = memchr(s, ':', (size_t)(plus - s));
	if (colon != NULL && colon > s + 1 && memchr(colon, '/',
	    (size_t)(plus - colon)) == NULL && memchr(colon, '\\',
	    (size_t)(plus - colon)) == NULL) {
		f->arch = xstrndup(colon + 1, (size_t)(plus - colon - 1));
		plus = colon;
	}
	f->module = xstrndup(s, (size_t)(plus - s));
	if (strchr(f->module, '/') != NULL) {
		f->module_path = f->module;
		f->module = xstrdup(path_basename(f->module_path));
	}
	return 0;
}

/* Strip a trailing " (BuildId: hex)"; sets build_id. Returns new length. */
static size_t
strip_build_id(struct frame *f, const char *s, size_t len)
{
	const char *p;
	size_t	    i, hexlen;

	if (len < 12 || s[len - 1] != ')')
		return len;
	p = memmem(s, len, " (BuildId: ", 11);
	if (p == NULL)
		return len;
	hexlen = (size_t)(s + len - 1 - (p + 11));
	for (i = 0; i < hexlen; i++)
		if (!is_hex(p[11 + i]))
			return len;
	if (hexlen > 0) {
		char *b = xstrndup(p + 11, hexlen);

		for (i = 0; i < hexlen; i++)
			if (b[i] >= 'A' && b[i] <= 'F')
				b[i] = (char)(b[i] - 'A' + 'a');
		f->build_id = b;
	}
	return (size_t)(p - s);
}

/*
 * The "(module+0xoff)" group that ends s, if any: returns the position of
 * its '(' or NULL.
 */
static const char *
module_group(const char *s, size_t len)
{
	const char *p;

	if (len < 5 || s[len - 1] != ')')
		return NULL;
	for (p = s + len - 2; p >= s; p--) {
		if (*p == '(')
			break;
		if (*p == ')' || *p == ' ')
			return NULL;
	}
	if (p < s || memmem(p, (size_t)(s + len - p), "+0x", 3) == NULL)
		return NULL;
	return p;
}

/* Does the token look like a source location rather than part of a name? */
static int
looks_like_location(const char *s, size_t len)
{
	if (len == 0 || s[len - 1] == ')' || s[len - 1] == '>')
		return 0;
	if (memchr(s, '/', len) != NULL || memchr(s, '\\', len) != NULL)
		return 1;
	if (memchr(s, '.', len) != NULL)
		return 1;
	return 0;
}

/* A sanitizer (TSan, ASan, LSan, UBSan) frame.  0 or -1. */
int
frame_parse_sanitizer(const char *s, size_t len, struct frame *f)
{
	const char	*p, *end, *mg, *sp, *mid, *midend;
	uint64_t	 pc;
	int		 asan = 0;

	memset(f, 0, sizeof *f);
	end = s + len;
	p = skip_ws(s, end);
	if ((p = frame_number(p, end, &f->index)) == NULL || p >= end ||
	    *p != ' ')
		return -1;
	p++;
	len = strip_build_id(f, p, (size_t)(end - p));
	end = p + len;
	f->pc = PC_PREVIOUS;

	if (end - p > 2 && p[0] == '0' && p[1] == 'x') {
		const char *h = p + 2;

		while (h < end && is_hex(*h))
			h++;
		if (parse_u64(p + 2, (size_t)(h - p - 2), 16, &pc) != 0)
			goto bad;
		f->address = pc;
		f->has_address = 1;
		p = skip_ws(h, end);
		asan = 1;
		if (end - p >= 3 && memcmp(p, "in ", 3) == 0)
			p += 3;
		else if (p < end && *p != '(')
			goto bad;
	}
	mg = module_group(p, (size_t)(end - p));
	if (mg != NULL) {
		if (set_module(f, mg + 1, (size_t)(end - mg - 2)) != 0)
			goto bad;
		midend = mg;
	} else if (!asan)
		goto bad;
	else
		midend = end;
	mid = p;
	midend = mid + trim_len(mid, (size_t)(midend - mid));
	if (midend <= mid)
		return 0;

	if (asan && mg != NULL) {
		/* ASan prints either a location or a module. */
		f->function = dup_or_null(mid, (size_t)(midend - mid));
		return 0;
	}
	/* Split "FUNC LOC" at the last space. */
	sp = NULL;
	for (p = midend - 1; p > mid; p--)
		if (*p == ' ') {
			sp = p;
			break;
		}
	if (sp == NULL) {
		if (asan)
			f->function = dup_or_null(mid, (size_t)(midend - mid));
		else
			f->function = dup_or_null(mid, (size_t)(midend - mid));
		return 0;
	}
	if (asan && !looks_like_location(sp + 1, (size_t)(midend - sp - 1))) {
		f->function = dup_or_null(mid, (size_t)(midend - mid));
		return 0;
	}
	f->function = dup_or_null(mid, (size_t)(sp - mid));
	set_location(f, sp + 1, (size_t)(midend - sp - 1));
	return 0;
bad:
	frame_release(f);
	return -1;
}

/* Is this line a sanitizer frame (cheap test, no allocation)? */
int
line_is_sanitizer_frame(const char *s, size_t len)
{
	const char	*end = s + len, *p;
	unsigned	 n;

	p = skip_ws(s, end);
	if ((p = frame_number(p, end, &n)) == NULL || p >= end || *p != ' ')
		return 0;
	if (p + 1 < end && p[1] == ' ')
		return 0;   /* gdb pads "#0  " */
	len = (size_t)(end - p);
	if (len > 3 && p[1] == '0' && p[2] == 'x') {
		/* gdb's "#12 0x.. in f (a=1) at x.c:3" is not ours. */
		if (mem_find(p, len, ") at ") != NULL ||
		    mem_find(p, len, ") from ") != NULL ||
		    (p[len - 1] == ')' && p[len - 2] == '('))
			return 0;
		return mem_find(p, len, " in ") != NULL ||
		    mem_find(p, len, "+0x") != NULL;
	}
	return mem_find(p, len, "+0x") != NULL && p[len - 1] == ')';
}

/*
 * gdb: "#N  [0xADDR in ]FUNC (ARGS)[ at FILE:LINE| from LIB]"; the line
 * may have been joined from wrapped lines by the caller.
 */
int
frame_parse_gdb(const char *s, size_t len, struct frame *f)
{
	const char	*p, *end = s + len, *fn, *q, *args = NULL, *argsend = NULL;
	uint64_t	 pc;
	int		 depth;

	memset(f, 0, sizeof *f);
	p = skip_ws(s, end);
	if ((p = frame_number(p, end, &f->index)) == NULL || p >= end ||
	    *p != ' ')
		return -1;
	p = skip_ws(p, end);
	f->pc = f->index == 0 ? PC_EXACT : PC_RETURN;
	if (end - p > 2 && p[0] == '0' && p[1] == 'x') {
		const char *h = p + 2;

		while (h < end && is_hex(*h))
			h++;
		if (parse_u64(p + 2, (size_t)(h - p - 2), 16, &pc) != 0)
			return -1;
		f->address = pc;
		f->has_address = 1;
		p = h;
		if (end - p < 4 || memcmp(p, " in ", 4) != 0)
			return -1;
		p += 4;
	}
	if (p < end && *p == '<') {
		/* "<signal handler called>" */
		f->function = xstrndup(p, (size_t)(end - p));
		return 0;
	}
	fn = p;
	/* The argument list: a " (" at depth 0 closed before " at "/" from "/end. */
	for (q = p; q < end; q++) {
		if (*q != '(' || q == fn || q[-1] != ' ')
			continue;
		depth = 0;
		for (argsend = q; argsend < end; argsend++) {
			if (*argsend == '(')
				depth++;
			else if (*argsend == ')' && --depth == 0)
				break;
		}
		if (argsend >= end)
			break;
		if (argsend + 1 == end || mem_startswith(argsend + 1,
		    (size_t)(end - argsend - 1), " at ") ||
		    mem_startswith(argsend + 1, (size_t)(end - argsend - 1),
		    " from ")) {
			args = q;
			break;
		}
	}
	if (args == NULL) {
		if (!f->has_address)
			return -1;
		f->function = dup_or_null(fn, trim_len(fn, (size_t)(end - fn)));
		return 0;
	}
	f->function = dup_or_null(fn, trim_len(fn, (size_t)(args - fn)));
	p = argsend + 1;
	if (mem_startswith(p, (size_t)(end - p), " at ")) {
		p += 4;
		set_location(f, p, (size_t)(end - p));
	} else if (mem_startswith(p, (size_t)(end - p), " from ")) {
		p += 6;
		f->module_path = xstrndup(p, (size_t)(end - p));
		f->module = xstrdup(path_basename(f->module_path));
	}
	if (!f->has_address && f->index > 0)
		f->inlined = 0;
	return 0;
}

/* Does the line start a gdb frame ("#0  ", "#12 0x... in ")? */
int
line_is_gdb_frame(const char *s, size_t len)
{
	const char	*end = s + len, *p;
	unsigned	 n;

	if ((p = frame_number(s, end, &n)) == NULL || p >= end || *p != ' ')
		return 0;
	if (n < 10 && (p + 1 >= end || p[1] != ' '))
		return 0;
	p = skip_ws(p, end);
	if (end - p > 2 && p[0] == '0' && p[1] == 'x')
		return mem_find(p, (size_t)(end - p), " in ") != NULL;
	/* An inlined frame: "func (args) at file:line", maybe wrapped. */
	return memchr(p, '(', (size_t)(end - p)) != NULL;
}

/* lldb: "[* ]frame #N: 0xADDR module`func(args) + off at file:line". */
int
frame_parse_lldb(const char *s, size_t len, struct frame *f)
{
	const char	*p, *end = s + len, *tick, *fn, *fe, *at;
	uint64_t	 pc;

	memset(f, 0, sizeof *f);
	p = skip_ws(s, end);
	if (p < end && *p == '*')
		p = skip_ws(p + 1, end);
	if (!mem_startswith(p, (size_t)(end - p), "frame #"))
		return -1;
	p += 6;
	if ((p = frame_number(p, end, &f->index)) == NULL ||
	    !mem_startswith(p, (size_t)(end - p), ": 0x"))
		return -1;
	p += 4;
	fn = p;
	while (p < end && is_hex(*p))
		p++;
	if (parse_u64(fn, (size_t)(p - fn), 16, &pc) != 0)
		return -1;
	f->address = pc;
	f->has_address = 1;
	f->pc = f->index == 0 ? PC_EXACT : PC_RETURN;
	p = skip_ws(p, end);
	tick = memchr(p, '`', (size_t)(end - p));
	if (tick == NULL) {
		f->function = NULL;
		return 0;
	}
	f->module = xstrndup(p, (size_t)(tick - p));
	fn = skip_ws(tick + 1, end);
	at = NULL;
	for (fe = end - 4; fe > fn; fe--)
		if (memcmp(fe, " at ", 4) == 0) {
			at = fe;
			break;
		}
	fe = at != NULL ? at : end;
	/* Name ends at its argument list or at " + off". */
	{
		const char *paren = memchr(fn, '(', (size_t)(fe - fn));
		const char *plus = mem_find(fn, (size_t)(fe - fn), " + ");

		if (paren != NULL && (plus == NULL || paren < plus))
			fe = paren;
		else if (plus != NULL)
			fe = plus;
	}
	f->function = dup_or_null(fn, trim_len(fn, (size_t)(fe - fn)));
	if (at != NULL)
		set_location(f, at + 4, (size_t)(end - at - 4));
	return 0;
}

/* Python: File "x.py", line 5 in func  /  File "x.py", line 5, in func */
int
frame_parse_python(const char *s, size_t len, struct frame *f)
{
	const char	*p, *end = s + len, *q, *d;
	unsigned	 line = 0;

	memset(f, 0, sizeof *f);
	p = skip_ws(s, end);
	if (!mem_startswith(p, (size_t)(end - p), "File \""))
		return -1;
	p += 6;
	q = memchr(p, '"', (size_t)(end - p));
	if (q == NULL)
		return -1;
	f->file = xstrndup(p, (size_t)(q - p));
	p = q + 1;
	if (mem_startswith(p, (size_t)(end - p), ", line ")) {
		p += 7;
		d = p;
		while (p < end && is_digit(*p))
			p++;
		if (p > d && parse_uint(d, (size_t)(p - d), &line) == 0)
			f->line = line;
	}
	if (p < end && *p == ',')
		p++;
	p = skip_ws(p, end);
	if (mem_startswith(p, (size_t)(end - p), "in ")) {
		p += 3;
		f->function = dup_or_null(p, trim_len(p, (size_t)(end - p)));
	}
	f->cls = FC_PYTHON;
	f->pc = PC_NONE;
	return 0;
}

/* CPython 3.14 faulthandler C stack: Binary file "p", at fn+0x42 [0xpc] */
int
frame_parse_binary_file(const char *s, size_t len, struct frame *f)
{
	const char	*p, *end = s + len, *q, *plus, *br;
	uint64_t	 v;

	memset(f, 0, sizeof *f);
	p = skip_ws(s, end);
	if (!mem_startswith(p, (size_t)(end - p), "Binary file \""))
		return -1;
	p += 13;
	q = memchr(p, '"', (size_t)(end - p));
	if (q == NULL)
		return -1;
	f->module_path = xstrndup(p, (size_t)(q - p));
	f->module = xstrdup(path_basename(f->module_path));
	f->pc = PC_RETURN;
	p = q + 1;
	if (!mem_startswith(p, (size_t)(end - p), ", at "))
		return 0;
	p += 5;
	br = memchr(p, '[', (size_t)(end - p));
	/* The last '+' before the '[' (or the end), which is not read. */
	plus = NULL;
	for (q = br != NULL ? br : end; q > p; ) {
		if (*--q == '+') {
			plus = q;
			break;
		}
	}
	if (plus != NULL) {
		const char *h = plus + 1, *he;

		if (plus > p)
			f->function = xstrndup(p, (size_t)(plus - p));
		if (h + 2 < end && h[0] == '0' && h[1] == 'x') {
			he = h + 2;
			while (he < end && is_hex(*he))
				he++;
			if (parse_u64(h + 2, (size_t)(he - h - 2), 16, &v) == 0 &&
			    plus == p) {
				f->offset = v;
				f->has_offset = 1;
			}
		}
	}
	if (br != NULL && br + 3 < end && br[1] == '0' && br[2] == 'x') {
		const char *he = br + 3;

		while (he < end && is_hex(*he))
			he++;
		if (parse_u64(br + 3, (size_t)(he - br - 3), 16, &v) == 0) {
			f->address = v;
			f->has_address = 1;
		}
	}
	return 0;
}

/*
 * names-rust.c: demangling of Rust's v0 symbol names ("_R...").
 *
 * PyO3 extensions built with -C symbol-mangling-version=v0 (the default in
 * newer toolchains) print frames such as
 * `_RNvMNtCs1234_4pyo38instanceINtB2_2PyTB4_E9clone_ref`.  This is a
 * recursive-descent reader of the v0 grammar (paths, impls, generic
 * arguments, types, constants, back-references) that prints the readable
 * path without crate disambiguators, the way `rustc-demangle` prints in its
 * alternate form.  Names come from untrusted logs: recursion depth and
 * output size are capped, and any malformed input yields NULL.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "fttriage.h"

#define RV0_DEPTH_MAX	64
#define RV0_OUT_MAX	4096

struct rv0 {
	const char	*s;      /* the symbol after "_R" */
	size_t		 len;
	size_t		 pos;
	int		 depth;
	int		 err;
	int		 skip;   /* parse without printing */
	struct buf	 out;
};

static void	rv0_path(struct rv0 *, int in_value);
static void	rv0_type(struct rv0 *);

static int
rv0_peek(struct rv0 *d)
{
	return d->pos < d->len ? (unsigned char)d->s[d->pos] : 0;
}

static int
rv0_eat(struct rv0 *d, int c)
{
	if (rv0_peek(d) == c) {
		d->pos++;
		return 1;
	}
	return 0;
}

static void
rv0_print(struct rv0 *d, const char *s, size_t n)
{
	if (d->skip || d->err)
		return;
	if (buf_add(&d->out, s, n) != 0)
		d->err = 1;
}

static void
rv0_prints(struct rv0 *d, const char *s)
{
	rv0_print(d, s, strlen(s));
}

/* <base-62-number>: "_" is 0, otherwise digits then "_" is value + 1. */
static uint64_t
rv0_base62(struct rv0 *d)
{
	uint64_t v = 0;
	int	 c;

	if (rv0_eat(d, '_'))
		return 0;
	while ((c = rv0_peek(d)) != '_') {
		unsigned digit;

		if (c >= '0' && c <= '9')
			digit = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'z')
			digit = 10 + (unsigned)(c - 'a');
		else if (c >= 'A' && c <= 'Z')
			digit = 36 + (unsigned)(c - 'A');
		else {
			d->err = 1;
			return 0;
		}
		if (v > (UINT64_MAX - digit) / 62) {
			d->err = 1;
			return 0;
		}
		v = v * 62 + digit;
		d->pos++;
	}
	d->pos++;
	return v + 1;
}

/* ["s" <base-62-number>]: the disambiguator, or 0. */
static uint64_t
rv0_disambiguator(struct rv0 *d)
{
	if (!rv0_eat(d, 's'))
		return 0;
	return rv0_base62(d) + 1;
}

/* <undisambiguated-identifier>: sets *p, *n, *puny. */
static void
rv0_ident(struct rv0 *d, const char **p, size_t *n, int *puny)
{
	size_t	 v = 0;

	*puny = rv0_eat(d, 'u');
	if (!isdigit(rv0_peek(d))) {
		d->err = 1;
		return;
	}
	if (rv0_peek(d) == '0' && d->pos + 1 < d->len &&
	    isdigit((unsigned char)d->s[d->pos + 1])) {
		d->err = 1;
		return;
	}
	while (isdigit(rv0_peek(d))) {
		v = v * 10 + (size_t)(rv0_peek(d) - '0');
		if (v > d->len) {
			d->err = 1;
			return;
		}
		d->pos++;
	}
	rv0_eat(d, '_');
	if (v > d->len - d->pos) {
		d->err = 1;
		return;
	}
	*p = d->s + d->pos;
	*n = v;
	d->pos += v;
}

static void
rv0_print_ident(struct rv0 *d, const char *p, size_t n, int puny)
{
	if (puny) {
		rv0_prints(d, "punycode{");
		rv0_print(d, p, n);
		rv0_prints(d, "}");
	} else
		rv0_print(d, p, n);
}

/* <backref>: parse what "B<n>" points at with the given reader. */
static void
rv0_backref(struct rv0 *d, void (*fn)(struct rv0 *, int), int arg)
{
	size_t	 save, target, start = d->pos - 1;

	target = (size_t)rv0_base62(d);
	if (d->err || target >= start || ++d->depth > RV0_DEPTH_MAX) {
		d->err = 1;
		return;
	}
	save = d->pos;
	d->pos = target;
	fn(d, arg);
	d->pos = save;
	d->depth--;
}

static void
rv0_type_arg(struct rv0 *d, int unused)
{
	rv0_type(d);
}

static void
rv0_lifetime(struct rv0 *d)
{
	(void)rv0_base62(d);
}

static void
rv0_const(struct rv0 *d, int unused)
{
	const char *start;

	if (rv0_eat(d, 'B')) {
		rv0_backref(d, rv0_const, 0);
		return;
	}
	if (rv0_eat(d, 'p')) {
		rv0_prints(d, "_");
		return;
	}
	/* The type, then hex digits and "_"; print the value in hex. */
	d->skip++;
	rv0_type(d);
	d->skip--;
	if (rv0_eat(d, 'n'))
		rv0_prints(d, "-");
	start = d->s + d->pos;
	while (isxdigit(rv0_peek(d)))
		d->pos++;
	if (!rv0_eat(d, '_')) {
		d->err = 1;
		return;
	}
	rv0_prints(d, "0x");
	if (d->s + d->pos - 1 == start)
		rv0_prints(d, "0");
	else
		rv0_print(d, start, (size_t)(d->s + d->pos - 1 - start));
}

/* {<generic-arg>} "E", printed as "<a, b>". */
static void
rv0_generic_args(struct rv0 *d)
{
	int	 n = 0;

	rv0_prints(d, "<");
	while (!d->err && !rv0_eat(d, 'E')) {
		if (d->pos >= d->len) {
			d->err = 1;
			return;
		}
		if (n++ > 0)
			rv0_prints(d, ", ");
		if (rv0_eat(d, 'L')) {
			rv0_lifetime(d);
			rv0_prints(d, "'_");
		} else if (rv0_eat(d, 'K'))
			rv0_const(d, 0);
		else
			rv0_type(d);
	}
	rv0_prints(d, ">");
}

static void
rv0_binder(struct rv0 *d)
{
	if (rv0_eat(d, 'G'))
		(void)rv0_base62(d);
}

static void
rv0_fn_sig(struct rv0 *d)
{
	const char	*p;
	size_t		 n;
	int		 puny, k = 0;

	rv0_binder(d);
	if (rv0_eat(d, 'U'))
		rv0_prints(d, "unsafe ");
	if (rv0_eat(d, 'K')) {
		if (rv0_eat(d, 'C'))
			rv0_prints(d, "extern \"C\" ");
		else {
			rv0_ident(d, &p, &n, &puny);
			rv0_prints(d, "extern \"");
			rv0_print(d, p, n);
			rv0_prints(d, "\" ");
		}
	}
	rv0_prints(d, "fn(");
	while (!d->err && !rv0_eat(d, 'E')) {
		if (d->pos >= d->len) {
			d->err = 1;
			return;
		}
		if (k++ > 0)
			rv0_prints(d, ", ");
		rv0_type(d);
	}
	rv0_prints(d, ")");
	if (rv0_peek(d) == 'u') {
		d->pos++;
		return;
	}
	rv0_prints(d, " -> ");
	rv0_type(d);
}

static void
rv0_dyn_bounds(struct rv0 *d)
{
	const char	*p;
	size_t		 n;
	int		 puny, k = 0;

	rv0_binder(d);
	rv0_prints(d, "dyn ");
	while (!d->err && !rv0_eat(d, 'E')) {
		if (d->pos >= d->len) {
			d->err = 1;
			return;
		}
		if (k++ > 0)
			rv0_prints(d, " + ");
		rv0_path(d, 0);
		while (!d->err && rv0_eat(d, 'p')) {
			rv0_ident(d, &p, &n, &puny);
			rv0_prints(d, "<");
			rv0_print_ident(d, p, n, puny);
			rv0_prints(d, " = ");
			rv0_type(d);
			rv0_prints(d, ">");
		}
	}
	if (rv0_eat(d, 'L'))
		rv0_lifetime(d);
}

static void
rv0_type(struct rv0 *d)
{
	static const struct {
		char		 code;
		const char	*name;
	} basic[] = {
		{ 'a', "i8" }, { 'b', "bool" }, { 'c', "char" }, { 'd', "f64" },
		{ 'e', "str" }, { 'f', "f32" }, { 'h', "u8" }, { 'i', "isize" },
		{ 'j', "usize" }, { 'l', "i32" }, { 'm', "u32" }, { 'n', "i128" },
		{ 'o', "u128" }, { 's', "i16" }, { 't', "u16" }, { 'u', "()" },
		{ 'v', "..." }, { 'x', "i64" }, { 'y', "u64" }, { 'z', "!" },
		{ 'p', "_" },
	};
	size_t	 i;
	int	 c, k;

	if (d->err)
		return;
	if (++d->depth > RV0_DEPTH_MAX) {
		d->err = 1;
		return;
	}
	c = rv0_peek(d);
	for (i = 0; i < nitems(basic); i++) {
		if (basic[i].code == c) {
			d->pos++;
			rv0_prints(d, basic[i].name);
			goto out;
		}
	}
	d->pos++;
	switch (c) {
	case 'A':
		rv0_prints(d, "[");
		rv0_type(d);
		rv0_prints(d, "; ");
		rv0_const(d, 0);
		rv0_prints(d, "]");
		break;
	case 'S':
		rv0_prints(d, "[");
		rv0_type(d);
		rv0_prints(d, "]");
		break;
	case 'T':
		rv0_prints(d, "(");
		for (k = 0; !d->err && !rv0_eat(d, 'E'); k++) {
			if (d->pos >= d->len) {
				d->err = 1;
				break;
			}
			if (k > 0)
				rv0_prints(d, ", ");
			rv0_type(d);
		}
		if (k == 1)
			rv0_prints(d, ",");
		rv0_prints(d, ")");
		break;
	case 'R':
	case 'Q':
		rv0_prints(d, c == 'R' ? "&" : "&mut ");
		if (rv0_eat(d, 'L'))
			rv0_lifetime(d);
		rv0_type(d);
		break;
	case 'P':
	case 'O':
		rv0_prints(d, c == 'P' ? "*const " : "*mut ");
		rv0_type(d);
		break;
	case 'F':
		rv0_fn_sig(d);
		break;
	case 'D':
		rv0_dyn_bounds(d);
		break;
	case 'B':
		rv0_backref(d, rv0_type_arg, 0);
		break;
	default:
		d->pos--;
		rv0_path(d, 0);
		break;
	}
out:
	d->depth--;
}

/* <path>; in_value: generic arguments print as "::<...>". */
static void
rv0_path(struct rv0 *d, int in_value)
{
	const char	*p;
	size_t		 n;
	uint64_t	 dis;
	int		 c, ns, puny;

	if (d->err)
		return;
	if (++d->depth > RV0_DEPTH_MAX || d->pos >= d->len) {
		d->err = 1;
		return;
	}
	c = rv0_peek(d);
	d->pos++;
	switch (c) {
	case 'C':
		(void)rv0_disambiguator(d);
		rv0_ident(d, &p, &n, &puny);
		rv0_print_ident(d, p, n, puny);
		break;
	case 'M':
		(void)rv0_disambiguator(d);
		d->skip++;
		rv0_path(d, 0);
		d->skip--;
		rv0_prints(d, "<");
		rv0_type(d);
		rv0_prints(d, ">");
		break;
	case 'X':
		(void)rv0_disambiguator(d);
		d->skip++;
		rv0_path(d, 0);
		d->skip--;
		rv0_prints(d, "<");
		rv0_type(d);
		rv0_prints(d, " as ");
		rv0_path(d, 0);
		rv0_prints(d, ">");
		break;
	case 'Y':
		rv0_prints(d, "<");
		rv0_type(d);
		rv0_prints(d, " as ");
		rv0_path(d, 0);
		rv0_prints(d, ">");
		break;
	case 'N':
		ns = rv0_peek(d);
		if (!isalpha(ns)) {
			d->err = 1;
			break;
		}
		d->pos++;
		rv0_path(d, in_value);
		dis = rv0_disambiguator(d);
		rv0_ident(d, &p, &n, &puny);
		if (d->err)
			break;
		if (isupper(ns)) {
			/* Special namespaces: closures and shims. */
			rv0_prints(d, "::{");
			rv0_prints(d, ns == 'C' ? "closure" :
			    ns == 'S' ? "shim" : "?");
			if (n > 0) {
				rv0_prints(d, ":");
				rv0_print_ident(d, p, n, puny);
			}
			rv0_prints(d, "}");
			(void)dis;
		} else if (n > 0) {
			rv0_prints(d, "::");
			rv0_print_ident(d, p, n, puny);
		}
		break;
	case 'I':
		rv0_path(d, in_value);
		if (in_value)
			rv0_prints(d, "::");
		rv0_generic_args(d);
		break;
	case 'B':
		rv0_backref(d, rv0_path, in_value);
		break;
	default:
		d->err = 1;
		break;
	}
	d->depth--;
}

/*
 * Demangle a Rust v0 symbol ("_R..." or "__R..." on macOS).  Returns a new
 * string the caller frees, or NULL when the name is not a valid v0 symbol.
 */
char *
rust_v0_demangle(const char *name)
{
	struct rv0	 d;

	if (str_startswith(name, "__R"))
		name++;
	if (!str_startswith(name, "_R"))
		return NULL;
	memset(&d, 0, sizeof d);
	d.s = name + 2;
	d.len = strlen(d.s);
	/* A ".llvm.123" style suffix is not part of the grammar. */
	if (memchr(d.s, '.', d.len) != NULL)
		d.len = (size_t)((const char *)memchr(d.s, '.', d.len) - d.s);
	buf_init(&d.out, RV0_OUT_MAX);
	/* Optional encoding version: decimal digits before the path. */
	while (isdigit(rv0_peek(&d)))
		d.pos++;
	/* Backrefs count from the start of the path after "_R". */
	d.s += d.pos;
	d.len -= d.pos;
	d.pos = 0;
	if (!isupper(rv0_peek(&d))) {
		buf_release(&d.out);
		return NULL;
	}
	rv0_path(&d, 1);
	/* An instantiating crate may follow; it is not printed. */
	if (!d.err && d.pos < d.len) {
		d.skip++;
		rv0_path(&d, 0);
		d.skip--;
	}
	if (d.err || d.out.len == 0) {
		buf_release(&d.out);
		return NULL;
	}
	return buf_detach(&d.out);
}

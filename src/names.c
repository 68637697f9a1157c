/*
 * names.c: readable function names, and the normalised form used for
 * grouping.
 *
 * Frames arrive with names as the log printed them: C++ and Rust symbols
 * still mangled (`_ZN4llvm...`, `_RNv...`), Rust names half-demangled by
 * the sanitizer's symbolizer (`Py$LT$T$GT$::clone_ref::ha0081a8df2f9aba4`),
 * gcc clones (`foo.isra.0`, `foo.cold`), sanitizer interceptor aliases
 * (`__interceptor_free`).  name_demangle() makes a name readable;
 * name_normalize() reduces it to the stable form that two builds, two
 * compilers and two symbolizers agree on.  names_report() makes every
 * native frame of a report readable and keeps what was printed in
 * function_raw; classification and the fingerprint match and key on the
 * normalised form.  C++ goes through the C++ runtime's demangler when
 * configure found it; Rust is demangled here (names-rust.c).
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "fttriage.h"

#ifdef HAVE_CXA_DEMANGLE
/* The C++ ABI's demangler (C linkage, in libstdc++ or libc++abi). */
char	*__cxa_demangle(const char *, char *, size_t *, int *);
#endif

/* Prefixes that make a function an alias of the libc function it wraps. */
static const char *const alias_prefixes[] = {
	"___interceptor_",
	"__interceptor_trampoline_",
	"__interceptor_",
	"__GI_",        /* glibc's internal alias: __GI_raise is raise */
};

/*
 * __tsan_ and __asan_ also prefix runtime entry points that are not libc
 * functions (__tsan_read8, __asan_report_load8); only these are aliases.
 */
static const char *const runtime_libc_aliases[] = {
	"memcpy", "memset", "memmove", "memcmp", "strlen", "strcpy", "strncpy",
	"strcmp", "strncmp", "strchr", "strrchr", "strdup", "malloc", "free",
	"calloc", "realloc", "posix_memalign", "aligned_alloc",
};

/* gcc/clang clone suffixes: ".<name>" optionally followed by ".<digits>". */
static const char *const clone_suffixes[] = {
	"cold", "isra", "constprop", "part", "lto_priv", "localalias",
	"clone", "llvm", "specialized", "str",
};

/* A C identifier that no mangling scheme produced: nothing to demangle. */
static int
is_plain_name(const char *s)
{
	const char	*p;

	if (s[0] == '_' && (s[1] == 'Z' || s[1] == 'R' || (s[1] == '_' &&
	    (s[2] == 'Z' || s[2] == 'R'))))
		return 0;
	for (p = s; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && *p != '_')
			return 0;
	return 1;
}

static int
is_hex_string(const char *s, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

/* Append the character that a Rust legacy escape ($LT$, $u20$ ...) names. */
static const char *
rust_escape(const char *p, struct buf *out)
{
	static const struct {
		const char	*code;
		char		 c;
	} escapes[] = {
		{ "$SP$", '@' }, { "$BP$", '*' }, { "$RF$", '&' }, { "$LT$", '<' },
		{ "$GT$", '>' }, { "$LP$", '(' }, { "$RP$", ')' }, { "$C$", ',' },
	};
	const char	*end;
	size_t		 i;
	uint64_t	 v;

	for (i = 0; i < nitems(escapes); i++) {
		if (str_startswith(p, escapes[i].code)) {
			buf_addc(out, escapes[i].c);
			return p + strlen(escapes[i].code);
		}
	}
	if (p[1] == 'u' && (end = strchr(p + 2, '$')) != NULL &&
	    end - (p + 2) <= 6 && parse_u64(p + 2, end - (p + 2), 16, &v) == 0 &&
	    v >= 0x20 && v < 0x7f) {
		buf_addc(out, (int)v);
		return end + 1;
	}
	return NULL;
}

/*
 * Clean a Rust name that was demangled by a symbolizer that left the
 * legacy escapes and the hash in place.  Returns NULL if nothing changed.
 */
static char *
rust_clean(const char *s)
{
	struct buf	 b;
	const char	*p, *q;
	size_t		 len;
	int		 changed = 0, rusty;

	/* C++ and C print "(...)" and spaces; legacy Rust escapes them. */
	rusty = strpbrk(s, "( ") == NULL;
	buf_init(&b, strlen(s) + 16);
	for (p = s; *p != '\0'; ) {
		if (*p == '$' && (q = rust_escape(p, &b)) != NULL) {
			p = q;
			changed = 1;
			continue;
		}
		/* "_$LT$" at the start of a path segment: the '_' is padding. */
		if (p[0] == '_' && p[1] == '$' && (p == s || p[-1] == ':') &&
		    strchr("SBRLGPCu", p[2]) != NULL) {
			p++;
			changed = 1;
			continue;
		}
		if (rusty && p[0] == '.' && p[1] == '.') {
			buf_adds(&b, "::");
			p += 2;
			changed = 1;
			continue;
		}
		buf_addc(&b, *p++);
	}
	/* Drop the trailing "::h<16 hex>" hash. */
	len = b.len;
	if (len > 19 && memcmp(b.data + len - 19, "::h", 3) == 0 &&
	    is_hex_string(b.data + len - 16, 16)) {
		b.len -= 19;
		b.data[b.len] = '\0';
		changed = 1;
	}
	if (!changed) {
		buf_release(&b);
		return NULL;
	}
	return buf_detach(&b);
}

/*
 * Rust legacy mangling: _ZN <len><ident>... 17h<16 hex> E.  Returns NULL if
 * the symbol is not in that form (then it is C++).
 */
static char *
rust_legacy_demangle(const char *s)
{
	struct buf	 b;
	const char	*p;
	char		*joined, *clean;
	size_t		 n;
	int		 saw_hash = 0;

	if (str_startswith(s, "__ZN"))
		s++;
	if (!str_startswith(s, "_ZN"))
		return NULL;
	buf_init(&b, strlen(s) + 16);
	for (p = s + 3; *p != 'E'; ) {
		if (!isdigit((unsigned char)*p))
			goto fail;
		n = 0;
		while (isdigit((unsigned char)*p)) {
			n = n * 10 + (size_t)(*p++ - '0');
			if (n > 4096)
				goto fail;
		}
		if (strnlen(p, n) < n)
			goto fail;
		if (n == 17 && p[0] == 'h' && is_hex_string(p + 1, 16) &&
		    p[n] == 'E') {
			saw_hash = 1;
			p += n;
			break;
		}
		if (b.len > 0)
			buf_adds(&b, "::");
		buf_add(&b, p, n);
		p += n;
	}
	if (!saw_hash || p[0] != 'E' || (p[1] != '\0' && p[1] != '.'))
		goto fail;
	joined = buf_detach(&b);
	clean = rust_clean(joined);
	if (clean != NULL) {
		free(joined);
		return clean;
	}
	return joined;
fail:
	buf_release(&b);
	return NULL;
}

/*
 * A readable form of a mangled C++ or Rust symbol, or of a Rust name left
 * half-demangled by another symbolizer.  Returns a new string the caller
 * frees, or NULL when the name is not mangled (it is already readable).
 */
char *
name_demangle(const char *name)
{
	char	*out;

	if (name == NULL || *name == '\0' || is_plain_name(name))
		return NULL;
	if ((out = rust_legacy_demangle(name)) != NULL)
		return out;
	if (str_startswith(name, "_R") || str_startswith(name, "__R")) {
		if ((out = rust_v0_demangle(name)) != NULL)
			return out;
	}
#ifdef HAVE_CXA_DEMANGLE
	if (str_startswith(name, "_Z") || str_startswith(name, "__Z")) {
		int	 status = 0;

		out = __cxa_demangle(name[1] == '_' ? name + 1 : name, NULL,
		    NULL, &status);
		if (out != NULL && status == 0)
			return out;
		free(out);
	}
#endif
	/* Only escapes, ".." and a trailing hash make a name Rust's. */
	if (strchr(name, '$') == NULL && strstr(name, "..") == NULL &&
	    strstr(name, "::h") == NULL)
		return NULL;
	return rust_clean(name);
}

/* Length of s without trailing clone suffixes (".isra.0.cold" ...). */
static size_t
strip_clone_suffixes(const char *s, size_t len)
{
	size_t	 i, n, dot;
	int	 again = 1;

	while (again) {
		again = 0;
		/* " [clone .isra.0]" as the C++ demangler prints it. */
		if (len > 9 && s[len - 1] == ']') {
			for (dot = len; dot > 0 && s[dot - 1] != '['; dot--)
				;
			if (dot > 1 && mem_startswith(s + dot, len - dot,
			    "clone .")) {
				len = dot - 1;
				while (len > 0 && s[len - 1] == ' ')
					len--;
				again = 1;
				continue;
			}
		}
		/* ".<digits>" after a known suffix name. */
		n = len;
		while (n > 0 && isdigit((unsigned char)s[n - 1]))
			n--;
		if (n < len && n > 0 && s[n - 1] == '.')
			n--;
		else
			n = len;
		for (i = 0; i < nitems(clone_suffixes); i++) {
			size_t	 sl = strlen(clone_suffixes[i]);

			if (n > sl + 1 && s[n - sl - 1] == '.' &&
			    memcmp(s + n - sl, clone_suffixes[i], sl) == 0) {
				len = n - sl - 1;
				again = 1;
				break;
			}
		}
	}
	return len;
}

/* Drop a wrapper prefix where the wrapper is an alias of a libc function. */
static const char *
strip_alias_prefix(const char *s)
{
	size_t	 i, j;

	for (i = 0; i < nitems(alias_prefixes); i++) {
		if (str_startswith(s, alias_prefixes[i]) &&
		    s[strlen(alias_prefixes[i])] != '\0')
			return s + strlen(alias_prefixes[i]);
	}
	for (i = 0; i < 2; i++) {
		const char *pfx = i == 0 ? "__tsan_" : "__asan_";

		if (!str_startswith(s, pfx))
			continue;
		for (j = 0; j < nitems(runtime_libc_aliases); j++)
			if (strcmp(s + 7, runtime_libc_aliases[j]) == 0)
				return s + 7;
	}
	return s;
}

/* Index just past the "operator" symbol starting at s[i], or i. */
static size_t
skip_operator(const char *s, size_t len, size_t i)
{
	if (i + 8 > len || memcmp(s + i, "operator", 8) != 0)
		return i;
	if (i > 0 && (isalnum((unsigned char)s[i - 1]) || s[i - 1] == '_'))
		return i;
	i += 8;
	/* "operator new", "operator delete[]", "operator bool" */
	if (i < len && s[i] == ' ') {
		i++;
		while (i < len && (isalnum((unsigned char)s[i]) || s[i] == '_'))
			i++;
		if (i + 2 <= len && s[i] == '[' && s[i + 1] == ']')
			i += 2;
		return i;
	}
	if (i + 2 <= len && s[i] == '(' && s[i + 1] == ')')
		return i + 2;
	if (i + 2 <= len && s[i] == '[' && s[i + 1] == ']')
		return i + 2;
	while (i < len && strchr("<>=!+-*/%&|^~,", s[i]) != NULL)
		i++;
	return i;
}

/* Remove trailing " const", " &&", " [abi:cxx11]" ... from s[0..len). */
static size_t
strip_qualifiers(const char *s, size_t len)
{
	static const char *const quals[] = {
		" const", " volatile", " &&", " &", " noexcept", "&&", "&",
	};
	size_t	 i, n, dot;
	int	 again = 1;

	while (again && len > 0) {
		again = 0;
		while (len > 0 && s[len - 1] == ' ')
			len--;
		if (len > 0 && s[len - 1] == ']') {
			for (dot = len; dot > 0 && s[dot - 1] != '['; dot--)
				;
			if (dot > 0 && mem_startswith(s + dot, len - dot,
			    "abi:")) {
				len = dot - 1;
				again = 1;
				continue;
			}
		}
		for (i = 0; i < nitems(quals); i++) {
			n = strlen(quals[i]);
			if (len > n && memcmp(s + len - n, quals[i], n) == 0 &&
			    s[len - n - 1] == ')') {
				len -= n;
				again = 1;
				break;
			}
		}
	}
	return len;
}

/*
 * Remove the argument list "(...)" that ends s[0..len), unless it belongs
 * to "operator()" itself.
 */
static size_t
strip_arguments(const char *s, size_t len)
{
	size_t	 i;
	int	 depth = 0;

	if (len == 0 || s[len - 1] != ')')
		return len;
	for (i = len; i > 0; i--) {
		if (s[i - 1] == ')')
			depth++;
		else if (s[i - 1] == '(' && --depth == 0)
			break;
	}
	if (i == 0 || i == 1)
		return len;
	i--;  /* s[i] is the '(' */
	if (i >= 8 && memcmp(s + i - 8, "operator", 8) == 0)
		return len;
	if (i >= 10 && memcmp(s + i - 10, "operator()", 10) == 0 &&
	    len - i == 2)
		return len;
	/* "(anonymous namespace)" alone is not an argument list. */
	if (mem_startswith(s + i, len - i, "(anonymous namespace)") &&
	    len - i == 21)
		return len;
	return i;
}

/* Skip a leading return type ("void ns::f<int>" -> "ns::f<int>"). */
static size_t
skip_return_type(const char *s, size_t len)
{
	size_t	 i, j, start = 0;
	int	 depth = 0;

	for (i = 0; i < len; i++) {
		j = skip_operator(s, len, i);
		if (j != i) {
			i = j - 1;
			continue;
		}
		switch (s[i]) {
		case '<': case '(': case '[': case '{':
			depth++;
			break;
		case '>': case ')': case ']': case '}':
			if (depth > 0)
				depth--;
			break;
		case ' ':
			if (depth == 0)
				start = i + 1;
			break;
		}
	}
	return start;
}

/* Append s[0..len) to b with lambda and anonymous-type numbering dropped. */
static void
add_without_numbering(struct buf *b, const char *s, size_t len)
{
	size_t	 i = 0, j;

	while (i < len) {
		/* gcc: {lambda(int)#2} -> {lambda}; {unnamed type#1} too. */
		if (s[i] == '{' && (mem_startswith(s + i, len - i, "{lambda(") ||
		    mem_startswith(s + i, len - i, "{unnamed type#"))) {
			for (j = i; j < len && s[j] != '}'; j++)
				;
			if (j < len) {
				buf_adds(b, s[i + 1] == 'l' ? "{lambda}" :
				    "{unnamed type}");
				i = j + 1;
				continue;
			}
		}
		/* clang: $_5 -> $_ ; MSVC: 'lambda3' -> 'lambda'. */
		if (s[i] == '$' && i + 2 < len && s[i + 1] == '_' &&
		    isdigit((unsigned char)s[i + 2])) {
			buf_adds(b, "$_");
			for (i += 2; i < len && isdigit((unsigned char)s[i]); i++)
				;
			continue;
		}
		if (mem_startswith(s + i, len - i, "'lambda")) {
			buf_adds(b, "'lambda");
			for (i += 7; i < len && isdigit((unsigned char)s[i]); i++)
				;
			continue;
		}
		buf_addc(b, s[i++]);
	}
}

/*
 * The grouping form of a function name: readable (demangled), with
 * interceptor and glibc alias prefixes, clone suffixes, C++ argument lists,
 * qualifiers, ABI tags, return types and lambda numbering removed, and
 * Rust hashes dropped.  Idempotent.  Returns a new string the caller frees.
 */
char *
name_normalize(const char *name)
{
	struct buf	 b;
	char		*dem, *out;
	const char	*s;
	size_t		 len, start;

	if (name == NULL)
		return NULL;
	while (*name == ' ')
		name++;
	/* Most names are plain C: only an alias prefix can change. */
	if (is_plain_name(name)) {
		s = strip_alias_prefix(name);
		return xstrdup(*s != '\0' ? s : name);
	}
	dem = name_demangle(name);
	s = dem != NULL ? dem : name;
	s = strip_alias_prefix(s);
	len = strlen(s);
	len = strip_clone_suffixes(s, len);
	if (memchr(s, '(', len) != NULL || memchr(s, ' ', len) != NULL) {
		size_t	 prev;

		do {
			prev = len;
			len = strip_qualifiers(s, len);
			len = strip_arguments(s, len);
			len = strip_clone_suffixes(s, len);
		} while (len != prev);
		start = skip_return_type(s, len);
		s += start;
		len -= start;
	}
	buf_init(&b, len + 16);
	add_without_numbering(&b, s, len);
	out = buf_detach(&b);
	free(dem);
	if (*out == '\0') {
		free(out);
		out = xstrdup(name);
	}
	return out;
}

static int
is_python_frame(const struct frame *f)
{
	size_t	 n;

	if (f->cls == FC_PYTHON)
		return 1;
	if (f->file == NULL || f->module != NULL)
		return 0;
	n = strlen(f->file);
	return n > 3 && strcmp(f->file + n - 3, ".py") == 0;
}

/*
 * Give every native frame of the report a readable name: mangled C++ and
 * Rust names demangled, Rust escapes and hashes cleaned.  What was printed
 * is kept in function_raw.  The grouping form (name_normalize) is not
 * stored: the fingerprint derives it.  Python frames are left alone; safe
 * to call more than once.
 */
void
names_report(struct report *r)
{
	struct frame	*f;
	size_t		 i, j;
	char		*n;

	for (i = 0; i < r->nstacks; i++) {
		for (j = 0; j < r->stacks[i].nframes; j++) {
			f = &r->stacks[i].frames[j];
			if (f->function == NULL || is_python_frame(f))
				continue;
			if ((n = name_demangle(f->function)) == NULL)
				continue;
			if (strcmp(n, f->function) == 0) {
				free(n);
				continue;
			}
			if (f->function_raw == NULL)
				f->function_raw = f->function;
			else
				free(f->function);
			f->function = n;
		}
	}
}

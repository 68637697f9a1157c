/*
 * cmd-symbolize.c: "fttriage symbolize", a filter that fills in the
 * unsymbolized frames of sanitizer logs.
 *
 * The log is copied to standard output byte for byte, except for frames
 * printed without symbols in the two sanitizer shapes:
 *
 *	#3 <null> <null> (libfoo.so+0x1a2b)		ThreadSanitizer
 *	#3 0x7f3a12345a2b  (/path/libfoo.so+0x1a2b)	AddressSanitizer
 *
 * which are rewritten as the sanitizer prints them when it symbolizes
 * itself, inline frames expanded and the following frames of the stack
 * renumbered the way the sanitizer numbers them.  A sanitizer report is
 * held back until its SUMMARY line, because that line carries the full
 * path of a module that TSan frames name only by basename.  Lines are read
 * as bytes: long lines, NUL bytes and a missing final newline pass through.
 *
 * A hidden batch mode, --addresses MODULE, reads one address per line and
 * answers in llvm-symbolizer --inlining's output format; the tests compare
 * the two and the benchmark times them.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fttriage.h"
#include "cmd.h"
#include "symbolize.h"

#define HELD_LINES_MAX	FT_REPORT_LINES_MAX
#define HELD_BYTES_MAX	(4 * 1024 * 1024)

/* A line reader over a descriptor that keeps every byte. */
struct lreader {
	int	 fd;
	char	*buf;
	size_t	 len, off, cap;
	int	 eof;
};

/* One line held back: its bytes, newline included when there was one. */
struct held {
	char	*text;
	size_t	 len;
};

struct filter {
	struct symbolizer *sym;
	FILE		*out;
	struct held	*held;
	size_t		 nheld, capheld, heldbytes;
	int		 holding;
	unsigned	 shift;		/* added to frame numbers */
	int		 in_stack;
};

/* The parts of a frame line, as offsets into it. */
struct fline {
	size_t		 num_at, num_end;	/* the digits after '#' */
	unsigned	 num;
	int		 asan;			/* 0x... shape */
	size_t		 pc_at, pc_end;		/* ASan: the 0x... pc */
	size_t		 func_at, func_end;	/* printed function, if any */
	size_t		 loc_at, loc_end;	/* "(mod+0xoff)" */
	size_t		 mod_at, mod_end;
	uint64_t	 offset;
	size_t		 bid_at, bid_end;	/* " (BuildId: x)", if any */
	size_t		 hex_at, hex_end;	/* the build-id digits */
	size_t		 end;			/* before "\r\n" or "\n" */
};

static int
lreader_next(struct lreader *lr, const char **line, size_t *len)
{
	char	*nl;
	ssize_t	 n;

	for (;;) {
		nl = memchr(lr->buf + lr->off, '\n', lr->len - lr->off);
		if (nl != NULL) {
			*line = lr->buf + lr->off;
			*len = (size_t)(nl - (lr->buf + lr->off)) + 1;
			lr->off += *len;
			return 1;
		}
		if (lr->eof || lr->len - lr->off >= FT_LINE_MAX) {
			/* The rest, or a long line's first piece. */
			if (lr->len == lr->off)
				return 0;
			*line = lr->buf + lr->off;
			*len = lr->len - lr->off;
			lr->off = lr->len;
			return 1;
		}
		if (lr->off > 0) {
			memmove(lr->buf, lr->buf + lr->off, lr->len - lr->off);
			lr->len -= lr->off;
			lr->off = 0;
		}
		if (lr->cap - lr->len < 65536) {
			lr->cap = lr->len + 65536 + FT_LINE_MAX;
			lr->buf = xrealloc(lr->buf, lr->cap);
		}
		n = read(lr->fd, lr->buf + lr->len, lr->cap - lr->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			lr->eof = 1;
		lr->len += (size_t)n;
	}
}

static int
is_hex(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	    (c >= 'A' && c <= 'F');
}

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

/* Parse "(module+0xoff)" at p[i]; fill fl and return the end, or 0. */
static size_t
parse_loc(const char *p, size_t i, size_t end, struct fline *fl)
{
	size_t	 close, plus, k;

	if (i >= end || p[i] != '(')
		return 0;
	for (close = i + 1; close < end && p[close] != ')'; close++)
		;
	if (close == end)
		return 0;
	for (plus = close; plus > i + 1; plus--)
		if (p[plus - 1] == '+')
			break;
	if (plus <= i + 1 || close - plus < 3 || p[plus] != '0' ||
	    p[plus + 1] != 'x')
		return 0;
	plus--;
	for (k = plus + 3; k < close; k++)
		if (!is_hex((unsigned char)p[k]))
			return 0;
	if (parse_u64(p + plus + 3, close - plus - 3, 16, &fl->offset) != 0)
		return 0;
	fl->loc_at = i;
	fl->loc_end = close + 1;
	fl->mod_at = i + 1;
	fl->mod_end = plus;
	/* A macOS "mod:arch" cannot be ours to read; leave it alone. */
	if (memchr(p + i + 1, ':', plus - i - 1) != NULL)
		return 0;
	return close + 1;
}

/* Parse an optional " (BuildId: hex)" at p[i]; return the end. */
static size_t
parse_buildid(const char *p, size_t i, size_t end, struct fline *fl)
{
	size_t	k;

	fl->bid_at = fl->bid_end = i;
	if (!mem_startswith(p + i, end - i, " (BuildId: "))
		return i;
	k = i + 11;
	fl->hex_at = k;
	while (k < end && is_hex((unsigned char)p[k]))
		k++;
	if (k == fl->hex_at || k >= end || p[k] != ')')
		return i;
	fl->hex_end = k;
	fl->bid_end = k + 1;
	return k + 1;
}

/* Find "#N " in a line: the frame number of any stack shape. */
static int
parse_number(const char *p, size_t end, struct fline *fl)
{
	size_t	i = 0, k;

	while (i < end && (p[i] == ' ' || p[i] == '\t'))
		i++;
	if (i >= end || p[i] != '#')
		return -1;
	for (k = i + 1; k < end && is_digit((unsigned char)p[k]); k++)
		;
	if (k == i + 1 || k - i > 7 || k >= end || p[k] != ' ')
		return -1;
	fl->num_at = i + 1;
	fl->num_end = k;
	if (parse_uint(p + i + 1, k - i - 1, &fl->num) != 0)
		return -1;
	return 0;
}

/*
 * Recognise an unsymbolized sanitizer frame.  Returns 1 and fills fl for
 * a frame we can fill in, 0 otherwise.
 */
static int
parse_frame(const char *p, size_t len, struct fline *fl)
{
	size_t	 end = len, i, k;

	memset(fl, 0, sizeof *fl);
	if (end > 0 && p[end - 1] == '\n')
		end--;
	if (end > 0 && p[end - 1] == '\r')
		end--;
	fl->end = end;
	if (parse_number(p, end, fl) != 0)
		return 0;
	i = fl->num_end + 1;
	if (mem_startswith(p + i, end - i, "0x")) {
		/* AddressSanitizer: 0xpc  (mod+0xoff), or 0xpc in f (...) */
		fl->asan = 1;
		fl->pc_at = i;
		for (k = i + 2; k < end && is_hex((unsigned char)p[k]); k++)
			;
		fl->pc_end = k;
		if (k == i + 2)
			return 0;
		if (mem_startswith(p + k, end - k, "  ("))
			i = k + 2;
		else if (mem_startswith(p + k, end - k, " in ")) {
			fl->func_at = k + 4;
			for (i = fl->func_at; i < end && p[i] != ' '; i++)
				;
			fl->func_end = i;
			if (fl->func_end == fl->func_at ||
			    !mem_startswith(p + i, end - i, " ("))
				return 0;
			i++;
		} else
			return 0;
	} else {
		/* ThreadSanitizer: <null> <null> (...), or f <null> (...) */
		fl->func_at = i;
		for (k = i; k < end && p[k] != ' '; k++)
			;
		fl->func_end = k;
		if (k == i || !mem_startswith(p + k, end - k, " <null> ("))
			return 0;
		if (k - i == 6 && memcmp(p + i, "<null>", 6) == 0)
			fl->func_at = fl->func_end = 0;
		i = k + 8;
	}
	if ((i = parse_loc(p, i, end, fl)) == 0)
		return 0;
	i = parse_buildid(p, i, end, fl);
	return i == end;
}

static void
put_loc(FILE *out, const struct sym_frame *f)
{
	const char	*file = f->file;

	/* The sanitizers print "./x.c" as "x.c"; so do we. */
	if (file[0] == '.' && file[1] == '/')
		file += 2;
	fputs(file, out);
	if (f->line > 0) {
		fprintf(out, ":%u", f->line);
		if (f->column > 0)
			fprintf(out, ":%u", f->column);
	}
}

/* Write one frame of an answer in the shape the sanitizer would use. */
static void
put_frame(struct filter *ft, const char *p, size_t len,
    const struct fline *fl, unsigned num, const struct sym_frame *sf,
    int first)
{
	FILE	*out = ft->out;
	int	 bid = first && fl->bid_end > fl->bid_at;

	fwrite(p, 1, fl->num_at, out);
	fprintf(out, "%u ", num);
	if (fl->asan) {
		fwrite(p + fl->pc_at, 1, fl->pc_end - fl->pc_at, out);
		if (sf->function != NULL)
			fprintf(out, " in %s", sf->function);
		fputc(' ', out);
		if (sf->file != NULL)
			put_loc(out, sf);
		else {
			fwrite(p + fl->loc_at, 1, fl->loc_end - fl->loc_at, out);
			if (bid)
				fwrite(p + fl->bid_at, 1,
				    fl->bid_end - fl->bid_at, out);
		}
	} else {
		fputs(sf->function != NULL ? sf->function : "<null>", out);
		fputc(' ', out);
		if (sf->file != NULL)
			put_loc(out, sf);
		else
			fputs("<null>", out);
		fputc(' ', out);
		fwrite(p + fl->loc_at, 1, fl->loc_end - fl->loc_at, out);
		if (bid)
			fwrite(p + fl->bid_at, 1, fl->bid_end - fl->bid_at, out);
	}
	fwrite(p + fl->end, 1, len - fl->end, out);
}

/* The SUMMARY line's module path, if it has one whose basename is base. */
static const char *
summary_hint(struct filter *ft, const char *base, char **mem)
{
	size_t	 i, j, k, close;
	const char *t, *plus;

	free(*mem);
	*mem = NULL;
	for (i = ft->nheld; i > 0; i--) {
		t = ft->held[i - 1].text;
		if (strstr(t, "SUMMARY: ") == NULL)
			continue;
		for (k = 0; t[k] != '\0'; k++) {
			if (t[k] != '(' || t[k + 1] != '/')
				continue;
			for (close = k; t[close] != '\0' && t[close] != ')';
			    close++)
				;
			plus = NULL;
			for (j = k; j < close; j++)
				if (t[j] == '+')
					plus = t + j;
			if (plus == NULL)
				continue;
			*mem = xstrndup(t + k + 1, (size_t)(plus - t) - k - 1);
			if (strcmp(path_basename(*mem), base) == 0)
				return *mem;
			free(*mem);
			*mem = NULL;
		}
		break;
	}
	return NULL;
}

/* Write one line, rewritten if it is a frame we can fill in. */
static void
filter_line(struct filter *ft, const char *p, size_t len)
{
	struct fline	 fl;
	struct sym_answer ans;
	char		*name, *bid = NULL, *mem = NULL;
	const char	*hint = NULL;
	uint64_t	 addr;
	size_t		 k;
	int		 ok;

	if (memchr(p, '\0', len) != NULL || len > FT_LINE_MAX) {
		fwrite(p, 1, len, ft->out);
		ft->in_stack = 0;
		ft->shift = 0;
		return;
	}
	memset(&fl, 0, sizeof fl);
	if (parse_number(p, len, &fl) != 0) {
		fwrite(p, 1, len, ft->out);
		ft->in_stack = 0;
		ft->shift = 0;
		return;
	}
	if (fl.num == 0 || !ft->in_stack)
		ft->shift = 0;
	ft->in_stack = 1;
	ok = parse_frame(p, len, &fl);
	if (ok) {
		name = xstrndup(p + fl.mod_at, fl.mod_end - fl.mod_at);
		if (fl.hex_end > fl.hex_at)
			bid = xstrndup(p + fl.hex_at, fl.hex_end - fl.hex_at);
		if (name[0] != '/')
			hint = summary_hint(ft, name, &mem);
		addr = fl.offset;
		ok = symbolizer_lookup(ft->sym, name, hint, bid, addr,
		    &ans) == 0 && (ans.nframes > 1 ||
		    ans.frames[0].function != NULL ||
		    ans.frames[0].file != NULL);
		/* A printed function stays the outermost frame's name. */
		if (ok && fl.func_end > fl.func_at) {
			free(mem);
			mem = xstrndup(p + fl.func_at, fl.func_end - fl.func_at);
			ans.frames[ans.nframes - 1].function = mem;
		}
		if (ok)
			for (k = 0; k < ans.nframes; k++)
				put_frame(ft, p, len, &fl, fl.num + ft->shift + k,
				    &ans.frames[k], k == 0);
		free(name);
		free(bid);
		free(mem);
	}
	if (!ok) {
		if (ft->shift == 0)
			fwrite(p, 1, len, ft->out);
		else {
			fwrite(p, 1, fl.num_at, ft->out);
			fprintf(ft->out, "%u", fl.num + ft->shift);
			fwrite(p + fl.num_end, 1, len - fl.num_end, ft->out);
		}
		return;
	}
	ft->shift += ans.nframes - 1;
}

static void
filter_flush(struct filter *ft)
{
	size_t	i;

	ft->holding = 0;
	for (i = 0; i < ft->nheld; i++)
		filter_line(ft, ft->held[i].text, ft->held[i].len);
	for (i = 0; i < ft->nheld; i++)
		free(ft->held[i].text);
	ft->nheld = 0;
	ft->heldbytes = 0;
}

static int
starts_report(const char *p, size_t len)
{
	return mem_find(p, len, "WARNING: ThreadSanitizer:") != NULL ||
	    mem_find(p, len, "ERROR: AddressSanitizer") != NULL ||
	    mem_find(p, len, "ERROR: LeakSanitizer") != NULL ||
	    mem_find(p, len, "ERROR: ThreadSanitizer") != NULL;
}

static void
filter_feed(struct filter *ft, const char *p, size_t len)
{
	struct held	*h;

	if (!ft->holding && starts_report(p, len))
		ft->holding = 1;
	if (!ft->holding) {
		filter_line(ft, p, len);
		return;
	}
	if (ft->nheld == ft->capheld) {
		ft->capheld = ft->capheld ? ft->capheld * 2 : 64;
		ft->held = xreallocarray(ft->held, ft->capheld,
		    sizeof *ft->held);
	}
	h = &ft->held[ft->nheld++];
	h->text = xmalloc(len + 1);
	memcpy(h->text, p, len);
	h->text[len] = '\0';
	h->len = len;
	ft->heldbytes += len;
	if (mem_find(p, len, "SUMMARY: ") != NULL ||
	    ft->nheld >= HELD_LINES_MAX || ft->heldbytes >= HELD_BYTES_MAX)
		filter_flush(ft);
}

static int
filter_fd(struct filter *ft, int fd, const char *name)
{
	struct lreader	 lr;
	const char	*line;
	size_t		 len;
	int		 res;

	memset(&lr, 0, sizeof lr);
	lr.fd = fd;
	while ((res = lreader_next(&lr, &line, &len)) == 1)
		filter_feed(ft, line, len);
	filter_flush(ft);
	free(lr.buf);
	if (res < 0) {
		ft_warnx("cannot read '%s': %s", name, strerror(errno));
		return -1;
	}
	return 0;
}

/* ---- the batch mode ---------------------------------------------------- */

#define BATCH_MAX	65536		/* addresses answered together */

struct batch_item {
	uint64_t	 addr;
	uint32_t	 idx;		/* position in the input */
};

struct batch_slot {
	size_t		 first;		/* in the frame pool */
	size_t		 n;
};

static int
batch_cmp(const void *a, const void *b)
{
	const struct batch_item *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static void
put_uint(FILE *out, unsigned v)
{
	char	 b[16], *p = b + sizeof b;

	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	fwrite(p, 1, (size_t)(b + sizeof b - p), out);
}

static uint64_t
batch_parse(const char *line, size_t len)
{
	size_t		 s, e;
	uint64_t	 addr;

	for (s = 0; s < len && (line[s] == ' ' || line[s] == '\t'); s++)
		;
	for (e = s; e < len && line[e] != '\n' && line[e] != '\r' &&
	    line[e] != ' '; e++)
		;
	if (e - s > 2 && line[s] == '0' &&
	    (line[s + 1] == 'x' || line[s + 1] == 'X')) {
		if (parse_u64(line + s + 2, e - s - 2, 16, &addr) != 0)
			addr = UINT64_MAX;
	} else if (parse_u64(line + s, e - s, 10, &addr) != 0)
		addr = UINT64_MAX;
	return addr;
}

/*
 * Answer a batch: look the addresses up in address order, which keeps the
 * indexes hot in the cache, then print the answers in input order.
 */
static void
batch_answer(struct symbolizer *sym, const char *module,
    struct batch_item *items, size_t n, int *warned)
{
	struct batch_slot *slots;
	struct sym_frame *pool = NULL;
	struct sym_answer ans;
	const struct sym_frame *f;
	size_t		 npool = 0, cappool = 0, i, k;
	char		*cause = NULL;

	slots = xreallocarray(NULL, n, sizeof *slots);
	qsort(items, n, sizeof *items, batch_cmp);
	for (i = 0; i < n; i++) {
		if (i > 0 && items[i].addr == items[i - 1].addr) {
			slots[items[i].idx] = slots[items[i - 1].idx];
			continue;
		}
		if (symbolizer_lookup_path(sym, module, items[i].addr, &ans,
		    &cause) != 0) {
			if (!*warned)
				ft_warnx("%s", cause);
			*warned = 1;
			free(cause);
			cause = NULL;
		}
		if (npool + ans.nframes > cappool) {
			cappool = (npool + ans.nframes) * 2;
			pool = xreallocarray(pool, cappool, sizeof *pool);
		}
		memcpy(pool + npool, ans.frames, ans.nframes * sizeof *pool);
		slots[items[i].idx].first = npool;
		slots[items[i].idx].n = ans.nframes;
		npool += ans.nframes;
	}
	for (i = 0; i < n; i++) {
		for (k = 0; k < slots[i].n; k++) {
			f = &pool[slots[i].first + k];
			fputs(f->function != NULL ? f->function : "??", stdout);
			putchar('\n');
			fputs(f->file != NULL ? f->file : "??", stdout);
			putchar(':');
			put_uint(stdout, f->line);
			putchar(':');
			put_uint(stdout, f->column);
			putchar('\n');
		}
		putchar('\n');
	}
	free(pool);
	free(slots);
}

/* The batch mode: addresses on stdin, llvm-symbolizer's answers out. */
static int
symbolize_addresses(struct symbolizer *sym, const char *module)
{
	struct lreader	 lr;
	struct batch_item *items;
	const char	*line;
	size_t		 len, n = 0;
	int		 warned = 0;

	memset(&lr, 0, sizeof lr);
	lr.fd = STDIN_FILENO;
	items = xreallocarray(NULL, BATCH_MAX, sizeof *items);
	while (lreader_next(&lr, &line, &len) == 1) {
		items[n].addr = batch_parse(line, len);
		items[n].idx = (uint32_t)n;
		if (++n == BATCH_MAX) {
			batch_answer(sym, module, items, n, &warned);
			n = 0;
		}
	}
	if (n > 0)
		batch_answer(sym, module, items, n, &warned);
	free(items);
	free(lr.buf);
	return fflush(stdout) == 0 ? 0 : EXIT_ERROR;
}

/* fttriage symbolize [--symbols DIR]... [--debug-dir DIR] [FILE ...] */
int
cmd_symbolize(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "symbols",	required_argument, NULL, 's' },
		{ "debug-dir",	required_argument, NULL, 'd' },
		{ "addresses",	required_argument, NULL, 'a' },
		{ "help",	no_argument,	   NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct symbolizer *sym;
	struct filter	 ft;
	const char	*addresses = NULL;
	int		 c, i, fd, rc = 0;

	sym = symbolizer_new();
	optind = 1;
	while ((c = getopt_long(argc, argv, "s:d:h", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			symbolizer_add_root(sym, optarg);
			break;
		case 'd':
			symbolizer_add_debug_dir(sym, optarg);
			break;
		case 'a':
			addresses = optarg;
			break;
		case 'h':
			printf("usage: fttriage symbolize [--symbols DIR]... "
			    "[--debug-dir DIR]... [file ...]\n");
			symbolizer_free(sym);
			return 0;
		default:
			fprintf(stderr, "usage: fttriage symbolize "
			    "[--symbols DIR]... [--debug-dir DIR]... "
			    "[file ...]\n");
			symbolizer_free(sym);
			return EXIT_ERROR;
		}
	}
	if (addresses != NULL) {
		rc = symbolize_addresses(sym, addresses);
		symbolizer_free(sym);
		return rc;
	}
	memset(&ft, 0, sizeof ft);
	ft.sym = sym;
	ft.out = stdout;
	if (optind == argc && filter_fd(&ft, STDIN_FILENO, "-") != 0)
		rc = EXIT_ERROR;
	for (i = optind; i < argc; i++) {
		if (strcmp(argv[i], "-") == 0)
			fd = STDIN_FILENO;
		else if ((fd = open(argv[i], O_RDONLY | O_CLOEXEC)) == -1) {
			ft_warnx("cannot open '%s': %s", argv[i],
			    strerror(errno));
			rc = EXIT_ERROR;
			continue;
		}
		if (filter_fd(&ft, fd, argv[i]) != 0)
			rc = EXIT_ERROR;
		if (fd != STDIN_FILENO)
			close(fd);
	}
	free(ft.held);
	if (fflush(stdout) != 0) {
		ft_warnx("cannot write output: %s", strerror(errno));
		rc = EXIT_ERROR;
	}
	symbolizer_free(sym);
	return rc;
}

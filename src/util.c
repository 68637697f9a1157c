/*
 * util.c: small string helpers shared by every stage.
 *
 * Log text is not NUL-terminated where it is scanned, so most helpers take a
 * pointer and a length.  None of them allocate except str_sanitize_utf8.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fttriage.h"

int
str_startswith(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

int
mem_startswith(const char *s, size_t len, const char *prefix)
{
	size_t	n = strlen(prefix);

	return len >= n && memcmp(s, prefix, n) == 0;
}

/* The first occurrence of needle in s[0..len), or NULL. */
const char *
mem_find(const char *s, size_t len, const char *needle)
{
	size_t	 n = strlen(needle);

	if (n == 0)
		return s;
	if (len < n)
		return NULL;
	return memmem(s, len, needle, n);
}

/* Parse an unsigned number of exactly len characters; 0 or -1. */
int
parse_u64(const char *s, size_t len, int base, uint64_t *out)
{
	uint64_t v = 0;
	size_t	 i;

	if (len == 0)
		return -1;
	for (i = 0; i < len; i++) {
		unsigned d;
		char	 c = s[i];

		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (base == 16 && c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else if (base == 16 && c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A' + 10);
		else
			return -1;
		if (v > (UINT64_MAX - d) / (uint64_t)base)
			return -1;
		v = v * (uint64_t)base + d;
	}
	*out = v;
	return 0;
}

int
parse_uint(const char *s, size_t len, unsigned *out)
{
	uint64_t v;

	if (parse_u64(s, len, 10, &v) != 0 || v > 0xffffffffu)
		return -1;
	*out = (unsigned)v;
	return 0;
}

const char *
path_basename(const char *path)
{
	const char *p = strrchr(path, '/');
	const char *q = strrchr(path, '\\');

	if (q != NULL && (p == NULL || q > p))
		p = q;
	return p == NULL ? path : p + 1;
}

/* Length of the valid UTF-8 sequence at s (len > 0), or 0 if invalid. */
size_t
utf8_seq_len(const unsigned char *s, size_t len)
{
	size_t	 n, i;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		cp = s[0] & 0x07;
	} else
		return 0;
	if (len < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/* A copy of s[0..len) that is valid UTF-8: bad bytes become U+FFFD. */
char *
str_sanitize_utf8(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	struct buf b;
	size_t	 i = 0, n;

	buf_init(&b, 0);
	while (i < len) {
		n = utf8_seq_len(u + i, len - i);
		if (n == 0) {
			buf_add(&b, "\xef\xbf\xbd", 3);
			i++;
		} else {
			buf_add(&b, s + i, n);
			i += n;
		}
	}
	return buf_detach(&b);
}

FILE *
file_open_regular(const char *path, off_t max, char **why)
{
	struct stat	 st;
	FILE		*fp;
	int		 fd;

	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd == -1) {
		int e = errno;   /* callers test for ENOENT */

		*why = xstrdup(strerror(e));
		errno = e;
		return NULL;
	}
	if (fstat(fd, &st) == -1) {
		*why = xstrdup(strerror(errno));
		close(fd);
		return NULL;
	}
	if (!S_ISREG(st.st_mode)) {
		*why = xstrdup("not a regular file");
		close(fd);
		errno = EINVAL;
		return NULL;
	}
	if (st.st_size > max) {
		xasprintf(why, "larger than %lld bytes", (long long)max);
		close(fd);
		errno = EFBIG;
		return NULL;
	}
	fcntl(fd, F_SETFL, 0);
	if ((fp = fdopen(fd, "r")) == NULL) {
		*why = xstrdup(strerror(errno));
		close(fd);
		return NULL;
	}
	return fp;
}

/*
 * Untrusted text to a terminal or log: C0 controls, DEL and the C1
 * controls (U+0080-U+009F, which some terminals obey as escapes) become
 * '?'; everything else is copied.
 */
void
fputs_safe(const char *s, FILE *fp)
{
	const unsigned char *u = (const unsigned char *)s;

	for (; *u != '\0'; u++) {
		if (*u < 0x20 || *u == 0x7f)
			fputc('?', fp);
		else if (*u == 0xc2 && u[1] >= 0x80 && u[1] <= 0x9f) {
			fputc('?', fp);
			u++;
		} else
			fputc(*u, fp);
	}
}

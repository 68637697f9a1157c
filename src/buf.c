/*
 * buf.c: the one growable byte buffer, with a hard maximum.
 *
 * Logs are untrusted, so every buffer that holds log text has a ceiling;
 * appends past it are dropped and remembered in 'cut' so the caller can say
 * that something was left out instead of growing without bound.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fttriage.h"

void
buf_init(struct buf *b, size_t max)
{
	memset(b, 0, sizeof *b);
	b->max = max == 0 ? SIZE_MAX / 2 : max;
}

void
buf_release(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
	b->cut = 0;
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	b->cut = 0;
}

/* Append n bytes; returns 0, or -1 when the maximum cut it short. */
int
buf_add(struct buf *b, const void *p, size_t n)
{
	size_t	 want, room;
	int	 rc = 0;

	room = b->max - b->len;
	if (n > room) {
		n = room;
		b->cut = 1;
		rc = -1;
	}
	want = b->len + n + 1;
	if (want > b->cap) {
		size_t	ncap = b->cap ? b->cap : 64;

		while (ncap < want)
			ncap *= 2;
		b->data = xrealloc(b->data, ncap);
		b->cap = ncap;
	}
	if (n != 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return rc;
}

int
buf_addc(struct buf *b, int c)
{
	char	ch = (char)c;

	return buf_add(b, &ch, 1);
}

int
buf_adds(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

int
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;
	int	 n, rc;

	va_start(ap, fmt);
	n = xvasprintf(&s, fmt, ap);
	va_end(ap);
	rc = buf_add(b, s, (size_t)n);
	free(s);
	return rc;
}

/* A NUL-terminated view of the contents; valid until the next append. */
char *
buf_cstr(struct buf *b)
{
	if (b->data == NULL)
		buf_add(b, "", 0);
	return b->data;
}

/* Hand the contents to the caller (who frees them) and empty the buffer. */
char *
buf_detach(struct buf *b)
{
	char	*p;

	p = buf_cstr(b);
	b->data = NULL;
	b->len = b->cap = 0;
	b->cut = 0;
	return p;
}

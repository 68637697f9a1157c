/*
 * clean.c: strip CI decoration from one log line.
 *
 * Part of the source stage.  CI systems and test runners wrap every line of
 * a sanitizer report: GitHub Actions and GitLab put an ISO timestamp in
 * front, tools colour it with ANSI escapes, Windows ends it with CR, pytest
 * re-prints captured output behind "E   ", pytest-xdist and build tools put
 * "[gw0] " or "python3.13t-cython> " in front.  The parsers want the text
 * the sanitizer wrote, so this removes all of that and replaces bytes that
 * cannot be text (NUL, other control bytes) with '?'.  Prefixes that name a
 * stream (xdist worker, build tool) are returned as the line's channel so
 * interleaved streams can be followed apart.
 */
#include "config.h"

#include <string.h>

#include "fttriage.h"

static int
is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/*
 * Which of the eight bytes at s are not decimal digits, where want has
 * '0' (the positions that must be digits) or the exact byte wanted: a
 * byte of 0x80 in the result for each byte that does not fit.
 */
static inline uint64_t
misfit8(const unsigned char *s, uint64_t want, uint64_t exact)
{
	uint64_t v, x;

	memcpy(&v, s, sizeof v);
	x = v ^ want;           /* digits: 0..9; exact bytes: 0 */
	/* x > 9 (or its high bit set) marks a byte; exact bytes need 0. */
	return (x | ((x & 0x7f7f7f7f7f7f7f7fULL) + 0x7676767676767676ULL) |
	    ((x & exact) + 0x7f7f7f7f7f7f7f7fULL)) & 0x8080808080808080ULL;
}

/* Bytes as a little-endian word, for the templates below. */
#define W8(a, b, c, d, e, f, g, h) \
	((uint64_t)(unsigned char)(a) | (uint64_t)(unsigned char)(b) << 8 | \
	(uint64_t)(unsigned char)(c) << 16 | (uint64_t)(unsigned char)(d) << 24 | \
	(uint64_t)(unsigned char)(e) << 32 | (uint64_t)(unsigned char)(f) << 40 | \
	(uint64_t)(unsigned char)(g) << 48 | (uint64_t)(unsigned char)(h) << 56)

/* Length of a leading "2025-05-01T05:34:57.9237309Z " stamp, or 0. */
size_t
clean_timestamp_len(const char *s, size_t len)
{
	/* "dddd-dd-ddTdd:dd" in two words; 0xff marks an exact byte. */
	static const uint64_t want0 = W8('0', '0', '0', '0', '-', '0', '0', '-');
	static const uint64_t exact0 = W8(0, 0, 0, 0, 0x7f, 0, 0, 0x7f);
	static const uint64_t want1 = W8('0', '0', 'T', '0', '0', ':', '0', '0');
	static const uint64_t exact1 = W8(0, 0, 0x7f, 0, 0, 0x7f, 0, 0);
	const unsigned char *u = (const unsigned char *)s;
	size_t	 i;

	/* Cheap rejection first: most lines are not stamped at all. */
	if (len < 21 || u[4] != '-' || u[10] != 'T' || u[13] != ':')
		return 0;
	if ((misfit8(u, want0, exact0) | misfit8(u + 8, want1, exact1)) != 0 ||
	    u[16] != ':' || !is_digit(u[17]) || !is_digit(u[18]))
		return 0;
	i = 19;
	if (s[i] == '.' || s[i] == ',') {
		i++;
		while (i < len && is_digit(u[i]))
			i++;
	}
	if (i < len && s[i] == 'Z')
		i++;
	else if (i + 6 <= len && (s[i] == '+' || s[i] == '-') &&
	    is_digit(u[i + 1]) && s[i + 3] == ':')
		i += 6;
	else
		return 0;
	if (i >= len || s[i] != ' ')
		return 0;
	i++;
	/* GitLab: "00O " / "00E+ " stream marker after the stamp. */
	if (i + 4 <= len && is_digit(u[i]) && is_digit(u[i + 1]) &&
	    (s[i + 2] == 'O' || s[i + 2] == 'E')) {
		size_t j = i + 3;

		if (j < len && s[j] == '+')
			j++;
		if (j < len && s[j] == ' ')
			i = j + 1;
	}
	return i;
}

/* Length of an ANSI escape sequence starting at s[0] == ESC. */
static size_t
ansi_len(const char *s, size_t len)
{
	size_t	i;

	if (len < 2)
		return 1;
	if (s[1] == '[') {            /* CSI: parameters, then a final byte */
		for (i = 2; i < len; i++)
			if ((unsigned char)s[i] >= 0x40 &&
			    (unsigned char)s[i] <= 0x7e)
				return i + 1;
		return len;
	}
	if (s[1] == ']') {            /* OSC: up to BEL or ESC \ */
		for (i = 2; i < len; i++) {
			if (s[i] == '\a')
				return i + 1;
			if (s[i] == 0x1b && i + 1 < len && s[i + 1] == '\\')
				return i + 2;
		}
		return len;
	}
	return 2;
}

/*
 * A build-tool or worker prefix: "[gw3] " or "name> " where name is a
 * package-ish token ("python3.13t-cython").  Returns the prefix length and
 * sets the channel to the name, or returns 0.
 */
size_t
clean_channel_prefix(const char *s, size_t len, const char **ch, size_t *chlen)
{
	size_t	i;

	if (len > 4 && s[0] == '[' && s[1] == 'g' && s[2] == 'w') {
		for (i = 3; i < len && is_digit((unsigned char)s[i]); i++)
			;
		if (i > 3 && i + 1 < len && s[i] == ']' && s[i + 1] == ' ') {
			*ch = s + 1;
			*chlen = i - 1;
			return i + 2;
		}
		return 0;
	}
	if (len < 4 || !((s[0] >= 'a' && s[0] <= 'z') ||
	    (s[0] >= 'A' && s[0] <= 'Z')))
		return 0;
	for (i = 1; i < len && i < 80; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '>' && i + 1 < len && s[i + 1] == ' ' && i >= 3) {
			*ch = s;
			*chlen = i;
			return i + 2;
		}
		if (!(is_digit(c) || (c >= 'a' && c <= 'z') ||
		    (c >= 'A' && c <= 'Z') || c == '.' || c == '-' ||
		    c == '_' || c == '+'))
			return 0;
	}
	return 0;
}

/* Does s start with pytest's "E   " failure-detail prefix? */
int
clean_failure_prefix(const char *s, size_t len)
{
	return len >= 4 && s[0] == 'E' && s[1] == ' ' && s[2] == ' ' &&
	    s[3] == ' ';
}

/*
 * Clean in[0..len) into out (at least len+1 bytes).  Returns the cleaned
 * length; out is NUL-terminated.  *channel points into 'in'.
 */
size_t
clean_line(const char *in, size_t len, char *out, const char **channel,
    size_t *channel_len, int *binary)
{
	size_t	 i, o, n, skip, t;
	int	 again, verbatim;

	*channel = NULL;
	*channel_len = 0;
	*binary = 0;

	i = t = clean_timestamp_len(in, len);

	/*
	 * Fast path: a line with no control byte and no prefix is copied as
	 * it is.  Eight bytes at a time: a byte below 0x20 or equal to 0x7f
	 * sets its high bit in the test below.
	 */
	{
		const char	*p = in + i, *end = in + len;
		uint64_t	 w;

		while (end - p >= 8) {
			memcpy(&w, p, 8);
			if (((w - 0x2020202020202020ULL) | (w + 0x0101010101010101ULL)) &
			    ~w & 0x8080808080808080ULL)
				break;
			p += 8;
		}
		while (p < end && (unsigned char)*p >= 0x20 && *p != 0x7f)
			p++;
		verbatim = p == end;
		if (verbatim) {
			o = len - i;
			memcpy(out, in + i, o);
			i = len;
		} else
			o = 0;
	}

	/* Copy, dropping escapes and carriage returns, masking junk. */
	for (; i < len; i++) {
		unsigned char c = (unsigned char)in[i];

		if (c >= 0x20 && c != 0x7f) {
			out[o++] = (char)c;
			continue;
		}
		if (c == 0x1b) {
			i += ansi_len(in + i, len - i) - 1;
			continue;
		}
		if (c == '\r') {
			/* A bare CR redraws the line: keep what follows. */
			if (i + 1 < len)
				o = 0;
			continue;
		}
		if (c == '\t') {
			out[o++] = ' ';
			continue;
		}
		out[o++] = '?';
		*binary = 1;
	}
	out[o] = '\0';

	/* Prefixes that may stack: "[gw0] E   ...", "pkg> E   ...". */
	skip = 0;
	do {
		again = 0;
		n = clean_channel_prefix(out + skip, o - skip, channel, channel_len);
		if (n != 0 && *channel_len > 0) {
			/*
			 * Channel must point at stable input bytes.  A line
			 * copied as it was maps straight back to the input.
			 */
			const char *p = verbatim ? in + t + (*channel - out) :
			    memmem(in, len, *channel, *channel_len);

			*channel = p;
			if (p == NULL)
				*channel_len = 0;
			skip += n;
			again = 1;
		}
		/* pytest's "E   " failure-detail prefix. */
		if (clean_failure_prefix(out + skip, o - skip)) {
			skip += 1;
			while (skip < o && out[skip] == ' ')
				skip++;
			again = 1;
		}
	} while (again && skip < o);

	if (skip > 0) {
		memmove(out, out + skip, o - skip);
		o -= skip;
		out[o] = '\0';
	}
	/* Trailing white space carries nothing and breaks matching. */
	while (o > 0 && out[o - 1] == ' ')
		o--;
	out[o] = '\0';
	return o;
}

/*
 * json.c: writing JSON text.
 *
 * Used by the JSON and SARIF renderers.  Strings from logs are untrusted:
 * every control character is escaped, and bytes that are not valid UTF-8
 * are written as U+FFFD so the output is always valid JSON.
 */
#include "config.h"

#include <string.h>

#include "fttriage.h"
#include "emit.h"

/*
 * Output goes a byte at a time through putc_unlocked, which writes into
 * the stream's buffer without a call: JSON is mostly short strings, and a
 * library call per string costs more than the string.  Nothing else
 * writes to the stream at the same time.
 */
static inline void
put(FILE *fp, const char *s, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		putc_unlocked(s[i], fp);
}

void
json_strn(FILE *fp, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *u = (const unsigned char *)s;
	size_t	 i = 0, n;

	putc_unlocked('"', fp);
	while (i < len) {
		unsigned char c = u[i];

		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
			putc_unlocked(c, fp);
			i++;
		} else if (c == '"' || c == '\\') {
			putc_unlocked('\\', fp);
			putc_unlocked(c, fp);
			i++;
		} else if (c < 0x20 || c == 0x7f) {
			putc_unlocked('\\', fp);
			switch (c) {
			case '\n': putc_unlocked('n', fp); break;
			case '\t': putc_unlocked('t', fp); break;
			case '\r': putc_unlocked('r', fp); break;
			default:
				put(fp, "u00", 3);
				putc_unlocked(hex[c >> 4], fp);
				putc_unlocked(hex[c & 15], fp);
				break;
			}
			i++;
		} else if ((n = utf8_seq_len(u + i, len - i)) == 0) {
			put(fp, "\\ufffd", 6);
			i++;
		} else {
			put(fp, s + i, n);
			i += n;
		}
	}
	putc_unlocked('"', fp);
}

/* A string, or null for NULL. */
void
json_str(FILE *fp, const char *s)
{
	if (s == NULL)
		put(fp, "null", 4);
	else
		json_strn(fp, s, strlen(s));
}

/* "key": with the comma that goes before all but the first key. */
void
json_key(FILE *fp, const char *key, int *first)
{
	if (!*first)
		putc_unlocked(',', fp);
	*first = 0;
	json_str(fp, key);
	putc_unlocked(':', fp);
}

void
json_u64(FILE *fp, uint64_t v)
{
	char	 b[24];
	size_t	 o = sizeof b;

	do {
		b[--o] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	put(fp, b + o, sizeof b - o);
}

/* 64-bit values as "0x..." strings: JSON numbers lose precision. */
void
json_hex(FILE *fp, uint64_t v)
{
	static const char hex[] = "0123456789abcdef";
	char	 b[24];
	size_t	 o = sizeof b;

	b[--o] = '"';
	do {
		b[--o] = hex[v & 15];
		v >>= 4;
	} while (v != 0);
	b[--o] = 'x';
	b[--o] = '0';
	b[--o] = '"';
	put(fp, b + o, sizeof b - o);
}

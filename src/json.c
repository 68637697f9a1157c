/*
 * json.c: writing JSON text.
 *
 * Used by the JSON and SARIF renderers.  Strings from logs are untrusted:
 * every control character is escaped, and bytes that are not valid UTF-8
 * are written as U+FFFD so the output is always valid JSON.
 */
#include "config.h"

#include <inttypes.h>
#include <string.h>

#include "fttriage.h"
#include "emit.h"

/* Length of a valid UTF-8 sequence at s, or 0. */
static size_t
utf8_len(const unsigned char *s, size_t len)
{
	size_t	 n, i;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (len < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 ||
	    cp > 0x10ffff)) || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

void
json_strn(FILE *fp, const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t	 i = 0, n;

	fputc('"', fp);
	while (i < len) {
		unsigned char c = u[i];

		if (c == '"' || c == '\\') {
			fputc('\\', fp);
			fputc(c, fp);
			i++;
		} else if (c < 0x20 || c == 0x7f) {
			switch (c) {
			case '\n': fputs("\\n", fp); break;
			case '\t': fputs("\\t", fp); break;
			case '\r': fputs("\\r", fp); break;
			default:   fprintf(fp, "\\u%04x", c); break;
			}
			i++;
		} else if (c < 0x80) {
			fputc(c, fp);
			i++;
		} else if ((n = utf8_len(u + i, len - i)) == 0) {
			fputs("\\ufffd", fp);
			i++;
		} else {
			fwrite(u + i, 1, n, fp);
			i += n;
		}
	}
	fputc('"', fp);
}

/* A string, or null for NULL. */
void
json_str(FILE *fp, const char *s)
{
	if (s == NULL)
		fputs("null", fp);
	else
		json_strn(fp, s, strlen(s));
}

/* "key": with the comma that goes before all but the first key. */
void
json_key(FILE *fp, const char *key, int *first)
{
	if (!*first)
		fputc(',', fp);
	*first = 0;
	json_str(fp, key);
	fputc(':', fp);
}

void
json_u64(FILE *fp, uint64_t v)
{
	fprintf(fp, "%" PRIu64, v);
}

/* 64-bit values as "0x..." strings: JSON numbers lose precision. */
void
json_hex(FILE *fp, uint64_t v)
{
	fprintf(fp, "\"0x%" PRIx64 "\"", v);
}

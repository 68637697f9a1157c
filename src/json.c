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
			/* A run of plain characters at once. */
			size_t j = i + 1;

			while (j < len && u[j] >= 0x20 && u[j] < 0x7f &&
			    u[j] != '"' && u[j] != '\\')
				j++;
			fwrite(u + i, 1, j - i, fp);
			i = j;
		} else if ((n = utf8_seq_len(u + i, len - i)) == 0) {
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

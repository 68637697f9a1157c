/*
 * emit.h: the sinks' side of the pipeline: renderers by output format.
 *
 * Every renderer takes finished reports (after symbolize, classify,
 * fingerprint and rules) and writes them to a stream.  Formats are entries
 * in a table (emit_formats in emit.c style): a name, a per-report function,
 * and optional start/finish functions for formats that wrap all reports
 * in one document.
 */
#ifndef FTTRIAGE_EMIT_H
#define FTTRIAGE_EMIT_H

#include <stdio.h>

#include "fttriage.h"

struct emit_opts {
	int	 color;        /* ANSI colour on a terminal */
	int	 frames;       /* frames shown per stack in text; 0 = all */
	int	 seq;          /* report number, maintained by the caller */
	const char *project;   /* the project the logs belong to, or NULL */
};

struct emit_format {
	const char	*name;
	void		(*start)(FILE *, const struct emit_opts *);
	void		(*report)(FILE *, const struct report *,
			    const struct emit_opts *);
	void		(*finish)(FILE *, const struct emit_opts *);
};

const struct emit_format *emit_format_find(const char *);
const char *emit_format_names(void);

/* json.c: JSON text, escaped; invalid UTF-8 becomes U+FFFD. */
void	 json_str(FILE *, const char *);
void	 json_strn(FILE *, const char *, size_t);
void	 json_key(FILE *, const char *, int *first);
void	 json_u64(FILE *, uint64_t);
void	 json_hex(FILE *, uint64_t);

/* emit-json.c, emit-text.c */
void	 emit_json_report(FILE *, const struct report *,
	    const struct emit_opts *);
void	 emit_text_report(FILE *, const struct report *,
	    const struct emit_opts *);

#endif

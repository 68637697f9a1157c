/*
 * stages.c: the stages between the parser and the sinks, in their order.
 *
 * Every command that turns log text into issues (scan, explain, watch)
 * runs each finished report through these same stages, so that they agree
 * on symbols, classes, culprits, fingerprints and rules:
 *
 *   symbolize -> classify -> fingerprint -> suppressions -> rules
 *
 * Symbolizing comes first because classes and fingerprints are built from
 * function names and module paths; rules come last because they may test
 * frame classes and the culprit.
 */
#include "config.h"

#include "fttriage.h"

/* Run the stages on one finished report; absent stages are passed by. */
void
stages_run(const struct stages *st, struct report *r)
{
	if (st->sym != NULL)
		symbolize_report(st->sym, r);
	classify_report(r);
	fingerprint_report(r);
	if (st->supp != NULL)
		suppressions_apply(st->supp, r);
	if (st->rules != NULL)
		rules_apply(st->rules, r);
}

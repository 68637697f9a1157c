/*
 * lazymod.c: an extension-like module that creates its cache on first use
 * without any synchronisation, the lazy initialisation the GIL used to
 * make safe.
 */
#include <stdlib.h>

struct cache {
	long	hits;
};

static struct cache *cache;

struct cache *
get_cache(void)
{
	if (cache == NULL)
		cache = calloc(1, sizeof *cache);
	return cache;
}

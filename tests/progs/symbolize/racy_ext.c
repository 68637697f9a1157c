/* The plug-in of racy.c: a module-level cache updated without a lock, the
 * classic free-threading mistake in an extension module. */
static long cache[4];

static inline void
cache_store(int slot, long v)
{
	cache[slot & 3] = v;
}

void
ext_bump(void)
{
	cache_store(1, cache[1] + 1);
}

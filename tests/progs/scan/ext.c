/*
 * ext.c: a shared library standing in for a Python extension module, with
 * an unprotected module-level counter.
 */
int	ext_state;

__attribute__((noinline)) void
ext_bump(int v)
{
	ext_state += v;                         /* @ext */
}

/**
 * The environment that keeps glibc's malloc to two arenas in a process the local desk starts.
 *
 * By default glibc gives threads that allocate at once arenas of their own (up to 8 per core) and
 * keeps what is freed in each. The desk's processes have several such threads (libuv's pool and
 * V8's helpers in Node, Jetty's in DynamoDB Local's JVM), and two arenas are plenty for them:
 * measured on the intake bench's max-rate pass, the desk's and the stand-ins' Node processes (the
 * stand-ins ran in a process of their own then) peaked 12–14 MiB lower together, two runs against
 * two (docs/PERFORMANCE.md, « Memory of the whole local desk »).
 */
export const FEW_MALLOC_ARENAS = { MALLOC_ARENA_MAX: '2' } as const;

/* jarena: a per-thread bump allocator for cJSON trees built while parsing
 * log lines. A JSON line becomes ~30 small cJSON allocations; taking them
 * from an arena that is reset once per line, instead of malloc/free,
 * measured ~10% of `logdeck index` time (tests/bench). cJSON's hooks are
 * process-wide, so outside an active arena they fall through to malloc and
 * free, and a pointer is returned to free() only if it is not arena memory.
 *
 * Contract: between jarena_reset() and the next reset on the same thread,
 * every tree parsed inside jarena_begin()/jarena_end() must be deleted (or
 * abandoned) before the reset; trees never cross threads. */
#ifndef LOGDECK_JARENA_H
#define LOGDECK_JARENA_H

/* Installs the cJSON hooks (once per process; safe to call repeatedly).
 * Done at program start (a constructor, before main and any thread) in
 * every program linking this module. */
void jarena_install(void);
/* 1 once the hooks are installed. */
int jarena_installed(void);
/* Allocations by cJSON on this thread come from the arena until end. */
void jarena_begin(void);
void jarena_end(void);
/* Forgets every arena allocation of this thread. */
void jarena_reset(void);

#endif

/* namedre: POSIX extended regular expressions with named groups, for the
 * layouts users write in the config. "(?<name>...)" and "(?P<name>...)"
 * become plain groups whose numbers are remembered by name; \d and \D
 * (outside brackets) become [0-9] and [^0-9]. Errors carry the byte offset
 * in the pattern so the config can point at line:column. Leaf module. */
#ifndef LOGDECK_NAMEDRE_H
#define LOGDECK_NAMEDRE_H

#include <regex.h>
#include <stddef.h>

#define NAMEDRE_MAX_GROUPS 16

struct namedre {
    regex_t re;
    int compiled;
    int ngroups;                          /* capturing groups in the pattern */
    char *name[NAMEDRE_MAX_GROUPS + 1];   /* by group number (1..); NULL: unnamed */
};

/* Compiles pat into r (zeroed first). Returns 0, or -1 with *errpos (byte
 * offset in pat) and why[whyn] filled; r then needs no namedre_fini. */
int namedre_compile(struct namedre *r, const char *pat, size_t *errpos, char *why, size_t whyn);
void namedre_fini(struct namedre *r);
/* Group number of a name, or -1. */
int namedre_group(const struct namedre *r, const char *name);

#endif

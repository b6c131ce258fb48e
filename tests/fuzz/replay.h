/* replay: a main() for fuzz targets built without libFuzzer. It runs
 * LLVMFuzzerTestOneInput over every file named on the command line (or in
 * a directory named there), then over N pseudo-random mutations of them
 * (N from $FUZZ_ROUNDS, default 2000), so `make test` exercises every
 * target under ASan too. Include it last in a fuzz_*.c file. */
#ifndef LOGDECK_LIBFUZZER
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned char *replay_read(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    unsigned char *buf = NULL;
    size_t cap = 0, len = 0, r;
    do {
        if (len == cap) {
            cap = cap ? cap * 2 : 4096;
            buf = realloc(buf, cap);
        }
        r = fread(buf + len, 1, cap - len, f);
        len += r;
    } while (r > 0);
    fclose(f);
    *n = len;
    return buf;
}

static void replay_mutate(unsigned char *b, size_t n, unsigned *seed)
{
    static const char tokens[] = "{}[]\":,\\\n\r\t ()*-<>=!0123456789.eE+Tz\x80\xff\0";
    int edits = 1 + (int)(rand_r(seed) % 8);
    for (int i = 0; i < edits && n; i++)
        b[rand_r(seed) % n] = (unsigned char)tokens[rand_r(seed) % (sizeof tokens)];
}

static int replay_one(const char *path, int rounds, unsigned *seed)
{
    size_t n = 0;
    unsigned char *buf = replay_read(path, &n);
    if (!buf)
        return 0;
    LLVMFuzzerTestOneInput(buf, n);
    unsigned char *m = malloc(n + 1);
    for (int i = 0; i < rounds; i++) {
        size_t len = n ? (size_t)(rand_r(seed) % (n + 1)) : 0;
        memcpy(m, buf, len);
        replay_mutate(m, len, seed);
        LLVMFuzzerTestOneInput(m, len);
    }
    free(m);
    free(buf);
    return 1;
}

int main(int argc, char **argv)
{
    const char *r = getenv("FUZZ_ROUNDS");
    int rounds = r ? atoi(r) : 2000, files = 0;
    unsigned seed = 12345;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            DIR *d = opendir(argv[i]);
            struct dirent *de;
            while (d && (de = readdir(d))) {
                if (de->d_name[0] == '.')
                    continue;
                char p[4096];
                snprintf(p, sizeof p, "%s/%s", argv[i], de->d_name);
                files += replay_one(p, rounds, &seed);
            }
            if (d)
                closedir(d);
        } else {
            files += replay_one(argv[i], rounds, &seed);
        }
    }
    printf("replayed %d inputs x %d mutations\n", files, rounds);
    return files > 0 ? 0 : 1;
}
#endif

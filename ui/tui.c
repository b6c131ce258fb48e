/* tui: sets the TUI up and tears it down (see tui.h): the pager (the
 * store's connections and job thread), theme, history, signals, the
 * terminal, the views (closed, their jobs stopped and joined, on exit);
 * then runs the event loop (loop.c). The terminal is restored on every
 * path: normal exit, SIGTERM/SIGINT/SIGHUP (handled in the loop), fatal
 * signals (restored from the handler, then the signal is re-raised), and
 * exit() from anywhere (term.c's atexit hook). While curses owns the
 * terminal, stderr goes to the log file. */
#include "ui/tui.h"
#include "src/base/xdg.h"

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "src/base/ts.h"
#include "src/query/query.h"
#include "ui/app.h"
#include "ui/keys.h"
#include "ui/loop.h"
#include "ui/session.h"
#include "ui/term.h"

/* Process-wide by nature: what the signal handlers set and the write end
 * of the signal pipe they wake the loop through (handlers see no app). */
static volatile sig_atomic_t g_winch, g_term;
static int g_sig_w = -1;

static const int term_sigs[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT};
static const int fatal_sigs[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT};
#define NSIGS (sizeof term_sigs / sizeof term_sigs[0] + sizeof fatal_sigs / sizeof fatal_sigs[0] + 2)

struct sigsave {
    int sig;
    struct sigaction old;
};

static void on_signal(int sig)
{
    int saved = errno;
    if (sig == SIGWINCH)
        g_winch = 1;
    else
        g_term = sig;
    if (g_sig_w >= 0) {
        ssize_t k = write(g_sig_w, "s", 1);
        (void)k;
    }
    errno = saved;
}

/* A crash: give the user their terminal back, then die of the signal. */
static void on_fatal(int sig)
{
    term_emergency_restore();
    signal(sig, SIG_DFL);
    raise(sig);
}

/* Under ASan/UBSan a report ends the process with _exit(): the sanitizer
 * runtime calls this first, so the terminal is given back there too. The
 * symbol is weak: without a sanitizer it is NULL and not used. */
void __sanitizer_set_death_callback(void (*cb)(void)) __attribute__((weak));

static int install(int sig, void (*fn)(int), int flags, struct sigsave *save)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = fn;
    sa.sa_flags = flags;
    sigemptyset(&sa.sa_mask);
    save->sig = sig;
    return sigaction(sig, &sa, &save->old);
}

static int install_all(struct sigsave *save)
{
    static char altstack[65536];   /* for crashes by stack overflow */
    stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack};
    sigaltstack(&ss, NULL);
    int k = 0;
    if (__sanitizer_set_death_callback)
        __sanitizer_set_death_callback(term_emergency_restore);
    for (size_t i = 0; i < sizeof term_sigs / sizeof term_sigs[0]; i++)
        install(term_sigs[i], on_signal, 0, &save[k++]);
    for (size_t i = 0; i < sizeof fatal_sigs / sizeof fatal_sigs[0]; i++)
        install(fatal_sigs[i], on_fatal, SA_ONSTACK | SA_RESETHAND | SA_NODEFER, &save[k++]);
    install(SIGWINCH, on_signal, SA_RESTART, &save[k++]);
    install(SIGPIPE, SIG_IGN, 0, &save[k++]);
    return k;
}

static void restore_all(struct sigsave *save, int n)
{
    for (int i = 0; i < n; i++)
        sigaction(save[i].sig, &save[i].old, NULL);
}

void tui_default_paths(char *history, char *log, unsigned cap)
{
    char dir[4096];
    xdg_path(XDG_STATE, "", dir, sizeof dir);
    if (history)
        snprintf(history, cap, "%.4000s/history", dir);
    if (log)
        snprintf(log, cap, "%.4000s/logdeck.log", dir);
}

/* stderr -> the log file while curses runs; returns the saved stderr. */
static int redirect_stderr(const char *path)
{
    if (!path)
        return -1;
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", path);
    for (char *p = dir + 1; *p; p++)
        if (*p == '/') {
            *p = 0;
            mkdir(dir, 0700);
            *p = '/';
        }
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0)
        fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    fflush(stderr);
    int saved = dup(STDERR_FILENO);
    dup2(fd, STDERR_FILENO);
    close(fd);
    setvbuf(stderr, NULL, _IOLBF, 0);
    return saved;
}

static void restore_stderr(int saved)
{
    if (saved < 0)
        return;
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
}

static int make_pipe(int fds[2])
{
    if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) < 0) {
        fds[0] = fds[1] = -1;
        return -1;
    }
    return 0;
}

static void close_pipe(int fds[2])
{
    for (int i = 0; i < 2; i++)
        if (fds[i] >= 0)
            close(fds[i]);
}

/* Everything before the terminal: pager, theme, history. */
static int app_open(struct app *a, const struct tui_opts *o, int wake_w, struct err *e)
{
    memset(a, 0, sizeof *a);
    a->o = o;
    a->view = &view_log;
    a->follow = 1;
    a->count = -1;
    a->wake_fd = wake_w;
    a->pager = pager_open(o->db_path, wake_w, e);
    if (!a->pager)
        return -1;
    pager_window_init(a->pager, &a->lm);
    struct err te = {0};
    if (o->theme && theme_load(&a->theme, o->theme, &te) < 0)
        app_message(a, ROLE_STATUS_ERROR, "%s; using the default theme", te.msg);
    else if (!o->theme)
        theme_default(&a->theme);
    if (o->notice)
        app_message(a, ROLE_STATUS, "%s", o->notice);
    struct err he = {0};
    if (history_load(&a->hist, o->history_path, 500, &he) < 0)
        app_message(a, ROLE_STATUS_ERROR, "%s", he.msg);
    return views_open(a, e);
}

static void app_close(struct app *a)
{
    views_close(a);     /* their jobs first: they may still read */
    pager_close(a->pager);
    query_free(a->pending_plan);
    logmodel_fini(&a->lm);
    marks_fini(&a->marks);
    detail_fini(&a->detail);
    history_fini(&a->hist);
    query_free(a->filter_plan);
    query_free(a->hl_plan);
    for (int i = 0; i < a->nterms; i++)
        free(a->terms[i]);
    screen_fini(&a->scr);
}

/* Reopens where the user left off on this store (o->restore): the
 * filter (unless one was given), the marks, the time column, the record
 * selected when not following, and the metrics or alerts view. */
static void restore_session(struct app *a, const struct tui_opts *o)
{
    struct session ss;
    struct err e = {0};
    char path[4096];
    session_path(o->db_path, path, sizeof path);
    int rc = session_load(path, &ss, &e);
    if (rc < 0)
        app_message(a, ROLE_STATUS_ERROR, "last session not reopened: %s", e.msg);
    if (rc <= 0) {
        if (app_set_filter(a, o->query, &e) < 0)
            app_set_filter(a, "", &e);
        return;
    }
    a->marks = ss.marks;   /* taken over */
    a->time_mode = ss.time_mode >= 0 && ss.time_mode < TIME_MODES ? ss.time_mode : 0;
    if (app_set_filter(a, o->query ? o->query : ss.filter, &e) < 0) {
        app_error(a, &e);
        app_set_filter(a, "", &e);
    }
    if (!ss.follow && ss.sel_id) {
        app_pause(a);
        app_show_record(a, ss.sel_ts, ss.sel_id);
    }
    int act = !strcmp(ss.view, "metrics") ? A_METRICS : !strcmp(ss.view, "alerts") ? A_ALERTS : 0;
    const struct view *v = act ? views_for_action(act) : NULL;
    if (v) {
        a->view = v;
        if (v->enter)
            v->enter(a);
    }
    app_message(a, ROLE_STATUS, "reopened where you left off%s%s%s (:marks clear, / to change)",
                a->filter[0] ? ": " : "", a->filter, ss.follow ? "" : ", at the record you had");
}

/* Saves where the user is for restore_session (o->restore). */
static void save_session(struct app *a, const struct tui_opts *o)
{
    struct session ss = {.follow = a->follow, .time_mode = a->time_mode, .marks = a->marks};
    struct err e = {0};
    char path[4096];
    snprintf(ss.filter, sizeof ss.filter, "%s", a->filter);
    snprintf(ss.view, sizeof ss.view, "%s", a->view == &view_log ? "log" : a->view->name);
    const struct lrow *r = logmodel_selected(&a->lm);
    if (r && !a->follow)
        ss.sel_ts = r->ts, ss.sel_id = r->id;
    session_path(o->db_path, path, sizeof path);
    if (session_save(path, &ss, &e) < 0)
        fprintf(stderr, "logdeck: %s\n", e.msg);   /* the log file: curses is still up */
}

/* With the terminal open: first screen, then the loop. */
static void run_ui(struct app *a, const struct tui_opts *o, int sig_r, int wake_r, int64_t t0)
{
    int w, h;
    struct err e = {0};
    term_apply_theme(&a->theme);
    term_size(&w, &h);
    screen_resize(&a->scr, w, h);
    logmodel_set_height(&a->lm, h > 2 ? h - 2 : 1, &e);
    if (o->restore) {
        restore_session(a, o);
    } else if (app_set_filter(a, o->query, &e) < 0) {
        app_error(a, &e);
        app_set_filter(a, "", &e);
    }
    struct loop_io io = {.sig_fd = sig_r, .wake_fd = wake_r, .feed_fd = o->wake_fd,
                         .winch = &g_winch, .term_sig = &g_term, .start_us = t0};
    loop_run(a, &io);
    if (o->restore)
        save_session(a, o);
}

int tui_run(const struct tui_opts *o, struct err *e)
{
    int64_t t0 = ts_mono_us();
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
        return err_setc(e, 2, "the TUI needs a terminal (stdin and stdout are not both a "
                        "tty); use `logdeck query` for scripts");
    setlocale(LC_ALL, "");
    struct app *a = calloc(1, sizeof *a);
    int sigp[2], wakep[2];
    if (!a || make_pipe(sigp) < 0 || make_pipe(wakep) < 0) {
        free(a);
        return err_setc(e, 1, "out of memory or file descriptors");
    }
    if (o->wake_fd >= 0)
        fcntl(o->wake_fd, F_SETFL, fcntl(o->wake_fd, F_GETFL) | O_NONBLOCK);
    int rc = app_open(a, o, wakep[1], e);
    struct sigsave save[NSIGS];
    int nsave = 0, saved_err = -1;
    if (rc == 0) {
        g_sig_w = sigp[1];
        g_term = g_winch = 0;
        nsave = install_all(save);
        saved_err = redirect_stderr(o->log_path);
        rc = term_open(getenv("NO_COLOR") && *getenv("NO_COLOR"), e);
    }
    if (rc == 0) {
        run_ui(a, o, sigp[0], wakep[0], t0);
        term_close();
    }
    restore_stderr(saved_err);
    restore_all(save, nsave);
    g_sig_w = -1;
    app_close(a);
    free(a);
    close_pipe(sigp);
    close_pipe(wakep);
    if (rc < 0)
        return -1;
    return g_term ? 128 + g_term : 0;
}

/* A progress bar on stderr with rate and ETA; silent unless stderr is a tty. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "plateau/core.h"

struct pl_progress {
    bool active;
    char label[48];
    uint64_t total;
    uint64_t done;
    double start;
    double last_draw;
};

double pl_timer_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

pl_timer_t pl_timer_start(void) {
    pl_timer_t t = {pl_timer_now()};
    return t;
}

double pl_timer_elapsed(const pl_timer_t *t) {
    return pl_timer_now() - t->start;
}

static void format_duration(double s, char *buf, size_t cap) {
    if (!(s >= 0.0) || s > 1e7) {
        snprintf(buf, cap, "--:--");
        return;
    }
    long total = (long)(s + 0.5);
    if (total >= 3600)
        snprintf(buf, cap, "%ld:%02ld:%02ld", total / 3600, total / 60 % 60, total % 60);
    else
        snprintf(buf, cap, "%02ld:%02ld", total / 60, total % 60);
}

void pl_progress_format(char *buf, size_t cap, const char *label, uint64_t done, uint64_t total,
                        double elapsed_s) {
    enum { WIDTH = 24 };
    double frac = total ? (double)done / (double)total : 1.0;
    if (frac > 1.0) frac = 1.0;
    char bar[WIDTH + 1];
    int filled = (int)(frac * WIDTH);
    for (int i = 0; i < WIDTH; i++) bar[i] = i < filled ? '#' : '.';
    bar[WIDTH] = '\0';
    double rate = elapsed_s > 0.0 ? (double)done / elapsed_s : 0.0;
    char eta[24];
    format_duration(rate > 0.0 ? (double)(total - (done < total ? done : total)) / rate : -1.0, eta,
                    sizeof eta);
    snprintf(buf, cap, "%s [%s] %3.0f%% %llu/%llu %.3g/s ETA %s", label, bar, 100.0 * frac,
             (unsigned long long)done, (unsigned long long)total, rate, eta);
}

pl_progress_t *pl_progress_begin(const char *label, uint64_t total, bool enabled) {
    static pl_progress_t inactive = {.active = false};
    if (!enabled || !isatty(STDERR_FILENO)) return &inactive;
    pl_progress_t *p = calloc(1, sizeof *p);
    if (!p) return &inactive;
    p->active = true;
    snprintf(p->label, sizeof p->label, "%s", label);
    p->total = total;
    p->start = pl_timer_now();
    p->last_draw = -1.0;
    return p;
}

static void progress_draw(pl_progress_t *p) {
    char line[160];
    pl_progress_format(line, sizeof line, p->label, p->done, p->total, pl_timer_now() - p->start);
    fprintf(stderr, "\r%s\033[K", line);
    fflush(stderr);
}

void pl_progress_update(pl_progress_t *p, uint64_t done) {
    if (!p->active) return;
    p->done = done;
    double now = pl_timer_now();
    if (now - p->last_draw < 0.1 && done < p->total) return;
    p->last_draw = now;
    progress_draw(p);
}

void pl_progress_end(pl_progress_t *p) {
    if (!p->active) return;
    progress_draw(p);
    fputc('\n', stderr);
    free(p);
}

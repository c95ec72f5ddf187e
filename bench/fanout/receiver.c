/*
 * The fan-out benchmark's client: N Server-Sent Events connections on one epoll loop.
 *
 *   receiver HOST PORT N PATH KEY WINDOW OUTFILE
 *
 * Connects N sockets (at most WINDOW of them waiting for their response head at any
 * time, so the server's accept backlog is never overrun), sends one GET with
 * `Authorization: Bearer KEY` on each, and from then on notes, per connection, the
 * CLOCK_REALTIME time of the read in which each "\nid: SEQ" line arrives.  Chunk-size
 * lines between frames are harmless: the scan only looks for "\nid: " and the digits.
 *
 * It talks to the driver over stdin/stdout, one line each way:
 *   stdout "connected OK FAILED SECONDS"  once every connection is ready or has failed
 *   stdin  "count"  ->  stdout "count SAMPLES CLOSED"
 *   stdin  "dump"   ->  writes OUTFILE, prints "done CPU_SECONDS", exits
 * OUTFILE lines: "c CONN BYTES CLOSED" for each connection, then "s CONN SEQ NS" per id.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum { CONNECTING, SENT, READY, DEAD };

struct sample {
    long long seq;
    long long ns;
};

struct conn {
    int fd;
    int state;
    int match;   /* how much of "\nid: " has been seen */
    int in_id;   /* reading the digits after it */
    long long seq;
    int headlen;
    char head[16];
    long long bytes;
    int closed;  /* the server closed it after it was ready */
    unsigned nsamples, cap;
    struct sample *samples;
};

static const char PATTERN[] = "\nid: ";
static struct conn *conns;
static int n_total, window_size, launched, ready, failed, pending, closed_count;
static long long samples_total;
static int epfd;
static struct sockaddr_in addr;
static char request[2048];
static int request_len;
static char *outfile;

static long long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static double cpu_seconds(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec +
           ru.ru_stime.tv_usec / 1e6;
}

static void fail(struct conn *c, const char *why, int err) {
    if (failed < 5)
        fprintf(stderr, "receiver: connection %ld failed: %s (%s)\n", (long)(c - conns), why,
                err ? strerror(err) : "-");
    if (c->fd >= 0) {
        epoll_ctl(epfd, EPOLL_CTL_DEL, c->fd, NULL);
        close(c->fd);
        c->fd = -1;
    }
    c->state = DEAD;
    failed++;
    pending--;
}

static void launch(int i) {
    struct conn *c = &conns[i];
    c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    launched++;
    pending++;
    if (c->fd < 0) {
        fail(c, "socket", errno);
        return;
    }
    int one = 1;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(c->fd, (struct sockaddr *)&addr, sizeof addr) < 0 && errno != EINPROGRESS) {
        fail(c, "connect", errno);
        return;
    }
    c->state = CONNECTING;
    struct epoll_event ev = {.events = EPOLLOUT | EPOLLIN, .data.u32 = (uint32_t)i};
    if (epoll_ctl(epfd, EPOLL_CTL_ADD, c->fd, &ev) < 0) fail(c, "epoll_ctl", errno);
}

static void top_up(void) {
    while (launched < n_total && pending < window_size) launch(launched);
}

static void record(struct conn *c, long long seq, long long ns) {
    if (c->nsamples == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 32;
        c->samples = realloc(c->samples, c->cap * sizeof *c->samples);
        if (!c->samples) {
            perror("receiver: realloc");
            exit(1);
        }
    }
    c->samples[c->nsamples++] = (struct sample){seq, ns};
    samples_total++;
}

static void scan(struct conn *c, const char *buf, ssize_t len, long long ns) {
    for (ssize_t k = 0; k < len; k++) {
        char ch = buf[k];
        if (c->in_id) {
            if (ch >= '0' && ch <= '9') {
                c->seq = c->seq * 10 + (ch - '0');
                continue;
            }
            record(c, c->seq, ns);
            c->in_id = 0;
        }
        if (ch == PATTERN[c->match]) {
            if (++c->match == (int)sizeof PATTERN - 1) {
                c->match = 0;
                c->in_id = 1;
                c->seq = 0;
            }
        } else {
            c->match = ch == '\n';  /* the pattern's only repeatable start */
        }
    }
}

static void on_readable(struct conn *c) {
    static char buf[1 << 16];
    ssize_t len = read(c->fd, buf, sizeof buf);
    long long ns = now_ns();
    if (len < 0 && (errno == EAGAIN || errno == EINTR)) return;
    if (len <= 0) {
        if (c->state == READY) {
            c->closed = 1;
            closed_count++;
            epoll_ctl(epfd, EPOLL_CTL_DEL, c->fd, NULL);
            close(c->fd);
            c->fd = -1;
            c->state = DEAD;
        } else {
            fail(c, len == 0 ? "closed before the response" : "read", len < 0 ? errno : 0);
        }
        return;
    }
    c->bytes += len;
    if (c->state == SENT) {
        int take = len < 12 - c->headlen ? (int)len : 12 - c->headlen;
        memcpy(c->head + c->headlen, buf, take);
        c->headlen += take;
        if (c->headlen == 12) {
            if (memcmp(c->head, "HTTP/1.1 200", 12) != 0) {
                c->head[12] = 0;
                fail(c, c->head, 0);
                return;
            }
            c->state = READY;
            ready++;
            pending--;
        }
    }
    scan(c, buf, len, ns);
}

static void on_writable(struct conn *c, int i) {
    int err = 0;
    socklen_t sl = sizeof err;
    getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &sl);
    if (err) {
        fail(c, "connect", err);
        return;
    }
    if (write(c->fd, request, request_len) != request_len) {
        fail(c, "send request", errno);
        return;
    }
    c->state = SENT;
    struct epoll_event ev = {.events = EPOLLIN, .data.u32 = (uint32_t)i};
    epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &ev);
}

static void dump(void) {
    FILE *f = fopen(outfile, "w");
    if (!f) {
        perror("receiver: open outfile");
        exit(1);
    }
    for (int i = 0; i < n_total; i++) {
        struct conn *c = &conns[i];
        fprintf(f, "c %d %lld %d %d\n", i, c->bytes, c->closed, c->state == DEAD && !c->closed);
    }
    for (int i = 0; i < n_total; i++)
        for (unsigned k = 0; k < conns[i].nsamples; k++)
            fprintf(f, "s %d %lld %lld\n", i, conns[i].samples[k].seq, conns[i].samples[k].ns);
    fclose(f);
    /* Abortive close: no TIME_WAIT pile-up across runs against the same port. */
    struct linger lg = {1, 0};
    for (int i = 0; i < n_total; i++)
        if (conns[i].fd >= 0) {
            setsockopt(conns[i].fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
            close(conns[i].fd);
        }
    printf("done %.3f\n", cpu_seconds());
    fflush(stdout);
    exit(0);
}

static void on_command(void) {
    static char line[256];
    static int used;
    ssize_t len = read(0, line + used, sizeof line - 1 - used);
    if (len <= 0) dump();  /* the driver went away: write what we have and stop */
    used += len;
    char *nl;
    while ((nl = memchr(line, '\n', used))) {
        *nl = 0;
        if (strcmp(line, "count") == 0) {
            printf("count %lld %d\n", samples_total, closed_count);
            fflush(stdout);
        } else if (strcmp(line, "dump") == 0) {
            dump();
        }
        used -= nl + 1 - line;
        memmove(line, nl + 1, used);
    }
}

int main(int argc, char **argv) {
    if (argc != 8) {
        fprintf(stderr, "usage: receiver HOST PORT N PATH KEY WINDOW OUTFILE\n");
        return 2;
    }
    n_total = atoi(argv[3]);
    window_size = atoi(argv[6]);
    outfile = argv[7];
    struct rlimit rl;
    getrlimit(RLIMIT_NOFILE, &rl);
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
    if ((rlim_t)n_total + 16 > rl.rlim_cur) {
        fprintf(stderr, "receiver: RLIMIT_NOFILE is %llu, too low for %d connections\n",
                (unsigned long long)rl.rlim_cur, n_total);
        return 1;
    }
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)atoi(argv[2]));
    if (inet_pton(AF_INET, argv[1], &addr.sin_addr) != 1) {
        fprintf(stderr, "receiver: bad host %s\n", argv[1]);
        return 2;
    }
    request_len = snprintf(request, sizeof request,
                           "GET %s HTTP/1.1\r\nHost: %s:%s\r\nAuthorization: Bearer %s\r\n"
                           "Accept: text/event-stream\r\nCache-Control: no-store\r\n\r\n",
                           argv[4], argv[1], argv[2], argv[5]);
    conns = calloc(n_total, sizeof *conns);
    for (int i = 0; i < n_total; i++) conns[i].fd = -1;
    epfd = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event in = {.events = EPOLLIN, .data.u32 = UINT32_MAX};
    epoll_ctl(epfd, EPOLL_CTL_ADD, 0, &in);

    long long started = now_ns(), last_progress = started;
    int announced = 0, last_done = 0;
    static struct epoll_event events[1024];
    top_up();
    for (;;) {
        int n = epoll_wait(epfd, events, 1024, 1000);
        for (int k = 0; k < n; k++) {
            uint32_t i = events[k].data.u32;
            if (i == UINT32_MAX) {
                on_command();
                continue;
            }
            struct conn *c = &conns[i];
            if (c->fd < 0) continue;
            if (c->state == CONNECTING) {
                if (events[k].events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) on_writable(c, (int)i);
            } else {
                on_readable(c);
            }
        }
        if (!announced) {
            top_up();
            long long t = now_ns();
            if (ready + failed != last_done) {
                last_done = ready + failed;
                last_progress = t;
            }
            int stalled = t - last_progress > 120LL * 1000000000LL;
            if (ready + failed == n_total || stalled) {
                if (stalled)
                    fprintf(stderr, "receiver: no connection progress for 120 s; %d pending\n",
                            pending);
                printf("connected %d %d %.3f\n", ready, n_total - ready, (t - started) / 1e9);
                fflush(stdout);
                announced = 1;
            }
        }
    }
}

/* The C floor of `kevent bench http`: the least work an epoll HTTP/1.1 plaintext server can do per
 * request, to measure the Java servers against.
 *
 * Semantics: every request (anything up to an empty line; bodies are not supported) on
 * 127.0.0.1:PORT gets the same 13-byte "Hello, World!" text/plain answer with keep-alive, whatever
 * its method or path. Pipelined requests read in one recv are answered with one send. A request
 * larger than the input buffer closes the connection.
 *
 * Threading: one loop per thread, each with its own SO_REUSEPORT listener and its own epoll set; a
 * connection lives on the loop that accepted it. With THREADS = 1 (the default) there is no other
 * thread: it is the single-threaded floor.
 *
 * Caveats: edge-triggered, so every recv loop runs to EAGAIN; a send that would block keeps the rest
 * and stops reading until EPOLLOUT (registered once, at accept: with EPOLLET it fires only when a
 * blocked send's space frees up). Answers are built in one buffer per loop; only a blocked
 * connection gets its own copy of what is left. Loopback only; no timeouts; no Date header.
 *
 * Build: gcc -O2 -o epoll_floor epoll_floor.c -lpthread ; run: ./epoll_floor PORT [THREADS]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "floor.h"

#define IN_CAP 8192
#define OUT_CAP (ANSWER_LEN * 128)
#define MAX_EVENTS 256

struct conn {
    int fd;
    size_t in_len;   /* bytes in in[], from in[0] */
    size_t scanned;  /* in[0..scanned) holds no request end */
    char *pending;   /* answers a blocked send left, malloc'd only then; else NULL */
    size_t pending_off, pending_len;
    char in[IN_CAP];
};

/* Answers are assembled here, one buffer per loop: a connection owns output only while blocked. */
static __thread char out[OUT_CAP];

static void drop(struct conn *c) {
    close(c->fd); /* also removes it from the epoll set: the fd is never dup'ed */
    free(c->pending);
    free(c);
}

/* Sends buf[*off..len): 1 when all went, 0 when the socket is full, -1 on error. */
static int send_all(int fd, const char *buf, size_t *off, size_t len) {
    while (*off < len) {
        ssize_t w = send(fd, buf + *off, len - *off, MSG_NOSIGNAL);
        if (w > 0) {
            *off += (size_t)w;
        } else if (w < 0 && errno == EINTR) {
            continue;
        } else {
            return w < 0 && errno == EAGAIN ? 0 : -1;
        }
    }
    return 1;
}

/* Sends what a blocked send left: 1 when none is left, 0 when still blocked, -1 on error. */
static int send_pending(struct conn *c) {
    int f = send_all(c->fd, c->pending, &c->pending_off, c->pending_len);
    if (f == 1) {
        free(c->pending);
        c->pending = NULL;
    }
    return f;
}

/* Answers the complete buffered requests that fit in out[] with one send: 1 when there may be more
 * to answer or read, 0 when the socket is full (the rest is kept), -1 on error. *answered counts. */
static int answer(struct conn *c, int *answered) {
    size_t start = 0, n = 0;
    while (n + ANSWER_LEN <= OUT_CAP) {
        size_t from = c->scanned > start + 3 ? c->scanned - 3 : start;
        char *end = memmem(c->in + from, c->in_len - from, "\r\n\r\n", 4);
        if (end == NULL) {
            c->scanned = c->in_len;
            break;
        }
        memcpy(out + n, ANSWER, ANSWER_LEN);
        n += ANSWER_LEN;
        start = (size_t)(end - c->in) + 4;
        c->scanned = start;
    }
    if (start > 0) {
        memmove(c->in, c->in + start, c->in_len - start);
        c->in_len -= start;
        c->scanned -= start;
    }
    *answered = (int)(n / ANSWER_LEN);
    size_t off = 0;
    int f = n > 0 ? send_all(c->fd, out, &off, n) : 1;
    if (f == 0) {
        c->pending = malloc(n - off);
        if (c->pending == NULL) return -1;
        memcpy(c->pending, out + off, n - off);
        c->pending_off = 0;
        c->pending_len = n - off;
    }
    return f;
}

/* Runs a connection until it would block (ET: until EAGAIN) or closes; called on every event. */
static void serve(struct conn *c) {
    for (;;) {
        int answered, f = c->pending != NULL ? send_pending(c) : 1;
        if (f > 0) f = answer(c, &answered);
        if (f <= 0) {
            if (f < 0) drop(c);
            return; /* f == 0: EPOLLOUT comes back when the peer has read */
        }
        if ((size_t)answered == OUT_CAP / ANSWER_LEN) continue; /* out[] was full: more may be buffered */
        if (c->in_len == IN_CAP) { /* one request larger than the buffer */
            drop(c);
            return;
        }
        ssize_t r = recv(c->fd, c->in + c->in_len, IN_CAP - c->in_len, 0);
        if (r > 0) {
            c->in_len += (size_t)r;
        } else if (r < 0 && errno == EINTR) {
            continue;
        } else {
            if (r == 0 || errno != EAGAIN) drop(c);
            return;
        }
    }
}

static void accept_all(int ep, int listener) {
    static const int one = 1;
    for (;;) {
        int fd = accept4(listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED) continue;
            return; /* EAGAIN, or EMFILE and friends: the listener stays level-triggered */
        }
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        struct conn *c = malloc(sizeof *c);
        if (c == NULL) {
            close(fd);
            continue;
        }
        c->fd = fd;
        c->in_len = c->scanned = c->pending_off = c->pending_len = 0;
        c->pending = NULL;
        struct epoll_event e = {.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET, .data.ptr = c};
        if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e) != 0) drop(c);
    }
}

/* One loop: its own listener (data.ptr NULL) and connections, until the process is killed. */
static void *loop(void *listener_fd) {
    int listener = (int)(long)listener_fd;
    int ep = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event e = {.events = EPOLLIN, .data.ptr = NULL};
    if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, listener, &e) != 0) {
        perror("epoll_floor: epoll");
        exit(1);
    }
    struct epoll_event events[MAX_EVENTS];
    for (;;) {
        int n = epoll_wait(ep, events, MAX_EVENTS, -1);
        for (int i = 0; i < n; i++) {
            if (events[i].data.ptr == NULL) {
                accept_all(ep, listener);
            } else {
                serve(events[i].data.ptr);
            }
        }
    }
    return NULL;
}

int main(int argc, char **argv) {
    return floor_main(argc, argv, "epoll_floor", SOCK_NONBLOCK, loop);
}

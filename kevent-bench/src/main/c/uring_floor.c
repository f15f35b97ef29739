/* The C io_uring floor of `kevent bench http`: the least work an io_uring HTTP/1.1 plaintext server
 * does per request, the floor of the servers on network AIO (`serve --aio`, kevent-lean-aio).
 *
 * Semantics: as epoll_floor.c. Every request (anything up to an empty line; bodies are not
 * supported) on 127.0.0.1:PORT gets the same 13-byte "Hello, World!" text/plain answer with
 * keep-alive, whatever its method or path. A connection keeps no request bytes, only how much of
 * "\r\n\r\n" its last bytes were, so a request of any length is fine.
 *
 * How: one ring per loop, set up with IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN
 * (the kernel runs completions' task work only when the loop waits for them). One multishot accept
 * on the listener; one multishot recv per connection, taking buffers from a provided buffer ring
 * (registered by hand: liburing 2.3 has no io_uring_setup_buf_ring); each buffer is scanned and
 * given back at once. Answers are counted per connection, and after each batch of completions every
 * connection that owes answers and has no send in flight gets one send of all of them (up to 64)
 * from one read-only buffer shared by all connections: no copy. A short send goes on from where it
 * stopped. One io_uring_submit_and_wait per turn submits the turn's requests and waits.
 *
 * Threading: one loop per thread, each with its own SO_REUSEPORT listener and ring (made on the
 * thread that uses it, as SINGLE_ISSUER requires). THREADS = 1 (the default) is the
 * single-threaded floor.
 *
 * Caveats: loopback only; no timeouts; no Date header. A kernel or liburing without these features
 * makes the setup fail with a message naming the call, and the process exits 1.
 *
 * Build: gcc -O2 -o uring_floor uring_floor.c -lpthread -luring ; run: ./uring_floor PORT [THREADS]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <liburing.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "floor.h"

#define BATCH 64            /* answers one send carries at most */
#define SQ_ENTRIES 4096
#define BUFS 1024           /* provided receive buffers per loop: a power of two */
#define BUF_SIZE 4096
#define BGID 0

/* The low bits of a request's user_data say what it was; the rest is its connection. */
enum { OP_ACCEPT = 0, OP_RECV = 1, OP_SEND = 2, OP_MASK = 3 };

struct conn {
    int fd;
    int matched;            /* how many bytes of "\r\n\r\n" the stream ends with, 0..3 */
    unsigned owed;          /* answers found and not yet sent */
    unsigned send_off, send_len; /* the send in flight: answers[send_off..send_len) */
    int receiving, sending, dirty, closed;
    struct conn *next_dirty;
};

/* BATCH answers in a row, filled once before any loop runs and only read afterwards. */
static char answers[ANSWER_LEN * BATCH];

struct loop {
    struct io_uring ring;
    int listener;
    struct io_uring_buf_ring *br;
    char *bufs;
    unsigned recycled;      /* buffers given back this turn, made visible once per turn */
    struct conn *dirty;     /* connections that owe answers, sent after the turn's completions */
};

static void die(const char *call, int err) {
    fprintf(stderr, "uring_floor: %s: %s\n", call, strerror(err));
    exit(1);
}

static struct io_uring_sqe *sqe_of(struct loop *l) {
    struct io_uring_sqe *s = io_uring_get_sqe(&l->ring);
    if (s == NULL) { /* the queue is full: submit what is there and take the freed entry */
        io_uring_submit(&l->ring);
        s = io_uring_get_sqe(&l->ring);
        if (s == NULL) die("io_uring_get_sqe", EBUSY);
    }
    return s;
}

static void arm_accept(struct loop *l) {
    struct io_uring_sqe *s = sqe_of(l);
    io_uring_prep_multishot_accept(s, l->listener, NULL, NULL, SOCK_CLOEXEC);
    io_uring_sqe_set_data64(s, OP_ACCEPT);
}

static void arm_recv(struct loop *l, struct conn *c) {
    struct io_uring_sqe *s = sqe_of(l);
    io_uring_prep_recv_multishot(s, c->fd, NULL, 0, 0);
    s->flags |= IOSQE_BUFFER_SELECT;
    s->buf_group = BGID;
    io_uring_sqe_set_data64(s, (uint64_t)(uintptr_t)c | OP_RECV);
    c->receiving = 1;
}

static void send_rest(struct loop *l, struct conn *c) {
    struct io_uring_sqe *s = sqe_of(l);
    io_uring_prep_send(s, c->fd, answers + c->send_off, c->send_len - c->send_off, MSG_NOSIGNAL);
    io_uring_sqe_set_data64(s, (uint64_t)(uintptr_t)c | OP_SEND);
    c->sending = 1;
}

static void mark_dirty(struct loop *l, struct conn *c) {
    if (!c->dirty && !c->sending && c->owed > 0 && !c->closed) {
        c->dirty = 1;
        c->next_dirty = l->dirty;
        l->dirty = c;
    }
}

/* Frees the connection once nothing refers to it: no request in flight, not on the dirty list. */
static void maybe_free(struct conn *c) {
    if (c->closed && !c->receiving && !c->sending && !c->dirty) {
        close(c->fd);
        free(c);
    }
}

/* Ends the connection: shutdown ends its multishot recv (which a close alone would not, since the
 * request holds the file), and the fd is closed when its last request has completed. */
static void end(struct conn *c) {
    if (!c->closed) {
        c->closed = 1;
        shutdown(c->fd, SHUT_RDWR);
    }
    maybe_free(c);
}

/* Counts the request ends in p[0..n), carrying a partial "\r\n\r\n" across calls. */
static unsigned scan(struct conn *c, const char *p, size_t n) {
    unsigned ends = 0;
    int m = c->matched;
    for (size_t k = 0; k < n; k++) {
        char b = p[k];
        if (b == '\r') m = m == 0 || m == 2 ? m + 1 : 1;
        else if (b == '\n') m = m == 1 || m == 3 ? m + 1 : 0;
        else m = 0;
        if (m == 4) {
            ends++;
            m = 0;
        }
    }
    c->matched = m;
    return ends;
}

static void recycle(struct loop *l, unsigned bid) {
    io_uring_buf_ring_add(l->br, l->bufs + (size_t)bid * BUF_SIZE, BUF_SIZE, (unsigned short)bid,
                          io_uring_buf_ring_mask(BUFS), (int)l->recycled++);
}

static void on_accept(struct loop *l, struct io_uring_cqe *cqe) {
    static const int one = 1;
    if (!(cqe->flags & IORING_CQE_F_MORE)) arm_accept(l); /* the multishot ended (an error): again */
    if (cqe->res < 0) return;
    struct conn *c = calloc(1, sizeof *c);
    if (c == NULL) {
        close(cqe->res);
        return;
    }
    c->fd = cqe->res;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    arm_recv(l, c);
}

static void on_recv(struct loop *l, struct conn *c, struct io_uring_cqe *cqe) {
    if (cqe->res > 0 && (cqe->flags & IORING_CQE_F_BUFFER)) {
        unsigned bid = cqe->flags >> IORING_CQE_BUFFER_SHIFT;
        if (!c->closed) {
            c->owed += scan(c, l->bufs + (size_t)bid * BUF_SIZE, (size_t)cqe->res);
            mark_dirty(l, c);
        }
        recycle(l, bid);
    }
    if (!(cqe->flags & IORING_CQE_F_MORE)) {
        c->receiving = 0;
        /* Out of buffers (ENOBUFS), or ended after data: receiving goes on. 0 or an error: the end. */
        if (!c->closed && (cqe->res == -ENOBUFS || cqe->res > 0)) arm_recv(l, c);
        else end(c);
    }
}

static void on_send(struct loop *l, struct conn *c, struct io_uring_cqe *cqe) {
    c->sending = 0;
    if (cqe->res < 0) {
        end(c);
        return;
    }
    c->send_off += (unsigned)cqe->res;
    if (c->send_off < c->send_len && !c->closed) {
        send_rest(l, c);
        return;
    }
    mark_dirty(l, c);
    maybe_free(c);
}

/* Sends, after a turn's completions, what each connection it touched owes: one send each. */
static void flush_dirty(struct loop *l) {
    struct conn *c = l->dirty;
    l->dirty = NULL;
    while (c != NULL) {
        struct conn *next = c->next_dirty;
        c->dirty = 0;
        if (!c->closed && !c->sending && c->owed > 0) {
            unsigned n = c->owed < BATCH ? c->owed : BATCH;
            c->owed -= n;
            c->send_off = 0;
            c->send_len = n * (unsigned)ANSWER_LEN;
            send_rest(l, c);
        }
        maybe_free(c);
        c = next;
    }
}

static void setup(struct loop *l) {
    struct io_uring_params p;
    memset(&p, 0, sizeof p);
    p.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN;
    int r = io_uring_queue_init_params(SQ_ENTRIES, &l->ring, &p);
    if (r < 0) die("io_uring_queue_init_params(SINGLE_ISSUER | DEFER_TASKRUN)", -r);
    size_t ring_bytes = BUFS * sizeof(struct io_uring_buf);
    void *mem = mmap(NULL, ring_bytes, PROT_READ | PROT_WRITE, MAP_ANONYMOUS | MAP_PRIVATE, -1, 0);
    if (mem == MAP_FAILED) die("mmap", errno);
    struct io_uring_buf_reg reg;
    memset(&reg, 0, sizeof reg);
    reg.ring_addr = (unsigned long)mem;
    reg.ring_entries = BUFS;
    reg.bgid = BGID;
    r = io_uring_register_buf_ring(&l->ring, &reg, 0);
    if (r < 0) die("io_uring_register_buf_ring", -r);
    l->br = mem;
    io_uring_buf_ring_init(l->br);
    l->bufs = aligned_alloc(4096, (size_t)BUFS * BUF_SIZE);
    if (l->bufs == NULL) die("aligned_alloc", ENOMEM);
    for (unsigned b = 0; b < BUFS; b++) recycle(l, b);
    io_uring_buf_ring_advance(l->br, (int)l->recycled);
    l->recycled = 0;
}

static void *loop(void *listener_fd) {
    struct loop l;
    memset(&l, 0, sizeof l);
    l.listener = (int)(long)listener_fd;
    setup(&l);
    arm_accept(&l);
    for (;;) {
        int r = io_uring_submit_and_wait(&l.ring, 1);
        if (r < 0 && r != -EINTR && r != -EAGAIN && r != -EBUSY) die("io_uring_submit_and_wait", -r);
        struct io_uring_cqe *cqe;
        unsigned head, seen = 0;
        io_uring_for_each_cqe(&l.ring, head, cqe) {
            uint64_t d = cqe->user_data;
            struct conn *c = (struct conn *)(uintptr_t)(d & ~(uint64_t)OP_MASK);
            switch (d & OP_MASK) {
            case OP_ACCEPT: on_accept(&l, cqe); break;
            case OP_RECV: on_recv(&l, c, cqe); break;
            default: on_send(&l, c, cqe); break;
            }
            seen++;
        }
        io_uring_cq_advance(&l.ring, seen);
        if (l.recycled > 0) {
            io_uring_buf_ring_advance(l.br, (int)l.recycled);
            l.recycled = 0;
        }
        flush_dirty(&l);
    }
    return NULL;
}

int main(int argc, char **argv) {
    for (int k = 0; k < BATCH; k++) memcpy(answers + k * ANSWER_LEN, ANSWER, ANSWER_LEN);
    return floor_main(argc, argv, "uring_floor", 0, loop);
}

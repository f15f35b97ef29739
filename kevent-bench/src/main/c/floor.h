/* What the C floors of `kevent bench http` share: the answer, the listener, and main(), which binds
 * every loop's listener before the first loop runs (so none misses the start), prints the banner
 * the runner waits for, and runs THREADS loops, loop 0 on the main thread.
 *
 * Included by epoll_floor.c and uring_floor.c, each built on its own with gcc (no other object).
 */
#ifndef KEVENT_FLOOR_H
#define KEVENT_FLOOR_H

#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static const char ANSWER[] = "HTTP/1.1 200 OK\r\nContent-Length: 13\r\nContent-Type: text/plain\r\n"
                             "Server: floor\r\n\r\nHello, World!";
#define ANSWER_LEN (sizeof ANSWER - 1)

static int port;

/* A listener on 127.0.0.1:port with SO_REUSEPORT, so each loop has its own; exits on failure. */
static int open_listener(const char *name, int type_flags) {
    int one = 1;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | type_flags, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0
        || setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0
        || bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 4096) != 0) {
        fprintf(stderr, "%s: listen: %s\n", name, strerror(errno));
        exit(1);
    }
    return fd;
}

/* main() of a floor: NAME PORT [THREADS]; loop(listener fd as a pointer) never returns. */
static int floor_main(int argc, char **argv, const char *name, int listener_flags, void *(*loop)(void *)) {
    port = argc > 1 ? atoi(argv[1]) : 8080;
    int threads = argc > 2 ? atoi(argv[2]) : 1;
    if (port <= 0 || port > 65535 || threads < 1) {
        fprintf(stderr, "usage: %s PORT [THREADS]\n", name);
        return 2;
    }
    int listeners[threads];
    for (int t = 0; t < threads; t++) listeners[t] = open_listener(name, listener_flags);
    printf("%s: http://127.0.0.1:%d/plaintext, %d thread(s)\n", name, port, threads);
    fflush(stdout);
    for (int t = 1; t < threads; t++) {
        pthread_t id;
        if (pthread_create(&id, NULL, loop, (void *)(long)listeners[t]) != 0) {
            perror("pthread_create");
            return 1;
        }
    }
    loop((void *)(long)listeners[0]);
    return 0;
}

#endif

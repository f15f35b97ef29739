package org.kevent;

/**
 * A snapshot of a queue's counters. All counts are since the queue was opened.
 *
 * @param registered interests registered now
 * @param ready      interests on the ready list now
 * @param delivered  events handed out (by {@code getEvents} or into a ring)
 * @param syscalls   system calls the queue's poller made (waits in epoll, wake-ups, timer arming);
 *                   network AIO's are {@code aioSyscalls}
 * @param overflows  times a source lost events (inotify overflow, ring full); 0 for timers and user events
 * @param wakeups    times one waiting thread was woken by another
 * @param aioStarted network AIO requests started
 * @param aioEnded   network AIO requests ended (completed, failed or cancelled), delivered or not
 * @param aioCancelled network AIO requests ended as cancelled (explicitly, by a socket's or the queue's close)
 * @param aioBuffersLent multishot receive buffers handed out and not yet given back now: a figure
 *                       that only grows points at a consumer that forgets {@code aioReleaseBuffer}
 * @param aioSyscalls system calls network AIO made of its own: on io_uring its {@code io_uring_enter}s
 *                    (submissions, completion work, and the waits of a single-issuer queue's owner,
 *                    which sleeps in the ring rather than in epoll); 0 on the readiness engine,
 *                    whose calls are the sockets' own
 */
public record QueueStats(long registered, long ready, long delivered, long syscalls, long overflows, long wakeups,
                         long aioStarted, long aioEnded, long aioCancelled, long aioBuffersLent, long aioSyscalls) {
}

package org.kevent;

/**
 * A snapshot of a queue's counters. All counts are since the queue was opened.
 *
 * @param registered interests registered now
 * @param ready      interests on the ready list now
 * @param delivered  events handed out (by {@code getEvents} or into a ring)
 * @param syscalls   system calls the queue made (waits, wake-ups, timer arming)
 * @param overflows  times a source lost events (inotify overflow, ring full); 0 for timers and user events
 * @param wakeups    times one waiting thread was woken by another
 */
public record QueueStats(long registered, long ready, long delivered, long syscalls, long overflows, long wakeups) {
}

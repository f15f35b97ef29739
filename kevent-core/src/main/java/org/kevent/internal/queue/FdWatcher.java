package org.kevent.internal.queue;

/**
 * Receives the readiness the kernel reported for a descriptor in the queue's epoll set. Called
 * with the queue lock held, by the thread that harvested the kernel events.
 */
@FunctionalInterface
public interface FdWatcher {
    /**
     * @param epollEvents the {@code EPOLL*} bits reported
     */
    void onFdEvents(int epollEvents);
}

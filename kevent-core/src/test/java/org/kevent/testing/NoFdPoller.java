package org.kevent.testing;

import org.kevent.internal.queue.Poller;


/**
 * The part every kernel stand-in of the engine tests shares: no descriptors to watch, none ever
 * reported, no readiness fd to export, no system calls. Subclasses decide how a poll waits.
 */
public abstract class NoFdPoller implements Poller {
    @Override
    public void armTimer(long deadlineNanos) {
    }

    @Override
    public int ctlFd(int op, int fd, int events, long token) {
        return 0;
    }

    @Override
    public void harvest(boolean kernelWaitUnderway) {
    }

    @Override
    public int polledCount(int set) {
        return 0;
    }

    @Override
    public long polledToken(int set, int k) {
        throw new IndexOutOfBoundsException(k);
    }

    @Override
    public int polledEvents(int set, int k) {
        throw new IndexOutOfBoundsException(k);
    }

    @Override
    public int exportFd() {
        throw new UnsupportedOperationException(name() + " poller has no fd");
    }

    @Override
    public void setReadable(boolean readable) {
    }

    @Override
    public long syscalls() {
        return 0;
    }
}

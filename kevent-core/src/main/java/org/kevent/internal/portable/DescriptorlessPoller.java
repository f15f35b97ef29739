package org.kevent.internal.portable;

import org.kevent.KeventException;
import org.kevent.internal.queue.Poller;
// Compile-time constants only: the compiler copies them here, so no binding class is loaded.
import org.kevent.internal.sys.Errno;

/**
 * The part of a {@link Poller} that has no operating-system descriptor: no readiness descriptor to
 * export, no system calls, and by default nothing to watch and nothing reported. The engine tests'
 * kernel stand-ins are such pollers; so is the portable engine's, which watches the library's own
 * {@link PortableDescriptor}s instead. Subclasses decide how a poll waits and what a timer does.
 */
public abstract class DescriptorlessPoller implements Poller {
    /** Nothing to collect: every event is made in Java, under the queue's lock. */
    @Override
    public void harvest(boolean kernelWaitUnderway) {
    }

    /**
     * @throws KeventException always: there is no descriptor that could stand for the queue
     */
    @Override
    public int exportFd() {
        throw new KeventException("readinessFd", "EOPNOTSUPP", "the " + name() + " engine has no file descriptor;"
                + " a queue watched by another needs the linux engine (docs/SEMANTICS.md §10)");
    }

    @Override
    public void setReadable(boolean readable) {
    }

    /** No kind on such a poller may watch a descriptor; one that tried gets {@code -EOPNOTSUPP}. */
    @Override
    public int ctlFd(int op, int fd, int events, long token) {
        return -Errno.EOPNOTSUPP;
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
    public long syscalls() {
        return 0;
    }
}

package org.kevent.testing;

import org.kevent.internal.portable.DescriptorlessPoller;


/**
 * The part every kernel stand-in of the engine tests shares: no descriptors reported, no system
 * calls ({@link DescriptorlessPoller}), a timer that does nothing, and a descriptor watch that
 * succeeds (a POLL interest of the Linux wiring attaches; nothing ever reports it). Subclasses
 * decide how a poll waits.
 */
public abstract class NoFdPoller extends DescriptorlessPoller {
    @Override
    public void armTimer(long deadlineNanos) {
    }

    @Override
    public int ctlFd(int op, int fd, int events, long token) {
        return 0;
    }

    @Override
    public int exportFd() {
        throw new UnsupportedOperationException(name() + " poller has no fd");
    }
}

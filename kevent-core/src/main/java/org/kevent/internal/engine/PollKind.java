package org.kevent.internal.engine;

import org.kevent.Kevent;
import org.kevent.Ukevent;
import org.kevent.internal.sys.Errno;

/**
 * POLL interests: readiness of any descriptor, straight from the queue's epoll set. The modes map
 * onto epoll's: level is epoll's level mode (the kernel re-checks the condition at the next
 * harvest, so a level interest keeps coming back while it holds), ET is {@code EPOLLET}, and
 * ONESHOT / DISPATCH are {@code EPOLLONESHOT}, re-armed with {@code EPOLL_CTL_MOD} by MODIFY or
 * enable.
 */
final class PollKind extends SourceKind {
    // Kernel values shared by poll(2) and epoll (asm-generic/poll.h, sys/epoll.h).
    private static final int EPOLLET = 1 << 31;
    private static final int EPOLLONESHOT = 1 << 30;
    private static final int ALWAYS = Kevent.POLLERR | Kevent.POLLHUP;

    PollKind(Engine engine) {
        super(engine);
    }

    @Override
    CtlError attach(Interest i, Ukevent r) {
        if (r.id() < 0 || r.id() > Integer.MAX_VALUE) {
            return CtlError.of("EBADF", "POLL id " + r.id() + " is not a file descriptor");
        }
        i.fd = (int) r.id();
        long token = engine.watchFd(i.fd, epollEvents(i), i);
        if (token < 0) {
            return error((int) -token, i.fd);
        }
        i.token = token;
        return null;
    }

    @Override
    CtlError reattach(Interest i, Ukevent r) {
        // Bits no longer asked for are not reported; MOD makes the kernel re-check at once.
        i.readyEvents &= i.events | ALWAYS;
        i.pending = i.readyEvents;
        int rc = engine.rewatchFd(i.token, i.fd, epollEvents(i));
        return rc < 0 ? error(-rc, i.fd) : null;
    }

    @Override
    void detach(Interest i) {
        engine.unwatchFd(i.token, i.fd);
    }

    @Override
    void enabled(Interest i) {
        engine.rewatchFd(i.token, i.fd, epollEvents(i));
    }

    @Override
    void onFdEvents(Interest i, int epollEvents) {
        i.readyEvents |= epollEvents & (i.events | ALWAYS);
        i.pending = i.readyEvents;
        engine.ready(i);
    }

    private static int epollEvents(Interest i) {
        int e = i.events;
        if ((i.flags & Kevent.REQ_ET) != 0) {
            e |= EPOLLET;
        }
        if ((i.flags & (Kevent.REQ_ONESHOT | Kevent.REQ_DISPATCH)) != 0) {
            e |= EPOLLONESHOT;
        }
        return e;
    }

    private static CtlError error(int errno, int fd) {
        return switch (errno) {
            case Errno.EBADF -> CtlError.of("EBADF", "fd " + fd + " is not an open file descriptor");
            case Errno.EPERM -> CtlError.of("EPERM", "fd " + fd + " does not support poll (a regular file or a directory?)");
            case Errno.EEXIST -> CtlError.of("EEXIST", "fd " + fd + " is already in this queue's kernel set "
                    + "(another interest watches the same descriptor)");
            case Errno.EINVAL -> CtlError.of("EINVAL", "fd " + fd + " cannot be watched (is it this queue's own descriptor?)");
            case Errno.ELOOP -> CtlError.of("ELOOP", "fd " + fd + " would make a loop of nested queues, or nest "
                    + "queues or epoll instances deeper than the kernel allows (a chain of five on Linux)");
            default -> CtlError.of(Errno.name(errno), Errno.message(errno) + " (epoll_ctl on fd " + fd + ")");
        };
    }
}

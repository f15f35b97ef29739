package org.kevent.internal.source.poll;

import org.kevent.Kevent;
import org.kevent.Ukevent;
import org.kevent.internal.sys.Epoll;
import org.kevent.internal.sys.Errno;
import org.kevent.internal.queue.CtlError;
import org.kevent.internal.queue.SourceContext;
import org.kevent.internal.queue.Interest;
import org.kevent.internal.queue.SourceKind;

/**
 * POLL interests: readiness of any descriptor, through the queue's epoll set.
 *
 * <ul>
 *   <li>ET is {@code EPOLLET}: one report per new activity.</li>
 *   <li>Level is {@code EPOLLONESHOT}, re-armed ({@code EPOLL_CTL_MOD}) after each delivery: the
 *       re-arm makes the kernel re-check the condition at once (the seed's re-check after
 *       delivery, docs/SEMANTICS.md §3) and queue the descriptor behind those re-armed before it,
 *       so the next look at the kernel brings level interests that stay ready back in the order
 *       they were delivered: they rotate in FIFO order under any {@code max}. Epoll's own level
 *       mode would report every ready descriptor at every look, in the kernel's order, which
 *       drifts away from the queue's and can skip an interest for a round; and it would keep a
 *       thread waiting for more events than are ready returning from the kernel at once.</li>
 *   <li>ONESHOT and DISPATCH are {@code EPOLLONESHOT} too, re-armed by MODIFY or enable.</li>
 * </ul>
 * The kernel, not the queue, holds a re-armed interest until it is ready again, so the queue's
 * exported descriptor (the epoll set itself) stays readable exactly while it is.
 */
public final class PollKind extends SourceKind {
    private static final int ALWAYS = Kevent.POLLERR | Kevent.POLLHUP;

    public PollKind(SourceContext context) {
        super(context);
    }

    @Override
    public CtlError attach(Interest i, Ukevent r) {
        if (r.id() < 0 || r.id() > Integer.MAX_VALUE) {
            return CtlError.of("EBADF", "POLL id " + r.id() + " is not a file descriptor");
        }
        i.fd = (int) r.id();
        long token = context.watchFd(i.fd, epollEvents(i), i);
        if (token < 0) {
            return error((int) -token, i.fd);
        }
        i.token = token;
        return null;
    }

    @Override
    public CtlError reattach(Interest i, Ukevent r) {
        int rc = context.rewatchFd(i.token, i.fd, epollEvents(i));
        if (rc < 0) {
            return error(-rc, i.fd);
        }
        // Bits no longer asked for are not reported; the MOD made the kernel re-check at once.
        i.readyEvents &= i.events | ALWAYS;
        i.pending = i.readyEvents;
        context.requeue(i);
        return null;
    }

    @Override
    public void detach(Interest i) {
        context.unwatchFd(i.token, i.fd);
    }

    @Override
    public void enabled(Interest i) {
        context.rewatchFd(i.token, i.fd, epollEvents(i));
    }

    @Override
    public void delivered(Interest i) {
        if ((i.flags & Kevent.REQ_ET) == 0) {
            context.rewatchFd(i.token, i.fd, epollEvents(i));
        }
    }

    @Override
    public void onFdEvents(Interest i, int epollEvents) {
        i.readyEvents |= epollEvents & (i.events | ALWAYS);
        i.pending = i.readyEvents;
        context.ready(i);
    }

    private static int epollEvents(Interest i) {
        // Level, ONESHOT and DISPATCH alike report once and wait for a re-arm.
        return i.events | ((i.flags & Kevent.REQ_ET) != 0 ? Epoll.EPOLLET : Epoll.EPOLLONESHOT);
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

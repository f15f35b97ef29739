package org.kevent.internal.source.socket;

import static org.kevent.internal.sys.Epoll.EPOLLERR;
import static org.kevent.internal.sys.Epoll.EPOLLET;
import static org.kevent.internal.sys.Epoll.EPOLLHUP;
import static org.kevent.internal.sys.Epoll.EPOLLIN;
import static org.kevent.internal.sys.Epoll.EPOLLOUT;
import static org.kevent.internal.sys.Epoll.EPOLLRDHUP;

import org.kevent.Kevent;
import org.kevent.Ukevent;
import org.kevent.internal.sys.Errno;
import org.kevent.internal.sys.Sockets;
import org.kevent.internal.queue.CtlError;
import org.kevent.internal.queue.SourceContext;
import org.kevent.internal.queue.Interest;
import org.kevent.internal.queue.SourceKind;

/**
 * SOCKET interests: the library's own sockets, each registered in the queue's epoll set with
 * {@code EPOLLET} whatever the mode, the modes being kept in user space (docs/SEMANTICS.md §3).
 *
 * <h2>Semantics</h2>
 * <ul>
 *   <li>ET: every kernel edge harvested queues the interest once; nothing happens after delivery.</li>
 *   <li>Level: after a delivery, the socket's {@link SocketState readiness word} says whether the
 *       condition may still hold (not drained since the last edge, peer hung up). If it cannot,
 *       nothing is done: the next byte raises a new edge. If it may, the registration is re-armed
 *       ({@code EPOLL_CTL_MOD}), which makes the kernel re-check at once and report an edge at the
 *       next harvest if the condition holds. A socket read until it came back short or empty costs
 *       no syscall here.</li>
 *   <li>ONESHOT and DISPATCH are the engine's (removed, or disabled until MODIFY/enable; both
 *       re-arm the registration so the kernel reports the current state).</li>
 *   <li>CONNECT is reported once per interest when a connect of the library finishes; a failed
 *       connect is ERR with the errno in data2. ERR and HUP are always reported.</li>
 * </ul>
 *
 * <h2>Why level re-checks re-arm instead of re-queueing at once</h2>
 * Re-queueing from {@link #delivered} would put the interest back on the ready list while the
 * engine's delivery loop is still running, and the same call would hand it out again (up to
 * {@code max} times) before the caller could read. Until the engine's loop stops at interests
 * re-queued during the call, a kernel re-arm is the cheapest correct re-check.
 */
public final class SocketKind extends SourceKind {
    private static final int ALWAYS = Kevent.SOCKET_ERR | Kevent.SOCKET_HUP;

    /** Serves the portable engine's sockets (by portable descriptor number) rather than native ones. */
    private final boolean portable;

    /**
     * SOCKET interests of a Linux queue: native sockets, by fd.
     *
     * @param context the queue
     */
    public SocketKind(SourceContext context) {
        this(context, false);
    }

    /**
     * SOCKET interests of a queue of either engine. The kind is the same code on both: a portable
     * socket's descriptor is watched through the portable poller as an fd through epoll, with the
     * same {@code EPOLL*} bits. On the portable path it loads no binding: errors are named here.
     *
     * @param context  the queue
     * @param portable whether the queue is a portable engine's (its sockets are portable ones)
     */
    public SocketKind(SourceContext context, boolean portable) {
        super(context);
        this.portable = portable;
    }

    /** One interest on one socket: the entry of the socket's storage list. Guarded by the queue lock. */
    static final class Link {
        final Interest interest;
        final int generation;
        final SocketState socket;
        final SocketKind kind;
        /** The fd already left the epoll set (the socket is closing). */
        boolean unwatched;
        /** CONNECT was reported to this interest. */
        boolean connectReported;

        Link(Interest interest, SocketState socket, SocketKind kind) {
            this.interest = interest;
            this.generation = interest.generation;
            this.socket = socket;
            this.kind = kind;
        }
    }

    @Override
    public CtlError attach(Interest i, Ukevent r) {
        return attach(i, r, null);
    }

    @Override
    public CtlError attach(Interest i, Ukevent r, Object owner) {
        if (r.id() < 0 || r.id() > Integer.MAX_VALUE) {
            return CtlError.of("EBADF", "SOCKET id " + r.id() + " is not a file descriptor");
        }
        int fd = (int) r.id();
        SocketState s = SocketState.lookup(fd, portable);
        if (owner != null && (s == null || s.owner() != owner)) {
            SocketState other = SocketState.lookup(fd, !portable);
            if (other != null && other.owner() == owner) {
                return otherEngine(fd);
            }
            return CtlError.of("EBADF", "the socket (fd " + fd + ") is closed");
        }
        if (s == null) {
            if (SocketState.lookup(fd, !portable) != null) {
                return otherEngine(fd);
            }
            return portable ? CtlError.of("EBADF", "no socket of the portable engine has number " + fd
                    + " (on that engine a SOCKET id is the id() of a TcpSocket or TcpListener made on it)")
                    : notALibrarySocket(fd);
        }
        Link link = new Link(i, s, this);
        if (!s.addLink(link)) {
            return CtlError.of("EBADF", "the socket (fd " + fd + ") is closed");
        }
        long token = context.watchFd(fd, epollEvents(i), i);
        if (token < 0) {
            s.removeLink(link);
            return watchFailed((int) -token, "adding socket fd " + fd);
        }
        i.fd = fd;
        i.token = token;
        i.sourceState = link;
        reportConnect(i, link);
        return null;
    }

    /** A socket of the other engine: each queue serves the sockets of its own engine only. */
    private CtlError otherEngine(int fd) {
        return CtlError.of("EINVAL", "socket " + fd + " is " + (portable ? "a native socket (linux engine)"
                + " and this queue runs on the portable engine" : "a portable engine's socket and this queue runs"
                + " on the linux engine") + ": a socket follows the default engine when it is made, so make it"
                + " and the queue under the same kevent.engine (docs/SEMANTICS.md §10)");
    }

    /** A failed watch, named without loading a binding on the portable path. */
    private CtlError watchFailed(int errno, String what) {
        if (!portable) {
            return CtlError.of(Errno.name(errno), Errno.message(errno) + " (epoll_ctl " + what + ")");
        }
        String name = switch (errno) {
            case Errno.EBADF -> "EBADF";
            case Errno.EEXIST -> "EEXIST";
            case Errno.ENOENT -> "ENOENT";
            case Errno.ENOMEM -> "ENOMEM";
            case Errno.EOPNOTSUPP -> "EOPNOTSUPP";
            default -> "EINVAL";
        };
        return CtlError.of(name, "errno " + errno + " (portable poller " + what + ")");
    }

    private static CtlError notALibrarySocket(int fd) {
        int type = Sockets.getInt(fd, Sockets.SOL_SOCKET, Sockets.SO_TYPE);
        if (type == -Errno.EBADF) {
            return CtlError.of("EBADF", "fd " + fd + " is not an open file descriptor");
        }
        if (type == -Errno.ENOTSOCK) {
            return CtlError.of("ENOTSOCK", "fd " + fd + " is not a socket");
        }
        return CtlError.of("EINVAL", "fd " + fd + " is a socket the library does not own: "
                + "watch it with a POLL interest (Ukevent.poll)");
    }

    @Override
    public CtlError reattach(Interest i, Ukevent r) {
        Link link = (Link) i.sourceState;
        if (!link.unwatched) {
            int rc = context.rewatchFd(i.token, i.fd, epollEvents(i));
            if (rc < 0) {
                return watchFailed(-rc, "re-arming socket fd " + i.fd);
            }
        }
        i.readyEvents &= i.events | ALWAYS;
        i.pending = i.readyEvents;
        reportConnect(i, link);
        context.requeue(i);
        return null;
    }

    @Override
    public void detach(Interest i) {
        Link link = (Link) i.sourceState;
        if (link == null) {
            return;
        }
        if (!link.unwatched) {
            link.unwatched = true;
            context.unwatchFd(i.token, i.fd);
        }
        link.socket.removeLink(link);
    }

    @Override
    public void enabled(Interest i) {
        Link link = (Link) i.sourceState;
        if (!link.unwatched) {
            // The kernel re-checks on MOD: what happened while disabled comes back as one edge.
            context.rewatchFd(i.token, i.fd, epollEvents(i));
        }
    }

    @Override
    public void onFdEvents(Interest i, int epollEvents) {
        Link link = (Link) i.sourceState;
        SocketState s = link.socket;
        s.onEpoll(epollEvents);
        int bits = 0;
        if ((epollEvents & EPOLLIN) != 0) {
            bits |= s.isListener() ? Kevent.SOCKET_ACCEPT : Kevent.SOCKET_RECV;
        }
        if ((epollEvents & EPOLLRDHUP) != 0) {
            bits |= Kevent.SOCKET_RDHUP;
        }
        if ((epollEvents & EPOLLHUP) != 0) {
            bits |= Kevent.SOCKET_HUP;
        }
        int err = 0;
        if (s.connectState() == SocketState.CONNECTING && (epollEvents & (EPOLLOUT | EPOLLERR | EPOLLHUP)) != 0) {
            s.finishConnect(epollEvents);
        }
        int cs = s.connectState();
        if (cs == SocketState.CONNECT_FAILED) {
            bits |= Kevent.SOCKET_ERR;
            err = s.error();
        } else if (cs != SocketState.CONNECTING && (epollEvents & EPOLLOUT) != 0) {
            bits |= Kevent.SOCKET_SEND;
        }
        if ((epollEvents & EPOLLERR) != 0 && cs != SocketState.CONNECT_FAILED) {
            bits |= Kevent.SOCKET_ERR;
            err = s.takeError();
        }
        bits &= i.events | ALWAYS;
        if (bits != 0 && i.enabled) {
            post(i, bits, err);
        }
        reportConnect(i, link);
    }

    /** CONNECT once per interest, as soon as both the interest and the finished connect exist. */
    private void reportConnect(Interest i, Link link) {
        if ((i.events & Kevent.SOCKET_CONNECT) == 0 || link.connectReported || !i.enabled) {
            return;
        }
        int cs = link.socket.connectState();
        if (cs == SocketState.CONNECTED) {
            link.connectReported = true;
            post(i, Kevent.SOCKET_CONNECT, 0);
        } else if (cs == SocketState.CONNECT_FAILED) {
            link.connectReported = true;
            post(i, Kevent.SOCKET_ERR, link.socket.error());
        }
    }

    private void post(Interest i, int bits, int err) {
        if (i.readyEvents == 0) {
            i.data2 = 0;
        }
        if ((bits & Kevent.SOCKET_ERR) != 0) {
            i.data2 = err;
        }
        i.readyEvents |= bits;
        i.pending = i.readyEvents;
        context.ready(i);
    }

    @Override
    public void delivered(Interest i) {
        if ((i.flags & Kevent.REQ_ET) != 0) {
            return;
        }
        Link link = (Link) i.sourceState;
        if (link.unwatched) {
            return;
        }
        if ((levelBits(link.socket) & (i.events | ALWAYS)) != 0) {
            context.rewatchFd(i.token, i.fd, epollEvents(i));
        }
    }

    /** SOCKET bits whose condition may still hold, by what the library saw since the last drain. */
    private static int levelBits(SocketState s) {
        int r = s.readiness();
        int bits = 0;
        if ((r & SocketState.READABLE) != 0) {
            bits |= s.isListener() ? Kevent.SOCKET_ACCEPT : Kevent.SOCKET_RECV;
        }
        if ((r & SocketState.WRITABLE) != 0 && s.connectState() != SocketState.CONNECTING) {
            bits |= Kevent.SOCKET_SEND;
        }
        if ((r & SocketState.RDHUP) != 0) {
            bits |= Kevent.SOCKET_RDHUP;
        }
        if ((r & SocketState.HUP) != 0) {
            bits |= Kevent.SOCKET_HUP;
        }
        return bits;
    }

    private static int epollEvents(Interest i) {
        int e = EPOLLET;
        if ((i.events & (Kevent.SOCKET_RECV | Kevent.SOCKET_ACCEPT)) != 0) {
            e |= EPOLLIN;
        }
        if ((i.events & (Kevent.SOCKET_SEND | Kevent.SOCKET_CONNECT)) != 0) {
            e |= EPOLLOUT;
        }
        if ((i.events & Kevent.SOCKET_RDHUP) != 0) {
            e |= EPOLLRDHUP;
        }
        return e;
    }

    /**
     * The socket is closing through the library: under this queue's lock ({@link SourceContext#runLocked},
     * a no-op once the queue is closed, whose close already detached every interest), removes the
     * descriptor from the epoll set now (before its number can be reused), and queues the interest
     * once with {@code RET_BROKEN}; the engine removes it after that delivery.
     */
    void breakLink(Link link) {
        context.runLocked(() -> breakLinkLocked(link));
    }

    private void breakLinkLocked(Link link) {
        Interest i = link.interest;
        if (i.sourceState != link || i.generation != link.generation) {
            return; // removed meanwhile; the object may serve another interest now
        }
        if (!link.unwatched) {
            link.unwatched = true;
            context.unwatchFd(i.token, i.fd);
        }
        i.retFlags |= Kevent.RET_BROKEN;
        i.enabled = true;
        i.readyEvents |= Kevent.SOCKET_HUP;
        i.pending = i.readyEvents;
        i.data2 = 0;
        context.ready(i);
        // Its fd number is free again once the socket closes: a socket accepted or opened next may
        // get it, and (SOCKET, fd) must be addable for that socket right away, while this interest
        // still waits for its one BROKEN delivery.
        context.releaseKey(i);
    }
}

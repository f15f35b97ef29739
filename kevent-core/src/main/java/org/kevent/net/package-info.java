/**
 * Sockets the library owns, watched through a {@link org.kevent.KeventQueue} as
 * {@link org.kevent.EventType#SOCKET} interests (docs/SEMANTICS.md §2–3).
 *
 * <h2>Semantics</h2>
 * Every socket is TCP (IPv4 or IPv6), nonblocking and close-on-exec. The event-driven calls never
 * block and never throw for "would block": {@code recv} and {@code send} return 0, {@code accept}
 * returns null. The blocking calls ({@code read}, {@code readFully}, {@code write},
 * {@code writeAll}, {@code writeFile}, {@code awaitReadable}, {@code awaitWritable},
 * {@code acceptBlocking}) wait instead, with a timeout per call, for code written as one
 * (virtual) thread per connection; a virtual thread parks and never pins its carrier
 * (docs/SEMANTICS.md §9).
 * Register a socket with {@link org.kevent.Ukevent#socket(TcpSocket, int)} (id = its fd) for
 * {@link org.kevent.Kevent#SOCKET_RECV}, {@link org.kevent.Kevent#SOCKET_SEND},
 * {@link org.kevent.Kevent#SOCKET_ACCEPT}, {@link org.kevent.Kevent#SOCKET_CONNECT},
 * {@link org.kevent.Kevent#SOCKET_RDHUP}; {@link org.kevent.Kevent#SOCKET_HUP} and
 * {@link org.kevent.Kevent#SOCKET_ERR} are always reported. An event's {@code data} holds the bits
 * seen; on ERR, {@code data2} holds the socket's errno ({@code SO_ERROR}).
 * <ul>
 *   <li><b>Level</b> (default): the interest comes back while its condition may hold. The library
 *       tracks, per socket, whether it was <em>drained</em> since the kernel last reported it: a
 *       {@code recv} (or {@code accept}) that came back short or empty drains the receive side, a
 *       {@code send} that came back short or empty drains the send side. A drained side costs no
 *       re-check; an undrained one is re-checked by the kernel, so a level interest is never
 *       reported for data that is gone, but may be reported once more for a condition that ended
 *       in between (a spurious event: {@code recv} then returns 0).</li>
 *   <li><b>ET</b>: once per new activity (bytes, connection, space, hang-up).</li>
 *   <li><b>ONESHOT</b>: once, then removed. <b>DISPATCH</b>: once, then disabled until
 *       {@code modify} or {@code enable}, which report the current state.</li>
 *   <li><b>CONNECT</b>: once per interest when {@link TcpSocket#connect} finishes (also when the
 *       interest is added after it finished); a refused connect is ERR with {@code ECONNREFUSED}
 *       in data2, together with HUP.</li>
 *   <li><b>Close</b>: {@code close()} on a socket or listener delivers each of its interests, in
 *       every queue, once more with {@link org.kevent.Kevent#RET_BROKEN} (and HUP), then removes
 *       them; the descriptor leaves every epoll set before it is closed.</li>
 * </ul>
 *
 * <h2>Engines</h2>
 * A socket follows the default engine when it is created: {@link TcpSocket#connect},
 * {@link TcpListener#bind} and {@link NativeFile#open} apply the queue's rules
 * ({@code -Dkevent.engine}, else the Linux engine where it can run, else the portable one: native
 * access refused, an OS that is not Linux); an accepted socket follows its listener. On the
 * portable engine a socket is a nonblocking {@code java.nio} channel, watched by one shared
 * {@code Selector} thread; every call keeps its contract, and a queue serves the sockets of its
 * own engine (another engine's socket in a SOCKET record is {@code EINVAL}). What the portable
 * engine cannot tell (a peer's hang-up or reset before a call meets it, and more) is listed in
 * docs/SEMANTICS.md §10.
 *
 * <h2>Threading</h2>
 * A socket may be registered in several queues (one interest per queue) and used from any thread.
 * Concurrent {@code recv} calls on one socket, or concurrent {@code send} calls, interleave bytes
 * as the kernel does; serialize them if that matters.
 *
 * <h2>Caveats</h2>
 * Closing a socket while another thread is inside a nonblocking {@code recv}/{@code send} on it
 * is a race the caller must avoid: the descriptor number may already belong to a new socket when
 * that call reaches the kernel. A blocking call is safe: the close wakes it with
 * {@link java.nio.channels.AsynchronousCloseException}, and the descriptor is released only when
 * the last blocking call leaves. {@code sendfile} is synchronous; its asynchronous form is network
 * AIO's {@code aioSendfile} on the queue.
 */
package org.kevent.net;

/**
 * A Netty 4.2 transport on kevent: {@link org.kevent.netty.KeventIoHandler} runs one kevent queue
 * per event loop, {@link org.kevent.netty.KeventServerSocketChannel} and
 * {@link org.kevent.netty.KeventSocketChannel} are TCP channels on kevent's sockets, and
 * {@link org.kevent.netty.KeventEventLoops} offers kevent's other sources (file-system events,
 * user events, precise timers) to handlers on such a loop. No JNI: the library below is FFM.
 */
module org.kevent.netty {
    requires transitive io.netty.transport;
    requires transitive io.netty.buffer;
    requires transitive io.netty.common;
    requires transitive org.kevent;

    exports org.kevent.netty;
}

/**
 * kevent: one event-processing subsystem for every source of events, after Evgeniy Polyakov's
 * 2006 kernel proposal. Only {@code org.kevent} and {@code org.kevent.net} (sockets the library owns) are exported; the engine, the Linux backend and the
 * FFM bindings stay internal.
 */
module org.kevent {
    requires jdk.jfr;

    exports org.kevent;
    exports org.kevent.net;
}

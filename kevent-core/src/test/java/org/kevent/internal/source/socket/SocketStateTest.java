package org.kevent.internal.source.socket;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.kevent.internal.sys.Epoll;
import org.kevent.internal.sys.Sockets;

/** The drained tracking of a socket: a drain never erases readiness reported while it ran. */
class SocketStateTest {
    private final SocketState state = new SocketState(Sockets.socket(false), this, false, SocketState.CONNECT_NONE);

    @AfterEach
    void close() {
        state.close();
    }

    @Test
    void aDrainClearsTheSideItDrained() {
        state.onEpoll(Epoll.EPOLLIN | Epoll.EPOLLOUT);
        int before = state.readiness();
        state.drained(before, SocketState.RECV_SIDE);
        assertThat(state.readiness() & SocketState.READABLE).isZero();
        assertThat(state.readiness() & SocketState.WRITABLE).isEqualTo(SocketState.WRITABLE);
        state.drained(state.readiness(), SocketState.SEND_SIDE);
        assertThat(state.readiness() & SocketState.WRITABLE).isZero();
    }

    @Test
    void readinessReportedDuringTheCallSurvivesTheDrain() {
        state.onEpoll(Epoll.EPOLLIN);
        int before = state.readiness();
        state.onEpoll(Epoll.EPOLLIN); // a new edge harvested while recv ran
        state.drained(before, SocketState.RECV_SIDE);
        assertThat(state.readiness() & SocketState.READABLE).isEqualTo(SocketState.READABLE);
    }

    @Test
    void closeUnregistersTheDescriptorAndIsIdempotent() {
        int fd = state.fd();
        assertThat(SocketState.lookup(fd)).isSameAs(state);
        state.close();
        state.close();
        assertThat(state.isOpen()).isFalse();
        assertThat(SocketState.lookup(fd)).isNotSameAs(state);
    }
}

package org.kevent.internal.sys;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;

import org.junit.jupiter.api.Test;

/** sockaddr sizes are the kernel's on every Linux ABI; an address survives bind and getsockname. */
class SocketsLayoutTest {

    @Test
    void sockaddrSizesArePinned() {
        assertThat(SockaddrIn.SIZE).isEqualTo(16);
        assertThat(SockaddrIn6.SIZE).isEqualTo(28);
        assertThat(SockaddrIn6.SCOPE_ID_OFFSET).isEqualTo(24);
    }

    @Test
    void anIpv4AddressRoundTripsThroughTheKernel() {
        int fd = Sockets.socket(false);
        assertThat(fd).isNotNegative();
        try {
            InetAddress lo = InetAddress.getLoopbackAddress();
            assertThat(Sockets.bind(fd, new InetSocketAddress(lo, 0))).isZero();
            InetSocketAddress bound = Sockets.localAddress(fd);
            assertThat(bound.getAddress()).isEqualTo(lo);
            assertThat(bound.getPort()).isPositive();
        } finally {
            Fd.close(fd);
        }
    }

    @Test
    void getsockoptTellsAClosedFdFromANonSocket() {
        int[] pipe = new int[2];
        assertThat(Fd.pipe(pipe)).isZero();
        try {
            assertThat(Sockets.getInt(pipe[0], Sockets.SOL_SOCKET, Sockets.SO_TYPE)).isEqualTo(-Errno.ENOTSOCK);
        } finally {
            Fd.close(pipe[0]);
            Fd.close(pipe[1]);
        }
        assertThat(Sockets.getInt(pipe[0], Sockets.SOL_SOCKET, Sockets.SO_TYPE)).isEqualTo(-Errno.EBADF);
    }
}

package org.kevent.internal.sys;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;

import org.junit.jupiter.api.Test;

/**
 * sockaddr and linger sizes are the kernel's on every Linux ABI; an address survives bind and
 * getsockname, a linger setsockopt and getsockopt.
 */
class SocketsLayoutTest {

    @Test
    void sockaddrSizesArePinned() {
        assertThat(SockaddrIn.SIZE).isEqualTo(16);
        assertThat(SockaddrIn6.SIZE).isEqualTo(28);
        assertThat(SockaddrIn6.SCOPE_ID_OFFSET).isEqualTo(24);
    }

    @Test
    void lingerIsTwoIntsInEightBytes() {
        assertThat(Sockets.Linger.SIZE).isEqualTo(8);
        assertThat(Sockets.Linger.ONOFF_OFFSET).isZero();
        assertThat(Sockets.Linger.LINGER_OFFSET).isEqualTo(4);
    }

    @Test
    void aLingerRoundTripsThroughTheKernelAndOffIsNeitherATimeoutNorAnErrno() {
        int fd = Sockets.socket(false);
        assertThat(fd).isNotNegative();
        try {
            assertThat(Sockets.getLinger(fd)).isEqualTo(Sockets.LINGER_OFF);
            assertThat(Sockets.setLinger(fd, true, 7)).isZero();
            assertThat(Sockets.getLinger(fd)).isEqualTo(7);
            assertThat(Sockets.setLinger(fd, true, 0)).isZero();
            assertThat(Sockets.getLinger(fd)).isZero();
            assertThat(Sockets.setLinger(fd, false, 9)).isZero();
            assertThat(Sockets.getLinger(fd)).isEqualTo(Sockets.LINGER_OFF);
        } finally {
            Fd.close(fd);
        }
        assertThat(Sockets.getLinger(fd)).isEqualTo(-Errno.EBADF);
        assertThat(Sockets.setLinger(fd, true, 0)).isEqualTo(-Errno.EBADF);
    }

    @Test
    void aLingeringSocketClosesThroughTheOrdinaryCloseOnce() {
        int fd = Sockets.socket(false);
        assertThat(fd).isNotNegative();
        assertThat(Sockets.setLinger(fd, true, 1)).isZero();

        assertThat(Sockets.closeLingering(fd)).as("unconnected: nothing to wait for").isZero();
        assertThat(Sockets.closeLingering(fd)).isEqualTo(-Errno.EBADF);
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

package org.kevent.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;

import org.junit.jupiter.api.Test;
import org.kevent.KeventException;

/** {@link TcpSocket#connect(InetSocketAddress, InetSocketAddress)}: the bind before the connect. */
class ConnectFromLocalAddressTest {

    @Test
    void theConnectionLeavesFromTheChosenLocalAddress() throws Exception {
        InetAddress from = InetAddress.getByName("127.0.0.2"); // all of 127/8 is loopback on Linux
        try (TcpListener l = TcpListener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4, false);
             TcpSocket c = TcpSocket.connect(l.localAddress(), new InetSocketAddress(from, 0));
             TcpSocket s = Loopback.acceptWithin(l)) {
            assertThat(c.localAddress().getAddress()).isEqualTo(from);
            assertThat(c.localAddress().getPort()).isPositive();
            assertThat(s.remoteAddress()).isEqualTo(c.localAddress());
        }
    }

    @Test
    void aNullLocalAddressConnectsAsThePlainConnectDoes() {
        try (TcpListener l = TcpListener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4, false);
             TcpSocket c = TcpSocket.connect(l.localAddress(), null);
             TcpSocket s = Loopback.acceptWithin(l)) {
            assertThat(s.remoteAddress()).isEqualTo(c.localAddress());
        }
    }

    @Test
    void aLocalAddressInUseIsRefusedNamingBind() {
        try (TcpListener l = TcpListener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4, false);
             TcpListener other = TcpListener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4,
                     false)) {
            assertThatThrownBy(() -> TcpSocket.connect(l.localAddress(), other.localAddress()))
                    .isInstanceOfSatisfying(KeventException.class, e -> {
                        assertThat(e.call()).isEqualTo("bind");
                        assertThat(e.errorName()).isEqualTo("EADDRINUSE");
                    });
        }
    }

    @Test
    void aLocalAddressOfAnotherFamilyIsRefusedNamingBind() throws Exception {
        try (TcpListener l = TcpListener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4, false)) {
            InetSocketAddress v6 = new InetSocketAddress(InetAddress.getByName("::1"), 0);
            assertThatThrownBy(() -> TcpSocket.connect(l.localAddress(), v6))
                    .isInstanceOfSatisfying(KeventException.class, e -> assertThat(e.call()).isEqualTo("bind"));
        }
    }

    @Test
    void anUnresolvedLocalAddressIsAnIllegalArgument() {
        try (TcpListener l = TcpListener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4, false)) {
            assertThatThrownBy(() -> TcpSocket.connect(l.localAddress(),
                    InetSocketAddress.createUnresolved("nowhere.invalid", 0)))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}

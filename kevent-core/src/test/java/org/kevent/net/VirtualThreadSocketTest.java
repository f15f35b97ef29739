package org.kevent.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.kevent.testing.ChildJvm;

/**
 * A virtual thread blocked in a kevent socket call leaves its carrier to other virtual threads
 * (docs/SEMANTICS.md §9). Each case runs in a child JVM with one carrier, where a blocked call that
 * pinned it would keep the virtual thread that unblocks it (the peer's writer, reader or
 * connector) from running until the call timed out: the call then ends with a timeout instead.
 */
class VirtualThreadSocketTest {
    @Test
    void aVirtualReaderLetsTheVirtualWriterOfItsPeerRunOnTheOnlyCarrier() {
        assertThat(runProbe("read")).containsExactly("read 5");
    }

    @Test
    void aVirtualWriterWithAFullBufferLetsTheVirtualReaderOfItsPeerRunOnTheOnlyCarrier() {
        assertThat(runProbe("write")).containsExactly("wrote 8388608");
    }

    @Test
    void aVirtualAcceptLetsTheVirtualConnectorRunOnTheOnlyCarrier() {
        assertThat(runProbe("accept")).containsExactly("accepted");
    }

    /** @return the child JVM's options: one carrier (a twin adds its engine) */
    java.util.List<String> probeOptions() {
        return ChildJvm.ONE_CARRIER;
    }

    private String[] runProbe(String mode) {
        String[] lines = ChildJvm.runMain(Probe.class, probeOptions(), mode);
        assertThat(lines).as("the one-carrier JVM ran and exited 0").isNotNull();
        return lines;
    }

    /** The child JVM's program: a blocked virtual thread, then the virtual thread that unblocks it. */
    static final class Probe {
        private static final Duration WAIT = Duration.ofSeconds(5);

        /** A body that may throw. */
        interface Body {
            String run() throws IOException;
        }

        public static void main(String[] args) throws Exception {
            try (TcpListener l = TcpListener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16, false)) {
                String result = switch (args[0]) {
                    case "read" -> read(l);
                    case "write" -> write(l);
                    case "accept" -> accept(l);
                    default -> throw new IllegalArgumentException(args[0]);
                };
                System.out.println(result);
            }
        }

        private static String read(TcpListener l) throws Exception {
            try (TcpSocket c = TcpSocket.connect(l.localAddress()); TcpSocket s = Loopback.acceptWithin(l)) {
                byte[] buf = new byte[16];
                return blockedThenUnblocked(() -> "read " + s.read(buf, 0, buf.length, WAIT),
                        () -> "wrote " + c.write(new byte[5], 0, 5, WAIT));
            }
        }

        private static String write(TcpListener l) throws Exception {
            try (TcpSocket c = TcpSocket.connect(l.localAddress()); TcpSocket s = Loopback.acceptWithin(l)) {
                // Far more than both ends' buffers hold: the writer must wait for the reader. Not
                // tiny buffers: below loopback's 64 KiB MSS, TCP itself stalls (zero-window probes).
                c.setSendBufferSize(256 * 1024);
                s.setReceiveBufferSize(256 * 1024);
                byte[] big = new byte[8 << 20];
                return blockedThenUnblocked(() -> {
                    c.writeAll(big, 0, big.length, WAIT);
                    return "wrote " + big.length;
                }, () -> {
                    s.readFully(new byte[big.length], 0, big.length, WAIT);
                    return "read all";
                });
            }
        }

        private static String accept(TcpListener l) throws Exception {
            AtomicReference<TcpSocket> client = new AtomicReference<>();
            try {
                return blockedThenUnblocked(() -> {
                    l.acceptBlocking(WAIT).close();
                    return "accepted";
                }, () -> {
                    client.set(TcpSocket.connect(l.localAddress()));
                    return "connected";
                });
            } finally {
                if (client.get() != null) {
                    client.get().close();
                }
            }
        }

        /**
         * Starts {@code blocked} on a virtual thread; once it runs (with one carrier, nothing else
         * runs until it parks or leaves), starts {@code unblocker} on another.
         *
         * @return what {@code blocked} returned, or how it failed
         */
        private static String blockedThenUnblocked(Body blocked, Body unblocker) throws InterruptedException {
            AtomicReference<String> result = new AtomicReference<>();
            CountDownLatch entering = new CountDownLatch(1);
            Thread b = Thread.ofVirtual().start(() -> {
                entering.countDown();
                result.set(outcome(blocked));
            });
            entering.await();
            Thread u = Thread.ofVirtual().start(() -> outcome(unblocker));
            b.join();
            u.join();
            return result.get();
        }

        private static String outcome(Body body) {
            try {
                return body.run();
            } catch (SocketTimeoutException e) {
                return "timed out: the carrier was pinned";
            } catch (IOException | RuntimeException e) {
                return e.toString();
            }
        }
    }
}

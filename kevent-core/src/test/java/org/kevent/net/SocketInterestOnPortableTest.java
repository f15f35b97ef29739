package org.kevent.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.kevent.CtlOp;
import org.kevent.CtlResults;
import org.kevent.Kevent;
import org.kevent.KeventException;
import org.kevent.KeventQueue;
import org.kevent.OnPortableEngine;
import org.kevent.QueueEngine;
import org.kevent.Ukevent;

/**
 * {@link SocketInterestTest}'s rules on the portable engine: SOCKET interests of a portable queue
 * on portable sockets, whose readiness a shared {@code Selector} learns (docs/SEMANTICS.md §10).
 * The rules that need what a selector cannot tell (a peer's FIN or reset before a receive meets
 * it, a new edge for bytes that arrive while older ones are unread, the kind of a raw fd) are
 * disabled by name, each with the rule the portable engine keeps instead.
 */
class SocketInterestOnPortableTest extends SocketInterestTest implements OnPortableEngine {
    private static final String SELECTOR_FOLDS = "portable engine: the JDK's selector reports a peer's FIN and a reset"
            + " as readable; RDHUP, HUP and ERR are reported once a receive met the end of the stream or the error"
            + " (docs/SEMANTICS.md §10)";

    @Test
    @Disabled("portable engine: the selector stops watching a side once it reported it, until a call finds the side"
            + " drained, so an ET interest fires once per drain, not once per arrival on unread bytes"
            + " (edgeTriggeredRecvFiresAgainOnceTheBytesWereReadAndMoreArrive)")
    @Override
    void edgeTriggeredRecvFiresOncePerArrival() {
    }

    /** What the disabled case keeps: one event per arrival when the bytes before were read. */
    @Test
    void edgeTriggeredRecvFiresAgainOnceTheBytesWereReadAndMoreArrive() {
        queue.add(Ukevent.socket(pair.server, Kevent.SOCKET_RECV).withFlags(Kevent.REQ_ET));
        Loopback.sendAll(pair.client, new byte[10]);
        assertThat(awaitEvents(queue)).isEqualTo(1);
        assertThat(queue.poll(out)).as("no new data, no event, though unread").isZero();
        assertThat(Loopback.readExactly(pair.server, 10)).hasSize(10);
        assertThat(pair.server.recv(new byte[1], 0, 1)).as("drained").isZero();
        Loopback.sendAll(pair.client, new byte[1]);
        assertThat(awaitEvents(queue)).isEqualTo(1);
        assertThat(queue.poll(out)).isZero();
    }

    @Test
    @Disabled(SELECTOR_FOLDS + " (halfCloseIsRecvThenRdhupOnceTheEndOfStreamWasRead)")
    @Override
    void halfCloseIsRdhupAndTheOtherDirectionStillWorks() {
    }

    @Test
    void halfCloseIsRecvThenRdhupOnceTheEndOfStreamWasRead() {
        queue.add(Ukevent.socket(pair.server, Kevent.SOCKET_RECV | Kevent.SOCKET_RDHUP));
        pair.client.shutdownOutput();
        assertThat(awaitEvents(queue)).isEqualTo(1);
        assertThat(out.events(0) & Kevent.SOCKET_RECV).isNotZero();
        assertThat(pair.server.recv(new byte[4], 0, 4)).isEqualTo(-1);
        assertThat(awaitEvents(queue)).isEqualTo(1);
        assertThat(out.events(0)).isEqualTo(Kevent.SOCKET_RECV | Kevent.SOCKET_RDHUP);
        Loopback.sendAll(pair.server, new byte[] {7});
        assertThat(Loopback.readExactly(pair.client, 1)).containsExactly(7);
    }

    @Test
    @Disabled(SELECTOR_FOLDS + " (aPeerResetIsRecvThenErrWithEconnresetOnceAReceiveMetIt)")
    @Override
    void aPeerResetWithDataQueuedIsReportedAndNothingHangs() {
    }

    @Test
    void aPeerResetIsRecvThenErrWithEconnresetOnceAReceiveMetIt() {
        queue.add(Ukevent.socket(pair.server, Kevent.SOCKET_RECV));
        pair.client.abort();
        assertThat(awaitEvents(queue)).isEqualTo(1);
        assertThat(out.events(0) & Kevent.SOCKET_RECV).isNotZero();
        String end = null;
        for (int k = 0; k < 100 && end == null; k++) {
            try {
                if (pair.server.recv(new byte[64], 0, 64) < 0) {
                    end = "eof";
                }
            } catch (KeventException e) {
                end = e.errorName();
            }
        }
        assertThat(end).isEqualTo("ECONNRESET");
        assertThat(awaitEvents(queue)).isEqualTo(1);
        assertThat(out.events(0) & (Kevent.SOCKET_ERR | Kevent.SOCKET_HUP))
                .isEqualTo(Kevent.SOCKET_ERR | Kevent.SOCKET_HUP);
        assertThat(out.socketError(0)).isEqualTo(104);   // ECONNRESET, Linux's number on every engine
    }

    @Test
    @Disabled("portable engine: SOCKET ids are portable descriptor numbers, and no getsockopt tells what a raw fd is:"
            + " a pipe or a foreign socket is an unknown number, EBADF"
            + " (aClosedSocketAnUnknownNumberAndANativeSocketAreRejectedPerRecord)")
    @Override
    void aClosedSocketANonSocketAndAForeignSocketAreRejectedPerRecord() {
    }

    @Test
    void aClosedSocketAnUnknownNumberAndANativeSocketAreRejectedPerRecord() {
        TcpSocket closed = TcpSocket.connect(pair.listener.localAddress());
        closed.close();
        TcpSocket natively = onTheLinuxEngine(() -> TcpSocket.connect(pair.listener.localAddress()));
        try (natively) {
            CtlResults r = queue.ctl(CtlOp.ADD,
                    Ukevent.socket(closed, Kevent.SOCKET_RECV),
                    Ukevent.socket(0, Kevent.SOCKET_RECV),
                    Ukevent.socket(natively, Kevent.SOCKET_RECV),
                    Ukevent.socket(natively.id(), Kevent.SOCKET_RECV),
                    Ukevent.socket(pair.server, Kevent.SOCKET_RECV));
            assertThat(r.errorName(0)).isEqualTo("EBADF");
            assertThat(r.message(0)).contains("closed");
            assertThat(r.errorName(1)).isEqualTo("EBADF");
            assertThat(r.message(1)).contains("no socket of the portable engine");
            assertThat(r.errorName(2)).isEqualTo("EINVAL");
            assertThat(r.message(2)).contains("native socket", "portable engine");
            assertThat(r.errorName(3)).as("the fd of a native socket, named by number").isEqualTo("EINVAL");
            assertThat(r.ok(4)).as("the batch goes on").isTrue();
            assertThat(queue.stats().registered()).isEqualTo(1);
        }
    }

    @Test
    void aPortableSocketOnALinuxQueueIsRejectedPerRecordSayingSo() {
        try (KeventQueue linux = KeventQueue.builder().engine(QueueEngine.LINUX).open()) {
            CtlResults r = linux.ctl(CtlOp.ADD, Ukevent.socket(pair.server, Kevent.SOCKET_RECV),
                    Ukevent.socket(pair.listener, Kevent.SOCKET_ACCEPT), Ukevent.user(1));
            assertThat(r.errorName(0)).isEqualTo("EINVAL");
            assertThat(r.message(0)).contains("portable engine's socket", "linux engine");
            assertThat(r.errorName(1)).isEqualTo("EINVAL");
            assertThat(r.ok(2)).isTrue();
        }
    }

    /**
     * A Linux queue's network AIO on a portable socket, or from a portable file, ends with
     * {@code EINVAL}: the portable number is no descriptor of its kernel, and is never handed to it.
     */
    @Test
    void aLinuxQueuesNetworkAioOnAPortableSocketOrFileEndsWithEinval(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        java.nio.file.Path path = java.nio.file.Files.writeString(dir.resolve("f.txt"), "hello");
        try (KeventQueue linux = KeventQueue.builder().engine(QueueEngine.LINUX).open();
             NativeFile portableFile = NativeFile.open(path)) {
            long recv = linux.aioRecv(pair.server, java.nio.ByteBuffer.allocate(8));
            long sendfile = onTheLinuxEngine(() -> {
                try (TcpSocket natively = TcpSocket.connect(pair.listener.localAddress())) {
                    return linux.aioSendfile(natively, portableFile, 0, 5);
                }
            });
            java.util.Map<Long, Long> results = new java.util.HashMap<>();
            while (results.size() < 2 && linux.getEvents(1, 4, 10, TimeUnit.SECONDS, out) > 0) {
                for (int k = 0; k < out.size(); k++) {
                    results.put(out.id(k), out.data(k));
                }
            }
            assertThat(results).containsEntry(recv, -22L).containsEntry(sendfile, -22L);   // -EINVAL
        }
    }

    /** Makes something with {@code kevent.engine=linux}, then puts the portable setting back. */
    private static <T> T onTheLinuxEngine(java.util.function.Supplier<T> make) {
        String before = System.getProperty("kevent.engine");
        System.setProperty("kevent.engine", "linux");
        try {
            return make.get();
        } finally {
            System.setProperty("kevent.engine", before);
        }
    }
}

package org.kevent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.kevent.net.NativeFile;
import org.kevent.net.TcpListener;
import org.kevent.net.TcpSocket;

/**
 * Use after close of every public object is an exception, never a crash (a freed native segment
 * or a reused descriptor would be one): each call that needs the closed resource throws the
 * documented exception, close stays idempotent, and the JVM is still here to assert it.
 */
@EnabledOnOs(OS.LINUX)
class SafetyUseAfterCloseTest {

    private static void throwsAfterClose(Class<? extends Throwable> type, List<ThrowingCallable> calls) {
        for (int k = 0; k < calls.size(); k++) {
            assertThatThrownBy(calls.get(k)).as("call %d", k).isInstanceOf(type);
        }
    }

    @Test
    void theQueueMethodsCloseTestDoesNotListAlsoThrowQueueClosedAfterClose() {
        KeventQueue queue = KeventQueue.open();
        queue.add(Ukevent.user(1));
        EventBuffer out = new EventBuffer(4);
        queue.close();
        queue.close();
        throwsAfterClose(QueueClosedException.class, List.of(
                () -> queue.ctl(CtlOp.ADD, new Ukevent[] {Ukevent.user(2)}, 0, 1, new CtlResults(1)),
                () -> queue.getEvents(1, 4, Duration.ofMillis(1), out),
                () -> queue.getEventsUntil(1, 4, System.nanoTime(), out),
                () -> queue.openRing(4)));
        assertThat(queue.isOpen()).isFalse();
        assertThat(queue.toString()).contains("closed");
    }

    @Test
    void aRingOfAClosedQueueThrowsQueueClosedAndItsSlotsAreNoLongerReadable() {
        KeventQueue queue = KeventQueue.open();
        EventRing ring = queue.openRing(4);
        queue.add(Ukevent.user(1));
        queue.trigger(1);
        long end = ring.await(1, 1, TimeUnit.SECONDS);
        assertThat(end).isEqualTo(1);
        queue.close();
        throwsAfterClose(QueueClosedException.class, List.of(
                () -> ring.await(0, 0, TimeUnit.SECONDS),
                () -> ring.commit(end)));
        // The slots are plain Java memory owned by the ring: reading one after close is safe.
        assertThat(ring.id(0)).isEqualTo(1);
    }

    @Test
    void aClosedListenerSocketAndFileThrowEbadfNeverTouchingTheDescriptor(@TempDir Path dir) throws Exception {
        TcpListener listener = TcpListener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4, false);
        TcpSocket socket = TcpSocket.connect(listener.localAddress());
        NativeFile file = NativeFile.open(Files.writeString(dir.resolve("f"), "data"));
        listener.close();
        socket.close();
        file.close();
        listener.close();
        socket.close();
        file.close();
        // A descriptor opened now may reuse a closed one's number: the calls must not reach it.
        try (NativeFile reuser = NativeFile.open(dir.resolve("f"))) {
            throwsAfterClose(KeventException.class, List.of(
                    listener::accept,
                    () -> socket.recv(new byte[4], 0, 4),
                    () -> socket.recv(ByteBuffer.allocate(4)),
                    () -> socket.send(new byte[4], 0, 4),
                    () -> socket.send(ByteBuffer.allocate(4)),
                    () -> socket.send(new ByteBuffer[] {ByteBuffer.allocate(4)}, 0, 1),
                    () -> socket.sendfile(reuser, 0, 1),
                    socket::shutdownOutput,
                    socket::shutdownInput,
                    () -> socket.setTcpNoDelay(true),
                    socket::tcpNoDelay,
                    socket::localAddress,
                    file::size));
            assertThat(reuser.size()).as("the reusing file is untouched").isEqualTo(4);
        }
        try (TcpListener l2 = TcpListener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4, false);
             TcpSocket s2 = TcpSocket.connect(l2.localAddress())) {
            assertThatThrownBy(() -> s2.sendfile(file, 0, 1)).isInstanceOf(KeventException.class).hasMessageContaining("EBADF");
        }
        try (KeventQueue queue = KeventQueue.open()) {
            assertThat(queue.ctl(CtlOp.ADD, Ukevent.socket(socket, Kevent.SOCKET_RECV)).ok(0))
                    .as("a closed socket is refused per record").isFalse();
            assertThat(queue.ctl(CtlOp.ADD, Ukevent.socket(listener, Kevent.SOCKET_ACCEPT)).ok(0)).isFalse();
        }
        assertThat(listener.isOpen()).isFalse();
        assertThat(socket.isOpen()).isFalse();
    }
}

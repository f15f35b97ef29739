package org.kevent;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kevent.internal.sys.Fd;
import org.kevent.net.TcpListener;

/**
 * docs/SEMANTICS.md §2, §4: every event type has bits no other type uses, so a mask of the wrong
 * family cannot pass for the right one ({@code POLLIN} once had SOCKET_RECV's value); a record
 * with another family's bits fails alone with {@code EINVAL} naming them.
 */
class EventFamiliesTest {
    @TempDir
    Path dir;
    private KeventQueue queue;
    private TcpListener listener;
    private final int[] pipe = new int[2];

    @BeforeEach
    void open() {
        queue = KeventQueue.open();
        listener = TcpListener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4, false);
        assertThat(Fd.pipe(pipe)).isZero();
    }

    @AfterEach
    void close() {
        queue.close();
        listener.close();
        Fd.close(pipe[0]);
        Fd.close(pipe[1]);
    }

    @Test
    void noTwoTypesShareAnEventBit() {
        EventType[] types = EventType.values();
        for (EventType a : types) {
            assertThat(a.reportedEvents() & a.validEvents()).as("%s asks only for what it reports", a)
                    .isEqualTo(a.validEvents());
            for (EventType b : types) {
                if (a != b) {
                    assertThat(a.reportedEvents() & b.reportedEvents()).as("%s and %s", a, b).isZero();
                }
            }
        }
    }

    @Test
    void pollBitsKeepTheKernelValues() {
        // poll(2) and epoll share them (asm-generic/poll.h): a POLL mask goes to the kernel as is.
        assertThat(new int[] {Kevent.POLLIN, Kevent.POLLPRI, Kevent.POLLOUT, Kevent.POLLERR, Kevent.POLLHUP,
                Kevent.POLLRDHUP}).containsExactly(0x001, 0x002, 0x004, 0x008, 0x010, 0x2000);
    }

    @Test
    void socketRecordWithPollBitsIsRejectedNamingThem() {
        CtlResults r = queue.ctl(CtlOp.ADD, Ukevent.socket(listener, Kevent.POLLIN | Kevent.POLLOUT),
                Ukevent.socket(listener, Kevent.SOCKET_ACCEPT));

        assertThat(r.errorName(0)).isEqualTo("EINVAL");
        assertThat(r.message(0)).contains("POLLIN|POLLOUT").contains("not SOCKET events").contains("(field events)");
        assertThat(r.ok(1)).as("the right bits still work, and the batch goes on").isTrue();
    }

    @Test
    void socketRecordWithInodeOrNaioBitsIsRejected() {
        CtlResults r = queue.ctl(CtlOp.ADD, Ukevent.socket(listener, Kevent.SOCKET_ACCEPT | Kevent.INODE_CREATE),
                Ukevent.socket(listener, Kevent.NAIO_RECV));

        assertThat(r.errorName(0)).isEqualTo("EINVAL");
        assertThat(r.message(0)).contains("INODE_CREATE").doesNotContain("SOCKET_ACCEPT");
        assertThat(r.errorName(1)).isEqualTo("EINVAL");
        assertThat(r.message(1)).contains("NAIO_RECV");
        assertThat(queue.stats().registered()).isZero();
    }

    @Test
    void pollRecordWithSocketBitsIsRejectedNamingThem() {
        CtlResults r = queue.ctl(CtlOp.ADD, Ukevent.poll(pipe[0], Kevent.SOCKET_RECV),
                Ukevent.poll(pipe[0], Kevent.POLLIN));

        assertThat(r.errorName(0)).isEqualTo("EINVAL");
        assertThat(r.message(0)).contains("SOCKET_RECV").contains("not POLL events");
        assertThat(r.ok(1)).isTrue();
    }

    @Test
    void inodeRecordWithPollBitsIsRejectedNamingThem() {
        CtlResults r = queue.ctl(CtlOp.ADD, Ukevent.inode(1, dir, Kevent.POLLIN),
                Ukevent.inode(2, dir, Kevent.INODE_CREATE));

        assertThat(r.errorName(0)).isEqualTo("EINVAL");
        assertThat(r.message(0)).contains("POLLIN").contains("not INODE events");
        assertThat(r.ok(1)).isTrue();
    }

    @Test
    void inodeBitsTheQueueAddsByItselfAreNotRequested() {
        CtlResults r = queue.ctl(CtlOp.ADD, Ukevent.inode(1, dir, Kevent.INODE_CREATE | Kevent.INODE_ISDIR));

        assertThat(r.errorName(0)).isEqualTo("EINVAL");
        assertThat(r.message(0)).contains("INODE_ISDIR").contains("reported by the queue");
    }

    @Test
    void timerAndUserRecordsRejectEachOthersBit() {
        CtlResults r = queue.ctl(CtlOp.ADD, Ukevent.timer(1, Duration.ofHours(1)).withEvents(Kevent.USER_TRIGGER),
                Ukevent.user(1).withEvents(Kevent.TIMER_FIRED),
                Ukevent.timer(2, Duration.ofHours(1)), Ukevent.user(2));

        assertThat(r.errorName(0)).isEqualTo("EINVAL");
        assertThat(r.message(0)).contains("USER_TRIGGER").contains("not TIMER events");
        assertThat(r.errorName(1)).isEqualTo("EINVAL");
        assertThat(r.message(1)).contains("TIMER_FIRED").contains("not USER events");
        assertThat(r.ok(2)).isTrue();
        assertThat(r.ok(3)).isTrue();
    }

    @Test
    void modifyWithAnotherFamilysBitsLeavesTheInterestAsItWas() {
        queue.add(Ukevent.poll(pipe[1], Kevent.POLLOUT).withCookie(5));
        CtlResults r = queue.ctl(CtlOp.MODIFY, Ukevent.poll(pipe[1], Kevent.SOCKET_RECV).withCookie(9));
        assertThat(r.errorName(0)).isEqualTo("EINVAL");
        assertThat(r.message(0)).contains("SOCKET_RECV");

        EventBuffer out = new EventBuffer(4);
        assertThat(queue.poll(out)).as("an empty pipe's write end: POLLOUT, as first asked").isEqualTo(1);
        assertThat(out.events(0)).isEqualTo(Kevent.POLLOUT);
        assertThat(out.cookie(0)).isEqualTo(5);
    }

    @Test
    void eventNamesNameEveryFamilyByItsConstants() {
        // Bit 31 is no type's (bit 30 was, until PROC_EXIT took it).
        assertThat(Kevent.eventNames(Kevent.POLLIN | Kevent.SOCKET_RECV | Kevent.INODE_ISDIR | 1 << 31))
                .isEqualTo("POLLIN|SOCKET_RECV|INODE_ISDIR|0x80000000");
        assertThat(Kevent.eventNames(Kevent.PROC_EXIT | 1 << 31)).isEqualTo("PROC_EXIT|0x80000000");
        assertThat(Kevent.eventNames(Kevent.TIMER_FIRED)).isEqualTo("TIMER_FIRED");
        assertThat(Kevent.eventNames(Kevent.NAIO_RECV_MULTISHOT)).isEqualTo("NAIO_RECV_MULTISHOT");
        assertThat(Kevent.eventNames(0)).isEqualTo("-");
    }
}

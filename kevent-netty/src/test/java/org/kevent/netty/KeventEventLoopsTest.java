package org.kevent.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kevent.EventType;
import org.kevent.Kevent;
import org.kevent.KeventException;

/** kevent's other sources offered on a Netty event loop: files, timers, user events, on the loop's thread. */
class KeventEventLoopsTest {
    private static EventLoopGroup group;

    @BeforeAll
    static void start() {
        group = new MultiThreadIoEventLoopGroup(1, KeventIoHandler.newFactory());
    }

    @AfterAll
    static void stop() {
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void aFileCreatedInAWatchedDirectoryIsDeliveredOnTheLoop(@TempDir Path dir) throws Exception {
        EventLoop loop = group.next();
        BlockingQueue<String> seen = new LinkedBlockingQueue<>();
        KeventRegistration r = KeventEventLoops.watch(loop, dir, Kevent.INODE_CREATE,
                e -> seen.add(e.type() + " " + e.path().getFileName() + " " + loop.inEventLoop())).sync().getNow();
        Files.createFile(dir.resolve("a.txt"));
        assertThat(seen.poll(10, TimeUnit.SECONDS)).isEqualTo("INODE a.txt true");
        assertThat(r.cancel()).isTrue();
        assertThat(r.isActive()).isFalse();
        assertThat(r.cancel()).as("idempotent").isFalse();
    }

    @Test
    void aWatchOfAPathThatDoesNotExistFailsNamingTheReason(@TempDir Path dir) {
        assertThatThrownBy(() -> KeventEventLoops.watch(group.next(), dir.resolve("missing"), Kevent.INODE_CREATE,
                e -> { }).sync())
                .isInstanceOf(KeventException.class)
                .hasMessageContaining("ENOENT");
    }

    @Test
    void aSingleTimerFiresOnceOnTheLoopAndIsThenCancelled() throws Exception {
        EventLoop loop = group.next();
        BlockingQueue<String> seen = new LinkedBlockingQueue<>();
        KeventRegistration r = KeventEventLoops.timer(loop, Duration.ofMillis(1), Duration.ZERO,
                e -> seen.add(e.type() + " " + e.events() + " " + e.data() + " " + loop.inEventLoop())).sync().getNow();
        assertThat(seen.poll(10, TimeUnit.SECONDS)).isEqualTo("TIMER " + Kevent.TIMER_FIRED + " 1 true");
        // The cancel after the one expiry ran on the loop before anything queued after it.
        loop.submit(() -> { }).sync();
        assertThat(r.isActive()).isFalse();
    }

    @Test
    void aPeriodicTimerKeepsFiringUntilCancelled() throws Exception {
        CountDownLatch three = new CountDownLatch(3);
        KeventRegistration r = KeventEventLoops.timer(group.next(), Duration.ZERO, Duration.ofMillis(1),
                e -> three.countDown()).sync().getNow();
        assertThat(three.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(r.isActive()).isTrue();
        assertThat(r.cancel()).isTrue();
    }

    @Test
    void aUserEventTriggeredFromAnotherThreadRunsOnTheLoop() throws Exception {
        EventLoop loop = group.next();
        BlockingQueue<String> seen = new LinkedBlockingQueue<>();
        KeventUserEvent u = KeventEventLoops.userEvent(loop,
                e -> seen.add(e.type() + " " + e.data() + " " + loop.inEventLoop())).sync().getNow();
        AtomicReference<Boolean> triggered = new AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() -> triggered.set(u.trigger()));
        t.join(10_000);
        assertThat(triggered.get()).isTrue();
        assertThat(seen.poll(10, TimeUnit.SECONDS)).isEqualTo(EventType.USER + " 1 true");
        assertThat(u.cancel()).isTrue();
        assertThat(u.trigger()).as("a cancelled user event is not triggered").isFalse();
    }

    @Test
    void triggersBeforeTheLoopRunsAreCoalescedIntoOneEvent() throws Exception {
        EventLoop loop = group.next();
        BlockingQueue<Long> counts = new LinkedBlockingQueue<>();
        KeventUserEvent u = KeventEventLoops.userEvent(loop, e -> counts.add(e.data())).sync().getNow();
        // Run on the loop: it cannot take the event before this task ends, so the three are one.
        loop.submit(() -> {
            u.trigger();
            u.trigger();
            u.trigger();
        }).sync();
        assertThat(counts.poll(10, TimeUnit.SECONDS)).isEqualTo(3L);
        loop.submit(() -> { }).sync();
        assertThat(counts).isEmpty();
        u.cancel();
    }

    @Test
    void aLoopOfAnotherTransportIsRefused() {
        EventLoopGroup nio = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            assertThat(KeventEventLoops.isKeventLoop(nio.next())).isFalse();
            assertThat(KeventEventLoops.isKeventLoop(group.next())).isTrue();
            assertThatThrownBy(() -> KeventEventLoops.userEvent(nio.next(), e -> { }))
                    .isInstanceOf(IllegalArgumentException.class);
        } finally {
            nio.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void negativeTimerArgumentsAreRefused() {
        assertThatThrownBy(() -> KeventEventLoops.timer(group.next(), Duration.ofMillis(-1), Duration.ZERO, e -> { }))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KeventEventLoops.timer(group.next(), Duration.ZERO, Duration.ofMillis(-1), e -> { }))
                .isInstanceOf(IllegalArgumentException.class);
    }
}

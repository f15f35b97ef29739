package org.kevent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.kevent.internal.sys.Epoll;
import org.kevent.internal.sys.Errno;
import org.kevent.internal.sys.Fd;

/**
 * Queues watched by queues through {@link KeventQueue#readinessFd()} (docs/SEMANTICS.md §1, §4):
 * they nest exactly as deep as plain epoll instances do on the running kernel, the limit is a
 * per-record ELOOP at the ADD that goes too deep, and readiness travels through every level.
 */
@EnabledOnOs(OS.LINUX)
class NestingTest {
    /** How many plain epoll instances the running kernel lets us chain, each inside the next. */
    private static int epollChain;

    private final List<KeventQueue> opened = new ArrayList<>();
    private final EventBuffer out = new EventBuffer(8);

    @BeforeAll
    static void measureTheKernel() {
        epollChain = epollChainLimit();
    }

    @AfterEach
    void closeAll() {
        for (int k = opened.size() - 1; k >= 0; k--) {
            opened.get(k).close();
        }
    }

    /**
     * Chains plain epoll instances e0 ⊂ e1 ⊂ ... until the kernel refuses (EP_MAX_NESTS).
     *
     * @return the number of instances in the longest chain the kernel accepted
     */
    static int epollChainLimit() {
        List<Integer> fds = new ArrayList<>();
        try {
            int inner = Epoll.create();
            assertThat(inner).isNotNegative();
            fds.add(inner);
            for (int n = 1; n < 64; n++) {
                int outer = Epoll.create();
                assertThat(outer).isNotNegative();
                fds.add(outer);
                int r = Epoll.ctl(outer, Epoll.EPOLL_CTL_ADD, inner, Epoll.EPOLLIN, n);
                if (r < 0) {
                    assertThat(r).as("epoll's own nesting limit").isEqualTo(-Errno.ELOOP);
                    return n;
                }
                inner = outer;
            }
            throw new AssertionError("no epoll nesting limit below 64");
        } finally {
            fds.forEach(Fd::close);
        }
    }

    private KeventQueue open() {
        KeventQueue q = KeventQueue.open();
        opened.add(q);
        return q;
    }

    /** q0 ⊂ q1 ⊂ ... ⊂ q(n-1): each queue watches the previous one's readiness fd. */
    private List<KeventQueue> chain(int n) {
        List<KeventQueue> chain = new ArrayList<>();
        chain.add(open());
        for (int k = 1; k < n; k++) {
            KeventQueue inner = chain.get(k - 1);
            KeventQueue outer = open();
            CtlResults r = outer.ctl(CtlOp.ADD, Ukevent.poll(inner.readinessFd(), Kevent.POLLIN));
            assertThat(r.ok(0)).as("level %d of %d: %s", k, n, r).isTrue();
            chain.add(outer);
        }
        return chain;
    }

    private static boolean readable(int fd) {
        int revents = Fd.poll(fd, Fd.POLLIN, 0);
        assertThat(revents).isNotNegative();
        return (revents & Fd.POLLIN) != 0;
    }

    @Test
    void theKernelHasANestingLimit() {
        assertThat(epollChain).as("EP_MAX_NESTS + 1 on any Linux since 2.6.28").isBetween(2, 63);
    }

    @Test
    void queuesNestAsDeepAsEpollAllows() {
        List<KeventQueue> chain = new ArrayList<>();
        chain.add(open());
        for (int k = 1; k < epollChain; k++) {
            KeventQueue inner = chain.get(k - 1);
            int[] fd = new int[1];
            assertThatCode(() -> fd[0] = inner.readinessFd()).as("readinessFd at level %d", k - 1)
                    .doesNotThrowAnyException();
            KeventQueue outer = open();
            CtlResults r = outer.ctl(CtlOp.ADD, Ukevent.poll(fd[0], Kevent.POLLIN));
            assertThat(r.ok(0)).as("queue %d inside queue %d (epoll chains %d): %s", k - 1, k, epollChain, r).isTrue();
            chain.add(outer);
        }
        KeventQueue top = chain.get(chain.size() - 1);
        int[] topFd = new int[1];
        assertThatCode(() -> topFd[0] = top.readinessFd()).as("readinessFd of the outermost queue")
                .doesNotThrowAnyException();

        KeventQueue tooDeep = open();
        CtlResults r = tooDeep.ctl(CtlOp.ADD, Ukevent.user(1), Ukevent.poll(topFd[0], Kevent.POLLIN), Ukevent.user(2));
        assertThat(r.ok(0)).isTrue();
        assertThat(r.errorName(1)).as("one level deeper than epoll allows: %s", r).isEqualTo("ELOOP");
        assertThat(r.flags(1) & Kevent.RET_BROKEN).isNotZero();
        assertThat(r.ok(2)).as("the rest of the batch applies").isTrue();
        assertThat(tooDeep.stats().registered()).isEqualTo(2);
        assertThatCode(tooDeep::readinessFd).doesNotThrowAnyException();
        tooDeep.trigger(2);
        assertThat(tooDeep.poll(out)).isEqualTo(1);
        assertThat(out.id(0)).isEqualTo(2);
    }

    @Test
    void aNestedQueueWakesItsOuterQueue() throws Exception {
        List<KeventQueue> chain = chain(epollChain);
        KeventQueue innermost = chain.get(0);
        KeventQueue outermost = chain.get(chain.size() - 1);
        int watched = chain.get(chain.size() - 2).readinessFd();
        innermost.add(Ukevent.user(1));
        EventBuffer got = new EventBuffer(4);
        CompletableFuture<Integer> waiter = TestQueues.async(() -> outermost.getEvents(1, 4, 10, TimeUnit.SECONDS, got));
        TestQueues.await("outermost waiter blocks", () -> outermost.waitingThreads() == 1);
        innermost.trigger(1);
        assertThat(waiter.get(10, TimeUnit.SECONDS)).as("woken through %d levels", chain.size() - 1).isEqualTo(1);
        assertThat(got.type(0)).isEqualTo(EventType.POLL);
        assertThat(got.id(0)).isEqualTo(watched);
        assertThat(got.events(0) & Kevent.POLLIN).isNotZero();
    }

    @Test
    void theExportedFdIsNotReadableOnceDrained() {
        List<KeventQueue> chain = chain(epollChain);
        KeventQueue innermost = chain.get(0);
        KeventQueue outermost = chain.get(chain.size() - 1);
        innermost.add(Ukevent.user(1));
        for (int round = 0; round < 3; round++) {
            for (KeventQueue q : chain) {
                assertThat(readable(q.readinessFd())).as("round %d, level %d before", round, chain.indexOf(q)).isFalse();
            }
            innermost.trigger(1);
            for (KeventQueue q : chain) {
                assertThat(readable(q.readinessFd())).as("round %d, level %d triggered", round, chain.indexOf(q)).isTrue();
            }
            assertThat(outermost.poll(out)).isEqualTo(1);
            assertThat(innermost.poll(out)).isEqualTo(1);
            for (KeventQueue q : chain) {
                assertThat(readable(q.readinessFd())).as("round %d, level %d drained", round, chain.indexOf(q)).isFalse();
            }
            assertThat(outermost.poll(out)).as("nothing deliverable once drained").isZero();
            for (KeventQueue q : chain) {
                assertThat(q.poll(out)).isZero();
            }
        }
    }

    @Test
    void aCycleOfNestedQueuesIsStillAPerRecordEloop() {
        List<KeventQueue> chain = chain(3);
        KeventQueue first = chain.get(0);
        CtlResults r = first.ctl(CtlOp.ADD, Ukevent.user(1), Ukevent.poll(chain.get(2).readinessFd(), Kevent.POLLIN),
                Ukevent.poll(chain.get(1).readinessFd(), Kevent.POLLIN), Ukevent.user(2));
        assertThat(r.errorName(1)).as("a cycle of three: %s", r).isEqualTo("ELOOP");
        assertThat(r.message(1)).contains("loop");
        assertThat(r.errorName(2)).as("a cycle of two: %s", r).isEqualTo("ELOOP");
        assertThat(r.ok(0)).isTrue();
        assertThat(r.ok(3)).isTrue();
        assertThat(first.stats().registered()).isEqualTo(2);

        CtlResults self = first.ctl(CtlOp.ADD, Ukevent.poll(first.readinessFd(), Kevent.POLLIN));
        assertThat(self.ok(0)).as("a queue inside itself: %s", self).isFalse();
    }

    @Test
    void anOuterWaiterSeesADueTimerOfTheInnerQueue() throws Exception {
        List<KeventQueue> chain = chain(epollChain);
        KeventQueue innermost = chain.get(0);
        KeventQueue outermost = chain.get(chain.size() - 1);
        // Nobody waits on the inner queues: only the kernel's timer can make them readable.
        innermost.add(Ukevent.timer(1, Duration.ofMillis(50)));
        long start = System.nanoTime();
        assertThat(outermost.getEvents(1, 4, 10, TimeUnit.SECONDS, out)).isEqualTo(1);
        assertThat(System.nanoTime() - start).as("woken by the timer, not the timeout")
                .isLessThan(TimeUnit.SECONDS.toNanos(5));
        assertThat(out.type(0)).isEqualTo(EventType.POLL);
        assertThat(innermost.getEvents(0, 4, 0, TimeUnit.SECONDS, out)).isEqualTo(1);
        assertThat(out.type(0)).isEqualTo(EventType.TIMER);
        for (KeventQueue q : chain) {
            assertThat(readable(q.readinessFd())).as("level %d after the timer was taken", chain.indexOf(q)).isFalse();
        }
        assertThat(outermost.poll(out)).isZero();
    }
}

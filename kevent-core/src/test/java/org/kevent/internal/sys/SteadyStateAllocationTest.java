package org.kevent.internal.sys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.reflect.Method;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * Pins the "no allocation per call" promise: once the JIT has compiled the bindings, a hundred
 * thousand calls allocate (almost) nothing. Rounds repeat until one is quiet, because how soon
 * the JIT gets there varies; a binding that allocates per call never gets there.
 */
@EnabledOnOs(OS.LINUX)
class SteadyStateAllocationTest {

    private static final int CALLS_PER_ROUND = 10_000;
    private static final int ROUNDS = 30;
    // Far below one byte per call: room for the probe's own boxing, nothing per call.
    private static final long QUIET_ROUND_BYTES = 1024;

    private final Fds fds = new Fds();
    private final EpollEventArray events = new EpollEventArray(8);

    @AfterEach
    void closeAll() {
        events.close();
        fds.close();
    }

    @Test
    void callsAllocateNothingOnceWarm() throws Exception {
        AllocationCounter counter = AllocationCounter.forCurrentThread();
        int epfd = fds.epoll();
        int efd = fds.eventFd();
        int tfd = fds.timerFd();
        int[] pipe = new int[2];
        assertThat(Fd.pipe(pipe)).isZero();
        fds.track(pipe[0]);
        fds.track(pipe[1]);
        byte[] bytes = new byte[8];
        Epoll.ctl(epfd, Epoll.EPOLL_CTL_ADD, efd, Epoll.EPOLLIN, 0);

        long fewest = Long.MAX_VALUE;
        for (int round = 0; round < ROUNDS && fewest > QUIET_ROUND_BYTES; round++) {
            long before = counter.bytes();
            for (int i = 0; i < CALLS_PER_ROUND; i++) {
                Epoll.ctl(epfd, Epoll.EPOLL_CTL_MOD, efd, Epoll.EPOLLIN, i);
                EventFd.write(efd, 1);
                Epoll.wait(epfd, events, 8, 0);
                Epoll.wait(epfd, events, 8, 1);
                events.data(0);
                EventFd.read(efd);
                TimerFd.setTime(tfd, 0, 1_000_000_000L, 0);
                TimerFd.read(tfd);
                Fd.write(pipe[1], bytes, 0, bytes.length);
                Fd.read(pipe[0], bytes, 0, bytes.length);
                Fd.poll(pipe[0], Fd.POLLIN, 0);
            }
            fewest = Math.min(fewest, counter.bytes() - before);
        }
        assertThat(fewest).isLessThanOrEqualTo(QUIET_ROUND_BYTES);
    }

    /** Reads HotSpot's per-thread allocation counter reflectively: the module does not read java.management. */
    private record AllocationCounter(Object bean, Method method) {
        static AllocationCounter forCurrentThread() throws Exception {
            Class<?> hotspotBean;
            try {
                hotspotBean = Class.forName("com.sun.management.ThreadMXBean");
            } catch (ClassNotFoundException e) {
                hotspotBean = null;
            }
            assumeTrue(hotspotBean != null, "no per-thread allocation counter on this JVM");
            Object bean = Class.forName("java.lang.management.ManagementFactory")
                    .getMethod("getThreadMXBean").invoke(null);
            return new AllocationCounter(bean, hotspotBean.getMethod("getCurrentThreadAllocatedBytes"));
        }

        long bytes() throws Exception {
            return (long) method.invoke(bean);
        }
    }
}

package org.kevent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * PROC interests on live child processes (docs/SEMANTICS.md §2): EXIT once, with the status of a
 * {@link Process}, then the interest is gone; the JDK still reaps its children. Every child waits
 * on its standard input until the test closes it, so "exits after the ADD" is an order the test
 * makes, not a race it hopes to win.
 */
@EnabledOnOs(OS.LINUX)
class ProcTest {
    /** Highest pid_max any kernel allows on 64-bit (linux/threads.h): no pid above it exists. */
    private static final long PID_MAX_LIMIT = 4L * 1024 * 1024;

    /** Opened before each test (not at construction), so an engine chosen around the test applies. */
    @AutoClose
    KeventQueue queue;
    final EventBuffer events = new EventBuffer(8);

    @org.junit.jupiter.api.BeforeEach
    void openQueue() {
        queue = KeventQueue.open();
    }

    /**
     * A child that exits with {@code code} once its standard input is closed. Its output goes
     * nowhere: the JDK closes a child's output pipes on its own thread after the exit, which would
     * move the descriptor counts the tests compare.
     */
    static Process waitingChild(int code) throws Exception {
        return new ProcessBuilder("/bin/sh", "-c", "read line; exit " + code)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }

    static void release(Process child) throws Exception {
        child.getOutputStream().close();
    }

    /** Waits (generously: the machine is shared) for exactly one event and returns its index. */
    private int oneEvent() {
        assertThat(queue.getEvents(1, 8, 30, TimeUnit.SECONDS, events)).isEqualTo(1);
        return 0;
    }

    private void assertExit(int i, long pid, int status) {
        assertThat(events.type(i)).isEqualTo(EventType.PROC);
        assertThat(events.id(i)).isEqualTo(pid);
        assertThat(events.events(i)).isEqualTo(Kevent.PROC_EXIT);
        assertThat(events.flags(i)).isEqualTo(Kevent.RET_DONE | Kevent.RET_BROKEN);
        assertThat(events.exitStatus(i)).isEqualTo(status);
        assertThat(events.data(i)).isEqualTo(status);
    }

    private void assertGone(long pid) {
        assertThat(queue.ctl(CtlOp.REMOVE, Ukevent.process(pid)).errorName(0)).isEqualTo("ENOENT");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 3})
    void anExitCodeComesAsTheDataOfOneExitEventAndWaitForStillReturnsIt(int code) throws Exception {
        Process child = waitingChild(code);
        queue.add(Ukevent.process(child).withCookie(77));
        assertThat(queue.getEvents(0, 8, 0, TimeUnit.SECONDS, events)).as("alive: nothing").isZero();
        release(child);
        int i = oneEvent();
        assertExit(i, child.pid(), code);
        assertThat(events.cookie(i)).isEqualTo(77);
        assertGone(child.pid());
        // The queue read the status from the JDK and reaped nothing: the JDK's own calls still work.
        assertThat(child.waitFor()).isEqualTo(code);
        assertThat(child.exitValue()).isEqualTo(code);
        assertThat(child.onExit().get(30, TimeUnit.SECONDS).exitValue()).isEqualTo(code);
    }

    /**
     * A {@link Process} whose JDK side is the test's: it names a real child (so the pidfd is
     * real) but says it is alive, and has no status, until {@link #reap} runs, as a JDK whose
     * reaper thread has not yet come to the exit.
     */
    private static class SlowReaper extends Process {
        final Process real;
        final java.util.concurrent.CompletableFuture<Process> exit = new java.util.concurrent.CompletableFuture<>();
        volatile int status = -100;

        SlowReaper(Process real) {
            this.real = real;
        }

        void reap(int exitStatus) {
            status = exitStatus;
            exit.complete(this);
        }

        @Override
        public long pid() {
            return real.pid();
        }

        @Override
        public boolean isAlive() {
            return !exit.isDone();
        }

        @Override
        public int exitValue() {
            if (!exit.isDone()) {
                throw new IllegalThreadStateException("not reaped");
            }
            return status;
        }

        @Override
        public java.util.concurrent.CompletableFuture<Process> onExit() {
            return exit.thenApply(p -> p);
        }

        @Override
        public int waitFor() {
            return exit.join().exitValue();
        }

        @Override
        public java.io.OutputStream getOutputStream() {
            return real.getOutputStream();
        }

        @Override
        public java.io.InputStream getInputStream() {
            return real.getInputStream();
        }

        @Override
        public java.io.InputStream getErrorStream() {
            return real.getErrorStream();
        }

        @Override
        public void destroy() {
            real.destroy();
        }
    }

    @Test
    void anExitSeenBeforeTheJdkHasTheStatusIsQueuedWhenItHasIt() throws Exception {
        SlowReaper child = new SlowReaper(waitingChild(3));
        queue.add(Ukevent.process(child));
        release(child);
        assertThat(child.real.waitFor()).isEqualTo(3); // exited: the pidfd is readable now
        assertThat(queue.getEvents(0, 8, 0, TimeUnit.SECONDS, events)).as("no status yet: nothing").isZero();
        TestQueues.async(() -> {
            child.reap(42);
            return null;
        });
        assertExit(oneEvent(), child.pid(), 42);
        assertGone(child.pid());
    }

    /**
     * The JDK's reaper thread frees the pid first and records the status after: a Process added
     * in between says it is alive while the kernel knows no such pid. Found by {@code bench proc},
     * whose ADD failed with ESRCH.
     */
    @Test
    void aProcessReapedButWithoutItsStatusYetIsNoEsrchButAnExitWithTheStatus() throws Exception {
        SlowReaper child = new SlowReaper(waitingChild(3)) {
            @Override
            public ProcessHandle toHandle() {
                return real.toHandle();
            }
        };
        release(child);
        assertThat(child.real.waitFor()).isEqualTo(3); // reaped: the pid is free
        assertThat(child.isAlive()).as("the JDK side has not recorded it").isTrue();
        CtlResults r = queue.ctl(CtlOp.ADD, Ukevent.process(child));
        assertThat(r.ok(0)).as(r.toString()).isTrue();
        assertThat(queue.getEvents(0, 8, 0, TimeUnit.SECONDS, events)).as("no status yet: nothing").isZero();
        TestQueues.async(() -> {
            child.reap(42);
            return null;
        });
        assertExit(oneEvent(), child.pid(), 42);
    }

    @Test
    void aWatchRemovedBeforeTheJdkHasTheStatusStaysRemoved() throws Exception {
        SlowReaper child = new SlowReaper(waitingChild(3));
        queue.add(Ukevent.process(child));
        release(child);
        child.real.waitFor();
        assertThat(queue.getEvents(0, 8, 0, TimeUnit.SECONDS, events)).isZero();
        queue.remove(EventType.PROC, child.pid());
        queue.add(Ukevent.user(1)); // may take the pooled interest the watch had
        child.reap(42);
        assertThat(queue.getEvents(0, 8, 0, TimeUnit.SECONDS, events)).isZero();
    }

    @Test
    void aProcessWhoseExitValueThrowsGivesTheSentinelAndSpoilsNoOtherEvent() throws Exception {
        Process real = waitingChild(0);
        Process odd = new SlowReaper(real) {
            @Override
            public boolean isAlive() {
                return false;
            }

            @Override
            public int exitValue() {
                throw new IllegalStateException("the caller's own Process");
            }
        };
        queue.add(Ukevent.user(1));
        queue.trigger(1);
        queue.add(Ukevent.process(odd));
        assertThat(queue.getEvents(2, 8, 30, TimeUnit.SECONDS, events)).isEqualTo(2);
        assertThat(events.type(0)).isEqualTo(EventType.USER);
        assertExit(1, real.pid(), Kevent.PROC_STATUS_UNKNOWN);
        release(real);
    }

    /**
     * Many exits at once, through every path: pidfds readable together, some before the JDK has
     * the status, some after. Each child's own code comes back with its pid, once.
     */
    @Test
    void manyChildrenExitingTogetherEachReportTheirOwnStatusOnce() throws Exception {
        int n = 40;
        java.util.Map<Long, Integer> expected = new java.util.HashMap<>();
        java.util.List<Process> children = new java.util.ArrayList<>();
        for (int k = 0; k < n; k++) {
            Process child = waitingChild(k);
            children.add(child);
            expected.put(child.pid(), k);
            queue.add(Ukevent.process(child).withCookie(k));
        }
        for (Process child : children) {
            release(child);
        }
        java.util.Map<Long, Integer> seen = new java.util.HashMap<>();
        EventBuffer batch = new EventBuffer(64);
        while (seen.size() < n) {
            int got = queue.getEvents(1, 64, 30, TimeUnit.SECONDS, batch);
            assertThat(got).as("events within 30 s, %d of %d so far", seen.size(), n).isPositive();
            for (int i = 0; i < got; i++) {
                assertThat(seen.put(batch.id(i), batch.exitStatus(i))).as("one EXIT per pid").isNull();
                assertThat(batch.cookie(i)).isEqualTo((long) expected.get(batch.id(i)));
            }
        }
        assertThat(seen).isEqualTo(expected);
        assertThat(queue.getEvents(0, 64, 0, TimeUnit.SECONDS, batch)).isZero();
    }

    @Test
    void aProcessKilledBySignalReportsWhatTheJdkReports128PlusTheSignal() throws Exception {
        Process child = new ProcessBuilder("sleep", "60").start();
        queue.add(Ukevent.process(child));
        child.destroyForcibly();
        assertExit(oneEvent(), child.pid(), 128 + 9);
        assertThat(child.waitFor()).isEqualTo(128 + 9);
    }

    @Test
    void aProcessThatExitedBeforeTheAddIsQueuedAtOnceWithItsStatus() throws Exception {
        Process child = waitingChild(5);
        release(child);
        assertThat(child.waitFor()).isEqualTo(5);
        CtlResults r = queue.ctl(CtlOp.ADD, Ukevent.process(child));
        assertThat(r.ok(0)).isTrue();
        assertThat(queue.getEvents(1, 8, 0, TimeUnit.SECONDS, events)).as("ready at add, no wait").isEqualTo(1);
        assertExit(0, child.pid(), 5);
        assertGone(child.pid());
    }

    @Test
    void aHandleOfAProcessThatExitedBeforeTheAddIsQueuedAtOnceWithoutAStatus() throws Exception {
        Process child = waitingChild(5);
        ProcessHandle handle = child.toHandle();
        release(child);
        child.waitFor();
        queue.add(Ukevent.process(handle));
        assertThat(queue.getEvents(1, 8, 0, TimeUnit.SECONDS, events)).isEqualTo(1);
        assertExit(0, child.pid(), Kevent.PROC_STATUS_UNKNOWN);
    }

    @Test
    void aHandleOfOurChildCarriesNoStatus() throws Exception {
        Process child = waitingChild(3);
        queue.add(Ukevent.process(child.toHandle()));
        release(child);
        assertExit(oneEvent(), child.pid(), Kevent.PROC_STATUS_UNKNOWN);
        assertThat(child.waitFor()).isEqualTo(3);
    }

    @Test
    void aProcessThatIsNotOurChildReportsItsExitWithoutAStatus() throws Exception {
        // sh starts a grandchild, prints its pid and exits; the grandchild sleeps on until the test
        // kills it through its handle (which works on any process, child or not).
        Process child = new ProcessBuilder("/bin/sh", "-c", "sleep 60 >/dev/null 2>&1 & echo $!")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        long pid = Long.parseLong(out.readLine().strip());
        ProcessHandle grandchild = ProcessHandle.of(pid).orElseThrow();
        assertThat(child.children().map(ProcessHandle::pid)).doesNotContain(ProcessHandle.current().pid());
        assertThat(ProcessHandle.current().children().map(ProcessHandle::pid)).doesNotContain(pid);
        queue.add(Ukevent.process(grandchild).withCookie(9));
        assertThat(queue.getEvents(0, 8, 0, TimeUnit.SECONDS, events)).as("alive: nothing").isZero();
        assertThat(grandchild.destroyForcibly()).isTrue();
        int i = oneEvent();
        assertExit(i, pid, Kevent.PROC_STATUS_UNKNOWN);
        assertThat(events.cookie(i)).isEqualTo(9);
        child.waitFor();
    }

    @Test
    void aPidNoProcessHasIsEsrchForThatRecordAlone() throws Exception {
        Process child = waitingChild(0);
        CtlResults r = queue.ctl(CtlOp.ADD, Ukevent.process(PID_MAX_LIMIT + 1), Ukevent.process(child));
        assertThat(r.ok(0)).isFalse();
        assertThat(r.errorName(0)).isEqualTo("ESRCH");
        assertThat(r.message(0)).contains("pid " + (PID_MAX_LIMIT + 1));
        assertThat(r.ok(1)).isTrue();
        release(child);
        assertExit(oneEvent(), child.pid(), 0);
    }

    @ParameterizedTest
    @ValueSource(longs = {0, -1, 1L << 32 | 1, Long.MAX_VALUE})
    void anIdThatIsNotAPidIsEinvalNamingTheField(long id) {
        CtlResults r = queue.ctl(CtlOp.ADD, Ukevent.process(id));
        assertThat(r.errorName(0)).isEqualTo("EINVAL");
        assertThat(r.message(0)).contains("PROC id " + id).contains("(field id)");
    }

    @Test
    void fieldsThatMeanNothingForAProcessAreEinvalNamingTheField() throws Exception {
        Process child = waitingChild(0);
        try {
            CtlResults r = queue.ctl(CtlOp.ADD,
                    Ukevent.process(child).withPeriod(Duration.ofMillis(1)),
                    Ukevent.process(child).withRecursive(true),
                    Ukevent.process(child).withEvents(Kevent.POLLIN),
                    Ukevent.process(child).withEvents(0),
                    Ukevent.process(child).withFlags(1 << 20));
            assertThat(r.failures()).isEqualTo(5);
            assertThat(r.message(0)).contains("(field period)");
            assertThat(r.message(1)).contains("(field recursive)");
            assertThat(r.message(2)).contains("POLLIN").contains("not PROC events");
            assertThat(r.message(3)).contains("empty event mask");
            assertThat(r.message(4)).contains("(field flags)");
            for (int k = 0; k < 5; k++) {
                assertThat(r.errorName(k)).isEqualTo("EINVAL");
            }
            assertThat(queue.ctl(CtlOp.ADD, Ukevent.process(child)).ok(0)).as("nothing was registered").isTrue();
            assertThat(queue.ctl(CtlOp.ADD, Ukevent.process(child.toHandle())).errorName(0)).isEqualTo("EEXIST");
        } finally {
            release(child);
        }
    }

    @Test
    void aNullProcessIsAProgrammingErrorAtOnce() {
        assertThatThrownBy(() -> Ukevent.process((Process) null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("process");
        assertThatThrownBy(() -> Ukevent.process((ProcessHandle) null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("handle");
    }

    /** EXIT happens once and holds for good: every mode delivers it once and removes the interest. */
    @ParameterizedTest
    @ValueSource(ints = {Kevent.REQ_LEVEL, Kevent.REQ_ET, Kevent.REQ_ONESHOT, Kevent.REQ_DISPATCH,
            Kevent.REQ_WAKEUP_ALL})
    void everyTriggerModeDeliversTheExitOnceAndRemovesTheInterest(int flags) throws Exception {
        Process child = waitingChild(3);
        queue.add(Ukevent.process(child).withFlags(flags));
        release(child);
        assertExit(oneEvent(), child.pid(), 3);
        assertThat(queue.getEvents(0, 8, 0, TimeUnit.SECONDS, events)).as("never again").isZero();
        assertGone(child.pid());
    }

    @Test
    void modifyReplacesTheCookieOfAWatchedProcess() throws Exception {
        Process child = waitingChild(0);
        queue.add(Ukevent.process(child).withCookie(1));
        queue.modify(Ukevent.process(child).withCookie(2).withFlags(Kevent.REQ_ET));
        release(child);
        int i = oneEvent();
        assertThat(events.cookie(i)).isEqualTo(2);
    }

    /**
     * The pidfds this process holds. Counted by kind rather than all descriptors: the JDK closes a
     * finished child's pipes on its reaper thread, after {@code waitFor} returns, so a total could
     * move under the test because of another test's child.
     */
    private static long pidfds() throws Exception {
        try (var fds = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return java.nio.file.Files.readSymbolicLink(fd).toString().equals("anon_inode:[pidfd]");
                } catch (java.io.IOException closedMeanwhile) {
                    return false;
                }
            }).count();
        }
    }

    @Test
    void removeBeforeTheExitClosesTheDescriptorAndNothingIsDelivered() throws Exception {
        Process child = waitingChild(0);
        long before = pidfds();
        queue.add(Ukevent.process(child));
        assertThat(pidfds()).as("one pidfd").isEqualTo(before + 1);
        queue.remove(EventType.PROC, child.pid());
        assertThat(pidfds()).as("the pidfd closed").isEqualTo(before);
        release(child);
        assertThat(child.waitFor()).isZero();
        assertThat(queue.getEvents(0, 8, 0, TimeUnit.SECONDS, events)).isZero();
    }

    @Test
    void theDeliveryAndTheQueuesCloseEachCloseTheDescriptor() throws Exception {
        Process first = waitingChild(0);
        Process second = waitingChild(0);
        long before = pidfds();
        KeventQueue own = KeventQueue.open();
        own.add(Ukevent.process(first));
        own.add(Ukevent.process(second));
        assertThat(pidfds()).isEqualTo(before + 2);
        release(first);
        assertThat(own.getEvents(1, 8, 30, TimeUnit.SECONDS, events)).isEqualTo(1);
        assertThat(pidfds()).as("delivered: its pidfd closed").isEqualTo(before + 1);
        own.close();
        assertThat(pidfds()).as("closed: every pidfd closed").isEqualTo(before);
        release(second);
        second.waitFor();
    }

    @Test
    void aFailedAddLeavesNoDescriptorBehind() throws Exception {
        long before = pidfds();
        assertThat(queue.ctl(CtlOp.ADD, Ukevent.process(PID_MAX_LIMIT + 1)).errorName(0)).isEqualTo("ESRCH");
        Process child = waitingChild(0);
        queue.add(Ukevent.process(child));
        assertThat(queue.ctl(CtlOp.ADD, Ukevent.process(child)).errorName(0)).isEqualTo("EEXIST");
        assertThat(pidfds()).as("only the first ADD's").isEqualTo(before + 1);
        release(child);
        oneEvent();
        assertThat(pidfds()).isEqualTo(before);
    }

    @Test
    void aReadyExitWaitsForAnotherThreadToTakeIt() throws Exception {
        Process child = waitingChild(4);
        queue.add(Ukevent.process(child));
        var waiter = TestQueues.async(() -> {
            EventBuffer mine = new EventBuffer(1);
            int n = queue.getEvents(1, 1, 30, TimeUnit.SECONDS, mine);
            return n == 1 ? mine.exitStatus(0) : -100;
        });
        release(child);
        assertThat(waiter.get(60, TimeUnit.SECONDS)).isEqualTo(4);
    }

    @Test
    void otherTypesReadersRefuseAnExitEvent() throws Exception {
        Process child = waitingChild(0);
        queue.add(Ukevent.process(child));
        release(child);
        int i = oneEvent();
        assertThatThrownBy(() -> events.triggers(i)).isInstanceOf(IllegalArgumentException.class);
        assertThat(EventType.PROC.eventNames(Kevent.PROC_EXIT)).isEqualTo("EXIT");
        assertThat(Kevent.eventNames(Kevent.PROC_EXIT)).isEqualTo("PROC_EXIT");
    }
}

package org.kevent;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a contract suite on the portable engine (docs/SEMANTICS.md §10): a suite's subclass that
 * implements this opens every queue of its tests with {@code -Dkevent.engine=portable}, set around
 * each test (the suites run one at a time in the test JVM), so the same test bodies pin the same
 * rules on both engines. A rule that cannot hold there is overridden in the subclass,
 * {@code @Disabled} with the reason, so the exceptions are listed by name.
 *
 * <p>Sockets follow the default engine when they are made, so the property set around each test
 * also makes the suite's sockets portable ones (docs/SEMANTICS.md §10).
 *
 * <p>Suites with a subclass here: GetEvents, WaitRules, Close, Concurrency, Ring (each also with
 * virtual waiters), TriggerModes, Control, ControlProperties, EventBuffer, EventFamilies,
 * ModelRegression, SafetyUseAfterClose, VirtualThreadWait, JfrEvents, Proc, Inode (on the
 * WatchService: rename pairing, CLOSE_WRITE/ATTRIB, the injected-refusal cases and the rules that
 * need two changes read in one harvest disabled by name); in {@code org.kevent.net}: TcpSocket,
 * SocketInterest, BlockingSocket, Abort, FaultPeerReset, ConnectFromLocalAddress, NativeFile,
 * SocketResource, VirtualThreadSocket (its child JVM gets the property on its command line), and
 * network AIO's NaioContract and MultishotContract (on readiness). Not here: suites whose queues
 * run on a kernel stand-in under the Linux wiring whatever the property says (TimerTest,
 * ModelPropertiesTest, StressHandoffTest: the engine code they pin is shared by both engines),
 * InodeMerge (every case rests on the kernel queueing a record inside the call that causes it,
 * which a WatchService's thread does not promise), suites of POLL only (LevelFairness, Poll,
 * Nesting), a type the portable engine refuses; io_uring's own suites (UringNaio,
 * SingleIssuerNaio, the multishot pool limits); and the socket suites that pin the Linux engine's
 * own machinery: BlockingSocketWatchTest (the shared epoll watcher of {@code SocketWaits}, its
 * registration counts and a descriptor held in {@code /proc/self/fd} during a wait),
 * BlockingAllocationTest (allocation probes of the Linux hot path; the portable path wraps arrays
 * per call), RingWaitTest (io_uring), and EmfileProbe's child JVM under {@code prlimit}.
 */
@ExtendWith(OnPortableEngine.Property.class)
public interface OnPortableEngine {
    /** Guards the others: without it, a suite here could pass on the Linux engine. */
    @Test
    default void theQueuesOfThisSuiteRunOnThePortableEngine() {
        try (KeventQueue queue = KeventQueue.open()) {
            assertThat(queue.engine()).isEqualTo(QueueEngine.PORTABLE);
            assertThat(queue.engineName()).isEqualTo("portable");
        }
    }

    /** Sets {@code kevent.engine=portable} for the duration of each test, then restores it. */
    final class Property implements BeforeEachCallback, AfterEachCallback {
        private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(Property.class);

        @Override
        public void beforeEach(ExtensionContext context) {
            String before = System.getProperty(EngineChoice.PROPERTY);
            context.getStore(NS).put("before", before == null ? "" : before);
            System.setProperty(EngineChoice.PROPERTY, QueueEngine.PORTABLE.toString());
        }

        @Override
        public void afterEach(ExtensionContext context) {
            String before = context.getStore(NS).get("before", String.class);
            if (before == null || before.isEmpty()) {
                System.clearProperty(EngineChoice.PROPERTY);
            } else {
                System.setProperty(EngineChoice.PROPERTY, before);
            }
        }
    }
}

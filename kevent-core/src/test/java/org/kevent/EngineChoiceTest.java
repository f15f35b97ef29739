package org.kevent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.kevent.net.TcpListener;

/**
 * Which engine a queue opens on (docs/SEMANTICS.md §10): the decision rules, on stand-in openers
 * and OS names, and the portable queue's refusals, in this JVM (whose native access is allowed;
 * {@link NativeAccessDeniedTest} runs the refusal itself).
 */
class EngineChoiceTest {
    private static final Supplier<String> LINUX = () -> "linux";
    private static final Supplier<String> PORTABLE = () -> "portable";

    @AfterEach
    void forgetFallbacks() {
        // The remembered reason is per JVM: left set, every later queue of this JVM would be portable.
        EngineChoice.rememberForTests(null);
    }

    private static Supplier<String> throwing(RuntimeException e) {
        return () -> {
            throw e;
        };
    }

    @Test
    void theAutomaticChoiceIsLinuxOnLinux() {
        assertThat(EngineChoice.open(QueueEngine.AUTO, "Linux", LINUX, PORTABLE)).isEqualTo("linux");
        assertThat(EngineChoice.linuxUnavailable()).isNull();
    }

    @Test
    void anotherOsGetsThePortableEngineWithoutTryingLinux() {
        Supplier<String> mustNotRun = () -> {
            throw new AssertionError("the linux engine was tried on Mac OS X");
        };

        assertThat(EngineChoice.open(QueueEngine.AUTO, "Mac OS X", mustNotRun, PORTABLE)).isEqualTo("portable");
        assertThat(EngineChoice.linuxUnavailable()).isEqualTo("the OS is Mac OS X, not Linux");
    }

    @Test
    void aRefusalOfNativeAccessFallsBackAndIsRemembered() {
        RuntimeException refused = new IllegalCallerException("Illegal native access from an unnamed module");
        assertThat(EngineChoice.open(QueueEngine.AUTO, "Linux", throwing(refused), PORTABLE)).isEqualTo("portable");
        assertThat(EngineChoice.linuxUnavailable()).startsWith("native access refused (Illegal native access");

        // Remembered: the bindings whose initializer failed stay unusable, so Linux is not tried again.
        Supplier<String> mustNotRun = () -> {
            throw new AssertionError("the linux engine was tried again");
        };
        assertThat(EngineChoice.open(QueueEngine.AUTO, "Linux", mustNotRun, PORTABLE)).isEqualTo("portable");
    }

    @Test
    void theReasonsToFallBackAreTheRefusalsOfTheEngineNotItsErrors() {
        assertThat(EngineChoice.fallbackReason(new ExceptionInInitializerError(new IllegalCallerException("no"))))
                .startsWith("native access refused (no;");
        assertThat(EngineChoice.fallbackReason(new UnsupportedOperationException("arch")))
                .startsWith("no foreign function support");
        assertThat(EngineChoice.fallbackReason(new NoClassDefFoundError("org/kevent/internal/sys/Epoll")))
                .startsWith("the native bindings cannot link");
        assertThat(EngineChoice.fallbackReason(new KeventException("epoll_create1", "ENOSYS", "no epoll")))
                .startsWith("the kernel lacks a facility");
        assertThat(EngineChoice.fallbackReason(new KeventException("epoll_create1", "EMFILE", "full"))).isNull();
        assertThat(EngineChoice.fallbackReason(new IllegalStateException("bug"))).isNull();
    }

    /** A queue that fails for lack of descriptors must not quietly become a slower queue. */
    @Test
    void aResourceErrorOfTheLinuxEngineIsThrownNotFallenBackFrom() {
        KeventException emfile = new KeventException("epoll_create1", "EMFILE", "too many open files");

        assertThatThrownBy(() -> EngineChoice.open(QueueEngine.AUTO, "Linux", throwing(emfile), PORTABLE))
                .isSameAs(emfile);
        assertThat(EngineChoice.linuxUnavailable()).isNull();
    }

    @Test
    void theLinuxEngineAskedForOnAnotherOsFailsNamingTheReason() {
        assertThatThrownBy(() -> EngineChoice.open(QueueEngine.LINUX, "Windows 11", LINUX, PORTABLE))
                .isInstanceOf(KeventException.class)
                .hasMessageContaining("KeventQueue.open: EOPNOTSUPP (linux engine unavailable: the OS is Windows 11");
    }

    @Test
    void thePortableEngineAskedForIsNeverLinux() {
        Supplier<String> mustNotRun = () -> {
            throw new AssertionError("the linux engine was tried");
        };
        assertThat(EngineChoice.open(QueueEngine.PORTABLE, "Linux", mustNotRun, PORTABLE)).isEqualTo("portable");
        assertThat(EngineChoice.linuxUnavailable()).isNull();
    }

    @Test
    void theBuilderOverridesThePropertyAndABadPropertyNamesItself() {
        String before = System.getProperty(EngineChoice.PROPERTY);
        try {
            System.setProperty(EngineChoice.PROPERTY, "portable");
            assertThat(EngineChoice.asked(null)).isEqualTo(QueueEngine.PORTABLE);
            assertThat(EngineChoice.asked(QueueEngine.AUTO)).isEqualTo(QueueEngine.AUTO);
            try (KeventQueue q = KeventQueue.builder().engine(QueueEngine.LINUX).open()) {
                assertThat(q.engine()).isEqualTo(QueueEngine.LINUX);
            }
            System.setProperty(EngineChoice.PROPERTY, "epoll");
            assertThatThrownBy(() -> KeventQueue.open()).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("-Dkevent.engine=epoll: expected linux, portable or auto");
        } finally {
            if (before == null) {
                System.clearProperty(EngineChoice.PROPERTY);
            } else {
                System.setProperty(EngineChoice.PROPERTY, before);
            }
        }
        assertThat(EngineChoice.asked(null)).isEqualTo(QueueEngine.AUTO);
        assertThatThrownBy(() -> KeventQueue.builder().engine(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> QueueEngine.of("Linux")).isInstanceOf(IllegalArgumentException.class);
        assertThat(QueueEngine.of("portable")).isEqualTo(QueueEngine.PORTABLE);
    }

    @Test
    void aPortableQueueSaysSoAndServesTimersAndUserEvents() {
        try (KeventQueue q = KeventQueue.builder().engine(QueueEngine.PORTABLE).open()) {
            assertThat(q.engine()).isEqualTo(QueueEngine.PORTABLE);
            assertThat(q.engineName()).isEqualTo("portable");
            assertThat(q.toString()).isEqualTo("KeventQueue[portable]");
            q.ctl(CtlOp.ADD, Ukevent.timer(1, Duration.ofMillis(1)), Ukevent.user(2));
            q.trigger(2);
            EventBuffer out = new EventBuffer(4);

            assertThat(q.getEvents(2, 4, 10, TimeUnit.SECONDS, out)).isEqualTo(2);
        }
    }

    /** Each refused record fails alone, with a message; the rest of the batch applies. */
    @Test
    void thePortableEngineRefusesDescriptorTypesPerRecord() throws Exception {
        try (KeventQueue q = KeventQueue.builder().engine(QueueEngine.PORTABLE).open();
             TcpListener listener = TcpListener.bind(new java.net.InetSocketAddress(
                     java.net.InetAddress.getLoopbackAddress(), 0), 1, false)) {
            CtlResults r = q.ctl(CtlOp.ADD, Ukevent.poll(0, Kevent.POLLIN), Ukevent.user(1),
                    Ukevent.socket(listener, Kevent.SOCKET_ACCEPT),
                    Ukevent.inode(7, java.nio.file.Path.of("/tmp"), Kevent.INODE_CREATE), Ukevent.user(2));

            assertThat(r.failures()).isEqualTo(2);
            assertThat(r.errorName(0)).isEqualTo("EOPNOTSUPP");
            assertThat(r.message(0)).contains("not supported by the portable engine", "linux engine");
            // SOCKET is served, on the portable engine's sockets: this listener, made on the
            // default (linux) engine, is the other engine's.
            assertThat(r.errorName(2)).isEqualTo("EINVAL");
            assertThat(r.message(2)).contains("native socket", "portable engine");
            assertThat(r.message(0)).startsWith("POLL records");
            // PROC is served (on the JDK's exit completions): this process's own exit never comes.
            CtlResults proc = q.ctl(CtlOp.ADD, Ukevent.process(ProcessHandle.current()));
            assertThat(proc.ok(0)).isTrue();
            assertThat(r.ok(1)).isTrue();
            assertThat(r.ok(3)).as("INODE is served, on the WatchService").isTrue();
            assertThat(r.ok(4)).isTrue();
            assertThat(q.stats().registered()).isEqualTo(4);
        }
    }

    @Test
    void aPortableQueueHasNoReadinessFdAndItsNetworkAioRunsOnReadiness() {
        try (KeventQueue q = KeventQueue.builder().engine(QueueEngine.PORTABLE).aioEngine(AioEngine.IO_URING).open()) {
            assertThatThrownBy(q::readinessFd).isInstanceOf(KeventException.class)
                    .hasMessageStartingWith("readinessFd: EOPNOTSUPP (the portable engine has no file descriptor");
            // Network AIO is served on the portable sockets, by the readiness engine whatever was asked.
            assertThat(q.aioCancel(1)).as("no such request").isFalse();
            assertThat(q.aioEngine()).isEqualTo(AioEngine.READINESS);
            // Still usable after the refusals.
            q.add(Ukevent.user(1));
        }
    }
}

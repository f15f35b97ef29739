package org.kevent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.kevent.testing.ChildJvm;

/**
 * A JVM that refuses this library native access ({@code --illegal-native-access=deny}, no
 * {@code --enable-native-access}) still opens queues: on the portable engine, the reason logged
 * once (docs/SEMANTICS.md §10). Each case runs {@link PortableProbe} in a child JVM, the only way
 * to get a JVM with other native-access settings.
 */
class NativeAccessDeniedTest {
    private static final String FALLBACK_LOG = "linux engine unavailable: native access refused";

    @Test
    void theAutomaticChoiceFallsBackToPortableAndLogsTheReasonOnce() {
        String[] out = ChildJvm.runMainDenyingNativeAccess(PortableProbe.class, List.of());

        assertThat(out).as("child output").isNotNull()
                .contains("engine portable portable portable",
                        "poll EOPNOTSUPP user added inode added socket EBADF", "events 2",
                        "inode event CREATE probe-file", "readinessFd EOPNOTSUPP", "aioCancel false");
        assertThat(Arrays.stream(out).filter(line -> line.contains(FALLBACK_LOG)))
                .as("the fallback log over two opened queues").hasSize(1)
                .allSatisfy(line -> assertThat(line).contains("--enable-native-access", ", using portable"));
    }

    /**
     * The portable path must not even load a binding class: their initializers link native calls.
     * The probe's refused records and calls (POLL, a SOCKET id no portable socket has,
     * readinessFd) are on that path too, and so are INODE on the WatchService, from the ADD to the
     * event's name, and aioCancel on the portable engine's network AIO.
     */
    @Test
    void thePortableEngineAskedForLoadsNoClassOfTheBindingsOrTheLinuxBackend() {
        String[] out = ChildJvm.runMainDenyingNativeAccess(PortableProbe.class,
                List.of("-Dkevent.engine=portable", "-verbose:class"));

        assertThat(out).as("child output").isNotNull().contains("events 2",
                "poll EOPNOTSUPP user added inode added socket EBADF", "inode event CREATE probe-file",
                "aioCancel false");
        assertThat(Arrays.stream(out).filter(line -> line.contains("org.kevent.internal.sys.")
                || line.contains("org.kevent.internal.linux.") || line.contains("org.kevent.net."))).isEmpty();
        assertThat(Arrays.stream(out).filter(line -> line.contains("linux engine unavailable"))).isEmpty();
    }

    /**
     * Sockets follow the default engine: where native access is refused, a listener, a connect, a
     * SOCKET interest, an echo and a network AIO receive work on the portable engine's sockets,
     * the fallback logged once.
     */
    @Test
    void socketsFollowTheFallbackToThePortableEngine() {
        String[] out = ChildJvm.runMainDenyingNativeAccess(PortableSocketProbe.class, List.of());

        assertThat(out).as("child output").isNotNull()
                .contains("engine portable", "accept event true", "recv event true", "echo ping", "naio 3");
        assertThat(Arrays.stream(out).filter(line -> line.contains(FALLBACK_LOG))).as("logged once").hasSize(1);
    }

    /**
     * A socket made before any queue meets the refusal itself (its first native call): it falls
     * back as a queue does, the reason logged once, and the queue opened next is portable too.
     */
    @Test
    void aSocketMadeBeforeAnyQueueFallsBackOnItsOwnFirstCall() {
        String[] out = ChildJvm.runMainDenyingNativeAccess(PortableSocketProbe.class, List.of(), "listener-first");

        assertThat(out).as("child output").isNotNull()
                .contains("engine portable", "accept event true", "recv event true", "echo ping", "naio 3");
        assertThat(Arrays.stream(out).filter(line -> line.contains(FALLBACK_LOG))).as("logged once").hasSize(1);
    }

    /**
     * The portable sockets, their selector, their SOCKET kind and network AIO on them load no
     * binding and no Linux backend class.
     */
    @Test
    void thePortableEnginesSocketsLoadNoClassOfTheBindingsOrTheLinuxBackend() {
        String[] out = ChildJvm.runMainDenyingNativeAccess(PortableSocketProbe.class,
                List.of("-Dkevent.engine=portable", "-verbose:class"));

        assertThat(out).as("child output").isNotNull()
                .contains("engine portable", "accept event true", "recv event true", "echo ping", "naio 3");
        assertThat(Arrays.stream(out).filter(line -> line.contains("org.kevent.internal.sys.")
                || line.contains("org.kevent.internal.linux."))).isEmpty();
    }

    @Test
    void theLinuxEngineAskedForFailsAtOpenNamingTheRefusal() {
        String[] out = ChildJvm.runMainDenyingNativeAccess(PortableProbe.class, List.of("-Dkevent.engine=linux"));

        assertThat(out).as("child output").isNotNull();
        assertThat(Arrays.stream(out).filter(line -> line.startsWith("open ")))
                .singleElement().asString()
                .contains("KeventException", "KeventQueue.open: EOPNOTSUPP", FALLBACK_LOG);
    }
}

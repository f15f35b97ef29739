package org.kevent.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.kevent.AioEngine;
import org.kevent.EventBuffer;
import org.kevent.KeventException;
import org.kevent.KeventQueue;

/**
 * Which network AIO engine a queue gets: io_uring when the kernel allows it, the readiness engine
 * when io_uring is refused — never silently, and with identical completions. The refusal is
 * injected at the {@code io_uring_setup} boundary (the errno it returns), because the real switch,
 * {@code kernel.io_uring_disabled}, is global to a shared machine.
 */
class NaioEngineChoiceTest {
    private static final String REFUSAL = "kevent.test.ioUringSetupErrno";

    @AfterEach
    void clearProperties() {
        System.clearProperty(REFUSAL);
        System.clearProperty("kevent.aio");
    }

    @Test
    void autoPicksIoUringWhenTheKernelHasIt() {
        try (KeventQueue q = KeventQueue.open()) {
            assertThat(q.aioEngine()).isEqualTo(AioEngine.IO_URING);
        }
    }

    @Test
    void aRefusedIoUringFallsBackToReadinessWhichStillCompletesRequests() throws Exception {
        System.setProperty(REFUSAL, "1"); // EPERM, as under kernel.io_uring_disabled=2
        try (KeventQueue q = KeventQueue.open(); Loopback pair = Loopback.open()) {
            assertThat(q.aioEngine()).isEqualTo(AioEngine.READINESS);
            ByteBuffer in = ByteBuffer.allocate(3);
            long id = q.aioRecv(pair.server, in);
            Loopback.sendAll(pair.client, "abc".getBytes());
            EventBuffer events = new EventBuffer(4);
            assertThat(q.getEvents(1, 4, 10, TimeUnit.SECONDS, events)).isEqualTo(1);
            assertThat(events.id(0)).isEqualTo(id);
            assertThat(events.data(0)).isEqualTo(3);
        }
    }

    @Test
    void aForcedIoUringThatTheKernelRefusesIsAnErrorNamingTheCall() {
        System.setProperty(REFUSAL, "38"); // ENOSYS, as under a seccomp filter
        System.setProperty("kevent.aio", "io_uring");
        try (KeventQueue q = KeventQueue.open()) {
            assertThatThrownBy(q::aioEngine).isInstanceOf(KeventException.class)
                    .hasMessageContaining("io_uring_setup").hasMessageContaining("ENOSYS");
        }
    }

    @Test
    void theSystemPropertyForcesReadinessAndAnUnknownValueIsRefused() {
        System.setProperty("kevent.aio", "readiness");
        try (KeventQueue q = KeventQueue.open()) {
            assertThat(q.aioEngine()).isEqualTo(AioEngine.READINESS);
        }
        System.setProperty("kevent.aio", "uring");
        try (KeventQueue q = KeventQueue.open()) {
            assertThatThrownBy(q::aioEngine).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("io_uring, readiness or auto");
        }
    }

    @Test
    void theBuildersChoiceOverridesTheSystemProperty() {
        System.setProperty("kevent.aio", "io_uring");
        try (KeventQueue q = KeventQueue.builder().aioEngine(AioEngine.READINESS).open()) {
            assertThat(q.aioEngine()).isEqualTo(AioEngine.READINESS);
        }
        assertThatThrownBy(() -> KeventQueue.builder().aioEngine(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void engineNamesReadBackAsTheSystemPropertySpellsThem() {
        for (AioEngine e : AioEngine.values()) {
            assertThat(AioEngine.of(e.toString())).isEqualTo(e);
        }
        assertThat(AioEngine.IO_URING).hasToString("io_uring");
        assertThatThrownBy(() -> AioEngine.of("epoll")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("io_uring, readiness or auto").hasMessageContaining("epoll");
        assertThatThrownBy(() -> AioEngine.of("IO_URING")).isInstanceOf(IllegalArgumentException.class);
    }
}

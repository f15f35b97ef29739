package org.kevent.internal.sys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.kevent.internal.linux.EpollPoller;

/**
 * Native memory has one owner each, closed exactly once (docs/RELIABILITY.md has the map):
 * the explicitly closed arenas ({@link EpollEventArray}, {@link InotifyBuffer}) refuse use after
 * close with {@link IllegalStateException} (the FFM guarantee, not a crash), and their owners
 * close them once however often they are closed themselves.
 */
@EnabledOnOs(OS.LINUX)
class SafetyArenaTest {

    @Test
    void anEpollEventArrayClosedTwiceFreesOnceAndRefusesUseAfterwards() {
        EpollEventArray events = new EpollEventArray(4);
        events.close();
        events.close();
        assertThatThrownBy(() -> events.events(0)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> events.data(0)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void anInotifyBufferRefusesUseAfterCloseAndASecondCloseIsAnErrorNotAFree() {
        InotifyBuffer buffer = new InotifyBuffer(InotifyBuffer.DEFAULT_SIZE);
        buffer.close();
        assertThatThrownBy(() -> buffer.wd(0)).isInstanceOf(IllegalStateException.class);
        // Its owner (LinuxInotify) drops the reference after closing it, so this never happens.
        assertThatThrownBy(buffer::close).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void anEpollPollerClosedTwiceClosesItsDescriptorsAndArrayOnce() {
        long before = openFds();
        EpollPoller poller = EpollPoller.open();
        poller.exportFd();
        poller.close();
        long after = openFds();
        poller.close();
        assertThat(openFds()).isEqualTo(after).isEqualTo(before);
    }

    @Test
    void theLinuxInotifyBackendClosesItsDescriptorWithItsBuffer() {
        org.kevent.internal.linux.LinuxInotify inotify = new org.kevent.internal.linux.LinuxInotify();
        int fd = inotify.open();
        assertThat(fd).isNotNegative();
        assertThat(inotify.read(fd)).as("nothing queued: -EAGAIN").isNegative();
        inotify.close(fd);
        assertThat(Files.exists(Path.of("/proc/self/fd/" + fd))).isFalse();
    }

    private static long openFds() {
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}

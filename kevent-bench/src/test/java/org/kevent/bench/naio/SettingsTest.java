package org.kevent.bench.naio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

class SettingsTest {

    @Test
    void bothPartsRunByDefaultSendfileFirst() {
        NaioBench.Settings s = NaioBench.Settings.of(8, 3, null, null);
        assertThat(s.parts()).containsExactly(Part.SENDFILE, Part.ECHO);
        assertThat(s.only()).isNull();
    }

    @Test
    void onePartAndSomeServersCanBeChosen() {
        NaioBench.Settings s = NaioBench.Settings.of(3, 1, "echo", "kevent,netty-io_uring");
        assertThat(s.parts()).containsExactly(Part.ECHO);
        assertThat(s.only()).isEqualTo(List.of("kevent", "netty-io_uring"));
    }

    @Test
    void anUnknownPartOrServerIsRefusedWithTheBadValue() {
        assertThatThrownBy(() -> NaioBench.Settings.of(8, 3, "sendfle", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sendfle");
        assertThatThrownBy(() -> NaioBench.Settings.of(8, 3, null, "kevent,netty"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown server netty");
    }

    @Test
    void everyServerKeyOfEitherPartCanBeChosenWithOnly() {
        for (Part part : Part.values()) {
            for (Server server : Server.of(part, java.nio.file.Path.of("f"))) {
                assertThat(NaioBench.KEYS).contains(server.key());
            }
        }
    }
}

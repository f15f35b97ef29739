package org.kevent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import picocli.CommandLine.TypeConversionException;

/** The times of {@code serve --request-timeout / --idle-timeout}: a positive number and its unit. */
class DurationConverterTest {
    private final ServeCommand.DurationConverter c = new ServeCommand.DurationConverter();

    @Test
    void timesAreReadWithTheirUnitAndPrintedBackTheSameWay() {
        assertThat(c.convert("10s")).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.convert("200ms")).isEqualTo(Duration.ofMillis(200));
        assertThat(c.convert("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.convert(" 1.5s ")).isEqualTo(Duration.ofMillis(1500));
        assertThat(ServeCommand.DurationConverter.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(ServeCommand.DurationConverter.format(Duration.ofSeconds(60))).isEqualTo("60s");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0s", "0ms", "0.0s", "10", "-1s", "s", "1h", "1e3s", "1,5s", "99999999999999m", ""})
    void anythingElseIsRefusedWithTheValueNamed(String time) {
        assertThatThrownBy(() -> c.convert(time)).isInstanceOf(TypeConversionException.class).hasMessageContaining("'" + time);
    }
}

package io.dbrestore.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationConverterTest {
  @Test
  void parse_acceptsHumanAndIsoForms() {
    assertThat(DurationConverter.parse("90s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(DurationConverter.parse("45m")).isEqualTo(Duration.ofMinutes(45));
    assertThat(DurationConverter.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(DurationConverter.parse("2d")).isEqualTo(Duration.ofDays(2));
    assertThat(DurationConverter.parse("PT6H")).isEqualTo(Duration.ofHours(6));
  }

  @Test
  void parse_rejectsNonsenseAndZero() {
    for (String bad : new String[] {"", "soon", "10", "5x", "1h 30m", "h1", "0s", "-PT1H"}) {
      assertThatThrownBy(() -> DurationConverter.parse(bad)).as(bad).hasMessageContaining("'");
    }
  }
}

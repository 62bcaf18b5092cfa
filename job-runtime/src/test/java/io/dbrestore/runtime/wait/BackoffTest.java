package io.dbrestore.runtime.wait;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
  @Test
  void next_growsByTheFactorUpToTheCap() {
    Backoff b = new Backoff(Duration.ofSeconds(5), Duration.ofSeconds(12), 2.0);

    Duration first = b.next(null);
    Duration second = b.next(first);
    Duration third = b.next(second);

    assertThat(first).isEqualTo(Duration.ofSeconds(5));
    assertThat(second).isEqualTo(Duration.ofSeconds(10));
    assertThat(third).isEqualTo(Duration.ofSeconds(12));
  }

  @Test
  void startingAt_whenTheStartIsBelowTheCap_growsToTheCap() {
    Backoff b = Backoff.startingAt(Duration.ofSeconds(5), Duration.ofSeconds(60), 1.5);

    assertThat(b).isEqualTo(new Backoff(Duration.ofSeconds(5), Duration.ofSeconds(60), 1.5));
  }

  @Test
  void startingAt_whenTheStartIsAboveTheCap_staysAtTheStart() {
    Backoff b = Backoff.startingAt(Duration.ofMinutes(2), Duration.ofSeconds(60), 1.5);

    assertThat(b.next(null)).isEqualTo(Duration.ofMinutes(2));
    assertThat(b.next(Duration.ofMinutes(2))).isEqualTo(Duration.ofMinutes(2));
  }
}

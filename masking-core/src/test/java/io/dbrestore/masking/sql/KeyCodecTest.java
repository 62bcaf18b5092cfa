package io.dbrestore.masking.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class KeyCodecTest {
  @Test
  void encodeDecode_keepsEveryKeyType() {
    UUID uuid = UUID.fromString("0f8fad5b-d9cb-469f-a165-70867728950e");
    List<Object> key =
        Arrays.asList(
            7,
            9_000_000_000L,
            new BigDecimal("12.50"),
            "a\"b",
            uuid,
            LocalDate.of(2024, 3, 1),
            LocalDateTime.of(2024, 3, 1, 10, 15, 30),
            null);

    assertThat(KeyCodec.decode(KeyCodec.encode(key))).isEqualTo(key);
  }

  @Test
  void sqlDate_comesBackAsALocalDate() {
    List<Object> key = List.of(java.sql.Date.valueOf("2024-03-01"));

    assertThat(KeyCodec.decode(KeyCodec.encode(key))).containsExactly(LocalDate.of(2024, 3, 1));
  }
}

package io.dbrestore.masking.sql;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Primary-key values to and from the checkpoint table, with their types, so that a resumed run
 * binds them back exactly as the driver returned them ({@code uuid}, {@code timestamp} and numeric
 * keys compare correctly only with values of their own type).
 */
final class KeyCodec {
  private static final ObjectMapper JSON = new ObjectMapper();

  private KeyCodec() {}

  static String encode(List<Object> key) {
    ArrayNode array = JSON.createArrayNode();
    for (Object v : key) {
      ArrayNode pair = array.addArray();
      if (v == null) {
        pair.add("null").addNull();
      } else if (v instanceof Integer i) {
        pair.add("int").add(i);
      } else if (v instanceof Long l) {
        pair.add("long").add(l);
      } else if (v instanceof Short s) {
        pair.add("int").add(s.intValue());
      } else if (v instanceof BigDecimal d) {
        pair.add("decimal").add(d.toPlainString());
      } else if (v instanceof UUID u) {
        pair.add("uuid").add(u.toString());
      } else if (v instanceof java.sql.Date d) {
        pair.add("date").add(d.toLocalDate().toString());
      } else if (v instanceof LocalDate d) {
        pair.add("date").add(d.toString());
      } else if (v instanceof LocalDateTime t) {
        pair.add("timestamp").add(t.toString());
      } else if (v instanceof Timestamp t) {
        pair.add("timestamp").add(t.toLocalDateTime().toString());
      } else if (v instanceof OffsetDateTime t) {
        pair.add("timestamptz").add(t.toString());
      } else {
        pair.add("string").add(v.toString());
      }
    }
    return array.toString();
  }

  static List<Object> decode(String text) {
    List<Object> key = new ArrayList<>();
    try {
      for (JsonNode pair : JSON.readTree(text)) {
        String type = pair.get(0).asText();
        JsonNode v = pair.get(1);
        key.add(
            switch (type) {
              case "null" -> null;
              case "int" -> v.asInt();
              case "long" -> v.asLong();
              case "decimal" -> new BigDecimal(v.asText());
              case "uuid" -> UUID.fromString(v.asText());
              case "date" -> LocalDate.parse(v.asText());
              case "timestamp" -> LocalDateTime.parse(v.asText());
              case "timestamptz" -> OffsetDateTime.parse(v.asText());
              default -> v.asText();
            });
      }
    } catch (java.io.IOException e) {
      throw new IllegalStateException("unreadable checkpoint key " + text, e);
    }
    return key;
  }
}

package io.dbrestore.masking.strategy;

import java.util.LinkedHashMap;
import java.util.Map;

/** Strategies under the fixed test key, built the way a rules file builds them. */
final class TestStrategies {
  static final MaskingKey GOLDEN_KEY = MaskingKey.of("dbrestore-golden-test-key-0123456789abcdef");
  static final MaskingKey OTHER_KEY = MaskingKey.of("dbrestore-other-test-key-0123456789abcdef");

  private TestStrategies() {}

  /** {@code strategy("token", "prefix", "tok_", "length", 20)}. */
  static Strategy strategy(String name, Object... options) {
    return strategy(GOLDEN_KEY, name, options);
  }

  static Strategy strategy(MaskingKey key, String name, Object... options) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < options.length; i += 2) {
      map.put((String) options[i], options[i + 1]);
    }
    return Strategies.create(name, map, key);
  }
}

package io.dbrestore.masking.strategy;

import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/** Builds strategies from their names and options in a rules file. */
public final class Strategies {
  private interface Factory {
    Strategy create(Options options, MaskingKey key);
  }

  private record Entry(List<String> options, boolean needsKey, Factory factory) {}

  private static final SortedMap<String, Entry> STRATEGIES = new TreeMap<>();

  static {
    STRATEGIES.put("keep", new Entry(List.of(), false, (o, k) -> SimpleStrategies.KEEP));
    STRATEGIES.put("null", new Entry(List.of(), false, (o, k) -> SimpleStrategies.NULL));
    STRATEGIES.put("remove", new Entry(List.of(), false, (o, k) -> SimpleStrategies.REMOVE));
    STRATEGIES.put(
        "email",
        new Entry(
            List.of("domain", "case"),
            true,
            (o, k) ->
                new EmailStrategy(
                    k,
                    domain(o.string("domain", "example.com", false)),
                    o.choice("case", "fold", List.of("fold", "preserve")).equals("fold"))));
    STRATEGIES.put(
        "phone",
        new Entry(
            List.of("keep-prefix"),
            true,
            (o, k) -> new PhoneStrategy(k, o.integer("keep-prefix", 0, 0, Integer.MAX_VALUE))));
    STRATEGIES.put(
        "token",
        new Entry(
            List.of("prefix", "length"),
            true,
            (o, k) ->
                new TokenStrategy(
                    k,
                    o.string("prefix", "", true),
                    o.integer(
                        "length",
                        TokenStrategy.DEFAULT_LENGTH,
                        TokenStrategy.MIN_LENGTH,
                        TokenStrategy.MAX_LENGTH))));
    STRATEGIES.put("name", new Entry(List.of("locale", "part", "script"), true, Strategies::name));
    STRATEGIES.put(
        "redact",
        new Entry(
            List.of("replacement"),
            false,
            (o, k) -> new RedactStrategy(o.string("replacement", RedactStrategy.DEFAULT, true))));
    STRATEGIES.put(
        "constant",
        new Entry(List.of("value"), false, (o, k) -> new ConstantStrategy(o.scalar("value"))));
    STRATEGIES.put(
        "date-shift",
        new Entry(
            List.of("days"),
            true,
            (o, k) ->
                new DateShiftStrategy(k, o.integer("days", null, 1, DateShiftStrategy.MAX_DAYS))));
  }

  private static final Set<String> NAMES = Collections.unmodifiableSet(STRATEGIES.keySet());

  private Strategies() {}

  /** Every strategy name a rules file may use, in alphabetical order. */
  public static Set<String> names() {
    return NAMES;
  }

  /**
   * Builds a strategy.
   *
   * @param name the strategy's name ({@code email}, {@code keep}, …)
   * @param options its options from the rules file (may be empty; never null)
   * @throws IllegalArgumentException with a one-line message naming the bad option and what is
   *     allowed, when the name is unknown or an option is missing, unknown or invalid
   */
  public static Strategy create(String name, Map<String, Object> options, MaskingKey key) {
    Entry entry = name == null ? null : STRATEGIES.get(name);
    if (entry == null) {
      throw new IllegalArgumentException(
          "unknown strategy '" + name + "'; known strategies: " + String.join(", ", NAMES));
    }
    Options o = Options.of(name, options, entry.options());
    if (entry.needsKey() && key == null) {
      throw new IllegalArgumentException("strategy '" + name + "' needs a masking key");
    }
    return entry.factory().create(o, key);
  }

  private static String domain(String domain) {
    if (domain.indexOf('@') >= 0 || domain.chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException(
          "option 'domain' of strategy 'email' must be a domain name without '@' or spaces, got '"
              + domain
              + "'");
    }
    return domain.toLowerCase(Locale.ROOT);
  }

  private static Strategy name(Options o, MaskingKey key) {
    String locale = o.choice("locale", "en", List.of("en", "ja"));
    String part = o.choice("part", "full", List.of("full", "first", "last"));
    if (o.has("script") && !locale.equals("ja")) {
      throw new IllegalArgumentException(
          "option 'script' of strategy 'name' is only for locale 'ja'");
    }
    String script = o.choice("script", "kanji", List.of("kanji", "kana"));
    return new NameStrategy(
        key, locale, NameStrategy.Part.valueOf(part.toUpperCase(Locale.ROOT)), script);
  }
}

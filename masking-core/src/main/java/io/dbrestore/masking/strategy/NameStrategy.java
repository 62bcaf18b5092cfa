package io.dbrestore.masking.strategy;

import io.dbrestore.masking.strategy.NameDictionaries.Names;

/**
 * {@code name}: a realistic fake person name from the bundled lists, so that screens and sorting
 * look like production without showing anyone's name. The given name and the family name are picked
 * from different bytes of one keyed hash of the trimmed input; not unique (two people may share a
 * fake name, as they share real ones).
 */
final class NameStrategy extends TextStrategy {
  static final String DOMAIN = "name/1";

  /** Which part of a name the field holds. */
  enum Part {
    FULL,
    FIRST,
    LAST
  }

  private final Names first;
  private final Names last;
  private final Part part;
  private final boolean familyFirst;

  NameStrategy(MaskingKey key, String locale, Part part, String script) {
    super("name", false, key);
    this.part = part;
    this.familyFirst = locale.equals("ja");
    if (familyFirst) {
      boolean kana = script.equals("kana");
      this.first = kana ? NameDictionaries.JA_FIRST_KANA : NameDictionaries.JA_FIRST_KANJI;
      this.last = kana ? NameDictionaries.JA_LAST_KANA : NameDictionaries.JA_LAST_KANJI;
    } else {
      this.first = NameDictionaries.EN_FIRST;
      this.last = NameDictionaries.EN_LAST;
    }
  }

  @Override
  Object maskText(String text) {
    byte[] h = key.hmac(DOMAIN, text.strip());
    String given = first.get(Hashes.u64(h, 0));
    String family = last.get(Hashes.u64(h, 8));
    return switch (part) {
      case FIRST -> given;
      case LAST -> family;
      case FULL -> familyFirst ? family + " " + given : given + " " + family;
    };
  }

  /** The longest name of the lists this field picks from (two names and a space when full). */
  @Override
  public int maxLength() {
    return switch (part) {
      case FIRST -> first.maxLength();
      case LAST -> last.maxLength();
      case FULL -> first.maxLength() + 1 + last.maxLength();
    };
  }

  @Override
  FormCheck checkText(String text) {
    boolean masked =
        switch (part) {
          case FIRST -> first.set().contains(text);
          case LAST -> last.set().contains(text);
          case FULL -> {
            int space = text.indexOf(' ');
            yield space > 0
                && (familyFirst ? last : first).set().contains(text.substring(0, space))
                && (familyFirst ? first : last).set().contains(text.substring(space + 1));
          }
        };
    return masked ? FormCheck.MASKED : FormCheck.NOT_MASKED;
  }
}

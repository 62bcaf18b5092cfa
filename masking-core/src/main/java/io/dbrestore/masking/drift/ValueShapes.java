package io.dbrestore.masking.drift;

import java.util.Collection;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The shapes of the values seen at one path: how many looked like an e-mail address, a phone
 * number, a date, a boolean, a number… Counts only: a value is classified and forgotten, never kept
 * or printed.
 */
public final class ValueShapes {
  private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");
  private static final Pattern PHONE = Pattern.compile("\\+?[0-9(][0-9 ().-]{5,}[0-9]");
  private static final Pattern ISO_DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}([T ].*)?");

  long documents;
  long values;
  long nulls;
  long emails;
  long phones;
  long dates;
  long booleans;
  long numbers;
  long strings;
  long objectIds;
  long empty;
  long other;

  /** Counts one value (a leaf, or an empty sub-document or array). */
  void add(Object v) {
    values++;
    if (v == null) {
      nulls++;
    } else if (v instanceof Boolean) {
      booleans++;
    } else if (v instanceof Number || v instanceof org.bson.types.Decimal128) {
      numbers++;
    } else if (v instanceof java.util.Date || v instanceof java.time.temporal.Temporal) {
      dates++;
    } else if (v instanceof org.bson.types.ObjectId) {
      objectIds++;
    } else if (v instanceof CharSequence s) {
      strings++;
      String text = s.toString().trim();
      if (EMAIL.matcher(text).matches()) {
        emails++;
      } else if (ISO_DATE.matcher(text).matches()) {
        dates++;
      } else if (PHONE.matcher(text).matches()
          && text.chars().filter(Character::isDigit).count() >= 7) {
        phones++;
      }
    } else if (v instanceof Map<?, ?> || v instanceof Collection<?>) {
      empty++;
    } else {
      other++;
    }
  }

  public long documents() {
    return documents;
  }

  /** Values that are not null nor empty containers. */
  long present() {
    return values - nulls - empty;
  }

  boolean onlyBooleansOrNumbers() {
    return present() > 0 && booleans + numbers == present();
  }

  boolean onlyNonTextDates() {
    return present() > 0 && dates == present() && strings == 0;
  }

  boolean onlyObjectIds() {
    return present() > 0 && objectIds == present();
  }

  boolean mostlyEmails() {
    return strings > 0 && emails * 2 >= strings;
  }

  boolean mostlyPhones() {
    return strings > 0 && phones * 2 >= strings;
  }

  boolean onlyNullOrEmpty() {
    return present() == 0;
  }
}

package io.dbrestore.runtime.wait;

/** One look at a condition: done with a value, or still pending in some state. */
public sealed interface Poll<T> {
  record Done<T>(T value) implements Poll<T> {}

  record Pending<T>(String status) implements Poll<T> {}

  static <T> Poll<T> done(T value) {
    return new Done<>(value);
  }

  static <T> Poll<T> pending(String status) {
    return new Pending<>(status);
  }
}

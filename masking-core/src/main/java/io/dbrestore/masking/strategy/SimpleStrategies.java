package io.dbrestore.masking.strategy;

/**
 * The strategies that do not look at values: {@code keep}, {@code null} and {@code remove}. They
 * apply to a whole field, array or sub-document included.
 */
final class SimpleStrategies {
  private SimpleStrategies() {}

  /** {@code keep}: no personal data here; declared so that every field is a decision. */
  static final Strategy KEEP =
      new Simple("keep") {
        @Override
        public boolean keeps() {
          return true;
        }

        @Override
        public Object mask(Object value) {
          return value;
        }

        @Override
        public FormCheck check(Object value) {
          return FormCheck.UNKNOWN;
        }
      };

  /** {@code null}: the field stays, with no value. */
  static final Strategy NULL =
      new Simple("null") {
        @Override
        public Object mask(Object value) {
          return null;
        }

        @Override
        public FormCheck check(Object value) {
          return value == null ? FormCheck.MASKED : FormCheck.NOT_MASKED;
        }
      };

  /** {@code remove}: the field is removed; the engine checks its absence. */
  static final Strategy REMOVE =
      new Simple("remove") {
        @Override
        public Object mask(Object value) {
          return Strategy.REMOVE;
        }

        @Override
        public FormCheck check(Object value) {
          return FormCheck.UNKNOWN;
        }
      };

  private abstract static class Simple implements Strategy {
    private final String name;

    Simple(String name) {
      this.name = name;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public int version() {
      return 1;
    }

    @Override
    public boolean unique() {
      return false;
    }

    @Override
    public String toString() {
      return name + "/1";
    }
  }
}

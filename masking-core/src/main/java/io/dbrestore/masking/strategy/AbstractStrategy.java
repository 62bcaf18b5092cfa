package io.dbrestore.masking.strategy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bson.Document;

/**
 * What every masking strategy shares: arrays and sub-documents found where a single value was
 * expected are masked leaf by leaf with the same strategy (fail closed: nothing inside them is left
 * as it is), and their form check is the combination of their leaves' checks. Subclasses only see
 * leaves, which may be null.
 */
abstract class AbstractStrategy implements Strategy {
  private final String name;
  private final boolean unique;

  AbstractStrategy(String name, boolean unique) {
    this.name = name;
    this.unique = unique;
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public int version() {
    return 1;
  }

  @Override
  public final boolean unique() {
    return unique;
  }

  @Override
  public final Object mask(Object value) {
    if (value instanceof List<?> list) {
      List<Object> out = new ArrayList<>(list.size());
      for (Object element : list) {
        out.add(inContainer(mask(element)));
      }
      return out;
    }
    if (value instanceof Map<?, ?> map) {
      Document out = new Document();
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        out.put(String.valueOf(entry.getKey()), inContainer(mask(entry.getValue())));
      }
      return out;
    }
    return maskLeaf(value);
  }

  @Override
  public final FormCheck check(Object value) {
    if (value instanceof List<?> list) {
      return combine(list);
    }
    if (value instanceof Map<?, ?> map) {
      return combine(map.values());
    }
    return checkLeaf(value);
  }

  /** The masked form of a value that is neither a list nor a map; {@code value} may be null. */
  abstract Object maskLeaf(Object value);

  /** The form check of a value that is neither a list nor a map; {@code value} may be null. */
  abstract FormCheck checkLeaf(Object value);

  /** A field can be removed from a document, not from an array: there it becomes null. */
  private static Object inContainer(Object masked) {
    return masked == REMOVE ? null : masked;
  }

  /** MASKED only if every leaf is; NOT_MASKED if any leaf is; otherwise (or empty) UNKNOWN. */
  private FormCheck combine(Iterable<?> values) {
    boolean any = false;
    boolean allMasked = true;
    for (Object v : values) {
      FormCheck c = check(v);
      if (c == FormCheck.NOT_MASKED) {
        return FormCheck.NOT_MASKED;
      }
      any = true;
      allMasked &= c == FormCheck.MASKED;
    }
    return any && allMasked ? FormCheck.MASKED : FormCheck.UNKNOWN;
  }

  @Override
  public String toString() {
    return name + "/" + version();
  }
}

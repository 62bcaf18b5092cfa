package io.dbrestore.aurora.flow;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * A row-count manifest ({@code schema.table → rows}) stored in a snapshot's tags: gzipped JSON in
 * base64, split over {@code dbrestore:manifest-0}, {@code -1}, … (an RDS tag value holds 256
 * characters, a resource 50 tags). A manifest too large for {@value #MAX_CHUNKS} tags is stored as
 * its totals only ({@code dbrestore:manifest-tables}, {@code -rows}), which are always written.
 */
public final class TagManifest {
  static final String CHUNK = "dbrestore:manifest-";
  static final String TABLES = "dbrestore:manifest-tables";
  static final String ROWS = "dbrestore:manifest-rows";
  static final int MAX_CHUNKS = 30;
  private static final int CHUNK_CHARS = 256;
  private static final ObjectMapper JSON = new ObjectMapper();

  private TagManifest() {}

  public static Map<String, String> encode(Map<String, Long> manifest) {
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put(TABLES, Integer.toString(manifest.size()));
    tags.put(ROWS, Long.toString(manifest.values().stream().mapToLong(Long::longValue).sum()));
    String data = Base64.getEncoder().encodeToString(gzip(manifest));
    int chunks = (data.length() + CHUNK_CHARS - 1) / CHUNK_CHARS;
    if (chunks <= MAX_CHUNKS) {
      for (int i = 0; i < chunks; i++) {
        tags.put(
            CHUNK + i,
            data.substring(i * CHUNK_CHARS, Math.min(data.length(), (i + 1) * CHUNK_CHARS)));
      }
    }
    return tags;
  }

  /** The manifest in these tags; empty when only the totals were stored (or none at all). */
  public static Optional<Map<String, Long>> decode(Map<String, String> tags) {
    StringBuilder data = new StringBuilder();
    for (int i = 0; tags.containsKey(CHUNK + i); i++) {
      data.append(tags.get(CHUNK + i));
    }
    if (data.isEmpty()) {
      return Optional.empty();
    }
    try (var in =
        new GZIPInputStream(
            new ByteArrayInputStream(Base64.getDecoder().decode(data.toString())))) {
      return Optional.of(JSON.readValue(in, new TypeReference<LinkedHashMap<String, Long>>() {}));
    } catch (IOException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static byte[] gzip(Map<String, Long> manifest) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (var out = new GZIPOutputStream(bytes)) {
      JSON.writeValue(out, manifest);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }
}

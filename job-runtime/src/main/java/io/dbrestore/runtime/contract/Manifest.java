package io.dbrestore.runtime.contract;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dbrestore.runtime.ExitCode;
import io.dbrestore.runtime.error.JobException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * Documents per collection ({@code db.collection}), or rows per table ({@code schema.table}), in a
 * masked copy: what tomorrow's sanity check compares against and what a restore verifies.
 *
 * <p>Stored on the masked snapshot as tags. EC2 and RDS allow 50 tags per resource and 256
 * characters per value, so the canonical JSON (keys sorted, no spaces) is deflated, base64-encoded
 * and cut into 256-character pieces, {@code dbrestore:manifest-1} … {@code dbrestore:manifest-N}
 * (at most {@value #MAX_PARTS}), with {@code dbrestore:manifest-parts=N} and {@code
 * dbrestore:manifest-sha256} (of the canonical JSON) beside them; with dbrestore's own tags that
 * stays under 50 on the snapshot and on the working volume. Names compress well, counts do not: 900
 * collections with 35-character names and seven-digit counts take 34 pieces.
 */
public record Manifest(Map<String, Long> counts) {
  public static final String PARTS_TAG = "dbrestore:manifest-parts";
  public static final String SHA256_TAG = "dbrestore:manifest-sha256";
  public static final String PART_TAG_PREFIX = "dbrestore:manifest-";
  public static final int MAX_PARTS = 36;
  static final int PART_LENGTH = 256;
  private static final ObjectMapper JSON = new ObjectMapper();

  public Manifest {
    counts = java.util.Collections.unmodifiableMap(new TreeMap<>(counts));
  }

  public long documents() {
    return counts.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Keys sorted, no spaces: the same counts always give the same text and digest. */
  public String canonicalJson() {
    try {
      return JSON.writeValueAsString(counts);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** SHA-256 of the canonical JSON, hex. */
  public String sha256() {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256")
                  .digest(canonicalJson().getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The first 16 hex digits of {@link #sha256()}: short enough for a snapshot description. */
  public String shortSha256() {
    return sha256().substring(0, 16);
  }

  /** The tags, or a fault ({@code manifest-too-large}) when they would not fit. */
  public Map<String, String> toTags() {
    return tagsIfTheyFit()
        .orElseThrow(
            () ->
                new JobException(
                    ExitCode.FAULT,
                    "manifest-too-large",
                    "the manifest of "
                        + counts.size()
                        + " collections needs more than the "
                        + MAX_PARTS
                        + " tags a snapshot has room for beside dbrestore's own; see"
                        + " docs/mongo-ec2.md"));
  }

  /** The tags, or empty when the manifest needs more than {@value #MAX_PARTS} pieces. */
  public Optional<Map<String, String>> tagsIfTheyFit() {
    byte[] json = canonicalJson().getBytes(StandardCharsets.UTF_8);
    Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
    deflater.setInput(json);
    deflater.finish();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[4096];
    while (!deflater.finished()) {
      out.write(buffer, 0, deflater.deflate(buffer));
    }
    deflater.end();
    String encoded = Base64.getEncoder().encodeToString(out.toByteArray());
    int parts = (encoded.length() + PART_LENGTH - 1) / PART_LENGTH;
    if (parts > MAX_PARTS) {
      return Optional.empty();
    }
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put(PARTS_TAG, Integer.toString(parts));
    tags.put(SHA256_TAG, sha256());
    for (int i = 0; i < parts; i++) {
      tags.put(
          PART_TAG_PREFIX + (i + 1),
          encoded.substring(i * PART_LENGTH, Math.min(encoded.length(), (i + 1) * PART_LENGTH)));
    }
    return Optional.of(tags);
  }

  /**
   * Reads a manifest back from tags; empty when the tags hold none (a snapshot from before
   * manifests, or a shared one whose owner's tags this account cannot see). A manifest whose pieces
   * are missing or do not match their digest is an error, never silently ignored.
   */
  public static Optional<Manifest> fromTags(String resourceId, Map<String, String> tags) {
    String partsText = tags.get(PARTS_TAG);
    if (partsText == null) {
      return Optional.empty();
    }
    try {
      int parts = Integer.parseInt(partsText);
      StringBuilder encoded = new StringBuilder();
      for (int i = 1; i <= parts; i++) {
        String part = tags.get(PART_TAG_PREFIX + i);
        if (part == null) {
          throw new IllegalArgumentException("piece " + i + " of " + parts + " is missing");
        }
        encoded.append(part);
      }
      byte[] deflated = Base64.getDecoder().decode(encoded.toString());
      Inflater inflater = new Inflater();
      inflater.setInput(deflated);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buffer = new byte[4096];
      while (!inflater.finished()) {
        int n = inflater.inflate(buffer);
        if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
          throw new IllegalArgumentException("the pieces are truncated");
        }
        out.write(buffer, 0, n);
      }
      inflater.end();
      Map<String, Long> counts =
          JSON.readValue(out.toByteArray(), new TypeReference<Map<String, Long>>() {});
      Manifest manifest = new Manifest(counts);
      String sha = tags.get(SHA256_TAG);
      if (sha != null && !sha.equals(manifest.sha256())) {
        throw new IllegalArgumentException("its pieces do not match " + SHA256_TAG);
      }
      return Optional.of(manifest);
    } catch (IllegalArgumentException | DataFormatException | java.io.IOException e) {
      throw new JobException(
          ExitCode.REFUSED,
          "manifest-unreadable",
          "the manifest tags of "
              + resourceId
              + " cannot be read ("
              + e.getMessage()
              + "); was the snapshot's tags edited by hand?");
    }
  }
}

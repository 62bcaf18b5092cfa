package io.dbrestore.masking.mongo;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Counts the 64-bit hashes that occur more than once among any number of them, in memory bounded by
 * {@code runSize} hashes (8 bytes each): full runs are sorted and spilled to temporary files, then
 * merged. The pre-write collision pass over a collection of hundreds of millions of documents thus
 * holds a few megabytes, not gigabytes (memory is bounded by workers × batch in every phase).
 */
final class DuplicateHashes implements AutoCloseable {
  /** 32 MB of hashes a run: a collection of 500 million documents spills about 120 files. */
  static final int DEFAULT_RUN = 1 << 22;

  private final int runSize;
  private long[] run;
  private int n;
  private final List<Path> spilled = new ArrayList<>();

  DuplicateHashes() {
    this(DEFAULT_RUN);
  }

  DuplicateHashes(int runSize) {
    this.runSize = runSize;
    this.run = new long[Math.min(1024, runSize)];
  }

  void add(long hash) {
    if (n == run.length) {
      if (run.length < runSize) {
        run = Arrays.copyOf(run, Math.min(runSize, run.length * 2));
      } else {
        spill();
      }
    }
    run[n++] = hash;
  }

  /** How many distinct hashes occur more than once. */
  long groups() {
    Arrays.sort(run, 0, n);
    if (spilled.isEmpty()) {
      return countGroups(new ArrayCursor(run, n));
    }
    spill();
    List<Cursor> cursors = new ArrayList<>();
    try {
      for (Path p : spilled) {
        cursors.add(new FileCursor(p));
      }
      return countGroups(new MergeCursor(cursors));
    } finally {
      for (Cursor c : cursors) {
        c.close();
      }
    }
  }

  private static long countGroups(Cursor sorted) {
    long groups = 0;
    boolean have = false;
    long previous = 0;
    boolean counted = false;
    while (sorted.hasNext()) {
      long h = sorted.next();
      if (have && h == previous) {
        if (!counted) {
          groups++;
          counted = true;
        }
      } else {
        counted = false;
      }
      previous = h;
      have = true;
    }
    return groups;
  }

  private void spill() {
    if (n == 0) {
      return;
    }
    Arrays.sort(run, 0, n);
    try {
      Path file = Files.createTempFile("dbrestore-hashes-", ".bin");
      file.toFile().deleteOnExit();
      try (DataOutputStream out =
          new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16))) {
        for (int i = 0; i < n; i++) {
          out.writeLong(run[i]);
        }
      }
      spilled.add(file);
    } catch (IOException e) {
      throw new UncheckedIOException("could not spill hashes to a temporary file", e);
    }
    n = 0;
  }

  @Override
  public void close() {
    for (Path p : spilled) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException e) {
        // a temporary file: deleted on exit too
      }
    }
    spilled.clear();
  }

  /** A sorted sequence of hashes. */
  private interface Cursor extends AutoCloseable {
    boolean hasNext();

    long next();

    @Override
    default void close() {}
  }

  private static final class ArrayCursor implements Cursor {
    private final long[] values;
    private final int size;
    private int at;

    ArrayCursor(long[] values, int size) {
      this.values = values;
      this.size = size;
    }

    @Override
    public boolean hasNext() {
      return at < size;
    }

    @Override
    public long next() {
      return values[at++];
    }
  }

  private static final class FileCursor implements Cursor {
    private final DataInputStream in;
    private boolean has;
    private long head;

    FileCursor(Path file) {
      try {
        in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      advance();
    }

    private void advance() {
      try {
        head = in.readLong();
        has = true;
      } catch (EOFException e) {
        has = false;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public boolean hasNext() {
      return has;
    }

    @Override
    public long next() {
      long v = head;
      advance();
      return v;
    }

    @Override
    public void close() {
      try {
        in.close();
      } catch (IOException e) {
        // read only
      }
    }
  }

  /** The k-way merge of sorted cursors. */
  private static final class MergeCursor implements Cursor {
    private final PriorityQueue<long[]> heads =
        new PriorityQueue<>((a, b) -> Long.compare(a[0], b[0]));
    private final List<Cursor> cursors;

    MergeCursor(List<Cursor> cursors) {
      this.cursors = cursors;
      for (int i = 0; i < cursors.size(); i++) {
        if (cursors.get(i).hasNext()) {
          heads.add(new long[] {cursors.get(i).next(), i});
        }
      }
    }

    @Override
    public boolean hasNext() {
      return !heads.isEmpty();
    }

    @Override
    public long next() {
      long[] top = heads.poll();
      Cursor c = cursors.get((int) top[1]);
      if (c.hasNext()) {
        heads.add(new long[] {c.next(), top[1]});
      }
      return top[0];
    }
  }
}

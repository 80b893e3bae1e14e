package dev.keelson.chaos.history;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A history as JSON lines, one {@link Op} per line, in history order. */
public final class HistoryFile {
  /** Lenient on reading: files written before a field was dropped still load. */
  private static final ObjectMapper JSON = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private HistoryFile() {}

  public static void write(Path file, List<Op> history) {
    try (BufferedWriter w = Files.newBufferedWriter(file)) {
      for (Op op : history) {
        w.write(JSON.writeValueAsString(op));
        w.newLine();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static List<Op> read(Path file) {
    List<Op> ops = new ArrayList<>();
    try (BufferedReader r = Files.newBufferedReader(file)) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (!line.isBlank()) {
          ops.add(JSON.readValue(line, Op.class));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": " + e.getMessage(), e);
    }
    return ops;
  }
}

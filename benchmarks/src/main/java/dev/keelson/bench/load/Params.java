package dev.keelson.bench.load;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** A command's option values for the report: every option, by its long name without dashes. */
public final class Params {
  private Params() {}

  public static Map<String, Object> of(CommandSpec spec) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (OptionSpec o : spec.options()) {
      if (o.usageHelp() || o.versionHelp()) {
        continue;
      }
      out.put(o.longestName().replaceFirst("^-+", ""), plain(o.getValue()));
    }
    return out;
  }

  /** Numbers, booleans, strings and lists of them stay; anything else becomes its string. */
  private static Object plain(Object v) {
    if (v == null || v instanceof Number || v instanceof Boolean || v instanceof String) {
      return v;
    }
    if (v instanceof List<?> l) {
      List<Object> out = new ArrayList<>();
      l.forEach(e -> out.add(plain(e)));
      return out;
    }
    return v.toString();
  }
}

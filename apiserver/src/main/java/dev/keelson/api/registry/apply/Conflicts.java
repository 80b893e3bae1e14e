package dev.keelson.api.registry.apply;

import dev.keelson.api.registry.ApiException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * The refusal of an apply that would change fields other managers own: 409 Conflict with one
 * {@code FieldManagerConflict} cause per field, worded as Kubernetes words it
 * ({@code Apply failed with 1 conflict: conflict with "kubectl" using apps/v1: .spec.replicas};
 * with several, the fields are listed under each manager, managers sorted).
 */
final class Conflicts {
  /** One field another manager owns. */
  record Conflict(Manager manager, FieldPath path) {}

  private Conflicts() {}

  /** The conflicts in {@code byManager} (fields each other manager would lose). */
  static List<Conflict> of(Map<Manager, FieldSet> byManager) {
    List<Conflict> out = new ArrayList<>();
    byManager.forEach((m, s) -> s.paths().forEach(p -> out.add(new Conflict(m, p))));
    out.sort(Comparator.comparing((Conflict c) -> c.manager().describe())
        .thenComparing(c -> c.path().toString()));
    return out;
  }

  static ApiException error(List<Conflict> conflicts) {
    List<ApiException.Cause> causes = new ArrayList<>();
    for (Conflict c : conflicts) {
      causes.add(new ApiException.Cause("FieldManagerConflict",
          "conflict with " + c.manager().describe(), c.path().toString()));
    }
    return new ApiException(409, "Conflict", message(conflicts), null, null, null, causes, 0);
  }

  static String message(List<Conflict> conflicts) {
    if (conflicts.size() == 1) {
      Conflict c = conflicts.get(0);
      return "Apply failed with 1 conflict: conflict with " + c.manager().describe() + ": "
          + c.path();
    }
    Map<String, List<FieldPath>> byManager = new TreeMap<>();
    for (Conflict c : conflicts) {
      byManager.computeIfAbsent(c.manager().describe(), k -> new ArrayList<>()).add(c.path());
    }
    StringJoiner lines = new StringJoiner("\n");
    byManager.forEach((m, paths) -> {
      lines.add("conflicts with " + m + ":");
      paths.forEach(p -> lines.add("- " + p));
    });
    return "Apply failed with " + conflicts.size() + " conflicts: " + lines;
  }
}

package dev.keelson.auth.rbac;

import java.util.List;

/**
 * Strings quoted the way Kubernetes' messages print them (Go's {@code %q}): {@code "a"}, and a
 * list as {@code ["a" "b"]}, so that messages read the same as kube-apiserver's.
 */
final class Quoting {
  private Quoting() {
  }

  static String quote(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\t' -> b.append("\\t");
        case '\r' -> b.append("\\r");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\x%02x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }

  static String list(List<String> values) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < values.size(); i++) {
      if (i > 0) {
        b.append(' ');
      }
      b.append(quote(values.get(i)));
    }
    return b.append(']').toString();
  }
}

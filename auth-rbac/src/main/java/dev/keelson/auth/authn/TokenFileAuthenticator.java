package dev.keelson.auth.authn;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Static bearer tokens from a CSV file, as kube-apiserver's {@code --token-auth-file}: one line
 * per token, {@code token,user,uid[,"group1,group2"]}; blank lines and lines starting with
 * {@code #} are skipped. Every user also gets {@code system:authenticated}.
 *
 * <p>Tokens are kept only as SHA-256 digests, looked up by digest and then compared with
 * {@link MessageDigest#isEqual} (constant time), so neither the lookup nor the comparison
 * tells an attacker how much of a guessed token was right.
 */
public final class TokenFileAuthenticator implements Authenticator {
  private final Map<String, Entry> byDigest;

  private record Entry(byte[] digest, UserInfo user) {}

  private TokenFileAuthenticator(Map<String, Entry> byDigest) {
    this.byDigest = byDigest;
  }

  /** Reads the file; a malformed line or a repeated token is an error naming the line. */
  public static TokenFileAuthenticator read(Path file) throws IOException {
    return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
  }

  /** Parses CSV text; {@code source} names it in errors. */
  public static TokenFileAuthenticator parse(String csv, String source) {
    Map<String, Entry> m = new HashMap<>();
    String[] lines = csv.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String where = source + " line " + (i + 1);
      List<String> f = fields(line, where);
      if (f.size() < 3) {
        throw new IllegalArgumentException(where + ": want token,user,uid[,groups], got "
            + f.size() + " field(s)");
      }
      String token = f.get(0);
      String user = f.get(1);
      if (token.isEmpty() || user.isEmpty()) {
        throw new IllegalArgumentException(where + ": the token and the user must not be empty");
      }
      List<String> groups = new ArrayList<>();
      if (f.size() > 3) {
        for (String g : f.get(3).split(",")) {
          if (!g.isBlank()) {
            groups.add(g.strip());
          }
        }
      }
      groups.add("system:authenticated");
      byte[] digest = sha256(token);
      String key = HexFormat.of().formatHex(digest);
      if (m.putIfAbsent(key, new Entry(digest, new UserInfo(user, f.get(2), groups, Map.of())))
          != null) {
        throw new IllegalArgumentException(where + ": the token of user " + user
            + " is already in the file");
      }
    }
    return new TokenFileAuthenticator(Map.copyOf(m));
  }

  /** Splits one CSV line: comma-separated, double quotes around a field, "" for a quote. */
  private static List<String> fields(String line, String where) {
    List<String> out = new ArrayList<>();
    StringBuilder f = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          f.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          f.append(c);
        }
      } else if (c == '"' && f.toString().isBlank()) {
        f.setLength(0);
        quoted = true;
      } else if (c == ',') {
        out.add(f.toString().strip());
        f.setLength(0);
      } else {
        f.append(c);
      }
    }
    if (quoted) {
      throw new IllegalArgumentException(where + ": unterminated quote");
    }
    out.add(f.toString().strip());
    return out;
  }

  public int size() {
    return byDigest.size();
  }

  @Override
  public Optional<UserInfo> authenticate(Credentials c) {
    Optional<String> token = BearerToken.of(c);
    if (token.isEmpty()) {
      return Optional.empty();
    }
    byte[] digest = sha256(token.get());
    Entry e = byDigest.get(HexFormat.of().formatHex(digest));
    return e != null && MessageDigest.isEqual(e.digest(), digest) ? Optional.of(e.user())
        : Optional.empty();
  }

  static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}

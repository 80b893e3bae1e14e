package dev.keelson.server.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keelson.server.testing.Etcdctl;
import dev.keelson.server.testing.LocalCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Stock etcdctl 3.4 against a three-master Keelson cluster, command by command. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class EtcdctlIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path dir;
  static LocalCluster cluster;
  static Etcdctl etcdctl;

  @BeforeAll
  static void startCluster() throws Exception {
    if (!Etcdctl.available()) {
      System.out.println("SKIP EtcdctlIT: " + Etcdctl.BINARY + " not found (apt-get install etcd-client)");
    }
    Assumptions.assumeTrue(Etcdctl.available(), "etcdctl 3.4 is not installed");
    cluster = LocalCluster.start(dir);
    cluster.awaitLeader(Duration.ofSeconds(30));
    etcdctl = cluster.etcdctl(cluster.endpointsCsv());
  }

  @AfterAll
  static void stopCluster() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static JsonNode json(String... args) throws Exception {
    List<String> a = new ArrayList<>(List.of(args));
    a.add("-w");
    a.add("json");
    return JSON.readTree(etcdctl.run(a.toArray(String[]::new)).ok().out());
  }

  private static String text(JsonNode base64) {
    return new String(Base64.getDecoder().decode(base64.asText()), StandardCharsets.UTF_8);
  }

  private static List<String> keys(JsonNode resp) {
    List<String> out = new ArrayList<>();
    resp.path("kvs").forEach(kv -> out.add(text(kv.get("key"))));
    return out;
  }

  @Test
  void putAndGetWithPrefixLimitSortAndJsonCounts() throws Exception {
    for (String k : List.of("get/a", "get/b", "get/c")) {
      assertThat(etcdctl.run("put", k, "v-" + k).ok().out()).contains("OK");
    }
    etcdctl.run("put", "get/a", "v2").ok();

    JsonNode all = json("get", "get/", "--prefix");
    assertThat(keys(all)).containsExactly("get/a", "get/b", "get/c");
    assertThat(all.get("count").asLong()).isEqualTo(3);
    assertThat(all.path("more").asBoolean(false)).isFalse();
    JsonNode a = all.get("kvs").get(0);
    assertThat(a.get("version").asLong()).isEqualTo(2);
    assertThat(a.get("mod_revision").asLong()).isGreaterThan(a.get("create_revision").asLong());

    JsonNode limited = json("get", "get/", "--prefix", "--limit", "2");
    assertThat(keys(limited)).containsExactly("get/a", "get/b");
    assertThat(limited.get("count").asLong()).isEqualTo(3);
    assertThat(limited.get("more").asBoolean()).isTrue();

    assertThat(etcdctl.run("get", "get/", "--prefix", "--sort-by=KEY", "--order=DESCEND",
        "--keys-only").ok().out().lines().filter(l -> !l.isBlank()).toList())
        .containsExactly("get/c", "get/b", "get/a");
    assertThat(etcdctl.run("get", "get/", "--prefix", "--sort-by=MODIFY", "--order=DESCEND",
        "--keys-only").ok().out().lines().filter(l -> !l.isBlank()).findFirst())
        .contains("get/a");
    assertThat(etcdctl.run("get", "get/b", "--print-value-only").ok().out().trim())
        .isEqualTo("v-get/b");

    long firstRev = a.get("create_revision").asLong();
    assertThat(etcdctl.run("get", "get/a", "--rev", Long.toString(firstRev),
        "--print-value-only").ok().out().trim()).isEqualTo("v-get/a");
  }

  @Test
  void deleteWithPrefixReturnsPreviousValues() throws Exception {
    etcdctl.run("put", "del/x", "1").ok();
    etcdctl.run("put", "del/y", "2").ok();
    String out = etcdctl.run("del", "del/", "--prefix", "--prev-kv").ok().out();
    assertThat(out.lines().toList()).containsExactly("2", "del/x", "1", "del/y", "2");
    assertThat(json("get", "del/", "--prefix").path("count").asLong(0)).isZero();
  }

  @Test
  void txnComparesVersionCreateModAndValue() throws Exception {
    etcdctl.run("put", "txn/k", "one").ok();
    JsonNode kv = json("get", "txn/k").get("kvs").get(0);
    long create = kv.get("create_revision").asLong();
    long mod = kv.get("mod_revision").asLong();

    String ok = etcdctl.runWithInput(String.join("\n",
        "version(\"txn/k\") = \"1\"",
        "create(\"txn/k\") = \"" + create + "\"",
        "mod(\"txn/k\") = \"" + mod + "\"",
        "value(\"txn/k\") = \"one\"",
        "",
        "put txn/k two",
        "",
        "put txn/other failed",
        "") + "\n", "txn").ok().out();
    assertThat(ok).startsWith("SUCCESS");
    assertThat(etcdctl.run("get", "txn/k", "--print-value-only").ok().out().trim()).isEqualTo("two");

    String failed = etcdctl.runWithInput(String.join("\n",
        "value(\"txn/k\") = \"one\"",
        "",
        "put txn/k three",
        "",
        "put txn/other failed",
        "") + "\n", "txn").ok().out();
    assertThat(failed).startsWith("FAILURE");
    assertThat(etcdctl.run("get", "txn/k", "--print-value-only").ok().out().trim()).isEqualTo("two");
    assertThat(etcdctl.run("get", "txn/other", "--print-value-only").ok().out().trim())
        .isEqualTo("failed");
  }

  @Test
  void compactionMakesOldRevisionsUnreadable() throws Exception {
    etcdctl.run("put", "cmp/k", "old").ok();
    long oldRev = json("get", "cmp/k").get("kvs").get(0).get("mod_revision").asLong();
    etcdctl.run("put", "cmp/k", "new").ok();
    long newRev = json("get", "cmp/k").get("kvs").get(0).get("mod_revision").asLong();

    assertThat(etcdctl.run("compact", Long.toString(newRev)).ok().out())
        .contains("compacted revision " + newRev);
    Etcdctl.Run old = etcdctl.run("get", "cmp/k", "--rev", Long.toString(oldRev));
    assertThat(old.exit()).isNotZero();
    assertThat(old.err()).contains("etcdserver: mvcc: required revision has been compacted");
    assertThat(etcdctl.run("get", "cmp/k", "--rev", Long.toString(newRev), "--print-value-only")
        .ok().out().trim()).isEqualTo("new");
  }

  @Test
  void endpointStatusShowsThreeMembersAndOneLeader() throws Exception {
    JsonNode statuses = json("endpoint", "status");
    assertThat(statuses).hasSize(3);
    Set<Long> members = new HashSet<>();
    Set<Long> leaders = new HashSet<>();
    for (JsonNode s : statuses) {
      members.add(s.get("Status").get("header").get("member_id").asLong());
      leaders.add(s.get("Status").get("leader").asLong());
    }
    assertThat(members).hasSize(3);
    assertThat(leaders).hasSize(1);
    assertThat(members).containsAll(leaders);
  }

  @Test
  void memberListShowsEveryMaster() throws Exception {
    JsonNode list = json("member", "list");
    assertThat(list.get("members")).hasSize(3);
    Set<String> clientUrls = new HashSet<>();
    list.get("members").forEach(m -> clientUrls.add(m.get("clientURLs").get(0).asText()));
    assertThat(clientUrls).containsExactlyInAnyOrderElementsOf(
        cluster.endpoints().stream().map(e -> "https://" + e).toList());
    list.get("members").forEach(m -> assertThat(m.get("peerURLs").get(0).asText())
        .startsWith("https://"));
  }
}

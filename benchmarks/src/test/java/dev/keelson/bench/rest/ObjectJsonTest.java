package dev.keelson.bench.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ObjectJsonTest {
  private static WatchEvent event(String line) throws IOException {
    byte[] b = ("garbage" + line + "garbage").getBytes(StandardCharsets.UTF_8);
    return ObjectJson.event(b, "garbage".length(), line.length());
  }

  @Test
  void readsTypeNameAndResourceVersionOfAnEvent() throws IOException {
    WatchEvent e = event("{\"type\":\"ADDED\",\"object\":{\"kind\":\"ConfigMap\",\"apiVersion\":"
        + "\"v1\",\"metadata\":{\"name\":\"wx-m-7\",\"namespace\":\"bench\",\"uid\":\"u\","
        + "\"labels\":{\"name\":\"not-this\"},\"resourceVersion\":\"4242\"},"
        + "\"data\":{\"v\":\"abc\"}}}");

    assertThat(e).isEqualTo(new WatchEvent("ADDED", "wx-m-7", 4242));
    assertThat(e.isChange()).isTrue();
  }

  @Test
  void fieldsMayComeInAnyOrder() throws IOException {
    WatchEvent e = event("{\"object\":{\"data\":{\"metadata\":{\"name\":\"decoy\"}},"
        + "\"metadata\":{\"resourceVersion\":\"9\",\"name\":\"real\"}},\"type\":\"MODIFIED\"}");

    assertThat(e).isEqualTo(new WatchEvent("MODIFIED", "real", 9));
  }

  @Test
  void anErrorEventCarriesAStatusWithoutName() throws IOException {
    WatchEvent e = event("{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"apiVersion\":"
        + "\"v1\",\"metadata\":{},\"status\":\"Failure\",\"code\":410,\"reason\":\"Gone\"}}");

    assertThat(e).isEqualTo(new WatchEvent("ERROR", null, -1));
    assertThat(e.isChange()).isFalse();
  }

  @Test
  void anObjectWithoutMetadataBeforeTheTypeStillLeavesTheTypeToRead() throws IOException {
    WatchEvent e = event("{\"object\":{\"kind\":\"Status\",\"code\":410},\"type\":\"ERROR\"}");

    assertThat(e).isEqualTo(new WatchEvent("ERROR", null, -1));
  }

  @Test
  void aLineWithoutTypeOrWithANonNumericResourceVersionIsRefused() {
    assertThatThrownBy(() -> event("{\"object\":{\"metadata\":{\"name\":\"a\"}}}"))
        .isInstanceOf(IOException.class).hasMessageContaining("without a type");
    assertThatThrownBy(() -> event("{\"type\":\"ADDED\",\"object\":{\"metadata\":"
        + "{\"resourceVersion\":\"abc\"}}}"))
        .isInstanceOf(IOException.class).hasMessageContaining("not a number");
    assertThatThrownBy(() -> event("[1,2]")).isInstanceOf(IOException.class);
  }

  @Test
  void readsTheMetadataOfACreatesReply() throws IOException {
    ObjectJson.Meta m = ObjectJson.meta(("{\"apiVersion\":\"v1\",\"data\":{\"v\":\"x\"},"
        + "\"metadata\":{\"name\":\"c-1\",\"resourceVersion\":\"77\"}}")
        .getBytes(StandardCharsets.UTF_8));

    assertThat(m).isEqualTo(new ObjectJson.Meta("c-1", 77));
  }
}

package dev.keelson.chaos.workload;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keelson.chaos.history.Op;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RestOutcomeTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** ConfigMap {@code name} at {@code rv} holding {@code data.v = v}. */
  static RestClient.Reply object(int status, String name, long rv, String v) {
    return new RestClient.Reply(status, json(RestClient.configMap(name, v, rv).toString()));
  }

  /** A Status answer, with {@code details.name} when {@code name} is given. */
  static RestClient.Reply status(int code, String reason, String name) {
    return new RestClient.Reply(code, json("{\"kind\":\"Status\",\"apiVersion\":\"v1\","
        + "\"status\":\"Failure\",\"reason\":\"" + reason + "\",\"message\":\"m\",\"code\":" + code
        + (name == null ? "" : ",\"details\":{\"name\":\"" + name + "\",\"kind\":\"configmaps\"}")
        + "}"));
  }

  private static JsonNode json(String s) {
    try {
      return JSON.readTree(s);
    } catch (IOException e) {
      throw new IllegalArgumentException(e);
    }
  }

  @Test
  void aReadIsTheObjectsValueAndAbsentOnlyWhenThatObjectIsNotFound() {
    assertThat(RestOutcome.read("r-1", object(200, "r-1", 42, "7")))
        .isEqualTo(new RestOutcome.Completion(Op.Type.OK, 7L, 42L, null, 200));
    assertThat(RestOutcome.read("r-1", status(404, "NotFound", "r-1")))
        .isEqualTo(new RestOutcome.Completion(Op.Type.OK, null, null, null, 404));
    assertThat(RestOutcome.read("r-1", status(404, "NotFound", null)).type())
        .as("a 404 that is not about this object").isEqualTo(Op.Type.FAIL);
    assertThat(RestOutcome.read("r-1", status(503, "ServiceUnavailable", null)).type())
        .isEqualTo(Op.Type.FAIL);
    assertThat(RestOutcome.read("r-1", object(200, "r-1", 42, "x")).value())
        .as("a value nobody writes").isEqualTo(-1L);
  }

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @CsvSource({
      "200, OK, OK", "201, Created, OK",
      "409, Conflict, FAIL", "409, AlreadyExists, FAIL", "404, NotFound, FAIL",
      "422, Invalid, FAIL", "400, BadRequest, FAIL", "429, TooManyRequests, FAIL",
      "500, InternalError, INFO", "503, ServiceUnavailable, INFO", "504, Timeout, INFO"})
  void aWriteIsOkOnSuccessFailWhenRefusedAndInfoOnServerErrorsWhichMoveTheClientOn(int code, String reason,
      Op.Type expected) {
    RestClient.Reply r = code < 300 ? object(code, "r-1", 43, "8") : status(code, reason, "r-1");
    RestOutcome.Completion c = RestOutcome.write(r);
    assertThat(c.type()).isEqualTo(expected);
    assertThat(c.masterAnswered()).as("the client stays on the master").isEqualTo(code < 500);
    if (expected == Op.Type.OK) {
      assertThat(c.revision()).isEqualTo(43L);
    } else {
      assertThat(c.error()).startsWith(code + " " + reason);
    }
  }

  @Test
  void aWriteWithoutAnAnswerFailsOnlyWhenItNeverLeft() {
    assertThat(RestOutcome.noAnswer(false, new ConnectException("refused")))
        .satisfies(c -> assertThat(c.type()).isEqualTo(Op.Type.FAIL))
        .satisfies(c -> assertThat(c.masterAnswered()).isFalse());
    HttpConnectTimeoutException connect = new HttpConnectTimeoutException("connect timed out");
    assertThat(RestOutcome.noAnswer(false, connect).type()).isEqualTo(Op.Type.FAIL);
    assertThat(RestOutcome.noAnswer(false, new HttpTimeoutException("request timed out")).type())
        .isEqualTo(Op.Type.INFO);
    assertThat(RestOutcome.noAnswer(false, new IOException("Connection reset")).type())
        .isEqualTo(Op.Type.INFO);
    assertThat(RestOutcome.noAnswer(true, new IOException("Connection reset")).type())
        .as("a read changes nothing").isEqualTo(Op.Type.FAIL);
  }
}

package io.bulwark.reliability.idempotency;

import java.util.Arrays;
import java.util.Map;

/** The response given to the first request with a key: replayed to every retry with that key. */
public record StoredResponse(int status, Map<String, String> headers, byte[] body) {

  public StoredResponse {
    headers = Map.copyOf(headers);
    body = body == null ? new byte[0] : body.clone();
  }

  @Override
  public byte[] body() {
    return body.clone();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof StoredResponse that
        && status == that.status
        && headers.equals(that.headers)
        && Arrays.equals(body, that.body);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * status + headers.hashCode()) + Arrays.hashCode(body);
  }

  @Override
  public String toString() {
    return "StoredResponse[status=" + status + ", headers=" + headers + ", " + body.length + " B]";
  }
}

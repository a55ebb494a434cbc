package io.bulwark.system;

import io.bulwark.harness.http.Forms;
import java.io.IOException;
import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A browser as the platform's edge sees one: it keeps cookies per host, follows redirects itself
 * (each hop is kept, so a test can say where it went) and fills in forms. No JavaScript.
 */
final class Browser {

  private final CookieManager cookies = new CookieManager();
  private final HttpClient http =
      HttpClient.newBuilder()
          .cookieHandler(cookies)
          .followRedirects(HttpClient.Redirect.NEVER)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  final List<String> hops = new ArrayList<>();

  /** Opens the page, following every redirect; the final answer. */
  HttpResponse<String> open(String url) {
    return follow(send(HttpRequest.newBuilder(URI.create(url)).GET()));
  }

  /** Submits a form to {@code url}, following every redirect. */
  HttpResponse<String> submit(String url, Map<String, String> fields) {
    String form = Forms.encode(fields);
    return follow(
        send(
            HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form))));
  }

  /** A request from the page's script: same cookies, no redirects followed. */
  HttpResponse<String> fetch(String method, String url, String body, Map<String, String> headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(request::header);
    return send(request, "application/json");
  }

  Optional<HttpCookie> cookie(String name) {
    return cookies.getCookieStore().getCookies().stream()
        .filter(c -> c.getName().equals(name))
        .findFirst();
  }

  private HttpResponse<String> follow(HttpResponse<String> response) {
    HttpResponse<String> current = response;
    for (int i = 0; i < 10 && current.statusCode() / 100 == 3; i++) {
      URI next = current.uri().resolve(current.headers().firstValue("Location").orElseThrow());
      current = send(HttpRequest.newBuilder(next).GET());
    }
    return current;
  }

  private HttpResponse<String> send(HttpRequest.Builder request) {
    return send(request, "text/html,application/xhtml+xml");
  }

  private HttpResponse<String> send(HttpRequest.Builder request, String accept) {
    HttpRequest built = request.header("Accept", accept).timeout(Duration.ofSeconds(30)).build();
    hops.add(built.method() + " " + built.uri());
    try {
      return http.send(built, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException(built.uri() + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}

package io.herald.k8s.write;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A write whose answer nobody reads, sent through the client's HTTP stack (its authentication,
 * TLS, timeouts and retries) rather than a typed operation, which would copy the object, build
 * the URL by pattern and read the whole object back. Only a failure's {@code Status} is read, and
 * thrown as the {@link KubernetesClientException} a typed operation would throw, with its code.
 */
final class ApiRequest {
  private final KubernetesClient client;
  /** The API server's URL, ending with a slash. */
  private final String base;

  ApiRequest(KubernetesClient client) {
    this.client = client;
    String master = client.getMasterUrl().toString();
    this.base = master.endsWith("/") ? master : master + "/";
  }

  /** The collection path of a core-group resource, e.g. {@code api/v1/namespaces/ns/events}. */
  static String core(String namespace, String plural) {
    return "api/v1/namespaces/" + namespace + "/" + plural;
  }

  /**
   * Sends {@code body} with {@code method} to {@code path} (relative to the API server's URL).
   *
   * @throws KubernetesClientException for an answer other than 2xx, or when no answer came
   */
  void send(String method, String path, String contentType, String body) {
    HttpClient http = client.getHttpClient();
    HttpRequest.Builder request = http.newHttpRequestBuilder().uri(base + path).method(method, contentType, body);
    Integer timeout = client.getConfiguration().getRequestTimeout();
    if (timeout != null && timeout > 0) request.timeout(timeout, TimeUnit.MILLISECONDS);
    HttpResponse<byte[]> response;
    try {
      response = http.sendAsync(request.build(), byte[].class).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KubernetesClientException("interrupted: " + method + " " + path, e);
    } catch (ExecutionException e) {
      throw new KubernetesClientException(method + " " + path + ": " + e.getCause().getMessage(), e.getCause());
    }
    if (!response.isSuccessful()) {
      Status status;
      try {
        status = client.getKubernetesSerialization().unmarshal(
            new String(response.body(), StandardCharsets.UTF_8), Status.class);
      } catch (RuntimeException notAStatus) {
        status = null;
      }
      if (status == null || status.getCode() == null) {
        status = new StatusBuilder().withCode(response.code())
            .withMessage(method + " " + path + ": HTTP " + response.code()).build();
      }
      throw new KubernetesClientException(status);
    }
  }
}

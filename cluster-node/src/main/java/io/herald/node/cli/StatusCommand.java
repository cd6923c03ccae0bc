package io.herald.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code herald status}: what a node's management API says, for people. Peers print like BIRD's
 * {@code show protocols}; Services with their IPs, pool and the nodes that announce them.
 */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = "Print a node's BGP peers and the cluster's Services (IP, pool, announcing nodes).")
public final class StatusCommand implements Callable<Integer> {
  private static final DateTimeFormatter SINCE =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--url", paramLabel = "URL", defaultValue = "http://127.0.0.1:7472",
      description = "The node's management HTTP address (default ${DEFAULT-VALUE}).")
  URI url;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (url.getScheme() == null || !(url.getScheme().equals("http") || url.getScheme().equals("https"))
        || url.getHost() == null) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--url must be http://HOST:PORT, was " + url);
    }
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    JsonNode peers;
    JsonNode services;
    try {
      peers = get(client, "/api/v1/peers");
      services = get(client, "/api/v1/services");
    } catch (IOException e) {
      err.println("herald status: cannot reach " + url + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
      err.flush();
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
    printPeers(out, peers);
    out.println();
    printServices(out, services);
    out.flush();
    return 0;
  }

  private JsonNode get(HttpClient client, String path) throws IOException, InterruptedException {
    URI target = url.resolve(path);
    HttpResponse<String> r = client.send(HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(10)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException("GET " + path + " answered " + r.statusCode() + ": " + r.body().strip());
    }
    return new ObjectMapper().readTree(r.body());
  }

  static void printPeers(PrintWriter out, JsonNode peers) {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"Name", "Proto", "Table", "State", "Since", "Info"});
    for (JsonNode p : peers) {
      String state = p.path("state").asText();
      String info = state.equals("Established")
          ? "Established  " + p.path("prefixesSent").asLong() + " prefixes sent"
          : state + (p.path("lastNotification").asText().isEmpty() ? "" : "  " + p.path("lastNotification").asText());
      rows.add(new String[] {p.path("name").asText(), "BGP", "---", state.equals("Established") ? "up" : "start",
          SINCE.format(Instant.parse(p.path("since").asText())), info});
    }
    table(out, rows);
  }

  static void printServices(PrintWriter out, JsonNode services) {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"Service", "IP", "Pool", "Announced from"});
    for (JsonNode s : services) {
      List<String> ips = new ArrayList<>();
      s.path("ips").forEach(ip -> ips.add(ip.asText()));
      List<String> from = new ArrayList<>();
      for (JsonNode n : s.path("nodes")) {
        if (n.path("announce").asBoolean() && n.path("advertisedTo").size() > 0) {
          from.add(n.path("node").asText());
        }
      }
      rows.add(new String[] {s.path("namespace").asText() + "/" + s.path("name").asText(),
          ips.isEmpty() ? "<pending>" : String.join(",", ips), s.path("pool").asText(),
          from.isEmpty() ? "-" : String.join(",", from)});
    }
    table(out, rows);
  }

  private static void table(PrintWriter out, List<String[]> rows) {
    int[] width = new int[rows.get(0).length];
    for (String[] r : rows) {
      for (int i = 0; i < r.length; i++) {
        width[i] = Math.max(width[i], r[i].length());
      }
    }
    for (String[] r : rows) {
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < r.length; i++) {
        b.append(r[i]);
        if (i < r.length - 1) {
          b.append(" ".repeat(width[i] - r[i].length() + 2));
        }
      }
      out.println(b.toString().stripTrailing());
    }
  }
}

package io.herald.k8s.convert;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ViewsTest {

  @Test
  void aNullAnnotationOrLabelValueLeftByAMergePatchIsDropped() {
    Map<String, String> annotations = new HashMap<>();
    annotations.put("metallb.io/ip-allocated-from-pool", null);
    annotations.put("metallb.io/allow-shared-ip", "k1");
    Map<String, String> labels = new HashMap<>();
    labels.put("app", "web");
    labels.put("stale", null);
    Service svc = new ServiceBuilder().withNewMetadata().withName("web").withNamespace("default")
        .withAnnotations(annotations).withLabels(labels).endMetadata()
        .withNewSpec().withType("LoadBalancer").endSpec().build();

    var view = Views.service(svc);
    assertThat(view.annotations()).containsExactly(Map.entry("metallb.io/allow-shared-ip", "k1"));
    assertThat(view.labels()).containsExactly(Map.entry("app", "web"));

    var node = Views.node(new NodeBuilder().withNewMetadata().withName("n").withLabels(labels).endMetadata().build());
    assertThat(node.labels()).containsExactly(Map.entry("app", "web"));
  }
}

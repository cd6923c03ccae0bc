package io.herald.k8s.informer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.WatchEvent;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;

class WatchEventSerializationTest {

  private final WatchEventSerialization fast = new WatchEventSerialization();
  private final KubernetesSerialization fabric8 = new KubernetesSerialization();

  private static String q(String s) {
    return s.replace('\'', '"');
  }

  private static final String SERVICE = q("{'kind':'Service','apiVersion':'v1','metadata':{'name':'web','namespace':'shop',"
      + "'resourceVersion':'42','uid':'u-1','labels':{'app':'web'},'annotations':{'metallb.io/ip-allocated-from-pool':'private'}},"
      + "'spec':{'type':'LoadBalancer','externalTrafficPolicy':'Local','selector':{'app':'web'},'ipFamilies':['IPv4'],"
      + "'ports':[{'name':'http','protocol':'TCP','port':80,'targetPort':8080}]},"
      + "'status':{'loadBalancer':{'ingress':[{'ip':'192.0.2.10','ipMode':'VIP'}]}}}");

  /** Reads {@code text} both ways: the same event, and whether it went the direct way. */
  private WatchEvent both(String text, boolean direct) {
    WatchEvent expected = fabric8.unmarshal(text, WatchEvent.class);
    assertThat(fast.direct(text) != null).as("read directly").isEqualTo(direct);
    WatchEvent actual = fast.unmarshal(text, WatchEvent.class);
    assertThat(actual.getType()).isEqualTo(expected.getType());
    assertThat(actual.getObject()).isEqualTo(expected.getObject());
    assertThat(actual.getObject().getClass()).isEqualTo(expected.getObject().getClass());
    return actual;
  }

  @Test
  void modelKindsAreReadDirectlyIntoWhatFabric8Reads() {
    Service s = (Service) both("{\"type\":\"MODIFIED\",\"object\":" + SERVICE + "}", true).getObject();
    assertThat(s.getStatus().getLoadBalancer().getIngress().get(0).getIp()).isEqualTo("192.0.2.10");
    assertThat(s.getSpec().getPorts().get(0).getTargetPort().getIntVal()).isEqualTo(8080);

    EndpointSlice slice = (EndpointSlice) both(q("{'type':'ADDED','object':{'apiVersion':'discovery.k8s.io/v1',"
        + "'kind':'EndpointSlice','metadata':{'name':'web-1','namespace':'shop','labels':{'kubernetes.io/service-name':'web'}},"
        + "'addressType':'IPv4','endpoints':[{'addresses':['198.51.100.7'],'nodeName':'node-a',"
        + "'conditions':{'ready':true,'serving':true,'terminating':false}}],"
        + "'ports':[{'name':'http','port':8080,'protocol':'TCP'}]}}"), true).getObject();
    assertThat(slice.getEndpoints().get(0).getNodeName()).isEqualTo("node-a");

    assertThat(both(q("{'type':'DELETED','object':{'kind':'Node','apiVersion':'v1','metadata':{'name':'node-a',"
        + "'labels':{'kubernetes.io/hostname':'node-a'}},'status':{'conditions':[{'type':'Ready','status':'True'}]}}}"), true)
        .getObject()).isInstanceOf(Node.class);
    assertThat(both(q("{'type':'ADDED','object':{'kind':'ConfigMap','apiVersion':'v1','metadata':{'name':'config',"
        + "'namespace':'metallb-system'},'data':{'config':'peers: []'}}}"), true).getObject()).isInstanceOf(ConfigMap.class);
    assertThat(both(q("{'type':'MODIFIED','object':{'kind':'Namespace','apiVersion':'v1','metadata':{'name':'shop',"
        + "'labels':{'team':'a'}}}}"), true).getObject()).isInstanceOf(io.fabric8.kubernetes.api.model.Namespace.class);
  }

  @Test
  void fieldOrderAndUnknownMembersDoNotMatter() {
    both("{\"object\":" + SERVICE + ",\"type\":\"MODIFIED\"}", true);
    both("{\"type\":\"ADDED\",\"extra\":{\"a\":[1,2]},\"object\":" + SERVICE.replace("{\"kind\":\"Service\",\"apiVersion\":\"v1\",",
        "{\"metadata2\":{\"x\":1},\"apiVersion\":\"v1\",\"spec\":{\"type\":\"ClusterIP\"},\"kind\":\"Service\",") + "}", true);
  }

  @Test
  void aValueOfTheWrongTypeFailsAsBefore() {
    String odd = q("{'type':'MODIFIED','object':{'kind':'Service','apiVersion':'v1','metadata':{'name':'odd'},"
        + "'spec':{'ports':[{'port':'eighty'}]}}}");
    assertThat(fast.direct(odd)).isNull();
    assertThatThrownBy(() -> fabric8.unmarshal(odd, WatchEvent.class)).isInstanceOf(RuntimeException.class);
    assertThatThrownBy(() -> fast.unmarshal(odd, WatchEvent.class)).isInstanceOf(RuntimeException.class);
  }

  @Test
  void everythingElseTakesFabric8sWay() {
    assertThat(both(q("{'type':'ERROR','object':{'kind':'Status','apiVersion':'v1','status':'Failure',"
        + "'reason':'Expired','code':410,'message':'too old resource version'}}"), false).getObject()).isInstanceOf(Status.class);
    both(q("{'type':'BOOKMARK','object':{'kind':'Service','apiVersion':'v1','metadata':{'resourceVersion':'77'}}}"), false);
    assertThat(both(q("{'type':'ADDED','object':{'apiVersion':'metallb.io/v1beta1','kind':'IPAddressPool',"
        + "'metadata':{'name':'private','namespace':'metallb-system'},'spec':{'addresses':['192.0.2.0/26']}}}"), false)
        .getObject()).isInstanceOf(GenericKubernetesResource.class);
    both(q("{'type':'ADDED','object':{'metadata':{'name':'no-kind'}}}"), false);
    // a model kind the node does not watch, and a known kind at a version it does not read
    both(q("{'type':'ADDED','object':{'kind':'Pod','apiVersion':'v1','metadata':{'name':'p'}}}"), false);
    both(q("{'type':'ADDED','object':{'kind':'EndpointSlice','apiVersion':'discovery.k8s.io/v1beta1','metadata':{'name':'s'}}}"), false);
  }

  @Test
  void textThatDoesNotParseFailsAsBefore() {
    String broken = "{\"type\":\"ADDED\",\"object\":" + SERVICE.substring(0, 80);
    assertThat(fast.direct(broken)).isNull();
    assertThatThrownBy(() -> fabric8.unmarshal(broken, WatchEvent.class)).isInstanceOf(RuntimeException.class);
    assertThatThrownBy(() -> fast.unmarshal(broken, WatchEvent.class)).isInstanceOf(RuntimeException.class);
  }

  @Test
  void otherTypesAreLeftToFabric8() {
    assertThat(fast.unmarshal(SERVICE, Service.class)).isEqualTo(fabric8.unmarshal(SERVICE, Service.class));
  }
}

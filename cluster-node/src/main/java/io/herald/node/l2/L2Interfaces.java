package io.herald.node.l2;

import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Which interfaces the responder listens on: the ones an L2Advertisement names, or, when it names
 * none, every Ethernet interface that is up except those matching MetalLB's exclude list (bridges
 * and veths of container networking, tunnels, loopback).
 */
public final class L2Interfaces {

  /** An Ethernet interface: name, kernel index, MAC. */
  public record Link(String name, int index, MacAddress mac) {}

  /** Interface names never chosen when an advertisement names none (MetalLB's default exclude list). */
  public static final List<Pattern> DEFAULT_EXCLUDES = List.of("^docker.*", "^cbr.*", "^dummy.*", "^virbr.*",
      "^lxcbr.*", "^veth.*", "^lo$", "^cali.*", "^tunl.*", "^flannel.*", "^kube-ipvs.*", "^cni.*", "^vxlan.calico.*",
      "^vxlan-v6.calico.*", "^nodelocaldns.*", "^lxc.*", "^cilium_.*", "^genev_sys_.*", "^weave.*", "^kube-bridge.*")
      .stream().map(Pattern::compile).toList();

  private L2Interfaces() {}

  /** Every interface of this network namespace that is up and has a 6-octet hardware address. */
  public static List<Link> ethernetLinks() {
    List<Link> out = new ArrayList<>();
    try {
      for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        byte[] hw = ni.getHardwareAddress();
        if (ni.isUp() && !ni.isLoopback() && hw != null && hw.length == 6) {
          out.add(new Link(ni.getName(), ni.getIndex(), MacAddress.of(hw)));
        }
      }
    } catch (SocketException e) {
      return List.of();
    }
    return out;
  }

  /**
   * The links to answer on: those named in {@code named}, or with {@code named} empty, every link
   * not matching {@code excludes}.
   */
  public static List<Link> select(List<Link> links, List<String> named, List<Pattern> excludes) {
    return links.stream()
        .filter(l -> named.isEmpty() ? excludes.stream().noneMatch(p -> p.matcher(l.name()).matches())
            : named.contains(l.name()))
        .toList();
  }
}

package io.herald.node.cli;

import picocli.CommandLine.Command;

/** {@code herald bgp ...}: tools for network engineers around Herald's BGP speaker. */
@Command(
    name = "bgp",
    description = "BGP tools: test a peering with a router, announce prefixes.",
    mixinStandardHelpOptions = true,
    subcommands = {AnnounceCommand.class, CollectCommand.class})
public final class BgpCommand {}

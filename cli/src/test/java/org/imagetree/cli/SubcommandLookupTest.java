package org.imagetree.cli;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link ImageTreeCommand#subcommandIn}: which action a command line names, so that only it is registered. */
class SubcommandLookupTest {
    @Test
    void theActionIsTheFirstPositionalArgumentThatNamesOne() {
        assertThat(ImageTreeCommand.subcommandIn(new String[]{"-c", "config.yaml", "build", "--select", "*x*", "images"}))
                .contains(BuildCommand.class);
        assertThat(ImageTreeCommand.subcommandIn(new String[]{"--info", "plan", "images"})).contains(PlanCommand.class);
        assertThat(ImageTreeCommand.subcommandIn(new String[]{"blubber", "build", "b.yaml", "production"})).contains(BlubberCommand.class);
        // -c's value is not an action, even when it is spelt like one.
        assertThat(ImageTreeCommand.subcommandIn(new String[]{"--configfile", "build", "render", "images"})).contains(RenderCommand.class);
    }

    @Test
    void noActionRegistersThemAll() {
        assertThat(ImageTreeCommand.subcommandIn(new String[]{"--help"})).isEqualTo(Optional.empty());
        assertThat(ImageTreeCommand.subcommandIn(new String[]{"-c", "x.yaml", "bogus", "build"})).isEmpty();
        assertThat(ImageTreeCommand.subcommandIn(new String[]{})).isEmpty();
        CliRun help = CliRun.of(java.util.Map.of(), "--help");
        for (String action : new String[]{"build", "prune", "update", "plan", "render", "graph", "policy", "lint", "blubber", "base", "refresh", "security", "stale"}) {
            assertThat(help.out()).as(action).containsPattern("(?m)^  " + action + " ");
        }
    }
}

package org.imagetree.jenkins;

import net.sf.json.JSONObject;
import org.imagetree.jenkins.harness.DataBoundBeans;
import org.imagetree.jenkins.harness.OfflineForms;
import org.imagetree.jenkins.harness.OfflineStapler;
import org.jenkinsci.plugins.docker.commons.credentials.DockerRegistryEndpoint;
import org.junit.jupiter.api.Test;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The offline harness is as strict as Jenkins where the JenkinsRule tests fell over (each of these passed on the
 * harness before, which accepted what Jenkins refuses):
 * <ul>
 *   <li>Stapler's verb check: a GET to a {@code @POST} web method ends in 404 (the route is skipped), not 405;</li>
 *   <li>forms submit as Jenkins' Jelly tags do: {@code f:property} always submits its object, {@code f:optionalProperty}
 *       only when set, a textbox {@code default} turns an unset option into that value;</li>
 *   <li>the agent channel refuses classes of a bundled jar without a plugin manifest (in AgentBoundaryTest).</li>
 * </ul>
 */
class HarnessStrictnessTest {
    /** Web methods as a descriptor has them. */
    public static final class Web {
        @POST
        public String doSecret(@QueryParameter String name) { return "secret for " + name; }

        public String doOpen(@QueryParameter(fixEmpty = true) String name) { return "open for " + name; }

        @POST
        public String doNeeds(@QueryParameter(required = true) String id) { return id; }
    }

    @Test
    void aGetToAPostWebMethodIsNotFoundAsInStapler() {
        Web web = new Web();
        assertThat(OfflineStapler.request("GET", web, "secret", Map.of("name", "x")).status()).isEqualTo(404);
        OfflineStapler.Response post = OfflineStapler.request("POST", web, "secret", Map.of("name", "x"));
        assertThat(post.status()).isEqualTo(200);
        assertThat(post.body()).isEqualTo("secret for x");
        assertThat(OfflineStapler.request("GET", web, "open", Map.of("name", "")).body()).isEqualTo("open for null");
        assertThat(OfflineStapler.request("POST", web, "needs", Map.of()).status()).isEqualTo(400);
        assertThat(OfflineStapler.request("GET", web, "nothing", Map.of()).status()).isEqualTo(404);
    }

    @Test
    void theGlobalCredentialsListIsReachedByPostOnly() throws Exception {
        // The global configuration needs a running Jenkins to exist; the route is decided before it is needed.
        assertThat(OfflineStapler.route("GET", ImageTreeGlobalConfiguration.class, "fillCredentialsIdItems")).isNull();
        assertThat(OfflineStapler.route("POST", ImageTreeGlobalConfiguration.class, "fillCredentialsIdItems"))
                .isEqualTo(ImageTreeGlobalConfiguration.class.getMethod("doFillCredentialsIdItems", String.class, String.class));
        // The steps' tri-state select has no @POST: both verbs reach it (select.js fills with POST).
        OfflineStapler.Response get = OfflineStapler.request("GET", new BuildImageTreeStep.DescriptorImpl(), "fillPublishItems", Map.of());
        assertThat(get.status()).isEqualTo(200);
        assertThat(((hudson.util.ListBoxModel) get.body())).extracting(o -> o.value).containsExactly("", "true", "false");
    }

    private static final FormFixture.DescriptorImpl FIXTURE = new FormFixture.DescriptorImpl();

    @Test
    void aTextboxDefaultTurnsAnUnsetOptionIntoTheDefault() {
        FormFixture unset = new FormFixture("n");
        JSONObject form = OfflineForms.submit(unset, FIXTURE, Set.of());
        assertThat(form.get("flavour")).isEqualTo("auto");
        assertThat(form.get("name")).isEqualTo("n");
        FormFixture back = OfflineForms.roundTrip(unset, FIXTURE, Set.of());
        assertThat(back.getFlavour()).isEqualTo("auto");
        assertThat(DataBoundBeans.differences(unset, back)).contains("flavour: expected null but was 'auto'");
    }

    @Test
    void fPropertyAlwaysSubmitsItsObjectAndAnUnsetEndpointComesBackEmptyButSet() {
        FormFixture unset = new FormFixture("n");
        unset.setFlavour("classic");
        JSONObject form = OfflineForms.submit(unset, FIXTURE, Set.of());
        assertThat(form.toString()).contains("\"registry\":{\"url\":\"\",\"credentialsId\":\"\"}").doesNotContain("mirror");
        FormFixture back = OfflineForms.roundTrip(unset, FIXTURE, Set.of());
        assertThat(back.getRegistry()).isNotNull();
        assertThat(back.getRegistry().getUrl()).isNull();
        assertThat(DataBoundBeans.difference(unset, back)).startsWith("registry: expected null but was");
    }

    @Test
    void fOptionalPropertySubmitsOnlyWhatIsSetAndTheCredentialsSelectKeepsOnlyListedIds() {
        FormFixture f = new FormFixture("n");
        f.setFlavour("classic");
        f.setRegistry(new DockerRegistryEndpoint("https://registry.example.org", "listed"));
        FormFixture back = OfflineForms.roundTrip(f, FIXTURE, Set.of("listed"));
        assertThat(back.getMirror()).as("unset stays unset").isNull();
        assertThat(DataBoundBeans.difference(f, back)).isNull();

        f.setMirror(new DockerRegistryEndpoint("https://mirror.example.org", "listed"));
        assertThat(OfflineForms.submit(f, FIXTURE, Set.of("listed")).toString())
                .contains("\"mirror\":{\"url\":\"https://mirror.example.org\",\"credentialsId\":\"listed\"}");
        assertThat(DataBoundBeans.difference(f, OfflineForms.roundTrip(f, FIXTURE, Set.of("listed")))).isNull();

        // docker-commons' credentials select lists what the store holds: an id it cannot list is lost in the round trip
        assertThat(DataBoundBeans.differences(f, OfflineForms.roundTrip(f, FIXTURE, Set.of()))).containsExactly(
                "mirror.credentialsId: expected 'listed' but was null", "registry.credentialsId: expected 'listed' but was null");
    }

    @Test
    void aMessageWhoseParenthesesAreNotArgumentsFailsThePageAsInStapler() {
        assertThat(OfflineForms.unparsableMessages("<f:entry title=\"${%Tags (full references, one per line)}\"/>"))
                .singleElement().asString().contains("argument 'full references'");
        assertThat(OfflineForms.unparsableMessages("<b>${%Hello(name)} ${%Plain text: with a colon} ${%Sum(a.b, 'x', 3)}</b>")).isEmpty();
    }

    @Test
    void checkboxesAndNumbersBindAsStaplerBindsThem() {
        FormFixture f = new FormFixture("n");
        f.setFlavour("classic");
        f.setPull(false); // default="true" applies to a null value only (Jenkins' ?: is a null test)
        JSONObject form = OfflineForms.submit(f, FIXTURE, Set.of());
        assertThat(form.get("pull")).isEqualTo(Boolean.FALSE);
        assertThat(form.get("jobs")).isEqualTo("");
        FormFixture back = OfflineForms.roundTrip(f, FIXTURE, Set.of());
        assertThat(back.getJobs()).as("an empty number box is null for an Integer").isNull();
        assertThat(back.isPull()).isFalse();
        f.setJobs(3);
        assertThat(OfflineForms.roundTrip(f, FIXTURE, Set.of()).getJobs()).isEqualTo(3);
    }
}

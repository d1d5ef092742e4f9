package io.sociindexer.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sociindexer.job.ImageAdmission.Refusal;
import io.sociindexer.job.ImageTarget;
import io.sociindexer.oci.Digest;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConfiguredImageAdmissionTest {

  private static final Digest DIGEST =
      Digest.parse("sha256:1bc04b5291c26a46d918139138b992d2de976d6851d0893b0476b85bfbdfc6e6");
  private static final RegistryAllowList ALLOWED =
      RegistryAllowList.of(List.of("registry.example:5000", "*.corp.example", "docker.io"));

  private static ImageTarget image(String registry, String repository, String tag) {
    return new ImageTarget(registry, repository, tag, DIGEST);
  }

  private static ConfiguredImageAdmission admission(Filters global, Map<String, Filters> bySource) {
    return new ConfiguredImageAdmission(ALLOWED, global, bySource);
  }

  @Test
  void admissionNoFiltersAdmitsAllowed() {
    ConfiguredImageAdmission admission =
        admission(Filters.none("soci-indexer.filters"), Map.of());

    assertThat(admission.check(image("registry.example:5000", "app", "1.0"), "api")).isEmpty();
    assertThat(admission.check(image("a.corp.example", "team/app", null), "harbor")).isEmpty();
    assertThat(admission.check(image("docker.io", "library/nginx", "1"), "api")).isEmpty();
  }

  @Test
  void admissionRegistryNotAllowed() {
    ConfiguredImageAdmission admission =
        admission(Filters.none("soci-indexer.filters"), Map.of());

    Optional<Refusal> refusal = admission.check(image("evil.example:443", "app", "1.0"), "api");

    assertThat(refusal).isPresent();
    assertThat(refusal.get().registryNotAllowed()).isTrue();
    assertThat(refusal.get().reason())
        .startsWith("registry evil.example:443 is not in soci-indexer.registries.allowed");
  }

  @Test
  void admissionAllowListBeforeFilters() {
    Filters global =
        new Filters("soci-indexer.filters", List.of(FilterRule.of(null, "**", null)), List.of());

    Optional<Refusal> refusal =
        admission(global, Map.of()).check(image("evil.example", "app", "1.0"), "api");

    assertThat(refusal).map(Refusal::registryNotAllowed).contains(true);
  }

  @Test
  void admissionIncludeRules() {
    Filters global =
        new Filters(
            "soci-indexer.filters",
            List.of(FilterRule.of(null, "team/**", null), FilterRule.of(null, null, "v*")),
            List.of());
    ConfiguredImageAdmission admission = admission(global, Map.of());

    assertThat(admission.check(image("registry.example:5000", "team/a/app", "1.0"), "api"))
        .isEmpty();
    assertThat(admission.check(image("registry.example:5000", "other", "v2"), "api")).isEmpty();
    Optional<Refusal> refusal =
        admission.check(image("registry.example:5000", "other", "2.0"), "api");
    assertThat(refusal).isPresent();
    assertThat(refusal.get().registryNotAllowed()).isFalse();
    assertThat(refusal.get().reason())
        .isEqualTo(
            "image registry.example:5000/other:2.0@" + DIGEST + " matches no rule of"
                + " soci-indexer.filters.include [{repository: team/**}, {tag: v*}]");
  }

  @Test
  void admissionExcludeRuleNamed() {
    Filters global =
        new Filters(
            "soci-indexer.filters",
            List.of(),
            List.of(
                FilterRule.of("*.corp.example", "scratch/**", null),
                FilterRule.of(null, null, "*-rc*")));
    ConfiguredImageAdmission admission = admission(global, Map.of());

    Optional<Refusal> refusal =
        admission.check(image("registry.example:5000", "app", "2.0-rc1"), "api");

    assertThat(refusal).isPresent();
    assertThat(refusal.get().registryNotAllowed()).isFalse();
    assertThat(refusal.get().reason())
        .endsWith("is excluded by soci-indexer.filters.exclude[1] {tag: *-rc*}");
    assertThat(admission.check(image("x.corp.example", "scratch/a", "1"), "api"))
        .map(Refusal::reason)
        .hasValueSatisfying(reason -> assertThat(reason).contains("exclude[0]"));
    assertThat(admission.check(image("registry.example:5000", "scratch/a", "1"), "api"))
        .isEmpty();
  }

  @Test
  void admissionExcludeWinsOverInclude() {
    Filters global =
        new Filters(
            "soci-indexer.filters",
            List.of(FilterRule.of(null, "app", null)),
            List.of(FilterRule.of(null, "app", "latest")));

    assertThat(admission(global, Map.of()).check(image("docker.io", "app", "latest"), "api"))
        .isPresent();
    assertThat(admission(global, Map.of()).check(image("docker.io", "app", "1"), "api"))
        .isEmpty();
  }

  @Test
  void admissionDigestOnlyTag() {
    Filters includeV =
        new Filters("soci-indexer.filters", List.of(FilterRule.of(null, null, "v*")), List.of());
    Filters excludeRc =
        new Filters("soci-indexer.filters", List.of(), List.of(FilterRule.of(null, null, "*-rc")));
    Filters excludeAny =
        new Filters("soci-indexer.filters", List.of(), List.of(FilterRule.of(null, null, "*")));
    ImageTarget untagged = image("docker.io", "app", null);

    assertThat(admission(includeV, Map.of()).check(untagged, "api")).isPresent();
    assertThat(admission(excludeRc, Map.of()).check(untagged, "api")).isEmpty();
    assertThat(admission(excludeAny, Map.of()).check(untagged, "api")).isPresent();
  }

  @Test
  void admissionRegistryGlobIgnoresCase() {
    Filters global =
        new Filters(
            "soci-indexer.filters", List.of(FilterRule.of("REGISTRY.example:*", null, null)),
            List.of());

    assertThat(admission(global, Map.of()).check(image("registry.example:5000", "app", "1"), "api"))
        .isEmpty();
  }

  @Test
  void admissionSourceFiltersNarrow() {
    Filters global =
        new Filters("soci-indexer.filters", List.of(), List.of(FilterRule.of(null, "tmp/**", null)));
    Filters harbor =
        new Filters(
            "soci-indexer.webhook.sources.harbor.filters",
            List.of(FilterRule.of(null, "prod/**", null)),
            List.of());
    ConfiguredImageAdmission admission = admission(global, Map.of("harbor", harbor));
    ImageTarget dev = image("registry.example:5000", "dev/app", "1");

    assertThat(admission.check(dev, "distribution")).isEmpty();
    assertThat(admission.check(dev, "api")).isEmpty();
    assertThat(admission.check(dev, "harbor"))
        .map(Refusal::reason)
        .hasValueSatisfying(
            reason -> assertThat(reason).contains("soci-indexer.webhook.sources.harbor.filters"));
    assertThat(admission.check(image("registry.example:5000", "prod/app", "1"), "harbor"))
        .isEmpty();
    assertThat(admission.check(image("registry.example:5000", "tmp/app", "1"), "harbor"))
        .map(Refusal::reason)
        .hasValueSatisfying(reason -> assertThat(reason).contains("soci-indexer.filters.exclude"));
  }

  @Test
  void filterRuleNeedsGlob() {
    assertThatThrownBy(() -> FilterRule.of(null, " ", ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("set at least one of registry, repository and tag");
  }
}

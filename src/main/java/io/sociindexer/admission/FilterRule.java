package io.sociindexer.admission;

import io.sociindexer.job.ImageTarget;
import java.util.ArrayList;
import java.util.List;

/**
 * One include or exclude rule: globs on the registry, the repository and the tag, each optional.
 * An image matches when every glob that is set matches. The registry glob ignores case, because
 * host names do, and the repository and tag globs do not. An image without a tag (a push by
 * digest) matches a tag glob only when the glob matches the empty string, such as {@code *}.
 *
 * @param registry glob on {@code host[:port]}, or null for any registry
 * @param repository glob on the repository name, or null for any repository
 * @param tag glob on the tag, or null for any tag or none
 */
public record FilterRule(Glob registry, Glob repository, Glob tag) {

  public FilterRule {
    if (registry == null && repository == null && tag == null) {
      throw new IllegalArgumentException(
          "invalid filter rule: set at least one of registry, repository and tag");
    }
  }

  /**
   * Creates a rule from glob texts, each of which may be null or blank for "any".
   *
   * @throws IllegalArgumentException when all three are unset
   */
  public static FilterRule of(String registry, String repository, String tag) {
    return new FilterRule(compile(registry, true), compile(repository, false), compile(tag, false));
  }

  private static Glob compile(String text, boolean caseInsensitive) {
    return text == null || text.isBlank() ? null : Glob.compile(text.strip(), caseInsensitive);
  }

  /** Returns whether {@code image} matches every glob this rule sets. */
  public boolean matches(ImageTarget image) {
    return (registry == null || registry.matches(image.registry()))
        && (repository == null || repository.matches(image.repository()))
        && (tag == null || tag.matches(image.tag()));
  }

  /** Returns the rule as {@code {registry: a, repository: b, tag: c}}, with only the set globs. */
  @Override
  public String toString() {
    List<String> parts = new ArrayList<>();
    if (registry != null) {
      parts.add("registry: " + registry);
    }
    if (repository != null) {
      parts.add("repository: " + repository);
    }
    if (tag != null) {
      parts.add("tag: " + tag);
    }
    return "{" + String.join(", ", parts) + "}";
  }
}

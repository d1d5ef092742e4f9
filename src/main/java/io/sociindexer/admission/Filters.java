package io.sociindexer.admission;

import io.sociindexer.job.ImageTarget;
import java.util.List;
import java.util.Optional;

/**
 * The include and exclude rules of one level, global or one webhook source. An image passes when
 * it matches at least one include rule, or there are none, and matches no exclude rule.
 *
 * @param property the configuration key of this level, such as {@code soci-indexer.filters}, used
 *     in refusal messages so that an operator can find the rule
 */
public record Filters(String property, List<FilterRule> include, List<FilterRule> exclude) {

  public Filters {
    include = List.copyOf(include);
    exclude = List.copyOf(exclude);
  }

  /** Returns filters that pass every image. */
  public static Filters none(String property) {
    return new Filters(property, List.of(), List.of());
  }

  public boolean isEmpty() {
    return include.isEmpty() && exclude.isEmpty();
  }

  /** Returns empty when {@code image} passes, else why not, naming the rule and its key. */
  public Optional<String> rejection(ImageTarget image) {
    if (!include.isEmpty() && include.stream().noneMatch(rule -> rule.matches(image))) {
      return Optional.of(
          "image " + image + " matches no rule of " + property + ".include " + include);
    }

    for (int i = 0; i < exclude.size(); i++) {
      if (exclude.get(i).matches(image)) {
        return Optional.of(
            "image " + image + " is excluded by " + property + ".exclude[" + i + "] "
                + exclude.get(i));
      }
    }
    return Optional.empty();
  }
}

package io.sociindexer.registry;

import io.sociindexer.oci.Reference;
import io.sociindexer.registry.RegistryHttp.NotFound;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.HttpUrl;
import okhttp3.Request;
import okhttp3.Response;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Lists the tags of a repository with {@code GET /v2/<name>/tags/list}, page by page. It follows
 * the {@code Link: <...>; rel="next"} header, and when a registry sends no Link header but fills
 * a page, it requests the next page with {@code last}. Links to another host or scheme are
 * refused, so a registry cannot make the client call an address it was not given.
 */
final class TagLister {

  /** A tag list page is a small JSON document; 4 MiB fits about 30,000 tags of 128 characters. */
  static final int MAX_PAGE_BYTES = 4 * 1024 * 1024;

  /** Stops a registry whose links loop from keeping the client busy forever. */
  static final int MAX_PAGES = 10_000;

  private static final Pattern NEXT_LINK =
      Pattern.compile("<([^>]*)>\\s*;[^,]*rel\\s*=\\s*\"?next\"?", Pattern.CASE_INSENSITIVE);

  private final RegistryHttp http;

  TagLister(RegistryHttp http) {
    this.http = http;
  }

  List<String> listTags(Reference repository, int pageSize) throws RegistryException {
    if (pageSize < 1) {
      throw new IllegalArgumentException("tag page size must be positive, got " + pageSize);
    }
    HttpUrl first =
        http.apiUrl(repository, "tags", "list").newBuilder()
            .addQueryParameter("n", Integer.toString(pageSize))
            .build();
    RegistryException.Context context =
        new RegistryException.Context(
            "list tags",
            "list tags of " + repository.repositoryName(),
            repository.repositoryName(),
            repository.registry(),
            null,
            null);

    Set<String> tags = new LinkedHashSet<>();
    HttpUrl url = first;
    for (int page = 0; url != null; page++) {
      if (page >= MAX_PAGES) {
        throw new RegistryException(context, 0, null, null, null, null,
            "the registry returned more than " + MAX_PAGES + " pages of tags; listing stopped",
            null);
      }
      Page fetched = fetchPage(context, repository, url);
      int before = tags.size();
      tags.addAll(fetched.tags());
      boolean progressed = tags.size() > before;
      url = nextUrl(context, first, url, fetched, pageSize, progressed);
    }
    return new ArrayList<>(tags);
  }

  private record Page(List<String> tags, String link) {}

  private Page fetchPage(RegistryException.Context context, Reference repository, HttpUrl url)
      throws RegistryException {
    Request request = http.request(repository, false, url).get().build();
    return http.withRetries(context, repository, () -> {
      try (Response response = http.execute(context, request)) {
        if (!response.isSuccessful()) {
          throw http.failure(context, response, NotFound.OTHER);
        }
        RegistryException.Context responseContext = RegistryHttp.contextOf(context, response);
        byte[] body = readBody(responseContext, response);
        return new Page(parseTags(responseContext, body), response.header("Link"));
      }
    });
  }

  /**
   * Returns the next page to fetch, or null when the listing is complete: the Link target when
   * there is one, else the {@code last} form when the page was full and brought new tags.
   */
  private static HttpUrl nextUrl(
      RegistryException.Context context,
      HttpUrl first,
      HttpUrl current,
      Page page,
      int pageSize,
      boolean progressed)
      throws RegistryException {
    String link = nextLink(page.link());
    if (link != null) {
      return sameOrigin(context, current, link);
    }
    if (page.tags().size() < pageSize || !progressed) {
      return null;
    }
    return first.newBuilder().setQueryParameter("last", page.tags().getLast()).build();
  }

  /** Returns the target of the {@code rel="next"} link in a Link header, or null. */
  static String nextLink(String header) {
    if (header == null) {
      return null;
    }
    Matcher matcher = NEXT_LINK.matcher(header);
    return matcher.find() ? matcher.group(1).strip() : null;
  }

  private static HttpUrl sameOrigin(RegistryException.Context context, HttpUrl current, String link)
      throws RegistryException {
    HttpUrl next = current.resolve(link);
    if (next == null
        || !next.scheme().equals(current.scheme())
        || !next.host().equals(current.host())
        || next.port() != current.port()) {
      throw new RegistryException(context, 200, null, null, null, null,
          "the next-page link '" + link + "' leaves " + current.host() + ":" + current.port()
              + "; links to another host are not followed",
          null);
    }
    return next;
  }

  private static byte[] readBody(RegistryException.Context context, Response response)
      throws RegistryException {
    try (InputStream in = response.body().byteStream()) {
      byte[] bytes = in.readNBytes(MAX_PAGE_BYTES + 1);
      if (bytes.length > MAX_PAGE_BYTES) {
        throw new RegistryException(context, response.code(), null, null, null, null,
            "the tag list page is larger than " + MAX_PAGE_BYTES + " bytes", null);
      }
      return bytes;
    } catch (IOException e) {
      if (e instanceof RegistryException registryException) {
        throw registryException;
      }
      throw new RegistryException(
          context, 0, "reading the tag list failed: " + RegistryException.plainMessage(e), e);
    }
  }

  private static List<String> parseTags(RegistryException.Context context, byte[] body)
      throws RegistryException {
    JsonNode root;
    try {
      root = JsonMapper.shared().readTree(body);
    } catch (JacksonException e) {
      throw new RegistryException(context, 200, null, null, null, null,
          "the tag list is not valid JSON: " + e.getOriginalMessage(), null);
    }
    JsonNode tags = root.path("tags");
    if (tags.isNull() || tags.isMissingNode()) {
      return List.of();
    }
    if (!tags.isArray()) {
      throw new RegistryException(context, 200, null, null, null, null,
          "the tag list has a \"tags\" field that is not an array", null);
    }
    List<String> result = new ArrayList<>();
    for (JsonNode tag : tags) {
      if (tag.isString()) {
        result.add(tag.asString());
      }
    }
    return result;
  }
}

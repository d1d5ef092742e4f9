package io.sociindexer.registry.ecr;

import io.sociindexer.registry.auth.Credential;
import io.sociindexer.registry.auth.CredentialLookupException;
import io.sociindexer.registry.auth.CredentialProvider;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.EcrClientBuilder;
import software.amazon.awssdk.services.ecr.model.AuthorizationData;
import software.amazon.awssdk.services.ecr.model.GetAuthorizationTokenResponse;

/**
 * Credentials for Amazon ECR private registries, {@code <account>.dkr.ecr.<region>.amazonaws.com}
 * (also {@code .com.cn} and the {@code ecr-fips} hosts). It calls {@code GetAuthorizationToken} in
 * the region named by the host, decodes the base64 {@code AWS:<password>} token and returns it as
 * Basic credentials. ECR tokens are valid for 12 hours. Each is reused until {@link
 * #REFRESH_MARGIN} before its {@code expiresAt}, so a new one is fetched before the old one
 * expires. Other hosts get no credentials and cause no AWS call.
 *
 * <p>AWS credentials come from the SDK's default chain (environment, system properties, profile,
 * web identity, container and instance roles) unless a provider is given. Thread-safe. {@link
 * #close()} closes the regional clients.
 */
public final class EcrCredentialProvider implements CredentialProvider, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EcrCredentialProvider.class);

  /** How long before a token's expiry it is replaced. */
  public static final Duration REFRESH_MARGIN = Duration.ofMinutes(15);

  private static final Pattern ECR_HOST = Pattern.compile(
      "(\\d{12})\\.dkr\\.ecr(?:-fips)?\\.([a-z0-9-]+)\\.amazonaws\\.com(?:\\.cn)?");

  private final Function<Region, EcrClient> clientFactory;
  private final Clock clock;
  private final ConcurrentHashMap<Region, EcrClient> clients = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, CachedToken> tokens = new ConcurrentHashMap<>();

  /**
   * Creates a provider.
   *
   * @param clientFactory creates the ECR client of a region; called once per region
   */
  public EcrCredentialProvider(Function<Region, EcrClient> clientFactory, Clock clock) {
    this.clientFactory = Objects.requireNonNull(clientFactory, "clientFactory");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Creates a provider with the SDK's default credential chain, or {@code credentials} when not
   * null, and the JDK's URL connection as the HTTP client.
   *
   * @param endpoint the ECR API endpoint for every region, such as a VPC endpoint or a test stub,
   *     or null for the SDK's regional endpoint
   */
  public static EcrCredentialProvider create(URI endpoint, AwsCredentialsProvider credentials, Clock clock) {
    SdkHttpClient httpClient = UrlConnectionHttpClient.builder()
        .connectionTimeout(Duration.ofSeconds(10))
        .socketTimeout(Duration.ofSeconds(30))
        .build();
    AwsCredentialsProvider chain =
        credentials != null ? credentials : DefaultCredentialsProvider.builder().build();
    return new EcrCredentialProvider(region -> {
      EcrClientBuilder builder = EcrClient.builder()
          .region(region)
          .credentialsProvider(chain)
          .httpClient(httpClient);
      if (endpoint != null) {
        builder.endpointOverride(endpoint);
      }
      return builder.build();
    }, clock);
  }

  /** Returns the region of an ECR private registry host, or empty for any other host. */
  public static Optional<Region> regionOf(String registryHost) {
    Matcher matcher = ECR_HOST.matcher(registryHost.strip().toLowerCase(Locale.ROOT));
    return matcher.matches() ? Optional.of(Region.of(matcher.group(2))) : Optional.empty();
  }

  /**
   * Returns the ECR credentials for {@code registryHost}, or empty when it is not an ECR host.
   *
   * @throws CredentialLookupException when {@code GetAuthorizationToken} fails or returns no token
   */
  @Override
  public Optional<Credential> credentialsFor(String registryHost) {
    Optional<Region> region = regionOf(registryHost);
    if (region.isEmpty()) {
      return Optional.empty();
    }
    String host = registryHost.strip().toLowerCase(Locale.ROOT);
    CachedToken cached = tokens.get(host);
    if (cached != null && clock.instant().isBefore(cached.refreshAt())) {
      return Optional.of(cached.credential());
    }
    return Optional.of(refresh(host, region.get()));
  }

  private synchronized Credential refresh(String host, Region region) {
    CachedToken cached = tokens.get(host);
    if (cached != null && clock.instant().isBefore(cached.refreshAt())) {
      return cached.credential();
    }

    AuthorizationData data = requestToken(host, region);
    Credential credential = decode(host, region, data.authorizationToken());
    Instant expiresAt = data.expiresAt() != null
        ? data.expiresAt()
        : clock.instant().plus(Duration.ofHours(12));
    Instant refreshAt = expiresAt.minus(REFRESH_MARGIN);
    tokens.put(host, new CachedToken(credential, refreshAt));
    log.info("Obtained an ECR authorization token for {} in region {}, valid until {}",
        host, region, expiresAt);
    return credential;
  }

  private AuthorizationData requestToken(String host, Region region) {
    GetAuthorizationTokenResponse response;
    try {
      response = clients.computeIfAbsent(region, clientFactory).getAuthorizationToken(request -> {});
    } catch (SdkServiceException e) {
      boolean transientFailure = e.isThrottlingException() || e.statusCode() >= 500;
      throw failure(host, region, "failed with status " + e.statusCode() + ": " + e.getMessage()
          + "; check that the AWS identity may call ecr:GetAuthorizationToken", transientFailure, e);
    } catch (SdkClientException e) {
      throw failure(host, region, "failed: " + e.getMessage(), true, e);
    } catch (SdkException e) {
      throw failure(host, region, "failed: " + e.getMessage(), false, e);
    }

    List<AuthorizationData> data = response.authorizationData();
    if (data.isEmpty() || data.getFirst().authorizationToken() == null) {
      throw failure(host, region, "returned no authorization data", false, null);
    }
    return data.getFirst();
  }

  private static Credential decode(String host, Region region, String token) {
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(token.strip()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw failure(host, region, "returned a token that is not valid base64", false, null);
    }
    int colon = decoded.indexOf(':');
    if (colon <= 0) {
      throw failure(host, region, "returned a token that does not decode to user:password", false, null);
    }
    return new Credential(decoded.substring(0, colon), decoded.substring(colon + 1));
  }

  private static CredentialLookupException failure(
      String host, Region region, String problem, boolean transientFailure, Throwable cause) {
    return new CredentialLookupException(host,
        "ECR GetAuthorizationToken for registry " + host + " in region " + region + " " + problem,
        transientFailure, cause);
  }

  @Override
  public void close() {
    clients.values().forEach(EcrClient::close);
    clients.clear();
  }

  @Override
  public String toString() {
    return "EcrCredentialProvider[regions=" + clients.keySet() + "]";
  }

  private record CachedToken(Credential credential, Instant refreshAt) {}
}

package io.sociindexer.job;

import io.sociindexer.oci.Digest;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.core.simple.JdbcClient.StatementSpec;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * A {@link JobStore} in one SQL table, {@code jobs}, on H2 (embedded, one JVM) or PostgreSQL
 * (shared by replicas). It is a small plain JDBC queue rather than a job library such as
 * db-scheduler or JobRunr. The service needs its own job model (states, attempts, progress,
 * results, dedup) that such a library would only wrap, and neither library is confirmed to work on
 * Spring Boot 4.
 *
 * <p>Enqueues use group commit ({@link EnqueueBatcher}): the enqueues that arrive while a commit
 * is under way are stored together in the next transaction, and each caller returns after that
 * commit. Many webhook requests thus share one commit, which is what limits intake on H2.
 *
 * <p>Every method commits before it returns. Most run one auto-committed statement; on H2 a change
 * and the read of the changed row share one transaction. All times come from the
 * database clock ({@code CURRENT_TIMESTAMP}), not from the JVM, so replicas agree on when a lease
 * expires even when their own clocks differ. The only exception is the {@code retryAt} that a
 * caller passes to {@link #fail}.
 *
 * <p>Durability on H2: a commit is in the database file when it returns only with {@code
 * WRITE_DELAY=0} in the JDBC URL, as {@code application.yml} sets it. With H2's default of 500 ms,
 * a killed process loses the commits of its last moments. H2 2.4.240 does not fsync a commit
 * (strace shows only pwrite calls), so an OS crash or power loss can still lose the last ones.
 * PostgreSQL's default {@code synchronous_commit} keeps them.
 *
 * <p>Exactly-once claims: {@link #claim} picks the oldest claimable row with {@code FOR UPDATE
 * SKIP LOCKED} and updates it only while it is still claimable, so two callers never win the same
 * job. On PostgreSQL that is one {@code UPDATE ... RETURNING *}; on H2 it is a short transaction,
 * which is enough because the embedded database serves one JVM. Dedup of active jobs is a unique
 * index (partial on PostgreSQL, on a generated column on H2), so it is enforced across replicas too.
 *
 * <p>An owner holds a job while it is running under the owner's name. An owner whose lease expired
 * can still renew, complete or fail the job until another owner claims it, because until then
 * nobody else works on it.
 *
 * <p>Logging: cancel, retry and release are logged at INFO. Enqueues, claims, completions and
 * failures are logged at DEBUG only, because the caller logs them with more detail: the webhook,
 * job API and backfill log each job they create, and the worker logs the duration and error.
 */
public final class JdbcJobStore implements JobStore, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(JdbcJobStore.class);

  /** Inserts to try when the active job that rejected an insert finishes before it is read. */
  private static final int MAX_ENQUEUE_TRIES = 5;

  /** Claims to try on H2 when another claim changed the locked candidate row first. */
  private static final int MAX_CLAIM_TRIES = 10;

  private static final SecureRandom ID_RANDOM = new SecureRandom();

  /** Oldest rows of each claimable state that a claim on H2 considers before a full scan. */
  private static final int H2_CLAIM_CANDIDATES = 8;

  private static final String CLAIMABLE =
      "((state = 'queued' AND run_after <= CURRENT_TIMESTAMP)"
          + " OR (state = 'running' AND lease_until < CURRENT_TIMESTAMP))";

  private static final String HELD = "id = :id AND state = 'running' AND lease_owner = :owner";

  private static final String ACTIVE_IMAGE =
      "registry = :registry AND repository = :repository AND manifest_digest = :digest"
          + " AND state IN ('queued', 'running')";

  private final JdbcClient jdbc;
  private final SqlDialect dialect;
  private final JsonMapper json;
  private final TransactionTemplate transactions;
  private final EnqueueBatcher batcher = new EnqueueBatcher(this::enqueueBatch, this::enqueueAlone);

  /**
   * Creates a store on a database that Flyway has already migrated, choosing the SQL dialect from
   * the database product name.
   */
  public JdbcJobStore(DataSource dataSource) {
    this.jdbc = JdbcClient.create(dataSource);
    this.dialect = SqlDialect.of(dataSource);
    this.json = JsonMapper.builder().build();
    this.transactions = new TransactionTemplate(new JdbcTransactionManager(dataSource));
  }

  /**
   * {@inheritDoc}
   *
   * <p>The insert skips a row that a unique index rejects ({@code ON CONFLICT DO NOTHING})
   * instead of failing, so a duplicate costs no SQL exception and no exception translation. H2
   * accepts that clause in its PostgreSQL mode, which the default JDBC URL sets with {@code
   * MODE=PostgreSQL} (checked on H2 2.4.240).
   */
  @Override
  public Enqueued enqueue(ImageTarget image, String source) {
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(source, "source");

    return batcher.enqueue(image, source);
  }

  /**
   * Stores the enqueues of a group commit in one transaction: each row is inserted with {@code ON
   * CONFLICT DO NOTHING}, and for a conflicting one the active job is returned, which may be a
   * row inserted earlier in the same batch. Returns null for a conflict whose active job is not
   * visible, so that the request runs again alone.
   */
  private List<Enqueued> enqueueBatch(List<EnqueueBatcher.Request> batch) {
    List<Enqueued> outcomes =
        transactions.execute(
            status -> {
              List<Enqueued> stored = new ArrayList<>(batch.size());
              for (EnqueueBatcher.Request request : batch) {
                stored.add(enqueueOnce(request.image(), request.source()));
              }
              return stored;
            });
    for (Enqueued outcome : outcomes) {
      if (outcome != null && outcome.created()) {
        logJob(Level.DEBUG, outcome.job(), "job queued");
      }
    }
    return outcomes;
  }

  /** Stores one enqueue in its own transactions, trying again when the active job vanished. */
  private Enqueued enqueueAlone(EnqueueBatcher.Request request) {
    for (int tries = 1; ; tries++) {
      Enqueued outcome = enqueueOnce(request.image(), request.source());
      if (outcome != null) {
        if (outcome.created()) {
          logJob(Level.DEBUG, outcome.job(), "job queued");
        }
        return outcome;
      }
      if (tries == MAX_ENQUEUE_TRIES) {
        throw new IllegalStateException(
            "enqueue of " + request.image() + " failed " + tries
                + " times on a unique index, but no active job holds the image");
      }
    }
  }

  /** Inserts a job or reads the active one; null when the insert conflicted with no visible job. */
  private Enqueued enqueueOnce(ImageTarget image, String source) {
    Optional<Job> inserted = insertQueued(image, source);
    if (inserted.isPresent()) {
      return new Enqueued(inserted.get(), true);
    }
    return findActive(image.registry(), image.repository(), image.digest())
        .map(active -> new Enqueued(active, false))
        .orElse(null);
  }

  /** Stops the group-commit writer after it has stored the enqueues handed to it. */
  @Override
  public void close() {
    batcher.close();
  }

  /** Inserts a queued job and returns it, or empty when the image already has an active job. */
  private Optional<Job> insertQueued(ImageTarget image, String source) {
    String insert =
        "INSERT INTO jobs (id, registry, repository, tag, manifest_digest, state, source,"
            + " attempts, created_at, run_after)"
            + " VALUES (:id, :registry, :repository, :tag, :digest, 'queued', :source, 0,"
            + " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP) ON CONFLICT DO NOTHING";
    UUID id = newJobId();
    UnaryOperator<StatementSpec> params =
        statement ->
            statement
                .param("id", id)
                .param("registry", image.registry())
                .param("repository", image.repository())
                .param("tag", image.tag(), Types.VARCHAR)
                .param("digest", digestText(image.digest()), Types.VARCHAR)
                .param("source", source);
    if (dialect == SqlDialect.POSTGRESQL) {
      return changeAndRead(insert, id, params);
    }
    return insertOnH2(insert, id, image, source, params);
  }

  /**
   * Returns a new job id: a version 7 UUID (RFC 9562), whose first 48 bits are the JVM's time in
   * milliseconds and whose other 74 free bits are random. New ids therefore land at the end of the
   * primary key index, so a group commit rewrites one index page instead of one page per job, as
   * random version 4 ids did on H2. The random bits keep ids as hard to guess as before.
   */
  static UUID newJobId() {
    long millis = System.currentTimeMillis();
    long high = (millis << 16) | 0x7000L | (ID_RANDOM.nextInt() & 0x0FFFL);
    long low = (ID_RANDOM.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
    return new UUID(high, low);
  }

  /**
   * Inserts on H2 in one statement and builds the job from the bound values and
   * the timestamps that the database set, which JDBC returns as generated keys. This saves the
   * read-back of {@link #changeAndRead} on the webhook's hot path.
   */
  private Optional<Job> insertOnH2(
      String insert, UUID id, ImageTarget image, String source, UnaryOperator<StatementSpec> params) {
    KeyHolder keys = new GeneratedKeyHolder();
    int inserted = params.apply(jdbc.sql(insert)).update(keys, "created_at", "run_after");
    if (inserted == 0) {
      return Optional.empty();
    }

    Map<String, Object> times = keys.getKeys();
    return Optional.of(
        new Job(
            id, image, JobState.QUEUED, source, 0,
            keyInstant(times, "created_at"), null, null, keyInstant(times, "run_after"),
            null, null, JobProgress.NONE, null, null));
  }

  private static Instant keyInstant(Map<String, Object> keys, String column) {
    Object value = keys == null ? null : keys.get(column);
    return switch (value) {
      case OffsetDateTime time -> time.toInstant();
      case java.sql.Timestamp time -> time.toInstant();
      case Instant time -> time;
      case null, default ->
          throw new IllegalStateException(
              "H2 returned " + value + " as the generated key " + column
                  + " of a new job; expected a timestamp with time zone");
    };
  }

  @Override
  public Optional<Job> find(UUID id) {
    Objects.requireNonNull(id, "id");
    return jdbc.sql("SELECT * FROM jobs WHERE id = :id").param("id", id).query(this::mapJob)
        .optional();
  }

  private Optional<Job> findActive(String registry, String repository, Digest digest) {
    if (digest == null) {
      return Optional.empty();
    }
    return jdbc.sql("SELECT * FROM jobs WHERE " + ACTIVE_IMAGE)
        .param("registry", registry)
        .param("repository", repository)
        .param("digest", digest.toString())
        .query(this::mapJob)
        .optional();
  }

  @Override
  public Page list(JobState state, String imageContains, int page, int size) {
    if (page < 0) {
      throw new IllegalArgumentException("invalid page " + page + ": expected 0 or more");
    }
    if (size < 1) {
      throw new IllegalArgumentException("invalid page size " + size + ": expected 1 or more");
    }

    StringBuilder where = new StringBuilder(" WHERE 1 = 1");
    if (state != null) {
      where.append(" AND state = :state");
    }
    String pattern = null;
    if (imageContains != null && !imageContains.isEmpty()) {
      where.append(
          // The whole reference registry/repository[:tag][@digest] is matched, so a pasted
          // image name finds its jobs. CONCAT skips NULLs on both H2 and PostgreSQL.
          " AND LOWER(CONCAT(registry, '/', repository,"
              + " CASE WHEN tag IS NULL THEN '' ELSE CONCAT(':', tag) END,"
              + " CASE WHEN manifest_digest IS NULL THEN '' ELSE CONCAT('@', manifest_digest) END))"
              + " LIKE :pattern ESCAPE '!'");
      pattern = "%" + escapeLike(imageContains.toLowerCase(Locale.ROOT)) + "%";
    }

    List<Job> jobs =
        bindFilter(
                jdbc.sql(
                    "SELECT * FROM jobs" + where
                        + " ORDER BY created_at DESC, seq DESC LIMIT :limit OFFSET :offset"),
                state,
                pattern)
            .param("limit", size)
            .param("offset", (long) page * size)
            .query(this::mapJob)
            .list();
    long total =
        bindFilter(jdbc.sql("SELECT COUNT(*) FROM jobs" + where), state, pattern)
            .query(Long.class)
            .single();
    return new Page(jobs, total, page, size);
  }

  private static StatementSpec bindFilter(
      StatementSpec statement, JobState state, String pattern) {
    if (state != null) {
      statement = statement.param("state", state.wireName());
    }
    if (pattern != null) {
      statement = statement.param("pattern", pattern);
    }
    return statement;
  }

  private static String escapeLike(String text) {
    return text.replace("!", "!!").replace("%", "!%").replace("_", "!_");
  }

  @Override
  public Optional<Job> claim(String owner, Duration lease, Set<String> excludedRegistries) {
    Objects.requireNonNull(owner, "owner");
    requirePositive(lease);

    String excluded = excludedRegistries.isEmpty() ? "" : " AND registry NOT IN (:excluded)";
    String candidate =
        "SELECT id FROM jobs WHERE " + CLAIMABLE + excluded
            + " ORDER BY created_at, seq LIMIT 1 FOR UPDATE SKIP LOCKED";
    String update =
        "UPDATE jobs SET state = 'running', attempts = attempts + 1,"
            + " started_at = CURRENT_TIMESTAMP, finished_at = NULL, lease_owner = :owner,"
            + " lease_until = " + dialect.plusMillis(":leaseMillis") + ","
            + " layers_done = 0, layers_total = 0, bytes_done = 0, bytes_total = 0,"
            + " result = NULL, error = NULL";
    UnaryOperator<StatementSpec> params =
        statement -> {
          statement = statement.param("owner", owner).param("leaseMillis", lease.toMillis());
          return excludedRegistries.isEmpty()
              ? statement
              : statement.param("excluded", List.copyOf(excludedRegistries));
        };

    Optional<Job> claimed =
        dialect == SqlDialect.POSTGRESQL
            ? claimWithReturning(update, candidate, params)
            : claimInTransaction(update, candidate, excluded, params);
    claimed.ifPresent(job -> logJob(Level.DEBUG, job, "job claimed"));
    return claimed;
  }

  /**
   * Claims in one statement. The outer condition checks again that the locked row is claimable,
   * because PostgreSQL may lock a row version newer than the subquery's snapshot.
   */
  private Optional<Job> claimWithReturning(
      String update, String candidate, UnaryOperator<StatementSpec> params) {
    String sql =
        update + " WHERE id = (" + candidate + ") AND " + CLAIMABLE + " RETURNING *";
    return params.apply(jdbc.sql(sql)).query(this::mapJob).optional();
  }

  /**
   * Claims in a transaction on H2: locks the oldest claimable row, updates it while it is still
   * claimable, and reads it back. H2 2.4.240 supports the same SKIP LOCKED clause, but a data
   * change inside {@code SELECT * FROM FINAL TABLE (...)} loses the row when the statement fails,
   * so this store never uses that form.
   */
  private Optional<Job> claimInTransaction(
      String update, String candidate, String excluded, UnaryOperator<StatementSpec> params) {
    for (int tries = 1; tries <= MAX_CLAIM_TRIES; tries++) {
      Optional<Optional<Job>> outcome =
          transactions.execute(
              status -> {
                Optional<UUID> id = lockCandidateOnH2(candidate, excluded, params);
                if (id.isEmpty()) {
                  return Optional.of(Optional.<Job>empty());
                }
                int changed =
                    params
                        .apply(jdbc.sql(update + " WHERE id = :id AND " + CLAIMABLE))
                        .param("id", id.get())
                        .update();
                return changed == 1 ? Optional.of(find(id.get())) : Optional.empty();
              });
      if (outcome.isPresent()) {
        return outcome.get();
      }
    }
    // NOTE: only reached when other claims keep winning the locked candidate; the caller polls
    // again, so a job waits one poll longer at worst.
    return Optional.empty();
  }

  /**
   * Locks the oldest claimable row on H2 and returns its id. For the full claim query H2 2.4.240
   * reads every claimable row, because of its OR condition and because with {@code FOR UPDATE} it
   * does not stop at the limit (seen with EXPLAIN ANALYZE). With tens of thousands of queued jobs
   * that took about a third of the service's CPU. So this first reads a few of the oldest due queued and expired running rows
   * along the index {@code jobs_claim_idx (state, created_at, seq)}, which H2 stops reading at the
   * limit, and locks the oldest unlocked one of those. Only when all of them are locked by other
   * claims does it run the full query.
   */
  private Optional<UUID> lockCandidateOnH2(
      String candidate, String excluded, UnaryOperator<StatementSpec> params) {
    String oldest =
        " " + excluded + " ORDER BY state, created_at, seq LIMIT " + H2_CLAIM_CANDIDATES + ")";
    List<UUID> ids =
        params
            .apply(
                jdbc.sql(
                    "(SELECT id FROM jobs WHERE state = 'queued'"
                        + " AND run_after <= CURRENT_TIMESTAMP" + oldest
                        + " UNION ALL (SELECT id FROM jobs WHERE state = 'running'"
                        + " AND lease_until < CURRENT_TIMESTAMP" + oldest))
            .query(UUID.class)
            .list();
    if (ids.isEmpty()) {
      return Optional.empty();
    }

    Optional<UUID> locked =
        params
            .apply(
                jdbc.sql(
                    "SELECT id FROM jobs WHERE id IN (:ids) AND " + CLAIMABLE
                        + " ORDER BY created_at, seq LIMIT 1 FOR UPDATE SKIP LOCKED"))
            .param("ids", ids)
            .query(UUID.class)
            .optional();
    if (locked.isPresent()) {
      return locked;
    }
    return params.apply(jdbc.sql(candidate)).query(UUID.class).optional();
  }

  @Override
  public boolean renewLease(UUID id, String owner, Duration lease) {
    requirePositive(lease);
    return jdbc.sql(
                "UPDATE jobs SET lease_until = " + dialect.plusMillis(":leaseMillis")
                    + " WHERE " + HELD)
            .param("leaseMillis", lease.toMillis())
            .param("id", id)
            .param("owner", owner)
            .update()
        == 1;
  }

  @Override
  public void updateProgress(UUID id, String owner, JobProgress progress) {
    jdbc.sql(
            "UPDATE jobs SET layers_done = :layersDone, layers_total = :layersTotal,"
                + " bytes_done = :bytesDone, bytes_total = :bytesTotal WHERE " + HELD)
        .param("layersDone", progress.layersDone())
        .param("layersTotal", progress.layersTotal())
        .param("bytesDone", progress.bytesDone())
        .param("bytesTotal", progress.bytesTotal())
        .param("id", id)
        .param("owner", owner)
        .update();
  }

  /**
   * {@inheritDoc}
   *
   * <p>Does nothing when the job's lease is no longer {@code owner}'s.
   *
   * @throws DuplicateJobException when another job is already active for the resolved image
   */
  @Override
  public void updateDigest(UUID id, String owner, Digest digest) {
    Objects.requireNonNull(digest, "digest");
    try {
      jdbc.sql("UPDATE jobs SET manifest_digest = :digest WHERE " + HELD)
          .param("digest", digest.toString())
          .param("id", id)
          .param("owner", owner)
          .update();
    } catch (DuplicateKeyException e) {
      Job job = find(id).orElseThrow(() -> e);
      ImageTarget image = job.image().withDigest(digest);
      UUID activeId =
          findActive(image.registry(), image.repository(), digest).map(Job::id).orElseThrow(() -> e);
      throw new DuplicateJobException(id, image, activeId);
    }
  }

  @Override
  public boolean complete(UUID id, String owner, JobState finalState, JobResult result) {
    if (finalState != JobState.SUCCEEDED && finalState != JobState.SKIPPED) {
      throw new IllegalArgumentException(
          "invalid final state " + finalState + " for job " + id + ": expected succeeded or skipped");
    }

    boolean done =
        jdbc.sql(
                    "UPDATE jobs SET state = :state, result = :result, error = NULL,"
                        + " finished_at = CURRENT_TIMESTAMP, lease_owner = NULL,"
                        + " lease_until = NULL WHERE " + HELD)
                .param("state", finalState.wireName())
                .param("result", toJson(result), Types.VARCHAR)
                .param("id", id)
                .param("owner", owner)
                .update()
            == 1;
    logDebug(id, owner, done ? "job " + finalState.wireName() : "job completion rejected");
    return done;
  }

  @Override
  public boolean fail(UUID id, String owner, JobError error, Instant retryAt) {
    Objects.requireNonNull(error, "error");

    String next =
        retryAt == null
            ? "state = 'failed', finished_at = CURRENT_TIMESTAMP"
            : "state = 'queued', run_after = :retryAt";
    StatementSpec statement =
        jdbc.sql(
                "UPDATE jobs SET " + next + ", error = :error, lease_owner = NULL,"
                    + " lease_until = NULL WHERE " + HELD)
            .param("error", toJson(error))
            .param("id", id)
            .param("owner", owner);
    if (retryAt != null) {
      statement = statement.param("retryAt", OffsetDateTime.ofInstant(retryAt, ZoneOffset.UTC));
    }

    boolean done = statement.update() == 1;
    logDebug(id, owner, done ? "job attempt failed" : "job failure rejected");
    return done;
  }

  /**
   * {@inheritDoc}
   *
   * <p>When another job became active for the same image meanwhile, returns that job and leaves
   * this one as it is, as {@link #enqueue} does.
   */
  @Override
  public Optional<Job> retry(UUID id) {
    String update =
        "UPDATE jobs SET state = 'queued', attempts = 0, run_after = CURRENT_TIMESTAMP,"
            + " finished_at = NULL, lease_owner = NULL, lease_until = NULL"
            + " WHERE id = :id AND state IN ('failed', 'cancelled')";
    try {
      Optional<Job> queued = changeAndRead(update, id, statement -> statement.param("id", id));
      queued.ifPresent(job -> logJob(Level.INFO, job, "job queued for retry"));
      return queued;
    } catch (DuplicateKeyException e) {
      Job job = find(id).orElseThrow(() -> e);
      ImageTarget image = job.image();
      return findActive(image.registry(), image.repository(), image.digest());
    }
  }

  @Override
  public Optional<Job> cancel(UUID id) {
    String update =
        "UPDATE jobs SET state = 'cancelled', finished_at = CURRENT_TIMESTAMP"
            + " WHERE id = :id AND state = 'queued'";
    Optional<Job> cancelled = changeAndRead(update, id, statement -> statement.param("id", id));
    cancelled.ifPresent(job -> logJob(Level.INFO, job, "job cancelled"));
    return cancelled;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Released jobs keep the attempt their claim counted.
   */
  @Override
  public int release(String owner) {
    int released =
        jdbc.sql(
                "UPDATE jobs SET state = 'queued', run_after = CURRENT_TIMESTAMP,"
                    + " lease_owner = NULL, lease_until = NULL"
                    + " WHERE state = 'running' AND lease_owner = :owner")
            .param("owner", owner)
            .update();
    if (released > 0) {
      log.atInfo().addKeyValue("lease.owner", owner).log("released {} running jobs", released);
    }
    return released;
  }

  /**
   * Puts every running job back in the queue when the store is the embedded H2 database, and
   * returns how many. H2 lets one process open the file at a time, so a job found running at
   * startup belongs to a process that stopped without finishing it. Waiting for its lease to
   * expire would only delay it. On PostgreSQL other replicas may be running jobs, so nothing
   * changes there.
   */
  public int releaseAbandonedEmbeddedJobs() {
    if (dialect != SqlDialect.H2) {
      return 0;
    }
    int released =
        jdbc.sql(
                "UPDATE jobs SET state = 'queued', run_after = CURRENT_TIMESTAMP,"
                    + " lease_owner = NULL, lease_until = NULL WHERE state = 'running'")
            .update();
    if (released > 0) {
      log.info("queued {} jobs that a previous run of this node left running", released);
    }
    return released;
  }

  @Override
  public Optional<Job> findSucceeded(String registry, String repository, Digest digest) {
    return jdbc.sql(
            "SELECT * FROM jobs WHERE registry = :registry AND repository = :repository"
                + " AND manifest_digest = :digest AND state = 'succeeded'"
                + " ORDER BY finished_at DESC, seq DESC LIMIT 1")
        .param("registry", registry)
        .param("repository", repository)
        .param("digest", digest.toString())
        .query(this::mapJob)
        .optional();
  }

  @Override
  public Map<JobState, Long> countByState() {
    Map<JobState, Long> counts = new EnumMap<>(JobState.class);
    for (JobState state : JobState.values()) {
      counts.put(state, 0L);
    }
    jdbc.sql("SELECT state, COUNT(*) AS jobs FROM jobs GROUP BY state")
        .query(
            (ResultSet rs) -> {
              counts.put(JobState.fromWireName(rs.getString("state")), rs.getLong("jobs"));
            });
    return counts;
  }

  /**
   * Deletes the jobs in a final state (succeeded, skipped, failed or cancelled) that finished more
   * than {@code age} ago by the database clock, in statements of at most {@code batchSize} rows,
   * and returns how many. Queued and running jobs are never deleted, however old. An {@code age}
   * of zero keeps every job and deletes nothing. Replicas may run this at the same time.
   *
   * @throws IllegalArgumentException when {@code age} is negative or {@code batchSize} below 1
   */
  public int deleteFinishedOlderThan(Duration age, int batchSize) {
    if (requireRetention(age)) {
      return 0;
    }
    String condition =
        "state IN ('succeeded', 'skipped', 'failed', 'cancelled')"
            + " AND finished_at < " + dialect.plusMillis(":minusAgeMillis");
    return dialect.deleteInBatches(
        jdbc,
        "jobs",
        "jobs_finished_idx",
        condition,
        statement -> statement.param("minusAgeMillis", -age.toMillis()),
        batchSize);
  }

  /**
   * Checks a retention age and returns true when it is zero, which keeps rows forever.
   *
   * @throws IllegalArgumentException when {@code age} is negative
   */
  static boolean requireRetention(Duration age) {
    Objects.requireNonNull(age, "age");
    if (age.isNegative()) {
      throw new IllegalArgumentException(
          "invalid retention " + age + ": expected 0 (keep forever) or a positive duration");
    }
    return age.isZero();
  }

  /**
   * Runs an INSERT or UPDATE of the row {@code id} and returns the row as it is afterwards, or
   * empty when the statement changed nothing. PostgreSQL does both in one statement with {@code
   * RETURNING *}; H2 runs the change and a SELECT in one transaction, because its {@code FINAL
   * TABLE} form loses the row when the change fails on a unique index (seen on H2 2.4.240).
   */
  private Optional<Job> changeAndRead(
      String dataChange, UUID id, UnaryOperator<StatementSpec> params) {
    if (dialect == SqlDialect.POSTGRESQL) {
      return params.apply(jdbc.sql(dataChange + " RETURNING *")).query(this::mapJob).optional();
    }
    return transactions.execute(
        status -> {
          int changed = params.apply(jdbc.sql(dataChange)).update();
          return changed == 0 ? Optional.empty() : find(id);
        });
  }

  private Job mapJob(ResultSet rs, int rowNumber) throws SQLException {
    String digest = rs.getString("manifest_digest");
    ImageTarget image =
        new ImageTarget(
            rs.getString("registry"),
            rs.getString("repository"),
            rs.getString("tag"),
            digest == null ? null : Digest.parse(digest));
    JobProgress progress =
        new JobProgress(
            rs.getInt("layers_done"),
            rs.getInt("layers_total"),
            rs.getLong("bytes_done"),
            rs.getLong("bytes_total"));

    return new Job(
        rs.getObject("id", UUID.class),
        image,
        JobState.fromWireName(rs.getString("state")),
        rs.getString("source"),
        rs.getInt("attempts"),
        instant(rs, "created_at"),
        instant(rs, "started_at"),
        instant(rs, "finished_at"),
        instant(rs, "run_after"),
        rs.getString("lease_owner"),
        instant(rs, "lease_until"),
        progress,
        fromJson(rs.getString("result"), JobResult.class),
        fromJson(rs.getString("error"), JobError.class));
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime time = rs.getObject(column, OffsetDateTime.class);
    return time == null ? null : time.toInstant();
  }

  private String toJson(Object value) {
    return value == null ? null : json.writeValueAsString(value);
  }

  private <T> T fromJson(String text, Class<T> type) {
    if (text == null) {
      return null;
    }
    try {
      return json.readValue(text, type);
    } catch (JacksonException e) {
      throw new IllegalStateException(
          "invalid " + type.getSimpleName() + " JSON in the jobs table: " + e.getOriginalMessage(),
          e);
    }
  }

  private static String digestText(Digest digest) {
    return digest == null ? null : digest.toString();
  }

  private static void requirePositive(Duration lease) {
    if (lease.isNegative() || lease.isZero()) {
      throw new IllegalArgumentException("invalid lease " + lease + ": expected a positive duration");
    }
  }

  private static void logJob(Level level, Job job, String message) {
    ImageTarget image = job.image();
    log.atLevel(level)
        .addKeyValue("job.id", job.id())
        .addKeyValue("registry", image.registry())
        .addKeyValue("repository", image.repository())
        .addKeyValue("manifest.digest", image.digest())
        .addKeyValue("attempt", job.attempts())
        .log(message);
  }

  private static void logDebug(UUID id, String owner, String message) {
    log.atDebug().addKeyValue("job.id", id).addKeyValue("lease.owner", owner).log(message);
  }
}

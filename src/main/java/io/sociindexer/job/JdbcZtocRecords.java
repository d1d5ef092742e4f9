package io.sociindexer.job;

import io.sociindexer.indexer.ZtocCache;
import io.sociindexer.indexer.ZtocRecords;
import io.sociindexer.oci.Descriptor;
import io.sociindexer.oci.Digest;
import io.sociindexer.oci.MediaType;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.core.simple.JdbcClient.StatementSpec;

/**
 * {@link ZtocRecords} in the table {@code ztocs} of the job store's database, H2 or PostgreSQL,
 * so that replicas that share a PostgreSQL job store share their zTOCs too. Every method commits
 * before it returns, and {@code recorded_at} comes from the database clock, as in {@link
 * JdbcJobStore}.
 *
 * <p>{@link #record} updates the row of its key and repository and inserts one with {@code ON
 * CONFLICT DO NOTHING} when there is none. Two replicas that record the same row at once write
 * the same zTOC, because the key decides its bytes, so the insert that loses changes nothing. H2
 * accepts that clause in the PostgreSQL mode that the default JDBC URL sets.
 *
 * <p>Rows are deleted when a lookup finds their blob missing or wrong, and by {@link
 * #deleteRecordedOlderThan} once they were last recorded long ago. Recording a zTOC again, as
 * each push of it does, renews its row.
 *
 * <p>Thread-safe.
 */
public final class JdbcZtocRecords implements ZtocRecords {

  private static final String KEY_AND_REGISTRY =
      "layer_digest = :layerDigest AND layer_media_type = :layerMediaType"
          + " AND span_size = :spanSize AND build_tool_identifier = :buildToolIdentifier"
          + " AND format = :format AND registry = :registry";

  private final JdbcClient jdbc;
  private final SqlDialect dialect;

  /**
   * Creates the records on a database that Flyway has already migrated, choosing the SQL dialect
   * from the database product name.
   */
  public JdbcZtocRecords(DataSource dataSource) {
    this.jdbc = JdbcClient.create(dataSource);
    this.dialect = SqlDialect.of(dataSource);
  }

  @Override
  public List<ZtocRecord> find(ZtocCache.Key key, String registry, String repository) {
    Objects.requireNonNull(repository, "repository");
    List<ZtocRecord> rows =
        bindKey(
                jdbc.sql(
                    "SELECT * FROM ztocs WHERE " + KEY_AND_REGISTRY
                        + " ORDER BY CASE WHEN repository = :repository THEN 0 ELSE 1 END,"
                        + " recorded_at DESC LIMIT 2"),
                key,
                registry)
            .param("repository", repository)
            .query(JdbcZtocRecords::mapRecord)
            .list();
    // Without a row of the repository itself, the newest row of another repository is enough.
    if (rows.size() == 2 && !rows.getFirst().repository().equals(repository)) {
      return List.of(rows.getFirst());
    }
    return rows;
  }

  @Override
  public void record(ZtocRecord record) {
    int updated =
        bindRecord(
                jdbc.sql(
                    "UPDATE ztocs SET ztoc_digest = :ztocDigest, ztoc_size = :ztocSize,"
                        + " entries = :entries, spans = :spans,"
                        + " uncompressed_size = :uncompressedSize, recorded_at = CURRENT_TIMESTAMP"
                        + " WHERE " + KEY_AND_REGISTRY + " AND repository = :repository"),
                record)
            .update();
    if (updated > 0) {
      return;
    }
    bindRecord(
            jdbc.sql(
                "INSERT INTO ztocs (layer_digest, layer_media_type, span_size,"
                    + " build_tool_identifier, format, registry, repository, ztoc_digest,"
                    + " ztoc_size, entries, spans, uncompressed_size, recorded_at)"
                    + " VALUES (:layerDigest, :layerMediaType, :spanSize, :buildToolIdentifier,"
                    + " :format, :registry, :repository, :ztocDigest, :ztocSize, :entries, :spans,"
                    + " :uncompressedSize, CURRENT_TIMESTAMP) ON CONFLICT DO NOTHING"),
            record)
        .update();
  }

  @Override
  public void remove(ZtocCache.Key key, String registry, String repository) {
    String delete = "DELETE FROM ztocs WHERE " + KEY_AND_REGISTRY + " AND repository = :repository";
    bindKey(jdbc.sql(delete), key, registry)
        .param("repository", repository)
        .update();
  }

  /**
   * Deletes the rows whose {@code recorded_at} is more than {@code age} ago by the database clock,
   * in statements of at most {@code batchSize} rows, and returns how many. An {@code age} of zero
   * keeps every row and deletes nothing. Replicas may run this at the same time.
   *
   * @throws IllegalArgumentException when {@code age} is negative or {@code batchSize} below 1
   */
  public int deleteRecordedOlderThan(Duration age, int batchSize) {
    if (JdbcJobStore.requireRetention(age)) {
      return 0;
    }
    return dialect.deleteInBatches(
        jdbc,
        "ztocs",
        "ztocs_recorded_idx",
        "recorded_at < " + dialect.plusMillis(":minusAgeMillis"),
        statement -> statement.param("minusAgeMillis", -age.toMillis()),
        batchSize);
  }

  private static StatementSpec bindKey(
      StatementSpec statement, ZtocCache.Key key, String registry) {
    return statement
        .param("layerDigest", key.layerDigest().toString())
        .param("layerMediaType", key.layerMediaType().value())
        .param("spanSize", key.spanSize())
        .param("buildToolIdentifier", key.buildToolIdentifier())
        .param("format", key.format())
        .param("registry", Objects.requireNonNull(registry, "registry"));
  }

  private static StatementSpec bindRecord(StatementSpec statement, ZtocRecord record) {
    return bindKey(statement, record.key(), record.registry())
        .param("repository", record.repository())
        .param("ztocDigest", record.ztoc().digest().toString())
        .param("ztocSize", record.ztoc().size())
        .param("entries", record.entries())
        .param("spans", record.spans())
        .param("uncompressedSize", record.uncompressedSize());
  }

  /** Maps a row. zTOC blobs are always pushed as {@code application/octet-stream}. */
  private static ZtocRecord mapRecord(ResultSet rs, int rowNumber) throws SQLException {
    ZtocCache.Key key =
        new ZtocCache.Key(
            Digest.parse(rs.getString("layer_digest")),
            new MediaType(rs.getString("layer_media_type")),
            rs.getLong("span_size"),
            rs.getString("build_tool_identifier"),
            rs.getString("format"));
    Descriptor ztoc =
        Descriptor.of(
            MediaType.OCTET_STREAM,
            Digest.parse(rs.getString("ztoc_digest")),
            rs.getLong("ztoc_size"));
    return new ZtocRecord(
        key,
        ztoc,
        rs.getInt("entries"),
        rs.getInt("spans"),
        rs.getLong("uncompressed_size"),
        rs.getString("registry"),
        rs.getString("repository"));
  }
}

package io.sociindexer.oracle;

import io.sociindexer.ztoc.ByteString;
import java.nio.charset.StandardCharsets;
import java.util.SortedMap;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;

/**
 * One {@code tar.Header} as Go's {@code archive/tar} returned it, with the stream position after
 * {@code Next()}. Byte strings are the raw bytes of Go's strings.
 *
 * @param modTime {@code ModTime.UTC().MarshalText()}, or empty when Go fails to format it
 * @param offset bytes read from the archive when {@code Next()} returned, the data offset
 */
record GoTarEntry(
    byte[] name,
    int typeflag,
    long size,
    byte[] linkname,
    long mode,
    long uid,
    long gid,
    byte[] uname,
    byte[] gname,
    String modTime,
    long devmajor,
    long devminor,
    SortedMap<ByteString, ByteString> paxRecords,
    long offset) {

  static GoTarEntry fromJson(JsonNode node) {
    SortedMap<ByteString, ByteString> records = new TreeMap<>();
    for (JsonNode record : node.get("pax")) {
      records.put(
          ByteString.of(GoOracle.base64(record, "key")),
          ByteString.of(GoOracle.base64(record, "value")));
    }
    return new GoTarEntry(
        GoOracle.base64(node, "name"),
        node.get("typeflag").intValue(),
        node.get("size").longValue(),
        GoOracle.base64(node, "linkname"),
        node.get("mode").longValue(),
        node.get("uid").longValue(),
        node.get("gid").longValue(),
        GoOracle.base64(node, "uname"),
        GoOracle.base64(node, "gname"),
        node.get("modTime").stringValue(),
        node.get("devmajor").longValue(),
        node.get("devminor").longValue(),
        records,
        node.get("offset").longValue());
  }

  /** Returns the name decoded as UTF-8, for messages. */
  String nameText() {
    return new String(name, StandardCharsets.UTF_8);
  }

  /**
   * Returns whether soci's zTOC builder cannot index this entry. Its {@code getType} accepts only
   * type flags '0' to '6'. A GNU sparse file cannot be represented either: Go returns old-format
   * sparse files with type flag 'S', and PAX-format ones (detected by the version and map records,
   * as Go's {@code readGNUSparsePAXHeaders} does) as regular files whose data is not the file
   * content.
   */
  boolean rejectedBySoci() {
    if (typeflag < '0' || typeflag > '6') {
      return true;
    }
    String major = record("GNU.sparse.major");
    String minor = record("GNU.sparse.minor");
    if (major.equals("0") && (minor.equals("0") || minor.equals("1"))) {
      return true;
    }
    if (major.equals("1") && minor.equals("0")) {
      return true;
    }
    return major.isEmpty() && minor.isEmpty() && !record("GNU.sparse.map").isEmpty();
  }

  private String record(String key) {
    ByteString value = paxRecords.get(ByteString.utf8(key));
    return value == null ? "" : value.utf8();
  }
}

package io.sociindexer.oracle;

import java.util.List;

/**
 * What Go's {@code archive/tar} returned for a whole archive: the entries, then either the stream
 * position at {@code io.EOF} or the text of the error {@code Next()} returned.
 *
 * @param end bytes read when {@code Next()} returned {@code io.EOF}, or null after an error
 * @param error the error text, or null when the archive ended normally
 */
record GoTarListing(List<GoTarEntry> entries, Long end, String error) {

  GoTarListing {
    entries = List.copyOf(entries);
  }
}

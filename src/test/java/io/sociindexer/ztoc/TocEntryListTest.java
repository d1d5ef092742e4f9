package io.sociindexer.ztoc;

import static org.assertj.core.api.Assertions.assertThat;

import io.sociindexer.layer.tar.GoTarReader;
import io.sociindexer.layer.tar.TarHeader;
import io.sociindexer.oci.Digest;
import io.sociindexer.testing.Commands;
import io.sociindexer.testing.ManyEntriesTar;
import io.sociindexer.ztoc.CompressionInfo.Algorithm;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TocEntryListTest {

  @TempDir Path dir;

  @Test
  void sharedEntriesSerializeIdentically() throws Exception {
    byte[] tar = variedTar();
    List<FileMetadata> separate = new ArrayList<>();
    TocEntryList shared = new TocEntryList();

    GoTarReader reader = new GoTarReader(new ByteArrayInputStream(tar));
    for (TarHeader header = reader.next(); header != null; header = reader.next()) {
      separate.add(TocEntries.fromTarHeader(header));
      shared.add(header);
    }

    assertThat(shared.size()).isEqualTo(separate.size()).isGreaterThan(5);
    assertThat(shared.list()).isEqualTo(separate);
    assertThat(ZtocWriter.serialize(ztoc(shared.list(), tar.length)))
        .isEqualTo(ZtocWriter.serialize(ztoc(separate, tar.length)));
  }

  @Test
  void repeatedValuesShared() throws Exception {
    TocEntryList entries = new TocEntryList();
    GoTarReader reader = new GoTarReader(new ManyEntriesTar(3));
    for (TarHeader header = reader.next(); header != null; header = reader.next()) {
      entries.add(header);
    }

    FileMetadata first = entries.list().get(0);
    FileMetadata last = entries.list().get(2);
    assertThat(last.uname()).isSameAs(first.uname());
    assertThat(last.gname()).isSameAs(first.gname());
    assertThat(last.linkname()).isSameAs(first.linkname());
    assertThat(last.modTime()).isSameAs(first.modTime());
    assertThat(last.paxRecords()).isSameAs(first.paxRecords());
    assertThat(last.name()).isNotSameAs(first.name());
  }

  /** Writes a PAX tar with several owners, sub-second times, links and xattrs using Python. */
  private byte[] variedTar() throws Exception {
    Path out = dir.resolve("varied.tar");
    String script =
        """
        import io, sys, tarfile
        with tarfile.open(sys.argv[1], 'w', format=tarfile.PAX_FORMAT) as t:
            for i, (owner, mtime) in enumerate([('root', 1700000000), ('app', 1700000000.25),
                                                 ('root', 1700000001), ('', 1700000000)]):
                data = b'x' * i
                info = tarfile.TarInfo('dir/file%d' % i)
                info.size = len(data)
                info.uname = owner
                info.gname = owner
                info.mtime = mtime
                if i == 1:
                    info.pax_headers = {'SCHILY.xattr.user.tag': 'v%d' % i}
                t.addfile(info, io.BytesIO(data))
            link = tarfile.TarInfo('dir/link')
            link.type = tarfile.SYMTYPE
            link.linkname = 'file0'
            t.addfile(link)
            hard = tarfile.TarInfo('dir/hard')
            hard.type = tarfile.LNKTYPE
            hard.linkname = 'dir/file1'
            t.addfile(hard)
        """;
    Commands.run(List.of("python3", "-c", script, out.toString()));
    return Files.readAllBytes(out);
  }

  private static Ztoc ztoc(List<FileMetadata> entries, long size) {
    CompressionInfo info =
        new CompressionInfo(
            Algorithm.UNCOMPRESSED,
            0,
            List.of(Digest.sha256(new byte[0])),
            TarZinfo.serialize(4L << 20, size));
    return new Ztoc(Ztoc.VERSION, "test", size, size, entries, info);
  }
}

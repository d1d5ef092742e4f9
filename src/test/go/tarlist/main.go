// Command tarlist reads a tar archive with Go's archive/tar the way soci-snapshotter's zTOC
// builder does and prints, as JSON lines, every field that the builder records for each entry.
//
// Usage: TZ=UTC tarlist ARCHIVE
//
// Each entry line holds the header fields (byte strings as base64, because tar names need not
// be UTF-8) and "offset", the number of bytes read from the file when Next returned, which is
// the entry's data offset. The last line is {"end":N} with the bytes read when Next returned
// io.EOF, or {"error":"..."} when Next failed. The exit status is 0 in both cases.
package main

import (
	"archive/tar"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
)

// countingReader counts the bytes read through it. It deliberately does not implement
// io.Seeker, so archive/tar reads skipped data instead of seeking, as it does in soci.
type countingReader struct {
	r     io.Reader
	count int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.count += int64(n)
	return n, err
}

type paxRecord struct {
	Key   []byte `json:"key"`
	Value []byte `json:"value"`
}

type entry struct {
	Name     []byte      `json:"name"`
	Typeflag int         `json:"typeflag"`
	Size     int64       `json:"size"`
	Linkname []byte      `json:"linkname"`
	Mode     int64       `json:"mode"`
	UID      int         `json:"uid"`
	GID      int         `json:"gid"`
	Uname    []byte      `json:"uname"`
	Gname    []byte      `json:"gname"`
	ModTime  string      `json:"modTime"`
	Devmajor int64       `json:"devmajor"`
	Devminor int64       `json:"devminor"`
	PAX      []paxRecord `json:"pax"`
	Offset   int64       `json:"offset"`
}

type end struct {
	End int64 `json:"end"`
}

type failure struct {
	Error string `json:"error"`
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: tarlist ARCHIVE")
		os.Exit(2)
	}
	file, err := os.Open(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer file.Close()

	out := json.NewEncoder(os.Stdout)
	counter := &countingReader{r: file}
	reader := tar.NewReader(counter)
	for {
		hdr, err := reader.Next()
		if err == io.EOF {
			must(out.Encode(end{End: counter.count}))
			return
		}
		if err != nil {
			must(out.Encode(failure{Error: err.Error()}))
			return
		}
		must(out.Encode(toEntry(hdr, counter.count)))
	}
}

func toEntry(hdr *tar.Header, offset int64) entry {
	// soci stores an empty string when MarshalText fails (years outside 0 to 9999).
	modTime, err := hdr.ModTime.UTC().MarshalText()
	if err != nil {
		modTime = nil
	}

	keys := make([]string, 0, len(hdr.PAXRecords))
	for key := range hdr.PAXRecords {
		keys = append(keys, key)
	}
	sort.Strings(keys)
	records := make([]paxRecord, 0, len(keys))
	for _, key := range keys {
		records = append(records, paxRecord{Key: []byte(key), Value: []byte(hdr.PAXRecords[key])})
	}

	return entry{
		Name:     []byte(hdr.Name),
		Typeflag: int(hdr.Typeflag),
		Size:     hdr.Size,
		Linkname: []byte(hdr.Linkname),
		Mode:     hdr.Mode,
		UID:      hdr.Uid,
		GID:      hdr.Gid,
		Uname:    []byte(hdr.Uname),
		Gname:    []byte(hdr.Gname),
		ModTime:  string(modTime),
		Devmajor: hdr.Devmajor,
		Devminor: hdr.Devminor,
		PAX:      records,
		Offset:   offset,
	}
}

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// Command gojson decodes an OCI image manifest or image index and encodes it again with Go's
// encoding/json, as soci-snapshotter does when it re-marshals manifests and indexes.
//
// Usage: gojson manifest|index FILE
//
// The structs below mirror ocispec.Manifest, ocispec.Index, ocispec.Descriptor and
// ocispec.Platform of github.com/opencontainers/image-spec v1.1.1 (specs-go/v1): same fields,
// same order, same json tags. They are restated here so the program needs only the standard
// library. The output is json.Marshal's bytes with no trailing newline.
package main

import (
	"encoding/json"
	"fmt"
	"os"
)

type Versioned struct {
	SchemaVersion int `json:"schemaVersion"`
}

type Platform struct {
	Architecture string   `json:"architecture"`
	OS           string   `json:"os"`
	OSVersion    string   `json:"os.version,omitempty"`
	OSFeatures   []string `json:"os.features,omitempty"`
	Variant      string   `json:"variant,omitempty"`
}

type Descriptor struct {
	MediaType    string            `json:"mediaType"`
	Digest       string            `json:"digest"`
	Size         int64             `json:"size"`
	URLs         []string          `json:"urls,omitempty"`
	Annotations  map[string]string `json:"annotations,omitempty"`
	Data         []byte            `json:"data,omitempty"`
	Platform     *Platform         `json:"platform,omitempty"`
	ArtifactType string            `json:"artifactType,omitempty"`
}

type Manifest struct {
	Versioned
	MediaType    string            `json:"mediaType,omitempty"`
	ArtifactType string            `json:"artifactType,omitempty"`
	Config       Descriptor        `json:"config"`
	Layers       []Descriptor      `json:"layers"`
	Subject      *Descriptor       `json:"subject,omitempty"`
	Annotations  map[string]string `json:"annotations,omitempty"`
}

type Index struct {
	Versioned
	MediaType    string            `json:"mediaType,omitempty"`
	ArtifactType string            `json:"artifactType,omitempty"`
	Manifests    []Descriptor      `json:"manifests"`
	Subject      *Descriptor       `json:"subject,omitempty"`
	Annotations  map[string]string `json:"annotations,omitempty"`
}

func main() {
	if len(os.Args) != 3 {
		fail("usage: gojson manifest|index FILE")
	}
	input, err := os.ReadFile(os.Args[2])
	if err != nil {
		fail(err.Error())
	}

	var document interface{}
	switch os.Args[1] {
	case "manifest":
		document = &Manifest{}
	case "index":
		document = &Index{}
	default:
		fail("unknown document kind " + os.Args[1] + ": expected manifest or index")
	}
	if err := json.Unmarshal(input, document); err != nil {
		fail("decoding " + os.Args[2] + " failed: " + err.Error())
	}
	output, err := json.Marshal(document)
	if err != nil {
		fail("encoding failed: " + err.Error())
	}
	if _, err := os.Stdout.Write(output); err != nil {
		fail(err.Error())
	}
}

func fail(message string) {
	fmt.Fprintln(os.Stderr, message)
	os.Exit(1)
}

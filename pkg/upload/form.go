package upload

import (
	"strconv"
	"strings"

	"github.com/pyup-dev/pyup/pkg/dist"
)

// formKeys maps each core-metadata header (lower-cased) to its upload-form
// key, the names Warehouse's parse_form_metadata reads. Headers outside this
// table are not sent (the server would ignore them anyway). Note the plural
// "classifiers" and "project_urls" but the singular "platform",
// "supported_platform", "license_file", "import_name", "import_namespace".
var formKeys = map[string]string{
	"metadata-version":         "metadata_version",
	"name":                     "name",
	"version":                  "version",
	"platform":                 "platform",
	"supported-platform":       "supported_platform",
	"summary":                  "summary",
	"description":              "description",
	"description-content-type": "description_content_type",
	"keywords":                 "keywords",
	"home-page":                "home_page",
	"download-url":             "download_url",
	"author":                   "author",
	"author-email":             "author_email",
	"maintainer":               "maintainer",
	"maintainer-email":         "maintainer_email",
	"license":                  "license",
	"license-expression":       "license_expression",
	"license-file":             "license_file",
	"classifier":               "classifiers",
	"requires-dist":            "requires_dist",
	"requires-python":          "requires_python",
	"requires-external":        "requires_external",
	"project-url":              "project_urls",
	"provides-extra":           "provides_extra",
	"provides-dist":            "provides_dist",
	"obsoletes-dist":           "obsoletes_dist",
	"requires":                 "requires",
	"provides":                 "provides",
	"obsoletes":                "obsoletes",
	"dynamic":                  "dynamic",
	"import-name":              "import_name",
	"import-namespace":         "import_namespace",
}

// FormFields returns the form fields of an upload of d, in the order they
// are sent, without the attestations and the file itself (content). It
// follows twine 7: core metadata as in the file (the name rewritten the way
// twine's safe_name does), keywords joined by ", ", each Project-URL as
// "Label, URL", the description from the body (or the older Description
// header, its continuation indentation removed: dist.Metadata.Description),
// License-File dropped below Metadata-Version 2.4 (setuptools
// writes it into 2.1 metadata, which PyPI would refuse); then pyversion,
// filetype, sha256_digest, blake2_256_digest, :action and protocol_version.
// It is exported so a dry run can show what would be sent.
//
// Upload sends these fields in this order when the digests are known before
// the send (d carries them, or WithHashFirst); otherwise it hashes the file
// while sending it and moves sha256_digest and blake2_256_digest after the
// content part (see Upload).
func FormFields(d *dist.Dist) [][2]string {
	return formFields(d, d.SHA256, d.Blake2b256)
}

// formFields is FormFields with the given digests; empty digests are left
// out (the one-pass form sends them after the file).
func formFields(d *dist.Dist, sha, b2 string) [][2]string {
	var out [][2]string
	add := func(k, v string) { out = append(out, [2]string{k, v}) }
	var m dist.Metadata
	if d.Metadata != nil {
		m = *d.Metadata
	}
	dropLicenseFile := versionLess(strings.TrimSpace(m.MetadataVersion()), 2, 4)
	descDone, keywordsDone, requiresPython := false, false, false
	var keywords []string
	for _, f := range m.Fields {
		h := strings.ToLower(strings.TrimSpace(f.Name))
		key, ok := formKeys[h]
		if !ok {
			continue
		}
		switch h {
		case "name":
			add(key, safeName(strings.TrimSpace(f.Value)))
		case "description":
			// Placed where the header was; the body (2.1+) wins if present.
			if !descDone {
				add(key, m.Description())
				descDone = true
			}
		case "keywords":
			// One value on the wire; twine splits on commas and re-joins.
			for _, k := range strings.Split(f.Value, ",") {
				keywords = append(keywords, strings.TrimSpace(k))
			}
			if !keywordsDone {
				out = append(out, [2]string{key, ""}) // filled below
				keywordsDone = true
			}
		case "project-url":
			label, u, _ := strings.Cut(f.Value, ",")
			add(key, strings.TrimSpace(label)+", "+strings.TrimSpace(u))
		case "license-file":
			if !dropLicenseFile {
				add(key, f.Value)
			}
		case "requires-python":
			requiresPython = true
			add(key, f.Value)
		default:
			add(key, f.Value)
		}
	}
	if keywordsDone {
		for i := range out {
			if out[i][0] == "keywords" {
				out[i][1] = strings.Join(keywords, ", ")
			}
		}
	}
	if !descDone {
		if desc := m.Description(); desc != "" {
			add("description", desc)
		}
	}
	if !requiresPython {
		// GitLab's PyPI API requires the key; Warehouse treats an empty value
		// as absent.
		add("requires_python", "")
	}
	add("pyversion", d.PyVersion)
	add("filetype", string(d.Kind))
	if sha != "" {
		add("sha256_digest", sha)
		add("blake2_256_digest", b2)
	}
	add(":action", "file_upload")
	add("protocol_version", "1")
	return out
}

// safeName is twine's (pkg_resources') safe_name: runs of characters other
// than ASCII letters, digits and '.' become one '-'. Warehouse normalizes
// the name anyway; sending what twine sends keeps display names identical.
func safeName(name string) string {
	var b strings.Builder
	run := false
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c == '.' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' {
			b.WriteByte(c)
			run = false
			continue
		}
		if !run {
			b.WriteByte('-')
			run = true
		}
	}
	return b.String()
}

// versionLess reports whether the Metadata-Version v is below
// major.minor; an unparsable version counts as old.
func versionLess(v string, major, minor int) bool {
	a, b, _ := strings.Cut(v, ".")
	ma, err1 := strconv.Atoi(a)
	mi, err2 := strconv.Atoi(b)
	if err1 != nil || err2 != nil {
		return true
	}
	return ma < major || ma == major && mi < minor
}

package disttest

import (
	"fmt"
	"strconv"
	"strings"
)

// ParseArgs turns command-line style arguments into options, so a testscript
// command can build dists: "name=My.Pkg", "version=2.0", "omit=RECORD",
// "header=Classifier:Foo :: Bar". Values may use \n and \t escapes.
//
// Keys: name, version, metadata-version, header=NAME:VALUE,
// set-header=NAME:VALUE, drop-header=NAME, body, content-type,
// description-header, classifier, omit, dist-info, top, tags=PY-ABI-PLAT,
// build, filename, truncate=N, huge-metadata=N, many-members=N,
// metadata-method=N, license-file=PATH[:CONTENT], file=PATH[:CONTENT],
// stored-file=PATH[:CONTENT], root-file=PATH[:CONTENT], and the flags zip
// (a .zip sdist) and data-descriptor.
func ParseArgs(args []string) ([]Opt, error) {
	var opts []Opt
	for _, a := range args {
		key, val, hasVal := strings.Cut(a, "=")
		val = unescape(val)
		nameValue := func() (string, string, error) {
			n, v, ok := strings.Cut(val, ":")
			if !ok {
				return "", "", fmt.Errorf("disttest: %s wants NAME:VALUE, got %q", key, val)
			}
			return n, strings.TrimPrefix(v, " "), nil
		}
		pathData := func() (string, []byte) {
			p, d, _ := strings.Cut(val, ":")
			return p, []byte(d)
		}
		num := func() (int64, error) {
			n, err := strconv.ParseInt(val, 10, 64)
			if err != nil {
				return 0, fmt.Errorf("disttest: %s wants a number, got %q", key, val)
			}
			return n, nil
		}
		if !hasVal && key != "zip" && key != "data-descriptor" {
			return nil, fmt.Errorf("disttest: argument %q is not key=value", a)
		}
		switch key {
		case "name":
			opts = append(opts, Name(val))
		case "version":
			opts = append(opts, Version(val))
		case "metadata-version":
			opts = append(opts, MetadataVersion(val))
		case "header", "set-header":
			n, v, err := nameValue()
			if err != nil {
				return nil, err
			}
			if key == "header" {
				opts = append(opts, Header(n, v))
			} else {
				opts = append(opts, SetHeader(n, v))
			}
		case "drop-header":
			opts = append(opts, DropHeader(val))
		case "body":
			opts = append(opts, Body(val))
		case "content-type":
			opts = append(opts, ContentType(val))
		case "description-header":
			opts = append(opts, DescriptionHeader(val))
		case "classifier":
			opts = append(opts, Classifiers(val))
		case "omit":
			opts = append(opts, Omit(val))
		case "dist-info":
			opts = append(opts, DistInfoDir(val))
		case "top":
			opts = append(opts, TopDir(val))
		case "tags":
			parts := strings.Split(val, "-")
			if len(parts) != 3 {
				return nil, fmt.Errorf("disttest: tags wants PY-ABI-PLATFORM, got %q", val)
			}
			opts = append(opts, Tags(parts[0], parts[1], parts[2]))
		case "build":
			opts = append(opts, BuildTag(val))
		case "filename":
			opts = append(opts, Filename(val))
		case "truncate", "huge-metadata", "many-members", "metadata-method":
			n, err := num()
			if err != nil {
				return nil, err
			}
			switch key {
			case "truncate":
				opts = append(opts, Truncate(n))
			case "huge-metadata":
				opts = append(opts, HugeMetadata(n))
			case "many-members":
				opts = append(opts, ManyMembers(int(n)))
			default:
				opts = append(opts, MetadataMethod(uint16(n)))
			}
		case "license-file":
			p, d := pathData()
			opts = append(opts, LicenseFile(p, d))
		case "file":
			p, d := pathData()
			opts = append(opts, File(p, d))
		case "stored-file":
			p, d := pathData()
			opts = append(opts, FileMethod(p, d, Store))
		case "root-file":
			p, d := pathData()
			opts = append(opts, RootFile(p, d))
		case "zip":
			opts = append(opts, ZipSdist())
		case "data-descriptor":
			opts = append(opts, DataDescriptor())
		default:
			return nil, fmt.Errorf("disttest: unknown argument %q", a)
		}
	}
	return opts, nil
}

func unescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	return strings.NewReplacer(`\n`, "\n", `\t`, "\t", `\r`, "\r", `\\`, `\`).Replace(s)
}

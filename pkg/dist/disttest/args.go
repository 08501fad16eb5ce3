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
		if f, ok := valueOpts[key]; ok {
			opts = append(opts, f(val))
			continue
		}
		if f, ok := fileOpts[key]; ok {
			p, d, _ := strings.Cut(val, ":")
			opts = append(opts, f(p, []byte(d)))
			continue
		}
		switch key {
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
		case "tags":
			parts := strings.Split(val, "-")
			if len(parts) != 3 {
				return nil, fmt.Errorf("disttest: tags wants PY-ABI-PLATFORM, got %q", val)
			}
			opts = append(opts, Tags(parts[0], parts[1], parts[2]))
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

// valueOpts are the keys whose value is the option's one argument.
var valueOpts = map[string]func(string) Opt{
	"name": Name, "version": Version, "metadata-version": MetadataVersion,
	"drop-header": DropHeader, "body": Body, "content-type": ContentType,
	"description-header": DescriptionHeader, "dist-info": DistInfoDir,
	"top": TopDir, "build": BuildTag, "filename": Filename,
	"classifier": func(v string) Opt { return Classifiers(v) },
	"omit":       func(v string) Opt { return Omit(v) },
}

// fileOpts are the keys whose value is PATH[:CONTENT].
var fileOpts = map[string]func(string, []byte) Opt{
	"license-file": LicenseFile, "file": File, "root-file": RootFile,
	"stored-file": func(p string, d []byte) Opt { return FileMethod(p, d, Store) },
}

func unescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	return strings.NewReplacer(`\n`, "\n", `\t`, "\t", `\r`, "\r", `\\`, `\`).Replace(s)
}

// Command benchupload is the helper of scripts/bench-upload.sh: it runs a
// loopback PyPI-like index that hashes and discards uploads, and uploads a
// file through pkg/upload, so the library can be measured against curl and
// twine posting the same file to the same server.
//
//	benchupload serve [-rate B -latency D -dialect pypiserver]
//	                                       print the index URL, serve until killed;
//	                                       -rate/-latency throttle each connection
//	benchupload upload -url U -file F ...  upload F to U/legacy/ with pkg/upload
package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pyup-dev/pyup/pkg/dist"
	"github.com/pyup-dev/pyup/pkg/upload"
	"github.com/pyup-dev/pyup/pkg/upload/uploadtest"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: benchupload serve | upload -url URL -file FILE [-sha256 HEX -blake2 HEX]")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "serve":
		err = serve(os.Args[2:])
	case "upload":
		err = uploadFile(os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchupload:", err)
		os.Exit(1)
	}
}

func serve(args []string) error {
	fs := flag.NewFlagSet("serve", flag.ExitOnError)
	addr := fs.String("addr", "127.0.0.1:0", "listen address")
	rate := fs.Int64("rate", 0, "bytes per second each connection reads (0: unlimited)")
	latency := fs.Duration("latency", 0, "delay before each write of an answer")
	dialect := fs.String("dialect", "", "uploadtest dialect (pypiserver accepts the same content under two names)")
	fs.Parse(args)
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	if *rate > 0 || *latency > 0 {
		ln = uploadtest.Throttle(ln, *rate, *latency)
	}
	fmt.Printf("http://%s\n", ln.Addr())
	opts := []uploadtest.Option{uploadtest.WithDiscardContent()}
	if *dialect != "" {
		opts = append(opts, uploadtest.Dialect(*dialect))
	}
	return http.Serve(ln, uploadtest.New(opts...))
}

func uploadFile(args []string) error {
	fs := flag.NewFlagSet("upload", flag.ExitOnError)
	base := fs.String("url", "", "index URL (the upload URL is URL/legacy/)")
	file := fs.String("file", "", "wheel to upload")
	name := fs.String("name", "bench_pkg", "project name")
	version := fs.String("version", "1.0", "version")
	sha := fs.String("sha256", "", "precomputed sha256: skips dist.Open and its hashing pass, as curl has none")
	b2 := fs.String("blake2", "", "precomputed blake2b-256")
	fs.Parse(args)
	if *base == "" || *file == "" {
		return fmt.Errorf("-url and -file are required")
	}
	fi, err := os.Stat(*file)
	if err != nil {
		return err
	}
	start := time.Now()
	var d *dist.Dist
	if *sha == "" || *b2 == "" {
		// What the CLI does: read the wheel's metadata and hash it in one pass
		// (twine hashes too).
		d, err = dist.Open(context.Background(), *file)
		if err != nil {
			return err
		}
	} else {
		d = &dist.Dist{
			Path: *file, Filename: filepath.Base(*file), Kind: dist.Wheel, Size: fi.Size(),
			SHA256: *sha, Blake2b256: *b2, PyVersion: strings.Split(filepath.Base(*file), "-")[2],
			Metadata: &dist.Metadata{Fields: []dist.Field{
				{Name: "Metadata-Version", Value: "2.1"}, {Name: "Name", Value: *name}, {Name: "Version", Value: *version},
				{Name: "Summary", Value: "benchmark"},
			}},
		}
	}
	hashed := time.Since(start)
	c, err := upload.New(strings.TrimSuffix(*base, "/")+"/legacy/", upload.WithRetries(0))
	if err != nil {
		return err
	}
	t0 := time.Now()
	r := c.Upload(context.Background(), upload.File{Dist: d})
	if r.Err != nil {
		return r.Err
	}
	up := time.Since(t0)
	fmt.Fprintf(os.Stderr, "pyup: open+hash %.2fs, upload %.2fs (%.0f MB/s), status %s\n",
		hashed.Seconds(), up.Seconds(), float64(fi.Size())/up.Seconds()/1e6, r.Status)
	return nil
}

package upload

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/pyup-dev/pyup/pkg/dist"
)

// UploadAll uploads files and returns one Result per file, in upload order:
// wheels first, then sdists, each group in the order given (an index that
// inspects the first file of a release sees a wheel, as with twine).
//
// The first file is uploaded alone, so a project that does not exist yet is
// created once rather than by racing requests; the rest run up to jobs at a
// time (jobs < 1 means 1). After the first failure no new upload starts and
// the files not started are reported StatusNotAttempted (Err
// ErrNotAttempted). With WithSkipExisting, each project's simple-API page is
// fetched once for all its files. The legacy API has no transactions, so a release cannot
// be all-or-nothing, but stopping early leaves the fewest files behind for a
// fixed re-run (which, with the same files, completes idempotently).
func (c *Client) UploadAll(ctx context.Context, files []File, jobs int) []Result {
	order := slices.Clone(files)
	slices.SortStableFunc(order, func(a, b File) int { return kindRank(a) - kindRank(b) })
	results := make([]Result, len(order))
	if len(order) == 0 {
		return results
	}
	jobs = max(jobs, 1)
	started := make([]bool, len(order))
	var stop atomic.Bool
	lookups := &lookupCache{}
	run := func(i int) {
		results[i] = c.timedUpload(ctx, order[i], lookups)
		if results[i].Status == StatusFailed {
			stop.Store(true)
		}
	}
	started[0] = true
	run(0)

	var wg sync.WaitGroup
	slots := make(chan struct{}, jobs)
	for i := 1; i < len(order); i++ {
		if stop.Load() || ctx.Err() != nil {
			break
		}
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
		}
		// A running upload may have failed while this one waited for a slot.
		if stop.Load() || ctx.Err() != nil {
			break
		}
		started[i] = true
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-slots }()
			run(i)
		}()
	}
	wg.Wait()
	for i, f := range order {
		if !started[i] {
			r := Result{Status: StatusNotAttempted, Err: ErrNotAttempted}
			if d := f.Dist; d != nil {
				r.File, r.Size, r.SHA256, r.Blake2b256 = d.Filename, d.Size, d.SHA256, d.Blake2b256
				r.Err = fileError(d.Filename, ErrNotAttempted)
			}
			results[i] = r
		}
	}
	return results
}

func kindRank(f File) int {
	if f.Dist != nil && f.Dist.Kind == dist.Wheel {
		return 0
	}
	return 1
}

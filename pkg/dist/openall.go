package dist

import (
	"context"
	"runtime"
	"sync"
)

// OpenAll opens every path with Open, up to GOMAXPROCS at a time (hashing
// is CPU-bound), and returns the results in the order of paths: dists[i] is
// nil exactly when errs[i] is not.
func OpenAll(ctx context.Context, paths []string, opts ...Option) (dists []*Dist, errs []error) {
	dists, errs = make([]*Dist, len(paths)), make([]error, len(paths))
	work := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < min(runtime.GOMAXPROCS(0), len(paths)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				dists[i], errs[i] = Open(ctx, paths[i], opts...)
			}
		}()
	}
	for i := range paths {
		work <- i
	}
	close(work)
	wg.Wait()
	return dists, errs
}

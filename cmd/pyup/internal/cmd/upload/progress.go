package upload

import (
	"io"
	"strconv"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"

	pkgupload "github.com/pyup-dev/pyup/pkg/upload"
)

// progressView draws one bar for the whole batch from the library's
// progress reports: bytes sent, rate and ETA. A retry restarts its file's
// count, so the bar may step back; that is the truth.
type progressView struct {
	mu   sync.Mutex
	bar  *progressbar.ProgressBar
	sent map[string]int64
}

func newProgressView(w io.Writer, total int64, files int) *progressView {
	desc := "uploading"
	if files == 1 {
		desc = "uploading 1 file"
	} else if files > 1 {
		desc = "uploading " + strconv.Itoa(files) + " files"
	}
	bar := progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(desc),
		progressbar.OptionShowBytes(true),
		progressbar.OptionShowCount(),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionSetWidth(30),
		progressbar.OptionUseANSICodes(true),
	)
	return &progressView{bar: bar, sent: map[string]int64{}}
}

func (p *progressView) update(pr pkgupload.Progress) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.sent[pr.File] = pr.Sent
	var sum int64
	for _, v := range p.sent {
		sum += v
	}
	_ = p.bar.Set64(sum)
}

func (p *progressView) finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	_ = p.bar.Finish()
	_ = p.bar.Clear()
}

package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/dajia-project/dajia/internal/catalog"
	"github.com/dajia-project/dajia/internal/detect"
	"github.com/dajia-project/dajia/internal/fault"
	"github.com/dajia-project/dajia/internal/pdq"
)

// scanLine is one line of dajia scan's output.
type scanLine struct {
	ListingID string           `json:"listing_id"`
	Score     int              `json:"score"`
	Verdict   detect.Verdict   `json:"verdict"`
	Signals   []detect.Signal  `json:"signals"`
	Rules     []detect.RuleHit `json:"rules"`
}

// cmdScan scores a listings file offline against a protection profile.
func cmdScan(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("scan", stderr)
	profilePath := fs.String("profile", "", "protection profile (JSON, format version 1)")
	all := fs.Bool("all", false, "write every listing, not only counterfeit_suspected ones")
	labels := fs.String("labels", "", "ground truth (NDJSON lines {\"listing_id\",\"counterfeit\":true|false}): print precision, recall and F1")
	fetch := fs.Bool("fetch-images", false, "download http(s) image URLs (10s timeout, size-capped); otherwise only local files are read")
	onError := fs.String("on-error", "skip", "a malformed line: skip (report and go on) or stop")
	threshold := fs.Int("threshold", 0, "score from which a listing is counterfeit_suspected (default: the engine's)")
	if err := fs.Parse(args); err != nil {
		return usagef("%v", err)
	}
	if *profilePath == "" || fs.NArg() != 1 {
		return usagef("usage: dajia scan --profile profile.json [--all] [--labels truth.ndjson] [--fetch-images] listings.ndjson")
	}
	if *onError != "skip" && *onError != "stop" {
		return usagef("--on-error must be skip or stop")
	}
	lim := pdq.Limits{MaxBytes: 32 << 20, MaxPixels: 50_000_000}
	pf, err := os.Open(*profilePath)
	if err != nil {
		return err
	}
	profile, err := detect.ParseProfile(pf)
	pf.Close()
	if err != nil {
		return fmt.Errorf("profile %s: %w", *profilePath, err)
	}
	profileDir := filepath.Dir(*profilePath)
	flood := &detect.FloodGuard{}
	engine, err := detect.Compile(profile, detect.Options{Threshold: *threshold, Flood: flood, ResolveImage: func(p string) (pdq.Hash, int, error) {
		return hashLocal(profileDir, p, lim)
	}})
	if err != nil {
		return fmt.Errorf("profile %s: %w", *profilePath, err)
	}
	truth := map[string]bool{}
	if *labels != "" {
		if truth, err = readLabels(*labels); err != nil {
			return err
		}
	}
	in, err := os.Open(fs.Arg(0))
	if err != nil {
		return err
	}
	defer in.Close()
	st, _ := in.Stat()
	listingsDir := filepath.Dir(fs.Arg(0))
	client := &http.Client{Timeout: 10 * time.Second}
	bar := newProgress(stderr, st.Size())
	out := bufio.NewWriter(stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)

	var m detect.Metrics
	var lines, scored, flagged, bad int
	counted := &countingReader{r: in}
	sc := bufio.NewScanner(counted)
	sc.Buffer(make([]byte, 64<<10), catalog.MaxListingBytes+1)
	now := time.Now()
	for sc.Scan() {
		lines++
		if ctx.Err() != nil {
			return ctx.Err()
		}
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		l, err := catalog.ParseListingFile(line, now)
		if err != nil {
			bad++
			fmt.Fprintf(stderr, "\rline %d: %s\n", lines, explainLine(err))
			if *onError == "stop" {
				return fmt.Errorf("stopped at line %d", lines)
			}
			continue
		}
		for i := range l.Images {
			img := &l.Images[i]
			if img.PDQ != "" {
				continue
			}
			h, q, err := hashImage(client, listingsDir, img.URL, *fetch, lim)
			if err != nil {
				fmt.Fprintf(stderr, "\rline %d: image %d: %v\n", lines, i, err)
				continue
			}
			if q >= pdq.MinQuality {
				img.PDQ = h.String()
			}
		}
		r := engine.Score(l, detect.SellerFacts{})
		scored++
		suspected := r.Verdict == detect.CounterfeitSuspected
		if suspected {
			flagged++
		}
		if actual, ok := truth[l.ID]; ok {
			m.Add(suspected, actual)
		}
		if suspected || *all {
			if err := enc.Encode(scanLine{ListingID: r.ListingID, Score: r.Score, Verdict: r.Verdict, Signals: r.Signals, Rules: r.Rules}); err != nil {
				return err
			}
		}
		bar.update(counted.n, scored)
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return fmt.Errorf("line %d: longer than %d bytes", lines+1, catalog.MaxListingBytes)
		}
		return err
	}
	bar.done(scored)
	fmt.Fprintf(stderr, "%d listings scored, %d counterfeit_suspected, %d malformed lines skipped\n", scored, flagged, bad)
	for _, q := range flood.Quarantined() {
		fmt.Fprintf(stderr, "quarantined reference image %s of brand %s: it matched %d of %d listings with images; check or replace the photo (its later matches were ignored)\n",
			q.ReferenceImage, q.Brand, q.Matches, q.Scored)
	}
	if *labels != "" {
		m.Finish()
		fmt.Fprintf(stderr, "against %s: precision %.4f, recall %.4f, F1 %.4f (TP %d, FP %d, FN %d, TN %d)\n",
			*labels, m.Precision, m.Recall, m.F1, m.TP, m.FP, m.FN, m.TN)
	}
	return nil
}

func explainLine(err error) string {
	var inv *fault.Invalid
	if errors.As(err, &inv) {
		var parts []string
		for _, f := range inv.Fields {
			parts = append(parts, f.Field+": "+f.Detail)
		}
		return strings.Join(parts, "; ")
	}
	return err.Error()
}

// hashLocal hashes an image file named relative to dir (or a file:// URL).
func hashLocal(dir, ref string, lim pdq.Limits) (pdq.Hash, int, error) {
	p := ref
	if u, err := url.Parse(ref); err == nil && u.Scheme == "file" {
		p = u.Path
	}
	if !filepath.IsAbs(p) {
		p = filepath.Join(dir, p)
	}
	return pdq.HashFile(p, lim)
}

// hashImage hashes a listing image: local paths and file:// URLs always,
// http(s) URLs only when fetching is allowed.
func hashImage(client *http.Client, dir, ref string, fetch bool, lim pdq.Limits) (pdq.Hash, int, error) {
	u, err := url.Parse(ref)
	if err != nil || u.Scheme == "" || u.Scheme == "file" {
		return hashLocal(dir, ref, lim)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return pdq.Hash{}, 0, fmt.Errorf("%s: unsupported URL scheme", ref)
	}
	if !fetch {
		return pdq.Hash{}, 0, fmt.Errorf("%s: not fetched (use --fetch-images)", ref)
	}
	resp, err := client.Get(ref)
	if err != nil {
		return pdq.Hash{}, 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return pdq.Hash{}, 0, fmt.Errorf("%s: HTTP %d", ref, resp.StatusCode)
	}
	img, err := pdq.Decode(resp.Body, lim)
	if err != nil {
		return pdq.Hash{}, 0, fmt.Errorf("%s: %w", ref, err)
	}
	h, q := pdq.HashImage(img)
	return h, q, nil
}

func readLabels(path string) (map[string]bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := map[string]bool{}
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		n++
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		var l struct {
			ListingID   string `json:"listing_id"`
			Counterfeit *bool  `json:"counterfeit"`
		}
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil || l.ListingID == "" || l.Counterfeit == nil {
			return nil, fmt.Errorf("%s line %d: want {\"listing_id\":…,\"counterfeit\":true|false}", path, n)
		}
		out[l.ListingID] = *l.Counterfeit
	}
	return out, sc.Err()
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// progress draws a progress bar on a terminal, at most ten times a second.
type progress struct {
	w     io.Writer
	total int64
	tty   bool
	last  time.Time
	start time.Time
}

func newProgress(w io.Writer, total int64) *progress {
	p := &progress{w: w, total: total, start: time.Now()}
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			p.tty = true
		}
	}
	return p
}

func (p *progress) update(done int64, items int) {
	if !p.tty || time.Since(p.last) < 100*time.Millisecond || p.total <= 0 {
		return
	}
	p.last = time.Now()
	frac := min(float64(done)/float64(p.total), 1)
	const width = 30
	fill := int(frac * width)
	rate := float64(items) / time.Since(p.start).Seconds()
	fmt.Fprintf(p.w, "\r[%s%s] %3.0f%%  %d listings  %.0f/s ", strings.Repeat("#", fill), strings.Repeat(".", width-fill), frac*100, items, rate)
}

func (p *progress) done(items int) {
	if p.tty {
		fmt.Fprintf(p.w, "\r[%s] 100%%  %d listings in %s\n", strings.Repeat("#", 30), items, time.Since(p.start).Round(time.Millisecond))
	}
}

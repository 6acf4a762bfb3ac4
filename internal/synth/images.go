package synth

import (
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"math/rand/v2"
	"sync"
	"sync/atomic"
)

// stockPerCategory is the number of distinct stock photos per category;
// ordinary sellers share them, as they share supplier photos.
const stockPerCategory = 16

// imagePool renders and encodes pictures on several goroutines. Every
// picture depends only on its job, so the files do not depend on the
// scheduling.
type imagePool struct {
	out   Sink
	jobs  chan func() error
	wg    sync.WaitGroup
	mu    sync.Mutex
	err   error
	bad   atomic.Bool
	count atomic.Int64
}

func newImagePool(out Sink, workers int) *imagePool {
	p := &imagePool{out: out, jobs: make(chan func() error, 4*workers)}
	for range workers {
		p.wg.Go(func() {
			for job := range p.jobs {
				if p.bad.Load() {
					continue // drain after a failure
				}
				if err := job(); err != nil {
					p.mu.Lock()
					if p.err == nil {
						p.err = err
					}
					p.mu.Unlock()
					p.bad.Store(true)
				}
			}
		})
	}
	return p
}

func (p *imagePool) submit(job func() error) { p.jobs <- job }

func (p *imagePool) failed() bool { return p.bad.Load() }

// close waits for the submitted jobs and returns the number of files
// written and the first error.
func (p *imagePool) close() (int, error) {
	close(p.jobs)
	p.wg.Wait()
	return int(p.count.Load()), p.err
}

// save encodes img to name: PNG when quality is 0, else JPEG.
func (p *imagePool) save(name string, img image.Image, quality int) error {
	f, err := p.out.Create(name)
	if err != nil {
		return err
	}
	if quality == 0 {
		err = (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(f, img)
	} else {
		err = jpeg.Encode(f, img, &jpeg.Options{Quality: quality})
	}
	if err != nil {
		f.Close()
		return fmt.Errorf("encode %s: %w", name, err)
	}
	if err := f.Close(); err != nil {
		return err
	}
	p.count.Add(1)
	return nil
}

// photoSeed derives the seed of picture n of a kind for a brand or
// category.
func (w *world) photoSeed(kind, owner, n uint64) uint64 {
	return mix(mix(mix(w.opts.Seed^0xa5a5)^kind) ^ owner<<20 ^ n)
}

// renderBrandPhotos renders every brand's reference and negative photos
// (kept in memory as sources of altered copies) and queues them for
// saving as PNG. Reference and negative photos share the brand's style;
// they differ in composition.
func (w *world) renderBrandPhotos() {
	n := len(w.brands)
	w.refs = make([][]*image.RGBA, n)
	w.negs = make([][]*image.RGBA, n)
	var wg sync.WaitGroup
	sem := make(chan struct{}, w.opts.Workers)
	for bi, b := range w.brands {
		w.refs[bi] = make([]*image.RGBA, w.opts.ReferenceImages)
		w.negs[bi] = make([]*image.RGBA, w.opts.NegativeImages)
		st := newStyle(b.seed)
		sh := productCats[b.cats[0]].shape
		for k := range w.opts.ReferenceImages + w.opts.NegativeImages {
			wg.Go(func() {
				sem <- struct{}{}
				defer func() { <-sem }()
				if k < w.opts.ReferenceImages {
					w.refs[bi][k] = renderPhoto(w.opts.ImageSize, &st, st.palette, w.photoSeed(1, uint64(bi), uint64(k)), sh)
				} else {
					j := k - w.opts.ReferenceImages
					w.negs[bi][j] = renderPhoto(w.opts.ImageSize, &st, st.palette, w.photoSeed(2, uint64(bi), uint64(j)), sh)
				}
			})
		}
	}
	wg.Wait()
	for bi, b := range w.brands {
		for k, img := range w.refs[bi] {
			w.pool.submit(func() error { return w.pool.save(w.refPath(b, k), img, 0) })
		}
		for k, img := range w.negs[bi] {
			w.pool.submit(func() error { return w.pool.save(w.negPath(b, k), img, 0) })
		}
	}
}

// fakePhoto plans a counterfeit's picture: with probability p an altered
// copy of one of the brand's reference photos (recorded as an evasion),
// else a stock photo of the category.
func (w *world) fakePhoto(r *rand.Rand, b *brand, cat *category, a *Annotation, p float64) imagePlan {
	if r.Float64() >= p {
		return w.stockPhoto(r, cat.slug, cat.shape)
	}
	a.Evasions = append(a.Evasions, EvasionImage)
	k := r.IntN(w.opts.ReferenceImages)
	t := newTransform(r, w.opts.ImageSize, true)
	return imagePlan{origin: "reference", from: w.refPath(b, k), brand: b, k: k, t: &t}
}

// stockPhoto plans one of a category's stock photos.
func (w *world) stockPhoto(r *rand.Rand, slug string, sh shape) imagePlan {
	n := r.IntN(stockPerCategory)
	var h uint64
	for _, c := range slug {
		h = h*31 + uint64(c)
	}
	return imagePlan{origin: "stock", path: fmt.Sprintf("images/stock/%s-%02d.jpg", slug, n+1),
		stockSeed: w.photoSeed(3, h, uint64(n)), stockShape: sh}
}

// placePhoto makes sure the planned picture exists (queueing its
// rendering) and returns its path.
func (w *world) placePhoto(listingID string, p imagePlan) string {
	switch {
	case p.t != nil:
		src := w.refs[p.brand.idx][p.k]
		if p.origin == "negative" {
			src = w.negs[p.brand.idx][p.k]
		}
		path := "images/listings/" + listingID + ".jpg"
		t := *p.t
		w.pool.submit(func() error { return w.pool.save(path, t.apply(src), t.JPEGQuality) })
		return path
	case p.origin == "stock":
		if w.stockHas == nil {
			w.stockHas = map[string]bool{}
		}
		if !w.stockHas[p.path] {
			w.stockHas[p.path] = true
			palette := newStyle(p.stockSeed).palette
			w.pool.submit(func() error {
				return w.pool.save(p.path, renderPhoto(w.opts.ImageSize, nil, palette, p.stockSeed, p.stockShape), 88)
			})
		}
		return p.path
	}
	return p.path
}

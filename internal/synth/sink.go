package synth

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sync"
)

// Sink receives the files of a generated world. Names are slash-separated
// paths relative to the world's root ("listings.ndjson",
// "images/ref/syn-veltaro-1.png"), valid in the sense of fs.ValidPath.
// Generate calls Create from several goroutines when it renders images, so
// implementations must be safe for concurrent use; each returned writer is
// used by one goroutine and closed once.
type Sink interface {
	Create(name string) (io.WriteCloser, error)
}

// DirSink returns a Sink that writes files under dir, creating directories
// as needed and replacing files that exist.
func DirSink(dir string) Sink { return dirSink{dir: dir} }

type dirSink struct{ dir string }

func (d dirSink) Create(name string) (io.WriteCloser, error) {
	if !fs.ValidPath(name) || name == "." {
		return nil, fmt.Errorf("create %q: invalid file name", name)
	}
	path := filepath.Join(d.dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("create %s: %w", name, err)
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", name, err)
	}
	return &bufferedFile{f: f, w: bufio.NewWriterSize(f, 64<<10)}, nil
}

// bufferedFile is a file written through a buffer; Close flushes it.
type bufferedFile struct {
	f *os.File
	w *bufio.Writer
}

func (b *bufferedFile) Write(p []byte) (int, error) { return b.w.Write(p) }

func (b *bufferedFile) Close() error {
	err := b.w.Flush()
	if cerr := b.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", b.f.Name(), err)
	}
	return nil
}

// MemSink is a Sink that keeps files in memory, for tests. A file becomes
// visible when its writer is closed. The zero value is ready to use.
type MemSink struct {
	mu    sync.Mutex
	files map[string][]byte
}

var _ Sink = (*MemSink)(nil)

// Create starts a file; creating a name again replaces the file on Close.
func (m *MemSink) Create(name string) (io.WriteCloser, error) {
	if !fs.ValidPath(name) || name == "." {
		return nil, fmt.Errorf("create %q: invalid file name", name)
	}
	return &memFile{sink: m, name: name}, nil
}

// Names returns the names of the closed files, sorted.
func (m *MemSink) Names() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	names := make([]string, 0, len(m.files))
	for n := range m.files {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// File returns a closed file's contents and whether it exists. The caller
// must not modify the slice.
func (m *MemSink) File(name string) ([]byte, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	b, ok := m.files[name]
	return b, ok
}

type memFile struct {
	sink   *MemSink
	name   string
	buf    []byte
	closed bool
}

func (f *memFile) Write(p []byte) (int, error) {
	if f.closed {
		return 0, errors.New("write to closed file")
	}
	f.buf = append(f.buf, p...)
	return len(p), nil
}

func (f *memFile) Close() error {
	if f.closed {
		return errors.New("close of closed file")
	}
	f.closed = true
	f.sink.mu.Lock()
	defer f.sink.mu.Unlock()
	if f.sink.files == nil {
		f.sink.files = map[string][]byte{}
	}
	f.sink.files[f.name] = f.buf
	return nil
}

package blob

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"time"
)

const (
	dirPerm  = 0o750
	filePerm = 0o640

	// staleTemp is how old a file in <root>/tmp must be before OpenLocal
	// deletes it. Uploads in progress keep their temp file fresh, so a
	// second process opening the same root (a CLI verify, say) does not
	// delete them; files left by a crash go on its next start after this.
	staleTemp = time.Hour
)

var _ Store = (*Local)(nil)

// Local is a Store over a directory on the local file system:
//
//	<root>/sha256/ab/cd/abcd…   stored objects, named by the full hex digest
//	<root>/tmp/                 uploads in progress
//
// Directories are created with mode 0o750 and objects with 0o640. Put
// fsyncs the object and its directories before it reports success, so an
// accepted upload survives a crash. Local is safe for concurrent use, also by
// several processes sharing one root.
type Local struct {
	root string
}

// OpenLocal opens the store rooted at root, creating its directories if
// needed and deleting temp files more than an hour old, which are left over
// from uploads interrupted by a crash.
func OpenLocal(root string) (*Local, error) {
	l := &Local{root: root}
	if err := os.MkdirAll(root, dirPerm); err != nil {
		return nil, fmt.Errorf("open blob store: %w", err)
	}
	for _, dir := range []string{l.objectsDir(), l.tmpDir()} {
		if err := os.Mkdir(dir, dirPerm); err != nil && !errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("open blob store: %w", err)
		}
	}
	if err := syncDir(root); err != nil {
		return nil, fmt.Errorf("open blob store: %w", err)
	}
	if err := l.removeStaleTemp(time.Now().Add(-staleTemp)); err != nil {
		return nil, fmt.Errorf("open blob store: clean temp files: %w", err)
	}
	return l, nil
}

func (l *Local) objectsDir() string { return filepath.Join(l.root, "sha256") }
func (l *Local) tmpDir() string     { return filepath.Join(l.root, "tmp") }

// path returns where the object with the (validated) digest h lives.
func (l *Local) path(h string) string {
	return filepath.Join(l.objectsDir(), h[0:2], h[2:4], h)
}

// removeStaleTemp deletes entries of the temp directory last modified
// before cutoff.
func (l *Local) removeStaleTemp(cutoff time.Time) error {
	entries, err := os.ReadDir(l.tmpDir())
	if err != nil {
		return err
	}
	for _, e := range entries {
		info, err := e.Info()
		if errors.Is(err, fs.ErrNotExist) {
			continue // another process finished with it
		}
		if err != nil {
			return err
		}
		if info.ModTime().Before(cutoff) {
			if err := os.RemoveAll(filepath.Join(l.tmpDir(), e.Name())); err != nil {
				return err
			}
		}
	}
	return nil
}

// Put implements Store. It streams r into a temp file while hashing and
// typing it, reading at most lim.MaxBytes+1 bytes, then renames the file
// into place. When an upload is too large and r is an io.Seeker (an
// *os.File or a multipart.File) or has a Len method, the returned
// *TooLargeError reports its full size; otherwise Size is -1.
func (l *Local) Put(ctx context.Context, r io.Reader, lim Limits) (Object, error) {
	if lim.MaxBytes <= 0 {
		return Object{}, fmt.Errorf("put blob: limit of %d bytes is not positive", lim.MaxBytes)
	}
	tmp, err := os.CreateTemp(l.tmpDir(), "put-*")
	if err != nil {
		return Object{}, fmt.Errorf("put blob: %w", err)
	}
	committed := false
	defer func() {
		_ = tmp.Close() // a second Close after the explicit one is harmless
		if !committed {
			_ = os.Remove(tmp.Name())
		}
	}()
	if err := tmp.Chmod(filePerm); err != nil {
		return Object{}, fmt.Errorf("put blob: %w", err)
	}

	h := sha256.New()
	var d detector
	n, err := io.Copy(io.MultiWriter(tmp, h, &d), io.LimitReader(ctxReader{ctx, r}, lim.MaxBytes+1))
	if err != nil {
		return Object{}, fmt.Errorf("put blob: %w", err)
	}
	if n > lim.MaxBytes {
		return Object{}, &TooLargeError{Size: totalSize(r, n), Limit: lim.MaxBytes}
	}
	if n == 0 {
		return Object{}, ErrEmpty
	}
	obj := Object{SHA256: hex.EncodeToString(h.Sum(nil)), Size: n, Type: d.typ()}
	if !lim.allows(obj.Type) {
		return Object{}, &TypeNotAllowedError{Type: obj.Type, Allowed: slices.Clone(lim.Allowed)}
	}

	if err := tmp.Sync(); err != nil {
		return Object{}, fmt.Errorf("put blob %s: %w", obj.SHA256, err)
	}
	if err := tmp.Close(); err != nil {
		return Object{}, fmt.Errorf("put blob %s: %w", obj.SHA256, err)
	}
	final := l.path(obj.SHA256)
	if err := l.makeDirs(filepath.Dir(final)); err != nil {
		return Object{}, fmt.Errorf("put blob %s: %w", obj.SHA256, err)
	}
	// Replacing an existing object is safe: the name is the content's hash,
	// so readers see identical bytes either way, and a damaged copy is
	// repaired by uploading the original again.
	if err := os.Rename(tmp.Name(), final); err != nil {
		return Object{}, fmt.Errorf("put blob %s: %w", obj.SHA256, err)
	}
	committed = true
	if err := syncDir(filepath.Dir(final)); err != nil {
		return Object{}, fmt.Errorf("put blob %s: %w", obj.SHA256, err)
	}
	return obj, nil
}

// makeDirs creates <root>/sha256/ab and <root>/sha256/ab/cd as needed and
// fsyncs each one's parent. The parent is synced even when the directory
// already existed, because a concurrent Put may have created it and not yet
// synced it.
func (l *Local) makeDirs(dir string) error {
	for _, d := range []string{filepath.Dir(dir), dir} {
		if err := os.Mkdir(d, dirPerm); err != nil && !errors.Is(err, fs.ErrExist) {
			return err
		}
		if err := syncDir(filepath.Dir(d)); err != nil {
			return err
		}
	}
	return nil
}

// Open implements Store.
func (l *Local) Open(ctx context.Context, digest string) (io.ReadCloser, Object, error) {
	f, h, err := l.openObject(ctx, digest)
	if err != nil {
		return nil, Object{}, fmt.Errorf("open blob: %w", err)
	}
	obj, err := describe(ctx, f, h)
	if err != nil {
		_ = f.Close()
		return nil, Object{}, fmt.Errorf("open blob %s: %w", h, err)
	}
	return newVerifyingReader(f, h), obj, nil
}

// Stat implements Store. For text larger than SniffLen it reads the whole
// object, because its type depends on every byte being text.
func (l *Local) Stat(ctx context.Context, digest string) (Object, error) {
	f, h, err := l.openObject(ctx, digest)
	if err != nil {
		return Object{}, fmt.Errorf("stat blob: %w", err)
	}
	defer f.Close()
	obj, err := describe(ctx, f, h)
	if err != nil {
		return Object{}, fmt.Errorf("stat blob %s: %w", h, err)
	}
	return obj, nil
}

// Verify implements Store.
func (l *Local) Verify(ctx context.Context, digest string) error {
	f, h, err := l.openObject(ctx, digest)
	if err != nil {
		return fmt.Errorf("verify blob: %w", err)
	}
	defer f.Close()
	sum := sha256.New()
	if _, err := io.Copy(sum, ctxReader{ctx, f}); err != nil {
		return fmt.Errorf("verify blob %s: %w", h, err)
	}
	if got := hex.EncodeToString(sum.Sum(nil)); got != h {
		return fmt.Errorf("verify blob %s: content hashes to %s: %w", h, got, ErrCorrupt)
	}
	return nil
}

// openObject validates digest and opens its object. Errors carry the digest
// and are wrapped once more by the caller with the operation.
func (l *Local) openObject(ctx context.Context, digest string) (*os.File, string, error) {
	h, err := parseDigest(digest)
	if err != nil {
		return nil, "", err
	}
	if err := ctx.Err(); err != nil {
		return nil, "", err
	}
	f, err := os.Open(l.path(h))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, "", fmt.Errorf("%s: %w", h, ErrNotFound)
	}
	if err != nil {
		return nil, "", err
	}
	return f, h, nil
}

// describe returns the Object for the open object file f named h. The type
// is decided exactly as Put decides it.
func describe(ctx context.Context, f *os.File, h string) (Object, error) {
	info, err := f.Stat()
	if err != nil {
		return Object{}, err
	}
	if !info.Mode().IsRegular() {
		return Object{}, fmt.Errorf("%s is not a regular file", f.Name())
	}
	size := info.Size()
	head := make([]byte, min(size, SniffLen))
	if _, err := f.ReadAt(head, 0); err != nil {
		return Object{}, err
	}
	var d detector
	d.Write(head)
	if isText(Sniff(head)) && len(head) == SniffLen {
		rest := io.NewSectionReader(f, SniffLen, size-SniffLen)
		if _, err := io.Copy(&d, ctxReader{ctx, rest}); err != nil {
			return Object{}, err
		}
	}
	return Object{SHA256: h, Size: size, Type: d.typ()}, nil
}

// parseDigest returns s as lowercase hex if it is a SHA-256 digest in hex
// of either case. Only such strings ever reach a file path.
func parseDigest(s string) (string, error) {
	if len(s) != 2*sha256.Size {
		return "", fmt.Errorf("%q: %w", s, ErrInvalidDigest)
	}
	b := []byte(s)
	for i, c := range b {
		switch {
		case '0' <= c && c <= '9', 'a' <= c && c <= 'f':
		case 'A' <= c && c <= 'F':
			b[i] = c + 'a' - 'A'
		default:
			return "", fmt.Errorf("%q: %w", s, ErrInvalidDigest)
		}
	}
	return string(b), nil
}

// verifyingReader reads an object file and, at its end, reports ErrCorrupt
// instead of io.EOF if the bytes read do not hash to the object's name.
type verifyingReader struct {
	f    *os.File
	h    hash.Hash
	want string
	err  error // sticky final error
}

func newVerifyingReader(f *os.File, want string) *verifyingReader {
	return &verifyingReader{f: f, h: sha256.New(), want: want}
}

// Read implements io.Reader.
func (v *verifyingReader) Read(p []byte) (int, error) {
	if v.err != nil {
		return 0, v.err
	}
	n, err := v.f.Read(p)
	v.h.Write(p[:n])
	if err == io.EOF {
		if got := hex.EncodeToString(v.h.Sum(nil)); got != v.want {
			err = fmt.Errorf("read blob %s: content hashes to %s: %w", v.want, got, ErrCorrupt)
		}
	}
	if err != nil {
		v.err = err
	}
	return n, err
}

// Close implements io.Closer.
func (v *verifyingReader) Close() error { return v.f.Close() }

// ctxReader stops reading once its context is done.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

// Read implements io.Reader.
func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// totalSize returns the full size of an upload of which read bytes have
// been consumed from r, or -1 if r cannot tell without reading on. A Seeker
// is returned to where it was.
func totalSize(r io.Reader, read int64) int64 {
	switch v := r.(type) {
	case io.Seeker:
		cur, err := v.Seek(0, io.SeekCurrent)
		if err != nil {
			return -1
		}
		end, err := v.Seek(0, io.SeekEnd)
		if _, err2 := v.Seek(cur, io.SeekStart); err != nil || err2 != nil || end < cur {
			return -1
		}
		return read + end - cur
	case interface{ Len() int }:
		return read + int64(v.Len())
	}
	return -1
}

// syncDir fsyncs a directory so that entries created or renamed in it are
// durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	if err := d.Sync(); err != nil {
		_ = d.Close()
		return err
	}
	return d.Close()
}

package blob

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func newLocal(t *testing.T) (*Local, string) {
	t.Helper()
	root := t.TempDir()
	l, err := OpenLocal(root)
	if err != nil {
		t.Fatalf("OpenLocal: %v", err)
	}
	return l, root
}

func digest(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// onlyReader hides every method of r but Read, as a network stream would.
type onlyReader struct{ r io.Reader }

func (o onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }

// storedFiles lists the files under <root>/sha256, relative to root.
func storedFiles(t *testing.T, root string) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(filepath.Join(root, "sha256"), func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			rel, err := filepath.Rel(root, path)
			if err != nil {
				return err
			}
			files = append(files, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatalf("walk store: %v", err)
	}
	return files
}

// assertNoTemp fails if <root>/tmp holds anything.
func assertNoTemp(t *testing.T, root string) {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(root, "tmp"))
	if err != nil {
		t.Fatalf("read tmp: %v", err)
	}
	for _, e := range entries {
		t.Errorf("temp file left behind: %s", e.Name())
	}
}

func TestPutAcceptsAllowedTypes(t *testing.T) {
	tests := []struct {
		name     string
		content  []byte
		wantType string
	}{
		{"pdf", pdfFile(), TypePDF},
		{"jpeg", jpegFile(t), TypeJPEG},
		{"png", pngFile(t), TypePNG},
		{"webp", webpFile(), TypeWebP},
		{"text", textFile(), TypeText},
		{"text longer than the sniffed head", longText(3 * SniffLen), TypeText},
		{"csv", csvFile(), TypeCSV},
	}
	ctx := context.Background()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, root := newLocal(t)
			want := Object{SHA256: digest(tt.content), Size: int64(len(tt.content)), Type: tt.wantType}

			got, err := l.Put(ctx, onlyReader{bytes.NewReader(tt.content)}, DefaultLimits())
			if err != nil {
				t.Fatalf("Put: %v", err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Put object mismatch (-want +got):\n%s", diff)
			}

			path := filepath.Join("sha256", want.SHA256[:2], want.SHA256[2:4], want.SHA256)
			if diff := cmp.Diff([]string{path}, storedFiles(t, root)); diff != "" {
				t.Errorf("stored files mismatch (-want +got):\n%s", diff)
			}
			info, err := os.Stat(filepath.Join(root, path))
			if err != nil {
				t.Fatalf("stat stored file: %v", err)
			}
			if got, want := info.Mode().Perm(), fs.FileMode(0o640); got != want {
				t.Errorf("stored file mode = %v, want %v", got, want)
			}
			assertNoTemp(t, root)

			stat, err := l.Stat(ctx, want.SHA256)
			if err != nil {
				t.Fatalf("Stat: %v", err)
			}
			if diff := cmp.Diff(want, stat); diff != "" {
				t.Errorf("Stat mismatch (-want +got):\n%s", diff)
			}

			rc, obj, err := l.Open(ctx, want.SHA256)
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			defer rc.Close()
			if diff := cmp.Diff(want, obj); diff != "" {
				t.Errorf("Open object mismatch (-want +got):\n%s", diff)
			}
			content, err := io.ReadAll(rc)
			if err != nil {
				t.Fatalf("read opened object: %v", err)
			}
			if !bytes.Equal(content, tt.content) {
				t.Errorf("read %d bytes, want the %d bytes put", len(content), len(tt.content))
			}

			if err := l.Verify(ctx, want.SHA256); err != nil {
				t.Errorf("Verify: %v", err)
			}
		})
	}
}

func TestPutRejectsMisleadingNames(t *testing.T) {
	// Each file's name promises an allowed type; its content is something else.
	tests := []struct {
		file     string
		wantType string
	}{
		{"business-licence.pdf", TypeHTML},
		{"storefront.jpg", TypeSVG},
		{"trademark-certificate.png", TypeXML},
		{"screenshot.webp", TypeZIP},
		{"orders.csv", TypeEXE},
		{"chat-log.txt", TypeOctetStream},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			l, root := newLocal(t)
			f, err := os.Open(filepath.Join("testdata", "misleading", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()

			_, err = l.Put(context.Background(), f, DefaultLimits())
			var typeErr *TypeNotAllowedError
			if !errors.As(err, &typeErr) {
				t.Fatalf("Put error = %v, want a *TypeNotAllowedError", err)
			}
			if typeErr.Type != tt.wantType {
				t.Errorf("rejected type = %q, want %q", typeErr.Type, tt.wantType)
			}
			if !errors.Is(err, ErrTypeNotAllowed) {
				t.Errorf("errors.Is(%v, ErrTypeNotAllowed) = false, want true", err)
			}
			if files := storedFiles(t, root); len(files) != 0 {
				t.Errorf("stored files = %q, want none", files)
			}
			assertNoTemp(t, root)
		})
	}
}

func TestPutSizeBoundary(t *testing.T) {
	// The second limit makes the accepted file span more than the sniffed head.
	for _, limit := range []int64{1000, SniffLen + 100} {
		tests := []struct {
			name     string
			size     int64
			reader   func([]byte) io.Reader
			wantSize int64 // in the *TooLargeError, 0 if accepted
		}{
			{"at the limit", limit, func(b []byte) io.Reader { return bytes.NewReader(b) }, 0},
			{"one byte over, seekable", limit + 1, func(b []byte) io.Reader { return bytes.NewReader(b) }, limit + 1},
			{"far over, seekable", 3 * limit, func(b []byte) io.Reader { return bytes.NewReader(b) }, 3 * limit},
			{"one byte over, buffer", limit + 1, func(b []byte) io.Reader { return bytes.NewBuffer(b) }, limit + 1},
			{"one byte over, stream", limit + 1, func(b []byte) io.Reader { return onlyReader{bytes.NewReader(b)} }, -1},
		}
		for _, tt := range tests {
			t.Run(tt.name+"/"+formatSize(limit, false), func(t *testing.T) {
				l, root := newLocal(t)
				lim := Limits{MaxBytes: limit, Allowed: []string{TypeText}}
				content := longText(int(tt.size))

				obj, err := l.Put(context.Background(), tt.reader(content), lim)
				if tt.wantSize == 0 {
					if err != nil {
						t.Fatalf("Put of %d bytes with limit %d: %v", tt.size, limit, err)
					}
					if obj.Size != tt.size {
						t.Errorf("Size = %d, want %d", obj.Size, tt.size)
					}
					return
				}
				var tooLarge *TooLargeError
				if !errors.As(err, &tooLarge) {
					t.Fatalf("Put of %d bytes with limit %d: error %v, want a *TooLargeError", tt.size, limit, err)
				}
				if diff := cmp.Diff(&TooLargeError{Size: tt.wantSize, Limit: limit}, tooLarge); diff != "" {
					t.Errorf("TooLargeError mismatch (-want +got):\n%s", diff)
				}
				if !errors.Is(err, ErrTooLarge) {
					t.Errorf("errors.Is(%v, ErrTooLarge) = false, want true", err)
				}
				if files := storedFiles(t, root); len(files) != 0 {
					t.Errorf("stored files = %q, want none", files)
				}
				assertNoTemp(t, root)
			})
		}
	}
}

func TestPutSeekerKeepsPosition(t *testing.T) {
	l, _ := newLocal(t)
	r := bytes.NewReader(longText(100))
	_, err := l.Put(context.Background(), r, Limits{MaxBytes: 10, Allowed: []string{TypeText}})
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("Put error = %v, want ErrTooLarge", err)
	}
	// Put read 11 bytes; measuring the size must not move the reader on.
	if got, want := r.Len(), 100-11; got != want {
		t.Errorf("unread bytes after Put = %d, want %d", got, want)
	}
}

func TestPutIdempotent(t *testing.T) {
	l, root := newLocal(t)
	ctx := context.Background()
	content := csvFile()

	first, err := l.Put(ctx, bytes.NewReader(content), DefaultLimits())
	if err != nil {
		t.Fatalf("first Put: %v", err)
	}
	second, err := l.Put(ctx, onlyReader{bytes.NewReader(content)}, DefaultLimits())
	if err != nil {
		t.Fatalf("second Put: %v", err)
	}
	if diff := cmp.Diff(first, second); diff != "" {
		t.Errorf("second Put returned a different object (-first +second):\n%s", diff)
	}
	if got := storedFiles(t, root); len(got) != 1 {
		t.Errorf("stored files = %q, want exactly one", got)
	}
	assertNoTemp(t, root)
	if err := l.Verify(ctx, first.SHA256); err != nil {
		t.Errorf("Verify: %v", err)
	}
}

func TestConcurrentPutSameContent(t *testing.T) {
	l, root := newLocal(t)
	content := pngFile(t)
	want := Object{SHA256: digest(content), Size: int64(len(content)), Type: TypePNG}

	const n = 8
	var (
		wg    sync.WaitGroup
		start = make(chan struct{})
		objs  [n]Object
		errs  [n]error
	)
	for i := range n {
		wg.Go(func() {
			<-start
			objs[i], errs[i] = l.Put(context.Background(), bytes.NewReader(content), DefaultLimits())
		})
	}
	close(start)
	wg.Wait()

	for i := range n {
		if errs[i] != nil {
			t.Errorf("Put %d: %v", i, errs[i])
			continue
		}
		if diff := cmp.Diff(want, objs[i]); diff != "" {
			t.Errorf("Put %d object mismatch (-want +got):\n%s", i, diff)
		}
	}
	if got := storedFiles(t, root); len(got) != 1 {
		t.Errorf("stored files = %q, want exactly one", got)
	}
	assertNoTemp(t, root)
	if err := l.Verify(context.Background(), want.SHA256); err != nil {
		t.Errorf("Verify: %v", err)
	}
}

func TestVerifyDetectsFlippedByte(t *testing.T) {
	l, root := newLocal(t)
	ctx := context.Background()
	content := pdfFile()
	obj, err := l.Put(ctx, bytes.NewReader(content), DefaultLimits())
	if err != nil {
		t.Fatalf("Put: %v", err)
	}
	path := filepath.Join(root, "sha256", obj.SHA256[:2], obj.SHA256[2:4], obj.SHA256)
	damaged := bytes.Clone(content)
	damaged[len(damaged)/2] ^= 0x01
	if err := os.WriteFile(path, damaged, 0o640); err != nil {
		t.Fatalf("damage stored file: %v", err)
	}

	if err := l.Verify(ctx, obj.SHA256); !errors.Is(err, ErrCorrupt) {
		t.Errorf("Verify after flipping a byte = %v, want ErrCorrupt", err)
	}

	rc, _, err := l.Open(ctx, obj.SHA256)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	_, err = io.ReadAll(rc)
	rc.Close()
	if !errors.Is(err, ErrCorrupt) {
		t.Errorf("reading the damaged object to its end = %v, want ErrCorrupt", err)
	}

	// Uploading the original again repairs the stored copy.
	if _, err := l.Put(ctx, bytes.NewReader(content), DefaultLimits()); err != nil {
		t.Fatalf("Put again: %v", err)
	}
	if err := l.Verify(ctx, obj.SHA256); err != nil {
		t.Errorf("Verify after Put again = %v, want nil", err)
	}
}

func TestPutLeavesNoTempFilesWhenItFails(t *testing.T) {
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	readErr := errors.New("connection reset")

	tests := []struct {
		name string
		ctx  context.Context
		r    io.Reader
		lim  Limits
		want error
	}{
		{"type not allowed", context.Background(), strings.NewReader("<html>"), DefaultLimits(), ErrTypeNotAllowed},
		{"too large", context.Background(), strings.NewReader("0123456789!"), Limits{MaxBytes: 10, Allowed: []string{TypeText}}, ErrTooLarge},
		{"empty", context.Background(), strings.NewReader(""), DefaultLimits(), ErrEmpty},
		{"text with a late nul", context.Background(), bytes.NewReader(append(longText(SniffLen+10), 0)), DefaultLimits(), ErrTypeNotAllowed},
		{"context canceled", canceled, strings.NewReader("hello\n"), DefaultLimits(), context.Canceled},
		{"reader fails", context.Background(), io.MultiReader(strings.NewReader("hello"), iotestErrReader{readErr}), DefaultLimits(), readErr},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, root := newLocal(t)
			if _, err := l.Put(tt.ctx, tt.r, tt.lim); !errors.Is(err, tt.want) {
				t.Errorf("Put error = %v, want %v", err, tt.want)
			}
			if files := storedFiles(t, root); len(files) != 0 {
				t.Errorf("stored files = %q, want none", files)
			}
			assertNoTemp(t, root)
		})
	}
}

type iotestErrReader struct{ err error }

func (r iotestErrReader) Read([]byte) (int, error) { return 0, r.err }

func TestTypeDependsOnEveryByteOfText(t *testing.T) {
	// Text past the sniffed head decides whether the object is text at all,
	// and Put and Stat must agree on it.
	tests := []struct {
		name    string
		content []byte
		want    string
	}{
		{"text throughout", longText(2 * SniffLen), TypeText},
		{"nul after the head", append(longText(2*SniffLen), 0), TypeOctetStream},
		{"character split at the head boundary", append(longText(SniffLen-1), "证据\n"...), TypeText},
		{"exactly SniffLen bytes ending mid-character", append(longText(SniffLen-1), 0xE8), TypeOctetStream},
	}
	lim := Limits{MaxBytes: 1 << 20, Allowed: []string{TypeText, TypeOctetStream}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, _ := newLocal(t)
			obj, err := l.Put(context.Background(), bytes.NewReader(tt.content), lim)
			if err != nil {
				t.Fatalf("Put: %v", err)
			}
			if obj.Type != tt.want {
				t.Errorf("Put type = %q, want %q", obj.Type, tt.want)
			}
			stat, err := l.Stat(context.Background(), obj.SHA256)
			if err != nil {
				t.Fatalf("Stat: %v", err)
			}
			if stat.Type != tt.want {
				t.Errorf("Stat type = %q, want %q", stat.Type, tt.want)
			}
		})
	}
}

func TestMissingAndInvalidDigests(t *testing.T) {
	l, _ := newLocal(t)
	ctx := context.Background()
	obj, err := l.Put(ctx, bytes.NewReader(textFile()), DefaultLimits())
	if err != nil {
		t.Fatalf("Put: %v", err)
	}

	ops := map[string]func(string) error{
		"Open": func(d string) error {
			rc, _, err := l.Open(ctx, d)
			if err == nil {
				rc.Close()
			}
			return err
		},
		"Stat":   func(d string) error { _, err := l.Stat(ctx, d); return err },
		"Verify": func(d string) error { return l.Verify(ctx, d) },
	}
	tests := []struct {
		name   string
		digest string
		want   error
	}{
		{"stored", obj.SHA256, nil},
		{"stored, upper case", strings.ToUpper(obj.SHA256), nil},
		{"missing", digest([]byte("never stored")), ErrNotFound},
		{"empty", "", ErrInvalidDigest},
		{"too short", obj.SHA256[:63], ErrInvalidDigest},
		{"path traversal", "../../../../etc/passwd" + strings.Repeat("0", 42), ErrInvalidDigest},
		{"not hex", strings.Repeat("g", 64), ErrInvalidDigest},
	}
	for _, tt := range tests {
		for name, op := range ops {
			t.Run(tt.name+"/"+name, func(t *testing.T) {
				if err := op(tt.digest); !errors.Is(err, tt.want) {
					t.Errorf("%s(%q) = %v, want %v", name, tt.digest, err, tt.want)
				}
			})
		}
	}
}

func TestPutRejectsNonPositiveLimit(t *testing.T) {
	l, root := newLocal(t)
	for _, limit := range []int64{0, -1} {
		_, err := l.Put(context.Background(), strings.NewReader("hello\n"), Limits{MaxBytes: limit, Allowed: []string{TypeText}})
		if err == nil {
			t.Errorf("Put with MaxBytes %d succeeded, want an error", limit)
		}
	}
	assertNoTemp(t, root)
}

func TestOpenLocalRemovesStaleTempFiles(t *testing.T) {
	root := t.TempDir()
	if _, err := OpenLocal(root); err != nil {
		t.Fatalf("OpenLocal: %v", err)
	}
	tmp := filepath.Join(root, "tmp")
	for _, name := range []string{"put-crashed", "put-in-progress"} {
		if err := os.WriteFile(filepath.Join(tmp, name), []byte("partial"), 0o640); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-2 * staleTemp)
	if err := os.Chtimes(filepath.Join(tmp, "put-crashed"), old, old); err != nil {
		t.Fatal(err)
	}

	if _, err := OpenLocal(root); err != nil {
		t.Fatalf("reopen: %v", err)
	}
	entries, err := os.ReadDir(tmp)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if diff := cmp.Diff([]string{"put-in-progress"}, got); diff != "" {
		t.Errorf("temp files after reopen mismatch (-want +got):\n%s", diff)
	}
	for _, dir := range []string{tmp, filepath.Join(root, "sha256")} {
		info, err := os.Stat(dir)
		if err != nil {
			t.Fatal(err)
		}
		if extra := info.Mode().Perm() &^ 0o750; extra != 0 {
			t.Errorf("%s mode = %v, want no bits beyond 0750", dir, info.Mode().Perm())
		}
	}
}

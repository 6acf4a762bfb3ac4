package blob

import (
	"bytes"
	"context"
	"testing"
)

func BenchmarkSniff(b *testing.B) {
	inputs := []struct {
		name string
		head []byte
	}{
		{"jpeg", []byte("\xFF\xD8\xFF\xE0\x00\x10JFIF")},
		{"text", longText(SniffLen)},
		{"csv", bytes.Repeat([]byte("1001,shop-a,19.90\n"), SniffLen/18+1)[:SniffLen]},
	}
	for _, in := range inputs {
		b.Run(in.name, func(b *testing.B) {
			b.SetBytes(int64(len(in.head)))
			for b.Loop() {
				Sniff(in.head)
			}
		})
	}
}

// BenchmarkPut measures a 1 MiB text upload, including the fsyncs that make
// it durable; it is dominated by the disk.
func BenchmarkPut(b *testing.B) {
	l, err := OpenLocal(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	content := longText(1 << 20)
	b.SetBytes(int64(len(content)))
	for b.Loop() {
		if _, err := l.Put(context.Background(), bytes.NewReader(content), DefaultLimits()); err != nil {
			b.Fatal(err)
		}
	}
}

package sor

import "testing"

func BenchmarkTDBPayload(b *testing.B) {
	s := counterfeit(b)
	s.Facts = cjk(2000) + " contact j.doe@acme.example"
	for b.Loop() {
		if _, err := TDBPayload(s); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBatchPayload(b *testing.B) {
	ss := make([]Statement, MaxBatch)
	for i := range ss {
		ss[i] = counterfeit(b)
		ss[i].PUID = "C1-L" + string(rune('a'+i%26)) + "-" + string(rune('a'+i/26))
	}
	for b.Loop() {
		if _, err := BatchPayload(ss); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRender(b *testing.B) {
	s := counterfeit(b)
	for b.Loop() {
		_ = Render(s, LangChinese)
	}
}

package audit

import (
	"encoding/json"
	"errors"
	"testing"
	"time"
)

func chain(n int) []Entry {
	prev := GenesisHash
	var out []Entry
	for i := 1; i <= n; i++ {
		e := Seal(Entry{
			Seq: int64(i), At: time.Date(2026, 1, 1, 0, 0, i, 0, time.UTC),
			ActorID: "usr_1", Action: "right.verify", ObjectType: "right", ObjectID: "rt_1",
			Before: json.RawMessage(`{"state":"submitted"}`), After: json.RawMessage(`{"state":"verified"}`),
		}, prev)
		prev = e.Hash
		out = append(out, e)
	}
	return out
}

func verify(entries []Entry, headSeq int64, headHash string) error {
	v := NewVerifier()
	for _, e := range entries {
		if err := v.Next(e); err != nil {
			return err
		}
	}
	return v.Finish(headSeq, headHash)
}

func TestVerify(t *testing.T) {
	good := chain(5)
	head := good[4]
	tests := []struct {
		name    string
		mutate  func([]Entry) []Entry
		wantSeq int64 // 0 = valid
	}{
		{"intact", func(e []Entry) []Entry { return e }, 0},
		{"edited reason", func(e []Entry) []Entry { e[2].Reason = "x"; return e }, 3},
		{"edited after", func(e []Entry) []Entry { e[1].After = json.RawMessage(`{"state":"rejected"}`); return e }, 2},
		{"edited time", func(e []Entry) []Entry { e[0].At = e[0].At.Add(time.Second); return e }, 1},
		{"deleted middle", func(e []Entry) []Entry { return append(e[:2:2], e[3:]...) }, 3},
		{"deleted tail", func(e []Entry) []Entry { return e[:4] }, 5},
		{"rehashed edit", func(e []Entry) []Entry {
			// An attacker who edits and re-seals one entry still breaks the next link.
			e[1].Reason = "forged"
			e[1] = Seal(e[1], e[1].PrevHash)
			return e
		}, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			entries := tt.mutate(append([]Entry(nil), good...))
			err := verify(entries, head.Seq, head.Hash)
			if tt.wantSeq == 0 {
				if err != nil {
					t.Fatalf("got %v, want valid chain", err)
				}
				return
			}
			var b *Break
			if !errors.As(err, &b) {
				t.Fatalf("got %v, want a *Break", err)
			}
			if b.Seq != tt.wantSeq {
				t.Errorf("got break at %d (%s), want %d", b.Seq, b.Reason, tt.wantSeq)
			}
		})
	}
}

func TestComputeFieldBoundaries(t *testing.T) {
	a := Entry{Seq: 1, ActorID: "ab", ActorOrgID: "c"}
	b := Entry{Seq: 1, ActorID: "a", ActorOrgID: "bc"}
	if Compute(a, GenesisHash) == Compute(b, GenesisHash) {
		t.Fatal("got equal hashes for entries whose fields differ only in boundaries")
	}
}

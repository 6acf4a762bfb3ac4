// Package audit defines dajia's tamper-evident audit log: every state change is
// recorded as an Entry whose hash covers its content and the hash of the entry
// before it, so editing or deleting any stored entry breaks the chain.
//
// The package is pure: it computes and verifies hashes. The store appends
// entries in the same transaction as the change they describe.
package audit

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// GenesisHash is the "previous hash" of the first entry in a chain.
const GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000"

// Entry is one audited state change.
type Entry struct {
	Seq        int64           `json:"seq"`
	At         time.Time       `json:"at"`
	ActorID    string          `json:"actor_id"`     // user or API key id; "system" for the scheduler
	ActorOrgID string          `json:"actor_org_id"` // organisation of the actor
	Automated  bool            `json:"automated"`
	Action     string          `json:"action"` // e.g. "organization.verify"
	ObjectType string          `json:"object_type"`
	ObjectID   string          `json:"object_id"`
	OrgID      string          `json:"org_id"` // organisation that owns the object
	Before     json.RawMessage `json:"before,omitempty"`
	After      json.RawMessage `json:"after,omitempty"`
	Reason     string          `json:"reason,omitempty"`
	PrevHash   string          `json:"prev_hash"`
	Hash       string          `json:"hash"`
}

// Compute returns the hash of e given the previous entry's hash. It covers
// every field except Hash itself; time is taken at microsecond precision,
// which is what the store keeps.
func Compute(e Entry, prevHash string) string {
	h := sha256.New()
	field := func(s string) {
		// Length-prefix each field so that field boundaries cannot shift.
		h.Write([]byte(strconv.Itoa(len(s))))
		h.Write([]byte{':'})
		h.Write([]byte(s))
	}
	field(prevHash)
	field(strconv.FormatInt(e.Seq, 10))
	field(strconv.FormatInt(e.At.UnixMicro(), 10))
	field(e.ActorID)
	field(e.ActorOrgID)
	field(strconv.FormatBool(e.Automated))
	field(e.Action)
	field(e.ObjectType)
	field(e.ObjectID)
	field(e.OrgID)
	field(string(e.Before))
	field(string(e.After))
	field(e.Reason)
	return hex.EncodeToString(h.Sum(nil))
}

// Seal sets e.PrevHash and e.Hash so that e follows an entry with hash prev.
func Seal(e Entry, prev string) Entry {
	e.PrevHash = prev
	e.Hash = Compute(e, prev)
	return e
}

// Break describes where a chain stopped verifying.
type Break struct {
	Seq    int64  `json:"seq"`
	Reason string `json:"reason"`
}

// Error implements error.
func (b *Break) Error() string {
	return fmt.Sprintf("audit chain broken at entry %d: %s", b.Seq, b.Reason)
}

// Verifier checks a chain entry by entry, in sequence order, so that a chain
// of any length can be verified while streaming it from the store.
type Verifier struct {
	prev    string
	nextSeq int64
	count   int64
}

// NewVerifier starts verification at the beginning of the chain.
func NewVerifier() *Verifier { return &Verifier{prev: GenesisHash, nextSeq: 1} }

// Next checks one entry. It returns a *Break for a gap in the sequence (a
// deleted entry), a wrong link or a hash that does not match the content (an
// edited entry).
func (v *Verifier) Next(e Entry) error {
	switch {
	case e.Seq != v.nextSeq:
		return &Break{Seq: v.nextSeq, Reason: fmt.Sprintf("expected entry %d, found %d (entries missing)", v.nextSeq, e.Seq)}
	case e.PrevHash != v.prev:
		return &Break{Seq: e.Seq, Reason: "link to the previous entry does not match"}
	case Compute(e, e.PrevHash) != e.Hash:
		return &Break{Seq: e.Seq, Reason: "content does not match its hash (entry edited)"}
	}
	v.prev, v.nextSeq = e.Hash, e.Seq+1
	v.count++
	return nil
}

// Finish checks the end of the chain against the head the store recorded
// (its last sequence number and hash), which detects truncation of the tail.
func (v *Verifier) Finish(headSeq int64, headHash string) error {
	if headSeq != v.nextSeq-1 {
		return &Break{Seq: v.nextSeq, Reason: fmt.Sprintf("chain ends at entry %d but the head says %d (entries missing at the end)", v.nextSeq-1, headSeq)}
	}
	if headSeq > 0 && headHash != v.prev {
		return &Break{Seq: headSeq, Reason: "last entry does not match the recorded head"}
	}
	return nil
}

// Count is the number of entries verified so far.
func (v *Verifier) Count() int64 { return v.count }

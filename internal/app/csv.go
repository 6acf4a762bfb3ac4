package app

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/dajia-project/dajia/internal/fault"
)

// NoticeCSVColumns are the columns of a bulk notice upload (DESIGN.md):
// listing_id (or a listing URL), right_id, infringement_type, evidence_ids
// (separated by spaces or semicolons) and note.
var NoticeCSVColumns = []string{"listing_id", "right_id", "infringement_type", "evidence_ids", "note"}

// ParseNoticeCSV reads the items of a bulk notice. Every bad row is
// reported by line and column in a *fault.Invalid; the good rows are
// returned with it, for a caller that accepts part of a file.
func ParseNoticeCSV(r io.Reader) ([]NoticeItemInput, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = false
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, fault.InvalidField("line 1", "the file is empty; the first line must be the header %s", strings.Join(NoticeCSVColumns, ","))
	}
	if err != nil {
		return nil, csvError(err)
	}
	col := map[string]int{}
	v := new(fault.Invalid)
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if !slices.Contains(NoticeCSVColumns, h) {
			v.Add(fmt.Sprintf("line 1, column %d", i+1), "unknown column %q; the columns are %s", h, strings.Join(NoticeCSVColumns, ", "))
			continue
		}
		if _, dup := col[h]; dup {
			v.Add(fmt.Sprintf("line 1, column %d", i+1), "column %q appears twice", h)
		}
		col[h] = i
	}
	if _, ok := col["listing_id"]; !ok {
		v.Add("line 1", "the header must name the column listing_id")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	get := func(rec []string, name string) string {
		if i, ok := col[name]; ok && i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	var items []NoticeItemInput
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				v.Add(fmt.Sprintf("line %d", pe.Line), "%s", pe.Err.Error())
				continue
			}
			return nil, err
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // a blank line
		}
		if len(rec) != len(header) {
			v.Add(fmt.Sprintf("line %d", line), "%d fields, but the header has %d", len(rec), len(header))
			continue
		}
		it := NoticeItemInput{ListingID: get(rec, "listing_id"), RightID: get(rec, "right_id"), InfringementType: get(rec, "infringement_type"),
			Note: get(rec, "note"), Line: line}
		if ev := get(rec, "evidence_ids"); ev != "" {
			it.EvidenceIDs = strings.FieldsFunc(ev, func(r rune) bool { return r == ';' || r == ' ' || r == '|' })
		}
		bad := len(v.Fields)
		if it.ListingID == "" {
			v.Add(fmt.Sprintf("line %d: listing_id", line), "is empty; give the listing id or its URL")
		}
		if len(it.Note) > 2000 {
			v.Add(fmt.Sprintf("line %d: note", line), "at most 2000 characters")
		}
		if len(v.Fields) > bad {
			continue
		}
		items = append(items, it)
		if len(items) > MaxNoticeItems {
			return nil, fault.InvalidField("items", "at most %d rows per notice; split the file", MaxNoticeItems)
		}
	}
	if len(items) == 0 && len(v.Fields) == 0 {
		v.Add("line 2", "no rows after the header")
	}
	if err := v.Err(); err != nil {
		return items, err
	}
	return items, nil
}

func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fault.InvalidField(fmt.Sprintf("line %d", pe.Line), "%s", pe.Err.Error())
	}
	return err
}

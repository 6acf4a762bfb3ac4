package app_test

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/dajia-project/dajia/internal/auth"
	"github.com/dajia-project/dajia/internal/sor"
	"github.com/dajia-project/dajia/internal/store"
)

// validateTDB exports a statement as the DSA Transparency Database payload
// and validates it against the official schema (copied in internal/sor).
func validateTDB(t testing.TB, w *lc, statementID string) {
	t.Helper()
	st, err := w.app.Statement(bg, auth.System, statementID)
	w.must(err)
	payload, err := sor.TDBPayload(st)
	if err != nil {
		t.Fatalf("TDB payload: %v", err)
	}
	raw, _ := json.Marshal(payload)
	var doc any
	json.Unmarshal(raw, &doc)
	f, err := os.Open("../sor/testdata/sor.schema.json")
	w.must(err)
	defer f.Close()
	schemaDoc, err := jsonschema.UnmarshalJSON(f)
	w.must(err)
	c := jsonschema.NewCompiler()
	w.must(c.AddResource("sor.schema.json", schemaDoc))
	schema, err := c.Compile("sor.schema.json")
	w.must(err)
	if err := schema.Validate(doc); err != nil {
		t.Errorf("statement %s does not validate against the DSA schema: %v\n%s", statementID, err, raw)
	}
}

// validateAllTDB validates the DSA export of every statement of reasons in
// the world; it returns how many it checked.
func validateAllTDB(t testing.TB, w *lc) int {
	t.Helper()
	recs, _, err := w.db.Items(bg, store.ItemFilter{}, store.Page{Limit: 500})
	w.must(err)
	n := 0
	for _, rec := range recs {
		sts, err := w.db.ItemStatements(bg, rec.ID)
		w.must(err)
		for _, st := range sts {
			validateTDB(t, w, st.ID)
			n++
		}
	}
	return n
}

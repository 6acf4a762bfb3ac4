package web

import (
	"fmt"
	"testing"

	"github.com/dajia-project/dajia/internal/registry"
	"github.com/dajia-project/dajia/internal/store"
)

// TestCodeLabels: every review state, organisation kind and delivery
// state the pages show has a label in both languages.
func TestCodeLabels(t *testing.T) {
	codes := map[string][]any{
		"review":   {registry.OrgDraft, registry.OrgSubmitted, registry.OrgVerified, registry.OrgRejected, registry.OrgSuspended, registry.RightRevoked},
		"kind":     {registry.KindPlatform, registry.KindRightsHolder, registry.KindAgent, registry.KindSeller, registry.KindAgency},
		"delivery": {store.DeliveryPending, store.DeliveryWaiting, store.DeliveryDelivered, store.DeliveryDead},
	}
	for group, values := range codes {
		for _, v := range values {
			for _, l := range Languages {
				key := "code." + group + "." + fmt.Sprint(v)
				if _, ok := catalogs()[l][key]; !ok {
					t.Errorf("%s: no %s", l, key)
				}
			}
		}
	}
	if got := codeLabel("zh", "review", registry.RightVerified); got != "已核验" {
		t.Errorf("zh verified: %q", got)
	}
	if got := codeLabel("en", "kind", "something_new"); got != "something new" {
		t.Errorf("unknown code: %q, want it shown as itself", got)
	}
}

package textmatch

import "testing"

func TestContext(t *testing.T) {
	tests := []struct {
		name, text, brand string
		want              ContextKind
	}{
		{"plain mention", "正品 Nike 跑鞋", "nike", ContextNone},
		{"case for", "Phone case for Apple iPhone 15", "apple", ContextAccessory},
		{"compatible with", "Strap compatible with Garmin watches", "garmin", ContextAccessory},
		{"fits", "Fits Samsung Galaxy S24", "samsung", ContextAccessory},
		{"zh 适用于", "手机壳适用于苹果15", "苹果", ContextAccessory},
		{"zh traditional 適用於", "適用於蘋果手機的保護殼", "苹果", ContextAccessory},
		{"zh 兼容", "兼容 戴森 吸尘器 配件", "戴森", ContextAccessory},
		{"zh 配件 window", "配件 原装款式 戴森", "戴森", ContextAccessory},
		{"not", "this is not Nike", "nike", ContextNegation},
		{"not a", "not a Nike", "nike", ContextNegation},
		{"non", "non-Apple charger", "apple", ContextNegation},
		{"zh 非", "非耐克 国产运动鞋", "耐克", ContextNegation},
		{"zh 不是", "不是耐克", "耐克", ContextNegation},
		{"negation too far", "不是正品的那种耐克鞋", "耐克", ContextNone},
		{"very is not negation", "非常好看耐克", "耐克", ContextNone},
		{"非常 directly before", "质量非常耐克", "耐克", ContextNone},
		{"clause break stops window", "case for phone, Apple logo", "apple", ContextNone},
		{"zh clause break", "适用于手机。苹果", "苹果", ContextNone},
		{"for inside word", "California Nike", "nike", ContextNone},
		{"outside window", "for the very long description text here then Nike", "nike", ContextNone},
		{"nearest wins", "not made for Nike", "nike", ContextAccessory},
		{"nearest negation", "for non Nike", "nike", ContextNegation},
		{"at text start", "Nike", "nike", ContextNone},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Compile([]Pattern{{ID: 1, Text: tt.brand, WholeWord: true}})
			if err != nil {
				t.Fatalf("Compile: %v", err)
			}
			n := Normalize(tt.text)
			found := m.FindAll(nil, &n)
			if len(found) != 1 {
				t.Fatalf("found %v for %q in %q, want one match", found, tt.brand, n.String())
			}
			if got := Context(&n, found[0]); got != tt.want {
				t.Errorf("Context(%q, %q) = %v, want %v", tt.text, tt.brand, got, tt.want)
			}
		})
	}
}

func TestContextData(t *testing.T) {
	cs, err := loadContext()
	if err != nil {
		t.Fatalf("load context phrases: %v", err)
	}
	counts := map[ContextKind]int{}
	for _, k := range cs.kinds {
		counts[k]++
	}
	for _, k := range []ContextKind{ContextAccessory, ContextNegation, contextIgnore} {
		if counts[k] == 0 {
			t.Errorf("no phrases of kind %v, want some", k)
		}
	}
}

func TestContextKindString(t *testing.T) {
	for k, want := range map[ContextKind]string{ContextNone: "none", ContextAccessory: "accessory", ContextNegation: "negation"} {
		if got := k.String(); got != want {
			t.Errorf("ContextKind(%d).String() = %q, want %q", k, got, want)
		}
	}
}

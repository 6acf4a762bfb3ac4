package synth

import (
	"math/rand/v2"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// hanzi is a character usable in an invented Chinese brand name, with its
// traditional form (equal to the simplified one when there is none) and
// its pinyin without tones.
type hanzi struct {
	simp, trad rune
	pinyin     string
}

// firstChars all have a distinct traditional form, so that every brand can
// be written in traditional characters. The forms are those of OpenCC's
// TSCharacters table, which textmatch folds back.
var firstChars = []hanzi{
	{'岚', '嵐', "lan"}, {'澜', '瀾', "lan"}, {'鸿', '鴻', "hong"}, {'锦', '錦', "jin"},
	{'丽', '麗', "li"}, {'凤', '鳳', "feng"}, {'龙', '龍', "long"}, {'云', '雲', "yun"},
	{'乐', '樂', "le"}, {'宝', '寶', "bao"}, {'兰', '蘭', "lan"}, {'维', '維', "wei"},
	{'诗', '詩', "shi"}, {'银', '銀', "yin"}, {'铂', '鉑', "bo"}, {'钰', '鈺', "yu"},
	{'玑', '璣', "ji"}, {'骊', '驪', "li"}, {'鹭', '鷺', "lu"}, {'凯', '凱', "kai"},
}

var secondChars = []hanzi{
	{'朵', '朵', "duo"}, {'溪', '溪', "xi"}, {'蔻', '蔻', "kou"}, {'芮', '芮', "rui"},
	{'屿', '嶼', "yu"}, {'桐', '桐', "tong"}, {'沅', '沅', "yuan"}, {'纾', '紓', "shu"},
	{'曦', '曦', "xi"}, {'黛', '黛', "dai"}, {'砚', '硯', "yan"}, {'翎', '翎', "ling"},
	{'珀', '珀', "po"}, {'漪', '漪', "yi"}, {'栖', '棲', "qi"}, {'萝', '蘿', "luo"},
	{'绫', '綾', "ling"}, {'缇', '緹', "ti"},
}

// commonWords are character pairs that are ordinary words or places; a
// brand named so would collide with everyday text.
var commonWords = []string{"云朵", "锦溪", "兰溪", "龙溪", "云溪", "乐园", "宝黛", "丽水"}

// Latin syllables. Names are built from an onset-vowel syllable, a second
// syllable and an ending, which gives odd words of 6 to 10 letters.
var (
	onsets  = []string{"v", "qu", "z", "th", "br", "cl", "dr", "k", "l", "m", "n", "p", "r", "s", "t", "x", "f", "g", "h", "j"}
	vowels  = []string{"a", "e", "i", "o", "u", "ae", "io", "ou", "ei"}
	middles = []string{"lt", "rv", "nd", "sk", "mb", "rl", "v", "z", "nt", "ss", "ld", "rm"}
	endings = []string{"aro", "ix", "ora", "elle", "ano", "ique", "ova", "eth", "ion", "yra", "ento", "isse"}
)

// realMarks are well-known trademarks the syllable generator could in
// principle spell; a generated name equal to one is discarded.
var realMarks = []string{
	"zara", "nike", "puma", "fila", "vans", "asics", "lego", "sony", "dior", "gucci", "prada", "rolex",
	"omega", "tissot", "casio", "seiko", "chanel", "hermes", "coach", "fendi", "celine", "loewe", "kenzo",
	"xiaomi", "huawei", "nokia", "tesla", "mazda", "lexus", "volvo", "lancome", "clarins", "bvlgari",
	"valentino", "moschino", "balenciaga", "salomon", "mizuno", "brandix", "toyota", "nintendo",
}

// brand is an invented protected brand.
type brand struct {
	id        string
	idx       int      // position in the world's brands
	latin     string   // "Veltaro"
	syllable  string   // first syllable, capitalised: "Vel"
	chinese   []hanzi  // two characters
	pinyin    []string // per character: "lan", "xi"
	nicknames []string // "Vel家", "澜记"
	cats      []int    // indexes into productCats
	refCNY    []int64  // reference price per cats entry, in fen
	refUSD    []int64  // in cents
	seed      uint64   // drives the brand's visual style
	sellers   []int    // authorised sellers, indexes into world.sellers
}

func (b *brand) zh() string {
	var sb strings.Builder
	for _, h := range b.chinese {
		sb.WriteRune(h.simp)
	}
	return sb.String()
}

// names are the brand's names and aliases as the profile lists them.
func (b *brand) names() []string {
	out := []string{b.latin, b.zh(), strings.Join(b.pinyin, "")}
	return append(out, b.nicknames...)
}

// inventBrands makes n brands with distinct Latin and Chinese names.
func inventBrands(r *rand.Rand, n int) []*brand {
	seenLatin := map[string]bool{}
	seenSyl := map[string]bool{}
	seenZh := map[string]bool{}
	usedFirst := map[rune]bool{}
	var out []*brand
	for len(out) < n {
		b := &brand{idx: len(out)}
		on, vo := pick(r, onsets), pick(r, vowels)
		syl := on + vo + pick(r, middles)
		word := syl + pick(r, endings)
		if len(word) < 6 || seenLatin[word] || slices.Contains(realMarks, word) {
			continue
		}
		capSyl := capitalise(syl)
		if seenSyl[capSyl] {
			continue
		}
		var f, s hanzi
		for {
			f, s = pick(r, firstChars), pick(r, secondChars)
			zh := string([]rune{f.simp, s.simp})
			// Prefer unused first characters so that nicknames stay unique.
			if !seenZh[zh] && !slices.Contains(commonWords, zh) && (!usedFirst[f.simp] || len(usedFirst) >= len(firstChars)) {
				break
			}
		}
		seenLatin[word], seenSyl[capSyl] = true, true
		b.latin = capitalise(word)
		b.syllable = capSyl
		b.id = "syn-" + word
		b.chinese = []hanzi{f, s}
		b.pinyin = []string{f.pinyin, s.pinyin}
		seenZh[b.zh()] = true
		b.nicknames = []string{capSyl + "家"}
		if !usedFirst[f.simp] {
			b.nicknames = append(b.nicknames, string(f.simp)+"记")
		}
		usedFirst[f.simp] = true
		b.seed = r.Uint64()
		k := 1 + r.IntN(3)
		perm := r.Perm(len(productCats))
		b.cats = append(b.cats, perm[:k]...)
		slices.Sort(b.cats)
		for _, c := range b.cats {
			pc := productCats[c]
			yuan := pc.refLo + r.Int64N(pc.refHi-pc.refLo+1)
			yuan = yuan/10*10 + 9 // prices end in 9
			b.refCNY = append(b.refCNY, yuan*100)
			usd := (yuan*100/7 + 50) / 100 // whole dollars at about 7 CNY/USD
			b.refUSD = append(b.refUSD, (usd-usd%5+4)*100+99)
		}
		out = append(out, b)
	}
	return out
}

func capitalise(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// Name evasions: the ways a fake writes a brand's name. Each returns the
// text to use and the evasion class.
const (
	EvasionSplitLetters = "split_letters" // "V e l t a r o"
	EvasionSeparator    = "separator"     // "澜-溪", "Velt_aro"
	EvasionFullWidth    = "fullwidth"     // "Ｖｅｌｔａｒｏ"
	EvasionHomoglyph    = "homoglyph"     // Cyrillic/Greek look-alikes: "Vеltаro"
	EvasionTraditional  = "traditional"   // "瀾溪"
	EvasionZeroWidth    = "zero_width"    // "Vel\u200btaro"
	EvasionPinyin       = "pinyin"        // "lan xi"
	EvasionNickname     = "nickname"      // "Vel家"
	EvasionCodeWord     = "code_word"     // 高仿, A货, replica, …
	EvasionLowPrice     = "low_price"     // far below the reference price
	EvasionImage        = "image_reupload"
)

// NameEvasions lists the evasions applied to a brand's name, in the order
// fakes draw them.
var NameEvasions = []string{
	EvasionSplitLetters, EvasionSeparator, EvasionFullWidth, EvasionHomoglyph,
	EvasionTraditional, EvasionZeroWidth, EvasionPinyin, EvasionNickname,
}

// lookAlikes maps Latin letters to Cyrillic or Greek letters that render
// the same.
var lookAlikes = map[rune][]rune{
	'a': {'а', 'α'}, 'e': {'е'}, 'o': {'о', 'ο'}, 'i': {'і', 'ι'}, 'p': {'р', 'ρ'}, 'c': {'с'},
	'x': {'х', 'χ'}, 'y': {'у'}, 's': {'ѕ'}, 'k': {'к', 'κ'}, 'j': {'ј'}, 'h': {'һ'}, 'u': {'υ'},
	'A': {'А', 'Α'}, 'B': {'В', 'Β'}, 'E': {'Е', 'Ε'}, 'K': {'К', 'Κ'}, 'M': {'М', 'Μ'}, 'H': {'Н', 'Η'},
	'O': {'О', 'Ο'}, 'P': {'Р', 'Ρ'}, 'C': {'С'}, 'T': {'Т', 'Τ'}, 'X': {'Х', 'Χ'}, 'Z': {'Ζ'},
	'N': {'Ν'}, 'I': {'І', 'Ι'}, 'J': {'Ј'},
}

var zeroWidth = []rune{'\u200b', '\u200c', '\u200d', '\u2060', '\ufeff'}

// evade writes the brand's name using evasion ev.
func (b *brand) evade(r *rand.Rand, ev string) string {
	switch ev {
	case EvasionSplitLetters:
		name := b.latin
		if r.IntN(2) == 0 {
			name = strings.ToUpper(name)
		}
		sep := pick(r, []string{" ", " ", ".", " . ", "-"})
		return strings.Join(strings.Split(name, ""), sep)
	case EvasionSeparator:
		sep := pick(r, []string{"-", "·", "_", "*", "/", " ", "~"})
		if r.IntN(2) == 0 {
			return string(b.chinese[0].simp) + sep + string(b.chinese[1].simp)
		}
		cut := 2 + r.IntN(len(b.latin)-3)
		return b.latin[:cut] + sep + b.latin[cut:]
	case EvasionFullWidth:
		name := b.latin
		if r.IntN(3) == 0 {
			name = strings.ToUpper(name)
		}
		return strings.Map(func(c rune) rune {
			if c > ' ' && c < 0x7f {
				return c - '!' + '！'
			}
			return c
		}, name)
	case EvasionHomoglyph:
		rs := []rune(b.latin)
		var can []int
		for i, c := range rs {
			if lookAlikes[c] != nil {
				can = append(can, i)
			}
		}
		// Every name has a vowel, so can is never empty.
		n := 1 + r.IntN(min(3, len(can)))
		for _, j := range r.Perm(len(can))[:n] {
			rs[can[j]] = pick(r, lookAlikes[rs[can[j]]])
		}
		return string(rs)
	case EvasionTraditional:
		var sb strings.Builder
		for _, h := range b.chinese {
			sb.WriteRune(h.trad)
		}
		return sb.String()
	case EvasionZeroWidth:
		var rs []rune
		if r.IntN(2) == 0 {
			rs = []rune(b.latin)
		} else {
			rs = []rune(b.zh())
		}
		var sb strings.Builder
		for i, c := range rs {
			if i > 0 && (len(rs) < 4 || r.IntN(2) == 0 || i == 1) {
				sb.WriteRune(pick(r, zeroWidth))
			}
			sb.WriteRune(c)
		}
		return sb.String()
	case EvasionPinyin:
		switch r.IntN(3) {
		case 0:
			return strings.Join(b.pinyin, " ")
		case 1:
			return capitalise(b.pinyin[0]) + capitalise(b.pinyin[1])
		}
		return strings.ToUpper(strings.Join(b.pinyin, ""))
	case EvasionNickname:
		return pick(r, b.nicknames)
	}
	panic("synth: unknown evasion " + ev)
}

// plain writes the brand's name as its owner does: Latin, Chinese or both.
func (b *brand) plain(r *rand.Rand) string {
	switch r.IntN(3) {
	case 0:
		return b.latin
	case 1:
		return b.zh()
	}
	return b.latin + "/" + b.zh()
}

// Package detect scores marketplace listings for counterfeits (大数据打假):
// brand names and counterfeit slang in the text, the price against the brand's
// reference, listing images against the brand's reference images, and what
// the platform knows about the seller, combined by investigators' rules into
// a 0–100 score, a verdict and an explanation a reviewer can act on.
//
// The package is pure: no database, network or clock. The caller supplies the
// profile, the seller facts and (optionally) peers' price statistics.
//
// # Protection profile
//
// A Profile says what detection knows about each protected brand. Its JSON
// form (ParseProfile, Profile.WriteJSON) is versioned:
//
//	{
//	  "version": 1,
//	  "brands": [{
//	    "id": "nike",
//	    "names": ["Nike", "耐克", "NIKE"],
//	    "reference_prices": [{"category": "shoes", "amount": "899.00", "currency": "CNY"}],
//	    "authorized_sellers": ["seller-1"],
//	    "reference_images": [{"pdq": "<64 hex digits>", "id": "logo"}, {"path": "img/aj1.jpg"}],
//	    "negative_images": [{"pdq": "…"}]
//	  }],
//	  "slang": {"zh": ["高仿", "A货"], "en": ["replica"]}
//	}
//
// "id" and "names" are required; the rest is optional. Amounts are decimal
// strings (or numbers) read exactly; a reference price with an empty
// category applies to every category without its own, and categories are
// matched exactly, then by parent ("shoes/running" → "shoes"). An image entry
// has exactly one of "pdq" (hex hash, optional "quality" 0..100) or "path"
// (resolved by Options.ResolveImage at Compile time, so a CLI can read files
// relative to the profile and a server from its evidence store), and an
// optional "id" used in explanations. Hashes of known quality below
// pdq.MinQuality are ignored. Without a "slang" key the built-in lists apply
// (DefaultSlang: data/slang_zh.txt and data/slang_en.txt, each term with its
// meaning); with one, exactly the listed terms. Unknown fields and versions
// are rejected and every bad entry is reported with its JSON path.
//
// # Engine and features
//
// Compile builds an immutable, concurrency-safe Engine: one textmatch.Matcher
// over every brand name, slang term and second-hand word; a pdq.Index of
// reference images and one of negative images; reference prices and
// authorised sellers per brand; the compiled rules. Engine.Score computes the
// Features of a listing — the typed environment rules are written against,
// documented field by field on the Features type — evaluates the rules and
// returns a Result with the score, the verdict, the signals (matched spans in
// the original text, price ratio and reference, image distance and reference
// image id) and the rules that fired.
//
// The normaliser (textmatch) sees through evasions so that "N i k e" is
// found as Nike; detection then asks how the name was written. Each brand
// mention is compared, character by character, with the profile name it
// matched, and the most telling departure becomes brand_obfuscated /
// brand_obfuscation: invisible characters, look-alike letters of another
// script mixed into a Latin name, the name split by separators where it has
// none (single letters, punctuation inside a word, anything between the
// characters of a Chinese name), styled letters, full-width letters in a
// listing otherwise typed in half-width, traditional characters in a
// listing otherwise simplified. Case, accents, a space between multi-letter
// parts and writing a whole listing in full-width or traditional characters
// are ordinary and do not count. Genuine sellers write the name they sell
// under plainly, so the default rules treat an obfuscated name from an
// unauthorised seller as enough to queue the listing.
//
// False-positive guards are features that the default rules respect:
//   - accessories and negations ("case for iPhone", "非耐克") lower a
//     mention's weight (textmatch.Context) below the 0.5 the rules ask for;
//   - authorised sellers (profile or SellerFacts) make the brand rules
//     silent;
//   - second-hand goods ("二手", "used", "pre-owned"; data/secondhand.txt)
//     need a price under 10% of the reference instead of 30% — a seller can
//     write "used" to hide, which is why it weakens the price rules rather
//     than silencing every rule;
//   - short Latin brand names match only as whole words ("apple" not in
//     "pineapple"), and a brand is only as strong as its context;
//   - negative (known-genuine) images cancel reference matches of their
//     brand;
//   - negated slang ("not a replica", "不是高仿") is reported as a signal
//     but not counted in slang.
//
// # Rules
//
// Rules are boolean expressions in the expr language
// (github.com/expr-lang/expr) over Features, e.g.
//
//	brand_weight >= 0.5 && !authorized && price_known && price_ratio < 0.3
//
// with a score contribution and/or an outcome (flag, queue, ask_brand,
// takedown_pending_confirmation), a state (draft: validated only; shadow:
// evaluated and recorded, no effect; live) and a version. CompileRules
// type-checks each expression against Features and reports syntax errors,
// unknown features and type errors with line and column. The clock builtins
// (now, date, duration) are disabled so scoring stays deterministic.
//
// Why expr rather than cel-go: both type-check an expression against a
// declared environment and report error positions. expr derives the
// environment from the Features struct (no parallel declaration to keep in
// sync), has no dependencies of its own (cel-go brings ANTLR, protobuf and
// genproto) and is MIT licensed (cel-go Apache-2.0; both acceptable). Speed
// decided it: the budget is 50 rules inside ~10 µs per listing. expr runs a
// compiled program on a reused VM; the rules read a map[string]any
// environment (filled once per listing: struct fields would be read through
// reflection with an allocation per read) and all non-draft rules run as one
// combined program "[(r1), (r2), …]" per listing — 50 rules in about 5 µs
// (BenchmarkRules). A rule failing at run time (an index out of range) makes
// the combined run fail; the rules are then run one by one and only that
// rule is lost, recorded in Result.RuleErrors.
//
// # Backtest
//
// Backtest runs rules over scored, labelled listings and reports, per rule and
// for the rule set, the confusion counts, precision, recall, F1 and the
// fraction of listings fired on, with a warning for any rule that fires on
// more than MaxFireRate of them: such a rule must not go live unreviewed.
package detect

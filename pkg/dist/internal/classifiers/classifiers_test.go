package classifiers

import "testing"

func TestLookup(t *testing.T) {
	if !Valid("Programming Language :: Python :: 3") {
		t.Error("Programming Language :: Python :: 3 should be valid")
	}
	if Valid("Private :: Do Not Upload") {
		t.Error("Private :: classifiers must not be in the list")
	}
	if Valid("Natural Language :: Ukranian") {
		t.Error("a deprecated classifier must not count as valid")
	}
	r, ok := Deprecated("Natural Language :: Ukranian")
	if !ok || len(r) != 1 || r[0] != "Natural Language :: Ukrainian" {
		t.Errorf("Deprecated(Ukranian) = %q, %v", r, ok)
	}
	if r, ok := Deprecated("Topic :: Communications :: Chat :: AOL Instant Messenger"); !ok || len(r) != 0 {
		t.Errorf("Deprecated(AIM) = %q, %v; want no replacements", r, ok)
	}
	if _, ok := Deprecated("Programming Language :: Python :: 3"); ok {
		t.Error("a current classifier must not count as deprecated")
	}
	if Count() < 800 {
		t.Errorf("Count() = %d, want the full list", Count())
	}
	if Source() == "" {
		t.Error("Source() is empty; the generated header is missing")
	}
}

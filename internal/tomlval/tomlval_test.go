package tomlval

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/brief-desk/brief/internal/diag"
)

func TestDatesIgnoreTimezone(t *testing.T) {
	// BurntSushi/toml decodes local dates in the process's zone; the value must
	// still be the written calendar date at UTC midnight.
	v, err := FromTOML(time.Date(2026, 1, 2, 0, 0, 0, 0, time.FixedZone("date-local", -10*3600)))
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC); !v.Date().Equal(want) {
		t.Errorf("got %v, want %v", v.Date(), want)
	}
}

func TestFromTOML(t *testing.T) {
	tests := []struct {
		in   any
		want string // Describe of the value, or the error
	}{
		{"fifty", `string "fifty"`},
		{int64(5), "number 5"},
		{1.5, "number 1.5"},
		{math.Copysign(0, -1), "number 0"},
		{true, "boolean true"},
		{int64(1) << 54, "integer 18014398509481984 is too large to keep exactly; write it as a float or in larger units"},
		{math.NaN(), "NaN is not a finite number; leave the cell out to mark it missing"},
		{[]any{1}, "a cell holds one value, got an array"},
		{"bad\x1b", "contains the control character U+001B at byte 3; remove it (it is often pasted in from other programs)"},
	}
	for _, tt := range tests {
		v, err := FromTOML(tt.in)
		got := ""
		if err != nil {
			got = err.Error()
		} else {
			got = v.Describe()
		}
		if got != tt.want {
			t.Errorf("FromTOML(%#v) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if v, _ := FromTOML(math.Copysign(0, -1)); math.Signbit(v.Num) {
		t.Error("negative zero kept its sign")
	}
}

func TestTextAndDescribe(t *testing.T) {
	tests := []struct {
		in        any
		text, err string
	}{
		{"  Hut 8 ", "Hut 8", ""},
		{int64(5), "", "want a string, got number 5"},
		{[]any{"a"}, "", "want a string, got an array"},
		{map[string]any{}, "", "want a string, got a table"},
		{"a\u202eb", "", "contains the bidirectional override U+202E at byte 1; it can disguise text: remove it"},
		{"a\u2066b", "", "contains the bidirectional isolate U+2066 at byte 1; it can disguise text: remove it"},
		{"\u200fRTL mark is fine", "\u200fRTL mark is fine", ""},
	}
	for _, tt := range tests {
		got, err := Text(tt.in)
		if got != tt.text || (err == nil) != (tt.err == "") || err != nil && err.Error() != tt.err {
			t.Errorf("Text(%#v) = %q, %v; want %q, %q", tt.in, got, err, tt.text, tt.err)
		}
	}
}

func TestFindBadText(t *testing.T) {
	got := FindBadText([]byte("ok\x1b[31m \xff \u2069 fine"), 10)
	want := []BadText{
		{2, "contains the control character U+001B; remove it (it is often pasted in from other programs)"},
		{8, "holds the byte 0xFF, which is not UTF-8; save the file as UTF-8 text"},
		{10, "contains the bidirectional isolate U+2069; it can disguise text: remove it"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("%d: got %+v, want %+v", i, got[i], want[i])
		}
	}
	if n := len(FindBadText([]byte(strings.Repeat("\x01", 50)), 10)); n != 10 {
		t.Errorf("limit: %d found", n)
	}
}

func TestUnknownKeyAndChecks(t *testing.T) {
	if got, want := UnknownKey("tilte", []string{"title", "date"}, "keys"), `unknown key "tilte" (did you mean "title"?); keys are title, date`; got != want {
		t.Errorf("got %s", got)
	}
	if got := Suggest("zzzz", []string{"title"}); got != "" {
		t.Errorf("a far name got a suggestion: %s", got)
	}
	for _, u := range []string{"javascript:alert(1)", "/relative", "ftp://x/", "https://"} {
		if CheckURL(u) == nil {
			t.Errorf("CheckURL(%q) accepted", u)
		}
	}
	if err := CheckURL("https://example.org/a?b"); err != nil {
		t.Error(err)
	}
	for id, ok := range map[string]bool{"hashprice": true, "a-b_c9": true, "../x": false, "Hash": false, "": false, "-a": false} {
		if ValidID(id) != ok {
			t.Errorf("ValidID(%q) = %v", id, !ok)
		}
	}
}

// TestQuote: text quoted in a message is cut after diag.MaxQuote characters (not
// bytes: a character is never split), in the message helpers too.
func TestQuote(t *testing.T) {
	long := strings.Repeat("é", diag.MaxQuote) + "and more"
	cut := strings.Repeat("é", diag.MaxQuote) + "…"
	tests := []struct{ got, want string }{
		{diag.Cut("short"), "short"},
		{diag.Quote("tab\there"), `"tab\there"`},
		{diag.Quote(strings.Repeat("x", diag.MaxQuote)), `"` + strings.Repeat("x", diag.MaxQuote) + `"`},
		{diag.Cut(long), cut},
		{diag.Quote(long), `"` + cut + `"`},
		{Describe(long), `string "` + cut + `"`},
		{StringValue(long).Describe(), `string "` + cut + `"`},
		{UnknownKey(long, []string{"a"}, "keys"), `unknown key "` + cut + `"; keys are a`},
		{CheckURL("ftp://" + long).Error(), `want an absolute http:// or https:// URL, got "ftp://` + strings.Repeat("é", diag.MaxQuote-6) + `…"`},
		{Suggest(strings.Repeat("x", 100_000), []string{"x"}), ""},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got  %q\nwant %q", tt.got, tt.want)
		}
	}
}

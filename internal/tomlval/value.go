// Package tomlval is what every TOML input shares below dataset and
// content: typed values (the cells of datasets, the filter values of
// blocks), the checks on text, URLs and ids, and the wording of type and
// unknown-key errors, so that the same mistake reads the same everywhere.
package tomlval

import (
	"cmp"
	"fmt"
	"math"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/brief-desk/brief/internal/diag"
)

// Type is the type of a cell or a column.
type Type uint8

// The cell types. Integers and floats are both Number.
const (
	Empty Type = iota
	Number
	String
	Bool
	Date
)

// Noun names the type for messages: "a number", "a date".
func (t Type) Noun() string {
	switch t {
	case Number:
		return "a number"
	case String:
		return "a string"
	case Bool:
		return "a boolean"
	case Date:
		return "a date"
	}
	return "an empty cell"
}

func (t Type) String() string {
	switch t {
	case Number:
		return "number"
	case String:
		return "string"
	case Bool:
		return "boolean"
	case Date:
		return "date"
	}
	return "empty"
}

// Value is one typed cell, 32 bytes: a dataset of a million cells costs 32 MB.
// Dates are civil dates kept as whole days since 1970-01-01 in Num, so no
// timezone ever changes them; Date returns them as UTC midnight.
type Value struct {
	Str  string
	Num  float64 // the number, or for a date the days since 1970-01-01
	Type Type
	Int  bool // the number was written as an integer
	Bool bool
}

const secondsPerDay = 86400

// Date returns a date value as UTC midnight of its day.
func (v Value) Date() time.Time {
	return time.Unix(int64(v.Num)*secondsPerDay, 0).UTC()
}

// NumberValue, StringValue, DateValue and BoolValue make values.
// Negative zero (-0.0 in TOML) becomes zero: it means the same, and it
// would print as "-0" from one path and "0" from another (gob, which the
// build cache uses, does not keep the sign of zero).
func NumberValue(f float64) Value {
	if f == 0 {
		f = 0
	}
	return Value{Type: Number, Num: f}
}

// IntValue makes a number written as an integer.
func IntValue(i int64) Value { return Value{Type: Number, Num: float64(i), Int: true} }

// StringValue makes a string value.
func StringValue(s string) Value { return Value{Type: String, Str: s} }

// BoolValue makes a boolean value.
func BoolValue(b bool) Value { return Value{Type: Bool, Bool: b} }

// DateValue makes a date value from the calendar date of t, whatever its zone.
func DateValue(t time.Time) Value {
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	return Value{Type: Date, Num: float64(day.Unix() / secondsPerDay)}
}

// IsEmpty reports whether the cell is missing.
func (v Value) IsEmpty() bool { return v.Type == Empty }

// Compare orders two values of the same type; empty cells sort after every
// value. Values of different types order by type.
func (v Value) Compare(w Value) int {
	if v.Type != w.Type {
		if v.Type == Empty {
			return 1
		}
		if w.Type == Empty {
			return -1
		}
		return cmp.Compare(v.Type, w.Type)
	}
	switch v.Type {
	case Number, Date:
		return cmp.Compare(v.Num, w.Num)
	case String:
		return cmp.Compare(v.Str, w.Str)
	case Bool:
		switch {
		case v.Bool == w.Bool:
			return 0
		case !v.Bool:
			return -1
		}
		return 1
	}
	return 0
}

// Equal reports whether two values are the same; 5 and 5.0 are equal.
func (v Value) Equal(w Value) bool { return v.Type == w.Type && v.Compare(w) == 0 }

// Literal renders the value as TOML would write it, for messages.
func (v Value) Literal() string {
	switch v.Type {
	case Number:
		if v.Int {
			return strconv.FormatInt(int64(v.Num), 10)
		}
		return strconv.FormatFloat(v.Num, 'g', -1, 64)
	case String:
		return strconv.Quote(v.Str)
	case Bool:
		return strconv.FormatBool(v.Bool)
	case Date:
		return v.Date().Format(time.DateOnly)
	}
	return "empty"
}

// Describe renders "string \"fifty\"" for messages, a long string cut
// (Quote).
func (v Value) Describe() string {
	if v.Type == String {
		return v.Type.String() + " " + diag.Quote(v.Str)
	}
	return v.Type.String() + " " + v.Literal()
}

// CheckText refuses characters that have no business in published text:
// control characters other than tab and line breaks (they are invalid in
// XML and invisible on a page), and the bidirectional embeddings, overrides
// and isolates U+202A to U+202E and U+2066 to U+2069, which can make text
// read differently from what it says ("Trojan Source"). Right-to-left and
// left-to-right marks are fine.
func CheckText(s string) error {
	for i, r := range s {
		if msg := badRune(r); msg != "" {
			return fmt.Errorf("contains %s at byte %d; %s", msg, i, fixFor(r))
		}
	}
	return nil
}

// BadText is a character CheckText would refuse, found in a longer text.
type BadText struct {
	Offset int    // byte offset in the text
	Msg    string // what it is and what to do
}

// FindBadText finds, in text that is not TOML (a briefing's markdown),
// what CheckText refuses and bytes that are not UTF-8, at most limit of
// them.
func FindBadText(b []byte, limit int) []BadText {
	var out []BadText
	for i := 0; i < len(b) && len(out) < limit; {
		// Printable ASCII, and tab and line ends, are always fine: the
		// common case, without decoding.
		if c := b[i]; c >= 0x20 && c < 0x7f || c == '\n' || c == '\t' || c == '\r' {
			i++
			continue
		}
		r, n := utf8.DecodeRune(b[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			out = append(out, BadText{i, fmt.Sprintf("holds the byte 0x%02X, which is not UTF-8; save the file as UTF-8 text", b[i])})
		default:
			if msg := badRune(r); msg != "" {
				out = append(out, BadText{i, "contains " + msg + "; " + fixFor(r)})
			}
		}
		i += n
	}
	return out
}

// badRune describes a character published text must not hold, or is "".
func badRune(r rune) string {
	switch {
	case r == '\t' || r == '\n' || r == '\r':
	case r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f):
		return fmt.Sprintf("the control character U+%04X", r)
	case r >= 0x202a && r <= 0x202e:
		return fmt.Sprintf("the bidirectional override U+%04X", r)
	case r >= 0x2066 && r <= 0x2069:
		return fmt.Sprintf("the bidirectional isolate U+%04X", r)
	case r == 0xfffd:
		return "U+FFFD"
	}
	return ""
}

func fixFor(r rune) string {
	switch {
	case r == 0xfffd:
		return "it marks text that was not valid UTF-8: fix the text where it was copied from"
	case r >= 0x202a:
		return "it can disguise text: remove it"
	}
	return "remove it (it is often pasted in from other programs)"
}

// maxExactInt is the largest integer a float64 holds exactly.
const maxExactInt = 1 << 53

// FromTOML converts a value decoded by BurntSushi/toml to a cell. It refuses
// what a cell cannot hold: arrays, tables, date-times, NaN and infinities, and
// integers too large to keep exactly.
func FromTOML(x any) (Value, error) {
	switch x := x.(type) {
	case string:
		if err := CheckText(x); err != nil {
			return Value{}, err
		}
		return StringValue(x), nil
	case int64:
		if x > maxExactInt || x < -maxExactInt {
			return Value{}, fmt.Errorf("integer %d is too large to keep exactly; write it as a float or in larger units", x)
		}
		return IntValue(x), nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return Value{}, fmt.Errorf("%v is not a finite number; leave the cell out to mark it missing", x)
		}
		return NumberValue(x), nil
	case bool:
		return BoolValue(x), nil
	case time.Time:
		if x.Location().String() != "date-local" {
			return Value{}, fmt.Errorf("want a date such as 2026-01-02, got the date-time %s", x.Format(time.RFC3339))
		}
		return DateValue(x), nil
	case []any, []map[string]any:
		return Value{}, fmt.Errorf("a cell holds one value, got an array")
	case map[string]any:
		return Value{}, fmt.Errorf("a cell holds one value, got a table")
	}
	return Value{}, fmt.Errorf("unsupported value %v", x)
}

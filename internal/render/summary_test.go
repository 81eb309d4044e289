package render

import (
	"reflect"
	"testing"
	"time"
)

// TestSummaryHashCoversEveryField changes each field of a briefing summary
// in turn and checks that its hash changes: a field a template can show but
// the hash misses would let the cache serve a stale page.
func TestSummaryHashCoversEveryField(t *testing.T) {
	base := func() *briefingInfo {
		return &briefingInfo{
			Slug: "s", Title: "t", Summary: "u", Date: time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC),
			Path: "briefings/s/index.html", URL: "https://example.org/briefings/s/", Minutes: 3,
			Tags:     []*tagInfo{{Name: "Miners", Slug: "miners", Path: "tags/miners/index.html"}},
			Sources:  []sourceInfo{{ID: "d", Title: "D", Source: "S", URL: "https://x/", Description: "desc", Notes: "n"}},
			Workbook: &download{Path: "briefings/s/s.xlsx", Size: "16 KB"},
			PDF:      &download{Path: "briefings/s/s.pdf", Size: "200 KB"},
		}
	}
	skip := map[string]bool{"Body": true, "Newer": true, "Older": true} // not in a summary
	want := summaryHash(base(), nil)
	typ := reflect.TypeFor[briefingInfo]()
	for i := range typ.NumField() {
		f := typ.Field(i)
		if skip[f.Name] {
			continue
		}
		// Every field, and every field of what it points to or lists; a
		// pointer may also be nil.
		muts := mutations(f.Type)
		if f.Type.Kind() == reflect.Pointer {
			muts = append(muts, func(v reflect.Value) { v.SetZero() })
		}
		for _, mutate := range muts {
			b := base()
			mutate(reflect.ValueOf(b).Elem().Field(i))
			if summaryHash(b, nil) == want {
				t.Errorf("changing %s does not change the summary's hash", f.Name)
			}
		}
	}
}

// mutations returns functions that each change one part of a value of type typ.
func mutations(typ reflect.Type) []func(reflect.Value) {
	switch typ.Kind() {
	case reflect.String:
		return []func(reflect.Value){func(v reflect.Value) { v.SetString(v.String() + "x") }}
	case reflect.Int:
		return []func(reflect.Value){func(v reflect.Value) { v.SetInt(v.Int() + 1) }}
	case reflect.Bool:
		return []func(reflect.Value){func(v reflect.Value) { v.SetBool(!v.Bool()) }}
	case reflect.Pointer:
		var out []func(reflect.Value)
		for _, m := range mutations(typ.Elem()) {
			out = append(out, func(v reflect.Value) {
				c := reflect.New(typ.Elem())
				c.Elem().Set(v.Elem())
				m(c.Elem())
				v.Set(c)
			})
		}
		return out
	case reflect.Slice:
		var out []func(reflect.Value)
		for _, m := range mutations(typ.Elem()) {
			out = append(out, func(v reflect.Value) {
				c := reflect.MakeSlice(typ, v.Len(), v.Len())
				reflect.Copy(c, v)
				m(c.Index(0))
				v.Set(c)
			})
		}
		return append(out, func(v reflect.Value) { v.Set(reflect.Append(v, v.Index(0))) })
	case reflect.Struct:
		if typ == reflect.TypeFor[time.Time]() {
			return []func(reflect.Value){func(v reflect.Value) { v.Set(reflect.ValueOf(v.Interface().(time.Time).AddDate(0, 0, 1))) }}
		}
		var out []func(reflect.Value)
		for i := range typ.NumField() {
			if typ.Field(i).Name == "Briefings" {
				continue // a summary's tags list no briefings
			}
			for _, m := range mutations(typ.Field(i).Type) {
				out = append(out, func(v reflect.Value) { m(v.Field(i)) })
			}
		}
		return out
	}
	panic("no mutation for " + typ.String())
}

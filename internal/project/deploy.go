package project

import (
	"maps"
	"math"
	"slices"

	"github.com/brief-desk/brief/internal/diag"
	"github.com/brief-desk/brief/internal/tomlval"
)

// Deploy is site.toml's [deploy] table: where brief deploy uploads the
// site. It holds no credentials: those come from the storage service's
// environment variables.
type Deploy struct {
	URL        string // a gocloud.dev bucket URL
	MaxDeletes int    // a deploy that would delete more objects is refused
}

// DefaultMaxDeletes is max_deletes when site.toml does not set it.
const DefaultMaxDeletes = 256

var deployKeys = []string{"max_deletes", "url"}

func decodeDeploy(st *Settings, errs *diag.List) Deploy {
	d := Deploy{MaxDeletes: DefaultMaxDeletes}
	t, ok := st.Value("deploy").(map[string]any)
	if !ok {
		errs.Addf(st.At("deploy"), "deploy: want a table [deploy] with url and max_deletes, got %s", tomlval.Describe(st.Value("deploy")))
		return d
	}
	for _, k := range slices.Sorted(maps.Keys(t)) {
		at := st.At("deploy." + k)
		switch k {
		case "url":
			s, err := tomlval.Text(t[k])
			if err != nil {
				errs.Addf(at, "deploy.url: %v", err)
			}
			d.URL = s
		case "max_deletes":
			n, ok := t[k].(int64)
			if !ok || n < 0 || n > math.MaxInt32 {
				errs.Addf(at, "deploy.max_deletes: want a whole number, 0 or more, got %s", tomlval.Describe(t[k]))
				continue
			}
			d.MaxDeletes = int(n)
		default:
			errs.Addf(st.KeyAt("deploy."+k), "deploy: %s", tomlval.UnknownKey(k, deployKeys, "[deploy] keys"))
		}
	}
	return d
}

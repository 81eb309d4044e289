package project

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/brief-desk/brief/internal/diag"
	"github.com/brief-desk/brief/templates"
)

// EChartsVersion is the ECharts release the chart options target, pinned in
// package.json.
const EChartsVersion = "5.6.0"

// EChartsOverride is where, under templates/, a project may put its own copy
// of ECharts.
const EChartsOverride = "assets/echarts.min.js"

// ECharts is the script that pages with charts load: a URL, or the bytes of
// a copy to self-host, with the license text that goes beside it. All are
// empty in a project without charts.
type ECharts struct {
	Href    string // absolute URL from site.toml's echarts_url
	Data    []byte
	License []byte // the built-in bundle's licenses; empty for another copy
}

// resolveECharts finds the ECharts script that pages with charts load. In
// order: site.toml's echarts_url; the project's templates/assets/echarts.min.js;
// the file named by Options.ECharts (the CLI passes $BRIEF_ECHARTS); the
// bundle built into brief (templates/assets/echarts.min.js, made by
// `make echarts`). A project without chart blocks needs none of them.
func resolveECharts(fsys fs.FS, opts Options, c *Config, chart *diag.Pos) (ECharts, error) {
	if chart == nil {
		return ECharts{}, nil
	}
	if c.EChartsURL != "" {
		return ECharts{Href: c.EChartsURL}, nil
	}
	data, err := fs.ReadFile(fsys, "templates/"+EChartsOverride)
	switch {
	case err == nil:
	case !errors.Is(err, fs.ErrNotExist):
		return ECharts{}, diag.Errorf(diag.Pos{File: "templates/" + EChartsOverride}, "cannot read: %v", err)
	case opts.ECharts != "":
		if data, err = readRegular(opts.ECharts); err != nil {
			return ECharts{}, diag.Errorf(*chart, "chart block: cannot read ECharts from BRIEF_ECHARTS: %v", err)
		}
	default:
		data, _ = fs.ReadFile(templates.FS, EChartsOverride)
		license, _ := fs.ReadFile(templates.FS, EChartsLicense)
		return ECharts{Data: data, License: license}, nil
	}
	if !bytes.Contains(data, []byte("echarts")) {
		return ECharts{}, diag.Errorf(*chart, "chart block: the ECharts file found does not look like echarts.min.js")
	}
	return ECharts{Data: data}, nil
}

// EChartsLicense is the licenses of the built-in bundle, under templates/.
const EChartsLicense = "assets/echarts.LICENSE.txt"

// readRegular reads a file named outside the project (BRIEF_ECHARTS), which
// must be a regular file: never a pipe or a device.
func readRegular(name string) ([]byte, error) {
	st, err := os.Stat(name)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", name)
	}
	return os.ReadFile(name)
}

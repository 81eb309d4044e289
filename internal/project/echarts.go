package project

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/brief-desk/brief/internal/content"
	"github.com/brief-desk/brief/internal/diag"
)

// EChartsVersion is the ECharts release the chart options target, pinned in
// package.json.
const EChartsVersion = "5.6.0"

// EChartsOverride is where, under templates/, a project may put its own copy
// of ECharts.
const EChartsOverride = "assets/echarts.min.js"

// ECharts is the script that pages with charts load: a URL, or the bytes of
// a copy to self-host. Both are empty in a project without charts.
type ECharts struct {
	Href string // absolute URL from site.toml's echarts_url
	Data []byte
}

// resolveECharts finds the ECharts script that pages with charts load. In
// order: site.toml's echarts_url; the project's templates/assets/echarts.min.js;
// the file named by Options.ECharts (the CLI passes $BRIEF_ECHARTS); the
// project's node_modules/echarts/dist/echarts.min.js, as `npm ci` installs it.
// A project without chart blocks needs none of them.
func resolveECharts(fsys fs.FS, opts Options, c *Config, chart *content.Block) (ECharts, error) {
	if chart == nil {
		return ECharts{}, nil
	}
	if c.EChartsURL != "" {
		return ECharts{Href: c.EChartsURL}, nil
	}
	data, err := fs.ReadFile(fsys, "templates/"+EChartsOverride)
	if errors.Is(err, fs.ErrNotExist) && opts.ECharts != "" {
		data, err = readRegular(opts.ECharts)
		if err != nil {
			return ECharts{}, diag.Errorf(chart.Pos, "chart block: cannot read ECharts from BRIEF_ECHARTS: %v", err)
		}
	}
	if errors.Is(err, fs.ErrNotExist) {
		data, err = fs.ReadFile(fsys, "node_modules/echarts/dist/echarts.min.js")
	}
	if err != nil {
		return ECharts{}, diag.Errorf(chart.Pos,
			"chart block: ECharts %s is not available to copy into the site: run `npm install echarts@%s` (or `npm ci`) in the project folder, set BRIEF_ECHARTS to the path of echarts.min.js, or set echarts_url in site.toml",
			EChartsVersion, EChartsVersion)
	}
	if !bytes.Contains(data, []byte("echarts")) {
		return ECharts{}, diag.Errorf(chart.Pos, "chart block: the ECharts file found does not look like echarts.min.js")
	}
	return ECharts{Data: data}, nil
}

// firstChart returns the first chart block of any briefing, or nil.
func firstChart(all []*content.Briefing) *content.Block {
	for _, b := range all {
		for _, blk := range b.Blocks {
			if blk.Kind == content.KindChart {
				return blk
			}
		}
	}
	return nil
}

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

package main

import (
	"context"
	"os"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/brief-desk/brief/internal/cli"
	"github.com/brief-desk/brief/internal/sitetest"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"brief": func() {
			os.Exit(cli.ExitCode(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr)))
		},
	})
}

// TestScripts runs the CLI scripts in testdata/script: every command, flag,
// exit status and error path a user can reach.
func TestScripts(t *testing.T) {
	echarts := sitetest.ECharts(t)
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			env.Setenv("SOURCE_DATE_EPOCH", "")
			env.Setenv("BRIEF_ECHARTS", echarts)
			return nil
		},
	})
}

// Package templates holds brief's built-in page layouts and assets, embedded in
// the binary so that it builds a project that has no templates/ folder. A
// project overrides any of them with a file of the same name in its own
// templates/ folder.
package templates

import "embed"

// FS holds the *.html layouts and the assets/ folder.
//
//go:embed *.html assets
var FS embed.FS

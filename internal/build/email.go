package build

import (
	"errors"
	"fmt"

	"github.com/brief-desk/brief/internal/render"
)

// ErrNoBriefing is Email's error for a slug that the last good build has
// no briefing of.
var ErrNoBriefing = errors.New("no such briefing")

// Email makes the email of the briefing slug of the last good build, as
// brief mail makes it with the same options: the same HTML, charts and
// workbook. Like Build, it must not run beside another call of the engine
// (it renders the briefing's shared markdown tree with the email's styles).
func (e *Engine) Email(slug string) (*render.Email, error) {
	if e.last == nil {
		return nil, errors.New("the site has not built yet: fix the errors shown and save")
	}
	for _, b := range e.last.Briefings {
		if b.Slug == slug {
			// The workbook the last build made (a briefing without one has
			// none), not a plan and a workbook made again for every view.
			return render.NewEmailWith(e.last, b, e.lastFiles["briefings/"+b.Slug+"/"+b.Slug+".xlsx"])
		}
	}
	return nil, fmt.Errorf("%q: %w", slug, ErrNoBriefing)
}

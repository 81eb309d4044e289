package sitetest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestStartedAs: an API on the port that names another database is not
// taken for the Mailpit started (it holds the port; ours stops), one that
// names ours is.
func TestStartedAs(t *testing.T) {
	for _, tc := range []struct{ serves, want string }{
		{"/tmp/a/mail.db", "up"},
		{"/tmp/b/mail.db", "exited"},
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprintf(w, `{"Version":"dev","Database":%q}`, tc.serves)
		}))
		exited := make(chan struct{})
		time.AfterFunc(500*time.Millisecond, func() { close(exited) })
		if got := startedAs(strings.TrimPrefix(srv.URL, "http://"), "/tmp/a/mail.db", exited); got != tc.want {
			t.Errorf("API naming %s: %s, want %s", tc.serves, got, tc.want)
		}
		srv.Close()
	}
}

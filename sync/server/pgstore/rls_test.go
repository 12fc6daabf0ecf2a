package pgstore

import (
	"fmt"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

// The territory rule in PostgreSQL: the database role tied to Tournus's
// editor may change hydrants in Tournus (and 5 m past its boundary), not
// in Uchizy — PostgreSQL itself refuses the UPDATE, the DELETE, the INSERT
// and the move — while the GIS technician's role, tied to no user, edits
// anywhere. The Tournus role's edits are attributed to its user.
func TestTerritoryRuleInPostgreSQL(t *testing.T) {
	t.Parallel()
	p := newCapPlatform(t)
	inTournus := p.seed("PEI-T", orb.Point{4.90, 46.55}, 60)
	inUchizy := p.seed("PEI-U", orb.Point{5.00, 46.55}, 60)
	agent := "agent_tournus_" + p.suffx
	created, err := p.st.TieRole(p.ctx, "tournus", agent)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.dropRole(agent) })
	if !created {
		t.Fatalf("role %s not reported created", agent)
	}
	if n := p.count(`SELECT count(*) FROM pg_roles WHERE rolname = $1 AND NOT rolcanlogin`, agent); n != 1 {
		t.Fatalf("role %s is not there, NOLOGIN", agent)
	}
	// The administrator lets it log in (Terrimap never handles passwords).
	p.exec(`ALTER ROLE ` + agent + ` LOGIN`)

	// 1 m of longitude at 46.5°N is about 1/76,600 of a degree: Tournus's
	// boundary is 4.85°E on its west.
	metre := 1 / 76600.0
	point := func(lon float64) string {
		return fmt.Sprintf("ST_SetSRID(ST_MakePoint(%.8f, 46.55), 4326)", lon)
	}
	for _, tc := range []struct {
		name, role, sql string
		refused         bool
	}{
		{"update in Uchizy", agent, `UPDATE reseaux.pei SET debit = 1 WHERE uuid = '` + inUchizy + `'`, true},
		{"delete in Uchizy", agent, `DELETE FROM reseaux.pei WHERE uuid = '` + inUchizy + `'`, true},
		{"insert in Uchizy", agent, `INSERT INTO reseaux.pei (numero, type_pei, geom) VALUES ('X', 'PI', ` + point(5.0) + `)`, true},
		{"move into Uchizy", agent, `UPDATE reseaux.pei SET geom = ` + point(5.0) + ` WHERE uuid = '` + inTournus + `'`, true},
		{"insert 8 m outside", agent, `INSERT INTO reseaux.pei (numero, type_pei, geom) VALUES ('X', 'PI', ` + point(4.85-8*metre) + `)`, true},
		{"insert 3 m outside", agent, `INSERT INTO reseaux.pei (numero, type_pei, geom) VALUES ('PEI-bord', 'PI', ` + point(4.85-3*metre) + `)`, false},
		{"update in Tournus", agent, `UPDATE reseaux.pei SET debit = 70 WHERE uuid = '` + inTournus + `'`, false},
		{"technician in Uchizy", p.sig, `UPDATE reseaux.pei SET debit = 80 WHERE uuid = '` + inUchizy + `'`, false},
	} {
		out, err := p.psql(tc.role, tc.sql)
		switch {
		case tc.refused && err == nil:
			t.Errorf("%s: PostgreSQL let it through: %s", tc.name, out)
		case tc.refused && !strings.Contains(out, "territoire") && !strings.Contains(out, "row-level security"):
			t.Errorf("%s: refused for another reason: %s", tc.name, out)
		case !tc.refused && err != nil:
			t.Errorf("%s: refused: %v %s", tc.name, err, out)
		}
	}
	st := p.capture()
	if st.Versions != 3 {
		t.Fatalf("capture: %+v, want the 3 allowed edits", st)
	}
	if h := p.history(inTournus); h[len(h)-1].Author != "tournus" || p.dbRoleOf(inTournus, 2) != agent {
		t.Errorf("the agent's edit: author %q, role %q; want the user tournus and the role", h[len(h)-1].Author, p.dbRoleOf(inTournus, 2))
	}
	if h := p.history(inUchizy); h[len(h)-1].Author != "db:"+p.sig || p.feature(inUchizy).Properties["debit"] != 80.0 {
		t.Errorf("the technician's edit in Uchizy: %+v", h)
	}
	// Removing the user does not free the role: it may change nothing.
	if err := p.st.RemoveUser(p.ctx, "tournus"); err != nil {
		t.Fatal(err)
	}
	if out, err := p.psql(agent, `UPDATE reseaux.pei SET debit = 71 WHERE uuid = '`+inTournus+`'`); err == nil {
		t.Errorf("the role of a removed user still edits: %s", out)
	}
	// A viewer's role edits nothing.
	viewer := "elu_" + p.suffx
	if _, err := p.st.TieRole(p.ctx, "elu", viewer); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.dropRole(viewer) })
	p.exec(`ALTER ROLE ` + viewer + ` LOGIN`)
	if out, err := p.psql(viewer, `SELECT count(*) FROM reseaux.pei`); err != nil {
		t.Errorf("viewer cannot read: %v %s", err, out)
	}
	if out, err := p.psql(viewer, `UPDATE reseaux.pei SET debit = 2 WHERE uuid = '`+inTournus+`'`); err == nil {
		t.Errorf("viewer's update let through: %s", out)
	}
}

// Tying a role twice, a bad name, an unknown user: clear errors, nothing
// changed.
func TestTieRoleRefusals(t *testing.T) {
	t.Parallel()
	p := newCapPlatform(t)
	role := "agent_" + p.suffx
	if _, err := p.st.TieRole(p.ctx, "tournus", role); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.dropRole(role) })
	for _, tc := range []struct{ user, role, want string }{
		{"admin", role, "already tied"},
		{"tournus", "Agent; DROP TABLE x", "not a database role name"},
		{"personne", "agent2_" + p.suffx, "no user personne"},
	} {
		if _, err := p.st.TieRole(p.ctx, tc.user, tc.role); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("TieRole(%s, %s): %v, want %q", tc.user, tc.role, err, tc.want)
		}
	}
	if n := p.count(`SELECT count(*) FROM pg_roles WHERE rolname = $1`, "agent2_"+p.suffx); n != 0 {
		p.dropRole("agent2_" + p.suffx)
		t.Errorf("a role was created for an unknown user")
	}
}

// A role cannot pass itself off as the platform: setting terrimap.writer
// to "platform" neither lifts the territory rule of a tied role nor hides
// a technician's edit from the capture. Only the role owning the
// platform's schema is the platform.
func TestPlatformMarkerIsNotForOtherRoles(t *testing.T) {
	t.Parallel()
	p := newCapPlatform(t)
	inUchizy := p.seed("PEI-U", orb.Point{5.00, 46.55}, 60)
	agent := "agent_tournus_" + p.suffx
	if _, err := p.st.TieRole(p.ctx, "tournus", agent); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.dropRole(agent) })
	p.exec(`ALTER ROLE ` + agent + ` LOGIN`)
	out, err := p.psql(agent, `SET terrimap.writer = 'platform'; DELETE FROM reseaux.pei WHERE uuid = '`+inUchizy+`'`)
	if err == nil {
		t.Fatalf("the Tournus role deleted an Uchizy hydrant by calling itself the platform:\n%s", out)
	}
	if f := p.feature(inUchizy); !f.Exists {
		t.Fatal("the Uchizy hydrant is gone from the platform")
	}
	p.mustPsql(p.sig, `SET terrimap.writer = 'platform'; UPDATE reseaux.pei SET debit = 33 WHERE uuid = '`+inUchizy+`'`)
	if st := p.capture(); st.Versions != 1 {
		t.Errorf("the technician's edit under the platform's marker: %+v, want it captured as a version", st)
	}
	if f := p.feature(inUchizy); f.Properties["debit"] != 33.0 {
		t.Errorf("the platform's debit is %v, want the technician's 33", f.Properties["debit"])
	}
}

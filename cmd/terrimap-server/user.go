package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"terrimap/sync/protocol"
	"terrimap/sync/server"
)

// userCommands are the subcommands of terrimap-server user.
var userCommands = map[string]func(ctx context.Context, args []string, e env) error{
	"add":    runUserAdd,
	"list":   runUserList,
	"remove": runUserRemove,
	"revoke": runUserRevoke,
}

func runUser(ctx context.Context, args []string, e env) error {
	if len(args) == 0 || userCommands[args[0]] == nil {
		return fmt.Errorf("%w: user add, list, remove or revoke", errUsage)
	}
	return userCommands[args[0]](ctx, args[1:], e)
}

// runUserAdd creates a user, or gives an existing one a new password and
// role (which signs every desk of theirs out).
func runUserAdd(ctx context.Context, args []string, e env) error {
	fs := flags("user add")
	db := fs.String("db", "", dbUsage)
	org := fs.String("org", "", "organisation: a commune's INSEE code, or ccmt")
	role := fs.String("role", "", "viewer, editor or admin")
	dbRole := fs.String("db-role", "", "PostgreSQL only: a database role whose direct edits are this user's, held to the user's territory (created NOLOGIN when missing)")
	rest, err := parse(fs, args)
	if err != nil {
		return err
	}
	for _, f := range [][2]string{{*db, "db"}, {*org, "org"}, {*role, "role"}} {
		if err := need(f[0], f[1]); err != nil {
			return err
		}
	}
	if len(rest) != 1 {
		return fmt.Errorf("%w: give one user name", errUsage)
	}
	line, err := bufio.NewReader(e.stdin).ReadString('\n')
	password := strings.TrimRight(line, "\r\n")
	if password == "" {
		return fmt.Errorf("no password on standard input (echo 'password' | terrimap-server user add …): %v", err)
	}
	if *dbRole != "" && !isPostgres(*db) {
		return fmt.Errorf("--db-role: %w", errNeedsPostgres)
	}
	st, err := openPlatform(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	_, err = st.User(ctx, rest[0])
	existed := err == nil
	if err := server.AddUser(ctx, st, rest[0], password, *org, protocol.Role(*role)); err != nil {
		return err
	}
	if existed {
		fmt.Fprintf(e.stdout, "User %s updated: %s of %s; their desks must sign in again.\n", rest[0], *role, *org)
	} else {
		fmt.Fprintf(e.stdout, "User %s added: %s of %s.\n", rest[0], *role, *org)
	}
	if *dbRole != "" {
		return tieRole(ctx, st, rest[0], *dbRole, e)
	}
	return nil
}

// runUserList prints every user: roles, desks signed in, last sign-in.
func runUserList(ctx context.Context, args []string, e env) error {
	st, _, err := openForUsers(ctx, args, "user list", false)
	if err != nil {
		return err
	}
	defer st.Close()
	users, err := st.Users(ctx, time.Now())
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tROLES\tTOKENS\tLAST LOGIN")
	for _, u := range users {
		roles := make([]string, len(u.Memberships))
		for i, m := range u.Memberships {
			roles[i] = fmt.Sprintf("%s of %s (%s)", m.Role, m.Org, m.OrgName)
		}
		last := "never"
		if !u.LastLogin.IsZero() {
			last = u.LastLogin.Local().Format("2006-01-02 15:04")
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\n", u.Name, strings.Join(roles, ", "), u.Tokens, last)
	}
	return tw.Flush()
}

// runUserRemove deletes a user and their tokens; their edits keep their name.
func runUserRemove(ctx context.Context, args []string, e env) error {
	st, name, err := openForUsers(ctx, args, "user remove", true)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.RemoveUser(ctx, name); err != nil {
		return unknownUser(err, name)
	}
	fmt.Fprintf(e.stdout, "User %s removed; the history keeps their name on their edits.\n", name)
	return nil
}

// runUserRevoke signs every desk of a user out.
func runUserRevoke(ctx context.Context, args []string, e env) error {
	st, name, err := openForUsers(ctx, args, "user revoke", true)
	if err != nil {
		return err
	}
	defer st.Close()
	if _, err := st.User(ctx, name); err != nil {
		return unknownUser(err, name)
	}
	n, err := st.RevokeTokens(ctx, name)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%d token(s) of %s revoked: each desk must sign in again.\n", n, name)
	return nil
}

// openForUsers reads --db and, when named is true, one user name, and
// opens the platform.
func openForUsers(ctx context.Context, args []string, command string, named bool) (platform, string, error) {
	fs := flags(command)
	db := fs.String("db", "", dbUsage)
	rest, err := parse(fs, args)
	if err != nil {
		return nil, "", err
	}
	if err := need(*db, "db"); err != nil {
		return nil, "", err
	}
	switch {
	case named && len(rest) != 1:
		return nil, "", fmt.Errorf("%w: give one user name", errUsage)
	case !named && len(rest) != 0:
		return nil, "", fmt.Errorf("%w: unexpected argument %q", errUsage, rest[0])
	}
	st, err := openPlatform(ctx, *db)
	if err != nil {
		return nil, "", err
	}
	name := ""
	if named {
		name = rest[0]
	}
	return st, name, nil
}

func unknownUser(err error, name string) error {
	if errors.Is(err, server.ErrNotFound) {
		return fmt.Errorf("no user %q on this platform (terrimap-server user list)", name)
	}
	return err
}

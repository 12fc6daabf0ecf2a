package main

import (
	"bufio"
	"context"
	"fmt"
	"strings"

	"terrimap/sync/protocol"
	"terrimap/sync/server"
)

func runUser(ctx context.Context, args []string, e env) error {
	if len(args) == 0 || args[0] != "add" {
		return fmt.Errorf("%w: the only user command is add", errUsage)
	}
	fs := flags("user add")
	db := fs.String("db", "", "platform database")
	org := fs.String("org", "", "organisation: a commune's INSEE code, or ccmt")
	role := fs.String("role", "", "viewer, editor or admin")
	rest, err := parse(fs, args[1:])
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
	st, err := server.OpenSQLite(*db)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := server.AddUser(ctx, st, rest[0], password, *org, protocol.Role(*role)); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "User %s added: %s of %s.\n", rest[0], *role, *org)
	return nil
}

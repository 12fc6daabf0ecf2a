package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"terrimap/sync/server"
	"terrimap/sync/server/basemap"
	"terrimap/sync/server/demo"
	"terrimap/sync/server/demoseed"
)

// demoUser is the demo account the desktop signs in with: the Tournus
// editor, who may edit the networks of Tournus and see everything else.
const demoUser = "tournus"

// startDemo runs a demonstration platform inside this process, on the
// loopback interface, seeded once with the demo territory in the user's
// configuration folder; it returns its address and the demo editor's
// credentials. The app calls it for "Try the demonstration".
func startDemo(ctx context.Context) (url, user, password string, err error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		dir = os.TempDir()
	}
	dir = filepath.Join(dir, "terrimap", "demo")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", "", "", err
	}
	db := filepath.Join(dir, "platform.gpkg")
	creds := filepath.Join(dir, "credentials.txt")
	password, err = readCredential(creds, demoUser)
	if err != nil {
		os.Remove(db)
		os.RemoveAll(db + ".blobs")
		if password, err = seedDemo(ctx, db, creds); err != nil {
			return "", "", "", err
		}
	}
	st, err := server.OpenSQLite(db)
	if err != nil {
		return "", "", "", err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		st.Close()
		return "", "", "", err
	}
	srv := &http.Server{Handler: server.New(st, server.Options{Basemap: basemap.New(st)}), ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln) // for the life of the app; the file stays consistent if it is killed
	return "http://" + ln.Addr().String(), demoUser, password, nil
}

func seedDemo(ctx context.Context, db, creds string) (string, error) {
	st, err := server.OpenSQLite(db)
	if err != nil {
		return "", err
	}
	users, err := demoseed.Seed(ctx, st, demo.GenerateOptions{}, nil)
	if cerr := st.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", err
	}
	var b strings.Builder
	password := ""
	for _, u := range users {
		fmt.Fprintf(&b, "%s %s %s %s\n", u.Name, u.Password, u.Org, u.Role)
		if u.Name == demoUser {
			password = u.Password
		}
	}
	if err := os.WriteFile(creds, []byte(b.String()), 0o600); err != nil {
		return "", err
	}
	return password, nil
}

// readCredential finds a user's password in a credentials file written by
// terrimap-server demo --credentials.
func readCredential(path, user string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 2 && fields[0] == user {
			return fields[1], nil
		}
	}
	return "", errors.New("no demo credentials")
}

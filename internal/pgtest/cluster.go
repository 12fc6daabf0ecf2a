package pgtest

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"time"
)

// binDir is where Debian installs PostgreSQL 15's server programs.
const binDir = "/usr/lib/postgresql/15/bin"

// cluster is a PostgreSQL cluster started by this test binary: its data
// folder and Unix socket live in one temporary folder, it listens on no
// TCP port, and fsync is off (a test's data need not survive a crash of
// the machine).
type cluster struct {
	dir  string // the temporary folder: socket, data/, log
	data string
	port int
}

func getenv(name string) string { return os.Getenv(name) }

// asPostgres returns cmd run as the postgres user when this process is
// root: initdb and postgres refuse to run as root.
func asPostgres(name string, args ...string) *exec.Cmd {
	if os.Geteuid() == 0 {
		return exec.Command("runuser", append([]string{"-u", "postgres", "--", name}, args...)...)
	}
	return exec.Command(name, args...)
}

func run(cmd *exec.Cmd) error {
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s: %w\n%s", filepath.Base(cmd.Args[0])+" "+cmd.Args[len(cmd.Args)-1], err, out.String())
	}
	return nil
}

// startCluster makes and starts a new primary cluster.
func startCluster() (*cluster, error) {
	if _, err := os.Stat(filepath.Join(binDir, "initdb")); err != nil {
		return nil, fmt.Errorf("pgtest: PostgreSQL 15 is not installed in %s (apt-get install postgresql-15 postgresql-15-postgis-3), or set %s", binDir, EnvPrimary)
	}
	dir, err := os.MkdirTemp("", "pgtest-")
	if err != nil {
		return nil, fmt.Errorf("pgtest: %w", err)
	}
	if err := giveToPostgres(dir); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	c := &cluster{dir: dir, data: filepath.Join(dir, "data"), port: 5432}
	if err := run(asPostgres(filepath.Join(binDir, "initdb"), "-A", "trust", "--no-sync", "--encoding=UTF8", "--locale=C.UTF-8", "-U", "postgres", "-D", c.data)); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("pgtest: %w", err)
	}
	conf := "\nlisten_addresses = ''\nfsync = off\nsynchronous_commit = off\nfull_page_writes = off\n" +
		"wal_level = logical\nmax_wal_senders = 10\nmax_connections = 200\nwal_keep_size = 1GB\n"
	if err := appendFile(filepath.Join(c.data, "postgresql.conf"), conf); err != nil {
		return nil, err
	}
	if err := appendFile(filepath.Join(c.data, "pg_hba.conf"), "\nlocal replication all trust\n"); err != nil {
		return nil, err
	}
	if err := c.start(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return c, nil
}

// startReplica makes a streaming replica of c with pg_basebackup -R and
// starts it on the next port, in c's folder.
func (c *cluster) startReplica() (*cluster, error) {
	r := &cluster{dir: c.dir, data: filepath.Join(c.dir, "replica"), port: c.port + 1}
	err := run(asPostgres(filepath.Join(binDir, "pg_basebackup"), "-h", c.dir, "-p", strconv.Itoa(c.port), "-U", "postgres",
		"-X", "stream", "-c", "fast", "-R", "-D", r.data))
	if err != nil {
		return nil, fmt.Errorf("pgtest: replica: %w", err)
	}
	if err := r.start(); err != nil {
		return nil, err
	}
	return r, nil
}

func (c *cluster) start() error {
	opts := fmt.Sprintf("-k %s -p %d", c.dir, c.port)
	err := run(asPostgres(filepath.Join(binDir, "pg_ctl"), "-D", c.data, "-l", c.data+".log", "-o", opts, "-w", "-t", "60", "start"))
	if err != nil {
		return fmt.Errorf("pgtest: start PostgreSQL: %w", err)
	}
	return nil
}

// stop stops the cluster (fast shutdown) and, for the primary, removes
// its folder.
func (c *cluster) stop() {
	asPostgres(filepath.Join(binDir, "pg_ctl"), "-D", c.data, "-m", "immediate", "-w", "-t", "30", "stop").Run()
	if filepath.Base(c.data) == "data" {
		deadline := time.Now().Add(5 * time.Second)
		for time.Now().Before(deadline) {
			if err := os.RemoveAll(c.dir); err == nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
}

// url is the administrator's URL: user postgres, database postgres, the
// Unix socket in the cluster's folder.
func (c *cluster) url() string {
	return fmt.Sprintf("postgres://postgres@/postgres?host=%s&port=%d", c.dir, c.port)
}

// giveToPostgres makes dir the postgres user's when this process is root.
func giveToPostgres(dir string) error {
	if os.Geteuid() != 0 {
		return nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return fmt.Errorf("pgtest: no postgres user (apt-get install postgresql-15): %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	if err := os.Chown(dir, uid, gid); err != nil {
		return fmt.Errorf("pgtest: %w", err)
	}
	return nil
}

func appendFile(path, text string) error {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("pgtest: %w", err)
	}
	if _, err := f.WriteString(text); err != nil {
		f.Close()
		return fmt.Errorf("pgtest: %w", err)
	}
	return f.Close()
}

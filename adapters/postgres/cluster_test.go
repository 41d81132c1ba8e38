package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// The package's tests run against a throwaway PostgreSQL cluster that
// TestMain starts (initdb in a temporary directory, postgres on 127.0.0.1
// and a unix socket in that directory, one database) and removes afterwards,
// unless STUDENTCARD_PG_DSN names a server to use instead. Without
// PostgreSQL the tests skip, except under CI=true where that is a failure.

// errNoPostgres: no PostgreSQL server binaries on this machine.
var errNoPostgres = errors.New("PostgreSQL server binaries (initdb, pg_ctl) not found under /usr/lib/postgresql/*/bin or in PATH; install them (Debian: apt-get install -y postgresql) or set STUDENTCARD_PG_DSN")

// cluster is a running throwaway PostgreSQL server.
type cluster struct {
	bin  string // directory of initdb, pg_ctl, pg_dump
	dir  string // temporary directory: data/, log, socket
	port int
	dsn  string // of the test database
	opts string // server options of pg_ctl start
	cred *credential
	log  func(format string, args ...any)
}

// findBin returns the newest PostgreSQL bin directory.
func findBin() (string, error) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p), nil
	}
	return "", errNoPostgres
}

func version(binDir string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return v
}

// traversable reports whether every directory from / down to dir lets
// other users pass (o+x).
func traversable(dir string) bool {
	for d := filepath.Clean(dir); ; d = filepath.Dir(d) {
		fi, err := os.Stat(d)
		if err != nil || fi.Mode().Perm()&0o001 == 0 {
			return false
		}
		if d == filepath.Dir(d) {
			return true
		}
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// command runs a server binary, as the unprivileged user when we are root
// (initdb and postgres refuse to run as root).
func (c *cluster) command(name string, args ...string) *exec.Cmd {
	cmd := exec.Command(filepath.Join(c.bin, name), args...)
	if c.cred != nil {
		c.cred.apply(cmd)
	}
	cmd.Env = append(os.Environ(), "LC_ALL=C", "TZ=UTC")
	return cmd
}

func (c *cluster) run(name string, args ...string) error {
	out, err := c.command(name, args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s %s: %w\n%s", name, strings.Join(args, " "), err, out)
	}
	return nil
}

// startCluster creates and starts a cluster in a fresh temporary directory
// and creates the database "studentcard".
func startCluster(logf func(string, ...any)) (*cluster, error) {
	bin, err := findBin()
	if err != nil {
		return nil, err
	}
	c := &cluster{bin: bin, log: logf}
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			return nil, fmt.Errorf("running as root, and initdb refuses root: need the unprivileged user postgres (created by the Debian package): %w", err)
		}
		if c.cred, err = credentialOf(u); err != nil {
			return nil, err
		}
	}
	base := os.TempDir()
	if c.cred != nil && !traversable(base) {
		base = "/tmp" // TMPDIR is private to root; the server user must reach its directory
	}
	if c.dir, err = os.MkdirTemp(base, "studentcard-pg-"); err != nil {
		return nil, err
	}
	if c.cred != nil {
		if err := os.Chown(c.dir, c.cred.uid, c.cred.gid); err != nil {
			c.remove()
			return nil, err
		}
	}
	if c.port, err = freePort(); err != nil {
		c.remove()
		return nil, err
	}
	start := time.Now()
	data := filepath.Join(c.dir, "data")
	if err := c.run("initdb", "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"); err != nil {
		c.remove()
		return nil, err
	}
	c.opts = fmt.Sprintf("-c listen_addresses=127.0.0.1 -p %d -c unix_socket_directories=%s -c fsync=on -c synchronous_commit=on -c max_connections=60",
		c.port, c.dir)
	if err := c.start(); err != nil {
		c.remove()
		return nil, err
	}
	admin := fmt.Sprintf("host=127.0.0.1 port=%d user=postgres dbname=postgres sslmode=disable", c.port)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		c.stop()
		return nil, err
	}
	_, err = conn.Exec(ctx, "CREATE DATABASE studentcard")
	_ = conn.Close(ctx)
	if err != nil {
		c.stop()
		return nil, err
	}
	c.dsn = fmt.Sprintf("host=127.0.0.1 port=%d user=postgres dbname=studentcard sslmode=disable", c.port)
	c.log("postgres: throwaway cluster (%s) on 127.0.0.1:%d in %s, ready in %v", bin, c.port, c.dir, time.Since(start).Round(time.Millisecond))
	return c, nil
}

// start starts the server of the cluster's data directory.
func (c *cluster) start() error {
	return c.run("pg_ctl", "-D", filepath.Join(c.dir, "data"), "-l", filepath.Join(c.dir, "log"), "-o", c.opts, "-w", "-t", "60", "start")
}

// halt stops the server at once (immediate shutdown: every connection is
// cut, as when the server crashes or is stopped under load), keeping its
// data for start.
func (c *cluster) halt() error {
	return c.run("pg_ctl", "-D", filepath.Join(c.dir, "data"), "-m", "immediate", "-w", "-t", "60", "stop")
}

// stop stops the server (fast shutdown) and removes its directory.
func (c *cluster) stop() {
	if err := c.run("pg_ctl", "-D", filepath.Join(c.dir, "data"), "-m", "fast", "-w", "-t", "60", "stop"); err != nil {
		c.log("postgres: stop: %v", err)
		_ = c.run("pg_ctl", "-D", filepath.Join(c.dir, "data"), "-m", "immediate", "-w", "stop")
	}
	c.remove()
}

func (c *cluster) remove() { _ = os.RemoveAll(c.dir) }

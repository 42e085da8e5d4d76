#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# tests/support/pg_fixture.sh: a throwaway PostgreSQL server for typq's tests and examples.
#
#   pg_fixture.sh start   STATE_DIR   start a server, write its conninfo to STATE_DIR/dsn
#   pg_fixture.sh stop    STATE_DIR   stop it and delete it (succeeds even after a failed start)
#   pg_fixture.sh restart STATE_DIR   restart it (fast shutdown, same port and options)
#
# With TYPQ_TEST_DSN set, `start` only writes that conninfo to STATE_DIR/dsn and starts nothing.
# The cluster lives in a private `mktemp -d /tmp/typq-pg.XXXXXX` directory (recorded in
# STATE_DIR/cluster), not in the build tree: the postgres user may not be able to enter the
# build tree, and unix socket paths are limited to about 100 characters. Authentication is
# `trust`; the server listens on 127.0.0.1 on a free port and on a socket in <tmp>/sock.
# Run as root, initdb and the server run as the `postgres` user.
#
# For tests/reliability the server also has TLS and a password-authenticated role, and `start`
# writes what those tests need to STATE_DIR/reliability (`key=value` lines; see write_env):
#   - ssl=on with a server certificate for localhost and 127.0.0.1, signed by a test CA that
#     openssl makes at each start (<tmp>/tls/ca.crt), plus a second, unrelated CA
#     (<tmp>/tls/other-ca.crt) for the wrong-certificate tests;
#   - the role typq_scram with a random password, which must authenticate with scram-sha-256
#     over TCP (pg_hba.conf lines before initdb's `trust` ones; every other role and path keeps
#     `trust`).
# With TYPQ_TEST_DSN set, STATE_DIR/reliability names only this script (no TLS, no SCRAM role).
#
# For tests/deployment (CTest fixture `deployment`, which requires `pg`), on demand:
#   pg_fixture.sh deployment-start STATE_DIR   two PgBouncers (Debian's pgbouncer) in front of the
#       server in STATE_DIR/dsn (the fixture's, or TYPQ_TEST_DSN's), one in transaction mode and one
#       in session mode, each on a unix socket of its own; and a streaming replica (pg_basebackup -R)
#       of the fixture's server on another port, or, with TYPQ_TEST_DSN (a server we may not copy),
#       of a primary of its own. Writes STATE_DIR/deployment (`key=value`, see deployment_start).
#   pg_fixture.sh deployment-stop STATE_DIR    stops and deletes all of that (never fails).
# For a test that fails over a primary of its own (never the shared server):
#   pg_fixture.sh replica-start STATE_DIR      a streaming replica of the cluster `start` made in
#       STATE_DIR; writes STATE_DIR/replica_dsn (`stop` stops and deletes it too)
#   pg_fixture.sh halt STATE_DIR               stops that primary (fast shutdown), keeps its files
#   pg_fixture.sh promote STATE_DIR            promotes the replica (pg_ctl promote, waits)
#   pg_fixture.sh replica-stop STATE_DIR       stops and deletes the replica only

set -euo pipefail

usage() {
    echo "usage: $0 start|stop|restart|halt|replica-start|replica-stop|promote|deployment-start|deployment-stop STATE_DIR" >&2
    exit 2
}

[[ $# -eq 2 ]] || usage
action=$1
state_dir=$2

log() { echo "pg_fixture: $*" >&2; }

# Runs a PostgreSQL program as the cluster's owner: `postgres` when we are root, else ourselves.
as_owner() {
    if [[ $(id -u) -eq 0 ]]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

# The directory holding initdb and pg_ctl: pg_config's, else the newest /usr/lib/postgresql/*/bin.
find_bindir() {
    local dir
    if command -v pg_config >/dev/null 2>&1; then
        dir=$(pg_config --bindir 2>/dev/null || true)
        if [[ -n $dir && -x $dir/initdb && -x $dir/pg_ctl ]]; then
            echo "$dir"
            return 0
        fi
    fi
    dir=$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -type d -name bin 2>/dev/null | sort -V | tail -n 1)
    if [[ -n $dir && -x $dir/initdb && -x $dir/pg_ctl ]]; then
        echo "$dir"
        return 0
    fi
    return 1
}

# A TCP port that was free on 127.0.0.1 a moment ago.
free_port() {
    python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

# Stops the cluster recorded in STATE_DIR/cluster (if any) and removes it. Never fails.
stop_cluster() {
    local cluster bindir pid
    rm -f "$state_dir/dsn" "$state_dir/reliability"
    [[ -f $state_dir/cluster ]] || return 0
    cluster=$(<"$state_dir/cluster")
    # Only ever touch a directory this script made.
    if [[ $cluster != /tmp/typq-pg.* || ! -d $cluster ]]; then
        rm -f "$state_dir/cluster"
        return 0
    fi
    if [[ -f $cluster/data/postmaster.pid ]]; then
        if bindir=$(find_bindir); then
            (cd "$cluster" && as_owner "$bindir/pg_ctl" stop -D "$cluster/data" -m fast -w -t 60) >/dev/null 2>&1 \
                || log "pg_ctl stop failed"
        fi
        # Still running (pg_ctl missing or failed): signal the postmaster we started, by its pid.
        if [[ -f $cluster/data/postmaster.pid ]]; then
            pid=$(head -n 1 "$cluster/data/postmaster.pid" 2>/dev/null || true)
            if [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null; then
                kill -QUIT "$pid" 2>/dev/null || true
                for _ in $(seq 50); do
                    kill -0 "$pid" 2>/dev/null || break
                    sleep 0.1
                done
            fi
        fi
    fi
    rm -rf -- "$cluster"
    rm -f "$state_dir/cluster"
    return 0
}

# The path of this script, for tests that start a cluster of their own.
self_path() {
    local dir
    dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd) || return 1
    echo "$dir/$(basename "${BASH_SOURCE[0]}")"
}

# make_ca DIR NAME CN: a self-signed CA certificate DIR/NAME.crt with its key DIR/NAME.key.
make_ca() {
    as_owner openssl req -x509 -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
        -keyout "$1/$2.key" -out "$1/$2.crt" -days 7 -subj "/CN=$3" \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
}

# The test CA, the server's certificate (CN localhost; SAN localhost and 127.0.0.1) signed by it,
# and an unrelated CA, all in CLUSTER/tls. The server's key is readable by the server only.
make_tls() {
    local tls=$1/tls
    as_owner mkdir "$tls" || return 1
    make_ca "$tls" ca "typq test CA" || return 1
    make_ca "$tls" other-ca "typq unrelated test CA" || return 1
    as_owner openssl req -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
        -keyout "$tls/server.key" -out "$tls/server.csr" -subj "/CN=localhost" || return 1
    printf '%s\n' "subjectAltName=DNS:localhost,IP:127.0.0.1" "basicConstraints=CA:FALSE" \
        "keyUsage=critical,digitalSignature,keyEncipherment" "extendedKeyUsage=serverAuth" \
        | as_owner tee "$tls/server.ext" >/dev/null || return 1
    as_owner openssl x509 -req -in "$tls/server.csr" -CA "$tls/ca.crt" -CAkey "$tls/ca.key" \
        -CAcreateserial -out "$tls/server.crt" -days 7 -extfile "$tls/server.ext" || return 1
    as_owner chmod 600 "$tls/server.key" "$tls/ca.key" "$tls/other-ca.key"
}

# pg_hba.conf: the SCRAM role must give its password over TCP. First match wins, so these lines
# go before initdb's (`trust` for everything else).
require_scram() {
    local hba=$1/data/pg_hba.conf
    {
        echo "# typq's fixture: the role typq_scram authenticates with scram-sha-256 over TCP"
        echo "host    all    typq_scram    127.0.0.1/32    scram-sha-256"
        echo "host    all    typq_scram    ::1/128         scram-sha-256"
        cat "$hba"
    } >"$hba.new" && as_owner cp "$hba.new" "$hba" && rm -f "$hba.new"
}

# write_env STATE_DIR KEY=VALUE...: STATE_DIR/reliability, one `key=value` per line.
write_env() {
    local file=$1/reliability
    shift
    {
        echo "# written by tests/support/pg_fixture.sh for tests/reliability"
        printf '%s\n' "$@"
    } >"$file.tmp" && mv "$file.tmp" "$file"
}

start_cluster() {
    local bindir cluster port locale attempt opts password self
    mkdir -p "$state_dir"
    # A previous run that died before its stop step left a cluster behind: clean it up first.
    stop_cluster

    self=$(self_path) || return 1
    if [[ -n ${TYPQ_TEST_DSN:-} ]]; then
        printf '%s\n' "$TYPQ_TEST_DSN" >"$state_dir/dsn"
        write_env "$state_dir" "fixture=$self" || return 1
        log "using TYPQ_TEST_DSN; no server started"
        return 0
    fi

    if ! bindir=$(find_bindir); then
        log "initdb and pg_ctl not found (pg_config --bindir, /usr/lib/postgresql/*/bin)."
        log "Install the PostgreSQL server (Debian: apt-get install postgresql), or set TYPQ_TEST_DSN to use an existing server."
        return 1
    fi
    if [[ $(id -u) -eq 0 ]] && ! id postgres >/dev/null 2>&1; then
        log "running as root, but there is no 'postgres' user to run the server as (Debian: apt-get install postgresql)."
        return 1
    fi
    command -v python3 >/dev/null 2>&1 || { log "python3 is needed to pick a free port"; return 1; }
    command -v openssl >/dev/null 2>&1 \
        || { log "openssl is needed to make the test CA (Debian: apt-get install openssl)"; return 1; }

    # `set -e` does not apply inside a function called from `if`: every step checks itself.
    cluster=$(mktemp -d /tmp/typq-pg.XXXXXX) || { log "mktemp -d /tmp/typq-pg.XXXXXX failed"; return 1; }
    printf '%s\n' "$cluster" >"$state_dir/cluster" || return 1
    if [[ $(id -u) -eq 0 ]]; then
        chown postgres: "$cluster" || { log "chown postgres: $cluster failed"; return 1; }
    fi
    # The server's own cwd must be one it may enter (the caller's may be /root/...).
    cd "$cluster" || return 1
    as_owner mkdir "$cluster/sock" || { log "mkdir $cluster/sock failed"; return 1; }

    # The C.UTF-8 locale when the system has it, else C: deterministic, and valid with UTF8.
    locale=C
    if locale -a 2>/dev/null | grep -qix 'c\.utf-\?8'; then
        locale=C.UTF-8
    fi
    if ! as_owner "$bindir/initdb" -D "$cluster/data" -A trust -U postgres -E UTF8 --locale="$locale" --no-sync \
            >"$cluster/initdb.log" 2>&1; then
        log "initdb failed:"
        cat "$cluster/initdb.log" >&2
        return 1
    fi
    if ! make_tls "$cluster" >"$cluster/tls.log" 2>&1; then
        log "making the test CA and server certificate with openssl failed:"
        cat "$cluster/tls.log" >&2
        return 1
    fi
    require_scram "$cluster" || { log "writing pg_hba.conf failed"; return 1; }

    # The port is free when chosen but may be taken before the server binds it: retry a little.
    for attempt in 1 2 3; do
        port=$(free_port) || { log "could not pick a free port"; return 1; }
        opts="-k $cluster/sock -p $port -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
        opts+=" -c synchronous_commit=off -c max_connections=100"
        opts+=" -c ssl=on -c ssl_cert_file=$cluster/tls/server.crt -c ssl_key_file=$cluster/tls/server.key"
        if as_owner "$bindir/pg_ctl" start -D "$cluster/data" -l "$cluster/server.log" -w -t 60 -o "$opts" \
                >"$cluster/pg_ctl.log" 2>&1; then
            password=$(openssl rand -hex 16) || return 1
            if ! as_owner "$bindir/psql" -h "$cluster/sock" -p "$port" -U postgres -d postgres -X -q \
                    -v ON_ERROR_STOP=1 \
                    -c "SET password_encryption = 'scram-sha-256'" \
                    -c "CREATE ROLE typq_scram LOGIN PASSWORD '$password'" >"$cluster/psql.log" 2>&1; then
                log "creating the SCRAM role failed:"
                cat "$cluster/psql.log" >&2
                return 1
            fi
            write_env "$state_dir" "fixture=$self" "port=$port" \
                "tls_ca_file=$cluster/tls/ca.crt" "tls_wrong_ca_file=$cluster/tls/other-ca.crt" \
                "scram_user=typq_scram" "scram_password=$password" || return 1
            printf 'host=%s port=%s user=postgres dbname=postgres\n' "$cluster/sock" "$port" >"$state_dir/dsn"
            log "server on port $port, socket $cluster/sock (version $("$bindir/pg_ctl" --version | awk '{print $3}'))"
            return 0
        fi
        log "pg_ctl start failed (attempt $attempt, port $port)"
        # A port collision shows in the log; anything else will not go away by retrying.
        grep -qi 'could not bind\|address already in use' "$cluster/server.log" 2>/dev/null || break
    done
    log "pg_ctl output:"
    cat "$cluster/pg_ctl.log" >&2 || true
    log "server log ($cluster/server.log):"
    cat "$cluster/server.log" >&2 || true
    return 1
}

# Restarts the cluster recorded in STATE_DIR/cluster: a fast shutdown (every session is ended),
# then a start with the options and port it had (pg_ctl keeps them in postmaster.opts).
restart_cluster() {
    local cluster bindir
    [[ -f $state_dir/cluster ]] || { log "no cluster recorded in $state_dir/cluster"; return 1; }
    cluster=$(<"$state_dir/cluster")
    [[ $cluster == /tmp/typq-pg.* && -f $cluster/data/postmaster.pid ]] \
        || { log "$cluster is not a running cluster this script made"; return 1; }
    bindir=$(find_bindir) || { log "pg_ctl not found"; return 1; }
    cd "$cluster" || return 1
    if ! as_owner "$bindir/pg_ctl" restart -D "$cluster/data" -l "$cluster/server.log" -m fast -w -t 60 \
            >"$cluster/pg_ctl.log" 2>&1; then
        log "pg_ctl restart failed:"
        cat "$cluster/pg_ctl.log" >&2 || true
        return 1
    fi
}

# --- replicas and PgBouncer (tests/deployment) ---------------------------------------------------

# A new private directory /tmp/typq-pg.XXXXXX owned by the server's user (the prefix is what
# stop_cluster and stop_replica accept to delete).
owned_tmpdir() {
    local dir
    dir=$(mktemp -d /tmp/typq-pg.XXXXXX) || { log "mktemp -d /tmp/typq-pg.XXXXXX failed"; return 1; }
    if [[ $(id -u) -eq 0 ]]; then
        chown postgres: "$dir" || { log "chown postgres: $dir failed"; return 1; }
    fi
    echo "$dir"
}

# start_replica PRIMARY_HOST PRIMARY_PORT RECORD: a hot standby streaming from that server
# (pg_basebackup -R, so it follows the primary with the primary_conninfo written for it), on a
# socket in its own directory and a free port on 127.0.0.1. Its directory goes to RECORD, its
# conninfo to RECORD_dsn, its socket directory and port to RECORD_host and RECORD_port.
start_replica() {
    local host=$1 primary_port=$2 record=$3 bindir dir port opts attempt
    bindir=$(find_bindir) || { log "pg_basebackup and pg_ctl not found (Debian: apt-get install postgresql)"; return 1; }
    dir=$(owned_tmpdir) || return 1
    printf '%s\n' "$dir" >"$record" || return 1
    cd "$dir" || return 1
    as_owner mkdir "$dir/sock" || return 1
    if ! as_owner "$bindir/pg_basebackup" -D "$dir/data" -R -X stream -c fast -h "$host" -p "$primary_port" \
            -U postgres >"$dir/basebackup.log" 2>&1; then
        log "pg_basebackup from $host:$primary_port failed:"
        cat "$dir/basebackup.log" >&2
        return 1
    fi
    for attempt in 1 2 3; do
        port=$(free_port) || return 1
        opts="-k $dir/sock -p $port -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
        opts+=" -c synchronous_commit=off -c max_connections=100 -c ssl=off -c hot_standby=on"
        if as_owner "$bindir/pg_ctl" start -D "$dir/data" -l "$dir/server.log" -w -t 60 -o "$opts" \
                >"$dir/pg_ctl.log" 2>&1; then
            printf 'host=%s port=%s user=postgres dbname=postgres\n' "$dir/sock" "$port" >"${record}_dsn"
            printf '%s\n' "$dir/sock" >"${record}_host"
            printf '%s\n' "$port" >"${record}_port"
            log "replica of $host:$primary_port on port $port, socket $dir/sock"
            return 0
        fi
        grep -qi 'could not bind\|address already in use' "$dir/server.log" 2>/dev/null || break
    done
    log "starting the replica failed:"
    cat "$dir/pg_ctl.log" "$dir/server.log" >&2 || true
    return 1
}

# stop_replica RECORD: stops and deletes the replica recorded in RECORD. Never fails.
stop_replica() {
    local record=$1 dir bindir
    [[ -f $record ]] || return 0
    dir=$(<"$record")
    rm -f "$record" "${record}_dsn" "${record}_host" "${record}_port"
    [[ $dir == /tmp/typq-pg.* && -d $dir ]] || return 0
    if [[ -f $dir/data/postmaster.pid ]] && bindir=$(find_bindir); then
        (cd "$dir" && as_owner "$bindir/pg_ctl" stop -D "$dir/data" -m immediate -w -t 60) >/dev/null 2>&1 \
            || log "pg_ctl stop (replica) failed"
    fi
    rm -rf -- "$dir"
}

# The socket directory (or host name) and port of the cluster `start` made in STATE_DIR.
cluster_host() { sed -n 's/^host=\([^ ]*\) .*/\1/p' "$state_dir/dsn"; }
cluster_port() { sed -n 's/.* port=\([0-9]*\) .*/\1/p' "$state_dir/dsn"; }

replica_start() {
    [[ -f $state_dir/cluster && -f $state_dir/dsn ]] || { log "no cluster recorded in $state_dir (run start first)"; return 1; }
    start_replica "$(cluster_host)" "$(cluster_port)" "$state_dir/replica"
}

# Stops the primary `start` made in STATE_DIR (a fast shutdown) and keeps its files, as a crashed
# primary whose replica is then promoted; `stop` deletes it.
halt_cluster() {
    local cluster bindir
    cluster=$(<"$state_dir/cluster") || return 1
    [[ $cluster == /tmp/typq-pg.* && -f $cluster/data/postmaster.pid ]] || { log "no running cluster in $state_dir"; return 1; }
    bindir=$(find_bindir) || return 1
    (cd "$cluster" && as_owner "$bindir/pg_ctl" stop -D "$cluster/data" -m fast -w -t 60) >"$cluster/halt.log" 2>&1 \
        || { log "pg_ctl stop failed:"; cat "$cluster/halt.log" >&2; return 1; }
}

promote_replica() {
    local dir bindir
    dir=$(<"$state_dir/replica") || { log "no replica recorded in $state_dir"; return 1; }
    bindir=$(find_bindir) || return 1
    (cd "$dir" && as_owner "$bindir/pg_ctl" promote -D "$dir/data" -w -t 60) >"$dir/promote.log" 2>&1 \
        || { log "pg_ctl promote failed:"; cat "$dir/promote.log" >&2; return 1; }
}

# What psql says of a conninfo: "HOST PORT DBNAME USER" of the server it reached.
server_facts() {
    local psql_bin bindir
    psql_bin=psql
    if bindir=$(find_bindir) && [[ -x $bindir/psql ]]; then
        psql_bin=$bindir/psql
    fi
    "$psql_bin" -X -A -t -q -d "$1" -c '\echo :HOST :PORT :DBNAME :USER'
}

# The password a conninfo string or URI gives, if any (else PGPASSWORD's).
conninfo_password() {
    python3 - "$1" <<'PY'
import os, re, sys, urllib.parse
dsn = sys.argv[1].strip()
password = None
if re.match(r"^postgres(ql)?://", dsn):
    parts = urllib.parse.urlsplit(dsn)
    password = parts.password and urllib.parse.unquote(parts.password)
    query = urllib.parse.parse_qs(parts.query)
    password = query.get("password", [password])[0]
else:
    for key, quoted, plain in re.findall(r"(\w+)\s*=\s*(?:'((?:[^'\\]|\\.)*)'|(\S*))", dsn):
        if key == "password":
            password = re.sub(r"\\(.)", r"\1", quoted) if quoted else plain
print(password or os.environ.get("PGPASSWORD", ""))
PY
}

# start_bouncer DIR MODE HOST PORT DBNAME USER PASSWORD: a PgBouncer in pool mode MODE on a unix
# socket in DIR (no TCP), every database forwarded to HOST:PORT as USER. Clients are not
# authenticated (auth_type any: the socket is private to the tests). Prints its conninfo.
# Transaction mode keeps 4 server connections per database and hands out the one idle longest
# (server_round_robin): a client's next transaction almost always gets another server connection
# than its last, as it would at any time behind a busy PgBouncer. They are made at once (four
# transactions held together), so that the tests see that from their first statement.
start_bouncer() {
    local dir=$1 mode=$2 host=$3 port=$4 dbname=$5 user=$6 password=$7 listen pool_size target conninfo
    listen=$(free_port) || return 1
    pool_size=4
    [[ $mode == session ]] && pool_size=40
    target="host=$host port=$port user=$user"
    [[ -n $password ]] && target+=" password=$password"
    {
        echo "[databases]"
        echo "* = $target"
        echo "[pgbouncer]"
        echo "pool_mode = $mode"
        echo "listen_port = $listen"
        echo "unix_socket_dir = $dir"
        echo "auth_type = any"
        echo "default_pool_size = $pool_size"
        if [[ $mode == transaction ]]; then
            echo "min_pool_size = $pool_size"
            echo "server_round_robin = 1"
        fi
        echo "max_client_conn = 400"
        echo "ignore_startup_parameters = extra_float_digits"
        echo "logfile = $dir/pgbouncer.log"
        echo "pidfile = $dir/pgbouncer.pid"
    } >"$dir/pgbouncer.ini.new" && as_owner cp "$dir/pgbouncer.ini.new" "$dir/pgbouncer.ini" \
        && rm -f "$dir/pgbouncer.ini.new" || return 1
    as_owner chmod 600 "$dir/pgbouncer.ini" || return 1
    if ! (cd "$dir" && as_owner pgbouncer -d -q "$dir/pgbouncer.ini") >"$dir/start.log" 2>&1; then
        log "pgbouncer ($mode mode) did not start:"
        cat "$dir/start.log" "$dir/pgbouncer.log" >&2 2>/dev/null || true
        return 1
    fi
    for _ in $(seq 100); do
        [[ -S $dir/.s.PGSQL.$listen ]] && break
        sleep 0.05
    done
    [[ -S $dir/.s.PGSQL.$listen ]] || { log "pgbouncer ($mode mode) made no socket:"; cat "$dir/pgbouncer.log" >&2; return 1; }
    conninfo="host=$dir port=$listen dbname=$dbname user=$user"
    if [[ $mode == transaction ]]; then
        local pids=() failed=0
        for _ in $(seq "$pool_size"); do
            psql -X -q -d "$conninfo" -c "BEGIN; SELECT pg_sleep(0.3); COMMIT" >/dev/null 2>>"$dir/start.log" &
            pids+=($!)
        done
        for pid in "${pids[@]}"; do
            wait "$pid" || failed=1
        done
        [[ $failed -eq 0 ]] || { log "pgbouncer ($mode mode) does not reach the server:"; cat "$dir/start.log" >&2; return 1; }
    fi
    echo "$conninfo"
}

# stop_bouncer DIR: stops the PgBouncer whose pidfile is in DIR (immediate shutdown). Never fails.
stop_bouncer() {
    local pid
    [[ -f $1/pgbouncer.pid ]] || return 0
    pid=$(head -n 1 "$1/pgbouncer.pid" 2>/dev/null || true)
    if [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null || true
        # Gone, or a zombie (it daemonized: its parent is init, which may reap it only later).
        for _ in $(seq 50); do
            kill -0 "$pid" 2>/dev/null || break
            [[ $(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) == Z ]] && break
            sleep 0.1
        done
    fi
}

# STATE_DIR/deployment, for tests/deployment: `key=value` lines
#   transaction_dsn, session_dsn   the PgBouncers (transaction and session mode)
#   primary_dsn, standby_dsn       a server and its streaming replica (hot standby)
#   primary_host, primary_port, standby_host, standby_port   the same, for multi-host conninfo
#   own_primary                    1 when the primary is one of the fixture's own (TYPQ_TEST_DSN)
#   fixture                        this script
deployment_start() {
    local dir dsn facts host port dbname user password tx session primary_host primary_port own=0 self
    deployment_stop
    [[ -f $state_dir/dsn ]] || { log "no server: $state_dir/dsn is missing (the fixture pg starts it)"; return 1; }
    command -v pgbouncer >/dev/null 2>&1 \
        || { log "pgbouncer is not installed (Debian: apt-get install pgbouncer; tools/ensure-packages installs it)"; return 1; }
    self=$(self_path) || return 1
    dsn=$(<"$state_dir/dsn")
    facts=$(server_facts "$dsn") || { log "cannot connect to $dsn with psql"; return 1; }
    read -r host port dbname user <<<"$facts"
    password=$(conninfo_password "$dsn") || return 1

    dir=$(owned_tmpdir) || return 1
    printf '%s\n' "$dir" >"$state_dir/deployment_dir" || return 1
    as_owner mkdir "$dir/transaction" "$dir/session" || return 1
    tx=$(start_bouncer "$dir/transaction" transaction "$host" "$port" "$dbname" "$user" "$password") || return 1
    session=$(start_bouncer "$dir/session" session "$host" "$port" "$dbname" "$user" "$password") || return 1

    if [[ -f $state_dir/cluster ]]; then
        primary_host=$(cluster_host)
        primary_port=$(cluster_port)
    else
        # TYPQ_TEST_DSN: a primary of our own to copy, in STATE_DIR/deployment_primary.
        own=1
        mkdir -p "$state_dir/deployment_primary" || return 1
        env -u TYPQ_TEST_DSN bash "$self" start "$state_dir/deployment_primary" || return 1
        primary_host=$(sed -n 's/^host=\([^ ]*\) .*/\1/p' "$state_dir/deployment_primary/dsn")
        primary_port=$(sed -n 's/.* port=\([0-9]*\) .*/\1/p' "$state_dir/deployment_primary/dsn")
    fi
    start_replica "$primary_host" "$primary_port" "$state_dir/deployment_replica" || return 1
    {
        echo "# written by tests/support/pg_fixture.sh deployment-start for tests/deployment"
        echo "fixture=$self"
        echo "transaction_dsn=$tx"
        echo "session_dsn=$session"
        echo "primary_dsn=host=$primary_host port=$primary_port user=postgres dbname=postgres"
        echo "primary_host=$primary_host"
        echo "primary_port=$primary_port"
        echo "standby_dsn=$(<"$state_dir/deployment_replica_dsn")"
        echo "standby_host=$(<"$state_dir/deployment_replica_host")"
        echo "standby_port=$(<"$state_dir/deployment_replica_port")"
        echo "own_primary=$own"
    } >"$state_dir/deployment.tmp" && mv "$state_dir/deployment.tmp" "$state_dir/deployment"
}

deployment_stop() {
    local dir
    rm -f "$state_dir/deployment"
    stop_replica "$state_dir/deployment_replica"
    if [[ -d $state_dir/deployment_primary ]]; then
        env -u TYPQ_TEST_DSN bash "$(self_path)" stop "$state_dir/deployment_primary" || true
        rmdir "$state_dir/deployment_primary" 2>/dev/null || true
    fi
    [[ -f $state_dir/deployment_dir ]] || return 0
    dir=$(<"$state_dir/deployment_dir")
    rm -f "$state_dir/deployment_dir"
    [[ $dir == /tmp/typq-pg.* && -d $dir ]] || return 0
    stop_bouncer "$dir/transaction"
    stop_bouncer "$dir/session"
    rm -rf -- "$dir"
    return 0
}

case $action in
    start)
        if ! start_cluster; then
            stop_cluster
            exit 1
        fi
        ;;
    stop)
        [[ -d $state_dir ]] || exit 0
        stop_replica "$state_dir/replica"
        stop_cluster
        ;;
    restart)
        restart_cluster
        ;;
    halt)
        halt_cluster
        ;;
    replica-start)
        if ! replica_start; then
            stop_replica "$state_dir/replica"
            exit 1
        fi
        ;;
    replica-stop)
        stop_replica "$state_dir/replica"
        ;;
    promote)
        promote_replica
        ;;
    deployment-start)
        mkdir -p "$state_dir"
        if ! deployment_start; then
            deployment_stop
            exit 1
        fi
        ;;
    deployment-stop)
        [[ -d $state_dir ]] || exit 0
        deployment_stop
        ;;
    *)
        usage
        ;;
esac

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

set -euo pipefail

usage() {
    echo "usage: $0 start|stop|restart STATE_DIR" >&2
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

case $action in
    start)
        if ! start_cluster; then
            stop_cluster
            exit 1
        fi
        ;;
    stop)
        [[ -d $state_dir ]] || exit 0
        stop_cluster
        ;;
    restart)
        restart_cluster
        ;;
    *)
        usage
        ;;
esac

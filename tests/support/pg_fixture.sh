#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# tests/support/pg_fixture.sh: a throwaway PostgreSQL server for typq's tests and examples.
#
#   pg_fixture.sh start STATE_DIR   start a server, write its conninfo to STATE_DIR/dsn
#   pg_fixture.sh stop  STATE_DIR   stop it and delete it (succeeds even after a failed start)
#
# With TYPQ_TEST_DSN set, `start` only writes that conninfo to STATE_DIR/dsn and starts nothing.
# The cluster lives in a private `mktemp -d /tmp/typq-pg.XXXXXX` directory (recorded in
# STATE_DIR/cluster), not in the build tree: the postgres user may not be able to enter the
# build tree, and unix socket paths are limited to about 100 characters. Authentication is
# `trust`; the server listens on 127.0.0.1 on a free port and on a socket in <tmp>/sock.
# Run as root, initdb and the server run as the `postgres` user.

set -euo pipefail

usage() {
    echo "usage: $0 start|stop STATE_DIR" >&2
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
    rm -f "$state_dir/dsn"
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

start_cluster() {
    local bindir cluster port locale attempt opts
    mkdir -p "$state_dir"
    # A previous run that died before its stop step left a cluster behind: clean it up first.
    stop_cluster

    if [[ -n ${TYPQ_TEST_DSN:-} ]]; then
        printf '%s\n' "$TYPQ_TEST_DSN" >"$state_dir/dsn"
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

    # The port is free when chosen but may be taken before the server binds it: retry a little.
    for attempt in 1 2 3; do
        port=$(free_port) || { log "could not pick a free port"; return 1; }
        opts="-k $cluster/sock -p $port -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
        opts+=" -c synchronous_commit=off -c max_connections=100"
        if as_owner "$bindir/pg_ctl" start -D "$cluster/data" -l "$cluster/server.log" -w -t 60 -o "$opts" \
                >"$cluster/pg_ctl.log" 2>&1; then
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
    *)
        usage
        ;;
esac

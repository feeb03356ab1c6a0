# Sourced by the benchmarks: a work directory whose processes die with the script, the open-file
# limit, free ports, and nginx-rtmp started beside rtmp-server with the same settings everywhere.

# The build the benchmarks run: JAVA (JAVA_HOME's java, else the PATH's), JAR (the server),
# TOOLS (the client and load tools, a jar that finds the server jar beside it), and with
# "installed" also SERVER, the installation's launcher. Exits when they are not built.
require_build() {
    JAR=target/rtmp-server.jar
    TOOLS=target/rtmp-server-tools.jar
    SERVER=target/rtmp-server/bin/rtmp-server
    [ -f "$JAR" ] && [ -f "$TOOLS" ] && { [ "${1:-}" != installed ] || [ -x "$SERVER" ]; } \
        || { echo "build first: mvn -B -q package -DskipTests"; exit 1; }
    # The tools need Java 21 like the server; a machine's default java may be older, and the
    # installed image carries a runtime that runs them.
    JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
    if [ "$(java_feature "$JAVA")" -lt 21 ] && [ -x target/rtmp-server/bin/java ]; then
        JAVA=target/rtmp-server/bin/java
    fi
    [ "$(java_feature "$JAVA")" -ge 21 ] || { echo "needs Java 21 or later: set JAVA_HOME"; exit 1; }
}

# java_feature JAVA: the feature release of that java (17, 21, ...), or 0 if it does not run.
java_feature() {
    local v
    v=$("$1" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)
    echo "${v:-0}"
}

# start_work NAME: sets WORK to a fresh directory and PIDS to an empty list whose processes are
# killed when the script exits.
start_work() {
    WORK=$(mktemp -d "/tmp/rtmp-$1.XXXXXX")
    PIDS=()
    trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null' EXIT
}

# need_open_files N: raises this shell's open-file limit to N (every connection is a socket), or
# stops saying why it cannot.
need_open_files() {
    [ "$(ulimit -n)" = unlimited ] || [ "$(ulimit -n)" -ge "$1" ] || ulimit -n "$1" 2>/dev/null \
        || { echo "needs $1 open files (ulimit -n is $(ulimit -n), hard limit $(ulimit -Hn))"; exit 1; }
}

NGINX_MODULE=/usr/lib/nginx/modules/ngx_rtmp_module.so

require_nginx() {
    command -v nginx >/dev/null && [ -f "$NGINX_MODULE" ] \
        || { echo "needs: apt-get install nginx libnginx-mod-rtmp"; exit 1; }
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# Looks at the listen table rather than connecting, which a server would log as a failed handshake.
listening() { ss -Hltn "sport = :$1" 2>/dev/null | grep -q .; }

# start_nginx DIR PORT CONNECTIONS: one worker, in the foreground, so that $! is the process that
# serves connections; sets NGINX_PID.
start_nginx() {
    local dir=$1 port=$2 connections=$3
    mkdir -p "$dir/logs"
    cat >"$dir/nginx.conf" <<CONF
load_module $NGINX_MODULE;
daemon off;
master_process off;
worker_processes 1;
worker_rlimit_nofile $connections;
error_log $dir/logs/error.log warn;
pid $dir/nginx.pid;
events { worker_connections $connections; }
rtmp {
    server {
        listen 127.0.0.1:$port;
        chunk_size 4096;
        application live { live on; }
    }
}
CONF
    nginx -p "$dir" -c "$dir/nginx.conf" >"$dir/nginx.log" 2>&1 &
    NGINX_PID=$!
}

#!/usr/bin/env bash
# A real Neo4j (Community 5.26, embedded, Bolt on 127.0.0.1) for development and tests.
#   tools/neo4j.sh            build if needed, run in the foreground (Ctrl-C / SIGTERM stop it)
#   tools/neo4j.sh --start    build if needed, start in the background unless one answers
#                             already, wait for it; prints the NEO4J_BOLT_URL on stdout
#   tools/neo4j.sh --stop     stop the background one (clean shutdown)
# NEO4J_PORT (default 7687) and NEO4J_DATA_DIR (default var/neo4j[-PORT]) choose the instance.
# Installs Debian's JDK 17 and Maven when missing; Maven fetches Neo4j from Maven Central.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${NEO4J_PORT:-7687}
export NEO4J_PORT=$PORT
export NEO4J_DATA_DIR=${NEO4J_DATA_DIR:-var/neo4j-$PORT}
PROJECT=tools/neo4j
LOG=var/neo4j-$PORT.log
PIDFILE=var/neo4j-$PORT.pid

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
answers() { (exec 3<>/dev/tcp/127.0.0.1/"$PORT") 2>/dev/null; }

build() {
    if ! command -v mvn >/dev/null || ! command -v javac >/dev/null; then
        echo "neo4j.sh: installing openjdk-17-jdk-headless and maven" >&2
        as_root apt-get update -qq >&2
        DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq openjdk-17-jdk-headless maven >&2
    fi
    # Rebuilt only when the launcher or the pom changed.
    if [ ! -f $PROJECT/target/neo4j-launcher-1.0.0.jar ] \
        || [ -n "$(find $PROJECT/pom.xml $PROJECT/src -newer $PROJECT/target/neo4j-launcher-1.0.0.jar)" ]; then
        echo "neo4j.sh: building $PROJECT (first time: Maven downloads Neo4j, ~120 MB)" >&2
        mvn -q -B -f $PROJECT/pom.xml package -DskipTests >&2
    fi
}

run() {
    mkdir -p var
    exec java -XX:+UseG1GC -Xms256m -Xmx1g -cp "$PROJECT/target/classes:$PROJECT/target/lib/*" \
        interviewanalyzer.Neo4jLauncher
}

case "${1:-}" in
    "")
        build
        run
        ;;
    --start)
        if ! answers; then
            build
            mkdir -p var
            (run) >"$LOG" 2>&1 &
            echo $! >"$PIDFILE"
            for _ in $(seq 1 120); do
                grep -q "^Neo4j ready" "$LOG" 2>/dev/null && break
                if ! kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
                    echo "neo4j.sh: Neo4j did not start; its log:" >&2
                    cat "$LOG" >&2
                    exit 1
                fi
                sleep 1
            done
            grep -q "^Neo4j ready" "$LOG" || { echo "neo4j.sh: no ready line in 120 s" >&2; exit 1; }
            echo "neo4j.sh: $(grep '^Neo4j ready' "$LOG")" >&2
        fi
        echo "bolt://127.0.0.1:$PORT"
        ;;
    --stop)
        if [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
            kill -TERM "$(cat "$PIDFILE")"
            for _ in $(seq 1 60); do kill -0 "$(cat "$PIDFILE")" 2>/dev/null || break; sleep 1; done
        fi
        rm -f "$PIDFILE"
        ;;
    *)
        echo "usage: tools/neo4j.sh [--start|--stop]" >&2
        exit 2
        ;;
esac

#!/usr/bin/env bash
# Local services for customer360: an Apache Kafka broker (KRaft, single node) and a MongoDB
# wire-protocol server (mongo-java-server, in memory, with change streams), both on loopback.
# Needs only a JDK 17+, Maven 3.8+ (jars come from Maven Central) and Node (for the readiness probes).
#
#   bash scripts/services.sh install [kafka|mongo ...]   fetch jars into the cache (once)
#   bash scripts/services.sh start   [kafka|mongo ...]   install if needed, start, wait until they answer
#   bash scripts/services.sh stop    [kafka|mongo ...]   stop what start started
#   bash scripts/services.sh status  [kafka|mongo ...]   exit 0 only if every named service answers
#   bash scripts/services.sh env     [kafka|mongo ...]   print export lines: eval "$(bash scripts/services.sh env)"
# Without names a command applies to both services.
#
# Environment:
#   C360_CACHE_DIR  jar cache (default ~/.cache/customer360), shared by all checkouts
#   C360_RUN_DIR    pid, log, config and data files (default <repo>/data/services)
#   KAFKA_PORT (19092), KAFKA_CONTROLLER_PORT (KAFKA_PORT+1), KAFKA_NUM_PARTITIONS (3)
#   MONGO_PORT (27217)
#   C360_START_TIMEOUT  seconds to wait for a service to answer (default 120)
#   KAFKA_HEAP_OPTS / MONGO_HEAP_OPTS  JVM heap flags (default -Xmx512m)
# Kafka keeps its data in the run dir across restarts (wiped when its generated config changes);
# mongo-java-server keeps everything in memory, so a restart starts empty.
set -euo pipefail
set +m # background jobs stay in our process group, so setsid below execs instead of forking

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SERVICES_SRC="$ROOT/scripts/services"
CACHE_DIR="${C360_CACHE_DIR:-$HOME/.cache/customer360}"
RUN_DIR="${C360_RUN_DIR:-$ROOT/data/services}"
mkdir -p "$RUN_DIR"
RUN_DIR="$(cd "$RUN_DIR" && pwd)"
START_TIMEOUT="${C360_START_TIMEOUT:-120}"
ALL_SERVICES=(kafka mongo)

KAFKA_HOST=127.0.0.1
KAFKA_PORT="${KAFKA_PORT:-19092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-$((KAFKA_PORT + 1))}"
KAFKA_NUM_PARTITIONS="${KAFKA_NUM_PARTITIONS:-3}"
MONGO_HOST=127.0.0.1
MONGO_PORT="${MONGO_PORT:-27217}"

# Versions live in the poms only.
pom_property() { sed -n "s:.*<$2>\(.*\)</$2>.*:\1:p" "$1" | head -n 1; }
KAFKA_VERSION="$(pom_property "$SERVICES_SRC/kafka/pom.xml" kafka.version)"
MONGO_SERVER_VERSION="$(pom_property "$SERVICES_SRC/mongo/pom.xml" mongo-java-server.version)"
KAFKA_HOME="$CACHE_DIR/kafka-$KAFKA_VERSION"
MONGO_HOME="$CACHE_DIR/mongo-java-server-$MONGO_SERVER_VERSION"

log() { echo "services: $*" >&2; }
die() { echo "services: error: $*" >&2; exit 1; }

hash_of() { cat "$@" | sha256sum | cut -c1-16; }

# ---------------------------------------------------------------- readiness probes
# Dependency-free protocol probes (plain Node sockets):
#   kafka: a Metadata v4 request must list at least one broker;
#   mongo: an OP_MSG {ping: 1} must answer ok: 1.
# shellcheck disable=SC2016 # JavaScript, not shell
PROBE_JS='
const net = require("net");
const [kind, host, port] = process.argv.slice(1);
const done = (ok, why) => { if (!ok && process.env.PROBE_VERBOSE) console.error(why); process.exit(ok ? 0 : 1); };
process.exitCode = 1; // whatever ends without a valid answer is a failure
const sock = net.connect({ host, port: Number(port) });
sock.setTimeout(3000, () => done(false, "timeout"));
sock.on("error", (e) => done(false, e.message));
sock.on("close", () => done(false, "connection closed without a valid answer"));
let buf = Buffer.alloc(0);
if (kind === "kafka") {
  const clientId = Buffer.from("c360-probe");
  const body = Buffer.alloc(2 + 2 + 4 + 2 + clientId.length + 4 + 1);
  let o = 0;
  o = body.writeInt16BE(3, o);            // api key: Metadata
  o = body.writeInt16BE(4, o);            // api version 4
  o = body.writeInt32BE(1, o);            // correlation id
  o = body.writeInt16BE(clientId.length, o); o += clientId.copy(body, o);
  o = body.writeInt32BE(-1, o);           // topics: null = all
  body.writeInt8(0, o);                   // allow_auto_topic_creation = false
  const size = Buffer.alloc(4); size.writeInt32BE(body.length);
  sock.write(Buffer.concat([size, body]));
  sock.on("data", (d) => {
    buf = Buffer.concat([buf, d]);
    if (buf.length >= 4 && (buf.readInt32BE(0) < 8 || buf.readInt32BE(0) > 1e7)) return done(false, "not Kafka");
    if (buf.length < 4 || buf.length < 4 + buf.readInt32BE(0)) return;
    // size, correlation id, throttle_time_ms, brokers[] count
    const brokers = buf.readInt32BE(12);
    done(buf.readInt32BE(4) === 1 && brokers > 0, "brokers=" + brokers);
  });
} else {
  // BSON {ping: 1, $db: "admin"}
  const doc = Buffer.concat([
    Buffer.from([0x10]), Buffer.from("ping\0"), Buffer.from([1, 0, 0, 0]),
    Buffer.from([0x02]), Buffer.from("$db\0"), Buffer.from([6, 0, 0, 0]), Buffer.from("admin\0"),
    Buffer.from([0]),
  ]);
  const bson = Buffer.concat([Buffer.alloc(4), doc]); bson.writeInt32LE(bson.length, 0);
  const header = Buffer.alloc(16 + 4 + 1);
  header.writeInt32LE(header.length + bson.length, 0);
  header.writeInt32LE(1, 4);             // request id
  header.writeInt32LE(2013, 12);         // OP_MSG; flags 0; section kind 0
  sock.write(Buffer.concat([header, bson]));
  sock.on("data", (d) => {
    buf = Buffer.concat([buf, d]);
    if (buf.length >= 4 && (buf.readInt32LE(0) < 21 || buf.readInt32LE(0) > 48e6)) return done(false, "not MongoDB");
    if (buf.length < 4 || buf.length < buf.readInt32LE(0)) return;
    if (buf.readInt32LE(12) !== 2013) return done(false, "not an OP_MSG reply");
    const reply = buf.subarray(21);
    const i = reply.indexOf(Buffer.from("ok\0"));
    if (i < 1) return done(false, "no ok field");
    const type = reply[i - 1], at = i + 3;
    const ok = type === 0x01 ? reply.readDoubleLE(at) : type === 0x10 ? reply.readInt32LE(at) : 0;
    done(ok === 1, "ok=" + ok);
  });
}
'

# probe <kafka|mongo> <host> <port>: succeeds when the service answers its protocol
probe() {
  if command -v node >/dev/null 2>&1; then
    node -e "$PROBE_JS" "$1" "$2" "$3" 2>/dev/null
  else
    (exec 3<>"/dev/tcp/$2/$3") 2>/dev/null # no Node: settle for an open port
  fi
}

# port_in_use <port>: something listens on 127.0.0.1:<port>
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# ---------------------------------------------------------------- process helpers
# pid_of <name>: prints the pid recorded for <name> if that process is alive and is ours
pid_of() {
  local pidfile="$RUN_DIR/$1/$1.pid" pid
  [[ -f "$pidfile" ]] || return 1
  pid="$(cat "$pidfile")"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 1
  # guard against a recycled pid: the command line must name our main class
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qE "$(main_class "$1")" || return 1
  echo "$pid"
}

main_class() {
  case "$1" in
    kafka) echo 'kafka\.Kafka ' ;;
    mongo) echo 'MongoTestServer' ;;
  esac
}

show_log_tail() {
  local logfile="$1"
  if [[ -f "$logfile" ]]; then
    echo "----- last 40 lines of $logfile -----" >&2
    tail -n 40 "$logfile" >&2
    echo "-----" >&2
  fi
}

# rotate_log <file>: keep the previous run's log as <file>.1
rotate_log() {
  [[ -f "$1" ]] && mv -f "$1" "$1.1"
  echo "===== $(date -Is) $(basename "$1" .log) starting" >"$1"
}

# wait_ready <name> <pid> <host> <port> <logfile>
wait_ready() {
  local name="$1" pid="$2" host="$3" port="$4" logfile="$5"
  local deadline=$((SECONDS + START_TIMEOUT))
  until probe "$name" "$host" "$port"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      show_log_tail "$logfile"
      die "$name (pid $pid) exited before answering on $host:$port; see $logfile"
    fi
    if ((SECONDS >= deadline)); then
      show_log_tail "$logfile"
      die "$name (pid $pid) did not answer on $host:$port within ${START_TIMEOUT}s; see $logfile (still running: stop it with '$0 stop $name')"
    fi
    sleep 0.25
  done
}

# launch <name> <logfile> <command...>: start a detached background process, record its pid
launch() {
  local name="$1" logfile="$2"
  shift 2
  # setsid: a Ctrl-C in the terminal or the end of the calling test runner does not take it down
  # 8>&- 9>&-: do not inherit the locks, or the service would hold them for its lifetime
  setsid "$@" >>"$logfile" 2>&1 </dev/null 8>&- 9>&- &
  echo $! >"$RUN_DIR/$name/$name.pid"
}

stop_service() {
  local name="$1" grace="$2" pid
  if ! pid="$(pid_of "$name")"; then
    rm -f "$RUN_DIR/$name/$name.pid"
    log "$name: not running"
    return 0
  fi
  log "$name: stopping pid $pid"
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + grace))
  while kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS >= deadline)); then
      log "$name: still running after ${grace}s, sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    sleep 0.2
  done
  rm -f "$RUN_DIR/$name/$name.pid"
  log "$name: stopped"
}

# with_lock <name> <function...>: serialise start/stop of one service (parallel test workers)
with_lock() {
  local name="$1"
  shift
  mkdir -p "$RUN_DIR/$name"
  (
    flock -w 600 9 || die "$name: timed out waiting for the lock $RUN_DIR/$name/.lock"
    "$@"
  ) 9>"$RUN_DIR/$name/.lock"
}

# with_cache_lock <name> <function...>: one install at a time per cached package (checkouts share the cache)
with_cache_lock() {
  local name="$1"
  shift
  mkdir -p "$CACHE_DIR"
  (
    flock -w 900 8 || die "timed out waiting for the lock $CACHE_DIR/.$name.lock"
    "$@"
  ) 8>"$CACHE_DIR/.$name.lock"
}

# maven_fetch <pom> <dest-lib-dir>: copy the pom's runtime dependencies into dest (atomically)
maven_fetch() {
  local pom="$1" dest="$2" tmp
  command -v mvn >/dev/null 2>&1 || die "mvn (Maven 3.8+) is needed to fetch $(basename "$(dirname "$pom")") jars"
  command -v java >/dev/null 2>&1 || die "java (JDK 17+) is needed"
  tmp="$dest.tmp.$$"
  rm -rf "$tmp"
  mkdir -p "$(dirname "$dest")"
  # -q still prints colour resets, so keep Maven's output and show it only when it fails
  if ! mvn -q -B -Dstyle.color=never -f "$pom" dependency:copy-dependencies -DoutputDirectory="$tmp" \
    >"$tmp.mvn.log" 2>&1; then
    cat "$tmp.mvn.log" >&2
    rm -rf "$tmp" "$tmp.mvn.log"
    die "Maven could not fetch the jars for $pom (see the output above)"
  fi
  rm -f "$tmp.mvn.log"
  rm -rf "$dest"
  mv "$tmp" "$dest"
}

# ---------------------------------------------------------------- kafka
kafka_install() { with_cache_lock "kafka-$KAFKA_VERSION" kafka_install_locked; }
kafka_install_locked() {
  local pom="$SERVICES_SRC/kafka/pom.xml" marker="$KAFKA_HOME/.installed" want
  want="$(hash_of "$pom")"
  if [[ -f "$marker" && "$(cat "$marker")" == "$want" ]]; then
    log "kafka: $KAFKA_VERSION already installed in $KAFKA_HOME"
    return 0
  fi
  log "kafka: fetching Apache Kafka $KAFKA_VERSION jars into $KAFKA_HOME/lib"
  maven_fetch "$pom" "$KAFKA_HOME/lib"
  echo "$want" >"$marker"
  log "kafka: installed $(find "$KAFKA_HOME/lib" -name '*.jar' | wc -l) jars"
}

kafka_config() {
  cat <<EOF
# Generated by scripts/services.sh; edits are overwritten on the next start.
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=$KAFKA_HOST:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://$KAFKA_HOST:$KAFKA_PORT,CONTROLLER://$KAFKA_HOST:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$KAFKA_HOST:$KAFKA_PORT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
log.dirs=$RUN_DIR/kafka/data
num.partitions=$KAFKA_NUM_PARTITIONS
auto.create.topics.enable=true
delete.topic.enable=true
offsets.topic.replication.factor=1
offsets.topic.num.partitions=3
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
log.retention.hours=24
log.segment.bytes=16777216
EOF
}

# The JVM command line shared by the storage tool and the broker.
kafka_java_cmd() {
  # shellcheck disable=SC2206 # KAFKA_HEAP_OPTS is a list of flags
  KAFKA_JAVA=(java ${KAFKA_HEAP_OPTS:--Xmx512m -Xms128m} -XX:+UseG1GC -XX:MaxGCPauseMillis=20
    -Djava.awt.headless=true
    "-Dlog4j2.configurationFile=file:$SERVICES_SRC/kafka/log4j2.properties"
    -cp "$KAFKA_HOME/lib/*")
}

kafka_start_locked() {
  local dir="$RUN_DIR/kafka" logfile="$RUN_DIR/kafka/kafka.log" props="$RUN_DIR/kafka/server.properties" pid
  if pid="$(pid_of kafka)"; then
    wait_ready kafka "$pid" "$KAFKA_HOST" "$KAFKA_PORT" "$logfile"
    log "kafka: already running (pid $pid) on $KAFKA_HOST:$KAFKA_PORT"
    return 0
  fi
  if port_in_use "$KAFKA_PORT"; then
    if probe kafka "$KAFKA_HOST" "$KAFKA_PORT"; then
      log "kafka: a broker not started from $RUN_DIR already answers on $KAFKA_HOST:$KAFKA_PORT; using it"
      return 0
    fi
    die "kafka: port $KAFKA_PORT is taken by another program (set KAFKA_PORT to use another port)"
  fi
  port_in_use "$KAFKA_CONTROLLER_PORT" &&
    die "kafka: controller port $KAFKA_CONTROLLER_PORT is taken (set KAFKA_CONTROLLER_PORT)"

  kafka_install
  kafka_java_cmd
  mkdir -p "$dir"
  rotate_log "$logfile"
  kafka_config >"$props"
  # Formatted storage remembers the listeners; start over when the generated config changes.
  local config_hash
  config_hash="$(hash_of "$props")"
  if [[ -f "$dir/data/meta.properties" && "$(cat "$dir/config.hash" 2>/dev/null)" != "$config_hash" ]]; then
    log "kafka: configuration changed, wiping $dir/data"
    rm -rf "$dir/data"
  fi
  if [[ ! -f "$dir/data/meta.properties" ]]; then
    local cluster_id
    # a random 16-byte Kafka UUID, base64url without padding; like Kafka's own Uuid.randomUuid(), never one
    # starting with '-', which the storage tool's argument parser would take for an option (1 start in 64)
    cluster_id=-
    while [[ "$cluster_id" == -* ]]; do
      cluster_id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')"
    done
    log "kafka: formatting KRaft storage (cluster $cluster_id)"
    if ! "${KAFKA_JAVA[@]}" kafka.tools.StorageTool format -t "$cluster_id" -c "$props" --standalone >>"$logfile" 2>&1; then
      show_log_tail "$logfile"
      die "kafka: formatting storage in $dir/data failed"
    fi
    echo "$config_hash" >"$dir/config.hash"
  fi

  log "kafka: starting Apache Kafka $KAFKA_VERSION on $KAFKA_HOST:$KAFKA_PORT (log: $logfile)"
  launch kafka "$logfile" "${KAFKA_JAVA[@]}" kafka.Kafka "$props"
  pid="$(cat "$dir/kafka.pid")"
  local t0=$SECONDS
  wait_ready kafka "$pid" "$KAFKA_HOST" "$KAFKA_PORT" "$logfile"
  log "kafka: ready on $KAFKA_HOST:$KAFKA_PORT (pid $pid, $((SECONDS - t0))s)"
}

kafka_start() { with_lock kafka kafka_start_locked; }
kafka_stop() { with_lock kafka stop_service kafka 60; }
kafka_address() { echo "$KAFKA_HOST:$KAFKA_PORT"; }
kafka_env() { echo "export KAFKA_BROKERS=$(kafka_address)"; }

# ---------------------------------------------------------------- mongo
mongo_classes_dir() { echo "$MONGO_HOME/classes-$(hash_of "$SERVICES_SRC/mongo/MongoTestServer.java")"; }

mongo_install() { with_cache_lock "mongo-java-server-$MONGO_SERVER_VERSION" mongo_install_locked; }
mongo_install_locked() {
  local pom="$SERVICES_SRC/mongo/pom.xml" marker="$MONGO_HOME/.installed" want classes
  want="$(hash_of "$pom")"
  if [[ -f "$marker" && "$(cat "$marker")" == "$want" ]]; then
    log "mongo: mongo-java-server $MONGO_SERVER_VERSION already installed in $MONGO_HOME"
  else
    log "mongo: fetching mongo-java-server $MONGO_SERVER_VERSION jars into $MONGO_HOME/lib"
    maven_fetch "$pom" "$MONGO_HOME/lib"
    rm -rf "$MONGO_HOME"/classes-*
    echo "$want" >"$marker"
  fi
  # Compiled once (and again when the source changes): starts faster than source-file mode.
  classes="$(mongo_classes_dir)"
  if [[ ! -f "$classes/MongoTestServer.class" ]]; then
    log "mongo: compiling MongoTestServer.java"
    rm -rf "$classes.tmp.$$"
    mkdir -p "$classes.tmp.$$"
    javac -nowarn -d "$classes.tmp.$$" -cp "$MONGO_HOME/lib/*" "$SERVICES_SRC/mongo/MongoTestServer.java" ||
      die "mongo: compiling MongoTestServer.java failed"
    rm -rf "$classes"
    mv "$classes.tmp.$$" "$classes"
  fi
}

mongo_start_locked() {
  local dir="$RUN_DIR/mongo" logfile="$RUN_DIR/mongo/mongo.log" pid
  if pid="$(pid_of mongo)"; then
    wait_ready mongo "$pid" "$MONGO_HOST" "$MONGO_PORT" "$logfile"
    log "mongo: already running (pid $pid) on $MONGO_HOST:$MONGO_PORT"
    return 0
  fi
  if port_in_use "$MONGO_PORT"; then
    if probe mongo "$MONGO_HOST" "$MONGO_PORT"; then
      log "mongo: a server not started from $RUN_DIR already answers on $MONGO_HOST:$MONGO_PORT; using it"
      return 0
    fi
    die "mongo: port $MONGO_PORT is taken by another program (set MONGO_PORT to use another port)"
  fi

  mongo_install
  mkdir -p "$dir"
  rotate_log "$logfile"
  log "mongo: starting mongo-java-server $MONGO_SERVER_VERSION on $MONGO_HOST:$MONGO_PORT (log: $logfile)"
  # shellcheck disable=SC2086 # MONGO_HEAP_OPTS is a list of flags
  launch mongo "$logfile" env MONGO_HOST="$MONGO_HOST" \
    java ${MONGO_HEAP_OPTS:--Xmx512m} -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.awt.headless=true \
    -Dorg.slf4j.simpleLogger.showDateTime=true -Dorg.slf4j.simpleLogger.dateTimeFormat="yyyy-MM-dd'T'HH:mm:ss.SSS" \
    -Dorg.slf4j.simpleLogger.log.de.bwaldvogel.mongo.wire=warn \
    -cp "$MONGO_HOME/lib/*:$(mongo_classes_dir)" MongoTestServer "$MONGO_PORT"
  pid="$(cat "$dir/mongo.pid")"
  local t0=$SECONDS
  wait_ready mongo "$pid" "$MONGO_HOST" "$MONGO_PORT" "$logfile"
  log "mongo: ready on $MONGO_HOST:$MONGO_PORT (pid $pid, $((SECONDS - t0))s)"
}

mongo_start() { with_lock mongo mongo_start_locked; }
mongo_stop() { with_lock mongo stop_service mongo 20; }
mongo_address() { echo "$MONGO_HOST:$MONGO_PORT"; }
mongo_env() { echo "export MONGO_URL=mongodb://$(mongo_address)"; }

# ---------------------------------------------------------------- commands
status_of() {
  local name="$1" pid address
  address="$("${name}_address")"
  if pid="$(pid_of "$name")"; then
    if probe "$name" "${address%:*}" "${address##*:}"; then
      echo "$name: running (pid $pid), answering on $address"
    else
      echo "$name: running (pid $pid), NOT answering on $address (starting, or see $RUN_DIR/$name/$name.log)"
      return 1
    fi
  elif probe "$name" "${address%:*}" "${address##*:}"; then
    echo "$name: answering on $address (not started from $RUN_DIR)"
  else
    echo "$name: stopped"
    return 1
  fi
}

usage() {
  sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//' >&2
  exit 2
}

main() {
  local cmd="${1:-}"
  [[ -n "$cmd" ]] || usage
  shift
  local names=("$@") name
  ((${#names[@]})) || names=("${ALL_SERVICES[@]}")
  for name in "${names[@]}"; do
    [[ "$name" == kafka || "$name" == mongo ]] || die "unknown service '$name' (expected: kafka, mongo)"
  done
  case "$cmd" in
    install | start | stop | env)
      for name in "${names[@]}"; do "${name}_${cmd}"; done
      ;;
    status)
      local rc=0
      for name in "${names[@]}"; do status_of "$name" || rc=1; done
      return "$rc"
      ;;
    -h | --help | help) usage ;;
    *) die "unknown command '$cmd' (expected: install, start, stop, status, env)" ;;
  esac
}

main "$@"

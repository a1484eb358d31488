# bench/lib/s3proxy.sh: an S3 API server for the benchmarks' STORE=s3 runs. Sourced, never run.
#
# S3Proxy 4.1.0 (the S3 store tests' dependency, already in ~/.m2) in its own JVM, with its
# filesystem backend: a bucket is a directory under $DIR/data, an object a file under it (its
# key is the relative path), so sizes are measured with du exactly as on a filesystem
# repository, and the data sits on the same disk as a filesystem repository would (the work
# directory): what differs between STORE=fs and STORE=s3 is the protocol, not the disk.
# Note that S3Proxy writes objects without fsync, where both tools fsync a filesystem repository.
#
# Plain HTTP on $S3_PORT for Hindsight; HTTPS on $S3_TLS_PORT for pgBackRest, which speaks only
# HTTPS to S3 (a self-signed certificate, so pgBackRest runs with repo1-storage-verify-tls=n).
# The caller sets WORK and ROOT; s3proxy_prepare once, before anything is timed; then per half
# s3proxy_start DIR BUCKET... and s3proxy_stop DIR (a no-op when nothing runs there).

S3_PORT=${S3_PORT:-9480}
S3_TLS_PORT=${S3_TLS_PORT:-9481}
S3_ACCESS=bench
S3_SECRET=bench-secret-key-not-a-secret
S3_REGION=us-east-1
S3_KEYSTORE_PASSWORD=bench-keystore-not-a-secret

# The JVM's classpath (from ~/.m2, offline: the test dependencies are there once the tests have
# built) and the TLS keystore, shared by every S3Proxy of the run.
s3proxy_prepare() {
  log "s3: classpath for S3Proxy (mvn -o dependency:build-classpath, test scope)"
  (cd "$ROOT" && mvn -q -o -B dependency:build-classpath -Dmdep.includeScope=test \
      -Dmdep.outputFile="$WORK/s3proxy.classpath" >"$WORK/s3proxy-classpath.log" 2>&1) || {
    cat "$WORK/s3proxy-classpath.log" >&2; die "s3: could not build S3Proxy's classpath offline"; }
  grep -q 's3proxy-4\.1\.0\.jar' "$WORK/s3proxy.classpath" || die "s3: S3Proxy 4.1.0 is not on the test classpath"
  keytool -genkeypair -alias s3proxy -keyalg RSA -keysize 2048 -validity 7 -dname CN=127.0.0.1 \
      -ext SAN=ip:127.0.0.1 -keystore "$WORK/s3proxy.jks" -storetype PKCS12 \
      -storepass "$S3_KEYSTORE_PASSWORD" -keypass "$S3_KEYSTORE_PASSWORD" >/dev/null 2>&1 ||
    die "s3: keytool could not make the keystore"
  # S3Proxy's default logging (no configuration: logback at DEBUG) writes lines per request;
  # that would cost the server CPU inside the timings.
  cat >"$WORK/s3proxy-logback.xml" <<'EOF'
<configuration>
  <appender name="out" class="ch.qos.logback.core.ConsoleAppender">
    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{36} - %msg%n</pattern></encoder>
  </appender>
  <root level="WARN"><appender-ref ref="out"/></root>
</configuration>
EOF
}

s3_port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# any HTTP answer (403 without credentials) means it serves
s3proxy_ready() {
  kill -0 "$1" 2>/dev/null && curl -s -o /dev/null "http://127.0.0.1:$S3_PORT/" &&
    curl -sk -o /dev/null "https://127.0.0.1:$S3_TLS_PORT/"
}

# s3proxy_start DIR BUCKET...: S3Proxy on DIR/data with these (empty) buckets; fails if the ports
# are taken (by a left-over S3Proxy, say), not to measure someone else's server.
s3proxy_start() {
  local dir=$1 b pid; shift
  local p; for p in "$S3_PORT" "$S3_TLS_PORT"; do
    ! s3_port_open "$p" || die "s3: port $p is in use (set S3_PORT / S3_TLS_PORT)"
  done
  mkdir -p "$dir/data"
  # the filesystem backend lists a bucket for every directory under its basedir
  for b in "$@"; do mkdir -p "$dir/data/$b"; done
  cat >"$dir/s3proxy.properties" <<EOF
s3proxy.endpoint=http://127.0.0.1:$S3_PORT
s3proxy.secure-endpoint=https://127.0.0.1:$S3_TLS_PORT
s3proxy.keystore-path=$WORK/s3proxy.jks
s3proxy.keystore-password=$S3_KEYSTORE_PASSWORD
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=$S3_ACCESS
s3proxy.credential=$S3_SECRET
jclouds.provider=filesystem
jclouds.filesystem.basedir=$dir/data
EOF
  log "s3: starting S3Proxy on $dir/data (http :$S3_PORT, https :$S3_TLS_PORT; buckets: $*)"
  # S3PROXY_JAVA_OPTS: JVM options for S3Proxy, e.g. a heap size
  # shellcheck disable=SC2086
  java ${S3PROXY_JAVA_OPTS:-} -Dlogback.configurationFile="$WORK/s3proxy-logback.xml" \
       -cp "$(cat "$WORK/s3proxy.classpath")" org.gaul.s3proxy.Main --properties "$dir/s3proxy.properties" \
       >"$dir/s3proxy.log" 2>&1 &
  pid=$!
  echo "$pid" >"$dir/s3proxy.pid"
  wait_until 60 "S3Proxy to answer on :$S3_PORT and :$S3_TLS_PORT" s3proxy_ready "$pid" || {
    tail -20 "$dir/s3proxy.log" >&2; return 1; }
}

s3proxy_stop() {
  local dir=$1 pid _
  [[ -f $dir/s3proxy.pid ]] || return 0
  pid=$(cat "$dir/s3proxy.pid")
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$dir/s3proxy.pid"
  # what it complained about, if anything (it logs at WARN and above only)
  [[ ! -s $dir/s3proxy.log ]] || log "s3: S3Proxy log $dir/s3proxy.log: $(wc -l <"$dir/s3proxy.log") lines"
}

#!/usr/bin/env bash
# JMH microbenchmarks of the hot code paths: chunk encode and decode, AMF commands, a player's
# outbound queue. They live with the tools (src/tools/java/dev/rtmpserver/bench, and
# .../session/OutboundBenchmark.java, in the package of the package-private Outbound it measures),
# so that every build compiles them into target/rtmp-server-tools.jar. This builds the jars and runs
# JMH from the tools jar on the JDK in JAVA_HOME (or on the PATH); arguments go to JMH:
#
#   interop/bench/micro.sh                     (all of them, about 2.5 minutes on 2 cores)
#   interop/bench/micro.sh ChunkReader         (only benchmarks matching a regexp)
#   interop/bench/micro.sh -prof gc Chunk      (adds bytes allocated per operation)
#   interop/bench/micro.sh -h                  (JMH's own options)
#
# Scores are per message or per frame on this machine: compare builds on the same machine, and run
# nothing else meanwhile.
set -eu
cd "$(dirname "$0")/../.."
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
CLASSPATH_FILE=target/bench-classpath.txt
mvn -B -q package -DskipTests org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
    -Dmdep.outputFile="$CLASSPATH_FILE" -Dmdep.includeScope=test
# The tools jar brings the server jar (its Class-Path); the dependency class path brings JMH.
exec "$JAVA" -cp "target/rtmp-server-tools.jar:$(cat "$CLASSPATH_FILE")" org.openjdk.jmh.Main "$@"

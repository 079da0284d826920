#!/usr/bin/env bash
# Run a Kafka CLI tool from the fetched jars (no Kafka distribution needed).
#   kafka-cli.sh topics --bootstrap-server 127.0.0.1:9092 --list
#   kafka-cli.sh <fully.qualified.MainClass> [args...]
# Tools: topics, console-producer, console-consumer, consumer-groups,
#        configs, cluster-id, metadata-quorum, api-versions, storage,
#        delete-records, producer-perf, consumer-perf, transactions.
set -euo pipefail

# shellcheck source=common.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/common.sh"

if (($# == 0)); then sed -n '2,7p' "$0"; exit 2; fi
tool="$1"; shift
case "$tool" in
  topics)           cls=org.apache.kafka.tools.TopicCommand ;;
  console-producer) cls=kafka.tools.ConsoleProducer ;;
  console-consumer) cls=org.apache.kafka.tools.consumer.ConsoleConsumer ;;
  consumer-groups)  cls=org.apache.kafka.tools.consumer.group.ConsumerGroupCommand ;;
  configs)          cls=kafka.admin.ConfigCommand ;;
  cluster-id)       cls=org.apache.kafka.tools.ClusterTool; set -- cluster-id "$@" ;;
  metadata-quorum)  cls=org.apache.kafka.tools.MetadataQuorumCommand ;;
  api-versions)     cls=kafka.admin.BrokerApiVersionsCommand ;;
  storage)          cls=kafka.tools.StorageTool ;;
  delete-records)   cls=org.apache.kafka.tools.DeleteRecordsCommand ;;
  producer-perf)    cls=org.apache.kafka.tools.ProducerPerformance ;;
  consumer-perf)    cls=org.apache.kafka.tools.ConsumerPerformance ;;
  transactions)     cls=org.apache.kafka.tools.TransactionsCommand ;;
  *.*)              cls="$tool" ;;
  *) echo "kafka-cli.sh: unknown tool '$tool'" >&2; exit 2 ;;
esac
[[ -d "$LIBS_DIR" ]] || { echo "kafka-cli.sh: $LIBS_DIR missing; run start.sh first" >&2; exit 1; }
exec java "${TOOL_JAVA_OPTS[@]}" -cp "$CLASSPATH_GLOB" "$cls" "$@"

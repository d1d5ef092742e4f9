# Builds the soci-indexer service image: a Maven build stage and a Temurin 25 JRE runtime.
# Without a Docker engine, build the same service image with Jib instead:
# ./mvnw package jib:buildTar (see docs/operations/container-image.md).
FROM eclipse-temurin:25-jdk AS build
WORKDIR /src
COPY .mvn .mvn
COPY mvnw pom.xml ./
RUN ./mvnw -B -ntp -q dependency:go-offline
COPY src src
RUN ./mvnw -B -ntp -q package -DskipTests

FROM eclipse-temurin:25-jre
# zlib is called through java.lang.foreign, which needs native access. The jar's manifest
# carries Enable-Native-Access as well; this flag also covers 'java -cp' starts.
ENV JAVA_TOOL_OPTIONS="--enable-native-access=ALL-UNNAMED" \
    SOCI_INDEXER_DATA_DIR=/var/lib/soci-indexer
RUN useradd --system --uid 10001 --user-group --home-dir /var/lib/soci-indexer soci-indexer \
    && mkdir -p /var/lib/soci-indexer \
    && chown 10001:10001 /var/lib/soci-indexer \
    && chmod 0700 /var/lib/soci-indexer
COPY --from=build /src/target/soci-indexer.jar /opt/soci-indexer/soci-indexer.jar
USER 10001:10001
WORKDIR /var/lib/soci-indexer
# The data directory holds the embedded job store; /tmp takes the JVM's performance data and
# temporary files. With both as volumes the root filesystem can be mounted read-only.
VOLUME ["/var/lib/soci-indexer", "/tmp"]
EXPOSE 8080
# The image has neither curl nor wget for certain, so the check speaks HTTP through bash's
# /dev/tcp to the readiness probe and looks for an UP status.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /actuator/health/readiness HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && grep -q '\"status\":\"UP\"' <&3"]
ENTRYPOINT ["java", "-jar", "/opt/soci-indexer/soci-indexer.jar"]
